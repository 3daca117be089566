/* tracer_monitoring.c -- the line tracer's sys.monitoring backend (3.12+): C-implemented
 * callbacks for PY_START/RESUME/THROW/RETURN/UNWIND and LINE, with LINE enabled only on the
 * selected code objects. Empty before 3.12. */
#include "tracer_state.h"

#if TM_HOOKS_HAVE_MONITORING
/* PY_START (code, offset): discovers code objects; the others stop reporting */
PyObject* tm_tr_mon_start(PyObject* const* args, size_t nargs)
{
    (void)nargs;
    PyObject*   code = args[0];
    tm_tr_code* e    = tm_tr_lookup(code);
    if(TM_HOOK_UNLIKELY(e->verdict != TM_HOOK_SELECT))
    {
        if(e->verdict == TM_HOOK_SHUTDOWN)
        {
            tm_tr_on_shutdown();
            Py_RETURN_NONE;
        }
        if(e == &tm_tr_unrecorded) Py_RETURN_NONE; /* undecided: ask again next time */
        Py_INCREF(T.mon.disable);
        return T.mon.disable;
    }
    if(TM_HOOK_UNLIKELY(T.calibrating || T.parked)) Py_RETURN_NONE;
    tm_tr_thread* t = tm_tr_thread_get();
    if(t) tm_tr_enter(t, code, e);
    Py_RETURN_NONE;
}

/* PY_RESUME (local, selected codes only) and PY_THROW (global) */
PyObject* tm_tr_mon_resume(PyObject* const* args, size_t nargs)
{
    (void)nargs;
    PyObject*   code = args[0];
    tm_tr_code* e    = (tm_tr_code*)tm_code_table_get(&T.codes, code);
    if(e && e->verdict == TM_HOOK_SELECT && !T.calibrating && !T.parked)
    {
        tm_tr_thread* t = tm_tr_thread_get();
        if(t) tm_tr_enter(t, code, e);
    }
    Py_RETURN_NONE;
}

/* PY_RETURN, PY_YIELD (local), PY_UNWIND (global) */
PyObject* tm_tr_mon_return(PyObject* const* args, size_t nargs)
{
    (void)nargs;
    if(TM_HOOK_UNLIKELY(T.calibrating || T.parked)) Py_RETURN_NONE;
    tm_tr_thread* t = tm_tr_matching(args[0]);
    if(t) tm_tr_exit(t);
    Py_RETURN_NONE;
}

/* LINE (code, line_number): local, selected codes only */
PyObject* tm_tr_mon_line(PyObject* const* args, size_t nargs)
{
    (void)nargs;
    if(TM_HOOK_UNLIKELY(T.calibrating || T.parked)) Py_RETURN_NONE;
    tm_tr_thread* t = tm_tr_matching(args[0]);
    if(TM_HOOK_LIKELY(t != NULL))
    {
        /* a line number is a small int: read in place (PyLong_AsLong is a third of the
         * callback) */
        PyLongObject* number = (PyLongObject*)args[1];
        long lineno = PyUnstable_Long_IsCompact(number) ? (long)PyUnstable_Long_CompactValue(number)
                                                        : PyLong_AsLong(args[1]);
        tm_tr_line(t, &t->stack[t->depth - 1], lineno);
    }
    Py_RETURN_NONE;
}

int tm_tr_monitor_install(void)
{
    if(tm_monitor_open(&T.mon, 4, "timemory.trace") < 0) return -1;
    if(T.mon_used && tm_monitor_restart(&T.mon) < 0) goto fail;
    const tm_mon_events* ev = &T.mon.ev;
    T.local_events          = ev->line | ev->py_return | ev->py_yield | ev->py_resume;
    struct {
        int       event;
        PyObject* cb;
        bool      global;
    } regs[]   = { { ev->py_start, T.cb_start, true },    { ev->py_throw, T.cb_resume, true },
                   { ev->py_unwind, T.cb_return, true },  { ev->py_resume, T.cb_resume, false },
                   { ev->py_return, T.cb_return, false }, { ev->py_yield, T.cb_return, false },
                   { ev->line, T.cb_line, false } };
    int global = 0;
    for(size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); ++i)
    {
        if(tm_monitor_register(&T.mon, regs[i].event, regs[i].cb) < 0) goto fail;
        T.mon_registered |= regs[i].event;
        if(regs[i].global) global |= regs[i].event;
    }
    if(tm_monitor_set_events(&T.mon, global) < 0) goto fail;
    /* code objects selected in an earlier session of this init */
    for(size_t i = 0; i < T.nselected; ++i)
    {
        tm_tr_code* e = T.selected[i];
        if(e->verdict != TM_HOOK_SELECT) continue;
        if(tm_monitor_set_local(&T.mon, e->code, T.local_events) < 0) goto fail;
        e->local_events = true;
    }
    T.mon_used = true;
    return 0;
fail:
    for(size_t i = 0; i < T.nselected; ++i) T.selected[i]->local_events = false;
    tm_monitor_close(&T.mon, T.mon_registered);
    T.mon_registered = 0;
    return -1;
}

void tm_tr_monitor_uninstall(void)
{
    for(size_t i = 0; i < T.nselected; ++i)
    {
        tm_tr_code* e = T.selected[i];
        if(!e->local_events) continue;
        e->local_events = false;
        if(tm_monitor_set_local(&T.mon, e->code, 0) < 0) PyErr_WriteUnraisable(e->code);
    }
    tm_monitor_close(&T.mon, T.mon_registered);
    T.mon_registered = 0;
}
#endif
