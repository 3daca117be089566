/* buffer.c -- tm__buf, the growable text buffer every writer uses, with its JSON string and
 * number helpers, and its streaming form (tm__buf_stream_open): a file written in chunks on a
 * thread of its own while the text is made, renamed into place whole or removed.
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- tm__buf ------------------------------------------------------------------------------ */

void tm__buf_init(tm__buf* b)
{
    memset(b, 0, sizeof(*b));
}

void tm__buf_free(tm__buf* b)
{
    if(b->stream) tm__buf_stream_close(b, false); /* never completed: no file */
    free(b->data);
    tm__buf_init(b);
}

#define TM_STREAM_CHUNK ((size_t)1 << 20) /* a streaming buffer hands off once it holds this */

static bool tm__write_all(int fd, const char* data, size_t len)
{
    while(len > 0)
    {
        ssize_t n = write(fd, data, len);
        if(n < 0 && errno == EINTR) continue;
        if(n <= 0) return false;
        data += n;
        len -= (size_t)n;
        tm__progress_add((size_t)n);
    }
    return true;
}

/* A file being written while its text is made: full chunks go to a thread of their own that
 * writes them (the copy into the page cache overlaps the formatting), or are written in place
 * when no thread could be started. */
typedef struct tm__stream {
    int             fd;
    char*           path;
    char*           tmp;
    bool            threaded;
    pthread_t       thread;
    pthread_mutex_t lock;
    pthread_cond_t  cond;
    char*           chunk; /* handed to the thread, or NULL */
    size_t          chunk_len;
    char*           spare; /* a written chunk to fill again */
    size_t          spare_cap;
    bool            stop;
    int             error; /* errno of a failed write, or 0 */
} tm__stream;

static void* tm__stream_main(void* arg)
{
    tm__stream* s = arg;
    pthread_mutex_lock(&s->lock);
    for(;;)
    {
        while(!s->chunk && !s->stop) pthread_cond_wait(&s->cond, &s->lock);
        if(!s->chunk) break;
        char*  data = s->chunk;
        size_t len  = s->chunk_len;
        pthread_mutex_unlock(&s->lock);
        bool ok  = s->error == 0 && tm__write_all(s->fd, data, len);
        int  err = errno;
        pthread_mutex_lock(&s->lock);
        if(!ok && !s->error) s->error = err ? err : EIO;
        s->spare = data;
        s->chunk = NULL;
        pthread_cond_broadcast(&s->cond);
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

/* Hands what b holds (not what is held) to the file; b keeps the rest at the front of a
 * chunk of its own. */
static bool tm__buf_flush(tm__buf* b)
{
    tm__stream* s = b->stream;
    size_t      n = b->len;
    if(b->held && b->held - 1 - b->flushed < n) n = b->held - 1 - b->flushed;
    if(n == 0) return true;
    if(!s->threaded)
    {
        if(!tm__write_all(s->fd, b->data, n))
        {
            s->error  = errno ? errno : EIO;
            b->failed = true;
            return false;
        }
        memmove(b->data, b->data + n, b->len - n);
    }
    else
    {
        pthread_mutex_lock(&s->lock);
        while(s->chunk) pthread_cond_wait(&s->cond, &s->lock);
        char*  next = s->spare;
        size_t cap  = s->spare_cap;
        s->spare    = NULL;
        bool failed = s->error != 0;
        pthread_mutex_unlock(&s->lock);
        if(failed)
        {
            free(next);
            b->failed = true;
            return false;
        }
        if(!next || cap < b->cap)
        {
            free(next);
            next = malloc(b->cap);
            cap  = b->cap;
            if(!next)
            {
                b->failed = true;
                return false;
            }
        }
        /* the thread reads [0, n) of the old chunk while the rest is copied out of it */
        memcpy(next, b->data + n, b->len - n);
        pthread_mutex_lock(&s->lock);
        s->chunk     = b->data;
        s->chunk_len = n;
        s->spare_cap = b->cap;
        pthread_cond_broadcast(&s->cond);
        pthread_mutex_unlock(&s->lock);
        b->data = next;
        b->cap  = cap;
    }
    b->len -= n;
    b->flushed += n;
    b->data[b->len] = '\0';
    return true;
}

static bool tm__buf_reserve(tm__buf* b, size_t extra)
{
    if(b->failed) return false;
    if(b->len + extra + 1 <= b->cap) return true;
    if(b->stream && b->len >= TM_STREAM_CHUNK / 2)
    {
        if(!tm__buf_flush(b)) return false;
        if(b->len + extra + 1 <= b->cap) return true;
    }
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

void tm__buf_puts(tm__buf* b, const char* s)
{
    tm__buf_append(b, s, strlen(s));
}

void tm__buf_putc(tm__buf* b, char c)
{
    tm__buf_append(b, &c, 1);
}

void tm__buf_printf(tm__buf* b, const char* fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if(n < 0 || !tm__buf_reserve(b, (size_t)n))
    {
        va_end(ap2);
        return;
    }
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    b->len += (size_t)n;
}

char* tm__buf_space(tm__buf* b, size_t n)
{
    return tm__buf_reserve(b, n) ? b->data + b->len : NULL;
}

void tm__buf_commit(tm__buf* b, const char* end)
{
    b->len          = (size_t)(end - b->data);
    b->data[b->len] = '\0';
}

void tm__buf_u64(tm__buf* b, uint64_t v)
{
    char* p = tm__buf_space(b, 20);
    if(p) tm__buf_commit(b, tm__fmt_u64(p, v));
}

void tm__buf_i64(tm__buf* b, int64_t v)
{
    char* p = tm__buf_space(b, 21);
    if(p) tm__buf_commit(b, tm__fmt_i64(p, v));
}

char* tm__fmt_json_string(char* p, const char* s)
{
    static const char hex[] = "0123456789abcdef";
    *p++                    = '"';
    for(const unsigned char* u = (const unsigned char*)(s ? s : ""); *u; ++u)
    {
        unsigned char c = *u;
        if(c >= 0x20 && c != '"' && c != '\\')
        {
            *p++ = (char)c;
            continue;
        }
        *p++ = '\\';
        switch(c)
        {
        case '"':
            *p++ = '"';
            break;
        case '\\':
            *p++ = '\\';
            break;
        case '\n':
            *p++ = 'n';
            break;
        case '\r':
            *p++ = 'r';
            break;
        case '\t':
            *p++ = 't';
            break;
        case '\b':
            *p++ = 'b';
            break;
        case '\f':
            *p++ = 'f';
            break;
        default:
            memcpy(p, "u00", 3);
            p[3] = hex[c >> 4];
            p[4] = hex[c & 15];
            p += 5;
        }
    }
    *p++ = '"';
    return p;
}

void tm__buf_json_string(tm__buf* b, const char* s)
{
    size_t n = s ? strlen(s) : 0;
    char*  p = n < SIZE_MAX / 8 ? tm__buf_space(b, 2 + 6 * n) : NULL;
    if(p)
        tm__buf_commit(b, tm__fmt_json_string(p, s));
    else
        b->failed = true;
}

void tm__buf_json_double(tm__buf* b, double v)
{
    char* p = tm__buf_space(b, TM_JSON_DOUBLE_MAX);
    if(p) tm__buf_commit(b, tm__fmt_json_double(p, v));
}

static void tm__stream_free(tm__stream* s)
{
    free(s->path);
    free(s->tmp);
    free(s->spare);
    free(s);
}

int tm__buf_stream_open(tm__buf* b, const char* path)
{
    tm__buf_init(b);
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
    tm__stream* s = calloc(1, sizeof(*s));
    if(s)
    {
        s->path = tm__strdup(path);
        s->tmp  = tm__strdup(tmp);
    }
    b->data = malloc(TM_STREAM_CHUNK);
    if(!s || !s->path || !s->tmp || !b->data)
    {
        if(s) tm__stream_free(s);
        free(b->data);
        tm__buf_init(b);
        return TIMEMORY_ENOMEM;
    }
    b->cap = TM_STREAM_CHUNK;
    s->fd  = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if(s->fd < 0)
    {
        int err = errno;
        tm__stream_free(s);
        tm__buf_free(b);
        errno = err;
        return TIMEMORY_EIO;
    }
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->cond, NULL);
    s->threaded = pthread_create(&s->thread, NULL, tm__stream_main, s) == 0;
    b->stream   = s;
    return TIMEMORY_OK;
}

int tm__buf_stream_close(tm__buf* b, bool keep)
{
    tm__stream* s = b->stream;
    if(!s) return TIMEMORY_EINVAL;
    b->held = 0;
    int rc  = b->failed ? TIMEMORY_ENOMEM : TIMEMORY_OK;
    if(rc == TIMEMORY_OK && keep && !tm__buf_flush(b)) rc = TIMEMORY_EIO;
    if(s->threaded)
    {
        pthread_mutex_lock(&s->lock);
        s->stop = true;
        pthread_cond_broadcast(&s->cond);
        pthread_mutex_unlock(&s->lock);
        pthread_join(s->thread, NULL);
    }
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->cond);
    int err = s->error;
    if(err && rc == TIMEMORY_OK) rc = TIMEMORY_EIO;
    if(close(s->fd) != 0 && rc == TIMEMORY_OK)
    {
        err = errno;
        rc  = TIMEMORY_EIO;
    }
    if(rc == TIMEMORY_OK && keep && rename(s->tmp, s->path) != 0)
    {
        err = errno;
        rc  = TIMEMORY_EIO;
    }
    if(rc != TIMEMORY_OK || !keep) unlink(s->tmp);
    tm__stream_free(s);
    b->stream = NULL;
    tm__buf_free(b);
    errno = err;
    return keep ? rc : TIMEMORY_OK;
}

size_t tm__buf_hold(tm__buf* b)
{
    size_t mark = b->flushed + b->len;
    b->held     = mark + 1;
    return mark;
}

const char* tm__buf_held(const tm__buf* b, size_t mark)
{
    return b->data ? b->data + (mark - b->flushed) : NULL;
}

void tm__buf_release(tm__buf* b)
{
    b->held = 0;
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
