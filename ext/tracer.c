/* tracer.c -- the line tracer: C callbacks that attribute the time between line events to the
 * line being executed, per thread and per line, in plain C arrays; stop() then pushes one
 * flat node per source line of every traced function (timemory_push with no components +
 * timemory_pop_values), lines never run included with no laps. 3.9-3.11 use PyEval_SetTrace,
 * switched on by a PEP 523 frame hook only while selected frames run ("scoped"; on every
 * thread throughout with the "legacy" backend); 3.12+ use sys.monitoring with LINE enabled only
 * on the selected code objects.
 * Policy: labels come from the package (trace/tracer.py) once per code object; per event
 * there is a compare, a clock read and two additions -- no Python object, no allocation.
 * Files: tracer_state.h (shared state), tracer_legacy.c, tracer_scoped.c and
 * tracer_monitoring.c (one per backend), tracer_session.c (TracerSession, the Python face);
 * this file owns the state, the decisions, the flush into the call-graph, install/uninstall
 * and the line profiler's mode (tracer.h). */
#include "tracer_state.h"

#include <structmember.h>

/* ------------------------------------------------------------------------------------------ */
/* state                                                                                       */

const char* const tm_tr_backend_names[] = { "auto", "legacy", "monitoring", "scoped", "rewrite" };

tm_tr_state tm_tr_T;

TM_HOOK_TLS tm_tr_thread* tm_tr_tls;
TM_HOOK_TLS int           tm_tr_busy;

tm_tr_code tm_tr_unrecorded = { NULL, TM_HOOK_SKIP, 0, 0, 0, -1, NULL, NULL, NULL, 0, false };

/* ------------------------------------------------------------------------------------------ */
/* slow paths                                                                                  */

static int tm_tr_append(tm_tr_code*** arr, size_t* n, size_t* cap, tm_tr_code* e)
{
    if(tm_hook_grow((void**)arr, cap, *n + 1, sizeof(tm_tr_code*)) < 0) return -1;
    (*arr)[(*n)++] = e;
    return 0;
}

/* Asks the package for the lines of a selected code object. 0, or -1 with an exception. */
static int tm_tr_load_lines(tm_tr_code* e, PyObject* code)
{
    if(!T.line_info)
    {
        PyErr_SetString(PyExc_RuntimeError, "tracer: no line-information function set");
        return -1;
    }
    PyObject* info = PyObject_CallOneArg(T.line_info, code);
    if(!info) return -1;
    long      first = 0, def_line = -1;
    PyObject* labels = NULL;
    PyObject* listed = NULL;
    if(!PyArg_ParseTuple(info, "llOO;tracer line information: (first, def, labels, listed)", &first,
                         &def_line, &labels, &listed))
    {
        Py_DECREF(info);
        return -1;
    }
    PyObject* tuple = PySequence_Tuple(labels);
    PyObject* flags = PySequence_Tuple(listed);
    Py_DECREF(info);
    if(!tuple || !flags || PyTuple_GET_SIZE(tuple) != PyTuple_GET_SIZE(flags))
    {
        if(tuple && flags)
            PyErr_SetString(PyExc_ValueError, "tracer line information: sizes differ");
        Py_XDECREF(tuple);
        Py_XDECREF(flags);
        return -1;
    }
    size_t n  = (size_t)PyTuple_GET_SIZE(tuple);
    e->listed = calloc(n ? n : 1, 1);
    e->keys   = calloc(n ? n : 1, sizeof(uint64_t));
    if(!e->listed || !e->keys)
    {
        Py_DECREF(tuple);
        Py_DECREF(flags);
        PyErr_NoMemory();
        return -1;
    }
    for(size_t i = 0; i < n; ++i)
    {
        int truth = PyObject_IsTrue(PyTuple_GET_ITEM(flags, (Py_ssize_t)i));
        if(truth < 0 || !PyUnicode_Check(PyTuple_GET_ITEM(tuple, (Py_ssize_t)i)))
        {
            if(truth >= 0) PyErr_SetString(PyExc_TypeError, "tracer labels must be str");
            Py_DECREF(tuple);
            Py_DECREF(flags);
            return -1;
        }
        e->listed[i] = (uint8_t)truth;
    }
    Py_DECREF(flags);
    e->labels     = tuple;
    e->first_line = (int32_t)first;
    e->nlines     = (uint32_t)n;
    e->def_line   = (int32_t)def_line;
    /* its calls' name in the timeline, as the profiler names them */
    PyCodeObject* co   = (PyCodeObject*)code;
    const char*   file = PyUnicode_AsUTF8(co->co_filename);
    const char*   func = PyUnicode_AsUTF8(co->co_name);
    if(!file || !func) return -1;
    const char* slash = strrchr(file, '/');
    PyObject*   label =
        PyUnicode_FromFormat("%s/%s:%d", func, slash ? slash + 1 : file, co->co_firstlineno);
    const char* text = label ? PyUnicode_AsUTF8(label) : NULL;
    if(text) e->call_key = timemory_add_hash_id(text);
    Py_XDECREF(label);
    if(!text) return -1;
    /* the shown lines are registered now: their hashes are what output will look up */
    for(size_t i = 0; i < n; ++i)
    {
        if(!e->listed[i]) continue;
        const char* text = PyUnicode_AsUTF8(PyTuple_GET_ITEM(tuple, (Py_ssize_t)i));
        if(!text) return -1;
        e->keys[i] = timemory_add_hash_id(text);
    }
    return 0;
}

static void tm_tr_free_entry(tm_tr_code* e)
{
    if(!e || e == &tm_tr_unrecorded) return;
    Py_XDECREF(e->code);
    Py_XDECREF(e->labels);
    free(e->listed);
    free(e->keys);
    free(e);
}

tm_tr_code* tm_tr_decide(PyObject* code)
{
    PyObject *exc_type, *exc_value, *exc_tb;
    PyErr_Fetch(&exc_type, &exc_value, &exc_tb);
    uint32_t    session = T.session;
    tm_tr_code* e       = calloc(1, sizeof(tm_tr_code));
    if(!e) goto done;
    Py_INCREF(code);
    e->code     = code;
    e->def_line = -1;
    e->verdict  = (uint8_t)tm_hook_filter(&T.cfg, (PyCodeObject*)code);
    if(T.lines_select && e->verdict != TM_HOOK_SHUTDOWN)
        e->verdict = PySet_Contains(T.lines_select, code) > 0 ? TM_HOOK_SELECT : TM_HOOK_SKIP;
    /* the line labels come from Python code: another thread may run meanwhile, even stop
     * the tracer or reset its decisions -- nothing shared is touched before it returns */
    if(e->verdict == TM_HOOK_SELECT && tm_tr_load_lines(e, code) < 0)
    {
        if(T.cfg.verbosity > 0) PyErr_WriteUnraisable(code);
        PyErr_Clear();
        e->verdict = TM_HOOK_SKIP;
    }
    if(session != T.session)
    {
        tm_tr_free_entry(e); /* decided for a session that has ended: decide again later */
        PyErr_Clear();
        PyErr_Restore(exc_type, exc_value, exc_tb);
        return &tm_tr_unrecorded;
    }
    if(tm_tr_append(&T.entries, &T.nentries, &T.entries_cap, e) < 0)
    {
        tm_tr_free_entry(e);
        e = NULL;
        goto done;
    }
    if(e->verdict == TM_HOOK_SELECT)
    {
        if(tm_tr_append(&T.selected, &T.nselected, &T.selected_cap, e) < 0)
            e->verdict = TM_HOOK_SKIP;
        else
            e->index = (uint32_t)(T.nselected - 1);
#if TM_HOOKS_HAVE_MONITORING
        if(e->verdict == TM_HOOK_SELECT && T.active && T.backend == TM_TR_MONITORING)
        {
            if(tm_monitor_set_local(&T.mon, code, T.local_events) < 0)
            {
                PyErr_WriteUnraisable(code);
                e->verdict = TM_HOOK_SKIP;
            }
            else
                e->local_events = true;
        }
#endif
    }
    if(tm_code_table_put(&T.codes, code, e) < 0) e = NULL; /* owned by T.entries */
done:
    PyErr_Clear();
    PyErr_Restore(exc_type, exc_value, exc_tb);
    if(!e)
    {
        tm_hook_note_error();
        return &tm_tr_unrecorded;
    }
    return e;
}

void tm_tr_thread_release_data(tm_tr_thread* t)
{
    for(size_t i = 0; i < t->data_cap; ++i)
    {
        free(t->data[i]);
        t->data[i] = NULL;
    }
    t->cur   = NULL;
    t->depth = 0;
}

void tm_tr_thread_free(tm_thread_link* link)
{
    tm_tr_thread* t = (tm_tr_thread*)link;
    tm_tr_thread_release_data(t);
    free(t->data);
    free(t->stack);
    free(t->starts);
    free(t);
}

tm_tr_thread* tm_tr_thread_slow(void)
{
    tm_tr_thread* t = tm_tr_tls;
    if(!t)
    {
        t = calloc(1, sizeof(tm_tr_thread));
        if(!t || tm_thread_registry_add(&T.threads, &t->link) < 0)
        {
            free(t);
            tm_hook_note_error();
            return NULL;
        }
        tm_tr_tls = t;
    }
    t->cur     = NULL;
    t->depth   = 0;
    t->session = T.session;
    return t;
}

void tm_tr_on_shutdown(void)
{
    PyObject *exc_type, *exc_value, *exc_tb;
    PyErr_Fetch(&exc_type, &exc_value, &exc_tb);
    tm_tr_uninstall();
    PyErr_Clear();
    PyErr_Restore(exc_type, exc_value, exc_tb);
}

#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000
/* 3.11: the offset of the frame's f_trace_lines (tracer_state.h) */
Py_ssize_t tm_tr_trace_lines_offset = -1;

void tm_tr_find_trace_lines(void)
{
    for(PyMemberDef* m = PyFrame_Type.tp_members; m && m->name; ++m)
        if(strcmp(m->name, "f_trace_lines") == 0 && m->type == T_BOOL)
            tm_tr_trace_lines_offset = m->offset;
}
#endif

/* Removes the hooks that the line profiler's pause left installed. */
void tm_tr_close_parked(void)
{
#if TM_HOOKS_HAVE_MONITORING
    if(!T.parked) return;
    T.parked = false;
    tm_tr_monitor_uninstall();
#endif
}

/* ------------------------------------------------------------------------------------------ */
/* output: one flat node per line                                                              */

void tm_tr_flush(void)
{
    double  scale     = T.fast && T.tsc ? tm_hook_ticks_to_ns() : 1.0;
    int64_t laps_line = 0;
    int64_t values[2 * TM_TR_MAXC];
    for(size_t s = 0; s < T.nselected; ++s)
    {
        tm_tr_code* e = T.selected[s];
        if(e->verdict != TM_HOOK_SELECT) continue;
        for(uint32_t i = 0; i < e->nlines; ++i)
        {
            bool is_def = e->def_line >= 0 && (int32_t)i == e->def_line - e->first_line;
            laps_line   = 0;
            memset(values, 0, sizeof(values));
            for(tm_thread_link* l = T.threads.head; l; l = l->next)
            {
                tm_tr_thread* t = (tm_tr_thread*)l;
                if(e->index >= t->data_cap || !t->data[e->index]) continue;
                const int64_t* data = t->data[e->index];
                const int64_t* src  = is_def ? data + 2 : tm_tr_slot((int64_t*)data, i) + 1;
                laps_line += is_def ? data[1] : tm_tr_slot((int64_t*)data, i)[0];
                if(T.fast)
                    values[0] += src[0];
                else
                    for(int c = 0; c < T.ncomp; ++c)
                        timemory_component_accumulate(T.ids[c], &values[2 * c], &src[2 * c]);
            }
            if(laps_line == 0 && !e->listed[i]) continue;
            if(T.fast) values[0] = (int64_t)((double)values[0] * scale + 0.5);
            if(!e->keys[i])
            {
                const char* text = PyUnicode_AsUTF8(PyTuple_GET_ITEM(e->labels, (Py_ssize_t)i));
                if(!text)
                {
                    PyErr_Clear();
                    continue;
                }
                e->keys[i] = timemory_add_hash_id(text);
            }
            for(int c = 0; c < T.ncomp; ++c)
            {
                if(timemory_push(e->keys[i], 0, TIMEMORY_SCOPE_FLAT) != TIMEMORY_OK) break;
                timemory_pop_values(e->keys[i], T.ids[c], &values[2 * c], (uint64_t)laps_line);
            }
        }
    }
    for(tm_thread_link* l = T.threads.head; l; l = l->next)
        tm_tr_thread_release_data((tm_tr_thread*)l);
}

/* ------------------------------------------------------------------------------------------ */
/* install / uninstall                                                                         */

/* Removes the hooks; returns how many threads had their hook replaced by another tool
 * meanwhile (the package warns). */
int tm_tr_uninstall(void)
{
    tm_tr_close_parked();
    if(!T.active) return 0;
    T.active     = false;
    int replaced = 0;
    if(T.backend == TM_TR_REWRITE)
        ;
    else if(T.backend == TM_TR_LEGACY)
    {
        replaced = tm_hook_legacy_remove_all(true, tm_tr_legacy);
        tm_hook_threading_restore(true, T.saved_thread_hook);
        T.saved_thread_hook = NULL;
    }
#if TM_TR_HAVE_SCOPED
    else if(T.backend == TM_TR_SCOPED)
    {
        PyInterpreterState* interp = PyThreadState_GetInterpreter(PyThreadState_Get());
        if(_PyInterpreterState_GetEvalFrameFunc(interp) == tm_tr_eval)
            _PyInterpreterState_SetEvalFrameFunc(interp, _PyEval_EvalFrameDefault);
        else
            replaced = 1;
        /* threads inside a selected frame have the hook on: switched off everywhere; a
         * thread whose hook another tool took while it ran selected code counts as replaced */
        (void)tm_hook_legacy_remove_all(true, tm_tr_legacy);
        replaced += T.displaced;
        T.displaced = false;
    }
#endif
#if TM_HOOKS_HAVE_MONITORING
    else
        tm_tr_monitor_uninstall();
#endif
    return replaced;
}

int tm_tr_resolve_backend(void)
{
#if TM_TR_HAVE_REWRITE
    if(T.lines_select && T.lines_rewrite) return TM_TR_REWRITE;
#endif
#if TM_HOOKS_HAVE_MONITORING
    return T.backend_choice == TM_TR_LEGACY ? TM_TR_LEGACY : TM_TR_MONITORING;
#else
    if(T.backend_choice == TM_TR_LEGACY) return TM_TR_LEGACY;
    /* the frame hook is the interpreter's one: taken (by the profiler, say), plain legacy */
    return (T.active ? T.backend == TM_TR_SCOPED : tm_hook_evalframe_free()) ? TM_TR_SCOPED
                                                                             : TM_TR_LEGACY;
#endif
}

int tm_tr_install(void)
{
    tm_tr_close_parked();
    T.backend = tm_tr_resolve_backend();
    ++T.session;
    if(T.backend == TM_TR_REWRITE) /* the rewritten code calls in: nothing to install */
    {
        T.active = true;
        return 0;
    }
#if TM_TR_HAVE_SCOPED
    if(T.backend == TM_TR_SCOPED)
    {
        PyInterpreterState* interp = PyThreadState_GetInterpreter(PyThreadState_Get());
        _PyInterpreterState_SetEvalFrameFunc(interp, tm_tr_eval);
        T.active = true;
        return 0;
    }
#endif
    if(T.backend == TM_TR_LEGACY)
    {
        if(tm_hook_threading_set(true, T.function, &T.saved_thread_hook) < 0) return -1;
        if(tm_hook_legacy_install_all(true, tm_tr_legacy, T.function) < 0)
        {
            tm_hook_threading_restore(true, T.saved_thread_hook);
            T.saved_thread_hook = NULL;
            return -1;
        }
    }
#if TM_HOOKS_HAVE_MONITORING
    else if(tm_tr_monitor_install() < 0)
        return -1;
#endif
    T.active = true;
    return 0;
}

void tm_tr_reset_codes(void)
{
    tm_tr_close_parked(); /* its local events name the entries' code objects */
    /* nothing may point at the entries any more: per-thread data is indexed by them */
    for(tm_thread_link* l = T.threads.head; l; l = l->next)
        tm_tr_thread_release_data((tm_tr_thread*)l);
    ++T.session;
    tm_code_table_clear(&T.codes, NULL);
    tm_lr_reset_entries();
    size_t       n       = T.nentries;
    tm_tr_code** entries = T.entries;
    T.entries            = NULL;
    T.nentries = T.entries_cap = 0;
    T.nselected                = 0;
    for(size_t i = 0; i < n; ++i) tm_tr_free_entry(entries[i]);
    free(entries);
}

/* ------------------------------------------------------------------------------------------ */
/* the line profiler's mode (tracer.h)                                                         */

int tm_tr_lines_mode(PyObject* codes)
{
    if(T.active)
    {
        PyErr_SetString(PyExc_RuntimeError, "line profiler: the tracer is running");
        return -1;
    }
    Py_XINCREF(codes);
    Py_XDECREF(T.lines_select);
    T.lines_select = codes;
    tm_tr_reset_codes();
    tm_thread_registry_reap(&T.threads, tm_tr_thread_free);
    return 0;
}

int tm_tr_lines_start(void)
{
    if(T.active) return 0; /* the timeline setting stays as the last tracer_start read it */
#if TM_HOOKS_HAVE_MONITORING
    if(T.parked && tm_tr_resolve_backend() == TM_TR_MONITORING)
    {
        T.parked = false;
        ++T.session; /* as an install: the threads' shadow stacks start afresh */
        T.active = true;
        return 0;
    }
#endif
    return tm_tr_install();
}

int tm_tr_lines_stop(void)
{
#if TM_HOOKS_HAVE_MONITORING
    if(T.active && T.backend == TM_TR_MONITORING && T.lines_select)
    {
        T.active = false;
        T.parked = true;
        return 0;
    }
#endif
    return tm_tr_uninstall();
}

int tm_tr_lines_components(const int** ids)
{
    *ids = T.ids;
    return T.ncomp;
}

int tm_tr_lines_take(tm_tr_lines_fn fn, void* ctx)
{
    double  scale = T.fast && T.tsc ? tm_hook_ticks_to_ns() : 1.0;
    int64_t values[2 * TM_TR_MAXC];
    for(size_t s = 0; s < T.nselected; ++s)
    {
        const tm_tr_code* e = T.selected[s];
        for(uint32_t i = 0; i < e->nlines; ++i)
        {
            int64_t hits = 0, any = 0;
            memset(values, 0, sizeof(values));
            for(tm_thread_link* l = T.threads.head; l; l = l->next)
            {
                tm_tr_thread* t = (tm_tr_thread*)l;
                if(e->index >= t->data_cap || !t->data[e->index]) continue;
                const int64_t* slot = tm_tr_slot(t->data[e->index], i);
                hits += slot[0];
                for(int v = 0; v < T.width; ++v) any |= slot[1 + v];
                if(T.fast)
                    values[0] += slot[1];
                else
                    for(int c = 0; c < T.ncomp; ++c)
                        timemory_component_accumulate(T.ids[c], &values[2 * c], &slot[1 + 2 * c]);
            }
            if(hits == 0 && any == 0) continue;
            if(T.fast) values[0] = (int64_t)((double)values[0] * scale + 0.5);
            if(fn(ctx, e->code, (long)e->first_line + (long)i, hits, values) < 0) return -1;
        }
    }
    /* taken: zeroed in place, the active-call count (data[0]) kept */
    for(tm_thread_link* l = T.threads.head; l; l = l->next)
    {
        tm_tr_thread* t = (tm_tr_thread*)l;
        for(size_t s = 0; s < T.nselected && s < t->data_cap; ++s)
        {
            if(!t->data[s]) continue;
            size_t n = tm_tr_header() + (size_t)T.selected[s]->nlines * (size_t)T.stride;
            memset(t->data[s] + 1, 0, (n - 1) * sizeof(int64_t));
        }
    }
    tm_thread_registry_reap(&T.threads, tm_tr_thread_free);
    return 0;
}
