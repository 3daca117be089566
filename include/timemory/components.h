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
 * value     seed enumeration value (0..63)
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

enum timemory_component {
#define TIMEMORY_COMPONENT_ENUM(ENUM, value, ...) TIMEMORY_##ENUM = value,
    TIMEMORY_COMPONENTS(TIMEMORY_COMPONENT_ENUM)
#undef TIMEMORY_COMPONENT_ENUM
        TIMEMORY_COMPONENTS_END = 64
};

#endif /* TIMEMORY_COMPONENTS_H */
