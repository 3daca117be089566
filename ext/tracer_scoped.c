/* tracer_scoped.c -- the line tracer's "scoped" backend (3.9-3.11): a PEP 523 frame hook that
 * switches the PyEval_SetTrace callback (tracer_legacy.c) on only while selected frames run.
 * Empty on 3.12+. */
#include "tracer_state.h"

#if TM_TR_HAVE_SCOPED
/* The scoped backend (3.9-3.11): a PEP 523 frame hook switches the thread's PyEval_SetTrace
 * hook on for the evaluation of a selected frame and off for any other, so the code a traced
 * function calls (numpy's Python code, say) runs without the interpreter's tracing mode --
 * which, paid on every instruction of every frame, is most of what a trace hook costs there.
 * A thread whose trace hook is another tool's is left alone. */
/* Switches the calling thread's hook on or off; false when that did not happen. */
static inline bool tm_tr_switch(bool on)
{
    return tm_hook_legacy_switch(true, on ? tm_tr_legacy : NULL, on ? T.function : NULL);
}

/* Deciding a code object runs Python code (line information): like code run by a trace
 * hook, it is muted for every hook, the profiler's included. */
static tm_tr_code* tm_tr_decide_muted(PyThreadState* tstate, PyObject* code)
{
#    if PY_VERSION_HEX >= 0x030B0000
    PyThreadState_EnterTracing(tstate);
    tm_tr_code* e = tm_tr_lookup(code);
    PyThreadState_LeaveTracing(tstate);
#    else
    ++tstate->tracing;
#        if PY_VERSION_HEX >= 0x030A0000
    tstate->cframe->use_tracing = 0;
#        else
    tstate->use_tracing = 0;
#        endif
    tm_tr_code* e               = tm_tr_lookup(code);
    --tstate->tracing;
    int use                     = tstate->c_tracefunc != NULL || tstate->c_profilefunc != NULL;
#        if PY_VERSION_HEX >= 0x030A0000
    tstate->cframe->use_tracing = use;
#        else
    tstate->use_tracing = use;
#        endif
#    endif
    return e;
}

/* 3.10-3.11: tracing mode is a flag of the caller's C frame that the frame evaluated next
 * copies. Inside a traced region (our hook installed, no profile hook, which needs the flag
 * too) an unselected callee is run untraced by clearing the flag, and a selected one inside
 * such a callee by setting it again -- far cheaper than PyEval_SetTrace, which audits and swaps
 * references. Entering and leaving the region itself still installs and removes the hook. */
#    if PY_VERSION_HEX >= 0x030B0000
#        define TM_TR_CAN_FLIP   1
#        define TM_TR_TRACING_ON 255
#    elif PY_VERSION_HEX >= 0x030A0000
#        define TM_TR_CAN_FLIP   1
#        define TM_TR_TRACING_ON 1
#    else
#        define TM_TR_CAN_FLIP 0
#    endif

/* Whether the region's flag may be flipped: our hook, and no profile hook, on this thread. */
static inline bool tm_tr_flippable(const PyThreadState* tstate)
{
    return tstate->c_tracefunc == tm_tr_legacy && tstate->c_profilefunc == NULL;
}

PyObject* tm_tr_eval(PyThreadState* tstate, tm_hook_eval_frame* frame, int throwflag)
{
    PyObject*    code    = (PyObject*)TM_HOOK_EVAL_FRAME_CODE(frame);
    Py_tracefunc have_fn = tstate->c_tracefunc;
    if(TM_HOOK_UNLIKELY(!code || !PyCode_Check(code) || tm_tr_busy || tstate->tracing))
        return tm_hook_eval_default(tstate, frame, throwflag);
    if(TM_HOOK_UNLIKELY(have_fn != NULL && have_fn != tm_tr_legacy))
    {
        /* another tool's trace hook: a selected frame it keeps from us is counted (stop
         * warns that the hook was replaced) */
        tm_tr_code* seen = (tm_tr_code*)tm_code_table_get(&T.codes, code);
        if(seen && seen->verdict == TM_HOOK_SELECT) T.displaced = true;
        return tm_hook_eval_default(tstate, frame, throwflag);
    }
#    if TM_TR_CAN_FLIP
    bool flip = tm_tr_flippable(tstate);
    int  flag = tstate->cframe->use_tracing;
    bool have = have_fn != NULL && (!flip || flag != 0);
#    else
    bool have                   = have_fn != NULL;
#    endif
    tm_tr_code* e = (tm_tr_code*)tm_code_table_get(&T.codes, code);
    if(TM_HOOK_UNLIKELY(!e))
    {
        e = tm_tr_decide_muted(tstate, code);
#    if TM_TR_CAN_FLIP
        /* deciding recomputed the flag from the hooks installed: the region's state again */
        if(flip && tm_tr_flippable(tstate)) tstate->cframe->use_tracing = flag;
#    endif
    }
    if(TM_HOOK_UNLIKELY(e->verdict == TM_HOOK_SHUTDOWN))
    {
        tm_tr_on_shutdown();
        return tm_hook_eval_default(tstate, frame, throwflag);
    }
    bool want = e->verdict == TM_HOOK_SELECT;
    if(TM_HOOK_LIKELY(want == have) || !T.active)
        return tm_hook_eval_default(tstate, frame, throwflag);
#    if TM_TR_CAN_FLIP
    if(flip)
    {
        tstate->cframe->use_tracing = want ? TM_TR_TRACING_ON : 0;
        uint32_t  session           = T.session;
        PyObject* result            = tm_hook_eval_default(tstate, frame, throwflag);
        if(T.active && T.session == session && T.backend == TM_TR_SCOPED && tm_tr_flippable(tstate))
            tstate->cframe->use_tracing = have ? TM_TR_TRACING_ON : 0;
        return result;
    }
#    endif
    if(!tm_tr_switch(want)) return tm_hook_eval_default(tstate, frame, throwflag);
    uint32_t  session = T.session;
    PyObject* result  = tm_hook_eval_default(tstate, frame, throwflag);
    /* back to the caller's state, unless the tracer stopped (or another tool took the hook)
     * meanwhile */
    if(T.active && T.session == session && T.backend == TM_TR_SCOPED &&
       tstate->c_tracefunc == (want ? tm_tr_legacy : NULL))
        tm_tr_switch(have);
    return result;
}

#endif
