/* signals_writer.c -- the outputs after a fatal signal: a copy of the process made with clone()
 * (one thread, the crashed thread's view and a frozen copy of the data) runs timemory_finalize
 * while the crashed process waits for it with a time limit; a writer stopped at the limit (a
 * lock the crash left held) has its temporary files removed, so files are whole or absent.
 * Why a copy: the crashed thread may hold any lock (malloc's, the registry's, stdio's) and the
 * other threads go on changing the data. The copy has one thread and a frozen copy of the data;
 * a lock left held there makes it wait, and the crashed process stops it after the time limit
 * (nothing half-written is left: files are renamed into place whole, and the temporary files of
 * a stopped writer are removed).
 */
#include "signals_impl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* the writer (its copy of this variable only) and the process whose data it writes */
static volatile bool tm__sig_in_writer;
static volatile long tm__sig_crashed_pid;

long tm__data_pid(void)
{
    return tm__sig_in_writer ? tm__sig_crashed_pid : (long)getpid();
}

/* ---- the writer --------------------------------------------------------------------------- */

/* The copy of the process: one thread, the crashed thread's view (its TLS, its open pushes).
 * A fault here ends this copy only; the crashed process reports it. */
static int tm__sig_writer_main(void* arg)
{
    (void)arg;
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
            struct tm__sig_dirent* d = (struct tm__sig_dirent*)(void*)(buf + off);
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

void tm__sig_write_outputs(int sig)
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

    tm__sig_crashed_pid = (long)getpid();
#if defined(__linux__)
    /* clone(): a new process on its own stack (the alternate stack is small), without the
     * fork handlers fork() would run (they take locks and move the output folder) */
    pid_t writer =
        tm__sig_writer_stack ? clone(tm__sig_writer_main, tm__sig_writer_stack, SIGCHLD, NULL) : -1;
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
    unsigned limit   = atomic_load(&tm__sig_timeout_ms);
    int64_t  start   = tm__now_ns();
    int      status  = 0;
    bool     reaped  = false;
    bool     stopped = false;
    for(;;)
    {
        pid_t r = waitpid(writer, &status, WNOHANG);
        if(r == writer)
        {
            reaped = true;
            break;
        }
        if(r < 0 && errno != EINTR) break; /* SIGCHLD ignored: the kernel reaped it */
        if((tm__now_ns() - start) / 1000000 >= (int64_t)limit)
        {
            kill(writer, SIGKILL);
            while(waitpid(writer, &status, 0) < 0 && errno == EINTR)
            {
            }
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
        tm__sig_clean_after((long)writer);
    }
    else if(reaped && WIFSIGNALED(status))
    {
        tm__sig_puts(&l, "[timemory] the writer died of signal ");
        tm__sig_puti(&l, WTERMSIG(status));
        tm__sig_puts(&l, ": the outputs it had not finished are not written\n");
        tm__sig_flush(STDERR_FILENO, &l);
        tm__sig_clean_after((long)writer);
    }
    else if(reaped && WEXITSTATUS(status) != 0)
        tm__sig_say("[timemory] not every output could be written after the signal (see above)\n");
}
