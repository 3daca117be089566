/* module.c -- the module object of timemory.libs.libpytimemory: multi-phase init, the module
 * state, the error mapping, the argument helpers the files of thin functions share (ext.h),
 * and the thin functions over the public C API for the life cycle, the rusage scope, the
 * sticky errors and the component table and lists. Owns no policy: it converts arguments,
 * calls the library once and maps its error code. Settings (settings.c), MPI (mpi.c), results
 * (results.c), regions (regions.c), component classes, markers, the profiler and tracer
 * sessions and the rest live in their own files, each added from the exec slot below. */
#include "ext.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <sys/utsname.h>

tm_py_state* tm_py_get_state(PyObject* module)
{
    return (tm_py_state*)PyModule_GetState(module);
}

/* ------------------------------------------------------------------------------------------ */
/* errors                                                                                      */

static PyObject* tm_py_exception_for(int code)
{
    switch(code)
    {
    case TIMEMORY_EINVAL:
    case TIMEMORY_EVALUE:
    case TIMEMORY_EUNKNOWN:
        return PyExc_ValueError;
    case TIMEMORY_ETYPE:
        return PyExc_TypeError;
    case TIMEMORY_ENOMEM:
        return PyExc_MemoryError;
    case TIMEMORY_EIO:
        return PyExc_OSError;
    default:
        return PyExc_RuntimeError;
    }
}

PyObject* tm_py_raise(int code, const char* context)
{
    if(code == TIMEMORY_EIO && errno != 0)
    {
        int saved = errno;
        PyErr_Format(PyExc_OSError, "%s%s%s (%s)", context ? context : "", context ? ": " : "",
                     timemory_strerror(code), strerror(saved));
        return NULL;
    }
    PyErr_Format(tm_py_exception_for(code), "%s%s%s", context ? context : "", context ? ": " : "",
                 timemory_strerror(code));
    return NULL;
}

/* Result of a push/pop-like call: being paused, throttled or finalized records nothing and is
 * not an error; an unbalanced pop is a RuntimeWarning. Returns 0, or -1 with an exception. */
int tm_py_check_region(int rc, const char* context)
{
    switch(rc)
    {
    case TIMEMORY_OK:
    case TIMEMORY_EDISABLED:
    case TIMEMORY_ETHROTTLED:
    case TIMEMORY_EFINALIZED:
        return 0;
    case TIMEMORY_EUNBALANCED:
        return PyErr_WarnFormat(PyExc_RuntimeWarning, 1, "%s: %s", context, timemory_strerror(rc));
    default:
        break;
    }
    if(rc > 0) return 0;
    tm_py_raise(rc, context);
    return -1;
}

PyObject* tm_py_none_or_raise(int rc, const char* context)
{
    if(rc < 0) return tm_py_raise(rc, context);
    Py_RETURN_NONE;
}

/* ------------------------------------------------------------------------------------------ */
/* argument helpers                                                                            */

PyObject* tm_py_none_ref(void)
{
    Py_INCREF(Py_None);
    return Py_None;
}

/* The UTF-8 text of a str argument (owned by the str), or NULL with TypeError. */
const char* tm_py_name_arg(PyObject* arg, const char* what)
{
    if(!PyUnicode_Check(arg))
    {
        PyErr_Format(PyExc_TypeError, "%s must be str, not %.100s", what, Py_TYPE(arg)->tp_name);
        return NULL;
    }
    return PyUnicode_AsUTF8(arg);
}

/* "O&" converter: a 64-bit key or hash id. */
int tm_py_u64_converter(PyObject* obj, void* out)
{
    if(!PyLong_Check(obj))
    {
        PyErr_Format(PyExc_TypeError, "expected int, not %.100s", Py_TYPE(obj)->tp_name);
        return 0;
    }
    unsigned long long value = PyLong_AsUnsignedLongLong(obj);
    if(value == (unsigned long long)-1 && PyErr_Occurred()) return 0;
    *(uint64_t*)out = (uint64_t)value;
    return 1;
}

/* A list of the words of text split on any of seps (empty words dropped). */
PyObject* tm_py_split_words(const char* text, const char* seps)
{
    PyObject* list = PyList_New(0);
    if(!list || !text) return list;
    const char* p = text;
    while(*p)
    {
        p += strspn(p, seps);
        size_t n = strcspn(p, seps);
        if(n == 0) break;
        PyObject* word = PyUnicode_FromStringAndSize(p, (Py_ssize_t)n);
        if(!word || PyList_Append(list, word) < 0)
        {
            Py_XDECREF(word);
            Py_DECREF(list);
            return NULL;
        }
        Py_DECREF(word);
        p += n;
    }
    return list;
}

PyObject* tm_py_str_or_none(const char* s)
{
    if(s) return PyUnicode_FromString(s);
    Py_RETURN_NONE;
}

/* Takes a malloc'd string from the library and returns it as str. */
PyObject* tm_py_take_string(int rc, char* text, const char* context)
{
    if(rc < 0)
    {
        timemory_free(text);
        return tm_py_raise(rc, context);
    }
    PyObject* result = PyUnicode_FromString(text ? text : "");
    timemory_free(text);
    return result;
}

/* ------------------------------------------------------------------------------------------ */
/* life cycle                                                                                  */

static PyObject* tm_py_initialize(PyObject* self, PyObject* args, PyObject* kwargs)
{
    static char* kwlist[] = { "argv", "prefix", "suffix", NULL };
    PyObject*    argv     = NULL;
    const char*  prefix   = "timemory-";
    const char*  suffix   = "-output";
    (void)self;
    if(!PyArg_ParseTupleAndKeywords(args, kwargs, "|Oss:initialize", kwlist, &argv, &prefix,
                                    &suffix))
        return NULL;
    if(!argv || argv == Py_None) Py_RETURN_NONE;
    if(PyUnicode_Check(argv))
    {
        PyErr_SetString(PyExc_TypeError, "initialize() argv must be a list of str, not str");
        return NULL;
    }
    PyObject* seq = PySequence_Fast(argv, "initialize() argv must be a list of str");
    if(!seq) return NULL;
    Py_ssize_t argc = PySequence_Fast_GET_SIZE(seq);
    if(argc == 0)
    {
        Py_DECREF(seq);
        Py_RETURN_NONE;
    }
    if(argc > INT_MAX - 1)
    {
        Py_DECREF(seq);
        PyErr_SetString(PyExc_ValueError, "initialize() argv is too long");
        return NULL;
    }
    char** cargv = PyMem_Calloc((size_t)argc + 1, sizeof(char*));
    if(!cargv)
    {
        Py_DECREF(seq);
        return PyErr_NoMemory();
    }
    for(Py_ssize_t i = 0; i < argc; ++i)
    {
        PyObject* item = PySequence_Fast_GET_ITEM(seq, i);
        if(!PyUnicode_Check(item))
        {
            PyErr_Format(PyExc_TypeError, "initialize() argv[%zd] must be str, not %.100s", i,
                         Py_TYPE(item)->tp_name);
            goto fail;
        }
        /* the UTF-8 buffer lives as long as the str, which seq keeps alive */
        cargv[i] = (char*)PyUnicode_AsUTF8(item);
        if(!cargv[i]) goto fail;
    }
    int rc = timemory_init_ex((int)argc, cargv, prefix, suffix);
    PyMem_Free(cargv);
    Py_DECREF(seq);
    return tm_py_none_or_raise(rc, "initialize");
fail:
    PyMem_Free(cargv);
    Py_DECREF(seq);
    return NULL;
}

static PyObject* tm_py_finalize(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    return tm_py_none_or_raise(timemory_finalize(), "finalize");
}

static PyObject* tm_py_is_finalized(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    return PyBool_FromLong(timemory_is_finalized());
}

static PyObject* tm_py_report(PyObject* self, PyObject* args, PyObject* kwargs)
{
    static char* kwlist[] = { "filename", NULL };
    const char*  filename = "";
    (void)self;
    /* filename is accepted for compatibility: outputs go where the settings say */
    if(!PyArg_ParseTupleAndKeywords(args, kwargs, "|s:report", kwlist, &filename)) return NULL;
    return tm_py_none_or_raise(timemory_report(), "report");
}

static PyObject* tm_py_enable(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    timemory_resume();
    Py_RETURN_NONE;
}

static PyObject* tm_py_disable(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    timemory_pause();
    Py_RETURN_NONE;
}

static PyObject* tm_py_toggle(PyObject* self, PyObject* args, PyObject* kwargs)
{
    static char* kwlist[] = { "on", NULL };
    int          on       = 1;
    (void)self;
    if(!PyArg_ParseTupleAndKeywords(args, kwargs, "|p:toggle", kwlist, &on)) return NULL;
    if(on)
        timemory_resume();
    else
        timemory_pause();
    Py_RETURN_NONE;
}

static PyObject* tm_py_is_enabled(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    return PyBool_FromLong(timemory_is_enabled());
}

static PyObject* tm_py_set_rusage_children(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    timemory_set_rusage_children();
    Py_RETURN_NONE;
}

static PyObject* tm_py_set_rusage_self(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    timemory_set_rusage_self();
    Py_RETURN_NONE;
}

static PyObject* tm_py_set_rusage_thread(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    timemory_set_rusage_thread();
    Py_RETURN_NONE;
}

static PyObject* tm_py_take_errors(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    int first = 0;
    return PyLong_FromLong(timemory_take_errors(&first));
}

static PyObject* tm_py_take_error_report(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    int first = 0;
    int n     = timemory_take_errors(&first);
    if(n == 0) Py_RETURN_NONE;
    return Py_BuildValue("(is)", n, timemory_strerror(first));
}

/* ------------------------------------------------------------------------------------------ */
/* the component table and component lists                                                    */

static PyObject* tm_py_available_mask(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    timemory_component_set  set = { { 0 } };
    timemory_component_info info;
    /* the table's ids, then the registered ones */
    for(int id = 0; id < TIMEMORY_COMPONENT_RUNTIME_FIRST + TIMEMORY_COMPONENT_RUNTIME_MAX; ++id)
        if(timemory_component_get_info(id, &info) == 0 && info.available)
            timemory_component_set_add(&set, id);
    return tm_py_set_to_int(&set);
}

int tm_py_dict_set(PyObject* dict, const char* key, PyObject* value)
{
    if(!value) return -1;
    int rc = PyDict_SetItemString(dict, key, value);
    Py_DECREF(value);
    return rc;
}

static PyObject* tm_py_component_row(const timemory_component_info* info)
{
    PyObject* row = PyDict_New();
    if(!row) return NULL;
    int       n      = info->value_count < 0 ? 0 : (info->value_count > 2 ? 2 : info->value_count);
    PyObject* labels = PyList_New(0);
    PyObject* unit_repr  = PyList_New(0);
    PyObject* unit_value = PyList_New(0);
    if(!labels || !unit_repr || !unit_value) goto fail_lists;
    for(int i = 0; i < n; ++i)
    {
        PyObject* label = NULL;
        if(info->labels[i])
        {
            label = PyUnicode_FromString(info->labels[i]);
            if(!label || PyList_Append(labels, label) < 0) goto fail_item;
            Py_CLEAR(label);
        }
        PyObject* repr = PyUnicode_FromString(info->unit_repr[i] ? info->unit_repr[i] : "");
        if(!repr || PyList_Append(unit_repr, repr) < 0)
        {
            Py_XDECREF(repr);
            goto fail_lists;
        }
        Py_DECREF(repr);
        PyObject* value = PyFloat_FromDouble(info->unit_value[i]);
        if(!value || PyList_Append(unit_value, value) < 0)
        {
            Py_XDECREF(value);
            goto fail_lists;
        }
        Py_DECREF(value);
        continue;
    fail_item:
        Py_XDECREF(label);
        goto fail_lists;
    }
    if(tm_py_dict_set(row, "id", PyLong_FromLong(info->id)) < 0 ||
       tm_py_dict_set(row, "enum_name", tm_py_str_or_none(info->enum_name)) < 0 ||
       tm_py_dict_set(row, "name", tm_py_str_or_none(info->name)) < 0 ||
       tm_py_dict_set(row, "class_name", tm_py_str_or_none(info->class_name)) < 0 ||
       tm_py_dict_set(row, "label", tm_py_str_or_none(info->label)) < 0 ||
       tm_py_dict_set(row, "ids", tm_py_split_words(info->ids, ", ")) < 0 ||
       tm_py_dict_set(row, "description", tm_py_str_or_none(info->description)) < 0 ||
       tm_py_dict_set(row, "available", PyBool_FromLong(info->available)) < 0 ||
       tm_py_dict_set(row, "reason", tm_py_str_or_none(info->unavailable_reason)) < 0 ||
       tm_py_dict_set(row, "nvalues", PyLong_FromLong(info->value_count)) < 0 ||
       tm_py_dict_set(row, "labels", labels) < 0 ||
       tm_py_dict_set(row, "unit_repr", unit_repr) < 0 ||
       tm_py_dict_set(row, "unit_value", unit_value) < 0 ||
       tm_py_dict_set(row, "flags", PyLong_FromUnsignedLong(info->flags)) < 0)
    {
        /* tm_py_dict_set consumed whichever of the three lists it reached */
        Py_DECREF(row);
        return NULL;
    }
    return row;
fail_lists:
    Py_XDECREF(labels);
    Py_XDECREF(unit_repr);
    Py_XDECREF(unit_value);
    Py_DECREF(row);
    return NULL;
}

static PyObject* tm_py_component_table(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    PyObject* table = PyList_New(0);
    if(!table) return NULL;
    timemory_component_info info;
    for(int id = 0; id < TM_PY_NCOMPONENTS; ++id)
    {
        if(timemory_component_get_info(id, &info) != 0) continue;
        PyObject* row = tm_py_component_row(&info);
        if(!row || PyList_Append(table, row) < 0)
        {
            Py_XDECREF(row);
            Py_DECREF(table);
            return NULL;
        }
        Py_DECREF(row);
    }
    return table;
}

/* ValueError("unknown component 'wal_clock'; did you mean: wall_clock?") with up to three
 * of the closest names, as the library suggests them (timemory_component_suggest). */
void tm_py_unknown_component(const char* word)
{
    const char* found[3];
    int         count = timemory_component_suggest(word, found, 3);
    if(count <= 0)
    {
        PyErr_Format(PyExc_ValueError,
                     "unknown component '%s'; see component_table() for the valid names", word);
        return;
    }
    char   names[256] = "";
    size_t used       = 0;
    for(int i = 0; i < count; ++i)
    {
        int n = snprintf(names + used, sizeof(names) - used, "%s%s", used ? ", " : "", found[i]);
        if(n < 0 || (size_t)n >= sizeof(names) - used) break;
        used += (size_t)n;
    }
    PyErr_Format(PyExc_ValueError, "unknown component '%s'; did you mean: %s?", word, names);
}

static int tm_py_parse_components_into(PyObject* obj, timemory_component_set* mask)
{
    if(PyUnicode_Check(obj))
    {
        const char* text = PyUnicode_AsUTF8(obj);
        if(!text) return -1;
        timemory_component_set parsed;
        const char*            bad = NULL;
        int                    rc  = timemory_components_parse_set(text, &parsed, &bad);
        if(rc == TIMEMORY_EUNKNOWN)
        {
            tm_py_unknown_component(bad ? bad : text);
            return -1;
        }
        if(rc < 0)
        {
            tm_py_raise(rc, "parse_components");
            return -1;
        }
        for(int w = 0; w < TIMEMORY_COMPONENT_SET_WORDS; ++w) mask->bits[w] |= parsed.bits[w];
        return 0;
    }
    if(PyBool_Check(obj))
    {
        PyErr_SetString(PyExc_TypeError, "a component must be str or int, not bool");
        return -1;
    }
    if(PyIndex_Check(obj))
    {
        PyObject* index = PyNumber_Index(obj);
        if(!index) return -1;
        long id = PyLong_AsLong(index);
        Py_DECREF(index);
        if(id == -1 && PyErr_Occurred()) return -1;
        timemory_component_info info;
        if(id < 0 || id > INT_MAX || timemory_component_get_info((int)id, &info) != 0)
        {
            PyErr_Format(PyExc_ValueError, "unknown component id %ld", id);
            return -1;
        }
        timemory_component_set_add(mask, (int)id);
        return 0;
    }
    PyObject* iter = PyObject_GetIter(obj);
    if(!iter)
    {
        PyErr_Format(PyExc_TypeError,
                     "components must be str, int or an iterable of those, not %.100s",
                     Py_TYPE(obj)->tp_name);
        return -1;
    }
    if(Py_EnterRecursiveCall(" while parsing a component list"))
    {
        Py_DECREF(iter);
        return -1;
    }
    int       rc = 0;
    PyObject* item;
    while((item = PyIter_Next(iter)) != NULL)
    {
        rc = tm_py_parse_components_into(item, mask);
        Py_DECREF(item);
        if(rc < 0) break;
    }
    Py_LeaveRecursiveCall();
    Py_DECREF(iter);
    if(rc < 0 || PyErr_Occurred()) return -1;
    return 0;
}

static PyObject* tm_py_parse_components(PyObject* self, PyObject* obj)
{
    (void)self;
    timemory_component_set mask = { { 0 } };
    if(tm_py_parse_components_into(obj, &mask) < 0) return NULL;
    return tm_py_set_to_int(&mask);
}

/* ------------------------------------------------------------------------------------------ */
/* build information                                                                           */

static PyObject* tm_py_build_info(void)
{
    struct utsname un;
    bool           have_uname = uname(&un) == 0;
    PyObject*      info       = PyDict_New();
    if(!info) return NULL;
#if defined(__x86_64__)
    const char* arch = "x86_64";
#elif defined(__aarch64__)
    const char* arch             = "aarch64";
#elif defined(__powerpc64__)
    const char* arch        = "ppc64le";
#else
    const char* arch = have_uname ? un.machine : "unknown";
#endif
#if defined(__clang__)
    const char* compiler_id = "Clang";
#elif defined(__GNUC__)
    const char* compiler_id      = "GNU";
#else
    const char* compiler_id = "unknown";
#endif
#ifdef NDEBUG
    const char* build_type = "Release";
#else
    const char* build_type       = "Debug";
#endif
#if defined(__GNUC__)
    PyObject* compiler_version =
        PyUnicode_FromFormat("%d.%d.%d", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__);
#else
    PyObject*   compiler_version = PyUnicode_FromString("unknown");
#endif
    if(tm_py_dict_set(info, "date", PyUnicode_FromString(__DATE__ " " __TIME__)) < 0 ||
       tm_py_dict_set(info, "library_architecture", PyUnicode_FromString(arch)) < 0 ||
       tm_py_dict_set(info, "system_name",
                      PyUnicode_FromString(have_uname ? un.sysname : "Linux")) < 0 ||
       tm_py_dict_set(info, "system_version",
                      PyUnicode_FromString(have_uname ? un.release : "unknown")) < 0 ||
       tm_py_dict_set(info, "build_type", PyUnicode_FromString(build_type)) < 0 ||
#if defined(__clang__)
       tm_py_dict_set(info, "compiler", PyUnicode_FromString("clang")) < 0 ||
#else
       tm_py_dict_set(info, "compiler", PyUnicode_FromString("cc")) < 0 ||
#endif
       tm_py_dict_set(info, "compiler_id", PyUnicode_FromString(compiler_id)) < 0 ||
       tm_py_dict_set(info, "compiler_version", compiler_version) < 0)
    {
        Py_DECREF(info);
        return NULL;
    }
    return info;
}

/* ------------------------------------------------------------------------------------------ */
/* the module                                                                                  */

static PyMethodDef tm_py_methods[] = {
    TM_PY_KWARGS("initialize", tm_py_initialize,
                 "initialize(argv=[], prefix='timemory-', suffix='-output')\n--\n\n"
                 "Read config files and the environment; set the output folder from argv[0]. "
                 "An empty argv does nothing."),
    TM_PY_KWARGS("init", tm_py_initialize,
                 "init(argv=[], prefix='timemory-', suffix='-output')\n"
                 "--\n\nAlias of initialize()."),
    TM_PY_KWARGS("timemory_init", tm_py_initialize,
                 "timemory_init(argv=[], prefix='timemory-', suffix='-output')\n--\n\n"
                 "Alias of initialize()."),
    TM_PY_NOARGS("finalize", tm_py_finalize,
                 "finalize()\n--\n\nPop what is still pushed, write every output once and free "
                 "the data."),
    TM_PY_NOARGS("timemory_finalize", tm_py_finalize,
                 "timemory_finalize()\n--\n\nAlias of finalize()."),
    TM_PY_NOARGS("is_finalized", tm_py_is_finalized, "is_finalized()\n--\n\n"),
    TM_PY_KWARGS("report", tm_py_report,
                 "report(filename='')\n--\n\nWrite every output now, keeping the data."),
    TM_PY_NOARGS("enable", tm_py_enable, "enable()\n--\n\nsettings.enabled = True"),
    TM_PY_NOARGS("disable", tm_py_disable, "disable()\n--\n\nsettings.enabled = False"),
    TM_PY_KWARGS("toggle", tm_py_toggle, "toggle(on=True)\n--\n\nsettings.enabled = on"),
    TM_PY_NOARGS("enabled", tm_py_is_enabled, "enabled()\n--\n\nValue of settings.enabled."),
    TM_PY_NOARGS("is_enabled", tm_py_is_enabled, "is_enabled()\n--\n\nValue of settings.enabled."),
    TM_PY_NOARGS("set_rusage_children", tm_py_set_rusage_children,
                 "set_rusage_children()\n--\n\ngetrusage-based components measure "
                 "RUSAGE_CHILDREN."),
    TM_PY_NOARGS("set_rusage_self", tm_py_set_rusage_self,
                 "set_rusage_self()\n--\n\ngetrusage-based components measure RUSAGE_SELF."),
    TM_PY_NOARGS("set_rusage_thread", tm_py_set_rusage_thread,
                 "set_rusage_thread()\n--\n\ngetrusage-based components measure RUSAGE_THREAD "
                 "(the default)."),
    TM_PY_NOARGS("take_errors", tm_py_take_errors,
                 "take_errors()\n--\n\nNumber of failed pushes/pops since the last call."),
    TM_PY_NOARGS("take_error_report", tm_py_take_error_report,
                 "take_error_report()\n--\n\n(count, the first error's message) of the failed "
                 "pushes/pops and dropped hook events since the last call (resetting them), or "
                 "None."),
    TM_PY_NOARGS("available_mask", tm_py_available_mask,
                 "available_mask()\n--\n\nMask of the components available here."),
    TM_PY_NOARGS("component_table", tm_py_component_table,
                 "component_table()\n--\n\nOne dict per row of the component table."),
    TM_PY_ONEARG("parse_components", tm_py_parse_components,
                 "parse_components(obj)\n--\n\nMask of a component list: str, int or an "
                 "iterable of those."),
    { NULL, NULL, 0, NULL }
};

int tm_py_add_signals(PyObject* module);       /* ext/signals.c: the fatal-signal handler */
int tm_py_add_timeline(PyObject* module);      /* ext/timeline.c: Python thread names */
int tm_py_add_line_profiler(PyObject* module); /* ext/line_profiler.c: the tracer's lines */
int tm_py_add_line_rewrite(PyObject* module);  /* ext/line_rewrite.c: its 3.11 backend */
int tm_py_add_mallocp(PyObject* module);       /* ext/mallocp.c: Python allocation hooks */
int tm_py_add_hwcounters(PyObject* module);    /* ext/hwcounters.c: hardware counters */
int tm_py_add_ert(PyObject* module);           /* ext/ert.c: the ERT micro-kernels */

static int tm_py_module_exec(PyObject* module)
{
    if(PyModule_AddIntConstant(module, "SCOPE_TREE", TIMEMORY_SCOPE_TREE) < 0 ||
       PyModule_AddIntConstant(module, "SCOPE_FLAT", TIMEMORY_SCOPE_FLAT) < 0 ||
       PyModule_AddIntConstant(module, "SCOPE_TIMELINE", TIMEMORY_SCOPE_TIMELINE) < 0 ||
       PyModule_AddIntConstant(module, "SCOPE_DEFAULT", TIMEMORY_SCOPE_DEFAULT) < 0 ||
       PyModule_AddStringConstant(module, "version", TIMEMORY_VERSION_STRING) < 0)
        return -1;
    PyObject* build_info = tm_py_build_info();
    if(!build_info || PyModule_AddObject(module, "build_info", build_info) < 0)
    {
        Py_XDECREF(build_info);
        return -1;
    }
    if(tm_py_add_components(module) < 0 || tm_py_add_markers(module) < 0 ||
       tm_py_add_coroutines(module) < 0 || tm_py_add_session(module) < 0 ||
       tm_py_add_profiler(module) < 0 || tm_py_add_tracer(module) < 0 ||
       tm_py_add_processes(module) < 0)
        return -1;
    if(tm_py_add_settings(module) < 0) return -1;
    if(tm_py_add_mpi(module) < 0) return -1;
    if(tm_py_add_results(module) < 0) return -1;
    if(tm_py_add_regions(module) < 0) return -1;
    if(tm_py_add_signals(module) < 0) return -1;
    if(tm_py_add_timeline(module) < 0) return -1;
    if(tm_py_add_line_profiler(module) < 0 || tm_py_add_line_rewrite(module) < 0) return -1;
    if(tm_py_add_mallocp(module) < 0) return -1;
    if(tm_py_add_hwcounters(module) < 0) return -1;
    if(tm_py_add_ert(module) < 0) return -1;
    return 0;
}

static int tm_py_module_traverse(PyObject* module, visitproc visit, void* arg)
{
    tm_py_state* state = tm_py_get_state(module);
    if(!state) return 0;
    Py_VISIT(state->component_base);
    for(int i = 0; i < TM_PY_NCOMPONENTS; ++i) Py_VISIT(state->component_types[i]);
    Py_VISIT(state->function_marker_type);
    Py_VISIT(state->scoped_marker_type);
    return 0;
}

static int tm_py_module_clear(PyObject* module)
{
    tm_py_state* state = tm_py_get_state(module);
    if(!state) return 0;
    Py_CLEAR(state->component_base);
    for(int i = 0; i < TM_PY_NCOMPONENTS; ++i) Py_CLEAR(state->component_types[i]);
    Py_CLEAR(state->function_marker_type);
    Py_CLEAR(state->scoped_marker_type);
    return 0;
}

static void tm_py_module_free(void* module)
{
    (void)tm_py_module_clear((PyObject*)module);
}

static PyModuleDef_Slot tm_py_slots[] = { { Py_mod_exec, (void*)tm_py_module_exec }, { 0, NULL } };

static struct PyModuleDef tm_py_module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name     = TM_PY_MODULE_NAME,
    .m_doc      = "timemory's CPython extension: thin bindings of libtimemory's C API. Import "
                  "the timemory package instead of this module.",
    .m_size     = sizeof(tm_py_state),
    .m_methods  = tm_py_methods,
    .m_slots    = tm_py_slots,
    .m_traverse = tm_py_module_traverse,
    .m_clear    = tm_py_module_clear,
    .m_free     = tm_py_module_free,
};

PyMODINIT_FUNC PyInit_libpytimemory(void)
{
    return PyModuleDef_Init(&tm_py_module_def);
}
