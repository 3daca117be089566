/* diff.c -- difference output (OUTPUT.md §6, SETTINGS.md §4.4): finds the previous run's flat
 * JSON of a component, checks it against the flat schema (§3) and subtracts it from this
 * run's entries. Owns the input file names, the schema check and the subtraction; parsing is
 * json_reader.c's, writing output.c's. Policy: the input is untrusted; anything unusable is
 * one message naming the file and the reason, and the run's own outputs go on regardless.
 */
#include "internal.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- input file names --------------------------------------------------------------------- */

static char* tm__diff_setting(char* const* field, char* const* fallback)
{
    tm__settings_lock();
    const char* v = *field && **field ? *field : (*fallback ? *fallback : "");
    char*       s = tm__strdup(v);
    tm__settings_unlock();
    return s;
}

static void tm__diff_collapse(char* s, const char* pair)
{
    char* p;
    while((p = strstr(s, pair)) != NULL) memmove(p, p + 1, strlen(p + 1) + 1);
}

/* The same joining rules as the output names (output.c), so that a run finds what the
 * previous run wrote even with an output_prefix. */
static char* tm__diff_candidate(const char* base, const char* label, const char* ext)
{
    tm__buf b;
    tm__buf_init(&b);
    tm__buf_puts(&b, base); /* bytes kept as they are (UTF-8 names) */
    if(b.len > 0 && b.data[b.len - 1] != '/' &&
       (isalnum((unsigned char)b.data[b.len - 1]) || ((unsigned char)b.data[b.len - 1] & 0x80)))
        tm__buf_putc(&b, '-');
    tm__buf_puts(&b, label);
    if(*ext != '.') tm__buf_putc(&b, '.');
    tm__buf_puts(&b, ext);
    char* path = tm__buf_take(&b);
    if(!path) return NULL;
    tm__diff_collapse(path, "--");
    tm__diff_collapse(path, "__");
    tm__diff_collapse(path, "//");
    return path;
}

int tm__diff_input_candidates(const char* label, char** out, int max)
{
    if(!label || !out || max <= 0) return 0;
    char* path   = tm__diff_setting(&tm__settings.input_path, &tm__settings.output_path);
    char* prefix = tm__diff_setting(&tm__settings.input_prefix, &tm__settings.output_prefix);
    char* extensions =
        tm__diff_setting(&tm__settings.input_extensions, &tm__settings.input_extensions);
    int n = 0;
    if(path && prefix && extensions)
    {
        tm__buf base;
        tm__buf_init(&base);
        tm__buf_puts(&base, *path ? path : ".");
        tm__buf_putc(&base, '/');
        tm__buf_puts(&base, prefix);
        char* base_text = tm__buf_take(&base);
        /* the JSON extension first, then each of input_extensions (split on ",; ") */
        tm__buf exts;
        tm__buf_init(&exts);
        tm__buf_puts(&exts, "json,");
        tm__buf_puts(&exts, extensions);
        char* list = tm__buf_take(&exts);
        char* save = NULL;
        for(char* ext = list ? strtok_r(list, ",; ", &save) : NULL; ext && base_text && n < max;
            ext       = strtok_r(NULL, ",; ", &save))
        {
            char* candidate = tm__diff_candidate(base_text, label, ext);
            if(!candidate) break;
            bool repeated = false;
            for(int i = 0; i < n && !repeated; ++i) repeated = strcmp(out[i], candidate) == 0;
            if(repeated)
                free(candidate);
            else
                out[n++] = candidate;
        }
        free(list);
        free(base_text);
    }
    free(path), free(prefix), free(extensions);
    return n;
}

/* ---- the schema of a flat JSON document ----------------------------------------------------- */

typedef struct tm__diff_ctx {
    char*  why;
    size_t len;
    char   where[160]; /* "timemory.wall_clock.ranks[0].graph[3]" */
} tm__diff_ctx;

static int tm__diff_reject(tm__diff_ctx* c, const char* field, const char* fmt, ...)
    TM_PRINTF(3, 4);

static int tm__diff_reject(tm__diff_ctx* c, const char* field, const char* fmt, ...)
{
    if(c->why && c->len > 0)
    {
        char    what[160];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(what, sizeof(what), fmt, ap);
        va_end(ap);
        bool has_field = field && *field;
        if(!*c->where && !has_field)
            snprintf(c->why, c->len, "%s", what);
        else
            snprintf(c->why, c->len, "%s%s%s: %s", c->where, *c->where && has_field ? "." : "",
                     has_field ? field : "", what);
    }
    return TIMEMORY_EFORMAT;
}

static int tm__diff_expected(tm__diff_ctx* c, const char* field, const tm__jnode* v,
                             const char* expected)
{
    if(!v) return tm__diff_reject(c, field, "missing (expected %s)", expected);
    return tm__diff_reject(c, field, "expected %s, found %s (line %u)", expected,
                           tm__jnode_kind_name(v->kind), v->line);
}

/* The k-th element of a one- or two-valued field: a number, {"first","second"} or [a,b]. */
static const tm__jnode* tm__diff_element(const tm__jnode* v, int n, int k)
{
    if(!v) return NULL;
    if(n < 2) return v->kind == TM_JSON_NUMBER ? v : NULL;
    if(v->kind == TM_JSON_OBJECT) return tm__jnode_member(v, k == 0 ? "first" : "second");
    if(v->kind == TM_JSON_ARRAY && v->u.items.count == 2)
        return k == 0 ? v->u.items.first : v->u.items.first->next;
    return NULL;
}

static const char* tm__diff_shape(int n, const char* one)
{
    return n < 2 ? one : "a pair ({\"first\",\"second\"} or [a,b]) of numbers";
}

static int tm__diff_integers(tm__diff_ctx* c, const tm__jnode* obj, const char* field, int n,
                             int64_t out[2])
{
    const tm__jnode* v = tm__jnode_member(obj, field);
    out[0] = out[1] = 0;
    for(int k = 0; k < n; ++k)
        if(!tm__jnode_i64(tm__diff_element(v, n, k), &out[k]))
            return tm__diff_expected(c, field, v, tm__diff_shape(n, "an integer"));
    return TIMEMORY_OK;
}

static int tm__diff_doubles(tm__diff_ctx* c, const tm__jnode* obj, const char* field, int n,
                            double out[2])
{
    const tm__jnode* v = tm__jnode_member(obj, field);
    out[0] = out[1] = 0.0;
    for(int k = 0; k < n; ++k)
        if(!tm__jnode_double(tm__diff_element(v, n, k), &out[k]) || !isfinite(out[k]))
            return tm__diff_expected(c, field, v, tm__diff_shape(n, "a number"));
    return TIMEMORY_OK;
}

static int tm__diff_display_count(int comp)
{
    const tm__component_row* row = &tm__components[comp];
    return (row->labels[0] && row->labels[1]) ? 2 : 1;
}

/* The undecorated label: the prefix after ">>> " and the "|_" of nested entries. */
static const char* tm__diff_label_of(const char* prefix)
{
    const char* p = strstr(prefix, ">>> ");
    if(!p) return prefix;
    p += 4;
    while(*p == ' ') ++p;
    if(p[0] == '|' && p[1] == '_') p += 2;
    return p;
}

/* One graph entry into e (prefix owned by e on success). */
static int tm__diff_entry(tm__diff_ctx* c, int comp, const tm__jnode* g, tm__entry* e)
{
    const tm__component_row* row = &tm__components[comp];
    int                      nv  = row->nvalues < 1 ? 1 : (row->nvalues > 2 ? 2 : row->nvalues);
    int                      k   = tm__diff_display_count(comp);
    if(g->kind != TM_JSON_OBJECT) return tm__diff_expected(c, "", g, "an object");

    const tm__jnode* v = tm__jnode_member(g, "hash");
    if(!tm__jnode_u64(v, &e->hash))
        return tm__diff_expected(c, "hash", v, "an unsigned 64-bit integer");
    v = tm__jnode_member(g, "rolling_hash");
    if(!tm__jnode_u64(v, &e->rolling_hash))
        return tm__diff_expected(c, "rolling_hash", v, "an unsigned 64-bit integer");
    v = tm__jnode_member(g, "depth");
    int64_t depth;
    if(!tm__jnode_i64(v, &depth)) return tm__diff_expected(c, "depth", v, "an integer");
    if(depth < 0 || depth > 1000000)
        return tm__diff_reject(c, "depth", "%lld is not a depth", (long long)depth);
    e->depth = (int)depth;
    v        = tm__jnode_member(g, "prefix");
    if(!v || v->kind != TM_JSON_STRING) return tm__diff_expected(c, "prefix", v, "a string");
    if(strlen(v->u.string.text) != v->u.string.len)
        return tm__diff_reject(c, "prefix", "contains a NUL character");

    const tm__jnode* entry = tm__jnode_member(g, "entry");
    if(!entry || entry->kind != TM_JSON_OBJECT)
        return tm__diff_expected(c, "entry", entry, "an object");
    v = tm__jnode_member(entry, "laps");
    if(!tm__jnode_u64(v, &e->laps))
        return tm__diff_expected(c, "entry.laps", v, "an unsigned integer");
    size_t mark = strlen(c->where);
    snprintf(c->where + mark, sizeof(c->where) - mark, ".entry");
    int rc = tm__diff_integers(c, entry, "value", nv, e->accum);
    if(rc != TIMEMORY_OK) return rc;
    c->where[mark] = '\0';

    const tm__jnode* stats = tm__jnode_member(g, "stats");
    if(!stats || stats->kind != TM_JSON_OBJECT)
        return tm__diff_expected(c, "stats", stats, "an object");
    if(!(row->flags & TIMEMORY_CFLAG_NO_STATS))
    {
        double sum[2], sqr[2], mn[2], mx[2];
        snprintf(c->where + mark, sizeof(c->where) - mark, ".stats");
        if((rc = tm__diff_doubles(c, stats, "sum", k, sum)) != TIMEMORY_OK ||
           (rc = tm__diff_doubles(c, stats, "sqr", k, sqr)) != TIMEMORY_OK ||
           (rc = tm__diff_doubles(c, stats, "min", k, mn)) != TIMEMORY_OK ||
           (rc = tm__diff_doubles(c, stats, "max", k, mx)) != TIMEMORY_OK)
            return rc;
        v = tm__jnode_member(stats, "count");
        if(!tm__jnode_u64(v, &e->stats.count))
            return tm__diff_expected(c, "count", v, "an unsigned integer");
        c->where[mark] = '\0';

        /* statistics are in the display units of the run that wrote them: repr_data against
         * the raw value tells those units, so a change of timing_units between the runs
         * still subtracts like from like */
        double       written[2], now[2] = { 0.0, 0.0 };
        tm__diff_ctx quiet = { NULL, 0, "" }; /* repr_data is optional */
        bool have_repr = tm__diff_doubles(&quiet, entry, "repr_data", k, written) == TIMEMORY_OK;
        tm__get(comp, e->accum, now);
        for(int i = 0; i < k; ++i)
        {
            double ratio = 1.0;
            if(have_repr && now[i] != 0.0 && written[i] != 0.0)
            {
                ratio = written[i] / now[i];
                if(!isfinite(ratio) || ratio <= 0.0 || fabs(ratio - 1.0) < 1e-9) ratio = 1.0;
            }
            double f        = tm__display_factor(comp, i) * ratio;
            e->stats.sum[i] = sum[i] / f;
            e->stats.sqr[i] = sqr[i] / (f * f);
            e->stats.min[i] = mn[i] / f;
            e->stats.max[i] = mx[i] / f;
        }
    }
    e->prefix = tm__strdup(tm__jnode_member(g, "prefix")->u.string.text);
    if(!e->prefix) return tm__diff_reject(c, "prefix", "out of memory");
    e->label = tm__diff_label_of(e->prefix);
    e->tid   = 0;
    return TIMEMORY_OK;
}

static void tm__diff_component_key(int comp, char* key, size_t len)
{
    const char* name = tm__components[comp].enum_name ? tm__components[comp].enum_name : "";
    size_t      i    = 0;
    for(; name[i] && i + 1 < len; ++i) key[i] = (char)tolower((unsigned char)name[i]);
    key[i] = '\0';
}

int tm__diff_load(const tm__jnode* root, int comp, tm__result* prev, char* why, size_t len)
{
    if(why && len) why[0] = '\0';
    if(!prev || !tm__comp_valid(comp)) return TIMEMORY_EINVAL;
    memset(prev, 0, sizeof(*prev));
    prev->comp     = comp;
    tm__diff_ctx c = { why, len, "" };
    char         key[128];
    tm__diff_component_key(comp, key, sizeof(key));

    const tm__jnode* top = tm__jnode_member(root, "timemory");
    if(!top || top->kind != TM_JSON_OBJECT)
        return tm__diff_reject(&c, NULL,
                               "not a timemory output (no \"timemory\" object at the "
                               "top level)");
    snprintf(c.where, sizeof(c.where), "timemory");
    const tm__jnode* data = tm__jnode_member(top, key);
    if(!data)
    {
        char held[96] = "";
        for(const tm__jnode* m = top->u.items.first; m; m = m->next)
        {
            size_t used = strlen(held);
            snprintf(held + used, sizeof(held) - used, "%s%.40s", used ? ", " : "", m->key);
        }
        return tm__diff_reject(&c, NULL, "holds no %s data (%s%s)", key,
                               *held ? "it holds: " : "it is empty", held);
    }
    if(data->kind != TM_JSON_OBJECT) return tm__diff_expected(&c, key, data, "an object");
    snprintf(c.where, sizeof(c.where), "timemory.%s", key);

    int64_t threads = 0;
    if(!tm__jnode_i64(tm__jnode_member(data, "thread_count"), &threads))
        tm__jnode_i64(tm__jnode_member(data, "concurrency"), &threads);
    prev->thread_count = threads > 0 && threads < INT32_MAX ? (int)threads : 0;

    const tm__jnode* ranks = tm__jnode_member(data, "ranks");
    if(!ranks || ranks->kind != TM_JSON_ARRAY)
    {
        if(tm__jnode_member(data, "graph") || tm__jnode_member(data, "mpi"))
            return tm__diff_reject(&c, NULL,
                                   "is the hierarchical (tree) layout; the difference "
                                   "reads the flat layout (%s.json)",
                                   tm__components[comp].label);
        return tm__diff_expected(&c, "ranks", ranks, "an array");
    }
    if(ranks->u.items.count == 0) return TIMEMORY_OK; /* no entries */

    const tm__jnode* rank = ranks->u.items.first;
    snprintf(c.where, sizeof(c.where), "timemory.%s.ranks[0]", key);
    if(rank->kind != TM_JSON_OBJECT) return tm__diff_expected(&c, "", rank, "an object");
    const tm__jnode* graph = tm__jnode_member(rank, "graph");
    if(!graph || graph->kind != TM_JSON_ARRAY)
        return tm__diff_expected(&c, "graph", graph, "an array");
    uint64_t declared = 0;
    if(tm__jnode_member(rank, "graph_size") &&
       (!tm__jnode_u64(tm__jnode_member(rank, "graph_size"), &declared) ||
        declared != graph->u.items.count))
        return tm__diff_reject(&c, "graph_size", "does not match the %zu entries of the graph",
                               graph->u.items.count);
    if(graph->u.items.count == 0) return TIMEMORY_OK;

    prev->entries = calloc(graph->u.items.count, sizeof(tm__entry));
    if(!prev->entries) return tm__diff_reject(&c, NULL, "out of memory");
    size_t i = 0;
    for(const tm__jnode* g = graph->u.items.first; g; g = g->next, ++i)
    {
        snprintf(c.where, sizeof(c.where), "timemory.%s.ranks[0].graph[%zu]", key, i);
        int rc = tm__diff_entry(&c, comp, g, &prev->entries[i]);
        if(rc != TIMEMORY_OK)
        {
            free(prev->entries[i].prefix);
            prev->entries[i].prefix = NULL;
            tm__result_free(prev);
            prev->comp = comp;
            return rc;
        }
        prev->nentries = i + 1;
    }
    return TIMEMORY_OK;
}

/* ---- subtraction ---------------------------------------------------------------------------- */

static bool tm__diff_same(const tm__entry* a, const tm__entry* b)
{
    return a->depth == b->depth && a->hash == b->hash && a->rolling_hash == b->rolling_hash &&
           a->prefix && b->prefix && strcmp(a->prefix, b->prefix) == 0;
}

/* The current entries by (depth, hash, rolling_hash, prefix): an open-addressing table of
 * positions + 1 holding the first entry of each key, so that matching is linear. */
typedef struct tm__diff_index {
    size_t* slots;
    size_t  mask;
} tm__diff_index;

size_t tm__diff_probes; /* entry comparisons made while matching (a test checks: linear) */

static size_t tm__diff_slot(const tm__entry* e, size_t mask)
{
    uint64_t h = e->hash ^ (e->rolling_hash * 0x9e3779b97f4a7c15ull) ^ (uint64_t)(int64_t)e->depth;
    /* the prefix too: entries of one key hash may differ only there */
    for(const unsigned char* p = (const unsigned char*)(e->prefix ? e->prefix : ""); *p; ++p)
        h = (h ^ *p) * 0x100000001b3ull;
    h ^= h >> 31;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 29;
    return (size_t)h & mask;
}

static bool tm__diff_index_build(tm__diff_index* x, const tm__result* current)
{
    size_t cap = 16;
    while(cap < 2 * current->nentries + 2) cap *= 2;
    x->slots = calloc(cap, sizeof(size_t));
    x->mask  = cap - 1;
    if(!x->slots) return false;
    for(size_t j = 0; j < current->nentries; ++j)
    {
        const tm__entry* e = &current->entries[j];
        size_t           k = tm__diff_slot(e, x->mask);
        while(x->slots[k] && !tm__diff_same(&current->entries[x->slots[k] - 1], e))
            k = (k + 1) & x->mask;
        if(!x->slots[k]) x->slots[k] = j + 1; /* a repeated key keeps its first entry */
    }
    return true;
}

static const tm__entry* tm__diff_index_find(const tm__diff_index* x, const tm__result* current,
                                            const tm__entry* old)
{
    for(size_t k = tm__diff_slot(old, x->mask); x->slots[k]; k = (k + 1) & x->mask)
        if(++tm__diff_probes, tm__diff_same(old, &current->entries[x->slots[k] - 1]))
            return &current->entries[x->slots[k] - 1];
    return NULL;
}

static char* tm__diff_banner(const tm__result* current, const tm__result* prev,
                             const char* input_name)
{
    tm__buf b;
    tm__buf_init(&b);
    for(const char* p = tm__components[current->comp].description; p && *p; ++p)
        tm__buf_putc(&b, (char)toupper((unsigned char)*p));
    tm__buf_printf(&b, " vs. %s", input_name ? input_name : "");
    if(prev->thread_count > 0 && current->thread_count != prev->thread_count)
    {
        int delta = current->thread_count - prev->thread_count;
        tm__buf_printf(&b, " with %d %s thread%s", abs(delta), delta > 0 ? "more" : "fewer",
                       abs(delta) == 1 ? "" : "s");
    }
    return tm__buf_take(&b);
}

int tm__diff_compute(const tm__result* current, const tm__result* prev, const char* input_name,
                     tm__result* out)
{
    if(!current || !prev || !out || !tm__comp_valid(current->comp)) return TIMEMORY_EINVAL;
    memset(out, 0, sizeof(*out));
    int                      comp  = current->comp;
    const tm__component_row* row   = &tm__components[comp];
    int                      nv    = row->nvalues > 2 ? 2 : row->nvalues;
    int                      k     = tm__diff_display_count(comp);
    bool                     stats = !(row->flags & TIMEMORY_CFLAG_NO_STATS);
    out->comp                      = comp;
    out->pid                       = current->pid;
    out->thread_count              = current->thread_count;
    out->root.label                = tm__strdup("unknown-hash=0");
    out->banner                    = tm__diff_banner(current, prev, input_name);
    if(prev->nentries > 0) out->entries = calloc(prev->nentries, sizeof(tm__entry));
    tm__diff_index index = { NULL, 0 };
    if(!out->root.label || !out->banner || (prev->nentries > 0 && !out->entries) ||
       !tm__diff_index_build(&index, current))
    {
        tm__result_free(out);
        return TIMEMORY_ENOMEM;
    }
    for(size_t i = 0; i < prev->nentries; ++i)
    {
        const tm__entry* old = &prev->entries[i];
        const tm__entry* now = tm__diff_index_find(&index, current, old);
        if(!now) continue; /* unmatched entries are dropped */
        tm__entry* d = &out->entries[out->nentries];
        *d           = *now; /* laps stay those of this run */
        d->prefix    = tm__strdup(now->prefix);
        if(!d->prefix)
        {
            free(index.slots);
            tm__result_free(out);
            return TIMEMORY_ENOMEM;
        }
        /* the label is the tail of the prefix in result.c's entries: keep the same tail */
        uintptr_t start = (uintptr_t)now->prefix, at = (uintptr_t)now->label;
        bool      tail = now->label && at >= start && at <= start + strlen(now->prefix);
        d->label       = tail ? d->prefix + (at - start) : tm__diff_label_of(d->prefix);
        ++out->nentries;
        for(int v = 0; v < nv; ++v) d->accum[v] = now->accum[v] - old->accum[v];
        if(!stats) continue;
        for(int v = 0; v < k; ++v)
        {
            d->stats.sum[v] = now->stats.sum[v] - old->stats.sum[v];
            d->stats.sqr[v] = now->stats.sqr[v] - old->stats.sqr[v];
            if(old->stats.count == 0) continue;
            if(now->stats.count == 0 || old->stats.min[v] < d->stats.min[v])
                d->stats.min[v] = old->stats.min[v];
            if(now->stats.count == 0 || old->stats.max[v] > d->stats.max[v])
                d->stats.max[v] = old->stats.max[v];
        }
    }
    free(index.slots);
    return TIMEMORY_OK;
}

/* ---- the step at output --------------------------------------------------------------------- */

static bool tm__diff_ends_with(const char* s, const char* tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && strcmp(s + n - m, tail) == 0;
}

int tm__diff_build(const tm__result* current, tm__result* out)
{
    if(!current || !out || !tm__comp_valid(current->comp)) return TIMEMORY_EINVAL;
    memset(out, 0, sizeof(*out));
    const char* label = tm__components[current->comp].label;
    char*       candidates[16];
    int         n     = tm__diff_input_candidates(label, candidates, 16);
    int         found = -1;
    for(int i = 0; i < n && found < 0; ++i)
    {
        printf("Checking for existing input at %s...\n", candidates[i]);
        struct stat st;
        if(stat(candidates[i], &st) == 0 && !S_ISDIR(st.st_mode)) found = i;
    }
    fflush(stdout);
    int rc = TIMEMORY_ENOTFOUND;
    if(found < 0)
    {
        tm__buf names;
        tm__buf_init(&names);
        for(int i = 0; i < n; ++i) tm__buf_printf(&names, "%s'%s'", i ? " or " : "", candidates[i]);
        tm__warn("no difference output for '%s': no previous output at %s", label,
                 names.data ? names.data : "(no input file name)");
        tm__buf_free(&names);
    }
    else if(tm__diff_ends_with(candidates[found], ".xml"))
        tm__warn("[%s] cannot compare with '%s': only JSON input is read, not XML", label,
                 candidates[found]);
    else
    {
        const char* path = candidates[found];
        printf("[%s]|0> Reading '%s'...\n", label, path);
        fflush(stdout);
        tm__json_error err;
        tm__jtree*     tree = tm__jtree_read_file(path, NULL, &err);
        char           why[512];
        if(!tree && err.code == TIMEMORY_EIO && strncmp(err.message, "cannot open", 11) == 0)
        {
            fprintf(stderr, "[%s]|0> Failure opening '%s' for input... (%s)\n", label, path,
                    err.message + (strncmp(err.message, "cannot open it: ", 16) == 0 ? 16 : 0));
            fflush(stderr);
        }
        else if(!tree)
            tm__warn("[%s] cannot compare with '%s': %s; no difference written", label, path,
                     err.message);
        else
        {
            tm__result prev;
            int        loaded =
                tm__diff_load(tm__jtree_root(tree), current->comp, &prev, why, sizeof(why));
            if(loaded != TIMEMORY_OK)
                tm__warn("[%s] cannot compare with '%s': %s; no difference written", label, path,
                         why);
            else
            {
                rc = tm__diff_compute(current, &prev, path, out);
                if(rc != TIMEMORY_OK)
                    tm__warn("[%s] cannot compare with '%s': %s", label, path,
                             timemory_strerror(rc));
                tm__result_free(&prev);
            }
        }
        tm__jtree_free(tree);
    }
    for(int i = 0; i < n; ++i) free(candidates[i]);
    if(rc != TIMEMORY_OK)
    {
        memset(out, 0, sizeof(*out));
        return TIMEMORY_ENOTFOUND;
    }
    return TIMEMORY_OK;
}
