/* tracer_legacy.c -- the line tracer's PyEval_SetTrace callback (the "legacy" backend on every
 * thread, and what the scoped backend switches on in selected frames) and the hook's callable
 * form, tracer_function, through which threading.settrace and sys.settrace reach it. */
#include "tracer_state.h"

/* PyEval_SetTrace callback */
int tm_tr_legacy(PyObject* obj, PyFrameObject* frame, int what, PyObject* arg)
{
    (void)obj;
    (void)arg;
    switch(what)
    {
    case PyTrace_LINE: {
        if(TM_HOOK_UNLIKELY(T.calibrating)) return 0;
        tm_tr_thread* t = tm_tr_matching(frame);
        if(TM_HOOK_LIKELY(t != NULL))
            tm_tr_line(t, &t->stack[t->depth - 1], tm_tr_frame_line(frame));
        return 0;
    }
    case PyTrace_CALL: {
        tm_tr_code* e = tm_tr_lookup((PyObject*)tm_hook_frame_code(frame));
        if(TM_HOOK_LIKELY(e->verdict != TM_HOOK_SELECT))
        {
            if(e->verdict == TM_HOOK_SHUTDOWN)
                tm_tr_on_shutdown();
            else
                tm_tr_quiet_frame(frame);
            return 0;
        }
        if(TM_HOOK_UNLIKELY(T.calibrating)) return 0;
        tm_tr_thread* t = tm_tr_thread_get();
        if(t) tm_tr_enter(t, frame, e);
        return 0;
    }
    case PyTrace_RETURN: {
        if(TM_HOOK_UNLIKELY(T.calibrating)) return 0;
        tm_tr_thread* t = tm_tr_matching(frame);
        if(t) tm_tr_exit(t);
        return 0;
    }
    default:
        return 0;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* tracer_function: the callable form of the hook                                              */

int tm_tr_entry(PyObject* self, PyObject* frame, PyObject* event, PyObject* arg)
{
    if(!T.active || T.backend != TM_TR_LEGACY) return 0;
    if(!PyFrame_Check(frame))
    {
        PyErr_Format(PyExc_TypeError, "tracer_function: frame must be a frame, not %.100s",
                     Py_TYPE(frame)->tp_name);
        return -1;
    }
    int what = tm_hook_event_code(event);
    if(what < 0) return 0;
    /* reached through sys.settrace (a new thread): from now on C calls C directly */
    if(!tm_hook_legacy_installed(true, tm_tr_legacy))
    {
        PyEval_SetTrace(tm_tr_legacy, self);
        if(PyErr_Occurred()) return -1;
    }
    return tm_tr_legacy(self, (PyFrameObject*)frame, what, arg);
}
