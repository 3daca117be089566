/* hooks_common.c -- the shared base of the profiler and the tracer: filter configuration and
 * decisions, labels, the code-object table, per-thread struct registries, the C callable
 * types, and hook installation through PyEval_SetProfile/SetTrace (every thread) or
 * sys.monitoring. Owns no event handling: profiler.c and tracer.c do that.
 * Policy: called with the GIL held; nothing here runs per event except the inline lookups. */
#include "hooks.h"

#include <structmember.h>

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if PY_VERSION_HEX >= 0x030D0000
/* 3.13 moved these to the internal headers; _PyEval_SetProfile is still exported. */
PyAPI_FUNC(int) _PyEval_SetProfile(PyThreadState* tstate, Py_tracefunc func, PyObject* arg);
#endif

/* ------------------------------------------------------------------------------------------ */
/* errors and growth                                                                           */

/* A dropped event (no memory in a hook): counted in the library's one sticky error state,
 * reported with the others at Profiler.stop/Tracer.stop, get(), report() and finalize. */
void tm_hook_note_error(void) { timemory_note_error(TIMEMORY_ENOMEM); }

int tm_hook_grow(void** buf, size_t* cap, size_t need, size_t elem)
{
    if(need <= *cap) return 0;
    size_t ncap = *cap ? *cap : 16;
    while(ncap < need) ncap *= 2;
    void* p = realloc(*buf, ncap * elem);
    if(!p) return -1;
    memset((char*)p + *cap * elem, 0, (ncap - *cap) * elem);
    *buf = p;
    *cap = ncap;
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* tick clock                                                                                  */

static int     tm_tsc_state; /* 0 unknown, 1 usable, -1 not */
static int64_t tm_tsc_anchor_ticks;
static int64_t tm_tsc_anchor_ns;

#if defined(__x86_64__)
/* the timeline's tick source: the engine converts the hooks' ticks at output */
static int64_t tm_tsc_now(void)
{
    return (int64_t)__builtin_ia32_rdtsc();
}
#endif

bool tm_hook_ticks_are_tsc(void)
{
#if defined(__x86_64__)
    if(tm_tsc_state == 0)
    {
        /* the kernel keeps tsc as its clock source only when it is invariant and in step
         * across CPUs; then a tick count converts to nanoseconds by one ratio */
        char  source[32] = {0};
        FILE* f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "r");
        if(f)
        {
            if(!fgets(source, sizeof(source), f)) source[0] = '\0';
            fclose(f);
        }
        tm_tsc_state = strncmp(source, "tsc", 3) == 0 && (source[3] == '\n' || !source[3]) ? 1 : -1;
        if(tm_tsc_state > 0)
        {
            tm_tsc_anchor_ns    = tm_hook_now_ns();
            tm_tsc_anchor_ticks = (int64_t)__builtin_ia32_rdtsc();
            timemory_timeline_set_tick_source(tm_tsc_now);
        }
    }
    return tm_tsc_state > 0;
#else
    return false;
#endif
}

double tm_hook_ticks_to_ns(void)
{
    if(!tm_hook_ticks_are_tsc()) return 1.0;
    int64_t ns    = tm_hook_now_ns();
    int64_t ticks = tm_hook_ticks(true);
    /* too short a span to measure the ratio yet: wait a little (first use only) */
    while(ns - tm_tsc_anchor_ns < 1000000)
    {
        ns    = tm_hook_now_ns();
        ticks = tm_hook_ticks(true);
    }
    if(ticks <= tm_tsc_anchor_ticks) return 1.0;
    return (double)(ns - tm_tsc_anchor_ns) / (double)(ticks - tm_tsc_anchor_ticks);
}

/* ------------------------------------------------------------------------------------------ */
/* string sets                                                                                 */

static bool tm_strset_has(const tm_strset* s, const char* v)
{
    for(size_t i = 0; i < s->count; ++i)
        if(strcmp(s->items[i], v) == 0) return true;
    return false;
}

static int tm_strset_add(tm_strset* s, const char* v)
{
    if(tm_strset_has(s, v)) return 0;
    if(tm_hook_grow((void**)&s->items, &s->cap, s->count + 1, sizeof(char*)) < 0) return -1;
    size_t n   = strlen(v);
    char*  dup = malloc(n + 1);
    if(!dup) return -1;
    memcpy(dup, v, n + 1);
    s->items[s->count++] = dup;
    return 0;
}

static void tm_strset_clear(tm_strset* s)
{
    for(size_t i = 0; i < s->count; ++i) free(s->items[i]);
    s->count = 0;
}

static void tm_strset_free(tm_strset* s)
{
    tm_strset_clear(s);
    free(s->items);
    s->items = NULL;
    s->cap   = 0;
}

static PyObject* tm_strset_list(const tm_strset* s)
{
    PyObject* out = PyList_New((Py_ssize_t)s->count);
    if(!out) return NULL;
    for(size_t i = 0; i < s->count; ++i)
    {
        PyObject* str = PyUnicode_FromString(s->items[i]);
        if(!str)
        {
            Py_DECREF(out);
            return NULL;
        }
        PyList_SET_ITEM(out, (Py_ssize_t)i, str);
    }
    return out;
}

/* ------------------------------------------------------------------------------------------ */
/* configuration                                                                               */

static const char* const tm_default_skip_functions[] = {
    "FILE",     "FUNC",      "LINE",    "get_fcode",  "__exit__", "_handle_fromlist",
    "<module>", "_shutdown", "isclass", "isfunction", "basename", "_get_sep"};

static const char* const tm_default_skip_filenames[] = {
    "__init__.py",       "__main__.py",  "functools.py", "<frozen importlib._bootstrap>",
    "_pylab_helpers.py", "threading.py", "encoder.py",   "decoder.py"};

static int tm_hook_config_defaults(tm_hook_config* cfg, bool profiler)
{
    cfg->trace_c          = profiler;
    cfg->include_internal = false;
    cfg->include_args     = false;
    cfg->include_line     = true;
    cfg->include_filename = true;
    cfg->full_filepath    = false;
    cfg->max_stack_depth  = 65535;
    cfg->has_trace_c      = profiler;
    tm_strset_clear(&cfg->only_functions);
    tm_strset_clear(&cfg->only_filenames);
    tm_strset_clear(&cfg->skip_functions);
    tm_strset_clear(&cfg->skip_filenames);
    size_t nf = sizeof(tm_default_skip_functions) / sizeof(tm_default_skip_functions[0]);
    for(size_t i = 0; i < nf; ++i)
    {
        /* the tracer follows module-level code */
        if(!profiler && strcmp(tm_default_skip_functions[i], "<module>") == 0) continue;
        if(tm_strset_add(&cfg->skip_functions, tm_default_skip_functions[i]) < 0) return -1;
    }
    size_t nfile = sizeof(tm_default_skip_filenames) / sizeof(tm_default_skip_filenames[0]);
    for(size_t i = 0; i < nfile; ++i)
        if(tm_strset_add(&cfg->skip_filenames, tm_default_skip_filenames[i]) < 0) return -1;
    /* verbosity = settings.verbose (+16 with settings.debug) */
    int64_t verbose = 0;
    bool    debug   = false;
    if(timemory_settings_get_int("verbose", &verbose) < 0) verbose = 0;
    if(timemory_settings_get_bool("debug", &debug) < 0) debug = false;
    cfg->verbosity = (long)verbose + (debug ? 16 : 0);
    return 0;
}

int tm_hook_config_init(tm_hook_config* cfg, bool profiler)
{
    memset(cfg, 0, sizeof(*cfg));
    if(tm_hook_config_defaults(cfg, profiler) < 0)
    {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

void tm_hook_config_free(tm_hook_config* cfg)
{
    tm_strset_free(&cfg->only_functions);
    tm_strset_free(&cfg->only_filenames);
    tm_strset_free(&cfg->skip_functions);
    tm_strset_free(&cfg->skip_filenames);
    free(cfg->internal_path);
    cfg->internal_path = NULL;
}

typedef enum
{
    TM_FIELD_BOOL,
    TM_FIELD_LONG,
    TM_FIELD_SET
} tm_field_kind;

typedef struct tm_field
{
    const char*   name;
    tm_field_kind kind;
    size_t        offset;
    bool          profiler_only;
} tm_field;

static const tm_field tm_fields[] = {
    {"trace_c", TM_FIELD_BOOL, offsetof(tm_hook_config, trace_c), true},
    {"include_internal", TM_FIELD_BOOL, offsetof(tm_hook_config, include_internal), false},
    {"include_args", TM_FIELD_BOOL, offsetof(tm_hook_config, include_args), false},
    {"include_line", TM_FIELD_BOOL, offsetof(tm_hook_config, include_line), false},
    {"include_filename", TM_FIELD_BOOL, offsetof(tm_hook_config, include_filename), false},
    {"full_filepath", TM_FIELD_BOOL, offsetof(tm_hook_config, full_filepath), false},
    {"max_stack_depth", TM_FIELD_LONG, offsetof(tm_hook_config, max_stack_depth), true},
    {"verbosity", TM_FIELD_LONG, offsetof(tm_hook_config, verbosity), false},
    {"only_functions", TM_FIELD_SET, offsetof(tm_hook_config, only_functions), false},
    {"only_filenames", TM_FIELD_SET, offsetof(tm_hook_config, only_filenames), false},
    {"skip_functions", TM_FIELD_SET, offsetof(tm_hook_config, skip_functions), false},
    {"skip_filenames", TM_FIELD_SET, offsetof(tm_hook_config, skip_filenames), false},
};

#define TM_NFIELDS (sizeof(tm_fields) / sizeof(tm_fields[0]))

static const tm_field* tm_field_find(const tm_hook_config* cfg, PyObject* name)
{
    if(!PyUnicode_Check(name))
    {
        PyErr_Format(PyExc_TypeError, "config field name must be str, not %.100s",
                     Py_TYPE(name)->tp_name);
        return NULL;
    }
    for(size_t i = 0; i < TM_NFIELDS; ++i)
    {
        if(tm_fields[i].profiler_only && !cfg->has_trace_c) continue;
        if(PyUnicode_CompareWithASCIIString(name, tm_fields[i].name) == 0) return &tm_fields[i];
    }
    PyErr_Format(PyExc_AttributeError, "Config has no field '%U'", name);
    return NULL;
}

static PyObject* tm_field_value(const tm_hook_config* cfg, const tm_field* f)
{
    const char* base = (const char*)cfg;
    switch(f->kind)
    {
    case TM_FIELD_BOOL:
        return PyBool_FromLong(*(const bool*)(base + f->offset));
    case TM_FIELD_LONG:
        return PyLong_FromLong(*(const long*)(base + f->offset));
    case TM_FIELD_SET:
        return tm_strset_list((const tm_strset*)(base + f->offset));
    }
    Py_RETURN_NONE;
}

PyObject* tm_hook_config_get(const tm_hook_config* cfg, PyObject* name)
{
    const tm_field* f = tm_field_find(cfg, name);
    return f ? tm_field_value(cfg, f) : NULL;
}

PyObject* tm_hook_config_as_dict(const tm_hook_config* cfg)
{
    PyObject* out = PyDict_New();
    if(!out) return NULL;
    for(size_t i = 0; i < TM_NFIELDS; ++i)
    {
        if(tm_fields[i].profiler_only && !cfg->has_trace_c) continue;
        PyObject* v = tm_field_value(cfg, &tm_fields[i]);
        if(!v || PyDict_SetItemString(out, tm_fields[i].name, v) < 0)
        {
            Py_XDECREF(v);
            Py_DECREF(out);
            return NULL;
        }
        Py_DECREF(v);
    }
    return out;
}

/* Adds one str, or every str of an iterable, to a set. */
static int tm_strset_add_object(tm_strset* s, PyObject* value, const char* field)
{
    if(PyUnicode_Check(value))
    {
        const char* text = PyUnicode_AsUTF8(value);
        if(!text) return -1;
        if(tm_strset_add(s, text) < 0)
        {
            PyErr_NoMemory();
            return -1;
        }
        return 0;
    }
    PyObject* it = PyObject_GetIter(value);
    if(!it)
    {
        PyErr_Format(PyExc_TypeError, "Config.%s takes a str or an iterable of str, not %.100s",
                     field, Py_TYPE(value)->tp_name);
        return -1;
    }
    PyObject* item;
    while((item = PyIter_Next(it)))
    {
        if(!PyUnicode_Check(item))
        {
            PyErr_Format(PyExc_TypeError, "Config.%s items must be str, not %.100s", field,
                         Py_TYPE(item)->tp_name);
            Py_DECREF(item);
            Py_DECREF(it);
            return -1;
        }
        const char* text = PyUnicode_AsUTF8(item);
        int         rc   = text ? tm_strset_add(s, text) : -1;
        Py_DECREF(item);
        if(rc < 0)
        {
            if(!PyErr_Occurred()) PyErr_NoMemory();
            Py_DECREF(it);
            return -1;
        }
    }
    Py_DECREF(it);
    return PyErr_Occurred() ? -1 : 0;
}

int tm_hook_config_set(tm_hook_config* cfg, PyObject* name, PyObject* value)
{
    const tm_field* f = tm_field_find(cfg, name);
    if(!f) return -1;
    char* base = (char*)cfg;
    switch(f->kind)
    {
    case TM_FIELD_BOOL:
    {
        int truth = PyObject_IsTrue(value);
        if(truth < 0) return -1;
        *(bool*)(base + f->offset) = truth != 0;
        return 0;
    }
    case TM_FIELD_LONG:
    {
        if(!PyLong_Check(value))
        {
            PyErr_Format(PyExc_TypeError, "Config.%s must be int, not %.100s", f->name,
                         Py_TYPE(value)->tp_name);
            return -1;
        }
        long v = PyLong_AsLong(value);
        if(v == -1 && PyErr_Occurred()) return -1;
        *(long*)(base + f->offset) = v;
        return 0;
    }
    case TM_FIELD_SET:
        return tm_strset_add_object((tm_strset*)(base + f->offset), value, f->name);
    }
    return 0;
}

int tm_hook_config_clear(tm_hook_config* cfg, PyObject* name, bool profiler)
{
    if(!name || name == Py_None)
    {
        if(tm_hook_config_defaults(cfg, profiler) < 0)
        {
            PyErr_NoMemory();
            return -1;
        }
        return 0;
    }
    const tm_field* f = tm_field_find(cfg, name);
    if(!f) return -1;
    if(f->kind != TM_FIELD_SET)
    {
        PyErr_Format(PyExc_ValueError, "Config.%s is not a list field", f->name);
        return -1;
    }
    tm_strset_clear((tm_strset*)((char*)cfg + f->offset));
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* filters and labels                                                                          */

static const char* tm_basename(const char* path)
{
    const char* slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static const char* tm_code_string(PyObject* s)
{
    const char* text = (s && PyUnicode_Check(s)) ? PyUnicode_AsUTF8(s) : NULL;
    if(!text)
    {
        PyErr_Clear();
        return "";
    }
    return text;
}

tm_hook_verdict tm_hook_filter(const tm_hook_config* cfg, PyCodeObject* code)
{
    const char* func = tm_code_string(code->co_name);
    const char* full = tm_code_string(code->co_filename);
    const char* file = tm_basename(full);

    /* threading._shutdown runs when the interpreter exits: the hooks go away then */
    if(strcmp(func, "_shutdown") == 0 && strcmp(file, "threading.py") == 0 &&
       tm_strset_has(&cfg->skip_functions, func))
        return TM_HOOK_SHUTDOWN;
    if(cfg->only_functions.count > 0 && !tm_strset_has(&cfg->only_functions, func))
        return TM_HOOK_SKIP;
    if(tm_strset_has(&cfg->skip_functions, func)) return TM_HOOK_SKIP;
    if(!cfg->include_internal && cfg->internal_path && cfg->internal_path[0] &&
       strncmp(full, cfg->internal_path, strlen(cfg->internal_path)) == 0)
        return TM_HOOK_SKIP;
    if(cfg->only_filenames.count > 0 && !tm_strset_has(&cfg->only_filenames, file) &&
       !tm_strset_has(&cfg->only_filenames, full))
        return TM_HOOK_SKIP;
    if(tm_strset_has(&cfg->skip_filenames, file) || tm_strset_has(&cfg->skip_filenames, full))
        return TM_HOOK_SKIP;
    return TM_HOOK_SELECT;
}

size_t tm_hook_label(const tm_hook_config* cfg, PyCodeObject* code, const char* args, char* buf,
                     size_t len)
{
    const char* func = tm_code_string(code->co_name);
    const char* full = tm_code_string(code->co_filename);
    const char* file = cfg->full_filepath ? full : tm_basename(full);
    int         n    = snprintf(buf, len, "%s%s", func, args ? args : "");
    if(n < 0) n = 0;
    size_t used = (size_t)n < len ? (size_t)n : len - 1;
    if(cfg->include_filename)
    {
        n    = snprintf(buf + used, len - used, "/%s", file);
        used = n < 0 ? used : ((size_t)n < len - used ? used + (size_t)n : len - 1);
    }
    if(cfg->include_line)
    {
        n    = snprintf(buf + used, len - used, ":%d", code->co_firstlineno);
        used = n < 0 ? used : ((size_t)n < len - used ? used + (size_t)n : len - 1);
    }
    return used;
}

/* ------------------------------------------------------------------------------------------ */
/* code-object table                                                                           */

static int tm_code_table_resize(tm_code_table* t, size_t cap)
{
    tm_code_slot* slots = calloc(cap, sizeof(tm_code_slot));
    if(!slots) return -1;
    unsigned bits = 0;
    while(((size_t)1 << bits) < cap) ++bits;
    unsigned shift = 64 - bits;
    size_t   mask  = cap - 1;
    for(size_t i = 0; t->slots && i <= t->mask; ++i)
    {
        tm_code_slot* s = &t->slots[i];
        if(!s->code) continue;
        size_t j = (size_t)(((uintptr_t)s->code * UINT64_C(0x9E3779B97F4A7C15)) >> shift);
        while(slots[j].code) j = (j + 1) & mask;
        slots[j] = *s;
    }
    free(t->slots);
    t->slots = slots;
    t->mask  = mask;
    t->shift = shift;
    return 0;
}

int tm_code_table_put(tm_code_table* t, PyObject* code, void* value)
{
    /* load factor <= 1/2 keeps the probe sequences short */
    if(!t->slots || (t->count + 1) * 2 > t->mask + 1)
    {
        size_t cap = t->slots ? (t->mask + 1) * 2 : 1024;
        if(tm_code_table_resize(t, cap) < 0) return -1;
    }
    size_t i = (size_t)(((uintptr_t)code * UINT64_C(0x9E3779B97F4A7C15)) >> t->shift);
    while(t->slots[i].code && t->slots[i].code != code) i = (i + 1) & t->mask;
    if(!t->slots[i].code)
    {
        Py_INCREF(code);
        t->slots[i].code = code;
        ++t->count;
    }
    t->slots[i].value = value;
    return 0;
}

void tm_code_table_clear(tm_code_table* t, void (*free_value)(void*))
{
    tm_code_slot* slots = t->slots;
    size_t        n     = slots ? t->mask + 1 : 0;
    /* detach first: releasing a code object may run arbitrary finalizers */
    t->slots = NULL;
    t->mask  = 0;
    t->count = 0;
    t->shift = 0;
    for(size_t i = 0; i < n; ++i)
    {
        if(!slots[i].code) continue;
        if(free_value && slots[i].value) free_value(slots[i].value);
        Py_DECREF(slots[i].code);
    }
    free(slots);
}

/* ------------------------------------------------------------------------------------------ */
/* per-thread registries                                                                       */

static void tm_thread_exit(void* p)
{
    if(p) atomic_store(&((tm_thread_link*)p)->dead, 1);
}

int tm_thread_registry_add(tm_thread_registry* reg, tm_thread_link* link)
{
    if(!reg->key_ready)
    {
        pthread_key_t key;
        if(pthread_key_create(&key, tm_thread_exit) != 0) return -1;
        reg->key       = (unsigned long)key;
        reg->key_ready = true;
    }
    atomic_store(&link->dead, 0);
    pthread_setspecific((pthread_key_t)reg->key, link);
    link->next = reg->head;
    reg->head  = link;
    return 0;
}

size_t tm_thread_registry_reap(tm_thread_registry* reg, void (*free_fn)(tm_thread_link*))
{
    size_t           live = 0;
    tm_thread_link** pp   = &reg->head;
    while(*pp)
    {
        tm_thread_link* link = *pp;
        if(atomic_load(&link->dead))
        {
            *pp = link->next;
            free_fn(link);
        }
        else
        {
            ++live;
            pp = &link->next;
        }
    }
    return live;
}

/* ------------------------------------------------------------------------------------------ */
/* C callables                                                                                 */

typedef struct tm_callback_object
{
    PyObject_HEAD vectorcallfunc vectorcall;
    tm_hook_vectorfn             fn;
} tm_callback_object;

static PyObject* tm_callback_vectorcall(PyObject* self, PyObject* const* args, size_t nargsf,
                                        PyObject* kwnames)
{
    (void)kwnames;
    return ((tm_callback_object*)self)->fn(args, (size_t)PyVectorcall_NARGS(nargsf));
}

static PyMemberDef tm_callback_members[] = {
    {"__vectorcalloffset__", T_PYSSIZET, offsetof(tm_callback_object, vectorcall), READONLY, NULL},
    {NULL, 0, 0, 0, NULL}};

static PyType_Slot tm_callback_slots[] = {
    {Py_tp_call, (void*)PyVectorcall_Call},
    {Py_tp_members, tm_callback_members},
    {Py_tp_doc, (void*)"A sys.monitoring callback implemented in C."},
    {0, NULL}};

static PyType_Spec tm_callback_spec = {
    "timemory.libs.libpytimemory.MonitoringCallback", sizeof(tm_callback_object), 0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_VECTORCALL | TM_PY_TPFLAGS_IMMUTABLE, tm_callback_slots};

static PyTypeObject* tm_callback_type;

PyObject* tm_hook_new_callback(tm_hook_vectorfn fn, const char* name)
{
    (void)name;
    if(!tm_callback_type)
    {
        tm_callback_type = (PyTypeObject*)PyType_FromSpec(&tm_callback_spec);
        if(!tm_callback_type) return NULL;
    }
    tm_callback_object* obj = PyObject_New(tm_callback_object, tm_callback_type);
    if(!obj) return NULL;
    obj->vectorcall = tm_callback_vectorcall;
    obj->fn         = fn;
    return (PyObject*)obj;
}

typedef struct tm_function_object
{
    PyObject_HEAD vectorcallfunc vectorcall;
    tm_hook_entry_fn             fn;
    PyObject*                    name;
    PyObject*                    doc;
} tm_function_object;

static PyObject* tm_function_vectorcall(PyObject* self, PyObject* const* args, size_t nargsf,
                                        PyObject* kwnames)
{
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    if(nargs != 3 || (kwnames && PyTuple_GET_SIZE(kwnames) > 0))
    {
        PyErr_Format(PyExc_TypeError, "%U() takes exactly 3 arguments (frame, event, arg)",
                     ((tm_function_object*)self)->name);
        return NULL;
    }
    if(((tm_function_object*)self)->fn(self, args[0], args[1], args[2]) < 0) return NULL;
    Py_RETURN_NONE;
}

static void tm_function_dealloc(PyObject* self)
{
    PyTypeObject* tp = Py_TYPE(self);
    Py_XDECREF(((tm_function_object*)self)->name);
    Py_XDECREF(((tm_function_object*)self)->doc);
    PyObject_Free(self);
    Py_DECREF(tp);
}

static PyObject* tm_function_repr(PyObject* self)
{
    return PyUnicode_FromFormat("<built-in hook %U>", ((tm_function_object*)self)->name);
}

static PyMemberDef tm_function_members[] = {
    {"__vectorcalloffset__", T_PYSSIZET, offsetof(tm_function_object, vectorcall), READONLY, NULL},
    {"__name__", T_OBJECT, offsetof(tm_function_object, name), READONLY, NULL},
    {"__qualname__", T_OBJECT, offsetof(tm_function_object, name), READONLY, NULL},
    {"__doc__", T_OBJECT, offsetof(tm_function_object, doc), READONLY, NULL},
    {NULL, 0, 0, 0, NULL}};

static PyType_Slot tm_function_slots[] = {{Py_tp_call, (void*)PyVectorcall_Call},
                                          {Py_tp_dealloc, (void*)tm_function_dealloc},
                                          {Py_tp_repr, (void*)tm_function_repr},
                                          {Py_tp_members, tm_function_members},
                                          {0, NULL}};

static PyType_Spec tm_function_spec = {
    "timemory.libs.libpytimemory.HookFunction", sizeof(tm_function_object), 0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_VECTORCALL | TM_PY_TPFLAGS_IMMUTABLE, tm_function_slots};

static PyTypeObject* tm_function_type;

PyObject* tm_hook_new_function(tm_hook_entry_fn fn, const char* name, const char* doc)
{
    if(!tm_function_type)
    {
        tm_function_type = (PyTypeObject*)PyType_FromSpec(&tm_function_spec);
        if(!tm_function_type) return NULL;
    }
    tm_function_object* obj = PyObject_New(tm_function_object, tm_function_type);
    if(!obj) return NULL;
    obj->vectorcall = tm_function_vectorcall;
    obj->fn         = fn;
    obj->name       = PyUnicode_FromString(name);
    obj->doc        = PyUnicode_FromString(doc);
    if(!obj->name || !obj->doc)
    {
        Py_DECREF(obj);
        return NULL;
    }
    return (PyObject*)obj;
}

int tm_hook_event_code(PyObject* event)
{
    static const struct
    {
        const char* name;
        int         what;
    } events[] = {{"call", PyTrace_CALL},
                  {"return", PyTrace_RETURN},
                  {"line", PyTrace_LINE},
                  {"exception", PyTrace_EXCEPTION},
                  {"c_call", PyTrace_C_CALL},
                  {"c_return", PyTrace_C_RETURN},
                  {"c_exception", PyTrace_C_EXCEPTION},
                  {"opcode", PyTrace_OPCODE}};
    if(!PyUnicode_Check(event)) return -1;
    for(size_t i = 0; i < sizeof(events) / sizeof(events[0]); ++i)
        if(PyUnicode_CompareWithASCIIString(event, events[i].name) == 0) return events[i].what;
    return -1;
}

/* ------------------------------------------------------------------------------------------ */
/* legacy installation on every thread                                                         */

typedef int (*tm_set_hook_fn)(PyThreadState*, Py_tracefunc, PyObject*);

/* Sets a hook on any thread state (the GIL is held, the other thread is blocked on it). */
static int tm_set_thread_hook(bool trace, PyThreadState* ts, Py_tracefunc fn, PyObject* obj)
{
    if(ts == PyThreadState_Get())
    {
        if(trace)
            PyEval_SetTrace(fn, obj);
        else
            PyEval_SetProfile(fn, obj);
        return PyErr_Occurred() ? -1 : 0;
    }
#if PY_VERSION_HEX < 0x030D0000
    if(trace) return _PyEval_SetTrace(ts, fn, obj);
    /* declared as data by the 3.9-3.12 headers although it is the function */
    tm_set_hook_fn set_profile;
    void*          addr = (void*)&_PyEval_SetProfile;
    memcpy(&set_profile, &addr, sizeof(set_profile));
    return set_profile(ts, fn, obj);
#else
    if(trace) return 1; /* not reachable for another thread on 3.13: the tracer monitors */
    return _PyEval_SetProfile(ts, fn, obj);
#endif
}

int tm_hook_legacy_install_all(bool trace, Py_tracefunc fn, PyObject* obj)
{
    PyThreadState* me = PyThreadState_Get();
#if PY_VERSION_HEX >= 0x030C0000
    (void)me;
    if(trace)
        PyEval_SetTraceAllThreads(fn, obj);
    else
        PyEval_SetProfileAllThreads(fn, obj);
    return PyErr_Occurred() ? -1 : 0;
#else
    for(PyThreadState* ts = PyInterpreterState_ThreadHead(PyThreadState_GetInterpreter(me)); ts;
        ts                = PyThreadState_Next(ts))
    {
        if(tm_set_thread_hook(trace, ts, fn, obj) < 0) return -1;
    }
    return 0;
#endif
}

bool tm_hook_legacy_switch(bool trace, Py_tracefunc fn, PyObject* obj)
{
    PyObject *exc_type, *exc_value, *exc_tb;
    PyErr_Fetch(&exc_type, &exc_value, &exc_tb);
    if(trace)
        PyEval_SetTrace(fn, obj);
    else
        PyEval_SetProfile(fn, obj);
    bool ok = !PyErr_Occurred();
    if(!ok)
    {
        PyErr_Clear();
        tm_hook_note_error();
    }
    PyErr_Restore(exc_type, exc_value, exc_tb);
    return ok;
}

bool tm_hook_legacy_installed(bool trace, Py_tracefunc fn)
{
    PyThreadState* me = PyThreadState_Get();
    return trace ? me->c_tracefunc == fn : me->c_profilefunc == fn;
}

int tm_hook_legacy_remove_all(bool trace, Py_tracefunc fn)
{
    PyThreadState* me       = PyThreadState_Get();
    int            replaced = 0;
    if((trace ? me->c_tracefunc : me->c_profilefunc) != fn) ++replaced;
    for(PyThreadState* ts = PyInterpreterState_ThreadHead(PyThreadState_GetInterpreter(me)); ts;
        ts                = PyThreadState_Next(ts))
    {
        if((trace ? ts->c_tracefunc : ts->c_profilefunc) != fn) continue;
        if(tm_set_thread_hook(trace, ts, NULL, NULL) != 0)
        {
#if PY_VERSION_HEX >= 0x030C0000
            /* no per-thread setter: clear every thread (ours are the only ones left) */
            PyErr_Clear();
            if(trace)
                PyEval_SetTraceAllThreads(NULL, NULL);
            else
                PyEval_SetProfileAllThreads(NULL, NULL);
            break;
#else
            PyErr_WriteUnraisable(NULL);
#endif
        }
    }
    return replaced;
}

int tm_hook_threading_set(bool trace, PyObject* hook, PyObject** saved)
{
    PyObject* threading = PyImport_ImportModule("threading");
    if(!threading) return -1;
    PyObject* prev = PyObject_GetAttrString(threading, trace ? "_trace_hook" : "_profile_hook");
    if(!prev)
    {
        PyErr_Clear();
        prev = Py_None;
        Py_INCREF(prev);
    }
    PyObject* rc = PyObject_CallMethod(threading, trace ? "settrace" : "setprofile", "O", hook);
    Py_DECREF(threading);
    if(!rc)
    {
        Py_DECREF(prev);
        return -1;
    }
    Py_DECREF(rc);
    *saved = prev;
    return 0;
}

void tm_hook_threading_restore(bool trace, PyObject* saved)
{
    PyObject* threading = PyImport_ImportModule("threading");
    if(threading)
    {
        PyObject* rc = PyObject_CallMethod(threading, trace ? "settrace" : "setprofile", "O",
                                           saved ? saved : Py_None);
        Py_XDECREF(rc);
        Py_DECREF(threading);
    }
    if(PyErr_Occurred()) PyErr_WriteUnraisable(NULL);
    Py_XDECREF(saved);
}

/* ------------------------------------------------------------------------------------------ */
/* sys.monitoring                                                                              */

#if TM_HOOKS_HAVE_MONITORING
static int tm_monitor_event(PyObject* events, const char* name, int* out)
{
    PyObject* v = PyObject_GetAttrString(events, name);
    if(!v) return -1;
    long bit = PyLong_AsLong(v);
    Py_DECREF(v);
    if(bit == -1 && PyErr_Occurred()) return -1;
    *out = (int)bit;
    return 0;
}

int tm_monitor_open(tm_monitor* m, int preferred, const char* name)
{
    memset(m, 0, sizeof(*m));
    m->tool       = -1;
    PyObject* sys = PyImport_ImportModule("sys");
    if(!sys) return -1;
    m->module = PyObject_GetAttrString(sys, "monitoring");
    Py_DECREF(sys);
    if(!m->module) return -1;
    m->disable       = PyObject_GetAttrString(m->module, "DISABLE");
    PyObject* events = PyObject_GetAttrString(m->module, "events");
    if(!m->disable || !events) goto fail;
    if(tm_monitor_event(events, "PY_START", &m->ev.py_start) < 0 ||
       tm_monitor_event(events, "PY_RESUME", &m->ev.py_resume) < 0 ||
       tm_monitor_event(events, "PY_RETURN", &m->ev.py_return) < 0 ||
       tm_monitor_event(events, "PY_YIELD", &m->ev.py_yield) < 0 ||
       tm_monitor_event(events, "CALL", &m->ev.call) < 0 ||
       tm_monitor_event(events, "LINE", &m->ev.line) < 0 ||
       tm_monitor_event(events, "PY_UNWIND", &m->ev.py_unwind) < 0 ||
       tm_monitor_event(events, "PY_THROW", &m->ev.py_throw) < 0 ||
       tm_monitor_event(events, "C_RETURN", &m->ev.c_return) < 0 ||
       tm_monitor_event(events, "C_RAISE", &m->ev.c_raise) < 0)
        goto fail;
    Py_CLEAR(events);
    /* the preferred id first, then ids no convention claims, then any free one */
    int order[] = {preferred, 3, 4, 1, 0, 5, 2};
    for(size_t i = 0; i < sizeof(order) / sizeof(order[0]); ++i)
    {
        PyObject* cur = PyObject_CallMethod(m->module, "get_tool", "i", order[i]);
        if(!cur) goto fail;
        bool is_free = cur == Py_None;
        Py_DECREF(cur);
        if(!is_free) continue;
        PyObject* rc = PyObject_CallMethod(m->module, "use_tool_id", "is", order[i], name);
        if(!rc)
        {
            PyErr_Clear();
            continue;
        }
        Py_DECREF(rc);
        m->tool = order[i];
        return 0;
    }
    PyErr_Format(PyExc_RuntimeError, "%s: every sys.monitoring tool id is in use by other tools",
                 name);
fail:
    Py_XDECREF(events);
    Py_CLEAR(m->disable);
    Py_CLEAR(m->module);
    return -1;
}

int tm_monitor_register(tm_monitor* m, int event, PyObject* callback)
{
    PyObject* rc =
        PyObject_CallMethod(m->module, "register_callback", "iiO", m->tool, event, callback);
    if(!rc) return -1;
    Py_DECREF(rc);
    return 0;
}

int tm_monitor_set_events(tm_monitor* m, int events)
{
    PyObject* rc = PyObject_CallMethod(m->module, "set_events", "ii", m->tool, events);
    if(!rc) return -1;
    Py_DECREF(rc);
    return 0;
}

int tm_monitor_set_local(tm_monitor* m, PyObject* code, int events)
{
    PyObject* rc = PyObject_CallMethod(m->module, "set_local_events", "iOi", m->tool, code, events);
    if(!rc) return -1;
    Py_DECREF(rc);
    return 0;
}

int tm_monitor_restart(tm_monitor* m)
{
    PyObject* rc = PyObject_CallMethod(m->module, "restart_events", NULL);
    if(!rc) return -1;
    Py_DECREF(rc);
    return 0;
}

void tm_monitor_close(tm_monitor* m, int registered_events)
{
    if(m->tool >= 0 && m->module)
    {
        PyObject* exc_type;
        PyObject* exc_value;
        PyObject* exc_tb;
        PyErr_Fetch(&exc_type, &exc_value, &exc_tb);
        if(tm_monitor_set_events(m, 0) < 0) PyErr_WriteUnraisable(NULL);
        for(int bit = 1; bit > 0 && bit <= registered_events; bit <<= 1)
        {
            if(!(registered_events & bit)) continue;
            if(tm_monitor_register(m, bit, Py_None) < 0) PyErr_WriteUnraisable(NULL);
        }
        PyObject* rc = PyObject_CallMethod(m->module, "free_tool_id", "i", m->tool);
        if(!rc)
            PyErr_WriteUnraisable(NULL);
        else
            Py_DECREF(rc);
        PyErr_Restore(exc_type, exc_value, exc_tb);
    }
    m->tool = -1;
    Py_CLEAR(m->disable);
    Py_CLEAR(m->module);
}
#endif

/* ------------------------------------------------------------------------------------------ */
/* Python-facing plumbing of profiler_* / tracer_*                                              */

int tm_hook_py_set_package_dir(tm_hook_config* cfg, PyObject* const* args, Py_ssize_t nargs,
                               const char* usage)
{
    if(nargs > 1)
    {
        PyErr_SetString(PyExc_TypeError, usage);
        return -1;
    }
    if(nargs == 0 || args[0] == Py_None) return 0;
    const char* dir = PyUnicode_Check(args[0]) ? PyUnicode_AsUTF8(args[0]) : NULL;
    if(!dir)
    {
        if(!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "package_dir must be str");
        return -1;
    }
    size_t n   = strlen(dir);
    char*  buf = malloc(n + 2);
    if(!buf)
    {
        PyErr_NoMemory();
        return -1;
    }
    memcpy(buf, dir, n);
    /* a folder prefix: "timemory/" must not match "timemory_extra/" */
    if(n > 0 && buf[n - 1] != '/') buf[n++] = '/';
    buf[n] = '\0';
    free(cfg->internal_path);
    cfg->internal_path = buf;
    return 0;
}

int tm_hook_py_config_set(tm_hook_config* cfg, PyObject* const* args, Py_ssize_t nargs,
                          const char* usage)
{
    if(nargs != 2)
    {
        PyErr_SetString(PyExc_TypeError, usage);
        return -1;
    }
    return tm_hook_config_set(cfg, args[0], args[1]);
}

PyObject* tm_hook_py_set_flag(bool* flag, PyObject* arg)
{
    int truth = PyObject_IsTrue(arg);
    if(truth < 0) return NULL;
    *flag = truth != 0;
    Py_RETURN_NONE;
}

PyObject* tm_hook_py_set_callable(PyObject** slot, PyObject* arg, const char* not_callable)
{
    if(arg != Py_None && !PyCallable_Check(arg))
    {
        PyErr_SetString(PyExc_TypeError, not_callable);
        return NULL;
    }
    Py_XDECREF(*slot);
    *slot = arg == Py_None ? NULL : arg;
    Py_XINCREF(*slot);
    Py_RETURN_NONE;
}
