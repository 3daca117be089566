/* profiler_monitoring.c -- the function profiler's sys.monitoring backend (3.12+): C-implemented
 * callbacks for PY_START/RESUME/YIELD/THROW/RETURN/UNWIND and, for C functions, CALL and
 * C_RETURN/C_RAISE, with call sites that only call Python functions DISABLEd. Empty before
 * 3.12. */
#include "profiler_state.h"

#if TM_HOOKS_HAVE_MONITORING
/* Calls are tagged by their code object: a recursive call's push sits above its caller's, so
 * the innermost push of a code object is always the one that returns. */

/* DISABLE for a code object decided "not profiled" (an undecided one is asked again). */
static inline PyObject* tm_prof_disable(const tm_prof_code* e)
{
    if(e == &tm_prof_unrecorded) Py_RETURN_NONE;
    Py_INCREF(P.mon.disable);
    return P.mon.disable;
}

static inline PyObject* tm_prof_mon_enter(PyObject* code, const tm_prof_code* e, PyObject* callable)
{
    tm_prof_thread* t = tm_prof_thread_get();
    if(t)
    {
        uint64_t key = callable ? tm_hook_cfunc_key(callable)
                       : e->key
                           ? e->key
                           : tm_prof_args_key((PyCodeObject*)code, (PyObject*)PyEval_GetFrame());
        tm_prof_enter(t, code, callable, key);
    }
    Py_RETURN_NONE;
}

/* PY_START, PY_RESUME (code, offset) */
PyObject* tm_prof_mon_start(PyObject* const* args, size_t nargs)
{
    (void)nargs;
    PyObject*     code = args[0];
    tm_prof_code* e    = tm_prof_lookup(code);
    if(TM_HOOK_LIKELY(e->verdict == TM_HOOK_SELECT)) return tm_prof_mon_enter(code, e, NULL);
    if(e->verdict == TM_HOOK_SHUTDOWN)
    {
        tm_prof_on_shutdown();
        Py_RETURN_NONE;
    }
    return tm_prof_disable(e);
}

/* The interpreter frame running now: a coroutine's, at its events (it lives inside the
 * coroutine object, so it names the coroutine for as long as it lives). */
static inline const void* tm_prof_mon_frame(void)
{
    PyThreadState* tstate = PyThreadState_Get();
#    if PY_VERSION_HEX < 0x030D0000
    return tstate->cframe ? (const void*)tstate->cframe->current_frame : NULL;
#    else
    return (const void*)tstate->current_frame;
#    endif
}

/* A selected code object's frame continues (PY_RESUME, PY_THROW): a coroutine's suspended
 * push comes back; anything else is a new push, as at PY_START. */
static inline PyObject* tm_prof_mon_continue(PyObject* code, const tm_prof_code* e)
{
    if(TM_HOOK_UNLIKELY(e->coro))
    {
        tm_prof_thread* t     = tm_prof_thread_get();
        const void*     owner = tm_prof_mon_frame();
        if(t && owner && tm_prof_resumed(t, owner)) Py_RETURN_NONE;
    }
    return tm_prof_mon_enter(code, e, NULL);
}

/* PY_RESUME (code, offset) */
PyObject* tm_prof_mon_resume(PyObject* const* args, size_t nargs)
{
    (void)nargs;
    PyObject*     code = args[0];
    tm_prof_code* e    = tm_prof_lookup(code);
    if(TM_HOOK_LIKELY(e->verdict == TM_HOOK_SELECT)) return tm_prof_mon_continue(code, e);
    if(e->verdict == TM_HOOK_SHUTDOWN)
    {
        tm_prof_on_shutdown();
        Py_RETURN_NONE;
    }
    return tm_prof_disable(e);
}

/* PY_THROW (code, offset, exception): a generator resumed by throw(); cannot be disabled */
PyObject* tm_prof_mon_throw(PyObject* const* args, size_t nargs)
{
    (void)nargs;
    PyObject*     code = args[0];
    tm_prof_code* e    = tm_prof_lookup(code);
    if(e->verdict == TM_HOOK_SELECT) return tm_prof_mon_continue(code, e);
    Py_RETURN_NONE;
}

/* PY_RETURN, PY_YIELD (code, offset, value) */
PyObject* tm_prof_mon_return(PyObject* const* args, size_t nargs)
{
    (void)nargs;
    PyObject*     code = args[0];
    tm_prof_code* e    = tm_prof_lookup(code);
    if(TM_HOOK_LIKELY(e->verdict == TM_HOOK_SELECT))
    {
        tm_prof_exit(code, NULL);
        Py_RETURN_NONE;
    }
    return e->verdict == TM_HOOK_SKIP ? tm_prof_disable(e) : Py_NewRef(Py_None);
}

/* PY_YIELD (code, offset, value): a coroutine stops at an await (suspended), a generator
 * returns its value (popped) */
PyObject* tm_prof_mon_yield(PyObject* const* args, size_t nargs)
{
    (void)nargs;
    PyObject*     code = args[0];
    tm_prof_code* e    = tm_prof_lookup(code);
    if(TM_HOOK_LIKELY(e->verdict == TM_HOOK_SELECT))
    {
        const void* owner = e->coro ? tm_prof_mon_frame() : NULL;
        if(owner)
            tm_prof_suspend(code, owner);
        else
            tm_prof_exit(code, NULL);
        Py_RETURN_NONE;
    }
    return e->verdict == TM_HOOK_SKIP ? tm_prof_disable(e) : Py_NewRef(Py_None);
}

/* PY_UNWIND (code, offset, exception): cannot be disabled */
PyObject* tm_prof_mon_unwind(PyObject* const* args, size_t nargs)
{
    (void)nargs;
    tm_prof_exit(args[0], NULL);
    Py_RETURN_NONE;
}

/* A learned call site (TM_PROF_SITE_LIMIT) stops reporting CALL events (DISABLE): the
 * interpreter's cost of the event, paid on every Python-to-Python call, is most of the
 * profiler's on 3.12+. A site that calls a C function even once keeps reporting. */

/* The counter of the call site at a byte offset, or NULL (allocated once per code object). */
static uint8_t* tm_prof_site(tm_prof_code* e, PyObject* code, PyObject* offset)
{
    if(TM_HOOK_UNLIKELY(!e->sites))
    {
        if(e == &tm_prof_unrecorded) return NULL;
        size_t n = (size_t)Py_SIZE(code); /* code units */
        e->sites = calloc(n ? n : 1, 1);
        if(!e->sites) return NULL;
        e->nsites = n;
    }
    PyLongObject* number = (PyLongObject*)offset; /* a small int: read in place */
    Py_ssize_t    bytes  = PyUnstable_Long_IsCompact(number) ? PyUnstable_Long_CompactValue(number)
                                                             : PyLong_AsSsize_t(offset);
    size_t        unit   = (size_t)bytes / 2;
    if(TM_HOOK_UNLIKELY(unit >= e->nsites))
    {
        PyErr_Clear();
        return NULL;
    }
    return &e->sites[unit];
}

/* CALL (code, offset, callable, arg0): C functions are pushed here (their Python callees get
 * PY_START) */
PyObject* tm_prof_mon_call(PyObject* const* args, size_t nargs)
{
    (void)nargs;
    PyObject*     code = args[0];
    tm_prof_code* e    = tm_prof_lookup(code);
    if(TM_HOOK_UNLIKELY(e->verdict != TM_HOOK_SELECT)) return tm_prof_disable(e);
    PyObject* callable = args[2];
    uint8_t*  site     = tm_prof_site(e, code, args[1]);
    if(tm_prof_is_c_function(callable))
    {
        if(site) *site = TM_PROF_SITE_C;
        return tm_prof_mon_enter(code, e, callable);
    }
    if(site && *site != TM_PROF_SITE_C && ++*site >= TM_PROF_SITE_LIMIT)
    {
        *site = TM_PROF_SITE_LIMIT;
        Py_INCREF(P.mon.disable);
        return P.mon.disable;
    }
    Py_RETURN_NONE;
}

/* C_RETURN, C_RAISE (code, offset, callable, arg0) */
PyObject* tm_prof_mon_c_return(PyObject* const* args, size_t nargs)
{
    (void)nargs;
    tm_prof_exit(args[0], args[2]);
    Py_RETURN_NONE;
}

int tm_prof_monitor_install(void)
{
    if(tm_monitor_open(&P.mon, 3, "timemory.profiler") < 0) return -1;
    if(P.mon_used && tm_monitor_restart(&P.mon) < 0) goto fail;
    const tm_mon_events* ev = &P.mon.ev;
    struct {
        int       event;
        PyObject* cb;
    } regs[]      = { { ev->py_start, P.cb_start },  { ev->py_resume, P.cb_resume },
                      { ev->py_throw, P.cb_throw },  { ev->py_return, P.cb_return },
                      { ev->py_yield, P.cb_yield },  { ev->py_unwind, P.cb_unwind },
                      { ev->call, P.cb_call },       { ev->c_return, P.cb_c_return },
                      { ev->c_raise, P.cb_c_return } };
    int    events = 0;
    size_t nregs  = sizeof(regs) / sizeof(regs[0]);
    for(size_t i = 0; i < nregs; ++i)
    {
        bool c_event = regs[i].event == ev->call || regs[i].event == ev->c_return ||
                       regs[i].event == ev->c_raise;
        if(c_event && !P.cfg.trace_c) continue;
        if(tm_monitor_register(&P.mon, regs[i].event, regs[i].cb) < 0) goto fail;
        P.mon_registered |= regs[i].event;
        /* C_RETURN/C_RAISE follow CALL: they are not set on their own */
        if(regs[i].event != ev->c_return && regs[i].event != ev->c_raise) events |= regs[i].event;
    }
    if(tm_monitor_set_events(&P.mon, events) < 0) goto fail;
    P.mon_used = true;
    return 0;
fail:
    tm_monitor_close(&P.mon, P.mon_registered);
    P.mon_registered = 0;
    return -1;
}
#endif
