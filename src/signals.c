/* signals.c -- owns the fatal-signal handler (spec NOTES.md section 4): which signals it
 * catches (the default set, SIGNAL_ENABLE_<NAME>/SIGNAL_DISABLE_<NAME>, the settings
 * enable_all_signals/disable_all_signals), the alternate stacks it runs on, the handler itself
 * (one thread reports, others wait) and the end: the signal's default action, so that the exit
 * status stays the signal's. What the handler writes is signals_report.c's (with write(2)
 * alone: the signal and its reason, a backtrace, then the extra report a client registered --
 * the extension's Python stack); the outputs are written by signals_writer.c's copy of the
 * process.
 */
#include "signals_impl.h"

#include <errno.h>
#include <execinfo.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* ---- the signals by name ------------------------------------------------------------------ */

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
#define TM_SIG_NROWS ((int)(sizeof(tm__sig_rows) / sizeof(tm__sig_rows[0])))

const tm__sig_row* tm__sig_row_of(int signum)
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
            memmove(&set[where], &set[where + 1], (size_t)(n - where - 1) * sizeof(int));
            --n;
        }
    }
    for(int i = 0; i < n && i < max; ++i) out[i] = set[i];
    return n;
}

/* ---- state -------------------------------------------------------------------------------- */

static pthread_mutex_t       tm__sig_mutex = PTHREAD_MUTEX_INITIALIZER; /* enable and disable */
static struct sigaction      tm__sig_previous[NSIG];
static volatile sig_atomic_t tm__sig_installed[NSIG];
static atomic_bool           tm__sig_any;   /* some signal is handled */
static atomic_int            tm__sig_owner; /* kernel tid of the thread reporting, or 0 */
atomic_uint                  tm__sig_timeout_ms = 30000;
int                          tm__sig_rank;         /* the launcher's MPI rank, 0 without one */
char*                        tm__sig_writer_stack; /* the writer's stack (top), see enable */
_Atomic(timemory_signal_report_fn) tm__sig_report_fn;

void timemory_signal_set_report(timemory_signal_report_fn fn)
{
    atomic_store(&tm__sig_report_fn, fn);
}

int timemory_signal_set_write_timeout(double seconds)
{
    if(!(seconds > 0.0) || seconds > 86400.0) return TIMEMORY_EVALUE;
    unsigned ms = (unsigned)(seconds * 1000.0 + 0.5);
    atomic_store(&tm__sig_timeout_ms, ms > 0 ? ms : 1u);
    return TIMEMORY_OK;
}

double timemory_signal_write_timeout(void)
{
    return atomic_load(&tm__sig_timeout_ms) / 1000.0;
}

/* ---- alternate stacks: one per thread that asks (sigaltstack is per thread) ---------------- */

#define TM_SIG_ALTSTACK_SIZE ((size_t)64 << 10)
/* a thread's existing alternate stack (a sanitizer's, faulthandler's) is kept when at least
 * this large: the handler itself needs about 10 KiB (tests/c/test_signals.c measures it) */
#define TM_SIG_ALTSTACK_MIN ((size_t)32 << 10)
#define TM_SIG_WRITER_STACK ((size_t)8 << 20)

static pthread_key_t  tm__sig_stack_key;
static pthread_once_t tm__sig_stack_once = PTHREAD_ONCE_INIT;
static bool           tm__sig_stack_keyed;

static size_t tm__sig_page(void)
{
    long page = sysconf(_SC_PAGESIZE);
    return page > 0 ? (size_t)page : 4096u;
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

/* a thread's first push (graph.c's hook, set by enable) */
static void tm__signals_thread_start(void)
{
    if(atomic_load_explicit(&tm__sig_any, memory_order_relaxed))
        (void)timemory_signal_thread_init();
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
    syscall(SYS_tgkill, (long)getpid(), (long)syscall(SYS_gettid), sig);
}

static void tm__sig_handler(int sig, siginfo_t* info, void* context)
{
    int  saved = errno;
    long tid   = (long)syscall(SYS_gettid);
    int  none  = 0;
    if(atomic_compare_exchange_strong(&tm__sig_owner, &none, (int)tid))
    {
        tm__sig_report(sig, info, context, tid);
        tm__sig_write_outputs(sig);
    }
    else if(none != (int)tid)
    {
        /* another thread reports and ends the process: wait for it (bounded) */
        long wait_ms = (long)atomic_load(&tm__sig_timeout_ms) + 10000;
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
    (void)backtrace(frames, 4); /* loads the unwinder now (dlopen) */
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
    (void)timemory_signal_thread_init();
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
    if(any) tm__graph_on_thread_start(tm__signals_thread_start);
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
