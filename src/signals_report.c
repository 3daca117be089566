/* signals_report.c -- what the fatal-signal handler writes on the crashed thread, with write(2)
 * alone and numbers formatted by hand (async-signal-safe): the ### ERROR ### line with the
 * signal's reason (si_code), a backtrace from the interrupted instruction, then the extra report
 * a client registered (timemory_signal_set_report: the extension's Python stacks). Owns the
 * one-line output buffer the handler's files share.
 */
#include "signals_impl.h"

#include <errno.h>
#include <execinfo.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

/* ---- async-signal-safe output: one line in a buffer, then write(2) ------------------------- */

static void tm__sig_write(int fd, const char* data, size_t len)
{
    while(len > 0)
    {
        ssize_t n = write(fd, data, len);
        if(n < 0 && errno == EINTR) continue;
        if(n <= 0) return;
        data += n;
        len -= (size_t)n;
    }
}

void tm__sig_puts(tm__sig_line* l, const char* s)
{
    while(s && *s && l->len < sizeof(l->text)) l->text[l->len++] = *s++;
}

void tm__sig_putu(tm__sig_line* l, unsigned long long v)
{
    char digits[24];
    int  n = 0;
    do digits[n++] = (char)('0' + v % 10);
    while((v /= 10) != 0);
    while(n > 0 && l->len < sizeof(l->text)) l->text[l->len++] = digits[--n];
}

void tm__sig_puti(tm__sig_line* l, long long v)
{
    if(v < 0)
    {
        tm__sig_puts(l, "-");
        tm__sig_putu(l, 0ull - (unsigned long long)v);
    }
    else
        tm__sig_putu(l, (unsigned long long)v);
}

void tm__sig_putx(tm__sig_line* l, uintptr_t v)
{
    char digits[2 * sizeof(uintptr_t)];
    int  n = 0;
    do digits[n++] = "0123456789abcdef"[v & 15u];
    while((v >>= 4) != 0);
    tm__sig_puts(l, "0x");
    while(n > 0 && l->len < sizeof(l->text)) l->text[l->len++] = digits[--n];
}

void tm__sig_flush(int fd, tm__sig_line* l)
{
    tm__sig_write(fd, l->text, l->len);
    l->len = 0;
}

void tm__sig_say(const char* text)
{
    tm__sig_write(STDERR_FILENO, text, strlen(text));
}

/* ---- the report --------------------------------------------------------------------------- */

static void tm__sig_reason(tm__sig_line* l, int sig, const siginfo_t* info)
{
    int         code = info->si_code;
    const char* text = NULL;
    if(code <= 0)
    {
        switch(code)
        {
        case SI_USER:
            text = "Sent by kill() from process ";
            break;
        case SI_TKILL:
            text = "Sent by tkill()/raise() from process ";
            break;
        case SI_QUEUE:
            text = "Sent by sigqueue() from process ";
            break;
        default:
            break;
        }
        if(text)
        {
            tm__sig_puts(l, text);
            tm__sig_puti(l, (long long)info->si_pid);
            tm__sig_puts(l, ".");
        }
        else if(code == SI_TIMER)
            tm__sig_puts(l, "A POSIX timer expired.");
        return;
    }
    if(code == SI_KERNEL)
    {
        tm__sig_puts(l, "Sent by the kernel.");
        return;
    }
    switch(sig)
    {
    case SIGSEGV:
        switch(code)
        {
        case SEGV_MAPERR:
            text = "Address not mapped to object.";
            break;
        case SEGV_ACCERR:
            text = "Invalid permissions for mapped object.";
            break;
#ifdef SEGV_BNDERR
        case SEGV_BNDERR:
            text = "Failed address bound checks.";
            break;
#endif
#ifdef SEGV_PKUERR
        case SEGV_PKUERR:
            text = "Access was denied by memory protection keys.";
            break;
#endif
        default:
            text = "Unknown segmentation fault error: ";
            break;
        }
        break;
    case SIGFPE:
        switch(code)
        {
        case FPE_INTDIV:
            text = "Integer divide by zero.";
            break;
        case FPE_INTOVF:
            text = "Integer overflow.";
            break;
        case FPE_FLTDIV:
            text = "Floating point divide by zero.";
            break;
        case FPE_FLTOVF:
            text = "Floating point overflow.";
            break;
        case FPE_FLTUND:
            text = "Floating point underflow.";
            break;
        case FPE_FLTRES:
            text = "Floating point inexact result.";
            break;
        case FPE_FLTINV:
            text = "Floating point invalid operation.";
            break;
        case FPE_FLTSUB:
            text = "Subscript out of range.";
            break;
        default:
            text = "Unknown floating point exception error: ";
            break;
        }
        break;
    case SIGILL:
        switch(code)
        {
        case ILL_ILLOPC:
            text = "Illegal opcode.";
            break;
        case ILL_ILLOPN:
            text = "Illegal operand.";
            break;
        case ILL_ILLADR:
            text = "Illegal addressing mode.";
            break;
        case ILL_ILLTRP:
            text = "Illegal trap.";
            break;
        case ILL_PRVOPC:
            text = "Privileged opcode.";
            break;
        case ILL_PRVREG:
            text = "Privileged register.";
            break;
        case ILL_COPROC:
            text = "Coprocessor error.";
            break;
        case ILL_BADSTK:
            text = "Internal stack error.";
            break;
        default:
            text = "Unknown illegal instruction error: ";
            break;
        }
        break;
    case SIGBUS:
        switch(code)
        {
        case BUS_ADRALN:
            text = "Invalid address alignment.";
            break;
        case BUS_ADRERR:
            text = "Nonexistent physical address.";
            break;
        case BUS_OBJERR:
            text = "Object-specific hardware error.";
            break;
        default:
            text = "Unknown bus error: ";
            break;
        }
        break;
    case SIGTRAP:
        switch(code)
        {
        case TRAP_BRKPT:
            text = "Process breakpoint.";
            break;
        case TRAP_TRACE:
            text = "Process trace trap.";
            break;
        default:
            break;
        }
        break;
    default:
        break;
    }
    if(!text) return;
    tm__sig_puts(l, text);
    if(text[strlen(text) - 1] == ' ')
    {
        tm__sig_puti(l, code);
        tm__sig_puts(l, ".");
    }
}

/* the interrupted instruction, to start the backtrace there (0 when not known here) */
static uintptr_t tm__sig_context_pc(const void* context)
{
    const ucontext_t* uc = context;
    if(!uc) return 0;
#if defined(__x86_64__)
    return (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__i386__)
    return (uintptr_t)uc->uc_mcontext.gregs[REG_EIP];
#elif defined(__aarch64__)
    return (uintptr_t)uc->uc_mcontext.pc;
#else
    return 0;
#endif
}

static void tm__sig_backtrace(int fd, const void* context, long pid, long tid)
{
    void*     frames[64];
    int       n     = backtrace(frames, 64);
    int       first = 0;
    uintptr_t pc    = tm__sig_context_pc(context);
    for(int i = 0; pc && i < n; ++i)
        if((uintptr_t)frames[i] == pc)
        {
            first = i; /* the handler's own frames are left out */
            break;
        }
    tm__sig_line l;
    l.len = 0;
    for(int i = first; i < n; ++i)
    {
        tm__sig_puts(&l, "[PID=");
        tm__sig_puti(&l, pid);
        tm__sig_puts(&l, "][TID=");
        tm__sig_puti(&l, tid);
        tm__sig_puts(&l, "][");
        tm__sig_puti(&l, i - first);
        tm__sig_puts(&l, "/");
        tm__sig_puti(&l, n - first);
        tm__sig_puts(&l, "]> ");
        tm__sig_flush(fd, &l);
        backtrace_symbols_fd(&frames[i], 1, fd); /* writes the line and its newline */
    }
}

void tm__sig_report(int sig, const siginfo_t* info, const void* context, long tid)
{
    const tm__sig_row* row = tm__sig_row_of(sig);
    long               pid = (long)getpid();
    tm__sig_line       l;
    l.len = 0;
    tm__sig_puts(&l, "\n### ERROR ###  [ rank : ");
    tm__sig_puti(&l, tm__sig_rank);
    tm__sig_puts(&l, " ] Error code : ");
    tm__sig_puti(&l, sig);
    tm__sig_puts(&l, " @ ");
    tm__sig_putx(&l, (uintptr_t)info->si_addr);
    tm__sig_puts(&l, " : ");
    tm__sig_puts(&l, row ? row->name : "signal");
    tm__sig_puts(&l, " (");
    tm__sig_puts(&l, row ? row->description : "unknown");
    tm__sig_puts(&l, "). ");
    tm__sig_reason(&l, sig, info);
    tm__sig_puts(&l, "\n");
    tm__sig_flush(STDERR_FILENO, &l);
    tm__sig_backtrace(STDERR_FILENO, context, pid, tid);
    timemory_signal_report_fn fn = atomic_load(&tm__sig_report_fn);
    if(fn) fn(STDERR_FILENO, sig);
}
