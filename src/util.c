/* util.c -- small shared services: diagnostics, the sticky hot-path error state, and
 * whole-or-nothing file writing (numbers as text: numbers.c; the text buffer: buffer.c).
 * Owns no timemory state beyond the error counters. Never called on the hot path except
 * tm__set_error, which only touches atomics.
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The one sticky error state: failures of the hot path (and of the hooks above it, through
 * timemory_note_error) are counted here, the first code kept, and reported by the next
 * finalize/report/get (tm__report_errors) or read by timemory_take_errors. */
static atomic_int tm__error_count;
static atomic_int tm__error_first;

void tm__warn(const char* fmt, ...)
{
    char    line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    fprintf(stderr, "[timemory] warning: %s\n", line);
    fflush(stderr);
}

void tm__set_error(int code)
{
    int none = 0;
    atomic_compare_exchange_strong_explicit(&tm__error_first, &none, code, memory_order_relaxed,
                                            memory_order_relaxed);
    atomic_fetch_add_explicit(&tm__error_count, 1, memory_order_relaxed);
}

void timemory_note_error(int code)
{
    if(code != TIMEMORY_OK) tm__set_error(code);
}

int timemory_take_errors(int* first_code)
{
    int n = atomic_exchange_explicit(&tm__error_count, 0, memory_order_relaxed);
    int c = atomic_exchange_explicit(&tm__error_first, 0, memory_order_relaxed);
    if(first_code) *first_code = n > 0 ? c : TIMEMORY_OK;
    return n;
}

int tm__report_errors(const char* when)
{
    int first = TIMEMORY_OK;
    int n     = timemory_take_errors(&first);
    if(n > 0)
        tm__warn("%d push/pop or hook call%s failed since the last report (%s); the first: %s", n,
                 n == 1 ? "" : "s", when, timemory_strerror(first));
    return n;
}

const char* timemory_strerror(int code)
{
    switch(code)
    {
#define TM_ERROR_CASE(name, value, msg)                                                            \
    case value:                                                                                    \
        return msg;
        TIMEMORY_ERRORS(TM_ERROR_CASE)
#undef TM_ERROR_CASE
    default:
        return "unknown error";
    }
}

void timemory_free(void* ptr)
{
    free(ptr);
}

char* tm__strdup(const char* s)
{
    if(!s) s = "";
    size_t n = strlen(s) + 1;
    char*  p = malloc(n);
    if(p) memcpy(p, s, n);
    return p;
}

/* ---- files -------------------------------------------------------------------------------- */

/* The bytes of an output file written so far (the progress line, output_progress.c). */
void tm__progress_add(size_t n)
{
    void (*hook)(size_t) = __atomic_load_n(&tm__write_progress, __ATOMIC_ACQUIRE);
    if(hook) hook(n);
}

int tm__mkdir_p(const char* dir)
{
    if(!dir || !*dir) return TIMEMORY_OK;
    char path[4096];
    if(strlen(dir) >= sizeof(path)) return TIMEMORY_EINVAL;
    strcpy(path, dir);
    for(char* p = path + 1; *p; ++p)
    {
        if(*p != '/') continue;
        *p = '\0';
        if(mkdir(path, 0755) != 0 && errno != EEXIST) return TIMEMORY_EIO;
        *p = '/';
    }
    if(mkdir(path, 0755) != 0 && errno != EEXIST) return TIMEMORY_EIO;
    struct stat st;
    if(stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
    {
        errno = ENOTDIR;
        return TIMEMORY_EIO;
    }
    return TIMEMORY_OK;
}

int tm__write_file_atomic(const char* path, const char* data, size_t len)
{
    char dir[4096];
    if(!path || strlen(path) >= sizeof(dir) - 32) return TIMEMORY_EINVAL;
    strcpy(dir, path);
    char* slash = strrchr(dir, '/');
    if(slash)
    {
        *slash = '\0';
        if(tm__mkdir_p(dir) != TIMEMORY_OK) return TIMEMORY_EIO;
    }
    char tmp[4096 + 64];
    snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
    FILE* f = fopen(tmp, "wb");
    if(!f) return TIMEMORY_EIO;
    bool ok = fwrite(data, 1, len, f) == len;
    ok      = (fflush(f) == 0) && ok;
    if(ok) tm__progress_add(len);
    int err = errno;
    ok      = (fclose(f) == 0) && ok;
    if(!ok || rename(tmp, path) != 0)
    {
        err = errno ? errno : err;
        unlink(tmp);
        errno = err;
        return TIMEMORY_EIO;
    }
    return TIMEMORY_OK;
}
