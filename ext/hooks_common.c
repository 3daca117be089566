/* hooks_common.c -- the shared base of the profiler and the tracer: allocation-failure
 * counting and growth, the tick clock, the code-object table and the per-thread struct
 * registries. The filter configuration and labels are in hooks_config.c, the C callable types
 * and hook installation (PyEval_SetProfile/SetTrace on every thread, sys.monitoring) in
 * hooks_install.c. Owns no event handling: the profiler and the tracer files do that.
 * Policy: called with the GIL held; nothing here runs per event except the inline lookups. */
#include "hooks.h"

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------------------------ */
/* errors and growth                                                                           */

/* A dropped event (no memory in a hook): counted in the library's one sticky error state,
 * reported with the others at Profiler.stop/Tracer.stop, get(), report() and finalize. */
void tm_hook_note_error(void)
{
    timemory_note_error(TIMEMORY_ENOMEM);
}

int tm_hook_grow(void** buf, size_t* cap, size_t need, size_t elem)
{
    if(need <= *cap) return 0;
    size_t ncap = *cap ? *cap : 16;
    while(ncap < need) ncap *= 2;
    void* p = realloc(*buf, ncap * elem);
    if(!p) return -1;
    memset((char*)p + *cap * elem, 0, (ncap - *cap) * elem);
    *buf = p;
    *cap = ncap;
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* tick clock                                                                                  */

static int     tm_tsc_state; /* 0 unknown, 1 usable, -1 not */
static int64_t tm_tsc_anchor_ticks;
static int64_t tm_tsc_anchor_ns;

#if defined(__x86_64__)
/* the timeline's tick source: the engine converts the hooks' ticks at output */
static int64_t tm_tsc_now(void)
{
    return (int64_t)__builtin_ia32_rdtsc();
}
#endif

bool tm_hook_ticks_are_tsc(void)
{
#if defined(__x86_64__)
    if(tm_tsc_state == 0)
    {
        /* the kernel keeps tsc as its clock source only when it is invariant and in step
         * across CPUs; then a tick count converts to nanoseconds by one ratio */
        char  source[32] = { 0 };
        FILE* f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "r");
        if(f)
        {
            if(!fgets(source, sizeof(source), f)) source[0] = '\0';
            fclose(f);
        }
        tm_tsc_state = strncmp(source, "tsc", 3) == 0 && (source[3] == '\n' || !source[3]) ? 1 : -1;
        if(tm_tsc_state > 0)
        {
            tm_tsc_anchor_ns    = tm_hook_now_ns();
            tm_tsc_anchor_ticks = (int64_t)__builtin_ia32_rdtsc();
            timemory_timeline_set_tick_source(tm_tsc_now);
        }
    }
    return tm_tsc_state > 0;
#else
    return false;
#endif
}

double tm_hook_ticks_to_ns(void)
{
    if(!tm_hook_ticks_are_tsc()) return 1.0;
    int64_t ns    = tm_hook_now_ns();
    int64_t ticks = tm_hook_ticks(true);
    /* too short a span to measure the ratio yet: wait a little (first use only) */
    while(ns - tm_tsc_anchor_ns < 1000000)
    {
        ns    = tm_hook_now_ns();
        ticks = tm_hook_ticks(true);
    }
    if(ticks <= tm_tsc_anchor_ticks) return 1.0;
    return (double)(ns - tm_tsc_anchor_ns) / (double)(ticks - tm_tsc_anchor_ticks);
}

/* ------------------------------------------------------------------------------------------ */
/* code-object table                                                                           */

static int tm_code_table_resize(tm_code_table* t, size_t cap)
{
    tm_code_slot* slots = calloc(cap, sizeof(tm_code_slot));
    if(!slots) return -1;
    unsigned bits = 0;
    while(((size_t)1 << bits) < cap) ++bits;
    unsigned shift = 64 - bits;
    size_t   mask  = cap - 1;
    for(size_t i = 0; t->slots && i <= t->mask; ++i)
    {
        tm_code_slot* s = &t->slots[i];
        if(!s->code) continue;
        size_t j = (size_t)(((uintptr_t)s->code * UINT64_C(0x9E3779B97F4A7C15)) >> shift);
        while(slots[j].code) j = (j + 1) & mask;
        slots[j] = *s;
    }
    free(t->slots);
    t->slots = slots;
    t->mask  = mask;
    t->shift = shift;
    return 0;
}

int tm_code_table_put(tm_code_table* t, PyObject* code, void* value)
{
    /* load factor <= 1/2 keeps the probe sequences short */
    if(!t->slots || (t->count + 1) * 2 > t->mask + 1)
    {
        size_t cap = t->slots ? (t->mask + 1) * 2 : 1024;
        if(tm_code_table_resize(t, cap) < 0) return -1;
    }
    size_t i = (size_t)(((uintptr_t)code * UINT64_C(0x9E3779B97F4A7C15)) >> t->shift);
    while(t->slots[i].code && t->slots[i].code != code) i = (i + 1) & t->mask;
    if(!t->slots[i].code)
    {
        Py_INCREF(code);
        t->slots[i].code = code;
        ++t->count;
    }
    t->slots[i].value = value;
    return 0;
}

void tm_code_table_clear(tm_code_table* t, void (*free_value)(void*))
{
    tm_code_slot* slots = t->slots;
    size_t        n     = slots ? t->mask + 1 : 0;
    /* detach first: releasing a code object may run arbitrary finalizers */
    t->slots = NULL;
    t->mask  = 0;
    t->count = 0;
    t->shift = 0;
    for(size_t i = 0; i < n; ++i)
    {
        if(!slots[i].code) continue;
        if(free_value && slots[i].value) free_value(slots[i].value);
        Py_DECREF(slots[i].code);
    }
    free(slots);
}

/* ------------------------------------------------------------------------------------------ */
/* per-thread registries                                                                       */

static void tm_thread_exit(void* p)
{
    if(p) atomic_store(&((tm_thread_link*)p)->dead, 1);
}

int tm_thread_registry_add(tm_thread_registry* reg, tm_thread_link* link)
{
    if(!reg->key_ready)
    {
        pthread_key_t key;
        if(pthread_key_create(&key, tm_thread_exit) != 0) return -1;
        reg->key       = (unsigned long)key;
        reg->key_ready = true;
    }
    atomic_store(&link->dead, 0);
    pthread_setspecific((pthread_key_t)reg->key, link);
    link->next = reg->head;
    reg->head  = link;
    return 0;
}

size_t tm_thread_registry_reap(tm_thread_registry* reg, void (*free_fn)(tm_thread_link*))
{
    size_t           live = 0;
    tm_thread_link** pp   = &reg->head;
    while(*pp)
    {
        tm_thread_link* link = *pp;
        if(atomic_load(&link->dead))
        {
            *pp = link->next;
            free_fn(link);
        }
        else
        {
            ++live;
            pp = &link->next;
        }
    }
    return live;
}
