/* component_format.c -- a component's values as text, the one display rule every layer uses:
 * the format in effect (tm__format's width, precision, scientific), one value as a table
 * cell, and the values with their units and labels as str() of a component prints them.
 */
#include "internal.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

int timemory_component_format(int id, int* width, int* precision, bool* scientific)
{
    if((id = tm__comp_index(id)) < 0) return TIMEMORY_EINVAL;
    tm__format(id, width, precision, scientific);
    return TIMEMORY_OK;
}

/* snprintf's count, with the output cut at cap - 1 as snprintf cuts it */
static size_t tm_appendf(char* buf, size_t cap, size_t used, const char* fmt, ...)
    __attribute__((format(printf, 4, 5)));
static size_t tm_appendf(char* buf, size_t cap, size_t used, const char* fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(used < cap ? buf + used : NULL, used < cap ? cap - used : 0, fmt, ap);
    va_end(ap);
    return used + (n > 0 ? (size_t)n : 0);
}

static size_t tm_put_value(int id, double value, int width, char* buf, size_t cap, size_t used)
{
    int  w = 0, p = 0;
    bool sci = false;
    tm__format(id, &w, &p, &sci);
    if(width < 0) width = w;
    if(width > 256) width = 256;
    if(p > 64) p = 64;
    if(!isfinite(value)) value = 0.0;
    /* the text table's cells: showpoint, as the original's std::ios_base::showpoint */
    if(tm__components[id].flags & TIMEMORY_CFLAG_INTEGER)
        return tm_appendf(buf, cap, used, "%*lld", width, (long long)value);
    if(sci) return tm_appendf(buf, cap, used, "%#*.*e", width, p, value);
    return tm_appendf(buf, cap, used, "%#*.*f", width, p, value);
}

int timemory_component_format_value(int id, double value, int width, char* buf, size_t cap)
{
    if((id = tm__comp_index(id)) < 0 || (!buf && cap > 0)) return TIMEMORY_EINVAL;
    if(cap > 0) buf[0] = '\0';
    size_t n = tm_put_value(id, value, width, buf, cap, 0);
    return n > INT_MAX ? INT_MAX : (int)n;
}

int timemory_component_format_values(int id, const double* values, int n, char* buf, size_t cap)
{
    if((id = tm__comp_index(id)) < 0 || n < 0 || n > 2 || (n > 0 && !values) || (!buf && cap > 0))
        return TIMEMORY_EINVAL;
    if(cap > 0) buf[0] = '\0';
    const tm__component_row* row  = &tm__components[id];
    size_t                   used = 0;
    for(int i = 0; i < n; ++i)
    {
        if(i > 0) used = tm_appendf(buf, cap, used, ", ");
        used             = tm_put_value(id, values[i], -1, buf, cap, used);
        const char* unit = tm__display_unit(id, i);
        if(unit && *unit) used = tm_appendf(buf, cap, used, " %s", unit);
        const char* label = (n > 1 && row->labels[i]) ? row->labels[i] : row->label;
        if(label && *label) used = tm_appendf(buf, cap, used, " %s", label);
    }
    return used > INT_MAX ? INT_MAX : (int)used;
}
