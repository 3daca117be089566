/* output_dart.c -- the DartMeasurement tags CDash reads from stdout (dart_output, OUTPUT.md §7):
 * one tag per entry and value (dart_type, dart_count, dart_label), named by the component's
 * label and the entry's hierarchy (its labels from the root, each cleaned) and the unit.
 * When they are printed, in a component's outputs, is output.c's.
 */
#include "internal.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The measure's name in a DartMeasurement tag (OUTPUT.md §7). */
static void tm__dart_name(tm__buf* b, const tm__result* r, int idx, const char* hierarchy)
{
    const tm__component_row* row       = &tm__components[r->comp];
    const char*              unit      = timemory_component_display_unit(r->comp, idx);
    bool                     show_unit = unit && *unit && strcmp(unit, "%") != 0;
    if(tm__settings.dart_label)
        tm__buf_puts(b, row->label);
    else
    {
        for(const char* p = row->label; *p; ++p) tm__buf_putc(b, (char)toupper((unsigned char)*p));
        tm__buf_printf(b, "//%s", hierarchy);
    }
    if(show_unit) tm__buf_printf(b, "//%s", unit);
}

/* One label as it appears in H: decoration removed, blanks and brackets made '_' */
static char* tm__dart_clean(const char* label)
{
    char* part = tm__strdup(label ? label : "");
    if(!part) return NULL;
    char* p;
    while((p = strstr(part, ">>>")) != NULL) memmove(p, p + 3, strlen(p + 3) + 1);
    while((p = strstr(part, "|_")) != NULL) memmove(p, p + 2, strlen(p + 2) + 1);
    for(p = part; *p; ++p)
        if(strchr("\t \n<>", *p)) *p = '_';
    tm__collapse_repeats(part, "__");
    size_t n = strlen(part);
    if(n > 0 && part[n - 1] == '_') part[n - 1] = '\0';
    return part;
}

#define TM_DART_CHAIN 512 /* deeper entries are named by their own label */

/* H of the dart name: the labels root..entry concatenated, each cleaned on its own (OUTPUT.md
 * §7); the parents are the nearest entries one level up, each before the next. */
static char* tm__dart_hierarchy_scan(const tm__result* r, size_t idx)
{
    const char* chain[TM_DART_CHAIN];
    int         depth = r->entries[idx].depth;
    chain[depth]      = r->entries[idx].label;
    int want          = depth - 1;
    for(size_t j = idx; j-- > 0 && want >= 0;)
        if(r->entries[j].depth == want) chain[want--] = r->entries[j].label;
    tm__buf b;
    tm__buf_init(&b);
    for(int d = want + 1; d <= depth; ++d)
    {
        char* part = tm__dart_clean(chain[d]);
        if(part) tm__buf_puts(&b, part);
        free(part);
    }
    return tm__buf_take(&b);
}

/* The same from the cleaned label of the last entry seen at each depth (clean[d], entry
 * pos[d], SIZE_MAX when none): linear in the name. Entries of the pre-order list of a result
 * always find their parents there; anything else is scanned for. */
static char* tm__dart_hierarchy(const tm__result* r, size_t idx, char* const* clean,
                                const size_t* pos)
{
    int depth = r->entries[idx].depth;
    if(depth < 0 || depth >= TM_DART_CHAIN) return tm__strdup(r->entries[idx].label);
    int top = depth;
    while(top > 0 && pos[top - 1] != SIZE_MAX && pos[top - 1] < pos[top]) --top;
    if(top > 0 && pos[top - 1] != SIZE_MAX) return tm__dart_hierarchy_scan(r, idx);
    tm__buf b;
    tm__buf_init(&b);
    for(int d = top; d <= depth; ++d)
        if(clean[d]) tm__buf_puts(&b, clean[d]);
    return tm__buf_take(&b);
}

void tm__dart(const tm__result* r)
{
    const tm__component_row* row  = &tm__components[r->comp];
    char*                    type = tm__setting_string_copy(&tm__settings.dart_type);
    if(type && *type && strcasecmp(type, row->label) != 0 && strcasecmp(type, row->name) != 0)
    {
        free(type);
        return;
    }
    free(type);
    int  width = 8, precision = 3;
    bool scientific = false;
    tm__format(r->comp, &width, &precision, &scientific);
    if(precision < 1) precision = 1;
    int                k     = (row->labels[0] && row->labels[1]) ? 2 : 1;
    unsigned long long limit = (unsigned long long)tm__settings.dart_count;
    unsigned long long shown = 0;
    char*              clean[TM_DART_CHAIN];
    size_t             pos[TM_DART_CHAIN];
    for(int d = 0; d < TM_DART_CHAIN; ++d)
    {
        clean[d] = NULL;
        pos[d]   = SIZE_MAX;
    }
    for(size_t i = 0; i < r->nentries && (limit == 0 || shown < limit); ++i)
    {
        const tm__entry* e     = &r->entries[i];
        long long        depth = e->depth;
        if(!tm__settings.dart_label && depth >= 0 && depth < TM_DART_CHAIN)
        {
            free(clean[depth]);
            clean[depth] = tm__dart_clean(e->label);
            pos[depth]   = i;
        }
        if(e->laps == 0 || depth < 0 || depth > (long long)tm__settings.max_depth) continue;
        double v[2] = { 0.0, 0.0 };
        tm__get(r->comp, e->accum, v);
        char*   hierarchy = tm__settings.dart_label ? NULL : tm__dart_hierarchy(r, i, clean, pos);
        tm__buf names;
        tm__buf_init(&names);
        for(int j = 0; j < k; ++j)
        {
            if(j > 0) tm__buf_putc(&names, ',');
            tm__dart_name(&names, r, j, hierarchy ? hierarchy : "");
        }
        for(int j = 0; j < k; ++j)
        {
            printf("<DartMeasurement type=\"numeric/double\" name=\"");
            if(k > 1) printf("INDEX_%d ", j);
            if(row->flags & TIMEMORY_CFLAG_INTEGER) /* a count: every digit */
                printf("%s\">%.0f</DartMeasurement>\n", names.data ? names.data : "", v[j]);
            else
                printf("%s\">%.*g</DartMeasurement>\n", names.data ? names.data : "", precision,
                       v[j]);
        }
        tm__buf_free(&names);
        free(hierarchy);
        ++shown;
    }
    for(int d = 0; d < TM_DART_CHAIN; ++d) free(clean[d]);
}
