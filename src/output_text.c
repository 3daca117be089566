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
    "LABEL", "COUNT",  "DEPTH",    "METRIC",    "UNITS",    "SUM",     "MEAN",   "MIN",
    "MAX",   "VAR",    "STDDEV",   "% SELF",    "RANK MIN", "RANK MEAN", "RANK MAX", "AT RANK",
    "% IMBAL"
};
/* text cells are left-aligned, numbers right-aligned */
static const bool tm__column_is_text[NCOLS] = { true,  false, false, true,  true,  false,
                                                false, false, false, false, false, false,
                                                false, false, false, false, false };

typedef struct tm__table {
    char* (*cells)[NCOLS]; /* NULL = empty cell */
    bool*  separator_after;
    size_t nrows;
    size_t cap;
    bool   failed;
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
        if(!isdigit((unsigned char) *p)) digits = false;
    if(digits) return atoi(v) != 0;
    static const char* const falsy[] = { "off", "false", "no", "n", "f" };
    for(size_t i = 0; i < sizeof(falsy) / sizeof(falsy[0]); ++i)
        if(strcasecmp(v, falsy[i]) == 0) return false;
    return true;
}

/* Cell text limited to max_width: max_width - 3 bytes + "..." (hard cut when max_width <= 20),
 * never splitting a UTF-8 sequence. */
static char* tm__cell(const char* text)
{
    size_t n   = strlen(text);
    long   max = (long) tm__settings.max_width;
    if(max <= 0 || n <= (size_t) max) return tm__strdup(text);
    size_t keep = (size_t) (max > 20 ? max - 3 : max);
    while(keep > 0 && ((unsigned char) text[keep] & 0xC0) == 0x80) --keep;
    char* s = malloc(keep + 4);
    if(!s) return NULL;
    memcpy(s, text, keep);
    strcpy(s + keep, max > 20 ? "..." : "");
    return s;
}

static char* tm__number_cell(const tm__number_format* f, double v)
{
    char text[128];
    if(!isfinite(v)) v = 0.0;
    if(f->integer)
        snprintf(text, sizeof(text), "%lld", (long long) v);
    else if(f->scientific)
        snprintf(text, sizeof(text), "%#.*e", f->precision, v);
    else
        snprintf(text, sizeof(text), "%#.*f", f->precision, v);
    return tm__cell(text);
}

static char* tm__integer_cell(long long v)
{
    char text[32];
    snprintf(text, sizeof(text), "%lld", v);
    return tm__cell(text);
}

static char** tm__table_add_row(tm__table* t)
{
    if(t->failed) return NULL;
    if(t->nrows == t->cap)
    {
        size_t cap   = t->cap ? t->cap * 2 : 32;
        void*  cells = realloc(t->cells, cap * sizeof(*t->cells));
        if(!cells)
        {
            t->failed = true;
            return NULL;
        }
        t->cells = cells;
        bool* sep = realloc(t->separator_after, cap * sizeof(bool));
        if(!sep)
        {
            t->failed = true;
            return NULL;
        }
        t->separator_after = sep;
        t->cap             = cap;
    }
    memset(t->cells[t->nrows], 0, sizeof(*t->cells));
    t->separator_after[t->nrows] = false;
    return t->cells[t->nrows++];
}

static void tm__table_free(tm__table* t)
{
    for(size_t i = 0; i < t->nrows; ++i)
        for(int c = 0; c < NCOLS; ++c) free(t->cells[i][c]);
    free(t->cells);
    free(t->separator_after);
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

/* % SELF of each element: 1 - (sum of the direct children) / value. The walk stops at the
 * first entry at depth <= d (OUTPUT.md allows it; the original also walked grand-cousins). */
static void tm__self_percent(const tm__result* r, size_t idx, int k, double out[2])
{
    const tm__entry* e = &r->entries[idx];
    double           value[2], children[2] = { 0.0, 0.0 };
    bool             has_children = false;
    tm__entry_get(r->comp, e, value);
    for(size_t j = idx + 1; j < r->nentries && r->entries[j].depth > e->depth; ++j)
    {
        if(r->entries[j].depth != e->depth + 1) continue;
        double v[2];
        tm__entry_get(r->comp, &r->entries[j], v);
        children[0] += v[0];
        children[1] += v[1];
        has_children = true;
    }
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

static void tm__fill_entry_rows(tm__table* t, const tm__result* r, size_t idx, int k,
                                const bool present[NCOLS], const tm__number_format* fmt)
{
    const tm__component_row* row = &tm__components[r->comp];
    const tm__entry*         e   = &r->entries[idx];
    if(e->laps == 0)
    {
        /* a region that never completed (a traced line never run): the label alone */
        char** cells = tm__table_add_row(t);
        if(cells) cells[COL_LABEL] = tm__cell(e->prefix ? e->prefix : "");
        return;
    }
    double value[2], self[2];
    tm__entry_get(r->comp, e, value);
    tm__self_percent(r, idx, k, self);
    tm__number_format percent = { 1, false, false };
    for(int i = 0; i < k; ++i)
    {
        char** cells = tm__table_add_row(t);
        if(!cells) return;
        if(i == 0)
        {
            cells[COL_LABEL] = tm__cell(e->prefix ? e->prefix : "");
            cells[COL_COUNT] = tm__integer_cell((long long) e->laps);
            cells[COL_DEPTH] = tm__integer_cell(e->depth);
        }
        cells[COL_METRIC] = tm__cell(k > 1 ? row->labels[i] : row->label);
        if(present[COL_UNITS])
        {
            const char* unit    = timemory_component_display_unit(r->comp, i);
            cells[COL_UNITS] = tm__cell(unit ? unit : "");
        }
        if(present[COL_SUM]) cells[COL_SUM] = tm__number_cell(fmt, value[i]);
        if(present[COL_MEAN])
            cells[COL_MEAN] = tm__number_cell(fmt, value[i] / (double) e->laps);

        double f    = tm__display_factor(r->comp, i);
        double n    = (double) e->stats.count;
        double sum  = e->stats.sum[i] * f;
        double sqr  = e->stats.sqr[i] * f * f;
        double var  = n >= 2 ? (sqr - sum * sum / n) / (n - 1.0) : 0.0;
        double sdev = sqrt(fabs(var));
        if(present[COL_MIN]) cells[COL_MIN] = tm__number_cell(fmt, e->stats.min[i] * f);
        if(present[COL_MAX]) cells[COL_MAX] = tm__number_cell(fmt, e->stats.max[i] * f);
        if(present[COL_VAR]) cells[COL_VAR] = tm__number_cell(fmt, var);
        if(present[COL_STDDEV]) cells[COL_STDDEV] = tm__number_cell(fmt, sdev);
        if(present[COL_SELF]) cells[COL_SELF] = tm__number_cell(&percent, self[i]);
        if(present[COL_RANK_MIN] && r->rank_stats)
        {
            const tm__rank_stat* rs = &r->rank_stats[idx];
            cells[COL_RANK_MIN]     = tm__number_cell(fmt, rs->min[i]);
            cells[COL_RANK_MEAN]    = tm__number_cell(fmt, rs->mean[i]);
            cells[COL_RANK_MAX]     = tm__number_cell(fmt, rs->max[i]);
            if(i == 0) cells[COL_RANK_AT] = tm__integer_cell(rs->max_rank);
            cells[COL_IMBALANCE] = tm__number_cell(&percent, 100.0 * tm__rank_imbalance(rs, i));
        }
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
    long offset = total / 2 - (long) len / 2 + (long) len;
    tm__buf_putc(b, '|');
    tm__spaces(b, offset - (long) len);
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
        while(*p && isspace((unsigned char) *p)) ++p;
        if(!*p) break;
        const char* word = p;
        while(*p && !isspace((unsigned char) *p)) ++p;
        size_t wlen = (size_t) (p - word);
        char   shortened[512];
        if((long) wlen > total && total / 2 - 4 > 0 && total / 2 - 4 < 250)
        {
            size_t half = (size_t) (total / 2 - 4);
            memcpy(shortened, word, half);
            memcpy(shortened + half, "...", 3);
            memcpy(shortened + half + 3, word + wlen - half, half);
            word = shortened;
            wlen = 2 * half + 3;
        }
        if(line.len > 0 && (long) (line.len + wlen + 2) >= total)
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
        int  w    = width[c];
        int  len  = (int) strlen(tm__column_title[c]);
        int  half = w / 2 - (len + 1) / 2;
        int  lead = (half < w - 3 - len ? half : w - 3 - len) - 1;
        if(lead < 0) lead = 0;
        tm__buf_puts(b, "| ");
        tm__spaces(b, lead);
        tm__buf_puts(b, tm__column_title[c]);
        tm__spaces(b, w - 2 - lead - len);
        tm__buf_putc(b, ' ');
    }
    tm__buf_puts(b, "|\n");
}

static void tm__data_row(tm__buf* b, char* const cells[NCOLS], const int width[NCOLS],
                         const bool present[NCOLS])
{
    for(int c = 0; c < NCOLS; ++c)
    {
        if(!present[c]) continue;
        const char* text = cells[c] ? cells[c] : "";
        long        pad  = (long) width[c] - 2 - (long) strlen(text);
        tm__buf_puts(b, "| ");
        if(!tm__column_is_text[c]) tm__spaces(b, pad);
        tm__buf_puts(b, text);
        if(tm__column_is_text[c]) tm__spaces(b, pad);
        tm__buf_putc(b, ' ');
    }
    tm__buf_puts(b, "|\n");
}

void tm__write_text(tm__buf* b, const tm__result* r)
{
    if(!b || !r || r->comp < 0 || r->comp >= TM_NCOMP) return;
    const tm__component_row* row   = &tm__components[r->comp];
    unsigned                 flags = row->flags;
    bool                     stats = !(flags & TIMEMORY_CFLAG_NO_STATS);
    bool                     print_min = tm__env_flag("TIMEMORY_PRINT_MIN", true);

    bool present[NCOLS] = { true, true, true, true };
    present[COL_UNITS]  = !(flags & (TIMEMORY_CFLAG_NO_UNITS | TIMEMORY_CFLAG_INTEGER));
    present[COL_SUM]    = !(flags & TIMEMORY_CFLAG_NO_SUM);
    present[COL_MEAN]   = !(flags & TIMEMORY_CFLAG_NO_MEAN);
    present[COL_MIN] = present[COL_MAX] = stats && print_min;
    present[COL_VAR]    = stats && tm__env_flag("TIMEMORY_PRINT_VARIANCE", false);
    present[COL_STDDEV] = stats && tm__env_flag("TIMEMORY_PRINT_STDDEV", true);
    present[COL_SELF]   = !(flags & TIMEMORY_CFLAG_NO_MEAN);
    for(int c = COL_RANK_MIN; c <= COL_IMBALANCE; ++c) present[c] = r->rank_stats != NULL;

    int  min_width = 8, precision = 3;
    bool scientific = false;
    tm__format(r->comp, &min_width, &precision, &scientific);
    tm__number_format fmt = { precision < 0 ? 0 : precision, scientific,
                              (flags & TIMEMORY_CFLAG_INTEGER) != 0 };

    int       k     = tm__display_count(r->comp);
    long long max_d = (long long) tm__settings.max_depth;
    long long every = (long long) tm__settings.separator_frequency;
    tm__table t;
    memset(&t, 0, sizeof(t));
    long long shown = 0;
    for(size_t i = 0; i < r->nentries; ++i)
    {
        const tm__entry* e = &r->entries[i];
        if(e->depth < 0 || (long long) e->depth > max_d) continue;
        if(every > 0 && shown > 0 && shown % every == 0 && t.nrows > 0)
            t.separator_after[t.nrows - 1] = true;
        tm__fill_entry_rows(&t, r, i, k, present, &fmt);
        ++shown;
    }
    if(t.failed)
    {
        b->failed = true;
        tm__table_free(&t);
        return;
    }

    int width[NCOLS];
    for(int c = 0; c < NCOLS; ++c)
    {
        int w = min_width;
        if((int) strlen(tm__column_title[c]) + 2 > w) w = (int) strlen(tm__column_title[c]) + 2;
        for(size_t i = 0; i < t.nrows; ++i)
            if(t.cells[i][c] && (int) strlen(t.cells[i][c]) + 2 > w)
                w = (int) strlen(t.cells[i][c]) + 2;
        width[c] = w;
    }
    long total = 0;
    for(int c = 0; c < NCOLS; ++c)
        if(present[c]) total += width[c] + 1;

    const char* banner = r->banner;
    char*       upper  = NULL;
    if(!banner)
    {
        upper = tm__strdup(row->description);
        for(char* p = upper; p && *p; ++p) *p = (char) toupper((unsigned char) *p);
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
    for(size_t i = 0; i < t.nrows; ++i)
    {
        tm__data_row(b, t.cells[i], width, present);
        if(t.separator_after[i] && i + 1 < t.nrows) tm__rule(b, width, present, '|');
    }
    tm__rule(b, width, present, '-');
    tm__table_free(&t);
}
