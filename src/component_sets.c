/* component_sets.c -- public ids and the engine's dense index, and the public sets of
 * components (timemory_component_set) built from ids. A row's index is its position in the
 * table, a registered component's follows the table's (component_register.c); the public id
 * is the table's value column (the seed's component.id) or the id registration gave. Never on
 * the hot path: sets are built once and handed to push.
 */
#include "internal.h"

/* public id -> index + 1. A duplicated value is a duplicate designated initializer
 * (-Woverride-init stops the build); a value past the table's id range does not compile. */
#define TM_ROW_INDEX(ENUM, value, ...) [value] = TM__POS_##ENUM + 1,
static const uint8_t tm_table_index[TIMEMORY_COMPONENT_RUNTIME_FIRST] = { TIMEMORY_COMPONENTS(
    TM_ROW_INDEX) };
#undef TM_ROW_INDEX
_Static_assert(TM_NTABLE < 255, "tm_table_index holds index + 1 in a byte");

/* The seed's ids 0..63 are the first 64 rows in order, so a mask of them (the compact
 * timemory_components_t) is the first word of a set as it is. 64 is the seed's end marker of
 * id lists (TIMEMORY_COMPONENTS_END, compiled into its callers): no row takes it. */
#define TM_ROW_SEED_ORDER(ENUM, value, ...)                                                        \
    _Static_assert((value) >= 64 || TM__POS_##ENUM == (value), "rows 0..63 in id order");          \
    _Static_assert((value) != TIMEMORY_COMPONENTS_END, "id 64 is TIMEMORY_COMPONENTS_END");
TIMEMORY_COMPONENTS(TM_ROW_SEED_ORDER)
#undef TM_ROW_SEED_ORDER

int tm__comp_index(int id)
{
    if(id >= 0 && id < TIMEMORY_COMPONENT_RUNTIME_FIRST) return (int)tm_table_index[id] - 1;
    int idx = TM_NTABLE + (id - TIMEMORY_COMPONENT_RUNTIME_FIRST);
    return id >= TIMEMORY_COMPONENT_RUNTIME_FIRST && idx < tm__ncomp() ? idx : -1;
}

/* ---- sets of public ids --------------------------------------------------------------------- */

int timemory_component_set_add(timemory_component_set* set, int id)
{
    int idx = tm__comp_index(id);
    if(!set || idx < 0) return TIMEMORY_EINVAL;
    tm__cset_add(set, idx);
    return TIMEMORY_OK;
}

int timemory_component_set_remove(timemory_component_set* set, int id)
{
    int idx = tm__comp_index(id);
    if(!set || idx < 0) return TIMEMORY_EINVAL;
    set->bits[idx >> 6] &= ~((uint64_t)1 << (idx & 63));
    return TIMEMORY_OK;
}

bool timemory_component_set_has(const timemory_component_set* set, int id)
{
    int idx = tm__comp_index(id);
    return set && idx >= 0 && tm__cset_has(set, idx);
}

int timemory_component_set_next(const timemory_component_set* set, int after)
{
    if(!set) return -1;
    int from = after < 0 ? -1 : tm__comp_index(after);
    if(after >= 0 && from < 0) return -1;
    int idx = tm__cset_next(set, from);
    return idx >= 0 && idx < tm__ncomp() ? tm__comp_id(idx) : -1;
}

int timemory_component_set_count(const timemory_component_set* set)
{
    return set ? tm__cset_count(set) : 0;
}

timemory_component_set timemory_component_set_from_mask(timemory_components_t mask)
{
    timemory_component_set set = { { 0 } };
    set.bits[0]                = mask;
    return set;
}

timemory_components_t timemory_component_set_to_mask(const timemory_component_set* set)
{
    return set ? set->bits[0] : 0;
}
