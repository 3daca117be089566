/* output.c -- where and when results are written: output file names (SETTINGS.md §4), the
 * per-component sequence of OUTPUT.md §1 (files, stdout table or summary, dart tags -- made by
 * output_dart.c --, CTest notes), the pass over every component and the writing of
 * metadata.json/functions.json (§8; what they hold: output_metadata.c). Never frees or clears
 * graph data: the caller decides. A file that cannot be written is reported once on stderr and
 * skipped; nothing partial is left.
 */
#include "internal.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------------------------------ */
/* file names                                                                                 */

char* tm__setting_string_copy(char* const* field)
{
    tm__settings_lock();
    char* s = tm__strdup(*field ? *field : "");
    tm__settings_unlock();
    return s;
}

void tm__collapse_repeats(char* s, const char* pair)
{
    char* p;
    while((p = strstr(s, pair)) != NULL) memmove(p, p + 1, strlen(p + 1) + 1);
}

/* <output_path>[/<time>]: the folder the files go to unless another process holds it
 * (malloc'd; *timed when the time folder was added) */
static char* tm__output_folder(bool* timed)
{
    if(timed) *timed = false;
    char* path   = tm__setting_string_copy(&tm__settings.output_path);
    char* format = tm__setting_string_copy(&tm__settings.time_format);
    if(!path || !format)
    {
        free(path), free(format);
        return NULL;
    }
    tm__buf b;
    tm__buf_init(&b);
    tm__buf_puts(&b, *path ? path : ".");
    if(tm__settings.time_output)
    {
        char stamp[256];
        tm__output_launch_strftime(format, stamp, sizeof(stamp));
        if(*stamp && !strstr(b.data, stamp))
        {
            if(b.len > 0 && b.data[b.len - 1] != '/') tm__buf_putc(&b, '/');
            tm__buf_puts(&b, stamp);
            if(timed) *timed = true;
        }
    }
    free(path), free(format);
    return tm__buf_take(&b);
}

/* ---- the output phase ----------------------------------------------------------------------
 * One at a time in a process (tm__output_all, tm__output_result). Its folder is claimed
 * (output_claim.c) when its first file is about to be written, so that a run with nothing to
 * write makes no folder, and released with this process's stamp when the phase ends. */

static pthread_mutex_t    tm__phase_mutex = PTHREAD_MUTEX_INITIALIZER;
static _Thread_local bool tm__in_phase; /* this thread runs the phase */
static struct {
    bool claimed; /* the claim was made (tm__phase_folder holds the outcome) */
    bool wrote;   /* a file was written */
    char requested[4096];
    char folder[4096];
    /* a folder that could not be made or written: said once, its later files skipped */
    char failed_folder[4096];
    int  first_errno; /* of the first file that failed: errno when the phase returns */
} tm__phase;

static void tm__output_phase_begin(void)
{
    pthread_mutex_lock(&tm__phase_mutex);
    tm__in_phase      = true;
    tm__phase.claimed = tm__phase.wrote = false;
    tm__phase.failed_folder[0]          = '\0';
    tm__phase.first_errno               = 0;
    tm__progress_begin();
}

static void tm__output_phase_end(int rc)
{
    tm__progress_end();
    if(tm__phase.claimed) tm__claim_release(tm__phase.wrote, tm__state >= 2);
    int err           = tm__phase.first_errno;
    tm__phase.claimed = false;
    tm__in_phase      = false;
    pthread_mutex_unlock(&tm__phase_mutex);
    if(rc != TIMEMORY_OK && err) errno = err; /* the reason of the code returned */
}

/* A fork in the middle of another thread's phase: the child has no phase running. */
static void tm__output_phase_after_fork(void)
{
    pthread_mutex_init(&tm__phase_mutex, NULL);
    tm__phase.claimed = false;
}

__attribute__((constructor)) static void tm__output_phase_init(void)
{
    pthread_atfork(NULL, NULL, tm__output_phase_after_fork);
}

/* Before a file of the phase is written: the folder is claimed once. */
static void tm__output_claim(void)
{
    if(!tm__in_phase || tm__phase.claimed) return;
    char* folder = tm__output_folder(NULL);
    if(!folder) return;
    tm__phase.claimed = true;
    snprintf(tm__phase.requested, sizeof(tm__phase.requested), "%s", folder);
    tm__claim_folder(folder, tm__phase.folder, sizeof(tm__phase.folder));
    free(folder);
}

/* The folder a file of the requested folder goes to in this thread's phase. */
static const char* tm__output_claimed(const char* requested)
{
    if(tm__in_phase && tm__phase.claimed && strcmp(requested, tm__phase.requested) == 0)
        return tm__phase.folder;
    return requested;
}

int tm__output_filename(const char* label, const char* ext, char* buf, size_t len)
{
    if(!label || !buf || len == 0) return TIMEMORY_EINVAL;
    char* folder = tm__output_folder(NULL);
    char* prefix = tm__setting_string_copy(&tm__settings.output_prefix);
    if(!folder || !prefix)
    {
        free(folder), free(prefix);
        return TIMEMORY_ENOMEM;
    }
    tm__buf b;
    tm__buf_init(&b);
    tm__buf_puts(&b, tm__output_claimed(folder));
    tm__buf_putc(&b, '/');
    tm__buf_puts(&b, prefix);
    free(folder), free(prefix);
    /* bytes are kept as they are (UTF-8 names); "pre" + "wall" reads "pre-wall", as does
     * a prefix ending in a non-ASCII letter */
    if(b.len > 0 && b.data[b.len - 1] != '/' &&
       (isalnum((unsigned char)b.data[b.len - 1]) || ((unsigned char)b.data[b.len - 1] & 0x80)))
        tm__buf_putc(&b, '-');
    tm__buf_puts(&b, label);
    if(ext && *ext && *ext != '.') tm__buf_putc(&b, '.');
    if(ext) tm__buf_puts(&b, ext);
    char* result = tm__buf_take(&b);
    if(!result) return TIMEMORY_ENOMEM;
    tm__collapse_repeats(result, "--");
    tm__collapse_repeats(result, "__");
    tm__collapse_repeats(result, "//");
    size_t n  = strlen(result);
    int    rc = TIMEMORY_OK;
    if(n >= len)
        rc = TIMEMORY_ERANGE;
    else
        memcpy(buf, result, n + 1);
    free(result);
    return rc;
}

/* ------------------------------------------------------------------------------------------ */
/* one component's outputs                                                                    */

#define TM_OUTPUT_FILES 8

typedef struct tm__output_ctx {
    int  error; /* the first failure; every other file is still tried */
    bool wrote; /* at least one file written */
    /* the files of the component being written (owned), named by its summary */
    char*  files[TM_OUTPUT_FILES];
    size_t nfiles;
} tm__output_ctx;

static void tm__ctx_files_clear(tm__output_ctx* ctx)
{
    for(size_t i = 0; i < ctx->nfiles; ++i) free(ctx->files[i]);
    ctx->nfiles = 0;
}

static void tm__dirname(const char* path, char* out, size_t len)
{
    const char* slash = strrchr(path, '/');
    if(!slash)
        snprintf(out, len, ".");
    else
        snprintf(out, len, "%.*s", (int)(slash == path ? 1 : slash - path), path);
}

static bool tm__in_failed_folder(const char* path)
{
    char dir[4096];
    tm__dirname(path, dir, sizeof(dir));
    return tm__phase.failed_folder[0] && strcmp(dir, tm__phase.failed_folder) == 0;
}

/* Writes one file whole or not at all. A failure is one message naming the file and why, and
 * only this file fails; when its folder cannot be made or written, that folder's later files
 * are skipped without more messages (the first said why). */
/* The outcome of writing one file (rc and errno as tm__write_file_atomic leaves them). */
static int tm__written(tm__output_ctx* ctx, const char* path, int rc)
{
    if(rc == TIMEMORY_OK)
    {
        ctx->wrote = true;
        if(tm__in_phase) tm__phase.wrote = true;
        return TIMEMORY_OK;
    }
    int err = rc == TIMEMORY_ENOMEM ? ENOMEM : errno;
    if(tm__in_phase && !tm__phase.first_errno) tm__phase.first_errno = err;
    if(rc == TIMEMORY_ENOMEM)
        tm__warn("cannot write '%s': %s", path, timemory_strerror(rc));
    else
        tm__warn("cannot write '%s': %s; the data stays in memory", path,
                 err ? strerror(err) : timemory_strerror(rc));
    char        dir[4096];
    struct stat st;
    tm__dirname(path, dir, sizeof(dir));
    if(rc != TIMEMORY_ENOMEM &&
       (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || access(dir, W_OK | X_OK) != 0))
        snprintf(tm__phase.failed_folder, sizeof(tm__phase.failed_folder), "%s", dir);
    if(ctx->error == TIMEMORY_OK) ctx->error = rc;
    return rc;
}

static int tm__write_one(tm__output_ctx* ctx, const char* path, const tm__buf* content)
{
    int rc = TIMEMORY_ENOMEM;
    errno  = 0;
    if(!content->failed)
        rc = tm__write_file_atomic(path, content->data ? content->data : "", content->len);
    return tm__written(ctx, path, rc);
}

/* The start of every file: its name (the folder claimed first), skipped when its folder
 * failed already, the console line. TIMEMORY_OK with path filled, else the error (recorded). */
static int tm__emit_begin(tm__output_ctx* ctx, const char* label, const char* tag, const char* ext,
                          char* path, size_t len)
{
    tm__output_claim();
    int rc = tm__output_filename(tag, ext, path, len);
    if(rc != TIMEMORY_OK)
    {
        tm__warn("cannot compose the output file name for '%s%s': %s", tag, ext,
                 timemory_strerror(rc));
        if(ctx->error == TIMEMORY_OK) ctx->error = rc;
        return rc;
    }
    if(tm__in_failed_folder(path)) /* said for its first file */
    {
        if(ctx->error == TIMEMORY_OK) ctx->error = TIMEMORY_EIO;
        return TIMEMORY_EIO;
    }
    printf("[%s]|0> Outputting '%s'...\n", label, path);
    fflush(stdout);
    tm__progress_file(path);
    return TIMEMORY_OK;
}

/* The end: a written file listed in metadata.json and in the summary (rc: what tm__written
 * said). */
static int tm__emit_end(tm__output_ctx* ctx, const char* label, const char* path, int rc, int kind,
                        char* path_out, size_t path_len)
{
    if(rc != TIMEMORY_OK) return rc;
    if(ctx->nfiles < TM_OUTPUT_FILES && (ctx->files[ctx->nfiles] = tm__strdup(path)) != NULL)
        ++ctx->nfiles;
    tm__output_record_file(kind, label, path);
    if(path_out) snprintf(path_out, path_len, "%s", path);
    return TIMEMORY_OK;
}

static int tm__emit_file(tm__output_ctx* ctx, const char* label, const char* tag, const char* ext,
                         tm__buf* content, int kind, char* path_out, size_t path_len)
{
    char path[4096];
    int  rc = tm__emit_begin(ctx, label, tag, ext, path, sizeof(path));
    if(rc != TIMEMORY_OK) return rc;
    rc = tm__write_one(ctx, path, content);
    return tm__emit_end(ctx, label, path, rc, kind, path_out, path_len);
}

/* Appends LIST(APPEND CTEST_NOTES_FILES "<path>") to <output_path>/CTestNotes.txt once: the
 * folder this process claimed, or beside the time folders (time_output), where other
 * processes add theirs (a short lock on that folder keeps every line). */
static void tm__ctest_note(tm__output_ctx* ctx, const char* text_path)
{
    bool  timed  = false;
    char* folder = tm__output_folder(&timed);
    char* path   = tm__setting_string_copy(&tm__settings.output_path);
    if(!folder || !path)
    {
        free(folder), free(path);
        return;
    }
    const char* dir = timed ? (*path ? path : ".") : tm__output_claimed(folder);
    char        notes[4096];
    int         n    = snprintf(notes, sizeof(notes), "%s/CTestNotes.txt", dir);
    bool        fits = n > 0 && n < (int)sizeof(notes);
    int         lock = fits ? tm__folder_lock(dir) : -1;
    free(folder), free(path);
    if(!fits) return;
    tm__buf content;
    tm__buf_init(&content);
    FILE* f = fopen(notes, "rb");
    if(f)
    {
        char   chunk[4096];
        size_t n;
        while((n = fread(chunk, 1, sizeof(chunk), f)) > 0) tm__buf_append(&content, chunk, n);
        fclose(f);
    }
    char line[4400];
    snprintf(line, sizeof(line), "LIST(APPEND CTEST_NOTES_FILES \"%s\")\n", text_path);
    if(!content.data || !strstr(content.data, line))
    {
        tm__buf_puts(&content, line);
        if(content.failed || tm__write_file_atomic(notes, content.data, content.len) != TIMEMORY_OK)
        {
            tm__warn("cannot write '%s': %s", notes, strerror(errno));
            if(ctx->error == TIMEMORY_OK) ctx->error = TIMEMORY_EIO;
        }
    }
    tm__folder_unlock(lock);
    tm__buf_free(&content);
}

/* diff_output (OUTPUT.md §6): the difference files and table, after the run's own outputs */
static void tm__output_diff(const tm__result* d, tm__output_ctx* ctx)
{
    const char* label = tm__components[d->comp].label;
    char        tag[256];
    snprintf(tag, sizeof(tag), "%s.diff", label);
    tm__buf text;
    tm__buf_init(&text);
    bool whole = tm__settings.cout_output && tm__cout_whole_table(d);
    if(whole || (tm__settings.file_output && tm__settings.text_output)) tm__write_text(&text, d);
    if(tm__settings.file_output && tm__settings.json_output)
    {
        tm__buf b;
        tm__buf_init(&b);
        tm__write_json_flat(&b, &d, 1);
        tm__emit_file(ctx, label, tag, ".json", &b, TM_OUTPUT_JSON, NULL, 0);
        tm__buf_free(&b);
    }
    char path[4096] = "";
    if(tm__settings.file_output && tm__settings.text_output)
    {
        if(tm__emit_file(ctx, label, tag, ".txt", &text, TM_OUTPUT_TEXT, path, sizeof(path)) ==
               TIMEMORY_OK &&
           tm__settings.ctest_notes)
            tm__ctest_note(ctx, path);
    }
    if(whole)
        printf("\n%s\n", text.data ? text.data : "");
    else if(tm__settings.cout_output)
    {
        /* a big difference table stays in its file: one line says where */
        printf("\n[%s] difference of %zu entries: %s\n\n", tag, d->nentries,
               *path ? path : "not written (text_output, file_output)");
    }
    else
        printf("\n");
    tm__buf_free(&text);
}

/* The big files are written while they are made (tm__buf_stream_open): memory stays small and
 * the copy into the page cache overlaps the formatting. */
typedef enum tm__writer {
    TM_WRITE_FLAME,
    TM_WRITE_FLAT,
    TM_WRITE_TREE,
    TM_WRITE_TEXT,
    TM_WRITE_TIMELINE /* no result: every thread's timeline (timeline.c) */
} tm__writer;

static int tm__stream_to(const char* path, tm__writer w, const tm__result* r)
{
    tm__buf b;
    errno  = 0;
    int rc = tm__buf_stream_open(&b, path);
    if(rc != TIMEMORY_OK) return rc;
    if(w == TM_WRITE_FLAME) tm__write_flamegraph(&b, r);
    if(w == TM_WRITE_FLAT) tm__write_json_flat(&b, &r, 1);
    if(w == TM_WRITE_TREE) tm__write_json_tree(&b, &r, 1);
    if(w == TM_WRITE_TEXT) tm__write_text(&b, r);
    if(w == TM_WRITE_TIMELINE) tm__write_timeline(&b);
    errno = 0;
    return tm__buf_stream_close(&b, true);
}

static int tm__emit_streamed(tm__output_ctx* ctx, const char* label, const char* tag,
                             const char* ext, tm__writer w, const tm__result* r, int kind,
                             char* path_out, size_t path_len)
{
    char path[4096];
    int  rc = tm__emit_begin(ctx, label, tag, ext, path, sizeof(path));
    if(rc != TIMEMORY_OK) return rc;
    rc = tm__stream_to(path, w, r);
    return tm__emit_end(ctx, label, path, tm__written(ctx, path, rc), kind, path_out, path_len);
}

/* A big result's tree file (the largest) is made on a thread of its own while this thread
 * makes the others: both cores format, and finalize of 10^6 nodes stays near a second.
 * Writers only read the result; the thread starts with every signal blocked. */
#define TM_PARALLEL_WRITE_MIN_ENTRIES 20000

typedef struct tm__stream_job {
    const tm__result* r;
    tm__writer        w;
    char              path[4096];
    int               rc;
    int               err;
    pthread_t         thread;
    bool              running;
} tm__stream_job;

static void* tm__stream_job_main(void* arg)
{
    tm__stream_job* job = arg;
    job->rc             = tm__stream_to(job->path, job->w, job->r);
    job->err            = errno;
    return NULL;
}

/* Starts the job on a thread (false: not started, the caller writes it itself). */
static bool tm__stream_job_start(tm__stream_job* job)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    job->running = pthread_create(&job->thread, NULL, tm__stream_job_main, job) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return job->running;
}

static int tm__stream_job_finish(tm__stream_job* job)
{
    if(job->running)
        pthread_join(job->thread, NULL);
    else
    {
        job->rc  = tm__stream_to(job->path, job->w, job->r);
        job->err = errno;
    }
    job->running = false;
    errno        = job->err;
    return job->rc;
}

static bool tm__parallel_write(const tm__result* r)
{
    static long cpus;
    if(!cpus) cpus = sysconf(_SC_NPROCESSORS_ONLN);
    return r->nentries >= TM_PARALLEL_WRITE_MIN_ENTRIES && cpus > 1;
}

static void tm__output_one(const tm__result* r, tm__output_ctx* ctx)
{
    const tm__component_row* row   = &tm__components[r->comp];
    const char*              label = tm__hwc_row(r->comp) && tm__roofline_label(r->comp)
                                         ? tm__roofline_label(r->comp) /* cpu_roofline_<mode> */
                                         : row->label;
    char                     tag[256];
    tm__buf                  text;
    tm__buf_init(&text);
    bool have_text = false;
    /* the previous run is read before this run's files can replace it */
    tm__result diff;
    /* a group (papi_vector, result_group.c): text, flat and tree JSON; no diff, dart or
     * summary (its table instead) */
    bool group     = r->ngroup > 0;
    bool have_diff = !group && tm__settings.diff_output && tm__diff_build(r, &diff) == TIMEMORY_OK;
    /* stdout: the whole table, or the summary (output_summary.c) */
    bool whole = tm__settings.cout_output && (group || tm__cout_whole_table(r));
    tm__ctx_files_clear(ctx);

    if(tm__settings.file_output)
    {
        tm__buf        b;
        tm__stream_job tree         = { .r = r, .w = TM_WRITE_TREE };
        bool           tree_pending = false; /* its name composed: made on a thread */
        if(tm__settings.tree_output && tm__parallel_write(r))
        {
            snprintf(tag, sizeof(tag), "%s.tree", label);
            tree_pending = tm__emit_begin(ctx, label, tag, ".json", tree.path, sizeof(tree.path)) ==
                           TIMEMORY_OK;
            if(tree_pending) tm__stream_job_start(&tree); /* else made at the end, here */
        }
        if(tm__settings.flamegraph_output && (row->flags & TIMEMORY_CFLAG_FLAMEGRAPH))
        {
            snprintf(tag, sizeof(tag), "%s.flamegraph", label);
            tm__emit_streamed(ctx, label, tag, ".json", TM_WRITE_FLAME, r, TM_OUTPUT_JSON, NULL, 0);
            tm__buf_init(&b); /* the same flame graph for a browser */
            tm__write_flamegraph_svg(&b, r);
            tm__emit_file(ctx, label, tag, ".svg", &b, TM_OUTPUT_TEXT, NULL, 0);
            tm__buf_free(&b);
        }
        if(tm__settings.json_output)
        {
            tm__emit_streamed(ctx, label, label, ".json", TM_WRITE_FLAT, r, TM_OUTPUT_JSON, NULL,
                              0);
        }
        if(tm__settings.tree_output && !tm__parallel_write(r))
        {
            snprintf(tag, sizeof(tag), "%s.tree", label);
            tm__emit_streamed(ctx, label, tag, ".json", TM_WRITE_TREE, r, TM_OUTPUT_JSON, NULL, 0);
        }
        if(tm__settings.text_output)
        {
            /* the table on stdout too: made once, in memory; else streamed */
            char path[4096];
            int  rc;
            if(whole)
            {
                tm__write_text(&text, r);
                have_text = true;
                rc        = tm__emit_file(ctx, label, label, ".txt", &text, TM_OUTPUT_TEXT, path,
                                          sizeof(path));
            }
            else
                rc = tm__emit_streamed(ctx, label, label, ".txt", TM_WRITE_TEXT, r, TM_OUTPUT_TEXT,
                                       path, sizeof(path));
            if(rc == TIMEMORY_OK && tm__settings.ctest_notes) tm__ctest_note(ctx, path);
        }
        if(tree_pending)
        {
            int rc = tm__stream_job_finish(&tree);
            tm__emit_end(ctx, label, tree.path, tm__written(ctx, tree.path, rc), TM_OUTPUT_JSON,
                         NULL, 0);
        }
    }

    if(whole)
    {
        if(!have_text) tm__write_text(&text, r);
        printf("\n%s\n", text.data ? text.data : "");
    }
    else if(tm__settings.cout_output)
    {
        tm__write_summary(&text, r, (const char* const*)ctx->files, ctx->nfiles,
                          tm__summary_width());
        printf("\n%s\n", text.data ? text.data : "");
    }
    else
        printf("\n");
    tm__buf_free(&text);
    if(tm__settings.dart_output && !group) tm__dart(r);
    if(have_diff)
    {
        tm__output_diff(&diff, ctx);
        tm__result_free(&diff);
    }
    tm__ctx_files_clear(ctx);
    fflush(stdout);
}

/* The members of an owned group (papi_vector's events) written as one component, when ids[i]
 * is the first of them in ids (the caller's loop runs backwards: it is the last call). */
static void tm__output_group(const int* ids, int n, int i, tm__output_ctx* ctx)
{
    int first_id = 0, k = 0;
    if(timemory_component_source(tm__comp_id(ids[i]), &first_id, &k) != TIMEMORY_OK) return;
    int first = tm__comp_index(first_id);
    for(int j = 0; j < i; ++j)
        if(ids[j] >= first && ids[j] < first + k) return; /* not the last: done there */
    tm__result rs[TIMEMORY_COMPONENT_RUNTIME_MAX];
    int        m = 0;
    for(int j = i; j < n && m < TIMEMORY_COMPONENT_RUNTIME_MAX; ++j)
        if(ids[j] >= first && ids[j] < first + k && tm__result_build(ids[j], &rs[m]) == TIMEMORY_OK)
            ++m;
    m = tm__results_fold_groups(rs, m);
    for(int x = 0; x < m; ++x)
    {
        tm__output_one(&rs[x], ctx);
        tm__result_free(&rs[x]);
    }
}

/* The per-call timeline, when it holds anything: <output_path>/<output_prefix>timeline.json */
static void tm__output_timeline(tm__output_ctx* ctx)
{
    if(!tm__settings.file_output || !tm__timeline_has_data()) return;
    tm__emit_streamed(ctx, "timeline", "timeline", ".json", TM_WRITE_TIMELINE, NULL, TM_OUTPUT_JSON,
                      NULL, 0);
    tm__ctx_files_clear(ctx); /* the summary's list of files is per component */
}

int tm__output_result(const tm__result* r)
{
    if(!r || !tm__comp_valid(r->comp)) return TIMEMORY_EINVAL;
    tm__output_ctx ctx = { .error = TIMEMORY_OK };
    tm__output_phase_begin();
    tm__output_one(r, &ctx);
    tm__output_phase_end(ctx.error);
    return ctx.error;
}

/* functions.json is made on a thread of its own while the components' results are built and
 * written (a program with 10^6 labels spends a quarter second sorting them); NULL job: made
 * here, when it is written. */
typedef struct tm__functions_job {
    tm__buf   b;
    pthread_t thread;
    bool      running;
} tm__functions_job;

static void* tm__functions_job_main(void* arg)
{
    tm__functions_job* job = arg;
    tm__write_functions(&job->b);
    return NULL;
}

static void tm__functions_job_start(tm__functions_job* job)
{
    tm__buf_init(&job->b);
    job->running = false;
    if(!tm__settings.file_output || sysconf(_SC_NPROCESSORS_ONLN) < 2) return;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    job->running = pthread_create(&job->thread, NULL, tm__functions_job_main, job) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* The text made (joined, or made now when no thread ran); the caller frees job->b. */
static void tm__functions_job_finish(tm__functions_job* job)
{
    if(job->running)
        pthread_join(job->thread, NULL);
    else
        tm__write_functions(&job->b);
    job->running = false;
}

/* metadata.json and functions.json (OUTPUT.md §8): each is written, or fails, on its own */
static void tm__write_metadata_files(tm__output_ctx* ctx, tm__functions_job* functions)
{
    char        meta[4096], funcs[4096];
    char*       paths[2] = { meta, funcs };
    const char* tags[2]  = { "metadata", "functions" };
    tm__output_claim();
    for(int i = 0; i < 2; ++i)
    {
        int rc = tm__output_filename(tags[i], ".json", paths[i], sizeof(meta));
        if(rc == TIMEMORY_OK) continue;
        tm__warn("cannot compose the output file name for '%s.json': %s", tags[i],
                 timemory_strerror(rc));
        if(ctx->error == TIMEMORY_OK) ctx->error = rc;
        return;
    }
    if(tm__settings.verbose > 0 || tm__settings.banner || tm__settings.debug)
        printf("\n[metadata::manager::finalize]> Outputting '%s' and '%s'...\n", meta, funcs);
    tm__buf b;
    if(!tm__in_failed_folder(meta))
    {
        tm__buf_init(&b);
        tm__buf_puts(&b, "{\"timemory\":{\"metadata\":");
        tm__put_metadata(&b);
        tm__buf_puts(&b, "}}\n");
        tm__write_one(ctx, meta, &b);
        tm__buf_free(&b);
    }
    if(!tm__in_failed_folder(funcs))
    {
        tm__functions_job_finish(functions);
        tm__write_one(ctx, funcs, &functions->b);
    }
}

/* MPI: every rank's data goes to rank 0, which alone writes (and prints) the results over the
 * ranks; the other ranks return once their data is sent. */
static int tm__output_all_ranks(void)
{
    tm__ranks ranks;
    int       rc = tm__ranks_gather(&ranks);
    if(rc != TIMEMORY_OK || ranks.rank != 0)
    {
        tm__ranks_free(&ranks);
        return rc;
    }
    tm__output_ctx ctx;
    memset(&ctx, 0, sizeof(ctx)); /* TIMEMORY_OK, nothing written yet */
    tm__functions_job functions;
    tm__functions_job_start(&functions);
    for(int i = ranks.ncomps - 1; i >= 0; --i) /* the component used first is reported last */
    {
        tm__result r;
        if(tm__result_build_ranks(ranks.comps[i], &ranks, &r) != TIMEMORY_OK) continue;
        tm__output_one(&r, &ctx);
        tm__result_free(&r);
    }
    tm__ranks_free(&ranks);
    tm__output_timeline(&ctx); /* rank 0's own */
    if(tm__settings.file_output && ctx.wrote) tm__write_metadata_files(&ctx, &functions);
    if(functions.running) pthread_join(functions.thread, NULL);
    tm__buf_free(&functions.b);
    fflush(stdout);
    return ctx.error;
}

/* MPI could not carry the data (finalized before timemory could gather, or the gather
 * failed): each rank writes its own into <output_path>/rank-<rank>/, never over another's. */
static void tm__output_rank_folder(int rank, const char* why, bool every_rank)
{
    static int moved = -1;
    if(moved == rank) return;
    moved      = rank;
    char* path = tm__setting_string_copy(&tm__settings.output_path);
    if(!path) return;
    char folder[4096];
    snprintf(folder, sizeof(folder), "%s/rank-%d", *path ? path : ".", rank);
    free(path);
    if(rank == 0 || every_rank)
        tm__warn("%s: each rank writes its own outputs into '%s' (rank-<N>)", why, folder);
    timemory_settings_set_string("output_path", folder);
}

static int tm__output_all_in_phase(void)
{
    int rank = 0, size = 1;
    if(tm__data_pid() != (long)getpid())
    {
        /* the writer copy of a crashed process (signals_writer.c): no collective -- the other ranks
         * are not there -- and no loader or plugin lock; a rank writes into its own folder */
        if(tm__mpi_last_seen(&rank, &size)) tm__output_rank_folder(rank, "a rank crashed", true);
    }
    else if(tm__mpi_active(&rank, &size))
    {
        int rc = tm__output_all_ranks();
        if(rc != TIMEMORY_EIO) return rc;
        tm__output_rank_folder(rank, "the MPI gather failed", false);
    }
    else if(tm__mpi_finalized_unseen(&rank, &size))
        tm__output_rank_folder(rank,
                               "MPI was finalized before timemory (call timemory_init after "
                               "MPI_Init, or timemory_finalize before MPI_Finalize)",
                               false);
    int ids[TM_COMP_CAP];
    /* this process's components, then those only its children had */
    int n = tm__result_components(ids, TM_COMP_CAP);
    if(n > TM_COMP_CAP) n = TM_COMP_CAP;
    tm__output_ctx    ctx = { .error = TIMEMORY_OK };
    tm__functions_job functions;
    tm__functions_job_start(&functions);
    /* the component used first is reported last */
    for(int i = n - 1; i >= 0; --i)
    {
        tm__result r;
        bool       tree = tm__settings.file_output && tm__settings.tree_output;
        if(tm__component_owner(ids[i]) >= 0)
        {
            tm__output_group(ids, n, i, &ctx);
            continue;
        }
        if((tree ? tm__result_build_tree : tm__result_build)(ids[i], &r) != TIMEMORY_OK) continue;
        tm__output_one(&r, &ctx);
        tm__result_free(&r);
    }
    tm__output_timeline(&ctx);
    if(tm__settings.file_output && ctx.wrote) tm__write_metadata_files(&ctx, &functions);
    if(functions.running) pthread_join(functions.thread, NULL);
    tm__buf_free(&functions.b);
    fflush(stdout);
    return ctx.error;
}

/* One output phase: the folder is claimed at the first file and released at the end. */
int tm__output_all(void)
{
    tm__output_phase_begin();
    int rc = tm__output_all_in_phase();
    tm__output_phase_end(rc);
    return rc;
}
