/* components.h -- the component table: one row per component, in the seed's enumeration order.
 *
 * Everything about a component that is not code lives here: enum value, names, label, units,
 * flags, how it is sampled and what it needs. The C enum, the name lookups, the Python classes,
 * component.id and the .pyi stub are all generated from this one table.
 */
#ifndef TIMEMORY_COMPONENTS_H
#define TIMEMORY_COMPONENTS_H

/* X(ENUM, value, name, class_name, label, ids, source, nvalues, flags,
 *   unit0, repr0, label0, unit1, repr1, label1, needs, description)
 *
 * ENUM      suffix of TIMEMORY_<ENUM> (also the upper-case enum name)
 * value     the public id: seed enumeration value (0..63); new rows take 65.. (64 is
 *           TIMEMORY_COMPONENTS_END, the end marker of id lists) and stay below
 *           TIMEMORY_COMPONENT_RUNTIME_FIRST)
 * name      primary string id ("wall_clock"); class_name ("WallClock"); label ("wall")
 * ids       extra accepted string ids, comma-separated ("" for none)
 * source    how it samples: TM_SRC_<source> (see src/components.c)
 * nvalues   0 marker (no value), 1 scalar, 2 pair / 2-array
 * flags     TIMEMORY_CFLAG_* bits
 * unitN     built-in unit multiplier of element N (1 = sec, 1e6 = MB, 0 = none)
 * reprN     built-in display unit of element N ("sec", "MB", "%", "")
 * labelN    per-element label for multi-valued components (NULL for scalars)
 * needs     NULL when measured on Linux; else why it is not available here
 * description  banner / docstring text
 */
#define TIMEMORY_COMPONENTS(X) TIMEMORY_COMPONENTS_TABLE(X)

#include "timemory/component_table.h"

/* Public ids: the `value` column (the seed's component.id, stable across versions). */
enum timemory_component {
#define TIMEMORY_COMPONENT_ENUM(ENUM, value, ...) TIMEMORY_##ENUM = value,
    TIMEMORY_COMPONENTS(TIMEMORY_COMPONENT_ENUM)
#undef TIMEMORY_COMPONENT_ENUM
        TIMEMORY_COMPONENTS_END = 64 /* the seed's end marker (variadic id lists end with it) */
};

/* The number of table rows, counted from the table. */
enum {
#define TIMEMORY_COMPONENT_COUNT_ROW(...) +1
    TIMEMORY_COMPONENT_TABLE_SIZE = 0 TIMEMORY_COMPONENTS(TIMEMORY_COMPONENT_COUNT_ROW)
#undef TIMEMORY_COMPONENT_COUNT_ROW
};

/* Components registered at run time (timemory_component_register): at most this many, with
 * public ids from TIMEMORY_COMPONENT_RUNTIME_FIRST up (table values stay below it). */
#define TIMEMORY_COMPONENT_RUNTIME_MAX   64
#define TIMEMORY_COMPONENT_RUNTIME_FIRST 256
/* Every component the library can hold: the table rows, then the run-time ones. A set has one
 * bit per component; the bit is the library's dense index, not the public id (a row's position
 * in the table, then registration order), so sets are built with the functions of timemory.h
 * (timemory_component_set_add, ..._from_mask) rather than by shifting ids. */
#define TIMEMORY_COMPONENT_CAPACITY  (TIMEMORY_COMPONENT_TABLE_SIZE + TIMEMORY_COMPONENT_RUNTIME_MAX)
#define TIMEMORY_COMPONENT_SET_WORDS ((TIMEMORY_COMPONENT_CAPACITY + 63) / 64)

/* ---------------------------------------------------------------------------------------- */
/* The rules every layer shares: name lookup, suggestions, display format, sampling. The
 * Python extension and the package call these instead of keeping copies (src/components.c). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef TIMEMORY_API
#    if defined(__GNUC__)
#        define TIMEMORY_API __attribute__((visibility("default")))
#    else
#        define TIMEMORY_API
#    endif
#endif

/* Up to max primary names ("wall_clock") of the components whose names or ids are closest to
 * an unknown name, closest first, each once ("did you mean: ..."). Returns the count (0: none
 * plausible); the strings live as long as the process. */
TIMEMORY_API int timemory_component_suggest(const char* name, const char** out, int max);

/* The output format in effect for a component: minimum width, precision, scientific notation
 * (the component's defaults overridden by the width/precision/scientific settings and their
 * timing_ or memory_ variants; a negative setting means "not set", 0 is a value). Any
 * pointer may be NULL. */
TIMEMORY_API int timemory_component_format(int id, int* width, int* precision, bool* scientific);
/* One display value as the text table prints it: fixed or scientific with the component's
 * precision and a decimal point always shown ("%#.*f"), whole numbers for counts; right-aligned
 * in width characters (-1: the component's width, 0: no padding). snprintf conventions: the
 * length it needs is returned, at most cap - 1 characters are written. */
TIMEMORY_API int timemory_component_format_value(int id, double value, int width, char* buf,
                                                 size_t cap);
/* "   6.534 sec wall" / "   5.116 MB start peak rss,    5.120 MB stop peak rss": n (1 or 2)
 * display values with their display units and labels, as a component object's str() and the
 * Python bundles print them. snprintf conventions. */
TIMEMORY_API int timemory_component_format_values(int id, const double* values, int n, char* buf,
                                                  size_t cap);

/* Components with the original's sample() (memory and I/O levels): value = accum =
 * max(value, record()), element 0 only. TIMEMORY_EINVAL for the others. */
TIMEMORY_API bool timemory_component_can_sample(int id);
TIMEMORY_API int  timemory_component_sample(int id, int64_t value[2], int64_t accum[2]);

/* ---------------------------------------------------------------------------------------- */
/* Components registered at run time: a plugin adds components without a table row. One spec
 * registers a source of nmembers components read by one call: read(context, values) fills
 * values[0 .. nmembers) with the members' readings now (integers in base units: ns with
 * TIMING, bytes with MEMORY, else counts) and returns 0, or a negative TIMEMORY_E* code (the
 * sample's values are then 0 and the failure counts as a hot-path error). A sample of a set
 * calls read once per source, whatever number of its members the set holds (a hardware
 * counter group: one read(2) per sample, one member per event). read runs on the hot path of
 * every push and pop: no allocation, no lock, async-signal-safe is not required.
 * Each member is then a component like the table's: found by name, in sets, recorded by push
 * and pop (value = stop - start, summed over laps), written to the text table and JSON under
 * its name. */
typedef int (*timemory_component_read_fn)(void* context, int64_t* values);

typedef struct timemory_component_spec {
    const char*        name;        /* the source (one member: the member's primary id) */
    const char*        description; /* banner / docstring text (NULL: "") */
    unsigned           flags; /* TIMEMORY_CFLAG_* (TIMING, MEMORY, INTEGER, ...) of every member */
    const char*        unit_repr;    /* display unit of a member without TIMING/MEMORY (NULL: "") */
    double             unit_value;   /* its multiplier, JSON unit_value (0: 1) */
    int                nmembers;     /* 1 .. TIMEMORY_COMPONENT_RUNTIME_MAX (0: 1) */
    const char* const* member_names; /* nmembers primary ids (NULL with nmembers 1: name) */
    const char* const* member_labels; /* labels (file names, METRIC column); NULL: the names */
    timemory_component_read_fn read;
    void*                      context;
} timemory_component_spec;

/* Registers spec's members (names and labels are copied): returns the public id of the first
 * (the others follow it: first + i is member i), from TIMEMORY_COMPONENT_RUNTIME_FIRST up;
 * TIMEMORY_EINVAL for a bad spec (a name empty or not [A-Za-z0-9_], taken by another
 * component's name or id, no read function, an unknown flag) and TIMEMORY_ERANGE when the
 * room for run-time components (TIMEMORY_COMPONENT_RUNTIME_MAX) is used up, each with a
 * warning naming the cause. Registered members last as long as the process. */
TIMEMORY_API int timemory_component_register(const timemory_component_spec* spec);
/* The source a public id belongs to: its first member's id and its member count (1 for the
 * table's components). TIMEMORY_EINVAL for an unknown id. */
TIMEMORY_API int timemory_component_source(int id, int* first, int* nmembers);

#ifdef __cplusplus
}
#endif

#endif /* TIMEMORY_COMPONENTS_H */
