/* util.c -- small shared services: diagnostics, the sticky hot-path error state, the growable
 * text buffer every writer uses, and whole-or-nothing file writing.
 * Owns no timemory state beyond the error counters. Never called on the hot path except
 * tm__set_error, which only touches atomics.
 */
#include "internal.h"

#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static atomic_int tm__error_count;
static atomic_int tm__error_last;

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
    atomic_fetch_add_explicit(&tm__error_count, 1, memory_order_relaxed);
    atomic_store_explicit(&tm__error_last, code, memory_order_relaxed);
}

int timemory_take_errors(int* last_code)
{
    int n = atomic_exchange_explicit(&tm__error_count, 0, memory_order_relaxed);
    int c = atomic_exchange_explicit(&tm__error_last, 0, memory_order_relaxed);
    if(last_code) *last_code = c;
    return n;
}

const char* timemory_strerror(int code)
{
    switch(code)
    {
#define TM_ERROR_CASE(name, value, msg)                                                        \
    case value: return msg;
        TIMEMORY_ERRORS(TM_ERROR_CASE)
#undef TM_ERROR_CASE
        default: return "unknown error";
    }
}

void timemory_free(void* ptr) { free(ptr); }

char* tm__strdup(const char* s)
{
    if(!s) s = "";
    size_t n = strlen(s) + 1;
    char*  p = malloc(n);
    if(p) memcpy(p, s, n);
    return p;
}

/* ---- tm__buf ------------------------------------------------------------------------------ */

void tm__buf_init(tm__buf* b) { memset(b, 0, sizeof(*b)); }

void tm__buf_free(tm__buf* b)
{
    free(b->data);
    tm__buf_init(b);
}

static bool tm__buf_reserve(tm__buf* b, size_t extra)
{
    if(b->failed) return false;
    if(b->len + extra + 1 <= b->cap) return true;
    size_t cap = b->cap ? b->cap : 256;
    while(cap < b->len + extra + 1) cap *= 2;
    char* p = realloc(b->data, cap);
    if(!p)
    {
        b->failed = true;
        return false;
    }
    b->data = p;
    b->cap  = cap;
    return true;
}

void tm__buf_append(tm__buf* b, const char* s, size_t n)
{
    if(!tm__buf_reserve(b, n)) return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void tm__buf_puts(tm__buf* b, const char* s) { tm__buf_append(b, s, strlen(s)); }

void tm__buf_putc(tm__buf* b, char c) { tm__buf_append(b, &c, 1); }

void tm__buf_printf(tm__buf* b, const char* fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if(n < 0 || !tm__buf_reserve(b, (size_t) n))
    {
        va_end(ap2);
        return;
    }
    vsnprintf(b->data + b->len, (size_t) n + 1, fmt, ap2);
    va_end(ap2);
    b->len += (size_t) n;
}

void tm__buf_json_string(tm__buf* b, const char* s)
{
    tm__buf_putc(b, '"');
    for(const unsigned char* p = (const unsigned char*) (s ? s : ""); *p; ++p)
    {
        switch(*p)
        {
            case '"': tm__buf_puts(b, "\\\""); break;
            case '\\': tm__buf_puts(b, "\\\\"); break;
            case '\n': tm__buf_puts(b, "\\n"); break;
            case '\r': tm__buf_puts(b, "\\r"); break;
            case '\t': tm__buf_puts(b, "\\t"); break;
            case '\b': tm__buf_puts(b, "\\b"); break;
            case '\f': tm__buf_puts(b, "\\f"); break;
            default:
                if(*p < 0x20)
                    tm__buf_printf(b, "\\u%04x", *p);
                else
                    tm__buf_putc(b, (char) *p);
        }
    }
    tm__buf_putc(b, '"');
}

void tm__buf_json_double(tm__buf* b, double v)
{
    /* JSON has no NaN/Inf: they become 0.0 so every document loads everywhere */
    if(!isfinite(v)) v = 0.0;
    char text[40];
    snprintf(text, sizeof(text), "%.15g", v);
    if(strtod(text, NULL) != v) snprintf(text, sizeof(text), "%.16g", v);
    if(strtod(text, NULL) != v) snprintf(text, sizeof(text), "%.17g", v);
    /* keep floats recognisable as floats (1 -> 1.0) */
    if(!strpbrk(text, ".eEn")) strcat(text, ".0");
    tm__buf_puts(b, text);
}

char* tm__buf_take(tm__buf* b)
{
    if(b->failed)
    {
        tm__buf_free(b);
        return NULL;
    }
    if(!b->data) tm__buf_reserve(b, 0);
    char* p = b->data;
    if(p) p[b->len] = '\0';
    tm__buf_init(b);
    return p;
}

/* ---- files -------------------------------------------------------------------------------- */

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
    snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long) getpid());
    FILE* f = fopen(tmp, "wb");
    if(!f) return TIMEMORY_EIO;
    bool ok = fwrite(data, 1, len, f) == len;
    ok      = (fflush(f) == 0) && ok;
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
