/* output_json.c -- the JSON documents of merged results: flat layout (OUTPUT.md §3), tree
 * layout (§4, what hatchet reads), Chrome trace-event flamegraph (§5) and the per-component
 * metadata keys both layouts share. Owns serialization only; values come from result.c and
 * components.c. Raw values are written as integers, display values as shortest round-trip
 * doubles; "cereal_class_version" marks the first object of each C++ type the original had.
 */
#include "internal.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The original's statistics<T> types: one cereal_class_version for each per document. */
enum tm__stats_kind { STATS_DOUBLE, STATS_INTEGER, STATS_PAIR, STATS_ARRAY, STATS_KINDS };

typedef struct tm__json_doc {
    bool stats_versioned[STATS_KINDS];
} tm__json_doc;

static const tm__component_row* tm__row(int comp)
{
    return &tm__components[comp];
}

static bool tm__is_integer(int comp)
{
    return (tm__row(comp)->flags & TIMEMORY_CFLAG_INTEGER) != 0;
}

/* written_bytes/written_char hold std::array values (JSON arrays); other two-valued
 * components hold std::pair values ({"first","second"}). */
static bool tm__is_array_valued(int comp)
{
    const char* name = tm__row(comp)->name;
    return name && (strcmp(name, "written_bytes") == 0 || strcmp(name, "written_char") == 0);
}

static int tm__display_count(int comp)
{
    const tm__component_row* row = tm__row(comp);
    return (row->labels[0] && row->labels[1]) ? 2 : 1;
}

static enum tm__stats_kind tm__stats_kind_of(int comp)
{
    if(tm__display_count(comp) == 2) return tm__is_array_valued(comp) ? STATS_ARRAY : STATS_PAIR;
    return tm__is_integer(comp) ? STATS_INTEGER : STATS_DOUBLE;
}

static void tm__put_key(tm__buf* b, const char* key)
{
    tm__buf_json_string(b, key);
    tm__buf_putc(b, ':');
}

/* A number that is integral prints as an integer (unit_value 1, 1000000). */
static void tm__put_plain_number(tm__buf* b, double v)
{
    if(isfinite(v) && v == floor(v) && fabs(v) < 9.0e15)
        tm__buf_printf(b, "%.0f", v);
    else
        tm__buf_json_double(b, v);
}

/* Per-entry text is written straight into room reserved in the buffer (tm__buf_space): no
 * printf, and a number is formatted once when it appears twice. */
#define TM_LIT(p, s)  (memcpy((p), (s), sizeof(s) - 1), (p) + (sizeof(s) - 1))
#define TM_VALUES_MAX (2 * TM_JSON_DOUBLE_MAX + 24) /* tm__w_values */
#define TM_RAW_MAX    64                            /* tm__w_raw */

static char* tm__w_number(char* p, double v, bool integer)
{
    if(integer) return tm__fmt_i64(p, isfinite(v) ? (int64_t)llround(v) : 0);
    return tm__fmt_json_double(p, v);
}

/* one or two values: scalar, {"first","second"} or [a,b] */
static char* tm__w_values(char* p, int comp, const double v[2], int k, bool integer)
{
    if(k < 2) return tm__w_number(p, v[0], integer);
    bool array = tm__is_array_valued(comp);
    p          = array ? TM_LIT(p, "[") : TM_LIT(p, "{\"first\":");
    p          = tm__w_number(p, v[0], integer);
    p          = array ? TM_LIT(p, ",") : TM_LIT(p, ",\"second\":");
    p          = tm__w_number(p, v[1], integer);
    *p++       = array ? ']' : '}';
    return p;
}

static void tm__put_values(tm__buf* b, int comp, const double v[2], int k, bool integer)
{
    char* p = tm__buf_space(b, TM_VALUES_MAX);
    if(p) tm__buf_commit(b, tm__w_values(p, comp, v, k, integer));
}

static char* tm__w_raw(char* p, int comp, const int64_t raw[2])
{
    if(tm__row(comp)->nvalues < 2) return tm__fmt_i64(p, raw[0]);
    bool array = tm__is_array_valued(comp);
    p          = array ? TM_LIT(p, "[") : TM_LIT(p, "{\"first\":");
    p          = tm__fmt_i64(p, raw[0]);
    p          = array ? TM_LIT(p, ",") : TM_LIT(p, ",\"second\":");
    p          = tm__fmt_i64(p, raw[1]);
    *p++       = array ? ']' : '}';
    return p;
}

/* repr_display of multi-valued components: "   5.116 MB,    5.116 MB" (scalars show the
 * value itself, as repr_data) */
static void tm__put_repr_display(tm__buf* b, int comp, const double v[2], int k)
{
    int  width = 8, precision = 3;
    bool scientific = false;
    tm__format(comp, &width, &precision, &scientific);
    if(precision < 0) precision = 0;
    tm__buf text;
    tm__buf_init(&text);
    for(int i = 0; i < k; ++i)
    {
        if(i > 0) tm__buf_puts(&text, ", ");
        double x = isfinite(v[i]) ? v[i] : 0.0;
        if(tm__is_integer(comp))
            tm__buf_printf(&text, "%*lld", width, (long long)x);
        else if(precision > 40) /* longer than the cell below */
            tm__buf_printf(&text, scientific ? "%*.*e" : "%*.*f", width, precision, x);
        else
        {
            char   cell[400]; /* %f of the largest double: 309 digits */
            size_t n = tm__format_fixed(cell, sizeof(cell), x, precision, scientific, false);
            for(size_t pad = n; pad < (size_t)(width > 0 ? width : 0); ++pad)
                tm__buf_putc(&text, ' ');
            tm__buf_append(&text, cell, n);
        }
        const char* unit = timemory_component_display_unit(comp, i);
        if(unit && *unit)
        {
            tm__buf_putc(&text, ' ');
            tm__buf_puts(&text, unit);
        }
    }
    if(text.failed) b->failed = true;
    tm__buf_json_string(b, text.data ? text.data : "");
    tm__buf_free(&text);
}

/* {"laps","value","accum","repr_data","repr_display"} of one accumulated value */
static void tm__put_component(tm__buf* b, int comp, uint64_t laps, const int64_t raw[2],
                              bool versioned)
{
    double v[2] = { 0.0, 0.0 };
    tm__get(comp, raw, v);
    int   k = tm__display_count(comp);
    char* p = tm__buf_space(b, 128 + 2 * TM_RAW_MAX + 2 * TM_VALUES_MAX);
    if(!p) return;
    *p++ = '{';
    if(versioned) p = TM_LIT(p, "\"cereal_class_version\":0,");
    p           = TM_LIT(p, "\"laps\":");
    p           = tm__fmt_u64(p, laps);
    p           = TM_LIT(p, ",\"value\":");
    char* first = p;
    p           = tm__w_raw(p, comp, raw);
    size_t len  = (size_t)(p - first);
    p           = TM_LIT(p, ",\"accum\":");
    memcpy(p, first, len);
    p += len;
    p     = TM_LIT(p, ",\"repr_data\":");
    first = p;
    p     = tm__w_values(p, comp, v, k, tm__is_integer(comp));
    len   = (size_t)(p - first);
    p     = TM_LIT(p, ",\"repr_display\":");
    if(k < 2)
    {
        memcpy(p, first, len);
        p += len;
    }
    else
    {
        tm__buf_commit(b, p);
        tm__put_repr_display(b, comp, v, k);
        if(!(p = tm__buf_space(b, 1))) return;
    }
    *p++ = '}';
    tm__buf_commit(b, p);
}

/* Statistics of the per-pop get() samples: base-unit sums converted per element. */
static void tm__put_stats(tm__buf* b, tm__json_doc* doc, int comp, const tm__stats* s,
                          bool allow_version)
{
    if(tm__row(comp)->flags & TIMEMORY_CFLAG_NO_STATS)
    {
        tm__buf_puts(b, "{\"sum\":{},\"count\":0,\"min\":{},\"max\":{},\"sqr\":{},\"mean\":{},"
                        "\"stddev\":{}}");
        return;
    }
    int    k      = tm__display_count(comp);
    double n      = (double)s->count;
    double sum[2] = { 0 }, sqr[2] = { 0 }, mn[2] = { 0 }, mx[2] = { 0 }, mean[2] = { 0 },
           sdev[2] = { 0 };
    for(int i = 0; i < k; ++i)
    {
        double f = tm__display_factor(comp, i);
        sum[i]   = s->sum[i] * f;
        sqr[i]   = s->sqr[i] * f * f;
        mn[i]    = s->min[i] * f;
        mx[i]    = s->max[i] * f;
        mean[i]  = n > 0 ? sum[i] / n : 0.0;
        sdev[i]  = n >= 2 ? sqrt(fabs((sqr[i] - sum[i] * sum[i] / n) / (n - 1.0))) : 0.0;
    }
    bool                integer = tm__is_integer(comp);
    enum tm__stats_kind kind    = tm__stats_kind_of(comp);
    char*               p       = tm__buf_space(b, 128 + 6 * TM_VALUES_MAX);
    if(!p) return;
    *p++ = '{';
    if(allow_version && !doc->stats_versioned[kind])
    {
        doc->stats_versioned[kind] = true;
        p                          = TM_LIT(p, "\"cereal_class_version\":0,");
    }
    p    = TM_LIT(p, "\"sum\":");
    p    = tm__w_values(p, comp, sum, k, integer);
    p    = TM_LIT(p, ",\"count\":");
    p    = tm__fmt_u64(p, s->count);
    p    = TM_LIT(p, ",\"min\":");
    p    = tm__w_values(p, comp, mn, k, integer);
    p    = TM_LIT(p, ",\"max\":");
    p    = tm__w_values(p, comp, mx, k, integer);
    p    = TM_LIT(p, ",\"sqr\":");
    p    = tm__w_values(p, comp, sqr, k, integer);
    p    = TM_LIT(p, ",\"mean\":");
    p    = tm__w_values(p, comp, mean, k, false);
    p    = TM_LIT(p, ",\"stddev\":");
    p    = tm__w_values(p, comp, sdev, k, false);
    *p++ = '}';
    tm__buf_commit(b, p);
}

static int tm__compare_strings(const void* a, const void* b)
{
    return strcmp(*(const char* const*)a, *(const char* const*)b);
}

/* "ids": the primary id and every alias, sorted, without duplicates */
static void tm__put_ids(tm__buf* b, const tm__component_row* row)
{
    char*       copy = tm__strdup(row->ids ? row->ids : "");
    const char* ids[32];
    size_t      n = 0;
    ids[n++]      = row->name;
    for(char* tok = copy ? strtok(copy, ", ") : NULL; tok && n < 32; tok = strtok(NULL, ", "))
        ids[n++] = tok;
    qsort(ids, n, sizeof(ids[0]), tm__compare_strings);
    tm__buf_putc(b, '[');
    for(size_t i = 0; i < n; ++i)
    {
        if(i > 0 && strcmp(ids[i], ids[i - 1]) == 0) continue;
        if(i > 0) tm__buf_putc(b, ',');
        tm__buf_json_string(b, ids[i]);
    }
    tm__buf_putc(b, ']');
    free(copy);
}

static void tm__put_component_key(tm__buf* b, int comp)
{
    char        key[128];
    const char* name = tm__row(comp)->enum_name ? tm__row(comp)->enum_name : "";
    size_t      i    = 0;
    for(; name[i] && i + 1 < sizeof(key); ++i) key[i] = (char)tolower((unsigned char)name[i]);
    key[i] = '\0';
    tm__put_key(b, key);
}

void tm__write_json_metadata(tm__buf* b, const tm__result* r)
{
    const tm__component_row* row = tm__row(r->comp);
    int                      k   = tm__display_count(r->comp);
    tm__buf_printf(b, "\"properties\":{\"cereal_class_version\":0,\"value\":%d,\"enum\":", row->id);
    tm__buf_json_string(b, row->enum_name);
    tm__buf_puts(b, ",\"id\":");
    tm__buf_json_string(b, row->name);
    tm__buf_puts(b, ",\"ids\":");
    tm__put_ids(b, row);
    tm__buf_puts(b, "},\"type\":");
    if(r->ngroup > 0)
    {
        /* a group (result_group.c): one element per member, in order */
        const char* parts[3] = { "[", ",\"description\":", ",\"unit_value\":[" };
        for(int what = 0; what < 3; ++what)
        {
            tm__buf_puts(b, parts[what]);
            if(what == 1)
            {
                tm__buf_json_string(b, row->description);
                continue;
            }
            for(int m = 0; m < r->ngroup; ++m)
            {
                const tm__component_row* mr = tm__row(r->members[m].comp);
                if(m > 0) tm__buf_putc(b, ',');
                if(what == 0)
                    tm__buf_json_string(b, mr->label);
                else
                    tm__put_plain_number(b, mr->unit[0]);
            }
            tm__buf_putc(b, ']');
        }
        tm__buf_puts(b, ",\"unit_repr\":[");
        for(int m = 0; m < r->ngroup; ++m)
        {
            if(m > 0) tm__buf_putc(b, ',');
            tm__buf_json_string(b, tm__row(r->members[m].comp)->repr[0]);
        }
        tm__buf_putc(b, ']');
    }
    else if(k == 2)
    {
        tm__buf_putc(b, '[');
        tm__buf_json_string(b, row->labels[0]);
        tm__buf_putc(b, ',');
        tm__buf_json_string(b, row->labels[1]);
        tm__buf_putc(b, ']');
    }
    else
        tm__buf_json_string(b, row->label);
    if(r->ngroup == 0)
    {
        tm__buf_puts(b, ",\"description\":");
        tm__buf_json_string(b, row->description);
        tm__buf_puts(b, ",\"unit_value\":");
    }
    if(r->ngroup > 0)
        ;
    else if(k == 2 && tm__is_array_valued(r->comp))
    {
        tm__buf_putc(b, '[');
        tm__put_plain_number(b, row->unit[0]);
        tm__buf_putc(b, ',');
        tm__put_plain_number(b, row->unit[1]);
        tm__buf_putc(b, ']');
    }
    else if(k == 2)
    {
        tm__buf_puts(b, "{\"first\":");
        tm__put_plain_number(b, row->unit[0]);
        tm__buf_puts(b, ",\"second\":");
        tm__put_plain_number(b, row->unit[1]);
        tm__buf_putc(b, '}');
    }
    else
        tm__put_plain_number(b, row->unit[0]);
    if(r->ngroup == 0) tm__buf_puts(b, ",\"unit_repr\":");
    if(r->ngroup > 0)
        ;
    else if(k == 2)
    {
        tm__buf_putc(b, '[');
        tm__buf_json_string(b, row->repr[0]);
        tm__buf_putc(b, ',');
        tm__buf_json_string(b, row->repr[1]);
        tm__buf_putc(b, ']');
    }
    else
        tm__buf_json_string(b, row->repr[0]);
    int ranks = r->mpi_size > 0 ? r->mpi_size : 1; /* MPI: every rank gathered (ranks.c) */
    tm__buf_printf(b,
                   ",\"thread_scope_only\":false,\"thread_count\":%d,\"mpi_size\":%d,"
                   "\"upcxx_size\":1,\"process_count\":%d,\"num_ranks\":%d,\"concurrency\":%d",
                   r->thread_count, ranks, ranks, ranks, r->thread_count);
}

static bool tm__result_ok(const tm__result* r)
{
    return r && tm__comp_valid(r->comp);
}

/* An entry's value over the ranks merged into it (docs/outputs.md): display units. */
static void tm__put_rank_stats(tm__buf* b, int comp, const tm__rank_stat* rs)
{
    int    k            = tm__display_count(comp);
    bool   integer      = tm__is_integer(comp);
    double imbalance[2] = { tm__rank_imbalance(rs, 0), tm__rank_imbalance(rs, 1) };
    tm__buf_printf(b, ",\"rank_stats\":{\"ranks\":%d,\"min\":", rs->nranks);
    tm__put_values(b, comp, rs->min, k, integer);
    tm__buf_puts(b, ",\"mean\":");
    tm__put_values(b, comp, rs->mean, k, false);
    tm__buf_puts(b, ",\"max\":");
    tm__put_values(b, comp, rs->max, k, integer);
    tm__buf_puts(b, ",\"imbalance\":");
    tm__put_values(b, comp, imbalance, k, false);
    tm__buf_printf(b, ",\"min_rank\":%d,\"max_rank\":%d}", rs->min_rank, rs->max_rank);
}

static void tm__put_flat_entry(tm__buf* b, tm__json_doc* doc, int comp, const tm__entry* e,
                               bool first, const tm__rank_stat* rs)
{
    size_t len = e->prefix ? strlen(e->prefix) : 0;
    char*  p   = len < SIZE_MAX / 8 ? tm__buf_space(b, 64 + 6 * len) : NULL;
    if(!p) return;
    p = TM_LIT(p, "{\"hash\":");
    p = tm__fmt_u64(p, e->hash);
    p = TM_LIT(p, ",\"prefix\":");
    p = tm__fmt_json_string(p, e->prefix);
    p = TM_LIT(p, ",\"depth\":");
    p = tm__fmt_i64(p, e->depth);
    p = TM_LIT(p, ",\"entry\":");
    tm__buf_commit(b, p);
    tm__put_component(b, comp, e->laps, e->accum, first);
    tm__buf_puts(b, ",\"stats\":");
    tm__put_stats(b, doc, comp, &e->stats, true);
    if(rs) tm__put_rank_stats(b, comp, rs);
    if(!(p = tm__buf_space(b, 40))) return;
    p    = TM_LIT(p, ",\"rolling_hash\":");
    p    = tm__fmt_u64(p, e->rolling_hash);
    *p++ = '}';
    tm__buf_commit(b, p);
}

void tm__write_json_flat(tm__buf* b, const tm__result* const* r, size_t n)
{
    tm__json_doc doc;
    memset(&doc, 0, sizeof(doc));
    tm__buf_puts(b, "{\"timemory\":{");
    bool first_comp = true;
    for(size_t i = 0; i < n; ++i)
    {
        if(!tm__result_ok(r[i])) continue;
        const tm__result* res = r[i];
        if(!first_comp) tm__buf_putc(b, ',');
        first_comp = false;
        tm__put_component_key(b, res->comp);
        tm__buf_putc(b, '{');
        tm__write_json_metadata(b, res);
        tm__buf_puts(b, ",\"ranks\":[");
        if(res->ngroup > 0)
        {
            tm__write_json_group_ranks(b, res);
            tm__buf_puts(b, "]}");
            continue;
        }
        /* one element per rank or node group with MPI (ranks.c), else this process */
        tm__result_part one;
        memset(&one, 0, sizeof(one));
        one.count     = res->nentries;
        size_t nparts = res->nparts ? res->nparts : 1;
        bool   first  = true;
        for(size_t p = 0; p < nparts; ++p)
        {
            const tm__result_part* part = res->nparts ? &res->parts[p] : &one;
            if(part->count == 0) continue; /* ranks with no entries are omitted */
            tm__buf_printf(b, "%s{\"rank\":%d,\"graph_size\":%zu,\"graph\":[", first ? "" : ",",
                           part->rank, part->count);
            for(size_t j = part->first; j < part->first + part->count; ++j)
            {
                if(j > part->first) tm__buf_putc(b, ',');
                tm__put_flat_entry(b, &doc, res->comp, &res->entries[j], first && j == part->first,
                                   res->rank_stats ? &res->rank_stats[j] : NULL);
            }
            tm__buf_puts(b, "]}");
            first = false;
        }
        tm__buf_puts(b, "]}");
    }
    tm__buf_puts(b, "}}\n");
}

/* A node of the tree up to its list of children: {"node":{...},"children":[ */
static void tm__put_tree_node(tm__buf* b, tm__json_doc* doc, const tm__result* r,
                              const tm__rnode* n, bool versioned)
{
    size_t len = n->label ? strlen(n->label) : 0;
    char*  p   = len < SIZE_MAX / 8 ? tm__buf_space(b, 80 + 6 * len) : NULL;
    if(!p) return;
    *p++ = '{';
    if(versioned) p = TM_LIT(p, "\"cereal_class_version\":0,");
    p = TM_LIT(p, "\"node\":{\"hash\":");
    p = tm__fmt_u64(p, n->id);
    p = TM_LIT(p, ",\"prefix\":");
    p = tm__fmt_json_string(p, n->label);
    p = TM_LIT(p, ",\"tid\":[");
    tm__buf_commit(b, p);
    const int*  tids = tm__rnode_tids(n);
    const long* pids = tm__rnode_pids(n);
    for(int i = 0; i < n->ntids; ++i)
    {
        if(i > 0) tm__buf_putc(b, ',');
        tm__buf_i64(b, tids[i]);
    }
    tm__buf_puts(b, "],\"pid\":[");
    if(n->npids == 0) tm__buf_i64(b, r->pid); /* this process's own nodes */
    for(int i = 0; i < n->npids; ++i)
    {
        if(i > 0) tm__buf_putc(b, ',');
        tm__buf_i64(b, pids[i]);
    }
    if(!(p = tm__buf_space(b, 80))) return;
    p = TM_LIT(p, "],\"depth\":");
    p = tm__fmt_i64(p, n->depth);
    p = n->is_dummy ? TM_LIT(p, ",\"is_dummy\":true") : TM_LIT(p, ",\"is_dummy\":false");
    p = TM_LIT(p, ",\"inclusive\":{\"entry\":");
    tm__buf_commit(b, p);
    size_t inclusive = tm__buf_hold(b);
    tm__put_component(b, r->comp, n->laps, n->accum, false);
    tm__buf_puts(b, ",\"stats\":");
    tm__put_stats(b, doc, r->comp, &n->stats, false);
    size_t inclusive_end = b->flushed + b->len;

    int64_t   excl[2] = { 0, 0 };
    tm__stats excl_stats;
    memset(&excl_stats, 0, sizeof(excl_stats));
    tm__rnode_exclusive(r->comp, n, excl, &excl_stats);
    tm__buf_puts(b, "},\"exclusive\":{\"entry\":");
    if(excl[0] == n->accum[0] && excl[1] == n->accum[1] &&
       memcmp(&excl_stats, &n->stats, sizeof(excl_stats)) == 0 && !b->failed)
    {
        /* a leaf (most nodes): the same values, the same text */
        size_t len = inclusive_end - inclusive;
        if((p = tm__buf_space(b, len)) != NULL)
        {
            memcpy(p, tm__buf_held(b, inclusive), len);
            tm__buf_commit(b, p + len);
        }
        tm__buf_release(b);
    }
    else
    {
        tm__buf_release(b);
        tm__put_component(b, r->comp, n->laps, excl, false);
        tm__buf_puts(b, ",\"stats\":");
        tm__put_stats(b, doc, r->comp, &excl_stats, false);
    }
    tm__buf_puts(b, "}},\"children\":[");
}

/* The tree under n, depth first without recursion: a graph may be as deep as max_depth. */
static void tm__put_tree(tm__buf* b, tm__json_doc* doc, const tm__result* r, const tm__rnode* n,
                         bool versioned)
{
    typedef struct tm__tree_frame {
        const tm__rnode* node;
        size_t           next; /* the child to write next */
    } tm__tree_frame;
    size_t          cap = 64, depth = 0;
    tm__tree_frame* stack = malloc(cap * sizeof(*stack));
    if(!stack)
    {
        b->failed = true;
        return;
    }
    tm__put_tree_node(b, doc, r, n, versioned);
    stack[depth++] = (tm__tree_frame){ n, 0 };
    while(depth > 0 && !b->failed)
    {
        tm__tree_frame* top = &stack[depth - 1];
        if(top->next == top->node->nchildren)
        {
            tm__buf_puts(b, "]}");
            --depth;
            continue;
        }
        const tm__rnode* child = &top->node->children[top->next];
        if(top->next++ > 0) tm__buf_putc(b, ',');
        if(depth == cap)
        {
            tm__tree_frame* grown = realloc(stack, 2 * cap * sizeof(*stack));
            if(!grown)
            {
                b->failed = true;
                break;
            }
            stack = grown;
            cap *= 2;
        }
        tm__put_tree_node(b, doc, r, child, false);
        stack[depth++] = (tm__tree_frame){ child, 0 };
    }
    free(stack);
}

/* Element p's tree (a rank, a node group, or this process) and its per-thread trees. */
static size_t tm__element_trees(const tm__result* r, size_t p, const tm__rnode** trees)
{
    const tm__rnode* tree    = r->nparts ? r->parts[p].tree : &r->root;
    const tm__rnode* threads = r->nparts ? &r->parts[p].threads : &r->threads;
    return tm__thread_trees(tree, threads, trees);
}

/* Thread 0's bookmark of the first top-level node (is_dummy, zero values): hatchet's reader
 * gives every node a thread-0 row (zeros) only when thread 0 appears somewhere, and its
 * tree() shows thread 0; our readers skip bookmarks. */
static void tm__put_bookmark(tm__buf* b, tm__json_doc* doc, const tm__result* r,
                             const tm__rnode* first)
{
    tm__rnode mark, root;
    memset(&mark, 0, sizeof(mark));
    memset(&root, 0, sizeof(root));
    mark.id             = first->id;
    mark.key            = first->key;
    mark.label          = first->label;
    mark.label_borrowed = true;
    mark.depth          = 1;
    mark.is_dummy       = true;
    mark.ntids          = 1; /* tid_one 0 */
    root.label          = "unknown-hash=0";
    root.label_borrowed = true;
    root.ntids          = 1;
    root.children       = &mark;
    root.nchildren      = 1;
    tm__put_tree(b, doc, r, &root, true);
}

/* The roots: no distributed-memory backend and thread 0 alone with data: "graph", one rank,
 * one placeholder root, as always. With MPI "mpi", one list of roots per rank or node group
 * (ranks.c); with threads "mpi" too, the way hatchet reads threads: per rank (or for the one
 * process) one root per thread id, whatever collapse_threads says (docs/outputs.md), then
 * "collapse_threads" (the view the run showed) and "distributed" (whether "mpi" lists ranks)
 * say so to readers. */
static void tm__put_tree_elements(tm__buf* b, tm__json_doc* doc, const tm__result* r)
{
    size_t           nparts = r->nparts ? r->nparts : 1;
    const tm__rnode* trees;
    bool             apart = false;
    for(size_t p = 0; p < nparts; ++p) apart = apart || tm__element_trees(r, p, &trees) > 1;
    size_t first = tm__element_trees(r, 0, &trees);
    bool   mark  = first > 0 && tm__thread_tree_tid(&trees[0]) != 0 && trees[0].nchildren > 0;
    if(apart || mark)
        tm__buf_printf(b, ",\"collapse_threads\":%s,\"distributed\":%s",
                       tm__settings.collapse_threads ? "true" : "false",
                       r->nparts ? "true" : "false");
    tm__buf_puts(b, r->nparts || apart || mark ? ",\"mpi\":[" : ",\"graph\":[");
    for(size_t p = 0; p < nparts; ++p)
    {
        size_t ntrees = tm__element_trees(r, p, &trees);
        if(ntrees == 0) ntrees = 1; /* an element without entries: its empty root */
        tm__buf_puts(b, p > 0 ? ",[" : "[");
        if(p == 0 && mark)
        {
            tm__put_bookmark(b, doc, r, &trees[0].children[0]);
            tm__buf_putc(b, ',');
        }
        for(size_t t = 0; t < ntrees; ++t)
        {
            if(t > 0) tm__buf_putc(b, ',');
            tm__put_tree(b, doc, r, &trees[t], p == 0 && t == 0 && !mark);
        }
        tm__buf_putc(b, ']');
    }
    tm__buf_puts(b, "]}");
}

void tm__write_json_tree(tm__buf* b, const tm__result* const* r, size_t n)
{
    tm__json_doc doc;
    memset(&doc, 0, sizeof(doc));
    tm__buf_puts(b, "{\"timemory\":{");
    bool first_comp = true;
    for(size_t i = 0; i < n; ++i)
    {
        if(!tm__result_ok(r[i])) continue;
        if(!first_comp) tm__buf_putc(b, ',');
        first_comp = false;
        tm__put_component_key(b, r[i]->comp);
        tm__buf_putc(b, '{');
        tm__write_json_metadata(b, r[i]);
        if(r[i]->ngroup > 0)
            tm__write_json_group_tree(b, r[i]); /* output_json_group.c */
        else
            tm__put_tree_elements(b, &doc, r[i]);
    }
    tm__buf_puts(b, "}}\n");
}

/* An entry's name without the table's decoration: its label, or the prefix without the
 * thread/rank part, ">>> ", the indentation and "|_" (the original kept " foo" at depth 0). */
static const char* tm__flame_name(const tm__entry* e)
{
    if(e->label) return e->label;
    if(!e->prefix) return "";
    const char* s      = e->prefix;
    const char* arrows = strstr(s, ">>>");
    if(arrows) s = arrows + 3;
    while(*s == ' ') ++s;
    if(s[0] == '|' && s[1] == '_') s += 2;
    return s;
}

void tm__write_flamegraph(tm__buf* b, const tm__result* r)
{
    if(!tm__result_ok(r)) return;
    int max_depth = 0;
    for(size_t i = 0; i < r->nentries; ++i)
        if(r->entries[i].depth > max_depth) max_depth = r->entries[i].depth;
    size_t  levels = (size_t)max_depth + 1;
    double* next   = calloc(levels, sizeof(double));
    double* last   = calloc(levels, sizeof(double));
    bool*   has    = calloc(levels, sizeof(bool));
    if(!next || !last || !has)
    {
        b->failed = true;
        free(next);
        free(last);
        free(has);
        return;
    }
    tm__buf_puts(b, "{\"traceEvents\":[");
    /* threads not collapsed: each thread's entries on its own tid, laid out from 0 there;
     * otherwise one merged tree on tid 0 */
    bool    per_thread = !tm__settings.collapse_threads && r->nparts == 0 && r->thread_count > 1;
    int     lane       = 0;
    double* lane_end   = NULL; /* where each tid's next top-level box starts (tid 0 also holds
                                  the sections of child processes, after its own) */
    size_t nlanes = 0;
    /* levels from `reached` down all hold has = false, next = pending: a sibling resets the
     * levels below it in one step, and the work stays linear however deep the graph is */
    size_t reached = 0;
    double pending = 0.0;
    for(size_t i = 0; i < r->nentries && !b->failed; ++i)
    {
        const tm__entry* e   = &r->entries[i];
        size_t           d   = e->depth < 0 ? 0 : (size_t)e->depth;
        int              tid = per_thread && e->tid > 0 ? e->tid : 0;
        if(tid != lane)
        {
            size_t want = (size_t)(tid > lane ? tid : lane) + 1;
            if(want > nlanes)
            {
                double* grown = realloc(lane_end, want * sizeof(double));
                if(!grown)
                {
                    b->failed = true;
                    break;
                }
                memset(grown + nlanes, 0, (want - nlanes) * sizeof(double));
                lane_end = grown;
                nlanes   = want;
            }
            /* the end of the lane's last top-level box, where it goes on when it comes back */
            lane_end[lane] = reached == 0 ? pending : has[0] ? next[0] + last[0] : next[0];
            lane           = tid;
            reached        = 0;
            pending        = lane_end[lane];
        }
        for(; reached <= d; ++reached)
        {
            next[reached] = pending;
            has[reached]  = false;
        }
        /* siblings are laid end to end; children start where their parent starts */
        if(has[d])
        {
            next[d] += last[d];
            has[d]  = false;
            reached = d + 1;
            pending = next[d];
        }
        /* durations in microseconds: the flamegraph components count nanoseconds */
        double      dur  = (double)e->accum[0] / 1000.0;
        const char* name = tm__flame_name(e);
        size_t      len  = strlen(name);
        char*       p    = len < SIZE_MAX / 8 ? tm__buf_space(b, 128 + 6 * len) : NULL;
        if(!p) break;
        if(i > 0) *p++ = ',';
        p    = TM_LIT(p, "{\"dur\":");
        p    = tm__fmt_json_double(p, dur);
        p    = TM_LIT(p, ",\"name\":");
        p    = tm__fmt_json_string(p, name);
        p    = TM_LIT(p, ",\"ph\":\"X\",\"pid\":");
        p    = tm__fmt_i64(p, r->pid);
        p    = TM_LIT(p, ",\"tid\":");
        p    = tm__fmt_i64(p, tid);
        p    = TM_LIT(p, ",\"ts\":");
        p    = tm__fmt_json_double(p, next[d]);
        *p++ = '}';
        tm__buf_commit(b, p);
        last[d] = dur;
        has[d]  = true;
    }
    tm__buf_puts(b, "]}\n");
    free(next);
    free(last);
    free(has);
    free(lane_end);
}
