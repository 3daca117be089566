/* output_progress.c -- the progress line of a long output phase (output_progress): once the
 * phase has run a second, stderr shows the files begun, the bytes written, the time and the
 * file being written, at each file begun and while one is written (at most 5 times a second
 * on a terminal, where it is redrawn in place; once a second otherwise, "on" with stderr
 * redirected). A phase that took over a second ends with one line saying what was written.
 * 'auto' shows it only when stderr is a terminal, so captured output (tests, pipes) never
 * has it. Bytes are counted where output files are
 * written (util.c and buffer.c call tm__progress_add), from the writing thread or a writer's own.
 * tm__progress_delay_ns (1 s) is the time before the first line (tests set 0).
 */
#include "internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void (*tm__write_progress)(size_t bytes);
int64_t tm__progress_delay_ns = 1000000000;

static struct {
    bool            on;
    bool            tty;
    bool            shown;       /* a line was printed in this phase (atomic) */
    int64_t         start, last; /* ns; last: atomic */
    int             files;
    char            current[64]; /* the file being written (base name, cut) */
    size_t          bytes;       /* atomic */
    pthread_mutex_t lock;        /* printing and current */
} tm__prog = { .lock = PTHREAD_MUTEX_INITIALIZER };

#define TM_PROG_SEC(ns) ((double)(ns)*1e-9)

/* "212.4 MB" */
static void tm__prog_size(char* out, size_t cap, size_t bytes)
{
    if(bytes < 1000000)
        snprintf(out, cap, "%zu kB", (bytes + 999) / 1000);
    else
        snprintf(out, cap, "%.1f MB", (double)bytes / 1e6);
}

/* Lock held. */
static void tm__prog_print(int64_t now, bool final)
{
    char   size[32];
    size_t bytes = __atomic_load_n(&tm__prog.bytes, __ATOMIC_RELAXED);
    tm__prog_size(size, sizeof(size), bytes);
    char line[256];
    if(final)
        snprintf(line, sizeof(line), "[timemory] wrote %d file%s (%s) in %.1f s", tm__prog.files,
                 tm__prog.files == 1 ? "" : "s", size, TM_PROG_SEC(now - tm__prog.start));
    else
        snprintf(line, sizeof(line), "[timemory] writing outputs: %d file%s, %s, %.1f s: %s",
                 tm__prog.files, tm__prog.files == 1 ? "" : "s", size,
                 TM_PROG_SEC(now - tm__prog.start), tm__prog.current);
    if(tm__prog.tty)
    {
        /* redrawn in place, within the terminal */
        tm__buf fit;
        tm__buf_init(&fit);
        tm__buf_fit(&fit, line, (size_t)tm__summary_width() - 1, false);
        fprintf(stderr, "\r%s\033[K%s", fit.data ? fit.data : "", final ? "\n" : "");
        tm__buf_free(&fit);
    }
    else
        fprintf(stderr, "%s\n", line);
    fflush(stderr);
    __atomic_store_n(&tm__prog.shown, true, __ATOMIC_RELAXED);
    __atomic_store_n(&tm__prog.last, now, __ATOMIC_RELAXED);
}

static void tm__prog_tick(bool force)
{
    int64_t now  = tm__now_ns();
    int64_t last = __atomic_load_n(&tm__prog.last, __ATOMIC_RELAXED);
    if(now - tm__prog.start < tm__progress_delay_ns) return;
    /* the first line at once, then every file begun (force) and, while one is written, at
     * most 5 lines a second on a terminal, 1 otherwise */
    if(!force && __atomic_load_n(&tm__prog.shown, __ATOMIC_RELAXED) &&
       now - last < (tm__prog.tty ? 200000000 : 1000000000))
        return;
    /* a writer thread never waits for the line: it skips this update */
    if(pthread_mutex_trylock(&tm__prog.lock) != 0) return;
    tm__prog_print(now, false);
    pthread_mutex_unlock(&tm__prog.lock);
}

static void tm__prog_bytes(size_t n)
{
    __atomic_add_fetch(&tm__prog.bytes, n, __ATOMIC_RELAXED);
    tm__prog_tick(false);
}

void tm__progress_begin(void)
{
    char* mode   = tm__settings_string_copy("output_progress");
    tm__prog.tty = isatty(STDERR_FILENO) != 0;
    tm__prog.on  = mode && (strcmp(mode, "on") == 0 || (strcmp(mode, "auto") == 0 && tm__prog.tty));
    free(mode);
    /* the writer copy of a crashed process (signals_writer.c) says nothing more */
    if(tm__data_pid() != (long)getpid()) tm__prog.on = false;
    __atomic_store_n(&tm__prog.shown, false, __ATOMIC_RELAXED);
    tm__prog.files      = 0;
    tm__prog.current[0] = '\0';
    tm__prog.start      = tm__now_ns();
    __atomic_store_n(&tm__prog.last, tm__prog.start, __ATOMIC_RELAXED);
    __atomic_store_n(&tm__prog.bytes, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&tm__write_progress, tm__prog.on ? tm__prog_bytes : NULL, __ATOMIC_RELEASE);
}

void tm__progress_file(const char* path)
{
    if(!tm__prog.on) return;
    const char* slash = strrchr(path, '/');
    const char* name  = slash ? slash + 1 : path;
    size_t      n     = strlen(name);
    if(n >= sizeof(tm__prog.current))
    {
        n = sizeof(tm__prog.current) - 1;
        while(n > 0 && ((unsigned char)name[n] & 0xC0) == 0x80) --n; /* whole characters */
    }
    pthread_mutex_lock(&tm__prog.lock);
    ++tm__prog.files;
    memcpy(tm__prog.current, name, n);
    tm__prog.current[n] = '\0';
    pthread_mutex_unlock(&tm__prog.lock);
    tm__prog_tick(true);
}

void tm__progress_end(void)
{
    __atomic_store_n(&tm__write_progress, NULL, __ATOMIC_RELEASE);
    if(!tm__prog.on) return;
    tm__prog.on = false;
    int64_t now = tm__now_ns();
    if(tm__prog.files == 0 || (now - tm__prog.start < tm__progress_delay_ns && !tm__prog.shown))
        return;
    pthread_mutex_lock(&tm__prog.lock);
    tm__prog_print(now, true);
    pthread_mutex_unlock(&tm__prog.lock);
}
