/* hooks_config.c -- the filter configuration of the profiler and the tracer (their Config
 * classes: fields by name, list fields that add, defaults), the per-code-object filter decision
 * and the "func/file:line" labels, and the Python-facing plumbing their static methods share.
 * Policy: called with the GIL held, once per code object or per Python call, never per event. */
#include "hooks.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    "<module>", "_shutdown", "isclass", "isfunction", "basename", "_get_sep"
};

static const char* const tm_default_skip_filenames[] = {
    "__init__.py",       "__main__.py",  "functools.py", "<frozen importlib._bootstrap>",
    "_pylab_helpers.py", "threading.py", "encoder.py",   "decoder.py"
};

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

typedef enum { TM_FIELD_BOOL, TM_FIELD_LONG, TM_FIELD_SET } tm_field_kind;

typedef struct tm_field {
    const char*   name;
    tm_field_kind kind;
    size_t        offset;
    bool          profiler_only;
} tm_field;

static const tm_field tm_fields[] = {
    { "trace_c", TM_FIELD_BOOL, offsetof(tm_hook_config, trace_c), true },
    { "include_internal", TM_FIELD_BOOL, offsetof(tm_hook_config, include_internal), false },
    { "include_args", TM_FIELD_BOOL, offsetof(tm_hook_config, include_args), false },
    { "include_line", TM_FIELD_BOOL, offsetof(tm_hook_config, include_line), false },
    { "include_filename", TM_FIELD_BOOL, offsetof(tm_hook_config, include_filename), false },
    { "full_filepath", TM_FIELD_BOOL, offsetof(tm_hook_config, full_filepath), false },
    { "max_stack_depth", TM_FIELD_LONG, offsetof(tm_hook_config, max_stack_depth), true },
    { "verbosity", TM_FIELD_LONG, offsetof(tm_hook_config, verbosity), false },
    { "only_functions", TM_FIELD_SET, offsetof(tm_hook_config, only_functions), false },
    { "only_filenames", TM_FIELD_SET, offsetof(tm_hook_config, only_filenames), false },
    { "skip_functions", TM_FIELD_SET, offsetof(tm_hook_config, skip_functions), false },
    { "skip_filenames", TM_FIELD_SET, offsetof(tm_hook_config, skip_filenames), false },
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
    case TM_FIELD_BOOL: {
        int truth = PyObject_IsTrue(value);
        if(truth < 0) return -1;
        *(bool*)(base + f->offset) = truth != 0;
        return 0;
    }
    case TM_FIELD_LONG: {
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
/* Python-facing plumbing of the session types' static methods                                */

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
