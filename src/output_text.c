/* output_text.c -- the text table of one merged result (OUTPUT.md §2): which columns show,
 * their widths and alignment, the banner, sub-rows of multi-valued components and % SELF.
 * Owns formatting only: entries come from result.c, values and formats from components.c,
 * limits from settings.c. Widths count bytes, as the original's std::string lengths did.
 */
#include "internal.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum tm__column {
    COL_LABEL,
    COL_COUNT,
    COL_DEPTH,
    COL_METRIC,
    COL_UNITS,
    COL_SUM,
    COL_MEAN,
    COL_MIN,
    COL_MAX,
    COL_VAR,
    COL_STDDEV,
    COL_SELF,
    COL_RANK_MIN, /* MPI, merged ranks: the entry's value over the ranks (ranks.c) */
    COL_RANK_MEAN,
    COL_RANK_MAX,
    COL_RANK_AT,
    COL_IMBALANCE,
    NCOLS
};

static const char* const tm__column_title[NCOLS] = {
    "LABEL", "COUNT",  "DEPTH",  "METRIC",   "UNITS",     "SUM",      "MEAN",    "MIN",    "MAX",
    "VAR",   "STDDEV", "% SELF", "RANK MIN", "RANK MEAN", "RANK MAX", "AT RANK", "% IMBAL"
};
/* text cells are left-aligned, numbers right-aligned */
static const bool tm__column_is_text[NCOLS] = { true,  false, false, true,  true,  false,
                                                false, false, false, false, false, false,
                                                false, false, false, false, false };

/* The table is made twice: the first pass only measures the cells (column widths), the second
 * writes each row as it is made. Nothing is kept per row, so memory does not grow with the
 * number of entries; a row's cells are made in a scratch buffer. */
typedef struct tm__table {
    tm__buf* out;          /* NULL while measuring */
    size_t   nrows;        /* rows made in this pass */
    int      width[NCOLS]; /* widest cell + 2 */
    bool     present[NCOLS];
    long     total; /* the width of a row, once measured */
    bool     failed;
    /* the row being made: cell c is cell_text[cell_at[c] .. + cell_len[c]), or empty */
    tm__buf cell_text;
    size_t  cell_at[NCOLS];
    size_t  cell_len[NCOLS];
    bool    cell_set[NCOLS];
} tm__table;

typedef struct tm__number_format {
    int  precision;
    bool scientific;
    bool integer;
} tm__number_format;

/* Booleans read with the original's get_env<bool> rules (digits: non-zero; off/false/no/n/f
 * false; anything else true); unset or empty keeps the default. */
static bool tm__env_flag(const char* name, bool fallback)
{
    const char* v = getenv(name);
    if(!v || !*v) return fallback;
    bool digits = true;
    for(const char* p = v; *p; ++p)
        if(!isdigit((unsigned char)*p)) digits = false;
    if(digits) return atoi(v) != 0;
    static const char* const falsy[] = { "off", "false", "no", "n", "f" };
    for(size_t i = 0; i < sizeof(falsy) / sizeof(falsy[0]); ++i)
        if(strcasecmp(v, falsy[i]) == 0) return false;
    return true;
}

/* Cell text limited to max_width: max_width - 3 bytes + "..." (hard cut when max_width <= 20),
 * never splitting a UTF-8 sequence. */
static void tm__cell(tm__table* t, int col, const char* text, size_t n)
{
    long   max  = (long)tm__settings.max_width;
    size_t keep = n;
    bool   dots = false;
    if(max > 0 && n > (size_t)max)
    {
        keep = (size_t)(max > 20 ? max - 3 : max);
        while(keep > 0 && ((unsigned char)text[keep] & 0xC0) == 0x80) --keep;
        dots = max > 20;
    }
    t->cell_at[col]  = t->cell_text.len;
    t->cell_len[col] = keep + (dots ? 3 : 0);
    t->cell_set[col] = true;
    tm__buf_append(&t->cell_text, text, keep);
    if(dots) tm__buf_append(&t->cell_text, "...", 3);
}

static void tm__number_cell(tm__table* t, int col, const tm__number_format* f, double v)
{
    char   text[128];
    size_t n;
    if(!isfinite(v)) v = 0.0;
    if(f->integer)
        n = (size_t)(tm__fmt_i64(text, (int64_t)v) - text);
    else
        n = tm__format_fixed(text, sizeof(text), v, f->precision, f->scientific, true);
    tm__cell(t, col, text, n);
}

static void tm__integer_cell(tm__table* t, int col, long long v)
{
    char text[32];
    tm__cell(t, col, text, (size_t)(tm__fmt_i64(text, v) - text));
}

static void tm__text_cell(tm__table* t, int col, const char* text)
{
    tm__cell(t, col, text, strlen(text));
}

static void tm__row_begin(tm__table* t)
{
    t->cell_text.len = 0;
    memset(t->cell_set, 0, sizeof(t->cell_set));
}

/* The row being made: measured (the column widths grow) or written out. */
static void tm__row_end(tm__table* t)
{
    if(t->failed || t->cell_text.failed)
    {
        t->failed = true;
        return;
    }
    ++t->nrows;
    if(!t->out)
    {
        for(int c = 0; c < NCOLS; ++c)
            if(t->cell_set[c] && (long)t->cell_len[c] + 2 > (long)t->width[c])
                t->width[c] = (int)t->cell_len[c] + 2;
        return;
    }
    char* p = tm__buf_space(t->out, (size_t)t->total + 2);
    if(!p)
    {
        t->failed = true;
        return;
    }
    for(int c = 0; c < NCOLS; ++c)
    {
        if(!t->present[c]) continue;
        size_t n   = t->cell_set[c] ? t->cell_len[c] : 0;
        size_t pad = (size_t)t->width[c] - 2 - n;
        memcpy(p, "| ", 2);
        p += 2;
        if(!tm__column_is_text[c])
        {
            memset(p, ' ', pad);
            p += pad;
        }
        if(n) memcpy(p, t->cell_text.data + t->cell_at[c], n);
        p += n;
        if(tm__column_is_text[c])
        {
            memset(p, ' ', pad);
            p += pad;
        }
        *p++ = ' ';
    }
    memcpy(p, "|\n", 2);
    tm__buf_commit(t->out, p + 2);
}

static void tm__table_free(tm__table* t)
{
    tm__buf_free(&t->cell_text);
}

/* Number of display values of a component (k sub-rows, §2.4). */
static int tm__display_count(int comp)
{
    const tm__component_row* row = &tm__components[comp];
    return (row->labels[0] && row->labels[1]) ? 2 : 1;
}

static void tm__entry_get(int comp, const tm__entry* e, double out[2])
{
    out[0] = out[1] = 0.0;
    tm__get(comp, e->accum, out);
}

/* The sum of the direct children's values of every entry, in one pass with a stack of the
 * entries still open (OUTPUT.md: an entry's children are the entries at depth d + 1 up to the
 * next entry at depth <= d). kids[i] stays zero and has[i] false for a leaf. */
static bool tm__children_sums(const tm__result* r, double (*kids)[2], bool* has)
{
    size_t* open = malloc((r->nentries ? r->nentries : 1) * sizeof(size_t));
    if(!open) return false;
    size_t top = 0;
    for(size_t j = 0; j < r->nentries; ++j)
    {
        int d = r->entries[j].depth;
        while(top > 0 && r->entries[open[top - 1]].depth >= d) --top;
        if(top > 0 && r->entries[open[top - 1]].depth == d - 1)
        {
            double v[2];
            tm__entry_get(r->comp, &r->entries[j], v);
            kids[open[top - 1]][0] += v[0];
            kids[open[top - 1]][1] += v[1];
            has[open[top - 1]] = true;
        }
        open[top++] = j;
    }
    free(open);
    return true;
}

/* % SELF of each element: 1 - (sum of the direct children) / value. */
static void tm__self_percent(const double value[2], const double children[2], bool has_children,
                             int k, double out[2])
{
    for(int i = 0; i < k; ++i)
    {
        if(!has_children)
            out[i] = value[i] != 0.0 ? 100.0 : 0.0;
        else if(value[i] > 0.0)
            out[i] = fmax(0.0, (1.0 - children[i] / value[i]) * 100.0);
        else
            out[i] = 0.0;
    }
}

/* What sub-row i of an entry shows: element elem of result r's entry (r: the table's result,
 * or a group member's, result_group.c), with its children's sums in kids. */
typedef struct tm__subrow {
    const tm__result* r;
    int               elem;
    const char*       metric;
    double (*kids)[2];
    bool* has_kids;
} tm__subrow;

static void tm__fill_entry_rows(tm__table* t, const tm__result* r, size_t idx,
                                const tm__subrow* subs, int k, const tm__number_format* fmt)
{
    const tm__entry* e       = &r->entries[idx];
    const bool*      present = t->present;
    if(e->laps == 0)
    {
        /* a region that never completed (a traced line never run): the label alone */
        tm__row_begin(t);
        tm__text_cell(t, COL_LABEL, e->prefix ? e->prefix : "");
        tm__row_end(t);
        return;
    }
    tm__number_format percent = { 1, false, false };
    for(int i = 0; i < k; ++i)
    {
        const tm__result* sr   = subs[i].r;
        const tm__entry*  se   = &sr->entries[idx];
        int               comp = sr->comp;
        int               el   = subs[i].elem;
        double            value[2], self[2];
        tm__entry_get(comp, se, value);
        tm__self_percent(value, subs[i].kids[idx], subs[i].has_kids[idx], el + 1, self);
        tm__row_begin(t);
        if(i == 0)
        {
            tm__text_cell(t, COL_LABEL, e->prefix ? e->prefix : "");
            tm__integer_cell(t, COL_COUNT, (long long)e->laps);
            tm__integer_cell(t, COL_DEPTH, e->depth);
        }
        tm__text_cell(t, COL_METRIC, subs[i].metric);
        if(present[COL_UNITS])
        {
            const char* unit = timemory_component_display_unit(comp, el);
            tm__text_cell(t, COL_UNITS, unit ? unit : "");
        }
        if(present[COL_SUM]) tm__number_cell(t, COL_SUM, fmt, value[el]);
        if(present[COL_MEAN]) tm__number_cell(t, COL_MEAN, fmt, value[el] / (double)se->laps);

        double f    = tm__display_factor(comp, el);
        double n    = (double)se->stats.count;
        double sum  = se->stats.sum[el] * f;
        double sqr  = se->stats.sqr[el] * f * f;
        double var  = n >= 2 ? (sqr - sum * sum / n) / (n - 1.0) : 0.0;
        double sdev = sqrt(fabs(var));
        if(present[COL_MIN]) tm__number_cell(t, COL_MIN, fmt, se->stats.min[el] * f);
        if(present[COL_MAX]) tm__number_cell(t, COL_MAX, fmt, se->stats.max[el] * f);
        if(present[COL_VAR]) tm__number_cell(t, COL_VAR, fmt, var);
        if(present[COL_STDDEV]) tm__number_cell(t, COL_STDDEV, fmt, sdev);
        if(present[COL_SELF]) tm__number_cell(t, COL_SELF, &percent, self[el]);
        if(present[COL_RANK_MIN] && sr->rank_stats)
        {
            const tm__rank_stat* rs = &sr->rank_stats[idx];
            tm__number_cell(t, COL_RANK_MIN, fmt, rs->min[el]);
            tm__number_cell(t, COL_RANK_MEAN, fmt, rs->mean[el]);
            tm__number_cell(t, COL_RANK_MAX, fmt, rs->max[el]);
            if(i == 0) tm__integer_cell(t, COL_RANK_AT, rs->max_rank);
            tm__number_cell(t, COL_IMBALANCE, &percent, 100.0 * tm__rank_imbalance(rs, el));
        }
        tm__row_end(t);
    }
}

/* "|" + columns of `fill`, joined by `join`, + "|" */
static void tm__rule(tm__buf* b, const int width[NCOLS], const bool present[NCOLS], char join)
{
    bool first = true;
    tm__buf_putc(b, '|');
    for(int c = 0; c < NCOLS; ++c)
    {
        if(!present[c]) continue;
        if(!first) tm__buf_putc(b, join);
        first = false;
        for(int i = 0; i < width[c]; ++i) tm__buf_putc(b, '-');
    }
    tm__buf_puts(b, "|\n");
}

static void tm__spaces(tm__buf* b, long n)
{
    for(long i = 0; i < n; ++i) tm__buf_putc(b, ' ');
}

static void tm__banner_line(tm__buf* b, const char* text, size_t len, long total)
{
    long offset = total / 2 - (long)len / 2 + (long)len;
    tm__buf_putc(b, '|');
    tm__spaces(b, offset - (long)len);
    tm__buf_append(b, text, len);
    tm__spaces(b, total - offset - 1);
    tm__buf_puts(b, "|\n");
}

/* Words packed greedily into lines of the table's width, each line centred. */
static void tm__banner(tm__buf* b, const char* banner, long total)
{
    tm__buf line;
    tm__buf_init(&line);
    const char* p = banner;
    while(*p)
    {
        while(*p && isspace((unsigned char)*p)) ++p;
        if(!*p) break;
        const char* word = p;
        while(*p && !isspace((unsigned char)*p)) ++p;
        size_t wlen = (size_t)(p - word);
        char   shortened[512];
        if((long)wlen > total && total / 2 - 4 > 0 && total / 2 - 4 < 250)
        {
            size_t half = (size_t)(total / 2 - 4);
            memcpy(shortened, word, half);
            memcpy(shortened + half, "...", 3);
            memcpy(shortened + half + 3, word + wlen - half, half);
            word = shortened;
            wlen = 2 * half + 3;
        }
        if(line.len > 0 && (long)(line.len + wlen + 2) >= total)
        {
            tm__banner_line(b, line.data, line.len, total);
            line.len = 0;
        }
        if(line.len > 0) tm__buf_putc(&line, ' ');
        tm__buf_append(&line, word, wlen);
    }
    if(line.len > 0) tm__banner_line(b, line.data, line.len, total);
    tm__buf_free(&line);
}

static void tm__header_row(tm__buf* b, const int width[NCOLS], const bool present[NCOLS])
{
    for(int c = 0; c < NCOLS; ++c)
    {
        if(!present[c]) continue;
        int w    = width[c];
        int len  = (int)strlen(tm__column_title[c]);
        int half = w / 2 - (len + 1) / 2;
        int lead = (half < w - 3 - len ? half : w - 3 - len) - 1;
        if(lead < 0) lead = 0;
        tm__buf_puts(b, "| ");
        tm__spaces(b, lead);
        tm__buf_puts(b, tm__column_title[c]);
        tm__spaces(b, w - 2 - lead - len);
        tm__buf_putc(b, ' ');
    }
    tm__buf_puts(b, "|\n");
}

void tm__write_text(tm__buf* b, const tm__result* r)
{
    if(!b || !r || !tm__comp_valid(r->comp)) return;
    const tm__component_row* row = &tm__components[r->comp];
    /* a group (papi_vector): its members' flags and format; one sub-row per member */
    int      fcomp     = r->ngroup > 0 ? r->members[0].comp : r->comp;
    unsigned flags     = tm__components[fcomp].flags;
    bool     stats     = !(flags & TIMEMORY_CFLAG_NO_STATS);
    bool     print_min = tm__env_flag("TIMEMORY_PRINT_MIN", true);

    tm__table t;
    memset(&t, 0, sizeof(t));
    bool* present       = t.present;
    present[COL_LABEL]  = true;
    present[COL_COUNT]  = true;
    present[COL_DEPTH]  = true;
    present[COL_METRIC] = true;
    present[COL_UNITS]  = !(flags & (TIMEMORY_CFLAG_NO_UNITS | TIMEMORY_CFLAG_INTEGER));
    present[COL_SUM]    = !(flags & TIMEMORY_CFLAG_NO_SUM);
    present[COL_MEAN]   = !(flags & TIMEMORY_CFLAG_NO_MEAN);
    present[COL_MIN] = present[COL_MAX] = stats && print_min;
    present[COL_VAR]                    = stats && tm__env_flag("TIMEMORY_PRINT_VARIANCE", false);
    present[COL_STDDEV]                 = stats && tm__env_flag("TIMEMORY_PRINT_STDDEV", true);
    present[COL_SELF]                   = !(flags & TIMEMORY_CFLAG_NO_MEAN);
    for(int c = COL_RANK_MIN; c <= COL_IMBALANCE; ++c) present[c] = r->rank_stats != NULL;

    int  min_width = 8, precision = 3;
    bool scientific = false;
    tm__format(fcomp, &min_width, &precision, &scientific);
    tm__number_format fmt = { precision < 0 ? 0 : precision, scientific,
                              (flags & TIMEMORY_CFLAG_INTEGER) != 0 };
    for(int c = 0; c < NCOLS; ++c)
    {
        int title  = (int)strlen(tm__column_title[c]) + 2;
        t.width[c] = title > min_width ? title : min_width;
    }

    int       nres      = r->ngroup > 0 ? r->ngroup : 1;
    int       k         = r->ngroup > 0 ? r->ngroup : tm__display_count(r->comp);
    long long max_d     = (long long)tm__settings.max_depth;
    long long every     = (long long)tm__settings.separator_frequency;
    size_t    ne        = r->nentries ? r->nentries : 1;
    double(*kids)[2]    = calloc(ne * (size_t)nres, sizeof(*kids));
    bool*      has_kids = calloc(ne * (size_t)nres, sizeof(bool));
    tm__subrow subs[TIMEMORY_COMPONENT_RUNTIME_MAX > 2 ? TIMEMORY_COMPONENT_RUNTIME_MAX : 2];
    for(int m = 0; m < nres && kids && has_kids; ++m)
    {
        const tm__result* mr = r->ngroup > 0 ? &r->members[m] : r;
        if(!tm__children_sums(mr, kids + ne * (size_t)m, has_kids + ne * (size_t)m))
            t.failed = true;
    }
    if(!kids || !has_kids) t.failed = true;
    for(int i = 0; i < k && !t.failed; ++i)
    {
        bool group       = r->ngroup > 0;
        subs[i].r        = group ? &r->members[i] : r;
        subs[i].elem     = group ? 0 : i;
        subs[i].metric   = group ? tm__components[r->members[i].comp].label
                                 : (k > 1 ? row->labels[i] : row->label);
        subs[i].kids     = kids + ne * (size_t)(group ? i : 0);
        subs[i].has_kids = has_kids + ne * (size_t)(group ? i : 0);
    }
    const int* width = t.width;
    long       total = 0;
    /* pass 0 measures, pass 1 writes */
    for(int pass = 0; pass < 2 && !t.failed; ++pass)
    {
        if(pass == 1)
        {
            for(int c = 0; c < NCOLS; ++c)
                if(present[c]) total += width[c] + 1;
            t.total            = total;
            const char* banner = r->banner;
            char*       upper  = NULL;
            if(!banner)
            {
                upper = tm__strdup(row->description);
                for(char* p = upper; p && *p; ++p) *p = (char)toupper((unsigned char)*p);
                banner = upper ? upper : "";
            }
            if(*banner)
            {
                tm__rule(b, width, present, '-');
                tm__banner(b, banner, total);
            }
            free(upper);
            tm__rule(b, width, present, '-');
            tm__header_row(b, width, present);
            tm__rule(b, width, present, '|');
            t.out = b;
        }
        t.nrows         = 0;
        long long shown = 0;
        for(size_t i = 0; i < r->nentries && !t.failed; ++i)
        {
            const tm__entry* e = &r->entries[i];
            if(e->depth < 0 || (long long)e->depth > max_d) continue;
            if(pass == 1 && every > 0 && shown > 0 && shown % every == 0 && t.nrows > 0)
                tm__rule(b, width, present, '|');
            tm__fill_entry_rows(&t, r, i, subs, k, &fmt);
            ++shown;
        }
    }
    free(kids);
    free(has_kids);
    if(t.failed)
    {
        b->failed = true;
        tm__table_free(&t);
        return;
    }
    tm__rule(b, width, present, '-');
    tm__table_free(&t);
}
