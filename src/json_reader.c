/* json_reader.c -- a strict JSON (RFC 8259) reader for input the library did not write itself
 * this run: the previous run's flat JSON for difference output. Owns parsing into a tree and
 * the tree's accessors; knows nothing of timemory's schema (diff.c checks that).
 * Policy: never trust the input. No recursion (an explicit stack, bounded depth), bounded size
 * and value count, UTF-8 validated, and every failure is one message with line and column.
 */
#include "internal.h"

#include <errno.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define TM_JNODES_PER_CHUNK 1024

typedef struct tm__jchunk {
    struct tm__jchunk* next;
    size_t             used;
    tm__jnode          nodes[TM_JNODES_PER_CHUNK];
} tm__jchunk;

struct tm__jtree {
    tm__jnode*  root;
    char*       strings; /* every decoded string, NUL-terminated: never longer than the text */
    tm__jchunk* chunks;
};

/* An open array or object on the explicit stack. */
typedef struct tm__jframe {
    tm__jnode* node;
    tm__jnode* last; /* last child, for appending in order */
} tm__jframe;

typedef struct tm__jparser {
    const unsigned char* begin;
    const unsigned char* p;
    const unsigned char* end;
    const unsigned char* line_start;
    unsigned             line;
    tm__jtree*           tree;
    size_t               strings_used;
    size_t               values;
    tm__json_limits      limits;
    tm__jframe*          stack;
    unsigned             depth;
    tm__json_error*      err;
} tm__jparser;

static void tm__jset_error(tm__json_error* err, int code, const char* fmt, ...) TM_PRINTF(3, 4);

static void tm__jset_error(tm__json_error* err, int code, const char* fmt, ...)
{
    if(!err) return;
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
}

/* "line L, column C: what"; the column counts bytes from the line's start */
static bool tm__jfail(tm__jparser* ps, const char* fmt, ...) TM_PRINTF(2, 3);

static bool tm__jfail(tm__jparser* ps, const char* fmt, ...)
{
    if(!ps->err) return false;
    char    what[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    ps->err->offset = (size_t)(ps->p - ps->begin);
    ps->err->line   = ps->line;
    ps->err->column = (unsigned)(ps->p - ps->line_start) + 1;
    tm__jset_error(ps->err, TIMEMORY_EFORMAT, "line %u, column %u: %s", ps->err->line,
                   ps->err->column, what);
    return false;
}

/* the byte at p for a message: 'x' or byte 0xNN */
static void tm__jdescribe(const tm__jparser* ps, char* out, size_t len)
{
    if(ps->p >= ps->end)
        snprintf(out, len, "the end of the input");
    else if(*ps->p >= 0x20 && *ps->p < 0x7f)
        snprintf(out, len, "'%c'", *ps->p);
    else
        snprintf(out, len, "byte 0x%02x", *ps->p);
}

static const char* tm__jopen_name(const tm__jparser* ps)
{
    if(ps->depth == 0) return "the document";
    return ps->stack[ps->depth - 1].node->kind == TM_JSON_OBJECT ? "an object" : "an array";
}

static bool tm__jtruncated(tm__jparser* ps)
{
    return tm__jfail(ps, "the input ends inside %s (truncated?)", tm__jopen_name(ps));
}

static void tm__jskip_ws(tm__jparser* ps)
{
    while(ps->p < ps->end)
    {
        unsigned char c = *ps->p;
        if(c == '\n')
        {
            ++ps->line;
            ps->line_start = ++ps->p;
        }
        else if(c == ' ' || c == '\t' || c == '\r')
            ++ps->p;
        else
            return;
    }
}

static tm__jnode* tm__jnew(tm__jparser* ps, tm__jnode_kind kind)
{
    if(++ps->values > ps->limits.max_values)
    {
        tm__jfail(ps, "more than %zu values", ps->limits.max_values);
        return NULL;
    }
    tm__jchunk* c = ps->tree->chunks;
    if(!c || c->used == TM_JNODES_PER_CHUNK)
    {
        c = malloc(sizeof(tm__jchunk));
        if(!c)
        {
            tm__jset_error(ps->err, TIMEMORY_ENOMEM, "out of memory after %zu values", ps->values);
            return NULL;
        }
        c->next          = ps->tree->chunks;
        c->used          = 0;
        ps->tree->chunks = c;
    }
    tm__jnode* n = &c->nodes[c->used++];
    memset(n, 0, sizeof(*n));
    n->kind = kind;
    n->line = ps->line;
    return n;
}

/* ---- strings ------------------------------------------------------------------------------ */

static int tm__jhex(unsigned char c)
{
    if(c >= '0' && c <= '9') return c - '0';
    if(c >= 'a' && c <= 'f') return c - 'a' + 10;
    if(c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* four hex digits after "\u" at p; -1 when malformed */
static long tm__jhex4(const unsigned char* p, const unsigned char* end)
{
    if(end - p < 4) return -1;
    long v = 0;
    for(int i = 0; i < 4; ++i)
    {
        int h = tm__jhex(p[i]);
        if(h < 0) return -1;
        v = v * 16 + h;
    }
    return v;
}

static size_t tm__jput_utf8(char* out, unsigned long cp)
{
    if(cp < 0x80)
    {
        out[0] = (char)cp;
        return 1;
    }
    if(cp < 0x800)
    {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if(cp < 0x10000)
    {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* Length of the well-formed UTF-8 sequence at p (RFC 3629: no overlongs, no surrogates,
 * nothing above U+10FFFF), 0 when malformed. */
static size_t tm__jutf8_length(const unsigned char* p, const unsigned char* end)
{
    unsigned char c = p[0];
    size_t        n;
    unsigned char lo = 0x80, hi = 0xbf;
    if(c < 0x80) return 1;
    if(c >= 0xc2 && c <= 0xdf)
        n = 2;
    else if(c >= 0xe0 && c <= 0xef)
    {
        n = 3;
        if(c == 0xe0) lo = 0xa0;
        if(c == 0xed) hi = 0x9f;
    }
    else if(c >= 0xf0 && c <= 0xf4)
    {
        n = 4;
        if(c == 0xf0) lo = 0x90;
        if(c == 0xf4) hi = 0x8f;
    }
    else
        return 0;
    if((size_t)(end - p) < n) return 0;
    if(p[1] < lo || p[1] > hi) return 0;
    for(size_t i = 2; i < n; ++i)
        if(p[i] < 0x80 || p[i] > 0xbf) return 0;
    return n;
}

/* The string at p (on its opening quote), decoded into the tree's string space. */
static bool tm__jstring(tm__jparser* ps, const char** text, size_t* len)
{
    char*  out = ps->tree->strings + ps->strings_used;
    size_t n   = 0;
    ++ps->p; /* the opening quote */
    for(;;)
    {
        if(ps->p >= ps->end) return tm__jfail(ps, "the input ends inside a string (truncated?)");
        unsigned char c = *ps->p;
        if(c == '"')
        {
            ++ps->p;
            break;
        }
        if(c < 0x20)
            return tm__jfail(ps, "control character 0x%02x inside a string (must be escaped)", c);
        if(c == '\\')
        {
            if(ps->end - ps->p < 2) return tm__jfail(ps, "the input ends inside an escape");
            unsigned char e      = ps->p[1];
            const char*   simple = strchr("\"\\/bfnrt", e);
            if(e != 0 && simple)
            {
                static const char decoded[] = "\"\\/\b\f\n\r\t";
                out[n++]                    = decoded[simple - "\"\\/bfnrt"];
                ps->p += 2;
                continue;
            }
            if(e != 'u')
            {
                ++ps->p;
                char found[32];
                tm__jdescribe(ps, found, sizeof(found));
                return tm__jfail(ps, "invalid escape: backslash followed by %s", found);
            }
            long cp = tm__jhex4(ps->p + 2, ps->end);
            if(cp < 0) return tm__jfail(ps, "\\u must be followed by four hex digits");
            size_t used = 6;
            if(cp >= 0xdc00 && cp <= 0xdfff)
                return tm__jfail(ps, "\\u%04lx is a low surrogate without a high one", cp);
            if(cp >= 0xd800 && cp <= 0xdbff)
            {
                long low = -1;
                if(ps->end - ps->p >= 12 && ps->p[6] == '\\' && ps->p[7] == 'u')
                    low = tm__jhex4(ps->p + 8, ps->end);
                if(low < 0xdc00 || low > 0xdfff)
                    return tm__jfail(ps, "\\u%04lx is a high surrogate without a low one", cp);
                cp   = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
                used = 12;
            }
            n += tm__jput_utf8(out + n, (unsigned long)cp);
            ps->p += used;
            continue;
        }
        size_t k = tm__jutf8_length(ps->p, ps->end);
        if(k == 0) return tm__jfail(ps, "invalid UTF-8 byte 0x%02x inside a string", c);
        memcpy(out + n, ps->p, k);
        n += k;
        ps->p += k;
    }
    /* the decoded form is never longer than the quoted text, so the space always suffices */
    out[n] = '\0';
    ps->strings_used += n + 1;
    *text = out;
    *len  = n;
    return true;
}

/* ---- numbers ------------------------------------------------------------------------------ */

static bool tm__jdigit(const tm__jparser* ps, const unsigned char* q)
{
    return q < ps->end && *q >= '0' && *q <= '9';
}

static bool tm__jnumber(tm__jparser* ps, tm__jnode* n)
{
    const unsigned char* start    = ps->p;
    const unsigned char* q        = ps->p;
    bool                 negative = false, integer = true;
    if(q < ps->end && *q == '-')
    {
        negative = true;
        ++q;
    }
    if(!tm__jdigit(ps, q))
    {
        ps->p = q;
        return tm__jfail(ps, "a number needs a digit here");
    }
    if(*q == '0' && tm__jdigit(ps, q + 1))
    {
        ps->p = q;
        return tm__jfail(ps, "a number may not start with 0 followed by a digit");
    }
    uint64_t magnitude = 0;
    bool     overflow  = false;
    for(; tm__jdigit(ps, q); ++q)
    {
        unsigned d = (unsigned)(*q - '0');
        if(magnitude > (UINT64_MAX - d) / 10) overflow = true;
        magnitude = magnitude * 10 + d;
    }
    if(q < ps->end && *q == '.')
    {
        integer = false;
        if(!tm__jdigit(ps, ++q))
        {
            ps->p = q;
            return tm__jfail(ps, "a digit must follow the decimal point");
        }
        while(tm__jdigit(ps, q)) ++q;
    }
    if(q < ps->end && (*q == 'e' || *q == 'E'))
    {
        integer = false;
        ++q;
        if(q < ps->end && (*q == '+' || *q == '-')) ++q;
        if(!tm__jdigit(ps, q))
        {
            ps->p = q;
            return tm__jfail(ps, "a digit must follow the exponent");
        }
        while(tm__jdigit(ps, q)) ++q;
    }

    /* strtod reads the locale's decimal point: hand it the text with that point */
    size_t len = (size_t)(q - start);
    char   small[64];
    char*  copy = len < sizeof(small) ? small : malloc(len + 1);
    if(!copy)
    {
        tm__jset_error(ps->err, TIMEMORY_ENOMEM, "out of memory reading a number");
        return false;
    }
    memcpy(copy, start, len);
    copy[len]         = '\0';
    const char* point = localeconv()->decimal_point;
    char*       dot   = strchr(copy, '.');
    if(dot && point && point[0] && point[0] != '.' && point[1] == '\0') *dot = point[0];
    double value = strtod(copy, NULL);
    if(copy != small) free(copy);

    n->u.number.value     = value;
    n->u.number.negative  = negative;
    n->u.number.integer   = integer && !overflow;
    n->u.number.magnitude = integer && !overflow ? magnitude : 0;
    ps->p                 = q;
    return true;
}

static bool tm__jliteral(tm__jparser* ps, const char* word, tm__jnode_kind kind, tm__jnode* n)
{
    size_t len = strlen(word);
    if((size_t)(ps->end - ps->p) < len || memcmp(ps->p, word, len) != 0)
    {
        if((size_t)(ps->end - ps->p) < len && memcmp(ps->p, word, (size_t)(ps->end - ps->p)) == 0)
        {
            ps->p = ps->end;
            return tm__jtruncated(ps);
        }
        return tm__jfail(ps, "expected a value (did you mean '%s'?)", word);
    }
    n->kind = kind;
    ps->p += len;
    return true;
}

/* ---- the document ------------------------------------------------------------------------- */

static void tm__jappend(tm__jparser* ps, tm__jnode* n)
{
    if(ps->depth == 0)
    {
        ps->tree->root = n;
        return;
    }
    tm__jframe* f = &ps->stack[ps->depth - 1];
    if(f->last)
        f->last->next = n;
    else
        f->node->u.items.first = n;
    f->last = n;
    ++f->node->u.items.count;
}

/* an object member's name and its colon; p is past them on success */
static bool tm__jmember_key(tm__jparser* ps, const char** key, size_t* key_len)
{
    tm__jskip_ws(ps);
    if(ps->p >= ps->end) return tm__jtruncated(ps);
    if(*ps->p != '"')
    {
        char found[32];
        tm__jdescribe(ps, found, sizeof(found));
        return tm__jfail(ps, "expected a quoted member name, found %s", found);
    }
    if(!tm__jstring(ps, key, key_len)) return false;
    tm__jskip_ws(ps);
    if(ps->p >= ps->end) return tm__jtruncated(ps);
    if(*ps->p != ':')
    {
        char found[32];
        tm__jdescribe(ps, found, sizeof(found));
        return tm__jfail(ps, "expected ':' after the member name, found %s", found);
    }
    ++ps->p;
    return true;
}

static bool tm__jdocument(tm__jparser* ps)
{
    const char* key     = NULL;
    size_t      key_len = 0;
    for(;;)
    {
        /* a value */
        tm__jskip_ws(ps);
        if(ps->p >= ps->end)
        {
            if(ps->depth == 0) return tm__jfail(ps, "the input holds no JSON value");
            return tm__jtruncated(ps);
        }
        unsigned char  c    = *ps->p;
        tm__jnode_kind kind = c == '{'   ? TM_JSON_OBJECT
                              : c == '[' ? TM_JSON_ARRAY
                              : c == '"' ? TM_JSON_STRING
                              : c == 't' ? TM_JSON_TRUE
                              : c == 'f' ? TM_JSON_FALSE
                              : c == 'n' ? TM_JSON_NULL
                                         : TM_JSON_NUMBER;
        if(kind == TM_JSON_NUMBER && c != '-' && !(c >= '0' && c <= '9'))
        {
            char found[32];
            tm__jdescribe(ps, found, sizeof(found));
            return tm__jfail(ps, "expected a value, found %s", found);
        }
        tm__jnode* n = tm__jnew(ps, kind);
        if(!n) return false;
        n->key     = key;
        n->key_len = key_len;
        key        = NULL;
        key_len    = 0;
        bool ok    = true;
        switch(kind)
        {
        case TM_JSON_STRING:
            ok = tm__jstring(ps, &n->u.string.text, &n->u.string.len);
            break;
        case TM_JSON_TRUE:
            ok = tm__jliteral(ps, "true", kind, n);
            break;
        case TM_JSON_FALSE:
            ok = tm__jliteral(ps, "false", kind, n);
            break;
        case TM_JSON_NULL:
            ok = tm__jliteral(ps, "null", kind, n);
            break;
        case TM_JSON_NUMBER:
            ok = tm__jnumber(ps, n);
            break;
        default:
            break;
        }
        if(!ok) return false;
        tm__jappend(ps, n);

        if(kind == TM_JSON_OBJECT || kind == TM_JSON_ARRAY)
        {
            if(ps->depth >= ps->limits.max_depth)
                return tm__jfail(ps, "nesting deeper than %u levels", ps->limits.max_depth);
            ps->stack[ps->depth].node = n;
            ps->stack[ps->depth].last = NULL;
            ++ps->depth;
            ++ps->p;
            tm__jskip_ws(ps);
            if(ps->p >= ps->end) return tm__jtruncated(ps);
            char close = kind == TM_JSON_OBJECT ? '}' : ']';
            if(*ps->p != close)
            {
                if(kind == TM_JSON_OBJECT && !tm__jmember_key(ps, &key, &key_len)) return false;
                continue; /* the first element or member value */
            }
            /* empty: closed below */
        }

        /* after a value: a comma continues the innermost container, a bracket closes it */
        for(;;)
        {
            tm__jskip_ws(ps);
            if(ps->depth == 0)
            {
                if(ps->p < ps->end)
                {
                    char found[32];
                    tm__jdescribe(ps, found, sizeof(found));
                    return tm__jfail(ps, "%s after the end of the document", found);
                }
                return true;
            }
            if(ps->p >= ps->end) return tm__jtruncated(ps);
            tm__jnode* open  = ps->stack[ps->depth - 1].node;
            char       close = open->kind == TM_JSON_OBJECT ? '}' : ']';
            if(*ps->p == close)
            {
                ++ps->p;
                --ps->depth;
                continue;
            }
            if(*ps->p == ',')
            {
                ++ps->p;
                tm__jskip_ws(ps);
                if(ps->p < ps->end && *ps->p == close)
                    return tm__jfail(ps, "a comma may not precede '%c'", close);
                if(open->kind == TM_JSON_OBJECT && !tm__jmember_key(ps, &key, &key_len))
                    return false;
                break; /* the next value */
            }
            char found[32];
            tm__jdescribe(ps, found, sizeof(found));
            return tm__jfail(ps, "expected ',' or '%c' in %s, found %s", close,
                             open->kind == TM_JSON_OBJECT ? "an object" : "an array", found);
        }
    }
}

static void tm__jlimits(const tm__json_limits* in, tm__json_limits* out)
{
    out->max_bytes  = in && in->max_bytes ? in->max_bytes : TM_JSON_DEFAULT_MAX_BYTES;
    out->max_values = in && in->max_values ? in->max_values : TM_JSON_DEFAULT_MAX_VALUES;
    out->max_depth  = in && in->max_depth ? in->max_depth : TM_JSON_DEFAULT_MAX_DEPTH;
}

tm__jtree* tm__jtree_parse(const char* text, size_t len, const tm__json_limits* limits,
                           tm__json_error* err)
{
    if(err) memset(err, 0, sizeof(*err));
    tm__jparser ps;
    memset(&ps, 0, sizeof(ps));
    tm__jlimits(limits, &ps.limits);
    ps.err = err;
    if(!text)
    {
        tm__jset_error(err, TIMEMORY_EINVAL, "no input");
        return NULL;
    }
    if(len > ps.limits.max_bytes)
    {
        tm__jset_error(err, TIMEMORY_ERANGE, "%zu bytes is more than the limit of %zu", len,
                       ps.limits.max_bytes);
        return NULL;
    }
    ps.begin = ps.p = ps.line_start = (const unsigned char*)text;
    ps.end                          = ps.begin + len;
    ps.line                         = 1;
    /* a UTF-8 byte-order mark is not JSON text but harmless: RFC 8259 lets readers skip it */
    if(len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) ps.p += 3;

    ps.tree  = calloc(1, sizeof(tm__jtree));
    ps.stack = malloc((size_t)ps.limits.max_depth * sizeof(tm__jframe));
    if(ps.tree) ps.tree->strings = malloc(len + 1);
    if(!ps.tree || !ps.stack || !ps.tree->strings)
    {
        tm__jset_error(err, TIMEMORY_ENOMEM, "out of memory for %zu bytes of input", len);
        free(ps.stack);
        tm__jtree_free(ps.tree);
        return NULL;
    }
    bool ok = tm__jdocument(&ps);
    free(ps.stack);
    if(!ok)
    {
        if(err && err->code == TIMEMORY_OK) tm__jset_error(err, TIMEMORY_EFORMAT, "invalid JSON");
        tm__jtree_free(ps.tree);
        return NULL;
    }
    return ps.tree;
}

tm__jtree* tm__jtree_read_file(const char* path, const tm__json_limits* limits, tm__json_error* err)
{
    if(err) memset(err, 0, sizeof(*err));
    if(!path)
    {
        tm__jset_error(err, TIMEMORY_EINVAL, "no file name");
        return NULL;
    }
    tm__json_limits lim;
    tm__jlimits(limits, &lim);
    FILE* f = fopen(path, "rb");
    if(!f)
    {
        tm__jset_error(err, TIMEMORY_EIO, "cannot open it: %s", strerror(errno));
        return NULL;
    }
    struct stat st;
    if(fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode))
    {
        fclose(f);
        tm__jset_error(err, TIMEMORY_EIO, "it is a folder, not a file");
        return NULL;
    }
    /* read to the end (the size may be unknown: a pipe) but never past the limit */
    tm__buf b;
    tm__buf_init(&b);
    char   chunk[65536];
    size_t n;
    bool   too_big = false;
    while((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
    {
        if(b.len + n > lim.max_bytes)
        {
            too_big = true;
            break;
        }
        tm__buf_append(&b, chunk, n);
        if(b.failed) break;
    }
    bool read_error = ferror(f) != 0;
    int  read_errno = errno;
    fclose(f);
    if(too_big || read_error || b.failed)
    {
        if(too_big)
            tm__jset_error(err, TIMEMORY_ERANGE, "it is larger than the limit of %zu bytes",
                           lim.max_bytes);
        else if(read_error)
            tm__jset_error(err, TIMEMORY_EIO, "cannot read it: %s", strerror(read_errno));
        else
            tm__jset_error(err, TIMEMORY_ENOMEM, "out of memory reading it");
        tm__buf_free(&b);
        return NULL;
    }
    if(b.len == 0)
    {
        tm__buf_free(&b);
        tm__jset_error(err, TIMEMORY_EFORMAT, "it is empty");
        return NULL;
    }
    tm__jtree* tree = tm__jtree_parse(b.data, b.len, &lim, err);
    tm__buf_free(&b);
    return tree;
}

void tm__jtree_free(tm__jtree* tree)
{
    if(!tree) return;
    tm__jchunk* c = tree->chunks;
    while(c)
    {
        tm__jchunk* next = c->next;
        free(c);
        c = next;
    }
    free(tree->strings);
    free(tree);
}

const tm__jnode* tm__jtree_root(const tm__jtree* tree)
{
    return tree ? tree->root : NULL;
}

const tm__jnode* tm__jnode_member(const tm__jnode* object, const char* key)
{
    if(!object || object->kind != TM_JSON_OBJECT || !key) return NULL;
    size_t len = strlen(key);
    for(const tm__jnode* m = object->u.items.first; m; m = m->next)
        if(m->key_len == len && memcmp(m->key, key, len) == 0) return m;
    return NULL;
}

bool tm__jnode_u64(const tm__jnode* v, uint64_t* out)
{
    if(!v || v->kind != TM_JSON_NUMBER || !v->u.number.integer) return false;
    if(v->u.number.negative && v->u.number.magnitude != 0) return false;
    *out = v->u.number.magnitude;
    return true;
}

bool tm__jnode_i64(const tm__jnode* v, int64_t* out)
{
    if(!v || v->kind != TM_JSON_NUMBER || !v->u.number.integer) return false;
    uint64_t m = v->u.number.magnitude;
    if(v->u.number.negative)
    {
        if(m > (uint64_t)INT64_MAX + 1u) return false;
        *out = m == (uint64_t)INT64_MAX + 1u ? INT64_MIN : -(int64_t)m;
        return true;
    }
    if(m > (uint64_t)INT64_MAX) return false;
    *out = (int64_t)m;
    return true;
}

bool tm__jnode_double(const tm__jnode* v, double* out)
{
    if(!v || v->kind != TM_JSON_NUMBER) return false;
    *out = v->u.number.value;
    return true;
}

const char* tm__jnode_kind_name(tm__jnode_kind kind)
{
    switch(kind)
    {
    case TM_JSON_NULL:
        return "null";
    case TM_JSON_FALSE:
    case TM_JSON_TRUE:
        return "a boolean";
    case TM_JSON_NUMBER:
        return "a number";
    case TM_JSON_STRING:
        return "a string";
    case TM_JSON_ARRAY:
        return "an array";
    case TM_JSON_OBJECT:
        return "an object";
    }
    return "a value";
}
