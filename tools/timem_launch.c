/* timem_launch.c -- the small process timem (python/timemory/timem) runs a command through.
 *
 * The kernel keeps, as part of a process's peak resident set (ru_maxrss), the high-water mark
 * of the image it exec'd from: a command started by the Python interpreter (fork or vfork)
 * would report the interpreter's 20+ MB as its floor. This program is that image instead: it
 * forks and execs the command, waits for it -- and, as a child subreaper, for the orphans the
 * command leaves -- and writes what the kernel said to the file descriptor timem gave it:
 *
 *     pid <command pid>
 *     error <errno>                        the command could not be executed
 *     exit <wait status> <wall ns>         CLOCK_MONOTONIC from before fork to the command's end
 *     rusage <utime us> <stime us> <maxrss KiB> <minflt> <majflt> <nvcsw> <nivcsw> <inblock>
 *            <oublock>                     the command and the descendants it waited for
 *     io <rchar> <wchar> <read_bytes> <write_bytes> <cancelled_write_bytes>   or "io -"
 *     orphans <count>                      orphans that ended before the command, or with it
 *     orphan-rusage ..., orphan-io ...     their sums (same fields)
 *     perf <i> <count> <enabled ns> <running ns>   or "perf <i> error <errno>": the i-th
 *                                          event of --perf (below)
 *
 * /proc/<pid>/io is read while the ended process is still a zombie (waitid WNOWAIT): it then
 * holds the I/O of everything that process waited for. SIGINT and SIGQUIT (the terminal sends
 * them to the command too) and SIGTERM, SIGHUP, SIGUSR1, SIGUSR2 (timem passes them on) are
 * ignored here, so the report is always written; the command gets the dispositions this
 * program was started with (SIGCHLD's too, which is the default here).
 *
 * With --perf TYPE:CONFIG[,TYPE:CONFIG...] the command is counted with perf_event: the
 * counters are opened on the forked child before it execs (it waits on a pipe), disabled
 * until its exec (enable_on_exec) and inherited by what it starts; user space only where
 * perf_event_paranoid allows no more. They are read once everything has been reaped.
 *
 * Usage: timem-launch FD [--perf EVENTS] COMMAND [ARGUMENTS...]
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/perf_event.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TL_NIO      5
#define TL_MAX_PERF 32

typedef struct tl_usage {
    long long fields[9]; /* utime us, stime us, maxrss KiB, minflt, majflt, nvcsw, nivcsw,
                            inblock, oublock */
    long long io[TL_NIO];
    bool      has_io;
} tl_usage;

static const int tl_held[] = { SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGUSR1, SIGUSR2 };
#define TL_NHELD ((int)(sizeof(tl_held) / sizeof(tl_held[0])))

static long long tl_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* rchar, wchar, read_bytes, write_bytes, cancelled_write_bytes of pid; false when unreadable */
static bool tl_read_io(pid_t pid, long long io[TL_NIO])
{
    static const char* const keys[TL_NIO] = { "rchar:", "wchar:", "read_bytes:", "write_bytes:",
                                              "cancelled_write_bytes:" };
    char                     path[64];
    snprintf(path, sizeof(path), "/proc/%ld/io", (long)pid);
    FILE* file = fopen(path, "r");
    if(!file) return false;
    int  found = 0;
    char line[128];
    while(fgets(line, sizeof(line), file))
    {
        for(int i = 0; i < TL_NIO; ++i)
        {
            size_t n = strlen(keys[i]);
            if(strncmp(line, keys[i], n) == 0)
            {
                io[i] = strtoll(line + n, NULL, 10);
                ++found;
            }
        }
    }
    fclose(file);
    return found == TL_NIO;
}

static void tl_add(tl_usage* usage, const struct rusage* ru, const long long* io)
{
    long long values[9] = {
        (long long)ru->ru_utime.tv_sec * 1000000LL + ru->ru_utime.tv_usec,
        (long long)ru->ru_stime.tv_sec * 1000000LL + ru->ru_stime.tv_usec,
        ru->ru_maxrss,
        ru->ru_minflt,
        ru->ru_majflt,
        ru->ru_nvcsw,
        ru->ru_nivcsw,
        ru->ru_inblock,
        ru->ru_oublock,
    };
    for(int i = 0; i < 9; ++i)
    {
        if(i == 2)
            usage->fields[i] = values[i] > usage->fields[i] ? values[i] : usage->fields[i];
        else
            usage->fields[i] += values[i];
    }
    if(io)
    {
        for(int i = 0; i < TL_NIO; ++i) usage->io[i] += io[i];
        usage->has_io = true;
    }
}

static void tl_write_usage(FILE* out, const char* name, const tl_usage* usage)
{
    fprintf(out, "%s", name);
    for(int i = 0; i < 9; ++i) fprintf(out, " %lld", usage->fields[i]);
    fputc('\n', out);
}

static void tl_write_io(FILE* out, const char* name, const tl_usage* usage)
{
    fprintf(out, "%s", name);
    if(!usage->has_io) fprintf(out, " -");
    for(int i = 0; usage->has_io && i < TL_NIO; ++i) fprintf(out, " %lld", usage->io[i]);
    fputc('\n', out);
}

/* Waits for a child that has ended (or, with WNOHANG, returns 0 when none has): reads its I/O
 * while it is a zombie, then reaps it. Returns its pid, 0, or -1 when there is no child. */
static pid_t tl_reap(int flags, int* status, struct rusage* ru, long long io[TL_NIO], bool* has_io)
{
    siginfo_t info;
    for(;;)
    {
        memset(&info, 0, sizeof(info));
        if(waitid(P_ALL, 0, &info, WEXITED | WNOWAIT | flags) == 0) break;
        if(errno != EINTR) return -1;
    }
    pid_t pid = info.si_pid;
    if(pid == 0) return 0;
    *has_io = tl_read_io(pid, io);
    while(wait4(pid, status, 0, ru) < 0)
        if(errno != EINTR) return -1;
    return pid;
}

/* --perf TYPE:CONFIG,...: the number of events parsed, or -1 */
static int tl_parse_perf(const char* text, uint32_t* types, uint64_t* configs)
{
    int n = 0;
    while(*text)
    {
        char*         end  = NULL;
        unsigned long type = strtoul(text, &end, 10);
        if(!end || *end != ':' || n == TL_MAX_PERF) return -1;
        unsigned long long config = strtoull(end + 1, &end, 10);
        if(!end || (*end && *end != ',')) return -1;
        types[n]   = (uint32_t)type;
        configs[n] = (uint64_t)config;
        ++n;
        text = *end ? end + 1 : end;
    }
    return n;
}

/* counts pid from its exec on, with what it starts; user space only when that is all the
 * kernel allows (perf_event_paranoid) */
static int tl_open_perf(pid_t pid, uint32_t type, uint64_t config)
{
    struct perf_event_attr attr;
    for(int user_only = 0; user_only < 2; ++user_only)
    {
        memset(&attr, 0, sizeof(attr));
        attr.size           = sizeof(attr);
        attr.type           = type;
        attr.config         = config;
        attr.disabled       = 1;
        attr.enable_on_exec = 1;
        attr.inherit        = 1;
        attr.exclude_kernel = (unsigned)user_only;
        attr.exclude_hv     = (unsigned)user_only;
        attr.read_format    = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
        int fd = (int)syscall(SYS_perf_event_open, &attr, pid, -1, -1, PERF_FLAG_FD_CLOEXEC);
        if(fd >= 0 || (errno != EACCES && errno != EPERM)) return fd < 0 ? -errno : fd;
    }
    return -errno;
}

int main(int argc, char** argv)
{
    if(argc < 3)
    {
        fprintf(stderr, "usage: timem-launch FD COMMAND [ARGUMENTS...]\n");
        return 2;
    }
    char* end = NULL;
    long  fd  = strtol(argv[1], &end, 10);
    if(!end || *end || fd < 0 || fcntl((int)fd, F_SETFD, FD_CLOEXEC) < 0)
    {
        fprintf(stderr, "timem-launch: bad report descriptor '%s'\n", argv[1]);
        return 2;
    }
    FILE* out = fdopen((int)fd, "w");
    if(!out) return 2;
    uint32_t perf_types[TL_MAX_PERF];
    uint64_t perf_configs[TL_MAX_PERF];
    int      perf_fds[TL_MAX_PERF];
    int      nperf = 0;
    int      first = 2; /* the command's argv index */
    if(strcmp(argv[2], "--perf") == 0)
    {
        nperf = argc > 4 ? tl_parse_perf(argv[3], perf_types, perf_configs) : -1;
        if(nperf < 0)
        {
            fprintf(stderr, "timem-launch: bad --perf list\n");
            return 2;
        }
        first = 4;
    }

#ifdef PR_SET_CHILD_SUBREAPER
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); /* orphans come here, not to init */
#endif
    struct sigaction saved[TL_NHELD], saved_chld;
    struct sigaction ignore, deflt;
    memset(&ignore, 0, sizeof(ignore));
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    deflt            = ignore;
    deflt.sa_handler = SIG_DFL;
    for(int i = 0; i < TL_NHELD; ++i) sigaction(tl_held[i], &ignore, &saved[i]);
    /* an ignored SIGCHLD (inherited through exec) would reap the children before wait4 */
    sigaction(SIGCHLD, &deflt, &saved_chld);

    int failed[2], go[2] = { -1, -1 };
    if(pipe2(failed, O_CLOEXEC) < 0 || (nperf > 0 && pipe2(go, O_CLOEXEC) < 0))
    {
        fprintf(out, "error %d\n", errno);
        return 1;
    }
    long long start = tl_now_ns();
    pid_t     child = fork();
    if(child < 0)
    {
        fprintf(out, "error %d\n", errno);
        return 1;
    }
    if(child == 0)
    {
        for(int i = 0; i < TL_NHELD; ++i) sigaction(tl_held[i], &saved[i], NULL);
        sigaction(SIGCHLD, &saved_chld, NULL);
        close(failed[0]);
        if(go[0] >= 0)
        {
            /* the counters are opened on this process before it execs */
            char    byte = 0;
            ssize_t got;
            close(go[1]);
            while((got = read(go[0], &byte, 1)) < 0 && errno == EINTR)
                ;
            close(go[0]);
        }
        execvp(argv[first], argv + first);
        int     code    = errno;
        ssize_t written = write(failed[1], &code, sizeof(code));
        (void)written;
        _exit(127);
    }
    close(failed[1]);
    if(go[0] >= 0)
    {
        close(go[0]);
        for(int i = 0; i < nperf; ++i)
            perf_fds[i] = tl_open_perf(child, perf_types[i], perf_configs[i]);
        while(write(go[1], "", 1) < 0 && errno == EINTR)
            ;
        close(go[1]);
    }
    fprintf(out, "pid %ld\n", (long)child);
    fflush(out);
    int     code = 0;
    ssize_t got;
    while((got = read(failed[0], &code, sizeof(code))) < 0 && errno == EINTR)
        ;
    close(failed[0]);
    if(got == (ssize_t)sizeof(code)) fprintf(out, "error %d\n", code);

    tl_usage      command, orphans;
    long long     wall   = 0, io[TL_NIO];
    int           status = 0, count = 0;
    struct rusage ru;
    bool          has_io = false, done = false;
    memset(&command, 0, sizeof(command));
    memset(&orphans, 0, sizeof(orphans));
    /* the command, and orphans as they end, until the command has ended; then the orphans
     * that have ended too (the ones still running are left to run) */
    for(int flags = 0;;)
    {
        int   st  = 0;
        pid_t pid = tl_reap(flags, &st, &ru, io, &has_io);
        if(pid <= 0) break;
        if(pid == child)
        {
            wall   = tl_now_ns() - start;
            status = st;
            done   = true;
            tl_add(&command, &ru, has_io ? io : NULL);
            flags = WNOHANG;
            continue;
        }
        tl_add(&orphans, &ru, has_io ? io : NULL);
        ++count;
    }
    if(!done)
    {
        fprintf(out, "error %d\n", ECHILD);
        return 1;
    }
    fprintf(out, "exit %d %lld\n", status, wall);
    tl_write_usage(out, "rusage", &command);
    tl_write_io(out, "io", &command);
    fprintf(out, "orphans %d\n", count);
    tl_write_usage(out, "orphan-rusage", &orphans);
    tl_write_io(out, "orphan-io", &orphans);
    for(int i = 0; i < nperf; ++i)
    {
        uint64_t values[3]; /* count, time enabled, time running */
        if(perf_fds[i] < 0)
            fprintf(out, "perf %d error %d\n", i, -perf_fds[i]);
        else if(read(perf_fds[i], values, sizeof(values)) != (ssize_t)sizeof(values))
            fprintf(out, "perf %d error %d\n", i, errno ? errno : EIO);
        else
            fprintf(out, "perf %d %llu %llu %llu\n", i, (unsigned long long)values[0],
                    (unsigned long long)values[1], (unsigned long long)values[2]);
        if(perf_fds[i] >= 0) close(perf_fds[i]);
    }
    return fclose(out) == 0 ? 0 : 1;
}
