/* handoff.c -- child processes hand their measurements over to their parent, which merges
 * them into its own output (docs/architecture.md, "Threads, forks, exit").
 * Owns this process's hand-off folder ($TMPDIR/timemory-handoff-<pid>-<start>/, where its
 * children write; <start> is the process's start time in /proc, so a reused pid never names
 * the same folder), the TIMEMORY_HANDOFF variable that names it to spawned children, a
 * child's link to its parent (made at fork; for spawned children by the embedding layer,
 * which knows the process was started by multiprocessing: timemory_handoff_attach), the
 * hand-off files and the parent's collection. Runs at fork, hand-off and finalize time only.
 *
 * A folder holds, per child (each file written whole: a temporary name, then rename):
 *   <pid>.reg  "<pid> <start>": the child runs and has not made its last hand-off. Written
 *              when it registers (at start for multiprocessing's children, at the first
 *              hand-off otherwise), removed by its last hand-off; one left by a dead child
 *              makes the parent count it as lost.
 *   <pid>.tmx  everything the child measured so far (tm__exchange_pack, which includes what
 *              its own children handed to it), replaced by each hand-off: cumulative, so
 *              nothing is counted twice.
 * The parent creates the folder when it forks; a spawned child creates it when it registers
 * at start (while the parent lives); nothing else does. At finalize the parent renames the
 * folder away before reading it, so a child writing after that fails and keeps its data (it
 * writes its own output), then removes it.
 */
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TM_HANDOFF_ENV    "TIMEMORY_HANDOFF"
#define TM_HANDOFF_PREFIX "timemory-handoff-"

typedef struct tm__folder {
    char               path[PATH_MAX];
    long               pid; /* the process that reads it; 0: none */
    unsigned long long start;
} tm__folder;

static pthread_mutex_t tm__handoff_mutex = PTHREAD_MUTEX_INITIALIZER;
static tm__folder      tm__own;        /* this process's children hand off here */
static tm__folder      tm__inherited;  /* TIMEMORY_HANDOFF at load: a spawned child's parent? */
static tm__folder      tm__parent;     /* where this process hands off; pid 0: not a child */
static bool            tm__relay;      /* only forks workers for its parent (forkserver) */
static bool            tm__forked;     /* a fork child: the parent made the folder at the fork */
static bool            tm__own_made;   /* this process created its folder (at a fork) */
static bool            tm__registered; /* <pid>.reg written, last hand-off not made */
static bool            tm__orphaned;   /* the parent's folder is gone: write own output */
static uint64_t        tm__last_hash;  /* of the data last handed off */
static long*           tm__merged;     /* children whose data was adopted */
static size_t          tm__nmerged;

/* ---- processes ------------------------------------------------------------------------- */

/* Start time (clock ticks since boot) and state of a process from /proc/<pid>/stat; 0 when
 * it does not exist. */
static unsigned long long tm__proc_start(long pid, char* state)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if(fd < 0) return 0;
    char    buf[1024];
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if(n <= 0) return 0;
    buf[n]  = '\0';
    char* p = strrchr(buf, ')'); /* the command name may hold spaces and parentheses */
    if(!p) return 0;
    ++p;
    /* fields after the name: 3 state ... 22 starttime */
    unsigned long long value = 0;
    for(int field = 3; field <= 22; ++field)
    {
        while(*p == ' ') ++p;
        if(!*p) return 0;
        if(field == 3 && state) *state = *p;
        if(field == 22) value = strtoull(p, NULL, 10);
        while(*p && *p != ' ') ++p;
    }
    return value;
}

/* The process that started at start is still running (a zombie has ended). */
static bool tm__proc_alive(long pid, unsigned long long start)
{
    char               state = '?';
    unsigned long long now   = tm__proc_start(pid, &state);
    return now != 0 && (start == 0 || now == start) && state != 'Z' && state != 'X';
}

/* ---- folders ------------------------------------------------------------------------------ */

static void tm__folder_make(long pid, unsigned long long start, tm__folder* out)
{
    const char* tmp = getenv("TMPDIR");
    if(!tmp || tmp[0] != '/') tmp = "/tmp";
    size_t n = strlen(tmp);
    while(n > 1 && tmp[n - 1] == '/') --n;
    memset(out, 0, sizeof(*out));
    if(snprintf(out->path, sizeof(out->path), "%.*s/" TM_HANDOFF_PREFIX "%ld-%llu", (int)n, tmp,
                pid, start) >= (int)sizeof(out->path))
        return; /* too long: no folder, children write their own output */
    out->pid   = pid;
    out->start = start;
}

/* "<...>/timemory-handoff-<pid>-<start>" */
static bool tm__folder_parse(const char* path, tm__folder* out)
{
    memset(out, 0, sizeof(*out));
    const char* base = path ? strrchr(path, '/') : NULL;
    if(!base || path[0] != '/' || strlen(path) >= sizeof(out->path)) return false;
    base += 1;
    if(strncmp(base, TM_HANDOFF_PREFIX, strlen(TM_HANDOFF_PREFIX)) != 0) return false;
    char* end = NULL;
    long  pid = strtol(base + strlen(TM_HANDOFF_PREFIX), &end, 10);
    if(pid <= 0 || *end != '-') return false;
    unsigned long long start = strtoull(end + 1, &end, 10);
    if(*end != '\0') return false;
    snprintf(out->path, sizeof(out->path), "%s", path);
    out->pid   = pid;
    out->start = start;
    return true;
}

/* A folder this user owns and nobody else can write: what a child writes to and a parent
 * reads from (the names in /tmp are predictable). */
static bool tm__folder_usable(const char* path)
{
    struct stat st;
    return lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid() &&
           (st.st_mode & 022) == 0;
}

/* Writes dir/name whole, never creating dir: a folder renamed away by its parent makes the
 * write fail instead of creating a folder nobody reads. */
static int tm__folder_write(const char* dir, const char* name, const char* data, size_t len)
{
    if(!tm__folder_usable(dir)) return TIMEMORY_ENOTFOUND;
    char tmp[PATH_MAX], path[PATH_MAX];
    if(snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path) ||
       snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, name) >= (int)sizeof(tmp))
        return TIMEMORY_EINVAL;
    unlink(tmp); /* a previous attempt of this process that died half-way */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if(fd < 0) return errno == ENOENT ? TIMEMORY_ENOTFOUND : TIMEMORY_EIO;
    bool ok = true;
    for(size_t done = 0; ok && done < len;)
    {
        ssize_t n = write(fd, data + done, len - done);
        if(n > 0)
            done += (size_t)n;
        else if(n < 0 && errno == EINTR)
            continue;
        else
            ok = false;
    }
    ok = close(fd) == 0 && ok;
    if(ok && rename(tmp, path) == 0) return TIMEMORY_OK;
    int err = errno;
    unlink(tmp);
    return err == ENOENT ? TIMEMORY_ENOTFOUND : TIMEMORY_EIO;
}

/* Every entry of dir, then dir. */
static void tm__folder_remove(const char* dir)
{
    DIR* d = opendir(dir);
    if(d)
    {
        struct dirent* e;
        char           path[PATH_MAX];
        while((e = readdir(d)))
        {
            if(!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            if(snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) < (int)sizeof(path))
                unlink(path);
        }
        closedir(d);
    }
    rmdir(dir);
}

static char* tm__read_all(const char* path, size_t* len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if(fd < 0) return NULL;
    tm__buf b;
    tm__buf_init(&b);
    char chunk[65536];
    for(;;)
    {
        ssize_t n = read(fd, chunk, sizeof(chunk));
        if(n > 0)
            tm__buf_append(&b, chunk, (size_t)n);
        else if(n < 0 && errno == EINTR)
            continue;
        else
        {
            if(n < 0) b.failed = true;
            break;
        }
    }
    close(fd);
    *len = b.len;
    if(b.failed)
    {
        tm__buf_free(&b);
        return NULL;
    }
    if(!b.data) tm__buf_puts(&b, ""); /* an empty file: an empty blob, rejected by unpack */
    return tm__buf_take(&b);
}

/* ---- start-up and fork -------------------------------------------------------------------- */

/* The library constructor: this process's folder, named to its children through the
 * environment (spawned children find their parent's there). */
void tm__handoff_load(void)
{
    long pid = (long)getpid();
    tm__folder_make(pid, tm__proc_start(pid, NULL), &tm__own);
    tm__folder_parse(getenv(TM_HANDOFF_ENV), &tm__inherited);
    if(tm__own.pid)
        setenv(TM_HANDOFF_ENV, tm__own.path, 1);
    else
        unsetenv(TM_HANDOFF_ENV);
}

/* <output_path>/fork-<pid>: where a child's own files go (child_output, or when it could not
 * hand its data over), never over its parent's. */
static void tm__redirect_output(void)
{
    char* path = tm__settings_string_copy("output_path");
    if(!path) return;
    char buf[4096];
    if(snprintf(buf, sizeof(buf), "%s/fork-%ld", path, (long)getpid()) < (int)sizeof(buf))
        timemory_settings_set_string("output_path", buf);
    free(path);
}

/* Folders of processes that ended without removing theirs (killed, crashed, os._exit after
 * forking): removed by the next process that makes its own. Only this user's, only when the
 * process that named it (pid and start time) is gone. */
static void tm__folders_gc(void)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof(dir), "%s", tm__own.path);
    char* slash = strrchr(dir, '/');
    if(!slash) return;
    *slash = '\0';
    DIR* d = opendir(dir[0] ? dir : "/");
    if(!d) return;
    struct dirent* e;
    char           path[PATH_MAX];
    while((e = readdir(d)))
    {
        if(strncmp(e->d_name, TM_HANDOFF_PREFIX, strlen(TM_HANDOFF_PREFIX)) != 0) continue;
        if(snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path)) continue;
        char* closing = strstr(path, ".closing");
        if(closing && closing[8] == '\0') *closing = '\0';
        tm__folder f;
        if(!tm__folder_parse(path, &f) || tm__proc_alive(f.pid, f.start)) continue;
        if(closing) *closing = '.';
        if(tm__folder_usable(path)) tm__folder_remove(path);
    }
    closedir(d);
}

/* TIMEMORY_HANDOFF names this process's folder (to the processes it starts) */
static void tm__export_own(void)
{
    const char* now = getenv(TM_HANDOFF_ENV);
    if(tm__own.pid && (!now || strcmp(now, tm__own.path) != 0))
        setenv(TM_HANDOFF_ENV, tm__own.path, 1);
}

/* Before a fork (library.c's atfork prepare handler): the folder the child will hand off to
 * exists before the child does, so the child never has to create it (and never recreates it
 * after this process finalized); a child that execs finds it named in its environment. */
void tm__handoff_fork_prepare(void)
{
    pthread_mutex_lock(&tm__handoff_mutex);
    if(tm__state < 2 && tm__own.pid && !tm__own_made)
    {
        tm__folders_gc();
        tm__own_made = mkdir(tm__own.path, 0700) == 0 || errno == EEXIST;
    }
    if(tm__state < 2) tm__export_own();
}

void tm__handoff_fork_parent(void)
{
    pthread_mutex_unlock(&tm__handoff_mutex);
}

/* A forked child (library.c's atfork handler, after the graph's): it hands off to the folder
 * of the process it was forked from -- for a relay, that process's parent. Registration is
 * left to the first hand-off, or to the embedding layer when it knows the fork made a worker
 * (a fork followed by exec never hands anything over and must not count as lost). The
 * environment still names the parent's folder: a fork followed by exec is the parent's child
 * (its next fork, or timemory_handoff_attach, names its own). */
void tm__handoff_fork_child(void)
{
    pthread_mutex_unlock(&tm__handoff_mutex);
    memset(&tm__parent, 0, sizeof(tm__parent));
    if(tm__state < 2 && tm__own.pid) tm__parent = tm__own;
    tm__forked     = tm__parent.pid != 0;
    tm__own_made   = false;
    tm__relay      = false;
    tm__registered = false;
    tm__orphaned   = false;
    tm__last_hash  = 0;
    free(tm__merged);
    tm__merged  = NULL;
    tm__nmerged = 0;
    memset(&tm__inherited, 0, sizeof(tm__inherited));
    long pid = (long)getpid();
    tm__folder_make(pid, tm__proc_start(pid, NULL), &tm__own);
    tm__adopted_clear(); /* the parent's children are the parent's */
    tm__redirect_output();
}

/* ---- the child's side --------------------------------------------------------------------- */

static int tm__register_locked(void)
{
    if(tm__registered) return TIMEMORY_OK;
    if(!tm__proc_alive(tm__parent.pid, tm__parent.start)) return TIMEMORY_ENOTFOUND;
    if(!tm__forked && mkdir(tm__parent.path, 0700) != 0 && errno != EEXIST) return TIMEMORY_EIO;
    char name[64], text[64];
    snprintf(name, sizeof(name), "%ld.reg", tm__data_pid());
    int len = snprintf(text, sizeof(text), "%ld %llu\n", tm__data_pid(), tm__own.start);
    int rc  = tm__folder_write(tm__parent.path, name, text, (size_t)len);
    if(rc == TIMEMORY_OK) tm__registered = true;
    return rc;
}

static uint64_t tm__hash_blob(const char* data, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
    for(size_t i = 0; i < len; ++i) h = (h ^ (unsigned char)data[i]) * 0x100000001b3ull;
    return h;
}

/* One hand-off: everything measured so far replaces the previous one. The last one (final)
 * also removes the registration. */
static int tm__handoff_locked(bool final)
{
    if(!tm__parent.pid || tm__relay || tm__orphaned) return TIMEMORY_ENOTFOUND;
    int rc = TIMEMORY_OK;
    if(!tm__proc_alive(tm__parent.pid, tm__parent.start))
        rc = TIMEMORY_ENOTFOUND;
    else if(!final)
        rc = tm__register_locked();
    char name[64];
    snprintf(name, sizeof(name), "%ld.tmx", tm__data_pid());
    if(rc == TIMEMORY_OK)
    {
        /* before the last one (finalize) the open regions of the threads are popped or stay
         * open, as in the process's own output; in a snapshot, what is open now keeps its
         * children under it */
        size_t       nmarked = 0;
        tm__record** marked  = final ? NULL : tm__graphs_mark_open(&nmarked);
        tm__buf      b;
        tm__buf_init(&b);
        rc = tm__exchange_pack(&b, -1);
        if(marked) tm__records_unmark(marked, nmarked);
        if(rc == TIMEMORY_OK && b.failed) rc = TIMEMORY_ENOMEM;
        uint64_t hash = rc == TIMEMORY_OK ? tm__hash_blob(b.data, b.len) : 0;
        /* unchanged: skipped, except the last one (which must find the folder still there) */
        if(rc == TIMEMORY_OK && (final || hash != tm__last_hash || !tm__last_hash))
        {
            rc = tm__folder_write(tm__parent.path, name, b.data, b.len);
            if(rc == TIMEMORY_OK) tm__last_hash = hash;
        }
        tm__buf_free(&b);
    }
    if(rc == TIMEMORY_ENOTFOUND) tm__orphaned = true; /* the parent finalized or ended */
    if(rc != TIMEMORY_OK && final && tm__registered)
    {
        /* what was handed off before stays with the child, which writes everything itself:
         * the parent must not merge part of it */
        char path[PATH_MAX];
        if(snprintf(path, sizeof(path), "%s/%s", tm__parent.path, name) < (int)sizeof(path))
            unlink(path);
    }
    if(final && tm__registered)
    {
        char path[PATH_MAX];
        if(snprintf(path, sizeof(path), "%s/%ld.reg", tm__parent.path, tm__data_pid()) <
           (int)sizeof(path))
            unlink(path);
        tm__registered = false;
        if(rc != TIMEMORY_OK) rmdir(tm__parent.path); /* a dead parent's folder, if empty */
    }
    return rc;
}

int timemory_handoff(void)
{
    if(tm__state >= 2) return TIMEMORY_EFINALIZED;
    pthread_mutex_lock(&tm__handoff_mutex);
    int rc = tm__handoff_locked(false);
    pthread_mutex_unlock(&tm__handoff_mutex);
    return rc;
}

int timemory_handoff_attach(long parent_pid, unsigned flags)
{
    if(parent_pid < 0 || (flags & ~(TIMEMORY_HANDOFF_REGISTER | TIMEMORY_HANDOFF_RELAY)))
        return TIMEMORY_EINVAL;
    pthread_mutex_lock(&tm__handoff_mutex);
    int rc = TIMEMORY_OK;
    if(flags & TIMEMORY_HANDOFF_RELAY)
    {
        /* the forkserver: its fork children are its parent's workers */
        if(tm__parent.pid || !tm__inherited.pid || tm__inherited.pid != parent_pid ||
           !tm__proc_alive(tm__inherited.pid, tm__inherited.start))
            rc = TIMEMORY_ENOTFOUND;
        else
        {
            tm__own   = tm__inherited;
            tm__relay = true;
            setenv(TM_HANDOFF_ENV, tm__own.path, 1);
        }
    }
    else if(!tm__parent.pid)
    {
        if(!tm__inherited.pid || (parent_pid && tm__inherited.pid != parent_pid) || tm__relay ||
           !tm__proc_alive(tm__inherited.pid, tm__inherited.start))
            rc = TIMEMORY_ENOTFOUND;
        else
        {
            tm__parent = tm__inherited;
            if(flags & TIMEMORY_HANDOFF_REGISTER) rc = tm__register_locked();
            if(rc == TIMEMORY_OK)
                tm__redirect_output();
            else
                memset(&tm__parent, 0, sizeof(tm__parent)); /* it writes its own output */
        }
    }
    else if(parent_pid && tm__parent.pid != parent_pid)
        rc = TIMEMORY_ENOTFOUND;
    else if(flags & TIMEMORY_HANDOFF_REGISTER)
        rc = tm__register_locked();
    if(rc == TIMEMORY_OK && !(flags & TIMEMORY_HANDOFF_RELAY) && tm__state < 2) tm__export_own();
    pthread_mutex_unlock(&tm__handoff_mutex);
    return rc;
}

long timemory_handoff_parent(void)
{
    return tm__relay || tm__orphaned ? 0 : tm__parent.pid;
}

/* ---- the parent's side -------------------------------------------------------------------- */

typedef struct tm__child_entry {
    long               pid;
    unsigned long long start;
    bool               reg;
    bool               tmx;
} tm__child_entry;

typedef struct tm__pid_list {
    long*  pids;
    size_t n;
} tm__pid_list;

static void tm__pid_add(tm__pid_list* l, long pid)
{
    long* p = realloc(l->pids, (l->n + 1) * sizeof(long));
    if(!p) return;
    l->pids         = p;
    l->pids[l->n++] = pid;
}

static int tm__cmp_long(const void* a, const void* b)
{
    long x = *(const long*)a, y = *(const long*)b;
    return (x > y) - (x < y);
}

/* "pid 12" / "pids 12, 13" */
static void tm__pid_text(tm__buf* b, tm__pid_list* l)
{
    qsort(l->pids, l->n, sizeof(long), tm__cmp_long);
    tm__buf_puts(b, l->n == 1 ? "pid " : "pids ");
    for(size_t i = 0; i < l->n; ++i) tm__buf_printf(b, i ? ", %ld" : "%ld", l->pids[i]);
}

static tm__child_entry* tm__entry_of(tm__child_entry** list, size_t* n, long pid)
{
    for(size_t i = 0; i < *n; ++i)
        if((*list)[i].pid == pid) return &(*list)[i];
    tm__child_entry* l = realloc(*list, (*n + 1) * sizeof(**list));
    if(!l) return NULL;
    *list = l;
    memset(&l[*n], 0, sizeof(l[*n]));
    l[*n].pid = pid;
    return &l[(*n)++];
}

/* Whether a tree holds anything measured (a child that ran no task hands over only the
 * regions open at its fork, with no laps). */
static bool tm__tree_measured(const tm__rnode* root)
{
    size_t            n = 0, cap = 64;
    const tm__rnode** stack = malloc(cap * sizeof(*stack));
    if(!stack) return true; /* merged as it is */
    bool found = false;
    stack[n++] = root;
    while(n > 0 && !found)
    {
        const tm__rnode* node = stack[--n];
        found = node->laps > 0 || node->stats.count > 0 || node->accum[0] || node->accum[1];
        if(n + node->nchildren > cap)
        {
            size_t            want = (n + node->nchildren) * 2;
            const tm__rnode** more = realloc(stack, want * sizeof(*stack));
            if(!more)
            {
                found = true;
                break;
            }
            stack = more;
            cap   = want;
        }
        for(size_t i = 0; i < node->nchildren; ++i) stack[n++] = &node->children[i];
    }
    free(stack);
    return found;
}

static bool tm__adopt_file(const char* dir, long pid)
{
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/%ld.tmx", dir, pid);
    size_t len  = 0;
    char*  data = tm__read_all(path, &len);
    if(!data) return false;
    tm__proc_data p;
    char          why[256];
    int           rc = tm__exchange_unpack(data, len, &p, why, sizeof(why));
    free(data);
    if(rc != TIMEMORY_OK)
    {
        tm__warn("the data handed over by child process %ld is unreadable (%s)", pid, why);
        return false;
    }
    bool measured = false;
    for(int i = 0; i < p.ncomps && !measured; ++i) measured = tm__tree_measured(&p.comps[i].root);
    if(!measured)
    {
        tm__proc_data_free(&p);
        return true;
    }
    if(tm__adopt(&p) != TIMEMORY_OK)
    {
        tm__proc_data_free(&p);
        return false;
    }
    long* m = realloc(tm__merged, (tm__nmerged + 1) * sizeof(long));
    if(m)
    {
        tm__merged                = m;
        tm__merged[tm__nmerged++] = pid;
    }
    return true;
}

typedef struct tm__collected {
    tm__pid_list lost;    /* ended without their last hand-off */
    tm__pid_list running; /* still running at finalize */
} tm__collected;

/* Reads the children's hand-offs from dir. final: every file (the folder was renamed away:
 * no child writes there any more); else only the children that made their last hand-off,
 * whose files are then removed (and not merged when discard: timemory_clear). */
static void tm__collect_dir(const char* dir, bool final, bool discard, tm__collected* out)
{
    DIR* d = opendir(dir);
    if(!d) return;
    tm__child_entry* list = NULL;
    size_t           n    = 0;
    struct dirent*   e;
    while((e = readdir(d)))
    {
        char* end = NULL;
        long  pid = strtol(e->d_name, &end, 10);
        if(pid <= 0 || (strcmp(end, ".reg") != 0 && strcmp(end, ".tmx") != 0)) continue;
        tm__child_entry* c = tm__entry_of(&list, &n, pid);
        if(!c) continue;
        if(strcmp(end, ".tmx") == 0)
        {
            c->tmx = true;
            continue;
        }
        char path[PATH_MAX];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        size_t len  = 0;
        char*  text = tm__read_all(path, &len);
        c->reg      = true;
        if(text) sscanf(text, "%*d %llu", &c->start);
        free(text);
    }
    closedir(d);
    for(size_t i = 0; i < n; ++i)
    {
        tm__child_entry* c = &list[i];
        if(!final)
        {
            if(c->reg || !c->tmx) continue;
            if(!discard) tm__adopt_file(dir, c->pid);
            char path[PATH_MAX];
            snprintf(path, sizeof(path), "%s/%ld.tmx", dir, c->pid);
            unlink(path);
            continue;
        }
        if(c->reg && tm__proc_alive(c->pid, c->start))
        {
            /* its later hand-offs fail, so it writes everything it measured itself: what it
             * handed off so far is not merged here (it would be counted twice) */
            tm__pid_add(&out->running, c->pid);
            continue;
        }
        bool ok = c->tmx && tm__adopt_file(dir, c->pid);
        if(c->reg || (c->tmx && !ok)) tm__pid_add(&out->lost, c->pid);
    }
    free(list);
}

static void tm__collect_ended(bool discard)
{
    pthread_mutex_lock(&tm__handoff_mutex);
    if(!tm__relay && tm__own.pid && tm__folder_usable(tm__own.path))
    {
        tm__collected ignored = { { NULL, 0 }, { NULL, 0 } };
        tm__collect_dir(tm__own.path, false, discard, &ignored);
    }
    pthread_mutex_unlock(&tm__handoff_mutex);
}

/* Children that already made their last hand-off are merged now (the results API). */
void tm__handoff_collect(void)
{
    tm__collect_ended(false);
}

/* timemory_clear: what ended children handed over and is not merged yet goes too. */
void tm__handoff_discard(void)
{
    tm__collect_ended(true);
    pthread_mutex_lock(&tm__handoff_mutex);
    free(tm__merged);
    tm__merged  = NULL;
    tm__nmerged = 0;
    pthread_mutex_unlock(&tm__handoff_mutex);
}

static void tm__collect_final_locked(void)
{
    if(tm__relay || !tm__own.pid) return;
    /* spawned later, a child writes its own output */
    const char* env = getenv(TM_HANDOFF_ENV);
    if(env && strcmp(env, tm__own.path) == 0) unsetenv(TM_HANDOFF_ENV);
    tm__collected got = { { NULL, 0 }, { NULL, 0 } };
    char          closing[PATH_MAX + 32];
    snprintf(closing, sizeof(closing), "%s.closing", tm__own.path);
    /* a child registering right now may create the folder again: take that one too */
    for(int attempt = 0; attempt < 4 && tm__folder_usable(tm__own.path); ++attempt)
    {
        tm__folder_remove(closing);
        if(rename(tm__own.path, closing) != 0) break;
        tm__collect_dir(closing, true, false, &got);
        tm__folder_remove(closing);
    }
    if(got.lost.n)
    {
        tm__buf b;
        tm__buf_init(&b);
        tm__pid_text(&b, &got.lost);
        tm__warn("%zu child process%s ended without handing over %s last data: %s", got.lost.n,
                 got.lost.n == 1 ? "" : "es", got.lost.n == 1 ? "its" : "their",
                 b.data ? b.data : "");
        tm__buf_free(&b);
    }
    if(got.running.n)
    {
        tm__buf b;
        tm__buf_init(&b);
        tm__pid_text(&b, &got.running);
        bool one = got.running.n == 1;
        tm__warn("%zu child process%s still running at finalize: %s data %s not merged (%s own "
                 "output when %s): %s",
                 got.running.n, one ? " was" : "es were", one ? "its" : "their", one ? "is" : "are",
                 one ? "it writes its" : "they write their", one ? "it ends" : "they end",
                 b.data ? b.data : "");
        tm__buf_free(&b);
    }
    free(got.lost.pids);
    free(got.running.pids);
}

/* "merged data of N child processes (pids ...)": the children whose data is still adopted. */
static void tm__report_merged(void)
{
    tm__pid_list l = { NULL, 0 };
    for(size_t i = 0; i < tm__adopted_count(); ++i)
    {
        long pid = tm__adopted_pid(i);
        for(size_t k = 0; k < tm__nmerged; ++k)
            if(tm__merged[k] == pid)
            {
                tm__pid_add(&l, pid);
                break;
            }
    }
    if(l.n)
    {
        tm__buf b;
        tm__buf_init(&b);
        tm__pid_text(&b, &l);
        printf("[timemory]> merged data of %zu child process%s (%s)\n", l.n, l.n == 1 ? "" : "es",
               b.data ? b.data : "");
        fflush(stdout);
        tm__buf_free(&b);
    }
    free(l.pids);
}

/* The first half of finalize: the children are collected for good. */
void tm__handoff_close(void)
{
    pthread_mutex_lock(&tm__handoff_mutex);
    tm__collect_final_locked();
    pthread_mutex_unlock(&tm__handoff_mutex);
}

/* timemory_finalize: the children's data is merged; a child hands everything over (what its
 * own children gave it included). Returns whether this process writes its own output. */
bool tm__handoff_finalize(void)
{
    pthread_mutex_lock(&tm__handoff_mutex);
    tm__collect_final_locked();
    bool write = true;
    if(tm__relay)
        write = false;
    else if(tm__parent.pid)
    {
        long parent = tm__parent.pid;
        int  rc     = tm__orphaned ? TIMEMORY_ENOTFOUND : tm__handoff_locked(true);
        if(rc != TIMEMORY_OK)
        {
            char* path = tm__settings_string_copy("output_path");
            tm__warn("could not hand the data over to the parent process %ld (%s): it is "
                     "written to '%s'",
                     parent,
                     rc == TIMEMORY_ENOTFOUND ? "it has finalized or ended" : timemory_strerror(rc),
                     path ? path : "");
            free(path);
        }
        else
            write = tm__settings.child_output;
    }
    if(write && tm__settings.auto_output) tm__report_merged();
    pthread_mutex_unlock(&tm__handoff_mutex);
    return write;
}

/* At exit: a folder created after finalize by a late child goes too. */
void tm__handoff_at_exit(void)
{
    if(tm__relay || !tm__own.pid || tm__own.pid != (long)getpid()) return;
    if(tm__folder_usable(tm__own.path)) tm__folder_remove(tm__own.path);
}
