/* line_rewrite.c -- the line profiler's "rewrite" backend (CPython 3.11): the package rewrites
 * the selected functions' bytecode (python/timemory/line_profiler/_rewrite.py) so that each
 * line start calls line_profiler_line(key) and each return or yield calls
 * line_profiler_leave(key), key = code id << 20 | line number. No trace hook is installed, so
 * the interpreter keeps its specialised instructions (3.11 runs every instruction of every
 * frame unspecialised while a trace function is set: that delivery alone cost more than the
 * whole budget). The per-event work is the tracer's (tracer_state.h: tm_tr_enter, tm_tr_line,
 * tm_tr_exit) on its shadow stack, keyed by the interpreter frame; a frame left by an
 * exception has no leave call and is closed at the next call from one of its callers (found
 * on the shadow stack, or by the interpreter's frame chain). Code ids name the original code
 * objects: they stay valid across selections, the entries they resolve to are cached until
 * the tracer's decisions are reset. */
#include "tracer_state.h"

#if TM_TR_HAVE_REWRITE

#    define TM_LR_LINE_BITS 20
#    define TM_LR_LINE_MASK ((1L << TM_LR_LINE_BITS) - 1)

static PyObject*    tm_lr_ids;     /* {original code: id} (strong) */
static PyObject**   tm_lr_codes;   /* by id (borrowed from tm_lr_ids' keys) */
static tm_tr_code** tm_lr_entries; /* by id: the tracer's entry, NULL until first used */
static size_t       tm_lr_n;
static size_t       tm_lr_cap;

void tm_lr_reset_entries(void)
{
    if(tm_lr_entries) memset(tm_lr_entries, 0, tm_lr_n * sizeof(tm_tr_code*));
}

static inline tm_tr_code* tm_lr_entry(uint32_t id)
{
    if(TM_HOOK_LIKELY(id < tm_lr_n && tm_lr_entries[id] != NULL)) return tm_lr_entries[id];
    if(id >= tm_lr_n) return NULL;
    tm_tr_code* e = tm_tr_lookup(tm_lr_codes[id]); /* may run the package's line_info */
    if(e == &tm_tr_unrecorded) return NULL;        /* decided for an ended session */
    if(id < tm_lr_n) tm_lr_entries[id] = e;
    return e;
}

static inline const void* tm_lr_frame(void)
{
    return PyThreadState_Get()->cframe->current_frame;
}

/* Whether `ancestor` is on the interpreter's frame chain above `frame`. */
static bool tm_lr_calls(const void* ancestor, const void* frame)
{
    for(const tm_hook_iframe311* f = frame; f; f = f->previous)
        if((const void*)f == ancestor) return true;
    return false;
}

/* The shadow stack made to match the running frame `fr` of `e` before a line of it: callees
 * that an exception left are closed; a frame not on the stack is entered, after closing the
 * entries that are not its callers (left by an exception into untimed code). */
static void tm_lr_settle(tm_tr_thread* t, const void* fr, tm_tr_code* e)
{
    size_t k = t->depth;
    while(k > 0 && t->stack[k - 1].id != fr) --k;
    if(k > 0 && t->stack[k - 1].entry == e)
    {
        while(t->depth > k) tm_tr_exit(t);
        return;
    }
    if(k > 0) /* the address of a frame that an exception ended, now another code's */
        while(t->depth >= k) tm_tr_exit(t);
    const void* caller = ((const tm_hook_iframe311*)fr)->previous;
    while(t->depth > 0 && !tm_lr_calls(t->stack[t->depth - 1].id, caller)) tm_tr_exit(t);
    tm_tr_enter(t, fr, e);
}

/* None, or the TypeError of a call that rewritten bytecode would not make (one int key). */
static PyObject* tm_lr_done(Py_ssize_t nargs)
{
    if(TM_HOOK_UNLIKELY(nargs != 1))
    {
        PyErr_Format(PyExc_TypeError, "takes one key (code id << 20 | line number), %zd given",
                     nargs);
        return NULL;
    }
    Py_RETURN_NONE;
}

/* What both calls start with: the key's entry when it is recorded now, with this thread's
 * state and the calling frame; NULL when the call has nothing to do. */
static inline tm_tr_code* tm_lr_begin(PyObject* const* args, Py_ssize_t nargs, long* k,
                                      tm_tr_thread** t, const void** fr)
{
    if(TM_HOOK_UNLIKELY(nargs != 1 || !PyLong_CheckExact(args[0]))) return NULL;
    if(TM_HOOK_UNLIKELY(!T.active || T.backend != TM_TR_REWRITE || T.calibrating)) return NULL;
    *k = PyLong_AsLong(args[0]);
    if(TM_HOOK_UNLIKELY(*k < 0))
    {
        PyErr_Clear(); /* not a key (too large: OverflowError): ignored */
        return NULL;
    }
    tm_tr_code* e = tm_lr_entry((uint32_t)(*k >> TM_LR_LINE_BITS));
    if(TM_HOOK_UNLIKELY(!e || e->verdict != TM_HOOK_SELECT)) return NULL;
    *t = tm_tr_thread_get();
    if(TM_HOOK_UNLIKELY(*t == NULL)) return NULL;
    *fr = tm_lr_frame();
    return e;
}

/* Both are METH_FASTCALL: 3.11's specialised call of such a builtin (PRECALL_NO_KW_BUILTIN_FAST)
 * does not count a level of recursion, as METH_O's does -- a program recursing up to its limit
 * must not fail one level earlier because its lines are counted. */
static PyObject* tm_lr_py_line(PyObject* self, PyObject* const* args, Py_ssize_t nargs)
{
    (void)self;
    long          k;
    tm_tr_thread* t;
    const void*   fr;
    tm_tr_code*   e = tm_lr_begin(args, nargs, &k, &t, &fr);
    if(!e) return tm_lr_done(nargs);
    if(TM_HOOK_UNLIKELY(t->depth == 0 || t->stack[t->depth - 1].id != fr ||
                        t->stack[t->depth - 1].entry != e))
    {
        tm_lr_settle(t, fr, e);
        if(t->depth == 0 || t->stack[t->depth - 1].id != fr) Py_RETURN_NONE; /* no memory */
    }
    tm_tr_line(t, &t->stack[t->depth - 1], k & TM_LR_LINE_MASK);
    Py_RETURN_NONE;
}

static PyObject* tm_lr_py_leave(PyObject* self, PyObject* const* args, Py_ssize_t nargs)
{
    (void)self;
    long          k;
    tm_tr_thread* t;
    const void*   fr;
    tm_tr_code*   e = tm_lr_begin(args, nargs, &k, &t, &fr);
    if(!e) return tm_lr_done(nargs);
    size_t d = t->depth;
    while(d > 0 && t->stack[d - 1].id != fr) --d;
    if(d == 0 || t->stack[d - 1].entry != e) Py_RETURN_NONE; /* entered before the start */
    while(t->depth >= d) tm_tr_exit(t);
    Py_RETURN_NONE;
}

static PyObject* tm_lr_py_code_id(PyObject* self, PyObject* code)
{
    (void)self;
    if(!PyCode_Check(code))
    {
        PyErr_Format(PyExc_TypeError, "line_profiler_code_id(code): a code object, not %.100s",
                     Py_TYPE(code)->tp_name);
        return NULL;
    }
    if(!tm_lr_ids && !(tm_lr_ids = PyDict_New())) return NULL;
    PyObject* id = PyDict_GetItemWithError(tm_lr_ids, code);
    if(id)
    {
        Py_INCREF(id);
        return id;
    }
    if(PyErr_Occurred()) return NULL;
    if(tm_lr_n >= (1UL << (8 * sizeof(long) - 1 - TM_LR_LINE_BITS)) - 1)
    {
        PyErr_SetString(PyExc_OverflowError, "line_profiler_code_id: too many code objects");
        return NULL;
    }
    size_t cap = tm_lr_cap;
    if(tm_hook_grow((void**)&tm_lr_codes, &cap, tm_lr_n + 1, sizeof(PyObject*)) < 0 ||
       tm_hook_grow((void**)&tm_lr_entries, &tm_lr_cap, tm_lr_n + 1, sizeof(tm_tr_code*)) < 0)
        return PyErr_NoMemory();
    id = PyLong_FromSize_t(tm_lr_n);
    if(!id || PyDict_SetItem(tm_lr_ids, code, id) < 0)
    {
        Py_XDECREF(id);
        return NULL;
    }
    tm_lr_codes[tm_lr_n]   = code; /* the dict holds it */
    tm_lr_entries[tm_lr_n] = NULL;
    ++tm_lr_n;
    return id;
}

static PyObject* tm_lr_py_rewrite(PyObject* self, PyObject* flag)
{
    (void)self;
    int on = PyObject_IsTrue(flag);
    if(on < 0) return NULL;
    if(T.active)
    {
        PyErr_SetString(PyExc_RuntimeError, "line_profiler_rewrite: the tracer is running");
        return NULL;
    }
    T.lines_rewrite = on != 0;
    Py_RETURN_NONE;
}

static PyMethodDef tm_lr_methods[] = {
    { "line_profiler_line", (PyCFunction)(void (*)(void))tm_lr_py_line, METH_FASTCALL,
      "line_profiler_line(key)\n--\n\nCalled by rewritten bytecode as a line starts "
      "(key: code id << 20 | line number)." },
    { "line_profiler_leave", (PyCFunction)(void (*)(void))tm_lr_py_leave, METH_FASTCALL,
      "line_profiler_leave(key)\n--\n\nCalled by rewritten bytecode before a return or a yield "
      "(key as line_profiler_line's)." },
    { "line_profiler_code_id", tm_lr_py_code_id, METH_O,
      "line_profiler_code_id(code)\n--\n\nThe id of an original code object in the keys of "
      "rewritten bytecode (the same for the life of the process)." },
    { "line_profiler_rewrite", tm_lr_py_rewrite, METH_O,
      "line_profiler_rewrite(flag)\n--\n\nNot while the tracer runs: whether the selected "
      "code objects run rewritten (the rewrite backend: no trace hook) or traced." },
    { NULL, NULL, 0, NULL }
};

int tm_py_add_line_rewrite(PyObject* module)
{
    return PyModule_AddFunctions(module, tm_lr_methods);
}

#else

void tm_lr_reset_entries(void) {}

int tm_py_add_line_rewrite(PyObject* module)
{
    (void)module;
    return 0;
}

#endif
