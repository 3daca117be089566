/* profiler_frame.c -- the function profiler's backends on 3.9-3.11 built on the PEP 523
 * frame-evaluation hook: "evalframe" (the frame hook alone: Python calls, no C functions) and
 * "scoped" (the frame hook, plus PyEval_SetProfile switched on only while frames that may call
 * C functions run). Empty on 3.12+. */
#include "profiler_state.h"

#if TM_PROF_HAVE_EVALFRAME
/* PEP 523: every evaluation of a Python frame (a call, or a generator resumed) passes through
 * here. The interpreter then makes no frame objects and runs no tracing machinery, which is
 * most of what a PyEval_SetProfile hook costs before 3.12. */
#    if PY_VERSION_HEX >= 0x030B0000
/* 3.11 evaluates a generator function's new frame once to create the generator (its
 * RETURN_GENERATOR): that is not a call of the function's body */
#        define TM_EVAL_FRAME_CREATES(f, code)                                                     \
            ((((PyCodeObject*)(code))->co_flags &                                                  \
              (CO_GENERATOR | CO_COROUTINE | CO_ASYNC_GENERATOR)) &&                               \
             ((tm_hook_iframe311*)(void*)(f))->prev_instr ==                                       \
                 (_Py_CODEUNIT*)((PyCodeObject*)(code))->co_code_adaptive - 1)
#    else
#        define TM_EVAL_FRAME_CREATES(f, code) 0
#    endif

_PyFrameEvalFunction tm_prof_saved_eval;

/* Whether a coroutine's frame whose evaluation returned result stopped at an await. */
static inline bool tm_prof_eval_suspended(tm_hook_eval_frame* frame, PyObject* result)
{
#    if PY_VERSION_HEX >= 0x030B0000
    return result && _Py_OPCODE(*((tm_hook_iframe311*)(void*)frame)->prev_instr) == YIELD_VALUE;
#    else
    return tm_prof_frame_suspended(frame, result);
#    endif
}

/* The key of a call seen by the frame hook (3.11 gives it no frame object for argument
 * values: Config.include_args uses the legacy backend there). */
static inline uint64_t tm_prof_frame_key(const tm_prof_code* e, PyObject* code,
                                         tm_hook_eval_frame* frame)
{
    if(TM_HOOK_LIKELY(e->key)) return e->key;
#    if PY_VERSION_HEX >= 0x030B0000
    (void)frame;
    return tm_prof_register_label((PyCodeObject*)code, NULL);
#    else
    return tm_prof_args_key((PyCodeObject*)code, (PyObject*)frame);
#    endif
}

/* Calls are tagged by the interpreter frame evaluated (unique while it runs). */
PyObject* tm_prof_eval(PyThreadState* tstate, tm_hook_eval_frame* frame, int throwflag)
{
    PyObject* code = (PyObject*)TM_HOOK_EVAL_FRAME_CODE(frame);
    /* code run by a trace or profile function (ours included) is not the program's: the
     * event APIs mute themselves there, the frame hook must do it itself */
    if(TM_HOOK_UNLIKELY(!code || !PyCode_Check(code) || tm_prof_busy || tstate->tracing))
        return tm_hook_eval_default(tstate, frame, throwflag);
    tm_prof_code* e = tm_prof_lookup(code);
    if(TM_HOOK_LIKELY(e->verdict != TM_HOOK_SELECT) || TM_EVAL_FRAME_CREATES(frame, code))
    {
        if(e->verdict == TM_HOOK_SHUTDOWN) tm_prof_on_shutdown();
        return tm_hook_eval_default(tstate, frame, throwflag);
    }
    tm_prof_thread* t = tm_prof_thread_get();
    if(!t) return tm_hook_eval_default(tstate, frame, throwflag);
    if(TM_HOOK_UNLIKELY(e->coro))
    {
        if(!tm_prof_resumed(t, frame))
            tm_prof_enter(t, frame, NULL, tm_prof_frame_key(e, code, frame));
        PyObject* result = tm_hook_eval_default(tstate, frame, throwflag);
        if(tm_prof_eval_suspended(frame, result))
            tm_prof_suspend(frame, frame);
        else
            tm_prof_exit(frame, NULL);
        return result;
    }
    tm_prof_enter(t, frame, NULL, tm_prof_frame_key(e, code, frame));
    PyObject* result = tm_hook_eval_default(tstate, frame, throwflag);
    tm_prof_exit(frame, NULL);
    return result;
}

/* ---- scoped: the frame hook above for Python calls, plus PyEval_SetProfile (the only
 * source of C-call events before 3.12) switched on only while frames that may call a C
 * function run. A selected code object starts "learning": the hook is on in its frames and
 * the Python calls each of its call sites makes are counted; once every call site has made
 * TM_PROF_SITE_LIMIT calls and none was a C call (or it has no call site at all) it is
 * "quiet" and its frames run with the hook off -- no tracing mode, no frame objects, no
 * events. One C call makes it "calls C" for good. As with 3.12+'s DISABLEd call sites, a
 * learned site that calls a C function later is not seen. */

#    if PY_VERSION_HEX >= 0x030B0000
#        define TM_PROF_IS_CALL_OP(op) ((op) == CALL || (op) == CALL_FUNCTION_EX)
#    else
#        define TM_PROF_IS_CALL_OP(op)                                                             \
            ((op) == CALL_FUNCTION || (op) == CALL_FUNCTION_KW || (op) == CALL_FUNCTION_EX ||      \
             (op) == CALL_METHOD)
#    endif

/* Lists the call instructions of a selected code object (once): learning, or quiet when
 * there are none. Anything failing leaves it "calls C" (the hook stays on: nothing lost). */
static void tm_prof_list_sites(tm_prof_code* e, PyObject* code)
{
    if(e == &tm_prof_unrecorded) return;
    e->mode = TM_PROF_MODE_CALLS_C;
    PyObject *exc_type, *exc_value, *exc_tb;
    PyErr_Fetch(&exc_type, &exc_value, &exc_tb);
#    if PY_VERSION_HEX >= 0x030B0000
    PyObject* bytes = PyCode_GetCode((PyCodeObject*)code); /* the unspecialised instructions */
#    else
    PyObject* bytes = ((PyCodeObject*)code)->co_code;
    Py_XINCREF(bytes);
#    endif
    if(bytes && PyBytes_Check(bytes))
    {
        size_t               n     = (size_t)PyBytes_GET_SIZE(bytes) / 2;
        const unsigned char* units = (const unsigned char*)PyBytes_AS_STRING(bytes);
        uint8_t*             sites = malloc(n ? n : 1);
        if(sites)
        {
            uint32_t count = 0;
            for(size_t i = 0; i < n; ++i)
            {
                bool call = TM_PROF_IS_CALL_OP(units[2 * i]);
                sites[i]  = call ? 0 : TM_PROF_SITE_NONE;
                count += call;
            }
            free(e->sites);
            e->sites     = sites;
            e->nsites    = n;
            e->unlearned = count;
            e->mode      = count ? TM_PROF_MODE_LEARNING : TM_PROF_MODE_QUIET;
        }
    }
    Py_XDECREF(bytes);
    PyErr_Clear();
    PyErr_Restore(exc_type, exc_value, exc_tb);
}

/* A Python call made by a learning code object's frame: counted at the caller's call site
 * (the instruction its frame executes now). Calls made from elsewhere (a C function the
 * frame called, an operator) land on no call site or on a C one. */
static void tm_prof_learn(PyThreadState* tstate, tm_hook_eval_frame* frame, tm_prof_code* caller)
{
#    if PY_VERSION_HEX >= 0x030B0000
    (void)frame;
    const tm_hook_iframe311* from = (const tm_hook_iframe311*)(void*)tstate->cframe->current_frame;
    if(!from || (const void*)from->f_code != caller->code) return;
    ptrdiff_t unit = from->prev_instr - (_Py_CODEUNIT*)from->f_code->co_code_adaptive;
#    else
    (void)tstate;
    const PyFrameObject* from = frame->f_back;
    if(!from || (const void*)from->f_code != caller->code) return;
#        if PY_VERSION_HEX >= 0x030A0000
    ptrdiff_t unit = from->f_lasti; /* instructions */
#        else
    ptrdiff_t unit = from->f_lasti / 2; /* bytes */
#        endif
#    endif
    if(unit < 0 || (size_t)unit >= caller->nsites) return;
    uint8_t* site = &caller->sites[unit];
    if(*site >= TM_PROF_SITE_LIMIT) return;
    if(++*site == TM_PROF_SITE_LIMIT && --caller->unlearned == 0 &&
       caller->mode == TM_PROF_MODE_LEARNING)
        caller->mode = TM_PROF_MODE_QUIET;
}

/* The scoped backend's PyEval_SetProfile callback: C calls only (the frame hook pushes and
 * pops every Python call). A C call is tagged by the caller's frame object and the C
 * function; the caller is almost always the frame the hook evaluates now. */
int tm_prof_scoped_c(PyObject* obj, PyFrameObject* frame, int what, PyObject* arg)
{
    (void)obj;
    if(what == PyTrace_C_CALL)
    {
        if(!P.cfg.trace_c) return 0;
        PyCodeObject* code = tm_hook_frame_code(frame);
        tm_prof_code* e    = tm_prof_current_get();
        if(!e || e->code != (const void*)code) e = tm_prof_lookup((PyObject*)code);
        if(e->verdict != TM_HOOK_SELECT) return 0;
        /* the profile hook stays on in this code object's frames from now on */
        if(e != &tm_prof_unrecorded) e->mode = TM_PROF_MODE_CALLS_C;
        tm_prof_thread* t = tm_prof_thread_get();
        if(!t) return 0;
        tm_prof_enter(t, frame, arg, tm_prof_c_key(e, code, frame, arg));
    }
    else if(what == PyTrace_C_RETURN || what == PyTrace_C_EXCEPTION)
        tm_prof_exit(frame, arg);
    return 0;
}

/* The calling thread's profile hook on or off (the pending exception, if any, kept). */
static inline bool tm_prof_switch(bool on)
{
    return tm_hook_legacy_switch(false, on ? tm_prof_scoped_c : NULL, on ? P.function : NULL);
}

PyObject* tm_prof_scoped_eval(PyThreadState* tstate, tm_hook_eval_frame* frame, int throwflag)
{
    PyObject* code = (PyObject*)TM_HOOK_EVAL_FRAME_CODE(frame);
    if(TM_HOOK_UNLIKELY(!code || !PyCode_Check(code) || tm_prof_busy || tstate->tracing))
        return tm_hook_eval_default(tstate, frame, throwflag);
    tm_prof_code* saved       = tm_prof_current;
    uint32_t      saved_epoch = tm_prof_current_epoch;
    tm_prof_code* caller      = tm_prof_current_get();
    if(TM_HOOK_UNLIKELY(caller != NULL && caller->mode == TM_PROF_MODE_LEARNING))
        tm_prof_learn(tstate, frame, caller);
    tm_prof_code* e        = tm_prof_lookup(code);
    Py_tracefunc  hook     = tstate->c_profilefunc;
    bool          have     = hook == tm_prof_scoped_c;
    bool          selected = e->verdict == TM_HOOK_SELECT;
    if(TM_HOOK_UNLIKELY(!selected))
    {
        if(e->verdict == TM_HOOK_SHUTDOWN)
        {
            tm_prof_on_shutdown();
            return tm_hook_eval_default(tstate, frame, throwflag);
        }
        /* not profiled, and neither are its C calls: the hook is not needed while it runs */
        if(TM_HOOK_LIKELY(!have)) return tm_hook_eval_default(tstate, frame, throwflag);
    }
    else if(TM_HOOK_UNLIKELY(TM_EVAL_FRAME_CREATES(frame, code)))
        return tm_hook_eval_default(tstate, frame, throwflag);
    /* another tool's profile hook: left in place (the stop warns); calls are pushed here */
    bool foreign = hook != NULL && !have;
    if(TM_HOOK_UNLIKELY(foreign) && selected) P.displaced = true;
    if(TM_HOOK_UNLIKELY(selected && e->mode == TM_PROF_MODE_NEW)) tm_prof_list_sites(e, code);
    bool     want    = selected && !foreign && e->mode != TM_PROF_MODE_QUIET;
    bool     on      = have;
    uint32_t session = P.session;
    if(TM_HOOK_UNLIKELY(want != have) && !foreign && P.active && tm_prof_switch(want)) on = want;
    tm_prof_thread* t = selected ? tm_prof_thread_get() : NULL;
    /* e may be freed while the frame runs (Config changed: the decisions are made again) */
    bool coro = e->coro;
    if(t && !(TM_HOOK_UNLIKELY(coro) && tm_prof_resumed(t, frame)))
        tm_prof_enter(t, frame, NULL, tm_prof_frame_key(e, code, frame));
    if(selected)
    {
        tm_prof_current       = e;
        tm_prof_current_epoch = tm_prof_epoch;
    }
    PyObject* result = tm_hook_eval_default(tstate, frame, throwflag);
    if(selected)
    {
        tm_prof_current       = saved;
        tm_prof_current_epoch = saved_epoch;
    }
    if(t && TM_HOOK_UNLIKELY(coro) && tm_prof_eval_suspended(frame, result))
        tm_prof_suspend(frame, frame);
    else if(t)
        tm_prof_exit(frame, NULL);
    /* back to the caller's state, unless the profiler stopped (or another tool took the hook)
     * meanwhile */
    if(TM_HOOK_UNLIKELY(on != have) && P.active && P.session == session &&
       P.backend == TM_PROF_SCOPED && tstate->c_profilefunc == (on ? tm_prof_scoped_c : NULL))
        tm_prof_switch(have);
    return result;
}

#endif
