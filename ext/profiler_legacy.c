/* profiler_legacy.c -- the function profiler's PyEval_SetProfile backend ("legacy": every
 * thread, 3.9+; the default on 3.12+ only when asked for) and the hook's callable form,
 * profiler_function, through which threading.setprofile and sys.setprofile reach it. */
#include "profiler_state.h"

/* PyEval_SetProfile callback. Calls are tagged by their frame object (unique while it runs). */
int tm_prof_legacy(PyObject* obj, PyFrameObject* frame, int what, PyObject* arg)
{
    (void)obj;
    if(what == PyTrace_CALL)
    {
        PyCodeObject* code = tm_hook_frame_code(frame);
        tm_prof_code* e    = tm_prof_lookup((PyObject*)code);
        if(TM_HOOK_UNLIKELY(e->verdict != TM_HOOK_SELECT))
        {
            if(e->verdict == TM_HOOK_SHUTDOWN) tm_prof_on_shutdown();
            return 0;
        }
        tm_prof_thread* t = tm_prof_thread_get();
        if(!t) return 0;
        if(TM_HOOK_UNLIKELY(e->coro) && tm_prof_resumed(t, frame)) return 0;
        uint64_t key = e->key ? e->key : tm_prof_args_key(code, (PyObject*)frame);
        tm_prof_enter(t, frame, NULL, key);
        return 0;
    }
    if(what == PyTrace_RETURN)
    {
        if(TM_HOOK_UNLIKELY(tm_hook_frame_code(frame)->co_flags &
                            (CO_COROUTINE | CO_ITERABLE_COROUTINE)) &&
           tm_prof_frame_suspended(frame, arg))
            tm_prof_suspend(frame, frame);
        else
            tm_prof_exit(frame, NULL);
        return 0;
    }
    if(what == PyTrace_C_CALL)
    {
        if(!P.cfg.trace_c) return 0;
        PyCodeObject* code = tm_hook_frame_code(frame);
        tm_prof_code* e    = tm_prof_lookup((PyObject*)code);
        if(e->verdict != TM_HOOK_SELECT) return 0;
        tm_prof_thread* t = tm_prof_thread_get();
        if(!t) return 0;
        tm_prof_enter(t, frame, arg, tm_prof_c_key(e, code, frame, arg));
        return 0;
    }
    if(what == PyTrace_C_RETURN || what == PyTrace_C_EXCEPTION) tm_prof_exit(frame, arg);
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* profiler_function: the callable form of the hook                                            */

int tm_prof_entry(PyObject* self, PyObject* frame, PyObject* event, PyObject* arg)
{
    if(!P.active || P.backend != TM_PROF_LEGACY) return 0;
    if(!PyFrame_Check(frame))
    {
        PyErr_Format(PyExc_TypeError, "profiler_function: frame must be a frame, not %.100s",
                     Py_TYPE(frame)->tp_name);
        return -1;
    }
    int what = tm_hook_event_code(event);
    if(what < 0) return 0;
    /* reached through sys.setprofile (a new thread): from now on C calls C directly */
    if(!tm_hook_legacy_installed(false, tm_prof_legacy))
    {
        PyEval_SetProfile(tm_prof_legacy, self);
        if(PyErr_Occurred()) return -1;
    }
    return tm_prof_legacy(self, (PyFrameObject*)frame, what, arg);
}
