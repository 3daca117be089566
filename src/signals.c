/* signals.c -- owns the fatal-signal handler (spec NOTES.md section 4): which signals it
 * catches (the default set, SIGNAL_ENABLE_<NAME>/SIGNAL_DISABLE_<NAME>, the settings
 * enable_all_signals/disable_all_signals), the alternate stacks it runs on, the report it writes
 * with write(2) alone (the signal and its reason, a backtrace, then the extra report a client
 * registered -- the extension's Python stack), the writer -- a copy of the process made with
 * clone() that finalizes (pops what is open, writes every output) while the crashed process
 * waits for it with a time limit -- and the end: the signal's default action, so that the exit
 * status stays the signal's.
 *
 * Why a copy: the crashed thread may hold any lock (malloc's, the registry's, stdio's) and the
 * other threads go on changing the data. The copy has one thread and a frozen copy of the data;
 * a lock left held there makes it wait, and the crashed process stops it after the time limit
 * (nothing half-written is left: files are renamed into place whole, and the temporary files of
 * a stopped writer are removed).
 */
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

/* ---- the signals by name ------------------------------------------------------------------ */

typedef struct tm__sig_row {
    int         signum;
    const char* env;         /* SIGNAL_ENABLE_<env> / SIGNAL_DISABLE_<env> */
    const char* name;        /* the Python enum member (signals.Signal) */
    const char* description; /* as strsignal() says it in English */
    bool        terminates;  /* the default action ends the process */
} tm__sig_row;

static const tm__sig_row tm__sig_rows[] = {
    { SIGHUP, "HANGUP", "Hangup", "Hangup", true },
    { SIGINT, "INTERRUPT", "Interrupt", "Interrupt", true },
    { SIGQUIT, "QUIT", "Quit", "Quit", true },
    { SIGILL, "ILLEGAL", "Illegal", "Illegal instruction", true },
    { SIGTRAP, "TRAP", "Trap", "Trace/breakpoint trap", true },
    { SIGABRT, "ABORT", "Abort", "Aborted", true },
#ifdef SIGEMT
    { SIGEMT, "EMULATE", "Emulate", "EMT trap", true },
#endif
    { SIGFPE, "FPE", "FPE", "Floating point exception", true },
    { SIGKILL, "KILL", "Kill", "Killed", true },
    { SIGBUS, "BUS", "Bus", "Bus error", true },
    { SIGSEGV, "SEGFAULT", "SegFault", "Segmentation fault", true },
    { SIGSYS, "SYSTEM", "System", "Bad system call", true },
    { SIGPIPE, "PIPE", "Pipe", "Broken pipe", true },
    { SIGALRM, "ALARM", "Alarm", "Alarm clock", true },
    { SIGTERM, "TERMINATE", "Terminate", "Terminated", true },
    { SIGURG, "URGENT", "Urgent", "Urgent I/O condition", false },
    { SIGTSTP, "STOP", "Stop", "Stopped", false },
    { SIGXCPU, "CPUTIME", "CPUtime", "CPU time limit exceeded", true },
    { SIGXFSZ, "FILESIZE", "FileSize", "File size limit exceeded", true },
    { SIGVTALRM, "VIRTUALALARM", "VirtualAlarm", "Virtual timer expired", true },
    { SIGPROF, "PROFILEALARM", "ProfileAlarm", "Profiling timer expired", true },
    { SIGUSR1, "USER1", "User1", "User defined signal 1", true },
    { SIGUSR2, "USER2", "User2", "User defined signal 2", true },
};
#define TM_SIG_NROWS ((int) (sizeof(tm__sig_rows) / sizeof(tm__sig_rows[0])))

static const tm__sig_row* tm__sig_row_of(int signum)
{
    for(int i = 0; i < TM_SIG_NROWS; ++i)
        if(tm__sig_rows[i].signum == signum) return &tm__sig_rows[i];
    return NULL;
}

const char* timemory_signal_name(int signum)
{
    const tm__sig_row* row = tm__sig_row_of(signum);
    return row ? row->name : NULL;
}

/* ---- the default set ---------------------------------------------------------------------- */

/* An environment flag as the settings read booleans: digits are a number (0 is false), else
 * anything but "", off, false, no, n, f (any case, spaces around ignored) is true. */
static bool tm__sig_env_flag(const char* prefix, const char* name)
{
    char var[64];
    snprintf(var, sizeof(var), "%s%s", prefix, name);
    const char* value = getenv(var);
    if(!value) return false;
    while(*value == ' ' || *value == '\t' || *value == '\n' || *value == '\r') ++value;
    size_t len = strlen(value);
    while(len > 0 && strchr(" \t\n\r", value[len - 1])) --len;
    bool digits = len > 0, nonzero = false;
    for(size_t i = 0; i < len; ++i)
    {
        if(value[i] < '0' || value[i] > '9') digits = false;
        if(value[i] != '0') nonzero = true;
    }
    if(digits) return nonzero;
    static const char* const no[] = { "off", "false", "no", "n", "f" };
    if(len == 0) return false;
    for(size_t i = 0; i < sizeof(no) / sizeof(no[0]); ++i)
        if(strlen(no[i]) == len && strncasecmp(value, no[i], len) == 0) return false;
    return true;
}

int timemory_signal_default_set(int* out, int max)
{
    if(max < 0 || (max > 0 && !out)) return TIMEMORY_EINVAL;
    int set[TM_SIG_NROWS];
    int n = 0;
    if(tm__settings.disable_all_signals) return 0;
    if(tm__settings.enable_all_signals)
    {
        for(int i = 0; i < TM_SIG_NROWS; ++i)
            if(tm__sig_rows[i].signum != SIGKILL) set[n++] = tm__sig_rows[i].signum;
    }
    else
    {
        set[n++] = SIGQUIT;
        set[n++] = SIGILL;
        set[n++] = SIGABRT;
        set[n++] = SIGBUS;
        set[n++] = SIGSEGV;
#ifndef NDEBUG
        set[n++] = SIGFPE; /* debug builds (the original's default) */
#endif
    }
    for(int i = 0; i < TM_SIG_NROWS; ++i)
    {
        int sig   = tm__sig_rows[i].signum;
        int where = -1;
        for(int j = 0; j < n; ++j)
            if(set[j] == sig) where = j;
        if(where < 0 && sig != SIGKILL && tm__sig_env_flag("SIGNAL_ENABLE_", tm__sig_rows[i].env))
        {
            where    = n;
            set[n++] = sig;
        }
        if(where >= 0 && tm__sig_env_flag("SIGNAL_DISABLE_", tm__sig_rows[i].env))
        {
            memmove(&set[where], &set[where + 1], (size_t) (n - where - 1) * sizeof(int));
            --n;
        }
    }
    for(int i = 0; i < n && i < max; ++i) out[i] = set[i];
    return n;
}

/* ---- state -------------------------------------------------------------------------------- */

static pthread_mutex_t     tm__sig_mutex = PTHREAD_MUTEX_INITIALIZER; /* enable and disable */
static struct sigaction    tm__sig_previous[NSIG];
static volatile sig_atomic_t tm__sig_installed[NSIG];
static atomic_bool         tm__sig_any;         /* some signal is handled */
static atomic_int          tm__sig_owner;       /* kernel tid of the thread reporting, or 0 */
static atomic_uint         tm__sig_timeout_ms = 30000;
static int                 tm__sig_rank;        /* the launcher's MPI rank, 0 without one */
static char*               tm__sig_writer_stack; /* the writer's stack (top), see enable */
static _Atomic(timemory_signal_report_fn) tm__sig_report_fn;

/* the writer (its copy of this variable only) and the process whose data it writes */
static volatile bool tm__sig_in_writer;
static volatile long tm__sig_crashed_pid;

long tm__data_pid(void) { return tm__sig_in_writer ? tm__sig_crashed_pid : (long) getpid(); }

void timemory_signal_set_report(timemory_signal_report_fn fn) { atomic_store(&tm__sig_report_fn, fn); }

int timemory_signal_set_write_timeout(double seconds)
{
    if(!(seconds > 0.0) || seconds > 86400.0) return TIMEMORY_EVALUE;
    unsigned ms = (unsigned) (seconds * 1000.0 + 0.5);
    atomic_store(&tm__sig_timeout_ms, ms > 0 ? ms : 1u);
    return TIMEMORY_OK;
}

double timemory_signal_write_timeout(void) { return atomic_load(&tm__sig_timeout_ms) / 1000.0; }

/* ---- async-signal-safe output: one line in a buffer, then write(2) ------------------------- */

typedef struct tm__sig_line {
    char   text[768];
    size_t len;
} tm__sig_line;

static void tm__sig_write(int fd, const char* data, size_t len)
{
    while(len > 0)
    {
        ssize_t n = write(fd, data, len);
        if(n < 0 && errno == EINTR) continue;
        if(n <= 0) return;
        data += n;
        len -= (size_t) n;
    }
}

static void tm__sig_puts(tm__sig_line* l, const char* s)
{
    while(s && *s && l->len < sizeof(l->text)) l->text[l->len++] = *s++;
}

static void tm__sig_putu(tm__sig_line* l, unsigned long long v)
{
    char digits[24];
    int  n = 0;
    do
        digits[n++] = (char) ('0' + v % 10);
    while((v /= 10) != 0);
    while(n > 0 && l->len < sizeof(l->text)) l->text[l->len++] = digits[--n];
}

static void tm__sig_puti(tm__sig_line* l, long long v)
{
    if(v < 0)
    {
        tm__sig_puts(l, "-");
        tm__sig_putu(l, 0ull - (unsigned long long) v);
    }
    else
        tm__sig_putu(l, (unsigned long long) v);
}

static void tm__sig_putx(tm__sig_line* l, uintptr_t v)
{
    char digits[2 * sizeof(uintptr_t)];
    int  n = 0;
    do
        digits[n++] = "0123456789abcdef"[v & 15u];
    while((v >>= 4) != 0);
    tm__sig_puts(l, "0x");
    while(n > 0 && l->len < sizeof(l->text)) l->text[l->len++] = digits[--n];
}

static void tm__sig_flush(int fd, tm__sig_line* l)
{
    tm__sig_write(fd, l->text, l->len);
    l->len = 0;
}

static void tm__sig_say(const char* text) { tm__sig_write(STDERR_FILENO, text, strlen(text)); }

/* ---- alternate stacks: one per thread that asks (sigaltstack is per thread) ---------------- */

#define TM_SIG_ALTSTACK_SIZE ((size_t) 64 << 10)
/* a thread's existing alternate stack (a sanitizer's, faulthandler's) is kept when at least
 * this large: the handler itself needs about 10 KiB (tests/c/test_signals.c measures it) */
#define TM_SIG_ALTSTACK_MIN ((size_t) 32 << 10)
#define TM_SIG_WRITER_STACK ((size_t) 8 << 20)

static pthread_key_t  tm__sig_stack_key;
static pthread_once_t tm__sig_stack_once = PTHREAD_ONCE_INIT;
static bool           tm__sig_stack_keyed;

static size_t tm__sig_page(void)
{
    long page = sysconf(_SC_PAGESIZE);
    return page > 0 ? (size_t) page : 4096u;
}

/* mmap'd stack with a guard page below it; returns the usable base or NULL */
static char* tm__sig_map_stack(size_t size)
{
    size_t page = tm__sig_page();
    char*  base = mmap(NULL, page + size, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if(base == MAP_FAILED) return NULL;
    mprotect(base, page, PROT_NONE);
    return base + page;
}

static void tm__sig_unmap_stack(char* usable, size_t size)
{
    size_t page = tm__sig_page();
    munmap(usable - page, page + size);
}

/* a thread's own alternate stack goes when the thread exits */
static void tm__sig_stack_free(void* usable)
{
    stack_t current;
    if(sigaltstack(NULL, &current) == 0 && current.ss_sp == usable &&
       !(current.ss_flags & SS_ONSTACK))
    {
        stack_t off;
        memset(&off, 0, sizeof(off));
        off.ss_flags = SS_DISABLE;
        sigaltstack(&off, NULL);
    }
    tm__sig_unmap_stack(usable, TM_SIG_ALTSTACK_SIZE);
}

static void tm__sig_stack_key_create(void)
{
    tm__sig_stack_keyed = pthread_key_create(&tm__sig_stack_key, tm__sig_stack_free) == 0;
}

int timemory_signal_thread_init(void)
{
    stack_t current;
    if(sigaltstack(NULL, &current) != 0) return TIMEMORY_EINVAL;
    if(current.ss_flags & SS_ONSTACK) return TIMEMORY_OK; /* called from a handler */
    if(!(current.ss_flags & SS_DISABLE) && current.ss_size >= TM_SIG_ALTSTACK_MIN)
        return TIMEMORY_OK;
    pthread_once(&tm__sig_stack_once, tm__sig_stack_key_create);
    if(!tm__sig_stack_keyed) return TIMEMORY_ENOMEM;
    char* usable = pthread_getspecific(tm__sig_stack_key);
    bool  made   = false;
    if(!usable)
    {
        usable = tm__sig_map_stack(TM_SIG_ALTSTACK_SIZE);
        if(!usable) return TIMEMORY_ENOMEM;
        made = true;
    }
    stack_t ss;
    memset(&ss, 0, sizeof(ss));
    ss.ss_sp   = usable;
    ss.ss_size = TM_SIG_ALTSTACK_SIZE;
    if(sigaltstack(&ss, NULL) != 0)
    {
        if(made) tm__sig_unmap_stack(usable, TM_SIG_ALTSTACK_SIZE);
        return TIMEMORY_EINVAL;
    }
    if(made && pthread_setspecific(tm__sig_stack_key, usable) != 0)
    {
        /* not remembered: the stack would outlive the thread; go without one */
        memset(&ss, 0, sizeof(ss));
        ss.ss_flags = SS_DISABLE;
        sigaltstack(&ss, NULL);
        tm__sig_unmap_stack(usable, TM_SIG_ALTSTACK_SIZE);
        return TIMEMORY_ENOMEM;
    }
    return TIMEMORY_OK;
}

void tm__signals_thread_start(void)
{
    if(atomic_load_explicit(&tm__sig_any, memory_order_relaxed)) (void) timemory_signal_thread_init();
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
            case SI_USER: text = "Sent by kill() from process "; break;
            case SI_TKILL: text = "Sent by tkill()/raise() from process "; break;
            case SI_QUEUE: text = "Sent by sigqueue() from process "; break;
            default: break;
        }
        if(text)
        {
            tm__sig_puts(l, text);
            tm__sig_puti(l, (long long) info->si_pid);
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
                case SEGV_MAPERR: text = "Address not mapped to object."; break;
                case SEGV_ACCERR: text = "Invalid permissions for mapped object."; break;
#ifdef SEGV_BNDERR
                case SEGV_BNDERR: text = "Failed address bound checks."; break;
#endif
#ifdef SEGV_PKUERR
                case SEGV_PKUERR: text = "Access was denied by memory protection keys."; break;
#endif
                default: text = "Unknown segmentation fault error: "; break;
            }
            break;
        case SIGFPE:
            switch(code)
            {
                case FPE_INTDIV: text = "Integer divide by zero."; break;
                case FPE_INTOVF: text = "Integer overflow."; break;
                case FPE_FLTDIV: text = "Floating point divide by zero."; break;
                case FPE_FLTOVF: text = "Floating point overflow."; break;
                case FPE_FLTUND: text = "Floating point underflow."; break;
                case FPE_FLTRES: text = "Floating point inexact result."; break;
                case FPE_FLTINV: text = "Floating point invalid operation."; break;
                case FPE_FLTSUB: text = "Subscript out of range."; break;
                default: text = "Unknown floating point exception error: "; break;
            }
            break;
        case SIGILL:
            switch(code)
            {
                case ILL_ILLOPC: text = "Illegal opcode."; break;
                case ILL_ILLOPN: text = "Illegal operand."; break;
                case ILL_ILLADR: text = "Illegal addressing mode."; break;
                case ILL_ILLTRP: text = "Illegal trap."; break;
                case ILL_PRVOPC: text = "Privileged opcode."; break;
                case ILL_PRVREG: text = "Privileged register."; break;
                case ILL_COPROC: text = "Coprocessor error."; break;
                case ILL_BADSTK: text = "Internal stack error."; break;
                default: text = "Unknown illegal instruction error: "; break;
            }
            break;
        case SIGBUS:
            switch(code)
            {
                case BUS_ADRALN: text = "Invalid address alignment."; break;
                case BUS_ADRERR: text = "Nonexistent physical address."; break;
                case BUS_OBJERR: text = "Object-specific hardware error."; break;
                default: text = "Unknown bus error: "; break;
            }
            break;
        case SIGTRAP:
            switch(code)
            {
                case TRAP_BRKPT: text = "Process breakpoint."; break;
                case TRAP_TRACE: text = "Process trace trap."; break;
                default: break;
            }
            break;
        default: break;
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
    return (uintptr_t) uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__i386__)
    return (uintptr_t) uc->uc_mcontext.gregs[REG_EIP];
#elif defined(__aarch64__)
    return (uintptr_t) uc->uc_mcontext.pc;
#else
    return 0;
#endif
}

static void tm__sig_backtrace(int fd, const void* context, long pid, long tid)
{
    void* frames[64];
    int   n     = backtrace(frames, 64);
    int   first = 0;
    uintptr_t pc = tm__sig_context_pc(context);
    for(int i = 0; pc && i < n; ++i)
        if((uintptr_t) frames[i] == pc)
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

static void tm__sig_report(int sig, const siginfo_t* info, const void* context, long tid)
{
    const tm__sig_row* row = tm__sig_row_of(sig);
    long               pid = (long) getpid();
    tm__sig_line       l;
    l.len = 0;
    tm__sig_puts(&l, "\n### ERROR ###  [ rank : ");
    tm__sig_puti(&l, tm__sig_rank);
    tm__sig_puts(&l, " ] Error code : ");
    tm__sig_puti(&l, sig);
    tm__sig_puts(&l, " @ ");
    tm__sig_putx(&l, (uintptr_t) info->si_addr);
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

/* ---- the writer --------------------------------------------------------------------------- */

/* The copy of the process: one thread, the crashed thread's view (its TLS, its open pushes).
 * A fault here ends this copy only; the crashed process reports it. */
static int tm__sig_writer_main(void* arg)
{
    (void) arg;
    tm__sig_in_writer = true;
    struct sigaction dfl;
    memset(&dfl, 0, sizeof(dfl));
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    for(int s = 1; s < NSIG; ++s)
    {
        struct sigaction current;
        if(s == SIGKILL || s == SIGSTOP || sigaction(s, NULL, &current) != 0) continue;
        if((current.sa_flags & SA_SIGINFO) ||
           (current.sa_handler != SIG_DFL && current.sa_handler != SIG_IGN))
            sigaction(s, &dfl, NULL);
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    /* should the crashed process be gone (killed while it waits), this copy still ends */
    alarm(atomic_load(&tm__sig_timeout_ms) / 1000u + 2u);
    int rc = timemory_finalize();
    fflush(stdout);
    fflush(stderr);
    _exit(rc == TIMEMORY_OK ? 0 : 3);
}

/* Removes <name>.tmp.<pid> files (what a stopped writer was writing) from dir and the folders
 * right below it (the time-stamped output folder): getdents64, no allocation. */
struct tm__sig_dirent {
    uint64_t       ino;
    int64_t        off;
    unsigned short reclen;
    unsigned char  type;
    char           name[];
};

static void tm__sig_remove_temporaries(int dirfd, const char* suffix, int depth)
{
    _Alignas(8) char buf[2048];
    size_t           slen = strlen(suffix);
    for(;;)
    {
        long n = syscall(SYS_getdents64, dirfd, buf, sizeof(buf));
        if(n <= 0) break;
        for(long off = 0; off < n;)
        {
            struct tm__sig_dirent* d = (struct tm__sig_dirent*) (void*) (buf + off);
            off += d->reclen;
            const char* name = d->name;
            size_t      len  = strlen(name);
            if(strcmp(name, ".") == 0 || strcmp(name, "..") == 0) continue;
            if(len > slen && memcmp(name + len - slen, suffix, slen) == 0)
                unlinkat(dirfd, name, 0);
            else if(depth == 0 && (d->type == DT_DIR || d->type == DT_UNKNOWN))
            {
                int sub = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if(sub >= 0)
                {
                    tm__sig_remove_temporaries(sub, suffix, 1);
                    close(sub);
                }
            }
        }
    }
}

static void tm__sig_clean_after(long writer)
{
    const char* path = tm__settings.output_path; /* read only: the process is about to end */
    int         fd   = open(path && *path ? path : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if(fd < 0) return;
    tm__sig_line suffix;
    suffix.len = 0;
    tm__sig_puts(&suffix, ".tmp.");
    tm__sig_puti(&suffix, writer);
    suffix.text[suffix.len < sizeof(suffix.text) ? suffix.len : sizeof(suffix.text) - 1] = '\0';
    tm__sig_remove_temporaries(fd, suffix.text, 0);
    close(fd);
}

static long tm__sig_elapsed_ms(const struct timespec* since)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long) (now.tv_sec - since->tv_sec) * 1000 + (now.tv_nsec - since->tv_nsec) / 1000000;
}

static void tm__sig_write_outputs(int sig)
{
    const tm__sig_row* row   = tm__sig_row_of(sig);
    int                state = tm__state;
    if(state >= 3)
    {
        tm__sig_say("[timemory] the outputs were written before the signal (finalized)\n");
        return;
    }
    if(state == 2)
    {
        tm__sig_say("[timemory] the signal came while the outputs were being written: the files "
                    "already written are whole, the others are not written\n");
        return;
    }
    tm__sig_line l;
    l.len = 0;
    tm__sig_puts(&l, "Finalizing after signal: ");
    tm__sig_puti(&l, sig);
    tm__sig_puts(&l, " :: ");
    tm__sig_puts(&l, row ? row->name : "signal");
    tm__sig_puts(&l, "\n");
    tm__sig_flush(STDERR_FILENO, &l);

    tm__sig_crashed_pid = (long) getpid();
#if defined(__linux__)
    /* clone(): a new process on its own stack (the alternate stack is small), without the
     * fork handlers fork() would run (they take locks and move the output folder) */
    pid_t writer = tm__sig_writer_stack
                       ? clone(tm__sig_writer_main, tm__sig_writer_stack, SIGCHLD, NULL)
                       : -1;
    if(!tm__sig_writer_stack) errno = ENOMEM;
#else
    pid_t writer = fork();
    if(writer == 0) tm__sig_writer_main(NULL);
#endif
    if(writer < 0)
    {
        int err = errno;
        tm__sig_puts(&l, "[timemory] the outputs are not written: the writer process could not "
                         "be made (errno ");
        tm__sig_puti(&l, err);
        tm__sig_puts(&l, ")\n");
        tm__sig_flush(STDERR_FILENO, &l);
        return;
    }
    unsigned        limit = atomic_load(&tm__sig_timeout_ms);
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    int  status   = 0;
    bool reaped   = false;
    bool stopped  = false;
    for(;;)
    {
        pid_t r = waitpid(writer, &status, WNOHANG);
        if(r == writer)
        {
            reaped = true;
            break;
        }
        if(r < 0 && errno != EINTR) break; /* SIGCHLD ignored: the kernel reaped it */
        if(tm__sig_elapsed_ms(&start) >= (long) limit)
        {
            kill(writer, SIGKILL);
            while(waitpid(writer, &status, 0) < 0 && errno == EINTR) {}
            stopped = true;
            break;
        }
        struct timespec nap = { 0, 2000000 };
        nanosleep(&nap, NULL);
    }
    if(stopped)
    {
        tm__sig_puts(&l, "[timemory] the writer did not finish within ");
        tm__sig_putu(&l, limit / 1000u);
        tm__sig_puts(&l, ".");
        tm__sig_putu(&l, (limit % 1000u) / 100u);
        tm__sig_puts(&l, " s (a lock held when the signal came?): it was stopped; the outputs "
                         "it had not finished are not written\n");
        tm__sig_flush(STDERR_FILENO, &l);
        tm__sig_clean_after((long) writer);
    }
    else if(reaped && WIFSIGNALED(status))
    {
        tm__sig_puts(&l, "[timemory] the writer died of signal ");
        tm__sig_puti(&l, WTERMSIG(status));
        tm__sig_puts(&l, ": the outputs it had not finished are not written\n");
        tm__sig_flush(STDERR_FILENO, &l);
        tm__sig_clean_after((long) writer);
    }
    else if(reaped && WEXITSTATUS(status) != 0)
        tm__sig_say("[timemory] not every output could be written after the signal (see above)\n");
}

/* ---- the handler -------------------------------------------------------------------------- */

static void tm__sig_end(int sig)
{
    struct sigaction dfl;
    memset(&dfl, 0, sizeof(dfl));
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(sig, &dfl, NULL);
    const tm__sig_row* row = tm__sig_row_of(sig);
    if(row && !row->terminates) _exit(sig); /* Urgent, Stop: the default would not end it */
    /* blocked while the handler runs: delivered, with the default action, when it returns */
    syscall(SYS_tgkill, (long) getpid(), (long) syscall(SYS_gettid), sig);
}

static void tm__sig_handler(int sig, siginfo_t* info, void* context)
{
    int  saved = errno;
    long tid   = (long) syscall(SYS_gettid);
    int  none  = 0;
    if(atomic_compare_exchange_strong(&tm__sig_owner, &none, (int) tid))
    {
        tm__sig_report(sig, info, context, tid);
        tm__sig_write_outputs(sig);
    }
    else if(none != (int) tid)
    {
        /* another thread reports and ends the process: wait for it (bounded) */
        long wait_ms = (long) atomic_load(&tm__sig_timeout_ms) + 10000;
        for(long waited = 0; waited < wait_ms; waited += 100)
        {
            struct timespec nap = { 0, 100000000 };
            nanosleep(&nap, NULL);
        }
    }
    /* else: a signal that is not blocked during the report (an interrupt) ends it now */
    tm__sig_end(sig);
    errno = saved;
}

/* ---- enable / disable --------------------------------------------------------------------- */

/* once, outside any handler: what the handler must not do itself */
static void tm__sig_prepare(void)
{
    static bool prepared;
    if(prepared) return;
    prepared = true;
    void* frames[4];
    (void) backtrace(frames, 4); /* loads the unwinder now (dlopen) */
    static const char* const rank_vars[] = { "OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK",
                                             "MV2_COMM_WORLD_RANK" };
    for(size_t i = 0; i < sizeof(rank_vars) / sizeof(rank_vars[0]); ++i)
    {
        const char* v = getenv(rank_vars[i]);
        if(v && *v)
        {
            tm__sig_rank = atoi(v);
            break;
        }
    }
    char* stack = tm__sig_map_stack(TM_SIG_WRITER_STACK);
    /* the top, 16-byte aligned (the stack grows down) */
    if(stack) tm__sig_writer_stack = stack + TM_SIG_WRITER_STACK - 64;
}

int timemory_signal_handler_enable(const int* signals, int count)
{
    if(count < 0 || (count > 0 && !signals)) return TIMEMORY_EINVAL;
    if(!tm__settings.allow_signal_handler) return TIMEMORY_EDISABLED;
    int chosen[TM_SIG_NROWS];
    int n = 0;
    if(count == 0)
        n = timemory_signal_default_set(chosen, TM_SIG_NROWS);
    else
        for(int i = 0; i < count; ++i)
        {
            int sig = signals[i];
            if(sig == SIGKILL || !tm__sig_row_of(sig)) return TIMEMORY_EINVAL;
            bool seen = false;
            for(int j = 0; j < n; ++j) seen = seen || chosen[j] == sig;
            if(!seen) chosen[n++] = sig;
        }
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = tm__sig_handler;
    sa.sa_flags     = SA_SIGINFO | SA_ONSTACK;
    /* during the report every signal waits, except those a person sends to stop a process */
    sigfillset(&sa.sa_mask);
    sigdelset(&sa.sa_mask, SIGINT);
    sigdelset(&sa.sa_mask, SIGTERM);
    sigdelset(&sa.sa_mask, SIGHUP);
    sigdelset(&sa.sa_mask, SIGQUIT);
    pthread_mutex_lock(&tm__sig_mutex);
    tm__sig_prepare();
    (void) timemory_signal_thread_init();
    int added = 0;
    for(int i = 0; i < n; ++i)
    {
        int sig = chosen[i];
        if(tm__sig_installed[sig]) continue;
        if(sigaction(sig, &sa, &tm__sig_previous[sig]) == 0)
        {
            tm__sig_installed[sig] = 1;
            ++added;
        }
    }
    bool any = false;
    for(int s = 1; s < NSIG; ++s) any = any || tm__sig_installed[s];
    atomic_store(&tm__sig_any, any);
    pthread_mutex_unlock(&tm__sig_mutex);
    return added;
}

int timemory_signal_handler_disable(void)
{
    pthread_mutex_lock(&tm__sig_mutex);
    for(int s = 1; s < NSIG; ++s)
    {
        if(!tm__sig_installed[s]) continue;
        struct sigaction current;
        /* restored only when ours is still there: a handler installed since stays */
        if(sigaction(s, NULL, &current) == 0 && (current.sa_flags & SA_SIGINFO) &&
           current.sa_sigaction == tm__sig_handler)
            sigaction(s, &tm__sig_previous[s], NULL);
        tm__sig_installed[s] = 0;
    }
    atomic_store(&tm__sig_any, false);
    pthread_mutex_unlock(&tm__sig_mutex);
    return TIMEMORY_OK;
}

int timemory_signal_handler_signals(int* out, int max)
{
    if(max < 0 || (max > 0 && !out)) return TIMEMORY_EINVAL;
    int n = 0;
    pthread_mutex_lock(&tm__sig_mutex);
    for(int i = 0; i < TM_SIG_NROWS; ++i)
    {
        int sig = tm__sig_rows[i].signum;
        if(!tm__sig_installed[sig]) continue;
        struct sigaction current;
        if(sigaction(sig, NULL, &current) != 0 || !(current.sa_flags & SA_SIGINFO) ||
           current.sa_sigaction != tm__sig_handler)
            continue; /* replaced since (Python's signal.signal, another library) */
        if(n < max) out[n] = sig;
        ++n;
    }
    pthread_mutex_unlock(&tm__sig_mutex);
    return n;
}
