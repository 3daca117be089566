/* fuzz_json_reader.c -- libFuzzer target for the JSON reader (json_reader.c) and, on what it
 * parses, the flat-schema check of difference output (diff.c) for every component, and the
 * difference of that input against itself. Owns nothing else. Small limits keep each input
 * fast; a crash, leak or sanitizer report is a bug in the reader or the schema check.
 */
#include "internal.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    tm__json_limits limits = { 1u << 20, 1u << 16, 64 };
    tm__json_error  err;
    tm__jtree*      tree = tm__jtree_parse((const char*)data, size, &limits, &err);
    if(!tree)
    {
        /* every failure explains itself */
        if(err.message[0] == '\0') abort();
        return 0;
    }
    const tm__jnode* root = tm__jtree_root(tree);
    if(!root) abort();
    for(int comp = 0; comp < TM_NTABLE; ++comp)
    {
        if(!tm__components[comp].name) continue;
        tm__result prev;
        char       why[256];
        if(tm__diff_load(root, comp, &prev, why, sizeof(why)) != TIMEMORY_OK)
        {
            if(why[0] == '\0') abort();
            continue;
        }
        /* a run compared with itself: every entry finds its match */
        tm__result diff;
        if(tm__diff_compute(&prev, &prev, "fuzz.json", &diff) == TIMEMORY_OK)
        {
            if(diff.nentries != prev.nentries) abort();
            tm__buf text;
            tm__buf_init(&text);
            tm__write_text(&text, &diff);
            tm__buf_free(&text);
            tm__result_free(&diff);
        }
        tm__result_free(&prev);
    }
    tm__jtree_free(tree);
    return 0;
}
