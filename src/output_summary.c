/* output_summary.c -- what a person reads on stdout after a run: whether a component's whole
 * table is printed (cout_mode, cout_max_rows) or a summary that fits the terminal, and that
 * summary -- the heaviest functions by self and by inclusive value, the call tree pruned below
 * a threshold of the total (as pyinstrument prunes it), where the files went. It reads the
 * merged tree of a result (every thread and rank) and never changes it; the files keep
 * everything. Widths count characters (UTF-8 code points); a label too long for its room is
 * cut in the middle, never wrapped.
 */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define TM_SUMMARY_MIN_WIDTH 40
#define TM_SUMMARY_MAX_WIDTH 4096

/* ------------------------------------------------------------------------------------------ */
/* the choice                                                                                 */

int tm__summary_width(void)
{
    long w = tm__settings.summary_width;
    if(w <= 0)
    {
        const char* env = getenv("COLUMNS");
        char*       end = NULL;
        long        c   = env && *env ? strtol(env, &end, 10) : 0;
        if(c > 0 && end && !*end)
            w = c;
        else
        {
            struct winsize ws;
            if(isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
                w = ws.ws_col;
            else
                w = 80;
        }
    }
    if(w < TM_SUMMARY_MIN_WIDTH) w = TM_SUMMARY_MIN_WIDTH;
    if(w > TM_SUMMARY_MAX_WIDTH) w = TM_SUMMARY_MAX_WIDTH;
    return (int)w;
}

/* Rows of r's text table (output_text.c): an entry within max_depth is one row per display
 * value, one for a region that never completed. Counting stops past limit. */
static size_t tm__table_rows(const tm__result* r, size_t limit)
{
    const tm__component_row* row  = &tm__components[r->comp];
    size_t                   k    = (row->labels[0] && row->labels[1]) ? 2 : 1;
    size_t                   rows = 0;
    long long                maxd = (long long)tm__settings.max_depth;
    for(size_t i = 0; i < r->nentries && rows <= limit; ++i)
    {
        const tm__entry* e = &r->entries[i];
        if(e->depth < 0 || (long long)e->depth > maxd) continue;
        rows += e->laps == 0 ? 1 : k;
    }
    return rows;
}

bool tm__cout_whole_table(const tm__result* r)
{
    char* mode = tm__settings_string_copy("cout_mode");
    bool  full = mode && strcmp(mode, "full") == 0;
    bool  summ = mode && strcmp(mode, "summary") == 0;
    free(mode);
    if(full) return true;
    if(summ) return false;
    size_t limit = (size_t)(tm__settings.cout_max_rows < 0 ? 0 : tm__settings.cout_max_rows);
    return tm__table_rows(r, limit) <= limit;
}

static void tm__pad_left(tm__buf* b, const char* text, size_t width)
{
    for(size_t n = strlen(text); n < width; ++n) tm__buf_putc(b, ' ');
    tm__buf_puts(b, text);
}

/* ------------------------------------------------------------------------------------------ */
/* values                                                                                     */

typedef struct tm__sum_ctx {
    const tm__result* r;
    int               comp;
    bool              additive; /* self = inclusive - children, % of a total */
    bool              timing;
    double            total; /* of the top-level entries */
    int               width;
    int               precision;
    bool              scientific;
    bool              integer;
    const char*       unit;
} tm__sum_ctx;

static double tm__node_value(int comp, const tm__rnode* n)
{
    double v[2] = { 0.0, 0.0 };
    tm__get(comp, n->accum, v);
    return isfinite(v[0]) ? v[0] : 0.0;
}

/* "1.655 sec" */
static void tm__value_text(const tm__sum_ctx* c, double v, char* out, size_t cap)
{
    size_t n;
    if(c->integer)
    {
        n      = (size_t)(tm__fmt_i64(out, (int64_t)llround(v)) - out);
        out[n] = '\0';
    }
    else
        n = tm__format_fixed(out, cap, v, c->precision, c->scientific, false);
    if(c->unit && *c->unit && n + 2 + strlen(c->unit) < cap)
        snprintf(out + n, cap - n, " %s", c->unit);
}

/* "32.6" of the total, "-" when there is no total */
static void tm__percent_text(const tm__sum_ctx* c, double v, char* out, size_t cap)
{
    if(c->total > 0.0)
        tm__format_fixed(out, cap, 100.0 * v / c->total, 1, false, false);
    else
        snprintf(out, cap, "-");
}

/* ------------------------------------------------------------------------------------------ */
/* the functions: every node of a key summed                                                  */

typedef struct tm__func {
    uint64_t    key;
    const char* label;
    uint64_t    laps;
    double      self;
    double      incl; /* outermost calls only: a recursion is not counted twice */
    uint32_t    open; /* calls of it on the path being walked */
} tm__func;

typedef struct tm__funcs {
    tm__func* items;
    size_t    n, cap;
    uint32_t* index; /* open addressing: position + 1, 0 = empty */
    size_t    mask;
    bool      failed;
} tm__funcs;

static uint64_t tm__mix(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return k;
}

static bool tm__funcs_grow_index(tm__funcs* f)
{
    size_t    cap   = f->index ? (f->mask + 1) * 2 : 1024;
    uint32_t* index = calloc(cap, sizeof(uint32_t));
    if(!index) return false;
    for(size_t i = 0; i < f->n; ++i)
    {
        size_t h = (size_t)tm__mix(f->items[i].key) & (cap - 1);
        while(index[h]) h = (h + 1) & (cap - 1);
        index[h] = (uint32_t)(i + 1);
    }
    free(f->index);
    f->index = index;
    f->mask  = cap - 1;
    return true;
}

/* The function of n's key (added when new), or NULL when out of memory. */
static tm__func* tm__funcs_get(tm__funcs* f, const tm__rnode* n)
{
    if(f->failed) return NULL;
    if((!f->index || (f->n + 1) * 2 > f->mask + 1) && !tm__funcs_grow_index(f))
    {
        f->failed = true;
        return NULL;
    }
    size_t h = (size_t)tm__mix(n->key) & f->mask;
    for(; f->index[h]; h = (h + 1) & f->mask)
    {
        tm__func* it = &f->items[f->index[h] - 1];
        if(it->key == n->key) return it;
    }
    if(f->n == f->cap)
    {
        size_t    cap   = f->cap ? f->cap * 2 : 256;
        tm__func* items = cap < UINT32_MAX ? realloc(f->items, cap * sizeof(tm__func)) : NULL;
        if(!items)
        {
            f->failed = true;
            return NULL;
        }
        f->items = items;
        f->cap   = cap;
    }
    tm__func* it = &f->items[f->n];
    memset(it, 0, sizeof(*it));
    it->key     = n->key;
    it->label   = n->label ? n->label : "";
    f->index[h] = (uint32_t)(++f->n);
    return it;
}

typedef struct tm__walk_frame {
    const tm__rnode* n;
    size_t           next;
    size_t           func;  /* 1 + n's function (its open count is undone on leaving), 0: root */
    double           value; /* n's */
    double           kids;  /* the sum of its children's */
} tm__walk_frame;

/* One walk over the tree: every function's laps, self and outermost inclusive values (each
 * node's value read once: a child adds it to its parent's sum of children). */
static bool tm__collect_funcs(const tm__sum_ctx* c, tm__funcs* f)
{
    size_t          cap = 64, top = 0;
    tm__walk_frame* stack = malloc(cap * sizeof(*stack));
    if(!stack) return false;
    stack[top++] = (tm__walk_frame){ &c->r->root, 0, 0, 0.0, 0.0 };
    while(top > 0 && !f->failed)
    {
        tm__walk_frame* fr = &stack[top - 1];
        if(fr->next == fr->n->nchildren)
        {
            if(fr->func)
            {
                tm__func* fn = &f->items[fr->func - 1];
                fn->open--;
                fn->self += fr->value > fr->kids ? fr->value - fr->kids : 0.0;
            }
            --top;
            continue;
        }
        const tm__rnode* n = &fr->n->children[fr->next++];
        if(fr->next + 8 < fr->n->nchildren && f->index) /* siblings' slots: fetched ahead */
            __builtin_prefetch(&f->index[tm__mix(fr->n->children[fr->next + 8].key) & f->mask]);
        double    v  = tm__node_value(c->comp, n);
        tm__func* fn = tm__funcs_get(f, n);
        if(!fn) break;
        fr->kids += v;
        fn->laps += n->laps;
        if(fn->open++ == 0) fn->incl += v;
        if(top == cap)
        {
            tm__walk_frame* more = realloc(stack, 2 * cap * sizeof(*stack));
            if(!more)
            {
                f->failed = true;
                break;
            }
            stack = more;
            cap *= 2;
        }
        stack[top++] = (tm__walk_frame){ n, 0, (size_t)(fn - f->items) + 1, v, 0.0 };
    }
    free(stack);
    return !f->failed;
}

/* ------------------------------------------------------------------------------------------ */
/* top lists                                                                                  */

typedef struct tm__top_item {
    const char* label;
    uint64_t    laps;
    double      value;
} tm__top_item;

/* Keeps the k largest by value (ties: label order), largest first. */
static void tm__top_offer(tm__top_item* top, size_t* n, size_t k, tm__top_item it)
{
    size_t at = *n;
    while(at > 0 && (it.value > top[at - 1].value ||
                     (it.value == top[at - 1].value && strcmp(it.label, top[at - 1].label) < 0)))
        --at;
    if(at >= k) return;
    size_t last = *n < k ? *n : k - 1;
    memmove(&top[at + 1], &top[at], (last - at) * sizeof(*top));
    top[at] = it;
    if(*n < k) ++*n;
}

static void tm__line_end(tm__buf* b, size_t start)
{
    while(b->len > start && b->data[b->len - 1] == ' ') --b->len;
    tm__buf_putc(b, '\n');
}

/* A titled list: label, count, value, % of the total (additive components). */
static void tm__put_top(tm__buf* b, const tm__sum_ctx* c, const char* title, const char* column,
                        const tm__top_item* items, size_t n)
{
    char   text[3][96];
    size_t cw = strlen("count"), vw = strlen(column), pw = c->additive ? strlen("% total") : 0;
    size_t lw = 0;
    for(size_t i = 0; i < n; ++i)
    {
        tm__fmt_u64(text[0], items[i].laps)[0] = '\0';
        tm__value_text(c, items[i].value, text[1], sizeof(text[1]));
        tm__percent_text(c, items[i].value, text[2], sizeof(text[2]));
        if(strlen(text[0]) > cw) cw = strlen(text[0]);
        if(strlen(text[1]) > vw) vw = strlen(text[1]);
        if(c->additive && strlen(text[2]) > pw) pw = strlen(text[2]);
        size_t cols = tm__text_columns(items[i].label);
        if(cols > lw) lw = cols;
    }
    long room =
        (long)c->width - 2 - (long)(2 + cw) - (long)(2 + vw) - (c->additive ? (long)(2 + pw) : 0);
    if(room < 8) room = 8;
    if((long)lw > room) lw = (size_t)room;
    /* the title over the labels, or on a line of its own when they leave it no room */
    size_t title_cols = tm__text_columns(title);
    if(lw + 2 < title_cols && title_cols <= (size_t)room + 2) lw = title_cols - 2;
    size_t start = b->len;
    if(lw + 2 < title_cols)
    {
        tm__buf_fit(b, title, (size_t)c->width, false);
        tm__line_end(b, start);
        start = b->len;
        tm__buf_fit(b, "", lw + 2, true);
    }
    else
        tm__buf_fit(b, title, lw + 2, true);
    tm__buf_puts(b, "  ");
    tm__pad_left(b, "count", cw);
    tm__buf_puts(b, "  ");
    tm__pad_left(b, column, vw);
    if(c->additive)
    {
        tm__buf_puts(b, "  ");
        tm__pad_left(b, "% total", pw);
    }
    tm__line_end(b, start);
    for(size_t i = 0; i < n; ++i)
    {
        start                                  = b->len;
        tm__fmt_u64(text[0], items[i].laps)[0] = '\0';
        tm__value_text(c, items[i].value, text[1], sizeof(text[1]));
        tm__percent_text(c, items[i].value, text[2], sizeof(text[2]));
        tm__buf_puts(b, "  ");
        tm__buf_fit(b, items[i].label, lw, true);
        tm__buf_puts(b, "  ");
        tm__pad_left(b, text[0], cw);
        tm__buf_puts(b, "  ");
        tm__pad_left(b, text[1], vw);
        if(c->additive)
        {
            tm__buf_puts(b, "  ");
            tm__pad_left(b, text[2], pw);
        }
        tm__line_end(b, start);
    }
}

/* The k heaviest functions by self and by inclusive value. */
static bool tm__put_tops(tm__buf* b, const tm__sum_ctx* c, size_t k)
{
    tm__funcs f;
    memset(&f, 0, sizeof(f));
    tm__top_item* self = calloc(k, sizeof(*self));
    tm__top_item* incl = calloc(k, sizeof(*incl));
    bool          ok   = self && incl && tm__collect_funcs(c, &f);
    size_t        ns = 0, ni = 0;
    for(size_t i = 0; ok && i < f.n; ++i)
    {
        const tm__func* fn = &f.items[i];
        tm__top_offer(self, &ns, k, (tm__top_item){ fn->label, fn->laps, fn->self });
        tm__top_offer(incl, &ni, k, (tm__top_item){ fn->label, fn->laps, fn->incl });
    }
    if(ok)
    {
        char        title[128];
        const char* what = c->timing ? "time" : tm__components[c->comp].label;
        snprintf(title, sizeof(title), "Top %zu by self %s", ns, what);
        tm__put_top(b, c, title, "self", self, ns);
        tm__buf_putc(b, '\n');
        snprintf(title, sizeof(title), "Top %zu by inclusive %s", ni, what);
        tm__put_top(b, c, title, "inclusive", incl, ni);
    }
    free(self), free(incl), free(f.items), free(f.index);
    return ok;
}

/* Components whose values do not add up along the tree (a maximum, a percentage, a count of
 * laps): the k largest entries by value. */
static bool tm__put_top_entries(tm__buf* b, const tm__sum_ctx* c, size_t k)
{
    tm__top_item* top = calloc(k, sizeof(*top));
    if(!top) return false;
    size_t            n = 0, cap = 64, depth = 0;
    const tm__rnode** stack = malloc(cap * sizeof(*stack));
    if(!stack)
    {
        free(top);
        return false;
    }
    stack[depth++] = &c->r->root;
    while(depth > 0)
    {
        const tm__rnode* p = stack[--depth];
        for(size_t i = 0; i < p->nchildren; ++i)
        {
            const tm__rnode* ch = &p->children[i];
            tm__top_offer(top, &n, k,
                          (tm__top_item){ ch->label ? ch->label : "", ch->laps,
                                          tm__node_value(c->comp, ch) });
            if(ch->nchildren == 0) continue;
            if(depth == cap)
            {
                const tm__rnode** more = realloc(stack, 2 * cap * sizeof(*stack));
                if(!more) break;
                stack = more;
                cap *= 2;
            }
            stack[depth++] = ch;
        }
    }
    free(stack);
    char title[128];
    snprintf(title, sizeof(title), "Top %zu entries by %s", n, tm__components[c->comp].label);
    tm__put_top(b, c, title, tm__components[c->comp].label, top, n);
    free(top);
    return true;
}

/* ------------------------------------------------------------------------------------------ */
/* the pruned call tree                                                                       */

typedef struct tm__shown {
    const char* label;
    size_t      idx;
    double      value;
} tm__shown;

typedef struct tm__tree_frame {
    const tm__rnode* n;
    int              depth; /* n's: the placeholder root 0 */
    tm__shown*       kids;  /* children at or above the threshold, heaviest first */
    size_t           nkids, next;
    size_t           hidden; /* children below it, and their sum */
    double           hidden_sum;
} tm__tree_frame;

typedef struct tm__tree_ctx {
    const tm__sum_ctx* c;
    double             threshold; /* absolute */
    size_t             vw, pw;    /* value and percent columns */
    size_t             lines, max_lines, more;
    bool               sort; /* false once no more lines are printed: only counted */
} tm__tree_ctx;

/* heaviest first; ties in label order, then in the order of the children */
static int tm__cmp_shown(const void* a, const void* b)
{
    const tm__shown* x = a;
    const tm__shown* y = b;
    if(x->value != y->value) return x->value > y->value ? -1 : 1;
    int d = strcmp(x->label, y->label);
    return d ? d : (x->idx < y->idx ? -1 : 1);
}

static bool tm__tree_select(tm__tree_ctx* t, tm__tree_frame* f)
{
    const tm__rnode* n   = f->n;
    size_t           cap = 0;
    f->kids              = NULL;
    f->nkids = f->next = f->hidden = 0;
    f->hidden_sum                  = 0.0;
    for(size_t i = 0; i < n->nchildren; ++i)
    {
        double v = tm__node_value(t->c->comp, &n->children[i]);
        if(v >= t->threshold)
        {
            if(f->nkids == cap)
            {
                cap             = cap ? 2 * cap : 16;
                tm__shown* more = realloc(f->kids, cap * sizeof(tm__shown));
                if(!more) return false; /* the caller frees f->kids */
                f->kids = more;
            }
            const char* label   = n->children[i].label;
            f->kids[f->nkids++] = (tm__shown){ label ? label : "", i, v };
        }
        else
        {
            ++f->hidden;
            f->hidden_sum += v;
        }
    }
    if(t->sort && f->nkids > 1) qsort(f->kids, f->nkids, sizeof(tm__shown), tm__cmp_shown);
    return true;
}

/* One line: value, % of the total, the label under its parent's: an entry at depth d >= 2
 * as "|_label" indented 2 (d - 2), as the table draws it; a "more below" line (node false)
 * where its siblings' labels start. A label that would start past the width less 12 columns
 * stays there, with its depth in brackets. */
static void tm__tree_line(tm__buf* b, tm__tree_ctx* t, int depth, double value, const char* label,
                          bool node)
{
    if(t->lines >= t->max_lines)
    {
        ++t->more;
        t->sort = false;
        return;
    }
    ++t->lines;
    const tm__sum_ctx* c = t->c;
    char               vt[96], pt[40];
    tm__value_text(c, value, vt, sizeof(vt));
    tm__percent_text(c, value, pt, sizeof(pt));
    if(strcmp(pt, "-") != 0) strcat(pt, "%");
    size_t start = b->len;
    tm__buf_puts(b, "  ");
    tm__pad_left(b, vt, t->vw);
    tm__buf_puts(b, "  ");
    tm__pad_left(b, pt, t->pw);
    tm__buf_puts(b, "  ");
    long used   = (long)(2 + t->vw + 2 + t->pw + 2);
    long indent = depth < 2 ? 0 : node ? 2L * (depth - 2) : 2L * (depth - 1);
    long max_in = (long)c->width - used - 14; /* at least 12 columns for "|_" + the label */
    if(max_in < 0) max_in = 0;
    char deep[32] = "";
    if(indent > max_in)
    {
        indent = max_in - max_in % 2;
        snprintf(deep, sizeof(deep), "[%d]", depth);
    }
    for(long i = 0; i < indent; ++i) tm__buf_putc(b, ' ');
    tm__buf_puts(b, deep);
    bool branch = node && depth >= 2;
    if(branch) tm__buf_puts(b, "|_");
    long room = (long)c->width - used - indent - (long)strlen(deep) - (branch ? 2 : 0);
    tm__buf_fit(b, label, room > 1 ? (size_t)room : 1, false);
    tm__line_end(b, start);
}

static bool tm__put_tree(tm__buf* b, const tm__sum_ctx* c, size_t max_lines)
{
    tm__tree_ctx t   = { c, 0.0, 0, strlen("100.0%"), 0, max_lines, 0, true };
    double       pct = tm__settings.summary_threshold;
    if(c->total > 0.0) t.threshold = c->total * pct / 100.0;
    /* the value column as wide as the total's (the widest a shown entry can be) */
    char vt[96];
    tm__value_text(c, c->total, vt, sizeof(vt));
    if(strlen(vt) > t.vw) t.vw = strlen(vt);

    size_t start = b->len;
    tm__buf_printf(b, "Call tree (inclusive %s; entries below %g%% of the total hidden)",
                   c->timing ? "time" : tm__components[c->comp].label, pct);
    if(tm__text_columns(b->data + start) > (size_t)c->width)
    {
        b->len = start;
        tm__buf_printf(b, "Call tree (below %g%% hidden)", pct);
    }
    tm__line_end(b, start);

    size_t          cap = 64, top = 0;
    tm__tree_frame* stack = malloc(cap * sizeof(*stack));
    bool            ok    = stack != NULL;
    if(ok)
    {
        stack[top] = (tm__tree_frame){ .n = &c->r->root, .depth = 0 };
        ok         = tm__tree_select(&t, &stack[top++]);
    }
    while(ok && top > 0)
    {
        tm__tree_frame* f = &stack[top - 1];
        if(f->next == f->nkids)
        {
            if(f->hidden > 0)
            {
                char more[96];
                snprintf(more, sizeof(more), "(%zu more below %g%%)", f->hidden, pct);
                tm__tree_line(b, &t, f->depth + 1, f->hidden_sum, more, false);
            }
            free(f->kids);
            --top;
            continue;
        }
        const tm__shown* s     = &f->kids[f->next++];
        const tm__rnode* n     = &f->n->children[s->idx];
        int              depth = f->depth + 1;
        tm__tree_line(b, &t, depth, s->value, n->label ? n->label : "", true);
        if(top == cap)
        {
            tm__tree_frame* more = realloc(stack, 2 * cap * sizeof(*stack));
            if(!more)
            {
                ok = false;
                break;
            }
            stack = more;
            cap *= 2;
        }
        stack[top] = (tm__tree_frame){ .n = n, .depth = depth };
        ok         = tm__tree_select(&t, &stack[top++]);
    }
    while(top > 0) free(stack[--top].kids);
    free(stack);
    if(ok && t.more > 0)
    {
        char line[160];
        snprintf(line, sizeof(line),
                 "  (%zu more lines; TIMEMORY_SUMMARY_TREE_LINES=%zu shows "
                 "them)",
                 t.more, t.max_lines + t.more);
        start = b->len;
        tm__buf_fit(b, line, (size_t)c->width, false);
        tm__line_end(b, start);
    }
    return ok;
}

/* ------------------------------------------------------------------------------------------ */
/* the files                                                                                  */

static const char* tm__base_name(const char* path)
{
    const char* slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Words after a lead, wrapped between words to the width (continuation lines indented). */
static void tm__put_words(tm__buf* b, int width, const char* lead, const char* const* words,
                          size_t n)
{
    size_t start = b->len;
    size_t col   = tm__buf_fit(b, lead, (size_t)width, false);
    for(size_t i = 0; i < n; ++i)
    {
        size_t w = tm__text_columns(words[i]);
        if(col > 4 && col + 1 + w > (size_t)width)
        {
            tm__line_end(b, start);
            start = b->len;
            tm__buf_puts(b, "   ");
            col = 3;
        }
        else if(i > 0 || col > 0)
        {
            tm__buf_putc(b, ' ');
            ++col;
        }
        col += tm__buf_fit(b, words[i], (size_t)width - col, false);
    }
    tm__line_end(b, start);
}

static void tm__put_files(tm__buf* b, const tm__sum_ctx* c, const char* const* files, size_t nfiles,
                          size_t rows)
{
    const char* text = NULL;
    for(size_t i = 0; i < nfiles; ++i)
    {
        size_t len = strlen(files[i]);
        if(len > 4 && strcmp(files[i] + len - 4, ".txt") == 0 && !strstr(files[i], ".diff."))
            text = files[i];
    }
    char   line[4200];
    size_t start = b->len;
    if(text)
        snprintf(line, sizeof(line), "Full table (%zu rows): %s", rows, text);
    else
        snprintf(line, sizeof(line),
                 "Full table (%zu rows): not written (text_output, "
                 "file_output)",
                 rows);
    tm__buf_fit(b, line, (size_t)c->width, false);
    tm__line_end(b, start);
    if(nfiles > 0)
    {
        /* the folder of the first file, and the names of those in it */
        const char* first = files[0];
        const char* slash = strrchr(first, '/');
        size_t      dlen  = slash ? (size_t)(slash - first) : 0;
        const char* names[16];
        size_t      n = 0;
        for(size_t i = 0; i < nfiles && n < 16; ++i)
        {
            bool here  = dlen ? strncmp(files[i], first, dlen) == 0 && files[i][dlen] == '/' &&
                                   !strchr(files[i] + dlen + 1, '/')
                              : !strchr(files[i], '/');
            names[n++] = here ? tm__base_name(files[i]) : files[i];
        }
        snprintf(line, sizeof(line), "Files in %.*s/:", (int)(dlen ? dlen : 1), dlen ? first : ".");
        tm__put_words(b, c->width, line, names, n);
    }
    start = b->len;
    tm__buf_puts(b, c->width >= 46 ? "Whole table on stdout: TIMEMORY_COUT_MODE=full"
                                   : "TIMEMORY_COUT_MODE=full: all rows");
    tm__line_end(b, start);
}

/* ------------------------------------------------------------------------------------------ */

/* Threads with data in the result: the union of the top-level entries' thread ids (every
 * thread's entries hang below them). */
static int tm__threads_with_data(const tm__result* r)
{
    int maxtid = -1;
    for(size_t i = 0; i < r->root.nchildren; ++i)
    {
        const tm__rnode* n    = &r->root.children[i];
        const int*       tids = tm__rnode_tids(n);
        for(int k = 0; k < n->ntids; ++k)
            if(tids[k] > maxtid) maxtid = tids[k];
    }
    if(maxtid < 0) return 0;
    unsigned char* seen = calloc((size_t)maxtid + 1, 1);
    if(!seen) return r->thread_count;
    int count = 0;
    for(size_t i = 0; i < r->root.nchildren; ++i)
    {
        const tm__rnode* n    = &r->root.children[i];
        const int*       tids = tm__rnode_tids(n);
        for(int k = 0; k < n->ntids; ++k)
            if(tids[k] >= 0 && !seen[tids[k]]++) ++count;
    }
    free(seen);
    return count;
}

void tm__write_summary(tm__buf* b, const tm__result* r, const char* const* files, size_t nfiles,
                       int width)
{
    if(!b || !r || !tm__comp_valid(r->comp)) return;
    const tm__component_row* row = &tm__components[r->comp];
    tm__sum_ctx              c;
    memset(&c, 0, sizeof(c));
    c.r         = r;
    c.comp      = r->comp;
    c.width     = width < TM_SUMMARY_MIN_WIDTH ? TM_SUMMARY_MIN_WIDTH : width;
    c.additive  = !(row->flags & (TIMEMORY_CFLAG_PERCENT | TIMEMORY_CFLAG_MAX_ACCUM |
                                 TIMEMORY_CFLAG_NO_SUM | TIMEMORY_CFLAG_NO_MEAN));
    c.timing    = (row->flags & TIMEMORY_CFLAG_TIMING) != 0;
    c.integer   = (row->flags & TIMEMORY_CFLAG_INTEGER) != 0;
    int w       = 8;
    c.precision = 3;
    tm__format(r->comp, &w, &c.precision, &c.scientific);
    if(c.precision < 0) c.precision = 0;
    c.unit = c.integer || (row->flags & TIMEMORY_CFLAG_NO_UNITS)
                 ? ""
                 : timemory_component_display_unit(r->comp, 0);
    for(size_t i = 0; i < r->root.nchildren; ++i)
        c.total += tm__node_value(r->comp, &r->root.children[i]);

    /* "[wall] summary of 70 entries (2 threads, merged): total 1.000 sec", in two lines
     * when it does not fit */
    size_t rows = tm__table_rows(r, (size_t)-1);
    char   line[512], total[96] = "";
    size_t start = b->len;
    int    n = snprintf(line, sizeof(line), "[%s] summary of %zu entries", row->label, r->nentries);
    int    threads = tm__threads_with_data(r);
    if(threads > 1 || r->mpi_size > 1)
    {
        n += snprintf(line + n, sizeof(line) - (size_t)n, " (");
        if(threads > 1)
            n += snprintf(line + n, sizeof(line) - (size_t)n, "%d threads%s", threads,
                          r->mpi_size > 1 ? ", " : "");
        if(r->mpi_size > 1)
            n += snprintf(line + n, sizeof(line) - (size_t)n, "%d ranks", r->mpi_size);
        n += snprintf(line + n, sizeof(line) - (size_t)n, ", merged)");
    }
    if(c.additive) tm__value_text(&c, c.total, total, sizeof(total));
    if(*total && tm__text_columns(line) + 8 + strlen(total) <= (size_t)c.width)
        snprintf(line + n, sizeof(line) - (size_t)n, ": total %s", total);
    tm__buf_fit(b, line, (size_t)c.width, false);
    tm__line_end(b, start);
    if(*total && !strstr(line, ": total "))
    {
        start = b->len;
        tm__buf_printf(b, "total %s", total);
        tm__line_end(b, start);
    }

    size_t k  = (size_t)(tm__settings.summary_top < 0 ? 0 : tm__settings.summary_top);
    bool   ok = true;
    if(k > 0)
    {
        tm__buf_putc(b, '\n');
        ok = c.additive ? tm__put_tops(b, &c, k) : tm__put_top_entries(b, &c, k);
    }
    size_t lines =
        (size_t)(tm__settings.summary_tree_lines < 0 ? 0 : tm__settings.summary_tree_lines);
    if(ok && c.additive && lines > 0)
    {
        tm__buf_putc(b, '\n');
        ok = tm__put_tree(b, &c, lines);
    }
    if(!ok) b->failed = true;
    tm__buf_putc(b, '\n');
    tm__put_files(b, &c, files, nfiles, rows);
}
