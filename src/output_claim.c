/* output_claim.c -- which folder a process writes into when several processes share one.
 * For each output phase a process claims its folder: it holds an exclusive flock on
 * <folder>/.timemory.lock until the phase ends, and the lock file's one line is the stamp of
 * the process that wrote there last (pid, the kernel's start time of that pid, host, when its
 * run began, when it wrote, whether that was its final output). When that process's run
 * overlapped this one -- it wrote after this one began, or it has more to write (not final)
 * and is still alive -- this process moves to <folder>-<pid> (then <folder>-<pid>-2, ...) and
 * says so once on stderr; otherwise (sequential runs, this process's own earlier output) it
 * takes the folder and its files replace the old ones. A folder once claimed is kept for the
 * rest of the process. A run begins when the library loads (or the fork that made the process).
 * Owns the lock file and stamp, the claims made, and the process's identity for them.
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define TM_CLAIM_LOCK_NAME ".timemory.lock"
#define TM_CLAIM_MAX_TRIES 64

/* ---- this process ------------------------------------------------------------------------- */

static int64_t            tm__claim_began; /* CLOCK_REALTIME ns: library load or fork */
static unsigned long long tm__claim_ticks; /* /proc/self/stat starttime; 0 without /proc */
static char               tm__claim_host[256];

typedef struct tm__claim {
    char* requested;
    char* folder;
} tm__claim;

static pthread_mutex_t tm__claim_mutex = PTHREAD_MUTEX_INITIALIZER;
static tm__claim*      tm__claims; /* the folders this process claimed, by requested folder */
static size_t          tm__nclaims;
static size_t          tm__claims_cap;
static int             tm__claim_fd = -1; /* the lock held during an output phase */

/* Field 22 of /proc/<pid>/stat (clock ticks after boot): with the pid it names one process
 * even when pids are reused. 0 when it cannot be read. */
static unsigned long long tm__proc_start_ticks(long pid)
{
    char path[64], text[1024];
    snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if(fd < 0) return 0;
    ssize_t n = read(fd, text, sizeof(text) - 1);
    close(fd);
    if(n <= 0) return 0;
    text[n]     = '\0';
    char* field = strrchr(text, ')'); /* the command name may hold spaces and parentheses */
    if(!field) return 0;
    for(int i = 2; i < 22 && field; ++i) field = strchr(field + 1, ' ');
    return field ? strtoull(field + 1, NULL, 10) : 0;
}

static void tm__claim_identity(void)
{
    tm__claim_began = tm__clock_ns(CLOCK_REALTIME);
    tm__claim_ticks = tm__proc_start_ticks((long)getpid());
    if(gethostname(tm__claim_host, sizeof(tm__claim_host)) != 0 || !tm__claim_host[0])
        snprintf(tm__claim_host, sizeof(tm__claim_host), "localhost");
    tm__claim_host[sizeof(tm__claim_host) - 1] = '\0';
    for(char* p = tm__claim_host; *p; ++p) /* one word in the stamp */
        if(*p == ' ' || *p == '\n' || *p == '\t') *p = '_';
}

/* A forked child is a new process: its run begins now, it holds no lock (the inherited
 * descriptor shares the parent's lock) and it has claimed nothing yet. */
static void tm__claim_after_fork(void)
{
    pthread_mutex_init(&tm__claim_mutex, NULL);
    if(tm__claim_fd >= 0) close(tm__claim_fd);
    tm__claim_fd = -1;
    for(size_t i = 0; i < tm__nclaims; ++i)
        free(tm__claims[i].requested), free(tm__claims[i].folder);
    tm__nclaims = 0;
    tm__claim_identity();
}

__attribute__((constructor)) static void tm__claim_load(void)
{
    tm__claim_identity();
    pthread_atfork(NULL, NULL, tm__claim_after_fork);
}

/* ---- the stamp ---------------------------------------------------------------------------- */

typedef struct tm__stamp {
    long               pid;
    unsigned long long ticks;
    long long          began;
    long long          wrote;
    int                final;
    char               host[256];
} tm__stamp;

#define TM_STAMP_FORMAT                                                                            \
    "timemory output: pid %ld start-ticks %llu began %lld wrote %lld final %d host "

static bool tm__stamp_read(int fd, tm__stamp* s)
{
    char    text[1024];
    ssize_t n = pread(fd, text, sizeof(text) - 1, 0);
    if(n <= 0 || text[n - 1] != '\n') return false; /* empty, or not written whole */
    text[n] = '\0';
    memset(s, 0, sizeof(*s));
    return sscanf(text, TM_STAMP_FORMAT "%255s", &s->pid, &s->ticks, &s->began, &s->wrote,
                  &s->final, s->host) == 6;
}

static void tm__stamp_write(int fd, bool final)
{
    char line[512];
    int  n = snprintf(line, sizeof(line), TM_STAMP_FORMAT "%s\n", (long)getpid(), tm__claim_ticks,
                      (long long)tm__claim_began, (long long)tm__clock_ns(CLOCK_REALTIME),
                     final ? 1 : 0, tm__claim_host);
    if(n <= 0 || (size_t)n >= sizeof(line)) return;
    /* under the lock: a reader sees it whole (a torn line, after a crash, reads as none) */
    if(pwrite(fd, line, (size_t)n, 0) == n && ftruncate(fd, n) == 0) return;
    tm__warn("cannot record this process in the output folder's %s: %s", TM_CLAIM_LOCK_NAME,
             strerror(errno));
}

static bool tm__stamp_is_self(const tm__stamp* s)
{
    return s->pid == (long)getpid() && s->began == (long long)tm__claim_began &&
           strcmp(s->host, tm__claim_host) == 0;
}

static bool tm__stamp_alive(const tm__stamp* s)
{
    if(strcmp(s->host, tm__claim_host) != 0) return true;     /* another machine: cannot tell */
    if(s->pid <= 0 || s->pid == (long)getpid()) return false; /* its pid is ours now */
    if(tm__claim_ticks != 0) /* /proc: the pid and its start time */
    {
        unsigned long long t = tm__proc_start_ticks(s->pid);
        return t != 0 && (s->ticks == 0 || t == s->ticks);
    }
    return kill((pid_t)s->pid, 0) == 0 || errno == EPERM;
}

/* Why the runs overlap, or NULL when they do not: the other process wrote after this one
 * began, or it may write again (not final) and runs, or may run, on another machine. */
static const char* tm__stamp_overlap(const tm__stamp* s)
{
    if(s->wrote >= (long long)tm__claim_began) return "wrote it";
    if(s->final || !tm__stamp_alive(s)) return NULL;
    return strcmp(s->host, tm__claim_host) == 0 ? "is still running" : "may still be running";
}

/* ---- folders ------------------------------------------------------------------------------ */

/* <dir>/.timemory.lock, opened (created); -1 when it cannot be */
static int tm__lock_file(const char* dir)
{
    char path[4200];
    if(snprintf(path, sizeof(path), "%s/" TM_CLAIM_LOCK_NAME, dir) >= (int)sizeof(path)) return -1;
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if(fd < 0) fd = open(path, O_RDONLY | O_CLOEXEC); /* another user's: lock, do not stamp */
    return fd;
}

static void tm__lock_wait(int fd)
{
    /* a file system without flock (ENOLCK): the stamp still keeps sequential runs apart */
    while(flock(fd, LOCK_EX) != 0 && errno == EINTR) continue;
}

static int tm__lock_open(const char* dir)
{
    int fd = tm__lock_file(dir);
    if(fd >= 0) tm__lock_wait(fd);
    return fd;
}

/* requested, requested-<pid>, requested-<pid>-2, ... ("." and ".." get a subfolder) */
static void tm__candidate(const char* requested, int i, char* out, size_t len)
{
    if(i == 0)
    {
        snprintf(out, len, "%s", requested);
        return;
    }
    size_t n = strlen(requested);
    while(n > 1 && requested[n - 1] == '/') --n;
    const char* base = requested;
    for(size_t k = 0; k < n; ++k)
        if(requested[k] == '/') base = requested + k + 1;
    size_t      blen = (size_t)(requested + n - base);
    bool        dots = (blen == 1 && base[0] == '.') || (blen == 2 && !strncmp(base, "..", 2));
    const char* sep  = dots ? "/timemory-output-" : "-";
    if(i == 1)
        snprintf(out, len, "%.*s%s%ld", (int)n, requested, sep, (long)getpid());
    else
        snprintf(out, len, "%.*s%s%ld-%d", (int)n, requested, sep, (long)getpid(), i);
}

static void tm__claim_note(const char* requested, const tm__stamp* s, const char* why,
                           const char* folder)
{
    char host[300] = "";
    if(strcmp(s->host, tm__claim_host) != 0) snprintf(host, sizeof(host), " on %s", s->host);
    fprintf(stderr,
            "[timemory] '%s' holds the output of process %ld%s, which %s while this process "
            "(pid %ld) ran: writing to '%s' instead, so that neither overwrites the other\n",
            requested, s->pid, host, why, (long)getpid(), folder);
    fflush(stderr);
}

static void tm__claim_remember(const char* requested, const char* folder)
{
    if(tm__nclaims == tm__claims_cap)
    {
        size_t     cap   = tm__claims_cap ? tm__claims_cap * 2 : 4;
        tm__claim* items = realloc(tm__claims, cap * sizeof(tm__claim));
        if(!items) return; /* forgotten: the next phase checks the stamps again */
        tm__claims     = items;
        tm__claims_cap = cap;
    }
    char* r = tm__strdup(requested);
    char* f = tm__strdup(folder);
    if(!r || !f)
    {
        free(r), free(f);
        return;
    }
    tm__claims[tm__nclaims].requested = r;
    tm__claims[tm__nclaims].folder    = f;
    ++tm__nclaims;
}

int tm__claim_folder(const char* requested, char* out, size_t len)
{
    if(!requested || !out || len == 0) return TIMEMORY_EINVAL;
    pthread_mutex_lock(&tm__claim_mutex);
    if(tm__claim_fd >= 0) close(tm__claim_fd); /* an earlier phase not ended: ended now */
    tm__claim_fd = -1;
    int rc       = TIMEMORY_OK;
    for(size_t i = 0; i < tm__nclaims; ++i) /* claimed before by this process: taken again */
    {
        if(strcmp(tm__claims[i].requested, requested) != 0) continue;
        snprintf(out, len, "%s", tm__claims[i].folder);
        if(tm__mkdir_p(out) != TIMEMORY_OK || (tm__claim_fd = tm__lock_open(out)) < 0)
            rc = TIMEMORY_EIO;
        pthread_mutex_unlock(&tm__claim_mutex);
        return rc;
    }
    tm__stamp   first;
    const char* first_why = "";
    memset(&first, 0, sizeof(first));
    snprintf(out, len, "%s", requested);
    rc = TIMEMORY_EIO;
    for(int i = 0; i < TM_CLAIM_MAX_TRIES; ++i)
    {
        char candidate[4096];
        tm__candidate(requested, i, candidate, sizeof(candidate));
        snprintf(out, len, "%s", candidate);
        /* a folder that cannot be made or locked: the files' writes say why */
        if(tm__mkdir_p(candidate) != TIMEMORY_OK) break;
        int fd = tm__lock_open(candidate);
        if(fd < 0) break;
        tm__stamp   s;
        const char* why = NULL;
        if(!tm__stamp_read(fd, &s) || tm__stamp_is_self(&s) || !(why = tm__stamp_overlap(&s)))
        {
            tm__claim_fd = fd;
            tm__claim_remember(requested, candidate);
            if(i > 0) tm__claim_note(requested, &first, first_why, candidate);
            rc = TIMEMORY_OK;
            break;
        }
        if(i == 0) first = s, first_why = why;
        close(fd);
    }
    pthread_mutex_unlock(&tm__claim_mutex);
    return rc;
}

void tm__claim_release(bool wrote, bool final)
{
    pthread_mutex_lock(&tm__claim_mutex);
    if(tm__claim_fd >= 0)
    {
        if(wrote) tm__stamp_write(tm__claim_fd, final);
        close(tm__claim_fd); /* unlocks */
        tm__claim_fd = -1;
    }
    pthread_mutex_unlock(&tm__claim_mutex);
}

int tm__folder_lock(const char* dir)
{
    int fd = dir && *dir ? tm__lock_file(dir) : -1;
    if(fd < 0) return -1;
    /* the folder this process's phase holds already: a second flock would wait for ever */
    struct stat mine, held;
    pthread_mutex_lock(&tm__claim_mutex);
    bool same = tm__claim_fd >= 0 && fstat(fd, &mine) == 0 && fstat(tm__claim_fd, &held) == 0 &&
                mine.st_dev == held.st_dev && mine.st_ino == held.st_ino;
    pthread_mutex_unlock(&tm__claim_mutex);
    if(same)
    {
        close(fd);
        return -1;
    }
    tm__lock_wait(fd);
    return fd;
}

void tm__folder_unlock(int fd)
{
    if(fd >= 0) close(fd);
}
