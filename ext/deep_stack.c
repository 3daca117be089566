/* deep_stack.c -- the C stack of the frame hooks (3.9-3.11). Without a frame hook, 3.11
 * evaluates a Python-to-Python call inside the same C frame; with one, every call is a C call
 * (hook -> _PyEval_EvalFrameDefault -> hook ...), so a recursion the interpreter runs 50,000
 * deep would exhaust the thread's C stack near 15,000. When a hook finds the stack low it
 * evaluates the frame on a fresh stack segment (mmap'd, committed only as it is touched, kept
 * per thread for reuse), so the interpreter's own recursion limit stays the only limit.
 * Owns the per-thread stack bounds, the segments and the switch (ucontext).
 */
#include "hooks.h"

#if PY_VERSION_HEX < 0x030C0000

#    include <pthread.h>
#    include <stdlib.h>
#    include <sys/mman.h>
#    include <ucontext.h>

#    if defined(__SANITIZE_ADDRESS__)
#        define TM_STACK_ASAN 1
#    elif defined(__has_feature)
#        if __has_feature(address_sanitizer)
#            define TM_STACK_ASAN 1
#        endif
#    endif
#    ifdef TM_STACK_ASAN
#        include <sanitizer/common_interface_defs.h>
#    endif

/* a frame hook call below this much free stack moves to a new segment: room for C code the
 * frame calls before the next hook call (C functions calling back into Python) */
#    define TM_STACK_MARGIN       ((size_t)512 << 10)
#    define TM_STACK_SEGMENT      ((size_t)64 << 20)
#    define TM_STACK_MAX_SEGMENTS 64

__thread uintptr_t tm_hook_stack_limit __attribute__((tls_model("initial-exec"))) = UINTPTR_MAX;

typedef struct tm_stack_thread {
    void* segments[TM_STACK_MAX_SEGMENTS];
    int   depth; /* segments in use */
    /* the call being made on a new segment */
    PyThreadState*      tstate;
    tm_hook_eval_frame* frame;
    int                 throwflag;
    PyObject*           result;
    ucontext_t          caller;
#    ifdef TM_STACK_ASAN
    const void* caller_bottom;
    size_t      caller_size;
#    endif
} tm_stack_thread;

static __thread tm_stack_thread* tm_stack_self;
static pthread_key_t             tm_stack_key;
static pthread_once_t            tm_stack_once = PTHREAD_ONCE_INIT;

static void tm_stack_thread_free(void* arg)
{
    tm_stack_thread* t = arg;
    for(int i = 0; i < TM_STACK_MAX_SEGMENTS; ++i)
        if(t->segments[i]) munmap(t->segments[i], TM_STACK_SEGMENT);
    free(t);
}

static void tm_stack_key_create(void)
{
    pthread_key_create(&tm_stack_key, tm_stack_thread_free);
}

static tm_stack_thread* tm_stack_thread_get(void)
{
    if(tm_stack_self) return tm_stack_self;
    pthread_once(&tm_stack_once, tm_stack_key_create);
    tm_stack_thread* t = calloc(1, sizeof(*t));
    if(!t) return NULL;
    pthread_setspecific(tm_stack_key, t);
    return tm_stack_self = t;
}

/* The lowest usable address of the calling thread's own stack, plus the margin. */
static uintptr_t tm_stack_thread_limit(void)
{
    pthread_attr_t attr;
    void*          low  = NULL;
    size_t         size = 0;
    if(pthread_getattr_np(pthread_self(), &attr) != 0) return 0;
    int rc = pthread_attr_getstack(&attr, &low, &size);
    pthread_attr_destroy(&attr);
    if(rc != 0 || !low || size <= TM_STACK_MARGIN) return 0;
    return (uintptr_t)low + TM_STACK_MARGIN;
}

static void tm_stack_trampoline(void)
{
    tm_stack_thread* t = tm_stack_self;
#    ifdef TM_STACK_ASAN
    __sanitizer_finish_switch_fiber(NULL, &t->caller_bottom, &t->caller_size);
#    endif
    t->result = _PyEval_EvalFrameDefault(t->tstate, t->frame, t->throwflag);
#    ifdef TM_STACK_ASAN
    /* this segment is left for good (the next call starts it afresh) */
    __sanitizer_start_switch_fiber(NULL, t->caller_bottom, t->caller_size);
#    endif
    /* returning resumes t->caller (uc_link) */
}

/* Runs tm_stack_trampoline on seg and comes back when it returns. Apart from the switch
 * itself (getcontext returns twice), nothing here: the caller keeps the state. */
static __attribute__((noinline)) int tm_stack_switch(tm_stack_thread* t, void* seg)
{
    static __thread ucontext_t callee;
    if(getcontext(&callee) != 0) return -1;
    callee.uc_stack.ss_sp   = seg;
    callee.uc_stack.ss_size = TM_STACK_SEGMENT;
    callee.uc_link          = &tm_stack_self->caller;
    makecontext(&callee, tm_stack_trampoline, 0);
#    ifdef TM_STACK_ASAN
    void* fake = NULL;
    __sanitizer_start_switch_fiber(&fake, seg, TM_STACK_SEGMENT);
#    endif
    int rc = swapcontext(&t->caller, &callee);
#    ifdef TM_STACK_ASAN
    __sanitizer_finish_switch_fiber(fake, NULL, NULL);
#    endif
    return rc;
}

PyObject* tm_hook_eval_deep(PyThreadState* tstate, tm_hook_eval_frame* frame, int throwflag)
{
    char probe;
    if(tm_hook_stack_limit == UINTPTR_MAX)
    {
        /* the thread's first call: its bounds (0 when unknown: never switch) */
        tm_hook_stack_limit = tm_stack_thread_limit();
        if((uintptr_t)&probe > tm_hook_stack_limit)
            return _PyEval_EvalFrameDefault(tstate, frame, throwflag);
    }
    tm_stack_thread* t = tm_stack_thread_get();
    if(!t || t->depth >= TM_STACK_MAX_SEGMENTS)
        return _PyEval_EvalFrameDefault(tstate, frame, throwflag);
    int k = t->depth;
    if(!t->segments[k])
    {
        void* seg = mmap(NULL, TM_STACK_SEGMENT, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
        if(seg == MAP_FAILED) return _PyEval_EvalFrameDefault(tstate, frame, throwflag);
        /* a guard page: running off the segment faults instead of corrupting memory */
        mprotect(seg, 4096, PROT_NONE);
        t->segments[k] = seg;
    }
    /* the call's state lives in t, which the new segment reads; a nested switch saves it */
    tm_stack_thread saved_call;
    saved_call.tstate       = t->tstate;
    saved_call.frame        = t->frame;
    saved_call.throwflag    = t->throwflag;
    saved_call.result       = t->result;
    ucontext_t saved_caller = t->caller;

    t->tstate             = tstate;
    t->frame              = frame;
    t->throwflag          = throwflag;
    t->result             = NULL;
    uintptr_t saved_limit = tm_hook_stack_limit;
    tm_hook_stack_limit   = (uintptr_t)t->segments[k] + 4096 + TM_STACK_MARGIN;
    t->depth              = k + 1;
    int rc                = tm_stack_switch(t, t->segments[k]);
    t->depth              = k;
    tm_hook_stack_limit   = saved_limit;
    PyObject* result      = t->result;
    t->tstate             = saved_call.tstate;
    t->frame              = saved_call.frame;
    t->throwflag          = saved_call.throwflag;
    t->result             = saved_call.result;
    t->caller             = saved_caller;
    if(rc != 0) return _PyEval_EvalFrameDefault(tstate, frame, throwflag);
    return result;
}

#else
typedef int tm_deep_stack_unused; /* 3.12+: sys.monitoring, no frame hook */
#endif
