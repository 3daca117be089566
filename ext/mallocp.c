/* mallocp.c -- Python's allocations per region: PyMem_SetAllocator hooks feeding malloc_gotcha.
 *
 * Owns the hooks of the PYMEM_DOMAIN_MEM and PYMEM_DOMAIN_OBJ allocators (each calls the
 * allocator it replaced), the table of the blocks whose allocation they recorded (address ->
 * size asked for, so that a free knows its bytes: Python's object allocator has no usable-size
 * call), and the module functions start_mallocp, stop_mallocp and _mallocp_stats.
 * What is recorded: PyMem_Malloc/PyObject_Malloc as "malloc", the Calloc pair as "calloc"
 * (nelem * size), the Realloc pair as "realloc" (the new size) and the Free pair as "free"
 * with the size of a block allocated while recording; the frees of other blocks are not
 * recorded (their size is unknown). The raw domain is not hooked: it is malloc itself, which the
 * interposer library counts when it is preloaded, and Python's object allocator passes its large
 * blocks to it (hooking both would count them twice). While a hook calls the allocator below
 * it the thread is held (timemory_alloc_hold), so a preloaded interposer does not count the
 * same bytes again.
 * Policy: the hooks run with the GIL held (the MEM and OBJ domains require it), create no
 * Python object and allocate nothing: the table is one mmap'd block made at the first start and
 * emptied when the last start stops; a full table leaves blocks untracked (counted). The hooks
 * are installed at a start (or at import when tracking runs already: the interposer preloaded
 * starts at load) and removed when the last start stops, unless another allocator was
 * installed over them meanwhile (then they stay, passing every call through, until the next
 * start). On a free-threaded build (no GIL) start_mallocp raises: the table needs the GIL.
 */
#include "ext.h"
#include "timemory/mallocp.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

/* ---- the blocks allocated while recording: open addressing, linear probing -------------- */

#define TM_MP_BITS 20
#define TM_MP_CAP  ((size_t)1 << TM_MP_BITS)

typedef struct tm_mp_slot {
    uintptr_t addr; /* 0: empty */
    size_t    size;
} tm_mp_slot;

static tm_mp_slot* tm_mp_table;
static size_t      tm_mp_count;
static size_t      tm_mp_untracked; /* blocks not tracked: table full (or not made) */

static inline size_t tm_mp_home(uintptr_t addr)
{
    return (size_t)(((uint64_t)addr * 0x9e3779b97f4a7c15ull) >> (64 - TM_MP_BITS));
}

static void tm_mp_track(void* p, size_t size)
{
    if(!tm_mp_table || tm_mp_count >= TM_MP_CAP / 4 * 3)
    {
        ++tm_mp_untracked;
        return;
    }
    uintptr_t a = (uintptr_t)p;
    size_t    i = tm_mp_home(a);
    while(tm_mp_table[i].addr != 0 && tm_mp_table[i].addr != a) i = (i + 1) & (TM_MP_CAP - 1);
    if(tm_mp_table[i].addr == 0) ++tm_mp_count;
    tm_mp_table[i].addr = a;
    tm_mp_table[i].size = size;
}

/* Removes p (backward-shift deletion: no tombstones); its size in *size. */
static bool tm_mp_untrack(void* p, size_t* size)
{
    if(tm_mp_count == 0) return false;
    uintptr_t a    = (uintptr_t)p;
    size_t    mask = TM_MP_CAP - 1;
    size_t    i    = tm_mp_home(a);
    while(tm_mp_table[i].addr != a)
    {
        if(tm_mp_table[i].addr == 0) return false;
        i = (i + 1) & mask;
    }
    *size = tm_mp_table[i].size;
    for(size_t j = (i + 1) & mask; tm_mp_table[j].addr != 0; j = (j + 1) & mask)
    {
        size_t home = tm_mp_home(tm_mp_table[j].addr);
        /* the entry at j may move back to i when its home is not in (i, j] (cyclically) */
        bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
        if(stays) continue;
        tm_mp_table[i] = tm_mp_table[j];
        i              = j;
    }
    tm_mp_table[i].addr = 0;
    --tm_mp_count;
    return true;
}

static void tm_mp_table_clear(void)
{
    /* the pages go back to the system and read as zeros again */
    if(tm_mp_table && tm_mp_count)
        madvise(tm_mp_table, TM_MP_CAP * sizeof(tm_mp_slot), MADV_DONTNEED);
    tm_mp_count     = 0;
    tm_mp_untracked = 0;
}

/* ---- the hooks ---------------------------------------------------------------------------- */

typedef struct tm_mp_domain {
    PyMemAllocatorDomain domain;
    PyMemAllocatorEx     prev;
    bool                 installed;
} tm_mp_domain;

static tm_mp_domain tm_mp_domains[2] = { { PYMEM_DOMAIN_MEM, { 0 }, false },
                                         { PYMEM_DOMAIN_OBJ, { 0 }, false } };

static inline bool tm_mp_recording(void)
{
    return __atomic_load_n(&timemory_mallocp_active, __ATOMIC_RELAXED) != 0 &&
           timemory_alloc_hold == 0;
}

static void* tm_mp_malloc(void* ctx, size_t n)
{
    const PyMemAllocatorEx* prev = &((tm_mp_domain*)ctx)->prev;
    if(!tm_mp_recording()) return prev->malloc(prev->ctx, n);
    ++timemory_alloc_hold;
    void* p = prev->malloc(prev->ctx, n);
    --timemory_alloc_hold;
    if(p && timemory_alloc_event(TIMEMORY_ALLOC_MALLOC, n) == TIMEMORY_OK) tm_mp_track(p, n);
    return p;
}

static void* tm_mp_calloc(void* ctx, size_t nelem, size_t size)
{
    const PyMemAllocatorEx* prev = &((tm_mp_domain*)ctx)->prev;
    if(!tm_mp_recording()) return prev->calloc(prev->ctx, nelem, size);
    ++timemory_alloc_hold;
    void* p = prev->calloc(prev->ctx, nelem, size);
    --timemory_alloc_hold;
    if(p && timemory_alloc_event(TIMEMORY_ALLOC_CALLOC, nelem * size) == TIMEMORY_OK)
        tm_mp_track(p, nelem * size);
    return p;
}

static void* tm_mp_realloc(void* ctx, void* p, size_t n)
{
    const PyMemAllocatorEx* prev = &((tm_mp_domain*)ctx)->prev;
    if(!tm_mp_recording()) return prev->realloc(prev->ctx, p, n);
    size_t old     = 0;
    bool   tracked = p && tm_mp_untrack(p, &old);
    ++timemory_alloc_hold;
    void* q = prev->realloc(prev->ctx, p, n);
    --timemory_alloc_hold;
    if(!q)
    {
        if(tracked) tm_mp_track(p, old); /* p is still allocated */
        return NULL;
    }
    if(timemory_alloc_event(TIMEMORY_ALLOC_REALLOC, n) == TIMEMORY_OK) tm_mp_track(q, n);
    return q;
}

static void tm_mp_free(void* ctx, void* p)
{
    const PyMemAllocatorEx* prev = &((tm_mp_domain*)ctx)->prev;
    if(!p || !tm_mp_recording())
    {
        prev->free(prev->ctx, p);
        return;
    }
    size_t size;
    if(tm_mp_untrack(p, &size)) (void)timemory_alloc_event(TIMEMORY_ALLOC_FREE, size);
    ++timemory_alloc_hold;
    prev->free(prev->ctx, p);
    --timemory_alloc_hold;
}

__attribute__((unused)) static void tm_mp_install(void)
{
    for(int i = 0; i < 2; ++i)
    {
        tm_mp_domain* d = &tm_mp_domains[i];
        if(d->installed) continue;
        PyMem_GetAllocator(d->domain, &d->prev);
        PyMemAllocatorEx ours = { d, tm_mp_malloc, tm_mp_calloc, tm_mp_realloc, tm_mp_free };
        PyMem_SetAllocator(d->domain, &ours);
        d->installed = true;
    }
}

/* Puts back what the hooks replaced, where they are still the domain's allocator. */
static void tm_mp_uninstall(void)
{
    for(int i = 1; i >= 0; --i)
    {
        tm_mp_domain*    d = &tm_mp_domains[i];
        PyMemAllocatorEx now;
        PyMem_GetAllocator(d->domain, &now);
        if(!d->installed || now.malloc != tm_mp_malloc || now.ctx != d) continue;
        PyMem_SetAllocator(d->domain, &d->prev);
        d->installed = false;
    }
}

/* ---- module functions --------------------------------------------------------------------- */

__attribute__((unused)) static void tm_mp_table_map(void)
{
    if(tm_mp_table) return;
    void* t     = mmap(NULL, TM_MP_CAP * sizeof(tm_mp_slot), PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    tm_mp_table = t == MAP_FAILED ? NULL : t; /* without it frees are not recorded */
}

uint64_t tm_mallocp_start(void)
{
#ifdef Py_GIL_DISABLED
    PyErr_SetString(PyExc_RuntimeError,
                    "start_mallocp: the Python allocation hooks need the GIL (this is a "
                    "free-threaded build)");
    return 0;
#else
    tm_mp_table_map();
    uint64_t id = timemory_start_mallocp();
    if(id != 0) tm_mp_install();
    return id;
#endif
}

uint64_t tm_mallocp_stop(uint64_t id)
{
    uint64_t remaining = timemory_stop_mallocp(id);
    if(remaining == 0)
    {
        tm_mp_uninstall();
        tm_mp_table_clear();
    }
    return remaining;
}

static PyObject* tm_py_start_mallocp(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    uint64_t id = tm_mallocp_start();
    return id == 0 && PyErr_Occurred() ? NULL : PyLong_FromUnsignedLongLong(id);
}

static PyObject* tm_py_stop_mallocp(PyObject* self, PyObject* arg)
{
    (void)self;
    unsigned long long id = PyLong_AsUnsignedLongLong(arg);
    if(id == (unsigned long long)-1 && PyErr_Occurred())
    {
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError, "stop_mallocp: the id must be an int >= 0, not %R", arg);
        return NULL;
    }
    return PyLong_FromUnsignedLongLong(tm_mallocp_stop(id));
}

static PyObject* tm_py_mallocp_stats(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    bool installed = tm_mp_domains[0].installed || tm_mp_domains[1].installed;
    return Py_BuildValue(
        "{s:K,s:K,s:K,s:O}", "active", (unsigned long long)timemory_mallocp_count(), "tracked",
        (unsigned long long)tm_mp_count, "untracked", (unsigned long long)tm_mp_untracked,
        "installed", installed ? Py_True : Py_False);
}

static PyMethodDef tm_py_mallocp_methods[] = {
    { "start_mallocp", tm_py_start_mallocp, METH_NOARGS,
      "start_mallocp($module, /)\n--\n\nStart recording allocations (malloc_gotcha entries "
      "under the current region); returns this start's id (0: not started)" },
    { "stop_mallocp", tm_py_stop_mallocp, METH_O,
      "stop_mallocp($module, idx, /)\n--\n\nStop the start idx; returns the starts still "
      "active (0: recording has stopped)" },
    { "_mallocp_stats", tm_py_mallocp_stats, METH_NOARGS,
      "_mallocp_stats($module, /)\n--\n\nThe allocation hooks' state: active starts, blocks "
      "tracked and untracked, whether the hooks are installed" },
    { NULL, NULL, 0, NULL },
};

int tm_py_add_mallocp(PyObject* module)
{
    /* started already (libtimemory-mallocp preloaded starts at load): Python's allocations
     * are recorded too, from the import on */
#ifndef Py_GIL_DISABLED
    if(timemory_mallocp_count() > 0)
    {
        tm_mp_table_map();
        tm_mp_install();
    }
#endif
    return PyModule_AddFunctions(module, tm_py_mallocp_methods);
}
