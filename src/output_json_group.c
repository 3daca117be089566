/* output_json_group.c -- the JSON of a group written as one component (result_group.c:
 * papi_vector, one member per event): each value is an array of the members' values in order
 * (OUTPUT.md §3: vectors as JSON arrays), raw values integers in base units, repr_data in
 * display units, repr_display a formatted string, statistics per element; the flat layout's
 * "ranks" and the tree layout's "graph" (this process's merged tree, OUTPUT.md §4). */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* one member's values at an entry or a tree node */
typedef struct tm__gcell {
    int              comp;
    const int64_t*   accum;
    const tm__stats* stats;
} tm__gcell;

enum { TM_G_VALUE, TM_G_REPR, TM_G_SUM, TM_G_MIN, TM_G_MAX, TM_G_SQR, TM_G_MEAN, TM_G_SDEV };

static double tm__gcell_value(const tm__gcell* c, int what, bool* integer)
{
    double f    = tm__display_factor(c->comp, 0);
    double n    = (double)c->stats->count;
    double sum  = c->stats->sum[0] * f;
    double sqr  = c->stats->sqr[0] * f * f;
    double v[2] = { 0.0, 0.0 };
    *integer    = (tm__components[c->comp].flags & TIMEMORY_CFLAG_INTEGER) != 0;
    switch(what)
    {
    case TM_G_VALUE:
        return (double)c->accum[0];
    case TM_G_REPR:
        tm__get(c->comp, c->accum, v);
        return v[0];
    case TM_G_SUM:
        return sum;
    case TM_G_MIN:
        return c->stats->min[0] * f;
    case TM_G_MAX:
        return c->stats->max[0] * f;
    case TM_G_SQR:
        return sqr;
    case TM_G_MEAN:
        *integer = false;
        return n > 0 ? sum / n : 0.0;
    default:
        *integer = false;
        return n >= 2 ? sqrt(fabs((sqr - sum * sum / n) / (n - 1.0))) : 0.0;
    }
}

static void tm__put_garray(tm__buf* b, const tm__gcell* cells, int k, int what)
{
    tm__buf_putc(b, '[');
    for(int m = 0; m < k; ++m)
    {
        bool   integer = false;
        double v       = tm__gcell_value(&cells[m], what, &integer);
        if(m > 0) tm__buf_putc(b, ',');
        if(what == TM_G_VALUE)
            tm__buf_printf(b, "%lld", (long long)cells[m].accum[0]);
        else if(integer)
            tm__buf_printf(b, "%lld", isfinite(v) ? (long long)llround(v) : 0LL);
        else
            tm__buf_json_double(b, v);
    }
    tm__buf_putc(b, ']');
}

/* {"laps":..,"value":[..],"accum":[..],"repr_data":[..],"repr_display":"a, b"},"stats":{..} */
static void tm__put_gentry(tm__buf* b, const tm__gcell* cells, int k, uint64_t laps, bool versioned)
{
    static const char* const keys[] = { "sum", "min", "max", "sqr", "mean", "stddev" };
    static const int what[] = { TM_G_SUM, TM_G_MIN, TM_G_MAX, TM_G_SQR, TM_G_MEAN, TM_G_SDEV };
    tm__buf_printf(b, "{%s\"laps\":%llu,\"value\":", versioned ? "\"cereal_class_version\":0," : "",
                   (unsigned long long)laps);
    tm__put_garray(b, cells, k, TM_G_VALUE);
    tm__buf_puts(b, ",\"accum\":");
    tm__put_garray(b, cells, k, TM_G_VALUE);
    tm__buf_puts(b, ",\"repr_data\":");
    tm__put_garray(b, cells, k, TM_G_REPR);
    tm__buf_puts(b, ",\"repr_display\":");
    tm__buf text;
    tm__buf_init(&text);
    for(int m = 0; m < k; ++m)
    {
        int  width = 8, precision = 3;
        bool scientific = false, integer = false;
        tm__format(cells[m].comp, &width, &precision, &scientific);
        double v = tm__gcell_value(&cells[m], TM_G_REPR, &integer);
        if(m > 0) tm__buf_puts(&text, ", ");
        if(integer)
            tm__buf_printf(&text, "%*lld", width, isfinite(v) ? (long long)llround(v) : 0LL);
        else
            tm__buf_printf(&text, scientific ? "%*.*e" : "%*.*f", width,
                           precision < 0 ? 0 : precision, v);
    }
    tm__buf_json_string(b, text.data ? text.data : "");
    tm__buf_free(&text);
    tm__buf_printf(b, "},\"stats\":{%s", versioned ? "\"cereal_class_version\":0," : "");
    for(int s = 0; s < 6; ++s)
    {
        if(s == 1) tm__buf_printf(b, ",\"count\":%llu", (unsigned long long)cells[0].stats->count);
        tm__buf_printf(b, "%s\"%s\":", s == 0 ? "" : ",", keys[s]);
        tm__put_garray(b, cells, k, what[s]);
    }
    tm__buf_putc(b, '}');
}

void tm__write_json_group_ranks(tm__buf* b, const tm__result* r)
{
    if(r->nentries == 0) return; /* ranks with no entries are omitted */
    tm__gcell cells[TIMEMORY_COMPONENT_RUNTIME_MAX];
    int       k = r->ngroup;
    memset(cells, 0, sizeof(cells));
    tm__buf_printf(b, "{\"rank\":0,\"graph_size\":%zu,\"graph\":[", r->nentries);
    for(size_t j = 0; j < r->nentries; ++j)
    {
        const tm__entry* e = &r->entries[j];
        for(int m = 0; m < k; ++m)
        {
            const tm__entry* me = &r->members[m].entries[j];
            cells[m]            = (tm__gcell){ r->members[m].comp, me->accum, &me->stats };
        }
        if(j > 0) tm__buf_putc(b, ',');
        tm__buf_printf(b, "{\"hash\":%llu,\"prefix\":", (unsigned long long)e->hash);
        tm__buf_json_string(b, e->prefix ? e->prefix : "");
        tm__buf_printf(b, ",\"depth\":%d,\"entry\":", e->depth);
        tm__put_gentry(b, cells, k, e->laps, j == 0);
        tm__buf_printf(b, ",\"rolling_hash\":%llu}", (unsigned long long)e->rolling_hash);
    }
    tm__buf_puts(b, "]}");
}

/* ---- the tree layout ---------------------------------------------------------------------- */

/* node n of member 0 and the same node of the others (nodes[0..k)) */
static void tm__put_gnode(tm__buf* b, const tm__result* r, const tm__rnode* const* nodes,
                          bool versioned)
{
    const tm__rnode* n = nodes[0];
    int              k = r->ngroup;
    tm__buf_printf(b, "{%s\"node\":{\"hash\":%llu,\"prefix\":",
                   versioned ? "\"cereal_class_version\":0," : "", (unsigned long long)n->id);
    tm__buf_json_string(b, n->label ? n->label : "");
    tm__buf_puts(b, ",\"tid\":[");
    const int* tids = tm__rnode_tids(n);
    for(int i = 0; i < n->ntids; ++i) tm__buf_printf(b, "%s%d", i ? "," : "", tids[i]);
    tm__buf_puts(b, "],\"pid\":[");
    const long* pids = tm__rnode_pids(n);
    if(n->npids == 0) tm__buf_printf(b, "%ld", r->pid);
    for(int i = 0; i < n->npids; ++i) tm__buf_printf(b, "%s%ld", i ? "," : "", pids[i]);
    tm__buf_printf(b, "],\"depth\":%d,\"is_dummy\":%s,\"inclusive\":{\"entry\":", n->depth,
                   n->is_dummy ? "true" : "false");
    tm__gcell cells[TIMEMORY_COMPONENT_RUNTIME_MAX];
    int64_t   excl[TIMEMORY_COMPONENT_RUNTIME_MAX][2];
    tm__stats excl_stats[TIMEMORY_COMPONENT_RUNTIME_MAX];
    memset(cells, 0, sizeof(cells));
    for(int m = 0; m < k; ++m)
        cells[m] = (tm__gcell){ r->members[m].comp, nodes[m]->accum, &nodes[m]->stats };
    tm__put_gentry(b, cells, k, n->laps, versioned);
    tm__buf_puts(b, "},\"exclusive\":{\"entry\":");
    for(int m = 0; m < k; ++m)
    {
        tm__rnode_exclusive(r->members[m].comp, nodes[m], excl[m], &excl_stats[m]);
        cells[m] = (tm__gcell){ r->members[m].comp, excl[m], &excl_stats[m] };
    }
    tm__put_gentry(b, cells, k, n->laps, false);
    tm__buf_puts(b, "}},\"children\":[");
}

/* the trees of the members have one shape (one set pushed them all): walked side by side,
 * without recursion */
bool tm__group_trees_aligned(const tm__rnode* a, const tm__rnode* b)
{
    typedef struct tm__pair {
        const tm__rnode* a;
        const tm__rnode* b;
    } tm__pair;
    size_t    cap = 64, n = 0;
    tm__pair* stack = malloc(cap * sizeof(*stack));
    bool      same  = stack != NULL;
    if(same) stack[n++] = (tm__pair){ a, b };
    while(same && n > 0)
    {
        tm__pair p = stack[--n];
        if(p.a->nchildren != p.b->nchildren || p.a->id != p.b->id)
        {
            same = false;
            break;
        }
        for(size_t i = 0; i < p.a->nchildren; ++i)
        {
            if(n == cap)
            {
                tm__pair* grown = realloc(stack, 2 * cap * sizeof(*stack));
                if(!grown)
                {
                    same = false;
                    break;
                }
                stack = grown;
                cap *= 2;
            }
            stack[n++] = (tm__pair){ &p.a->children[i], &p.b->children[i] };
        }
    }
    free(stack);
    return same;
}

void tm__write_json_group_tree(tm__buf* b, const tm__result* r)
{
    /* this process's merged tree, depth first with a stack of k node pointers a level */
    int               k   = r->ngroup;
    size_t            cap = 64, depth = 0;
    const tm__rnode** nodes = malloc(cap * (size_t)k * sizeof(*nodes));
    size_t*           next  = malloc(cap * sizeof(*next));
    if(!nodes || !next)
    {
        free(nodes);
        free(next);
        b->failed = true;
        return;
    }
    tm__buf_puts(b, ",\"graph\":[[");
    for(int m = 0; m < k; ++m) nodes[m] = &r->members[m].root;
    next[0] = 0;
    depth   = 1;
    tm__put_gnode(b, r, nodes, true);
    while(depth > 0 && !b->failed)
    {
        const tm__rnode** level = nodes + (depth - 1) * (size_t)k;
        if(next[depth - 1] == level[0]->nchildren)
        {
            tm__buf_puts(b, "]}");
            --depth;
            continue;
        }
        size_t c = next[depth - 1]++;
        if(c > 0) tm__buf_putc(b, ',');
        if(depth == cap)
        {
            const tm__rnode** grown_nodes = realloc(nodes, 2 * cap * (size_t)k * sizeof(*nodes));
            if(grown_nodes) nodes = grown_nodes;
            size_t* grown_next = grown_nodes ? realloc(next, 2 * cap * sizeof(*next)) : NULL;
            if(!grown_next)
            {
                b->failed = true;
                break;
            }
            next = grown_next;
            cap *= 2;
            level = nodes + (depth - 1) * (size_t)k;
        }
        const tm__rnode** child = nodes + depth * (size_t)k;
        for(int m = 0; m < k; ++m) child[m] = &level[m]->children[c];
        next[depth++] = 0;
        tm__put_gnode(b, r, child, false);
    }
    tm__buf_puts(b, "]]}");
    free(nodes);
    free(next);
}
