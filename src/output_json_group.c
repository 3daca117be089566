/* output_json_group.c -- the flat JSON entries of a group written as one component
 * (result_group.c: papi_vector, one member per event): each value is an array of the members'
 * values in order (OUTPUT.md §3: vectors as JSON arrays), raw values integers in base units,
 * repr_data in display units, repr_display a formatted string, statistics per element. */
#include "internal.h"

#include <math.h>
#include <string.h>

enum { TM_G_VALUE, TM_G_REPR, TM_G_SUM, TM_G_MIN, TM_G_MAX, TM_G_SQR, TM_G_MEAN, TM_G_SDEV };

/* element m of what, for entry j */
static double tm__group_value(const tm__result* r, int m, size_t j, int what, bool* integer)
{
    const tm__result* mr   = &r->members[m];
    int               comp = mr->comp;
    const tm__entry*  e    = &mr->entries[j];
    double            f    = tm__display_factor(comp, 0);
    double            n    = (double) e->stats.count;
    double            sum  = e->stats.sum[0] * f;
    double            sqr  = e->stats.sqr[0] * f * f;
    double            v[2] = { 0.0, 0.0 };
    *integer               = (tm__components[comp].flags & TIMEMORY_CFLAG_INTEGER) != 0;
    switch(what)
    {
        case TM_G_VALUE: return (double) e->accum[0];
        case TM_G_REPR: tm__get(comp, e->accum, v); return v[0];
        case TM_G_SUM: return sum;
        case TM_G_MIN: return e->stats.min[0] * f;
        case TM_G_MAX: return e->stats.max[0] * f;
        case TM_G_SQR: return sqr;
        case TM_G_MEAN: *integer = false; return n > 0 ? sum / n : 0.0;
        default:
            *integer = false;
            return n >= 2 ? sqrt(fabs((sqr - sum * sum / n) / (n - 1.0))) : 0.0;
    }
}

static void tm__put_group_array(tm__buf* b, const tm__result* r, size_t j, int what)
{
    tm__buf_putc(b, '[');
    for(int m = 0; m < r->ngroup; ++m)
    {
        bool   integer = false;
        double v       = tm__group_value(r, m, j, what, &integer);
        if(m > 0) tm__buf_putc(b, ',');
        if(what == TM_G_VALUE)
            tm__buf_printf(b, "%lld", (long long) r->members[m].entries[j].accum[0]);
        else if(integer)
            tm__buf_printf(b, "%lld", isfinite(v) ? (long long) llround(v) : 0LL);
        else
            tm__buf_json_double(b, v);
    }
    tm__buf_putc(b, ']');
}

/* "12345, 67": each element as the text table shows it */
static void tm__put_group_display(tm__buf* b, const tm__result* r, size_t j)
{
    tm__buf text;
    tm__buf_init(&text);
    for(int m = 0; m < r->ngroup; ++m)
    {
        int  width = 8, precision = 3;
        bool scientific = false, integer = false;
        tm__format(r->members[m].comp, &width, &precision, &scientific);
        double v = tm__group_value(r, m, j, TM_G_REPR, &integer);
        if(m > 0) tm__buf_puts(&text, ", ");
        if(integer)
            tm__buf_printf(&text, "%*lld", width, (long long) llround(v));
        else
            tm__buf_printf(&text, scientific ? "%*.*e" : "%*.*f", width,
                           precision < 0 ? 0 : precision, v);
    }
    tm__buf_json_string(b, text.data ? text.data : "");
    tm__buf_free(&text);
}

void tm__write_json_group_ranks(tm__buf* b, const tm__result* r)
{
    if(r->nentries == 0) return; /* ranks with no entries are omitted */
    tm__buf_printf(b, "{\"rank\":0,\"graph_size\":%zu,\"graph\":[", r->nentries);
    static const char* const stat_keys[] = { "sum", "min", "max", "sqr", "mean", "stddev" };
    static const int stat_what[] = { TM_G_SUM, TM_G_MIN, TM_G_MAX, TM_G_SQR, TM_G_MEAN, TM_G_SDEV };
    for(size_t j = 0; j < r->nentries; ++j)
    {
        const tm__entry* e = &r->entries[j];
        if(j > 0) tm__buf_putc(b, ',');
        tm__buf_printf(b, "{\"hash\":%llu,\"prefix\":", (unsigned long long) e->hash);
        tm__buf_json_string(b, e->prefix ? e->prefix : "");
        tm__buf_printf(b, ",\"depth\":%d,\"entry\":{%s\"laps\":%llu,\"value\":", e->depth,
                       j == 0 ? "\"cereal_class_version\":0," : "",
                       (unsigned long long) e->laps);
        tm__put_group_array(b, r, j, TM_G_VALUE);
        tm__buf_puts(b, ",\"accum\":");
        tm__put_group_array(b, r, j, TM_G_VALUE);
        tm__buf_puts(b, ",\"repr_data\":");
        tm__put_group_array(b, r, j, TM_G_REPR);
        tm__buf_puts(b, ",\"repr_display\":");
        tm__put_group_display(b, r, j);
        tm__buf_printf(b, "},\"stats\":{%s", j == 0 ? "\"cereal_class_version\":0," : "");
        for(int s = 0; s < 6; ++s)
        {
            if(s == 1)
                tm__buf_printf(b, ",\"count\":%llu", (unsigned long long) e->stats.count);
            tm__buf_printf(b, "%s\"%s\":", s == 0 ? "" : ",", stat_keys[s]);
            tm__put_group_array(b, r, j, stat_what[s]);
        }
        tm__buf_printf(b, "},\"rolling_hash\":%llu}", (unsigned long long) e->rolling_hash);
    }
    tm__buf_puts(b, "]}");
}
