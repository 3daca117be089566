/* result_group.c -- a run-time group written as one component: the members of a source that
 * stands for a table row (papi_vector: one member per event) are recorded as components of
 * their own, and their results are folded here into one result of that row whose values are
 * the members' in order (the text table's sub-rows, the JSON's arrays). */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* the members' entries are the same nodes in the same order (one set pushed them all) */
static bool tm__aligned(const tm__result* a, const tm__result* b)
{
    if(a->nentries != b->nentries || a->nparts || b->nparts) return false;
    for(size_t i = 0; i < a->nentries; ++i)
        if(a->entries[i].hash != b->entries[i].hash || a->entries[i].depth != b->entries[i].depth ||
           a->entries[i].laps != b->entries[i].laps)
            return false;
    return tm__group_trees_aligned(&a->root, &b->root);
}

int tm__results_fold_groups(tm__result* results, int n)
{
    for(int i = 0; i < n; ++i)
    {
        int owner = tm__component_owner(results[i].comp);
        if(owner < 0 || results[i].ngroup) continue;
        int first_id = 0, k = 0;
        if(timemory_component_source(tm__comp_id(results[i].comp), &first_id, &k) != TIMEMORY_OK)
            continue;
        int first = tm__comp_index(first_id);
        /* the members present, in member order */
        int  at[TIMEMORY_COMPONENT_RUNTIME_MAX];
        int  m  = 0;
        bool ok = true;
        for(int c = first; c < first + k; ++c)
            for(int j = i; j < n; ++j)
                if(results[j].comp == c && !results[j].ngroup)
                {
                    ok      = ok && tm__aligned(&results[i], &results[j]);
                    at[m++] = j;
                }
        if(!ok || m == 0) continue; /* written member by member */
        tm__result* members = malloc((size_t)m * sizeof(*members));
        if(!members) continue;
        for(int x = 0; x < m; ++x) members[x] = results[at[x]];
        tm__result group;
        memset(&group, 0, sizeof(group));
        group.comp         = owner;
        group.ngroup       = m;
        group.members      = members;
        group.entries      = members[0].entries;
        group.nentries     = members[0].nentries;
        group.thread_count = members[0].thread_count;
        group.pid          = members[0].pid;
        /* the group takes the place of its first result; the others leave the array */
        int lowest = at[0];
        for(int x = 1; x < m; ++x)
            if(at[x] < lowest) lowest = at[x];
        results[lowest] = group;
        int out         = 0;
        for(int j = 0; j < n; ++j)
        {
            bool gone = false;
            for(int x = 0; x < m; ++x) gone = gone || (at[x] == j && j != lowest);
            if(!gone) results[out++] = results[j];
        }
        n = out;
    }
    return n;
}
