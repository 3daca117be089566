/* timemory_mallocp.c -- libtimemory-mallocp: a C program's allocations per region.
 *
 * Owns the interposed allocation functions (malloc, calloc, realloc, free, posix_memalign,
 * aligned_alloc, memalign, valloc, pvalloc, reallocarray): each calls the next definition in
 * the lookup order (dlsym(RTLD_NEXT): glibc's, or another allocator's) and reports the call to
 * libtimemory (timemory_alloc_note, include/timemory/mallocp.h): the bytes asked for, or for
 * free the usable size of the block released. It also owns the bootstrap buffer that serves
 * dlsym's own allocations while the real functions are being looked up, and the start when the
 * library is loaded (TIMEMORY_MALLOCP_AUTOSTART=OFF: the program calls timemory_start_mallocp).
 * Policy: a call while stopped costs a load and a test; while recording, a hold check and the
 * event -- no lock, no allocation, no string. The thread is held while the real function
 * runs, so what an allocator built on malloc asks for (a Python object allocator under its
 * own hooks, a C++ operator new) is counted once, at the outermost call.
 * How it gets in: LD_PRELOAD=libtimemory-mallocp.so, or linked before libc (-ltimemory-mallocp).
 */
#include "timemory/mallocp.h"

#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define TM_EXPORT      __attribute__((visibility("default")))
#define TM_UNLIKELY(x) __builtin_expect(!!(x), 0)

typedef void* (*tm_malloc_fn)(size_t);
typedef void* (*tm_calloc_fn)(size_t, size_t);
typedef void* (*tm_realloc_fn)(void*, size_t);
typedef void (*tm_free_fn)(void*);
typedef int (*tm_posix_memalign_fn)(void**, size_t, size_t);
typedef void* (*tm_aligned_fn)(size_t, size_t);
typedef void* (*tm_valloc_fn)(size_t);
typedef void* (*tm_reallocarray_fn)(void*, size_t, size_t);
typedef size_t (*tm_usable_fn)(void*);

static tm_malloc_fn         tm_real_malloc;
static tm_calloc_fn         tm_real_calloc;
static tm_realloc_fn        tm_real_realloc;
static tm_free_fn           tm_real_free;
static tm_posix_memalign_fn tm_real_posix_memalign;
static tm_aligned_fn        tm_real_aligned_alloc;
static tm_aligned_fn        tm_real_memalign;
static tm_valloc_fn         tm_real_valloc;
static tm_valloc_fn         tm_real_pvalloc;
static tm_reallocarray_fn   tm_real_reallocarray;
static tm_usable_fn         tm_real_usable;
static int                  tm_resolved; /* 0 not yet, 1 in progress, 2 done */

/* ---- bootstrap: dlsym may allocate (its error buffer) before malloc is known -------------- */

#define TM_BOOT_BYTES (64 * 1024)
static _Alignas(64) unsigned char tm_boot[TM_BOOT_BYTES];
static size_t tm_boot_used;

static inline bool tm_in_boot(const void* p)
{
    return (const unsigned char*)p >= tm_boot && (const unsigned char*)p < tm_boot + TM_BOOT_BYTES;
}

/* 16-byte header holding the size (realloc out of the buffer copies that much); never freed */
static void* tm_boot_alloc(size_t n, size_t align)
{
    if(align < 16) align = 16;
    size_t used = __atomic_load_n(&tm_boot_used, __ATOMIC_RELAXED);
    for(;;)
    {
        size_t start = (used + 16 + align - 1) & ~(align - 1);
        size_t end   = start + ((n + 15) & ~(size_t)15);
        if(n > TM_BOOT_BYTES || end > TM_BOOT_BYTES) return NULL;
        if(__atomic_compare_exchange_n(&tm_boot_used, &used, end, false, __ATOMIC_RELAXED,
                                       __ATOMIC_RELAXED))
        {
            memcpy(tm_boot + start - 16, &n, sizeof(n));
            return tm_boot + start; /* zeroed: static storage, never reused */
        }
    }
}

static size_t tm_boot_size(const void* p)
{
    size_t n;
    memcpy(&n, (const unsigned char*)p - 16, sizeof(n));
    return n;
}

#define TM_LOOKUP(var, name)                                                                       \
    do                                                                                             \
    {                                                                                              \
        void* sym = dlsym(RTLD_NEXT, name);                                                        \
        memcpy(&var, &sym, sizeof(sym));                                                           \
    } while(0)

/* Looks the real functions up once. Calls made meanwhile (dlsym's, on this thread, or another
 * thread's racing it) are served from the bootstrap buffer. */
static void tm_resolve(void)
{
    int expected = 0;
    if(!__atomic_compare_exchange_n(&tm_resolved, &expected, 1, false, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE))
        return;
    tm_malloc_fn         m;
    tm_calloc_fn         c;
    tm_realloc_fn        r;
    tm_free_fn           f;
    tm_posix_memalign_fn pm;
    tm_aligned_fn        aa, ma;
    tm_valloc_fn         va, pva;
    tm_reallocarray_fn   ra;
    tm_usable_fn         us;
    TM_LOOKUP(m, "malloc");
    TM_LOOKUP(c, "calloc");
    TM_LOOKUP(r, "realloc");
    TM_LOOKUP(f, "free");
    TM_LOOKUP(pm, "posix_memalign");
    TM_LOOKUP(aa, "aligned_alloc");
    TM_LOOKUP(ma, "memalign");
    TM_LOOKUP(va, "valloc");
    TM_LOOKUP(pva, "pvalloc");
    TM_LOOKUP(ra, "reallocarray");
    TM_LOOKUP(us, "malloc_usable_size");
    tm_real_posix_memalign = pm;
    tm_real_aligned_alloc  = aa;
    tm_real_memalign       = ma;
    tm_real_valloc         = va;
    tm_real_pvalloc        = pva;
    tm_real_reallocarray   = ra;
    tm_real_usable         = us;
    tm_real_free           = f;
    tm_real_realloc        = r;
    tm_real_calloc         = c;
    __atomic_store_n(&tm_real_malloc, m, __ATOMIC_RELEASE);
    __atomic_store_n(&tm_resolved, 2, __ATOMIC_RELEASE);
}

static inline bool tm_ready(void)
{
    if(TM_UNLIKELY(__atomic_load_n(&tm_resolved, __ATOMIC_ACQUIRE) != 2))
    {
        tm_resolve();
        return __atomic_load_n(&tm_resolved, __ATOMIC_ACQUIRE) == 2 && tm_real_malloc;
    }
    return true;
}

/* The real function runs held: an allocation it makes itself is not counted again. */
#define TM_HELD(expr)                                                                              \
    (++timemory_alloc_hold, __extension__({                                                        \
        __typeof__(expr) tm_r_ = (expr);                                                           \
        --timemory_alloc_hold;                                                                     \
        tm_r_;                                                                                     \
    }))

/* ---- the interposed functions ------------------------------------------------------------- */

TM_EXPORT void* malloc(size_t n)
{
    if(TM_UNLIKELY(!tm_ready())) return tm_boot_alloc(n, 16);
    void* p = TM_HELD(tm_real_malloc(n));
    if(p) timemory_alloc_note(TIMEMORY_ALLOC_MALLOC, n);
    return p;
}

TM_EXPORT void* calloc(size_t nelem, size_t size)
{
    if(TM_UNLIKELY(!tm_ready()))
    {
        size_t n;
        return __builtin_mul_overflow(nelem, size, &n) ? NULL : tm_boot_alloc(n, 16);
    }
    void* p = TM_HELD(tm_real_calloc(nelem, size));
    if(p) timemory_alloc_note(TIMEMORY_ALLOC_CALLOC, nelem * size);
    return p;
}

TM_EXPORT void free(void* p)
{
    if(!p || TM_UNLIKELY(tm_in_boot(p))) return;
    if(TM_UNLIKELY(!tm_ready())) return; /* cannot happen: p came from a real allocator */
    if(TM_UNLIKELY(__atomic_load_n(&timemory_mallocp_active, __ATOMIC_RELAXED) != 0) &&
       timemory_alloc_hold == 0 && tm_real_usable)
        timemory_alloc_note(TIMEMORY_ALLOC_FREE, tm_real_usable(p));
    ++timemory_alloc_hold;
    tm_real_free(p);
    --timemory_alloc_hold;
}

TM_EXPORT void* realloc(void* p, size_t n)
{
    if(TM_UNLIKELY(tm_in_boot(p) || !tm_ready()))
    {
        /* out of the bootstrap buffer: a new block, the old contents copied */
        void* q = tm_ready() ? malloc(n) : tm_boot_alloc(n, 16);
        if(q && p)
        {
            size_t old = tm_boot_size(p);
            memcpy(q, p, old < n ? old : n);
        }
        return q;
    }
    void* q = TM_HELD(tm_real_realloc(p, n));
    if(q) timemory_alloc_note(TIMEMORY_ALLOC_REALLOC, n);
    return q;
}

TM_EXPORT void* reallocarray(void* p, size_t nelem, size_t size)
{
    size_t n;
    if(__builtin_mul_overflow(nelem, size, &n))
    {
        errno = ENOMEM;
        return NULL;
    }
    if(TM_UNLIKELY(tm_in_boot(p) || !tm_ready() || !tm_real_reallocarray)) return realloc(p, n);
    void* q = TM_HELD(tm_real_reallocarray(p, nelem, size));
    if(q) timemory_alloc_note(TIMEMORY_ALLOC_REALLOCARRAY, n);
    return q;
}

TM_EXPORT int posix_memalign(void** out, size_t align, size_t n)
{
    if(TM_UNLIKELY(!tm_ready() || !tm_real_posix_memalign))
    {
        void* p = tm_boot_alloc(n, align);
        if(!p) return ENOMEM;
        *out = p;
        return 0;
    }
    int rc = TM_HELD(tm_real_posix_memalign(out, align, n));
    if(rc == 0) timemory_alloc_note(TIMEMORY_ALLOC_POSIX_MEMALIGN, n);
    return rc;
}

TM_EXPORT void* aligned_alloc(size_t align, size_t n)
{
    if(TM_UNLIKELY(!tm_ready() || !tm_real_aligned_alloc)) return tm_boot_alloc(n, align);
    void* p = TM_HELD(tm_real_aligned_alloc(align, n));
    if(p) timemory_alloc_note(TIMEMORY_ALLOC_ALIGNED_ALLOC, n);
    return p;
}

TM_EXPORT void* memalign(size_t align, size_t n)
{
    if(TM_UNLIKELY(!tm_ready() || !tm_real_memalign)) return tm_boot_alloc(n, align);
    void* p = TM_HELD(tm_real_memalign(align, n));
    if(p) timemory_alloc_note(TIMEMORY_ALLOC_MEMALIGN, n);
    return p;
}

TM_EXPORT void* valloc(size_t n)
{
    if(TM_UNLIKELY(!tm_ready() || !tm_real_valloc)) return NULL;
    void* p = TM_HELD(tm_real_valloc(n));
    if(p) timemory_alloc_note(TIMEMORY_ALLOC_VALLOC, n);
    return p;
}

TM_EXPORT void* pvalloc(size_t n)
{
    if(TM_UNLIKELY(!tm_ready() || !tm_real_pvalloc)) return NULL;
    void* p = TM_HELD(tm_real_pvalloc(n));
    if(p) timemory_alloc_note(TIMEMORY_ALLOC_PVALLOC, n);
    return p;
}

/* ---- the start at load -------------------------------------------------------------------- */

static uint64_t tm_mallocp_auto_id;

static bool tm_autostart_wanted(void)
{
    const char* v = getenv("TIMEMORY_MALLOCP_AUTOSTART");
    if(!v || !*v) return true;
    if(v[0] >= '0' && v[0] <= '9') return atoi(v) != 0;
    static const char* const off[] = { "off", "false", "no", "n", "f" };
    for(size_t i = 0; i < sizeof(off) / sizeof(*off); ++i)
        if(strcasecmp(v, off[i]) == 0) return false;
    return true;
}

/* The id of the start made at load (0: none), for timemory_stop_mallocp. */
TM_EXPORT uint64_t timemory_mallocp_autostart_id(void)
{
    return tm_mallocp_auto_id;
}

__attribute__((constructor)) static void tm_mallocp_load(void)
{
    tm_resolve();
    if(tm_autostart_wanted()) tm_mallocp_auto_id = timemory_start_mallocp();
}
