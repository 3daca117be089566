/* module.c -- the module object of timemory.libs.libpytimemory: multi-phase init, the module
 * state, the error mapping and the thin functions over the public C API (life cycle, hashes,
 * results, component lists, settings by name, trace library). Owns no policy: it converts
 * arguments, calls the library once and maps its error code. Component classes, markers,
 * profiler and tracer live in their own files and are added from the exec slot. */
#include "ext.h"
#include "timemory/mpi_support.h"

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

static PyObject* tm_py_none_or_raise(int rc, const char* context)
{
    if(rc < 0) return tm_py_raise(rc, context);
    Py_RETURN_NONE;
}

/* ------------------------------------------------------------------------------------------ */
/* argument helpers                                                                            */

static PyObject* tm_py_none_ref(void)
{
    Py_INCREF(Py_None);
    return Py_None;
}

/* The UTF-8 text of a str argument (owned by the str), or NULL with TypeError. */
static const char* tm_py_name_arg(PyObject* arg, const char* what)
{
    if(!PyUnicode_Check(arg))
    {
        PyErr_Format(PyExc_TypeError, "%s must be str, not %.100s", what, Py_TYPE(arg)->tp_name);
        return NULL;
    }
    return PyUnicode_AsUTF8(arg);
}

/* "O&" converter: a 64-bit key or hash id. */
static int tm_py_u64_converter(PyObject* obj, void* out)
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
static PyObject* tm_py_split_words(const char* text, const char* seps)
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

static PyObject* tm_py_str_or_none(const char* s)
{
    if(s) return PyUnicode_FromString(s);
    Py_RETURN_NONE;
}

/* Takes a malloc'd string from the library and returns it as str. */
static PyObject* tm_py_take_string(int rc, char* text, const char* context)
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
    static char* kwlist[] = {"argv", "prefix", "suffix", NULL};
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
    static char* kwlist[] = {"filename", NULL};
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
    static char* kwlist[] = {"on", NULL};
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

/* ---- MPI (libtimemory's plugin; include/timemory/mpi_support.h) ---------------------------- */

static PyObject* tm_py_has_mpi_support(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    return PyBool_FromLong(timemory_mpi_supported());
}

static PyObject* tm_py_mpi_unavailable_reason(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    const char* why = timemory_mpi_unavailable_reason();
    if(!why) Py_RETURN_NONE;
    return PyUnicode_FromString(why);
}

/* MPI calls may block (MPI_Init, barriers): the GIL is released around them. */
static PyObject* tm_py_mpi_init(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = timemory_mpi_init(NULL, NULL);
    Py_END_ALLOW_THREADS
    if(rc == TIMEMORY_EUNAVAILABLE)
    {
        PyErr_Format(PyExc_RuntimeError, "mpi_init: %s", timemory_mpi_unavailable_reason());
        return NULL;
    }
    return tm_py_none_or_raise(rc, "mpi_init");
}

static PyObject* tm_py_mpi_finalize(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    /* timemory finalizes inside MPI_Finalize through the callback below, which needs the GIL */
    return tm_py_none_or_raise(timemory_mpi_finalize(), "mpi_finalize");
}

static PyObject* tm_py_mpi_notice(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    return PyBool_FromLong(timemory_mpi_notice());
}

static PyObject* tm_py_mpi_is_active(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    return PyBool_FromLong(timemory_mpi_is_active());
}

static PyObject* tm_py_mpi_rank(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    return PyLong_FromLong(timemory_mpi_rank());
}

static PyObject* tm_py_mpi_size(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    return PyLong_FromLong(timemory_mpi_size());
}

static PyObject* tm_py_mpi_barrier(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = timemory_mpi_barrier();
    Py_END_ALLOW_THREADS
    return tm_py_none_or_raise(rc, "mpi_barrier");
}

static PyObject* tm_py_mpi_info(PyObject* self, PyObject* what)
{
    (void)self;
    const char* name = PyUnicode_AsUTF8(what);
    if(!name) return NULL;
    return PyUnicode_FromString(timemory_mpi_info(name));
}

/* Inside MPI_Finalize when the program never finalized timemory (mpi4py's MPI.Finalize(), a
 * library's): the package's finalize() first, which stops the profiler and tracer and collects
 * garbage. Not once the interpreter is shutting down (mpi4py finalizes MPI from Py_AtExit,
 * after the atexit hook already finalized). */
static void tm_py_mpi_finalize_callback(void* arg)
{
    (void)arg;
    if(!Py_IsInitialized() || timemory_is_finalized()) return;
    PyGILState_STATE gil     = PyGILState_Ensure();
    PyObject*        modules = PySys_GetObject("modules"); /* borrowed */
    PyObject*        package = modules ? PyDict_GetItemString(modules, "timemory") : NULL;
    PyObject*        result  = package ? PyObject_CallMethod(package, "finalize", NULL) : NULL;
    if(package && !result) PyErr_Print();
    Py_XDECREF(result);
    PyGILState_Release(gil);
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
/* hashes                                                                                      */

static PyObject* tm_py_add_hash_id(PyObject* self, PyObject* arg)
{
    (void)self;
    if(!PyUnicode_Check(arg))
    {
        PyErr_Format(PyExc_TypeError, "key must be str, not %.100s", Py_TYPE(arg)->tp_name);
        return NULL;
    }
    const char* key = PyUnicode_AsUTF8(arg);
    if(!key) return NULL;
    return PyLong_FromUnsignedLongLong(timemory_add_hash_id(key));
}

static PyObject* tm_py_get_hash_identifier(PyObject* self, PyObject* arg)
{
    uint64_t id = 0;
    (void)self;
    if(!tm_py_u64_converter(arg, &id)) return NULL;
    const char* key = timemory_get_hash_identifier(id);
    if(key) return PyUnicode_FromString(key);
    return PyUnicode_FromFormat("unknown-hash=%llu", (unsigned long long)id);
}

/* ------------------------------------------------------------------------------------------ */
/* results                                                                                     */

static PyObject* tm_py_get_json(PyObject* self, PyObject* args, PyObject* kwargs)
{
    static char* kwlist[]  = {"mask", "hierarchy", NULL};
    tm_py_set    mask      = {{{0}}, 0, false};
    int          hierarchy = 0;
    (void)self;
    if(!PyArg_ParseTupleAndKeywords(args, kwargs, "|O&p:get_json", kwlist, tm_py_set_converter,
                                    &mask, &hierarchy))
        return NULL;
    char* text = NULL;
    /* the GIL stays held: no Python thread pushes into the graphs while they are merged */
    int rc = timemory_get_json_set(&mask.set, hierarchy != 0, &text);
    return tm_py_take_string(rc, text, "get_json");
}

static PyObject* tm_py_get_text(PyObject* self, PyObject* args, PyObject* kwargs)
{
    static char* kwlist[] = {"mask", NULL};
    tm_py_set    mask     = {{{0}}, 0, false};
    (void)self;
    if(!PyArg_ParseTupleAndKeywords(args, kwargs, "|O&:get_text", kwlist, tm_py_set_converter,
                                    &mask))
        return NULL;
    char* text = NULL;
    /* the GIL stays held: no Python thread pushes into the graphs while they are merged */
    int rc = timemory_get_text_set(&mask.set, &text);
    return tm_py_take_string(rc, text, "get_text");
}

static PyObject* tm_py_clear(PyObject* self, PyObject* args, PyObject* kwargs)
{
    static char* kwlist[] = {"mask", NULL};
    tm_py_set    mask     = {{{0}}, 0, false};
    (void)self;
    if(!PyArg_ParseTupleAndKeywords(args, kwargs, "|O&:clear", kwlist, tm_py_set_converter, &mask))
        return NULL;
    return tm_py_none_or_raise(timemory_clear_set(&mask.set), "clear");
}

static PyObject* tm_py_size(PyObject* self, PyObject* arg)
{
    (void)self;
    long id = PyLong_AsLong(arg);
    if(id == -1 && PyErr_Occurred()) return NULL;
    timemory_component_info info;
    if(id < 0 || id > INT_MAX || timemory_component_get_info((int)id, &info) != 0)
    {
        PyErr_Format(PyExc_ValueError, "component id %ld names no component", id);
        return NULL;
    }
    size_t n  = 0;
    int    rc = timemory_get_size((int)id, &n);
    if(rc < 0) return tm_py_raise(rc, "size");
    return PyLong_FromSize_t(n);
}

static PyObject* tm_py_components_with_data(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    timemory_component_set set = timemory_components_with_data_set();
    return tm_py_set_to_int(&set);
}

static PyObject* tm_py_add_metadata(PyObject* self, PyObject* const* args, Py_ssize_t nargs)
{
    (void)self;
    if(nargs != 2)
    {
        PyErr_Format(PyExc_TypeError, "add_metadata(key, json_text) takes 2 arguments (%zd given)",
                     nargs);
        return NULL;
    }
    const char* key  = tm_py_name_arg(args[0], "key");
    const char* json = key ? tm_py_name_arg(args[1], "json_text") : NULL;
    if(!json) return NULL;
    return tm_py_none_or_raise(timemory_add_metadata(key, json), "add_metadata");
}

static PyObject* tm_py_get_metadata(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    char* text = NULL;
    int   rc   = timemory_get_metadata(&text);
    return tm_py_take_string(rc, text, "get_metadata");
}

/* ------------------------------------------------------------------------------------------ */
/* the component table and component lists                                                    */

static PyObject* tm_py_available_mask(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    timemory_component_set  set = {{0}};
    timemory_component_info info;
    /* the table's ids, then the registered ones */
    for(int id = 0; id < TIMEMORY_COMPONENT_RUNTIME_FIRST + TIMEMORY_COMPONENT_RUNTIME_MAX; ++id)
        if(timemory_component_get_info(id, &info) == 0 && info.available)
            timemory_component_set_add(&set, id);
    return tm_py_set_to_int(&set);
}

static int tm_py_dict_set(PyObject* dict, const char* key, PyObject* value)
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
static void tm_py_unknown_component(const char* word)
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
    timemory_component_set mask = {{0}};
    if(tm_py_parse_components_into(obj, &mask) < 0) return NULL;
    return tm_py_set_to_int(&mask);
}

/* ------------------------------------------------------------------------------------------ */
/* regions: push/pop are on the hot path of Python-side markers (METH_FASTCALL, no tuple)     */

static int tm_py_fast_u64(PyObject* obj, uint64_t* out, const char* what)
{
    if(!PyLong_Check(obj))
    {
        PyErr_Format(PyExc_TypeError, "%s must be int, not %.100s", what, Py_TYPE(obj)->tp_name);
        return -1;
    }
    unsigned long long value = PyLong_AsUnsignedLongLong(obj);
    if(value == (unsigned long long)-1 && PyErr_Occurred()) return -1;
    *out = (uint64_t)value;
    return 0;
}

static PyObject* tm_py_push(PyObject* self, PyObject* const* args, Py_ssize_t nargs)
{
    (void)self;
    if(nargs < 2 || nargs > 3)
    {
        PyErr_Format(PyExc_TypeError, "push(key, mask, scope=0) takes 2 or 3 arguments (%zd given)",
                     nargs);
        return NULL;
    }
    uint64_t  key = 0, scope = 0;
    tm_py_set mask;
    if(tm_py_fast_u64(args[0], &key, "key") < 0 ||
       tm_py_set_from_int(args[1], &mask, "mask") < 0 ||
       (nargs == 3 && tm_py_fast_u64(args[2], &scope, "scope") < 0))
        return NULL;
    int rc = mask.wide ? timemory_push_set(key, &mask.set, (unsigned)scope)
                       : timemory_push(key, mask.mask, (unsigned)scope);
    if(tm_py_check_region(rc, "push") < 0) return NULL;
    Py_RETURN_NONE;
}

static PyObject* tm_py_pop(PyObject* self, PyObject* arg)
{
    (void)self;
    uint64_t key = 0;
    if(tm_py_fast_u64(arg, &key, "key") < 0) return NULL;
    if(tm_py_check_region(timemory_pop(key), "pop") < 0) return NULL;
    Py_RETURN_NONE;
}

static PyObject* tm_py_push_region(PyObject* self, PyObject* arg)
{
    (void)self;
    const char* name = tm_py_name_arg(arg, "name");
    if(!name || tm_py_check_region(timemory_push_region(name), "push_region") < 0) return NULL;
    Py_RETURN_NONE;
}

static PyObject* tm_py_pop_region(PyObject* self, PyObject* arg)
{
    (void)self;
    const char* name = tm_py_name_arg(arg, "name");
    if(!name || tm_py_check_region(timemory_pop_region(name), "pop_region") < 0) return NULL;
    Py_RETURN_NONE;
}

/* The component-set stack of the region API (timemory.region). */
static PyObject* tm_py_region_set(PyObject* arg, void (*fn)(const char*), const char* what)
{
    const char* text = tm_py_name_arg(arg, what);
    if(!text) return NULL;
    timemory_components_t mask = 0;
    const char*           bad  = NULL;
    if(timemory_components_parse(text, &mask, &bad) == TIMEMORY_EUNKNOWN)
        return PyErr_Format(PyExc_ValueError, "%s: unknown component '%s'", what, bad ? bad : "?");
    fn(text);
    Py_RETURN_NONE;
}

static PyObject* tm_py_set_default(PyObject* self, PyObject* arg)
{
    (void)self;
    return tm_py_region_set(arg, timemory_set_default, "set_default");
}

static PyObject* tm_py_add_components_fn(PyObject* self, PyObject* arg)
{
    (void)self;
    return tm_py_region_set(arg, timemory_add_components, "add_components");
}

static PyObject* tm_py_remove_components(PyObject* self, PyObject* arg)
{
    (void)self;
    return tm_py_region_set(arg, timemory_remove_components, "remove_components");
}

static PyObject* tm_py_push_components(PyObject* self, PyObject* arg)
{
    (void)self;
    return tm_py_region_set(arg, timemory_push_components, "push_components");
}

static PyObject* tm_py_pop_components(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    timemory_pop_components();
    Py_RETURN_NONE;
}

static PyObject* tm_py_get_default_components(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    return PyLong_FromUnsignedLongLong(timemory_get_default_components());
}

/* ------------------------------------------------------------------------------------------ */
/* trace library                                                                               */

static PyObject* tm_py_trace_init(PyObject* self, PyObject* args, PyObject* kwargs)
{
    static char* kwlist[]          = {"components", "read_command_line", "cmd", NULL};
    const char*  components        = "";
    int          read_command_line = 0;
    const char*  cmd               = "";
    (void)self;
    if(!PyArg_ParseTupleAndKeywords(args, kwargs, "|sps:trace_init", kwlist, &components,
                                    &read_command_line, &cmd))
        return NULL;
    int rc = timemory_trace_init(components, read_command_line != 0, cmd);
    if(rc == TIMEMORY_EUNKNOWN)
    {
        timemory_components_t parsed = 0;
        const char*           bad    = NULL;
        if(timemory_components_parse(components, &parsed, &bad) == TIMEMORY_EUNKNOWN && bad)
        {
            tm_py_unknown_component(bad);
            return NULL;
        }
    }
    return tm_py_none_or_raise(rc, "trace_init");
}

static PyObject* tm_py_trace_finalize(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    return tm_py_none_or_raise(timemory_trace_finalize(), "trace_finalize");
}

static PyObject* tm_py_trace_is_initialized(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    return PyBool_FromLong(timemory_trace_is_initialized());
}

static PyObject* tm_py_push_trace(PyObject* self, PyObject* arg)
{
    (void)self;
    const char* name = tm_py_name_arg(arg, "name");
    if(!name || tm_py_check_region(timemory_push_trace(name), "push_trace") < 0) return NULL;
    Py_RETURN_NONE;
}

static PyObject* tm_py_pop_trace(PyObject* self, PyObject* arg)
{
    (void)self;
    const char* name = tm_py_name_arg(arg, "name");
    if(!name || tm_py_check_region(timemory_pop_trace(name), "pop_trace") < 0) return NULL;
    Py_RETURN_NONE;
}

static PyObject* tm_py_is_throttled(PyObject* self, PyObject* arg)
{
    (void)self;
    const char* name = tm_py_name_arg(arg, "name");
    if(!name) return NULL;
    return PyBool_FromLong(timemory_is_throttled(name));
}

static PyObject* tm_py_reset_throttle(PyObject* self, PyObject* arg)
{
    (void)self;
    const char* name = tm_py_name_arg(arg, "name");
    if(!name) return NULL;
    timemory_reset_throttle(name);
    Py_RETURN_NONE;
}

/* ------------------------------------------------------------------------------------------ */
/* settings by name                                                                            */

static const char* tm_py_setting_type_name(timemory_setting_type type)
{
    switch(type)
    {
    case TIMEMORY_SETTING_BOOL:
        return "bool";
    case TIMEMORY_SETTING_INT:
        return "int";
    case TIMEMORY_SETTING_STRING:
        return "str";
    case TIMEMORY_SETTING_DOUBLE:
        return "float";
    }
    return "unknown";
}

/* Looks the setting up by python or variable name; AttributeError when unknown. */
static int tm_py_setting_lookup(PyObject* name_obj, timemory_setting_info* info)
{
    if(!PyUnicode_Check(name_obj))
    {
        PyErr_Format(PyExc_TypeError, "setting name must be str, not %.100s",
                     Py_TYPE(name_obj)->tp_name);
        return -1;
    }
    const char* name = PyUnicode_AsUTF8(name_obj);
    if(!name) return -1;
    int index = timemory_settings_find(name);
    if(index < 0 || timemory_settings_info(index, info) < 0)
    {
        PyErr_Format(PyExc_AttributeError, "timemory settings have no setting '%s'", name);
        return -1;
    }
    if(!info->name || !info->name[0]) info->name = info->env;
    return 0;
}

static bool tm_py_text_is_true(const char* text)
{
    static const char* const truthy[] = {"1", "true", "on", "yes", "y", "t"};
    for(size_t i = 0; i < sizeof(truthy) / sizeof(truthy[0]); ++i)
        if(strcasecmp(text, truthy[i]) == 0) return true;
    return false;
}

/* The setting's built-in default as a Python value of its type. */
static PyObject* tm_py_setting_default(const timemory_setting_info* info)
{
    const char* text = info->default_text ? info->default_text : "";
    switch(info->type)
    {
    case TIMEMORY_SETTING_BOOL:
        return PyBool_FromLong(tm_py_text_is_true(text));
    case TIMEMORY_SETTING_INT:
    {
        PyObject* value = PyLong_FromString(text, NULL, 0);
        if(!value)
        {
            PyErr_Clear();
            return PyLong_FromLong(0);
        }
        return value;
    }
    case TIMEMORY_SETTING_DOUBLE:
        return PyFloat_FromDouble(strtod(text, NULL));
    case TIMEMORY_SETTING_STRING:
        break;
    }
    return PyUnicode_FromString(text);
}

static PyObject* tm_py_settings_names(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    PyObject* names = PyList_New(0);
    if(!names) return NULL;
    int                   count = timemory_settings_count();
    timemory_setting_info info;
    for(int i = 0; i < count; ++i)
    {
        if(timemory_settings_info(i, &info) < 0 || !info.name || !info.name[0]) continue;
        PyObject* name = PyUnicode_FromString(info.name);
        if(!name || PyList_Append(names, name) < 0)
        {
            Py_XDECREF(name);
            Py_DECREF(names);
            return NULL;
        }
        Py_DECREF(name);
    }
    return names;
}

static PyObject* tm_py_settings_info(PyObject* self, PyObject* name)
{
    (void)self;
    timemory_setting_info info;
    if(tm_py_setting_lookup(name, &info) < 0) return NULL;
    PyObject* dict = PyDict_New();
    if(!dict) return NULL;
    bool      is_int  = info.type == TIMEMORY_SETTING_INT;
    PyObject* choices = NULL;
    if(info.choices)
        choices = tm_py_split_words(info.choices, ",");
    else
        choices = tm_py_none_ref();
    if(tm_py_dict_set(dict, "name", PyUnicode_FromString(info.name)) < 0 ||
       tm_py_dict_set(dict, "env", tm_py_str_or_none(info.env)) < 0 ||
       tm_py_dict_set(dict, "type", PyUnicode_FromString(tm_py_setting_type_name(info.type))) < 0 ||
       tm_py_dict_set(dict, "type_name", tm_py_str_or_none(info.type_name)) < 0 ||
       tm_py_dict_set(dict, "description", tm_py_str_or_none(info.description)) < 0 ||
       tm_py_dict_set(dict, "cli_flags", tm_py_split_words(info.cli_flags, " ")) < 0 ||
       tm_py_dict_set(dict, "default", tm_py_setting_default(&info)) < 0 ||
       tm_py_dict_set(dict, "min",
                      is_int ? PyLong_FromLongLong(info.min_value) : tm_py_none_ref()) < 0 ||
       tm_py_dict_set(dict, "max",
                      is_int ? PyLong_FromLongLong(info.max_value) : tm_py_none_ref()) < 0 ||
       tm_py_dict_set(dict, "choices", choices) < 0)
    {
        Py_DECREF(dict);
        return NULL;
    }
    return dict;
}

static PyObject* tm_py_settings_get_info(const timemory_setting_info* info)
{
    int rc = 0;
    switch(info->type)
    {
    case TIMEMORY_SETTING_BOOL:
    {
        bool value = false;
        if((rc = timemory_settings_get_bool(info->env, &value)) < 0) break;
        return PyBool_FromLong(value);
    }
    case TIMEMORY_SETTING_INT:
    {
        int64_t value = 0;
        if((rc = timemory_settings_get_int(info->env, &value)) < 0) break;
        return PyLong_FromLongLong(value);
    }
    case TIMEMORY_SETTING_DOUBLE:
    {
        double value = 0.0;
        if((rc = timemory_settings_get_double(info->env, &value)) < 0) break;
        return PyFloat_FromDouble(value);
    }
    case TIMEMORY_SETTING_STRING:
    {
        char small[256];
        rc = timemory_settings_get_string(info->env, small, sizeof(small));
        if(rc < 0) break;
        if((size_t)rc < sizeof(small)) return PyUnicode_FromString(small);
        /* longer than the stack buffer: ask again with the full length */
        size_t len = (size_t)rc + 1;
        char*  big = PyMem_Malloc(len);
        if(!big) return PyErr_NoMemory();
        rc              = timemory_settings_get_string(info->env, big, len);
        PyObject* value = rc < 0 ? NULL : PyUnicode_FromString(big);
        PyMem_Free(big);
        if(rc < 0) break;
        return value;
    }
    }
    char context[160];
    snprintf(context, sizeof(context), "settings.%s", info->name);
    return tm_py_raise(rc, context);
}

static PyObject* tm_py_settings_get(PyObject* self, PyObject* name)
{
    (void)self;
    timemory_setting_info info;
    if(tm_py_setting_lookup(name, &info) < 0) return NULL;
    return tm_py_settings_get_info(&info);
}

/* ValueError naming the setting and what it accepts. */
static void tm_py_setting_value_error(const timemory_setting_info* info, PyObject* given)
{
    if(info->choices)
        PyErr_Format(PyExc_ValueError, "settings.%s must be one of: %s; not %R", info->name,
                     info->choices, given);
    else if(info->type == TIMEMORY_SETTING_INT)
        PyErr_Format(PyExc_ValueError, "settings.%s must be an integer in [%lld, %lld], not %R",
                     info->name, (long long)info->min_value, (long long)info->max_value, given);
    else if(info->type == TIMEMORY_SETTING_DOUBLE && info->min_value < info->max_value)
        PyErr_Format(PyExc_ValueError, "settings.%s must be a number in [%lld, %lld], not %R",
                     info->name, (long long)info->min_value, (long long)info->max_value, given);
    else
        PyErr_Format(PyExc_ValueError, "settings.%s must be a valid %s, not %R", info->name,
                     tm_py_setting_type_name(info->type), given);
}

static PyObject* tm_py_setting_result(int rc, const timemory_setting_info* info, PyObject* given)
{
    if(rc >= 0) Py_RETURN_NONE;
    if(rc == TIMEMORY_EVALUE || rc == TIMEMORY_EINVAL || rc == TIMEMORY_ETYPE)
    {
        tm_py_setting_value_error(info, given);
        return NULL;
    }
    char context[160];
    snprintf(context, sizeof(context), "settings.%s", info->name);
    return tm_py_raise(rc, context);
}

static PyObject* tm_py_settings_type_error(const timemory_setting_info* info, PyObject* value)
{
    PyErr_Format(PyExc_TypeError, "settings.%s must be %s, not %.100s", info->name,
                 tm_py_setting_type_name(info->type), Py_TYPE(value)->tp_name);
    return NULL;
}

static PyObject* tm_py_settings_set(PyObject* self, PyObject* const* args, Py_ssize_t nargs)
{
    (void)self;
    if(nargs != 2)
    {
        PyErr_Format(PyExc_TypeError, "settings_set(name, value) takes 2 arguments (%zd given)",
                     nargs);
        return NULL;
    }
    timemory_setting_info info;
    PyObject*             value = args[1];
    if(tm_py_setting_lookup(args[0], &info) < 0) return NULL;
    switch(info.type)
    {
    case TIMEMORY_SETTING_BOOL:
    {
        /* a string is parsed as the environment variable would be ("false", "off", "0"...);
         * bool and integers by truth; anything else is a type error, never truthiness */
        if(PyUnicode_Check(value))
        {
            const char* text = PyUnicode_AsUTF8(value);
            if(!text) return NULL;
            /* "" enables in the environment (a bare flag); from Python it says nothing */
            if(!*text) return tm_py_setting_result(TIMEMORY_EVALUE, &info, value);
            return tm_py_setting_result(timemory_settings_set_text(info.env, text), &info, value);
        }
        if(!PyBool_Check(value) && (PyFloat_Check(value) || !PyIndex_Check(value)))
            return tm_py_settings_type_error(&info, value);
        int truth = PyObject_IsTrue(value);
        if(truth < 0) return NULL;
        return tm_py_setting_result(timemory_settings_set_bool(info.env, truth != 0), &info, value);
    }
    case TIMEMORY_SETTING_INT:
    {
        /* int, bool or any integer type (__index__: IntEnum, numpy integers) */
        if(PyFloat_Check(value) || !PyIndex_Check(value))
            return tm_py_settings_type_error(&info, value);
        PyObject* index = PyNumber_Index(value);
        if(!index) return NULL;
        int       overflow = 0;
        long long v        = PyLong_AsLongLongAndOverflow(index, &overflow);
        Py_DECREF(index);
        if(v == -1 && PyErr_Occurred()) return NULL;
        if(overflow)
        {
            tm_py_setting_value_error(&info, value);
            return NULL;
        }
        return tm_py_setting_result(timemory_settings_set_int(info.env, (int64_t)v), &info, value);
    }
    case TIMEMORY_SETTING_DOUBLE:
    {
        if(!PyFloat_Check(value) && !PyLong_Check(value))
            return tm_py_settings_type_error(&info, value);
        double v = PyFloat_AsDouble(value);
        if(v == -1.0 && PyErr_Occurred()) return NULL;
        return tm_py_setting_result(timemory_settings_set_double(info.env, v), &info, value);
    }
    case TIMEMORY_SETTING_STRING:
    {
        if(!PyUnicode_Check(value)) return tm_py_settings_type_error(&info, value);
        Py_ssize_t  len  = 0;
        const char* text = PyUnicode_AsUTF8AndSize(value, &len);
        if(!text) return NULL;
        if((size_t)len != strlen(text))
        {
            PyErr_Format(PyExc_ValueError, "settings.%s must not contain NUL characters",
                         info.name);
            return NULL;
        }
        return tm_py_setting_result(timemory_settings_set_string(info.env, text), &info, value);
    }
    }
    return tm_py_settings_type_error(&info, value);
}

static PyObject* tm_py_settings_set_text(PyObject* self, PyObject* const* args, Py_ssize_t nargs)
{
    (void)self;
    if(nargs != 2)
    {
        PyErr_Format(PyExc_TypeError, "settings_set_text(name, text) takes 2 arguments (%zd given)",
                     nargs);
        return NULL;
    }
    timemory_setting_info info;
    if(tm_py_setting_lookup(args[0], &info) < 0) return NULL;
    if(!PyUnicode_Check(args[1]))
    {
        PyErr_Format(PyExc_TypeError, "settings.%s text must be str, not %.100s", info.name,
                     Py_TYPE(args[1])->tp_name);
        return NULL;
    }
    const char* text = PyUnicode_AsUTF8(args[1]);
    if(!text) return NULL;
    int rc = timemory_settings_set_text(info.env, text);
    if(rc == TIMEMORY_EVALUE || rc == TIMEMORY_ETYPE || rc == TIMEMORY_EINVAL)
    {
        if(info.type == TIMEMORY_SETTING_BOOL)
            PyErr_Format(PyExc_ValueError,
                         "settings.%s: cannot parse %R as bool (accepted: ON/OFF, true/false, "
                         "yes/no, 1/0)",
                         info.name, args[1]);
        else
            tm_py_setting_value_error(&info, args[1]);
        return NULL;
    }
    return tm_py_setting_result(rc, &info, args[1]);
}

static PyObject* tm_py_settings_parse(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    int rc = timemory_settings_parse_env();
    if(rc < 0) return tm_py_raise(rc, "settings_parse");
    return PyLong_FromLong(rc);
}

static PyObject* tm_py_settings_read(PyObject* self, PyObject* arg)
{
    (void)self;
    PyObject* path_bytes = NULL;
    if(!PyUnicode_FSConverter(arg, &path_bytes)) return NULL;
    errno  = 0;
    int rc = timemory_settings_read_config(PyBytes_AS_STRING(path_bytes));
    if(rc == TIMEMORY_EIO)
    {
        int saved = errno ? errno : ENOENT;
        PyErr_Format(PyExc_OSError, "settings_read: cannot read '%s' (%s)",
                     PyBytes_AS_STRING(path_bytes), strerror(saved));
        Py_DECREF(path_bytes);
        return NULL;
    }
    Py_DECREF(path_bytes);
    if(rc < 0) return tm_py_raise(rc, "settings_read");
    return PyLong_FromLong(rc);
}

static PyObject* tm_py_settings_reset(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    timemory_settings_reset();
    Py_RETURN_NONE;
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

#define TM_PY_NOARGS(name, func, doc)                                                              \
    {                                                                                              \
        name, (PyCFunction)(void (*)(void))func, METH_NOARGS, doc                                  \
    }
#define TM_PY_ONEARG(name, func, doc)                                                              \
    {                                                                                              \
        name, (PyCFunction)(void (*)(void))func, METH_O, doc                                       \
    }
#define TM_PY_KWARGS(name, func, doc)                                                              \
    {                                                                                              \
        name, (PyCFunction)(void (*)(void))func, METH_VARARGS | METH_KEYWORDS, doc                 \
    }
#define TM_PY_FASTCALL(name, func, doc)                                                            \
    {                                                                                              \
        name, (PyCFunction)(void (*)(void))func, METH_FASTCALL, doc                                \
    }

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
    TM_PY_NOARGS("has_mpi_support", tm_py_has_mpi_support,
                 "has_mpi_support()\n--\n\nWhether libtimemory's MPI plugin is installed and "
                 "loads."),
    TM_PY_NOARGS("mpi_unavailable_reason", tm_py_mpi_unavailable_reason,
                 "mpi_unavailable_reason()\n--\n\nWhy MPI cannot be used, or None."),
    TM_PY_NOARGS("mpi_init", tm_py_mpi_init,
                 "mpi_init()\n--\n\nMPI_Init_thread (settings mpi_thread, mpi_thread_type) or "
                 "MPI_Init; nothing when MPI is initialized. RuntimeError without MPI support."),
    TM_PY_NOARGS("mpi_finalize", tm_py_mpi_finalize,
                 "mpi_finalize()\n--\n\nMPI_Finalize (timemory finalizes first, on every "
                 "rank); nothing when MPI is not active."),
    TM_PY_NOARGS("mpi_notice", tm_py_mpi_notice,
                 "mpi_notice()\n--\n\nLook for MPI in the process; when it is initialized, "
                 "finalize timemory inside MPI_Finalize. True when MPI is active."),
    TM_PY_NOARGS("mpi_is_active", tm_py_mpi_is_active,
                 "mpi_is_active()\n--\n\nMPI is initialized and not finalized."),
    TM_PY_NOARGS("mpi_rank", tm_py_mpi_rank,
                 "mpi_rank()\n--\n\nRank in MPI_COMM_WORLD (0 without MPI)."),
    TM_PY_NOARGS("mpi_size", tm_py_mpi_size,
                 "mpi_size()\n--\n\nSize of MPI_COMM_WORLD (1 without MPI)."),
    TM_PY_NOARGS("mpi_barrier", tm_py_mpi_barrier,
                 "mpi_barrier()\n--\n\nMPI_Barrier on MPI_COMM_WORLD (nothing without MPI)."),
    TM_PY_ONEARG("mpi_info", tm_py_mpi_info,
                 "mpi_info(what)\n--\n\n'library', 'exe', 'c', 'cxx', 'version' or 'path': "
                 "what MPI timemory uses ('MPI not supported' without)."),
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
    TM_PY_ONEARG("get_hash", tm_py_add_hash_id,
                 "get_hash(key)\n--\n\nRegister key and return its 64-bit hash."),
    TM_PY_ONEARG("add_hash_id", tm_py_add_hash_id,
                 "add_hash_id(key)\n--\n\nRegister key and return its 64-bit hash."),
    TM_PY_ONEARG("get_hash_identifier", tm_py_get_hash_identifier,
                 "get_hash_identifier(hash_id)\n--\n\nThe registered string, or "
                 "'unknown-hash=<id>'."),
    TM_PY_KWARGS("get_json", tm_py_get_json,
                 "get_json(mask=0, hierarchy=False)\n--\n\nJSON text of the current data "
                 "(mask 0: every component with data)."),
    TM_PY_KWARGS("get_text", tm_py_get_text,
                 "get_text(mask=0)\n--\n\nText tables of the current data."),
    TM_PY_KWARGS("clear", tm_py_clear,
                 "clear(mask=0)\n--\n\nErase the data of the given components (0: all)."),
    TM_PY_ONEARG("size", tm_py_size,
                 "size(component_id)\n--\n\nNumber of entries of one component."),
    TM_PY_NOARGS("components_with_data", tm_py_components_with_data,
                 "components_with_data()\n--\n\nMask of the components holding data."),
    TM_PY_NOARGS("available_mask", tm_py_available_mask,
                 "available_mask()\n--\n\nMask of the components available here."),
    TM_PY_NOARGS("component_table", tm_py_component_table,
                 "component_table()\n--\n\nOne dict per row of the component table."),
    TM_PY_ONEARG("parse_components", tm_py_parse_components,
                 "parse_components(obj)\n--\n\nMask of a component list: str, int or an "
                 "iterable of those."),
    TM_PY_FASTCALL("push", tm_py_push,
                   "push(key, mask, scope=0)\n--\n\nPush key with the components of mask."),
    TM_PY_ONEARG("pop", tm_py_pop, "pop(key)\n--\n\nPop the innermost push of key."),
    TM_PY_ONEARG("push_region", tm_py_push_region,
                 "push_region(name)\n--\n\nPush a named region (default components)."),
    TM_PY_ONEARG("pop_region", tm_py_pop_region, "pop_region(name)\n--\n\nPop a named region."),
    TM_PY_ONEARG("set_default", tm_py_set_default,
                 "set_default(components)\n--\n\nDefault component list of the region API."),
    TM_PY_ONEARG("add_components", tm_py_add_components_fn,
                 "add_components(components)\n--\n\nAdd components to the current set."),
    TM_PY_ONEARG("remove_components", tm_py_remove_components,
                 "remove_components(components)\n--\n\nRemove components from the current set."),
    TM_PY_ONEARG("push_components", tm_py_push_components,
                 "push_components(components)\n--\n\nMake components the current set, keeping "
                 "the previous one on a stack."),
    TM_PY_NOARGS("pop_components", tm_py_pop_components,
                 "pop_components()\n--\n\nBack to the previous set (the last is never popped)."),
    TM_PY_NOARGS("get_default_components", tm_py_get_default_components,
                 "get_default_components()\n--\n\nMask of the region API's current set."),
    TM_PY_FASTCALL("add_metadata", tm_py_add_metadata,
                   "add_metadata(key, json_text)\n--\n\nAdd a metadata.json info entry (JSON "
                   "text value; the first value of a key wins)."),
    TM_PY_NOARGS("get_metadata", tm_py_get_metadata,
                 "get_metadata()\n--\n\nThe metadata object as JSON text."),
    TM_PY_NOARGS("settings_names", tm_py_settings_names,
                 "settings_names()\n--\n\nPython names of the settings, in registration order."),
    TM_PY_ONEARG("settings_info", tm_py_settings_info,
                 "settings_info(name)\n--\n\nDescription of one setting as a dict."),
    TM_PY_ONEARG("settings_get", tm_py_settings_get,
                 "settings_get(name)\n--\n\nCurrent value of a setting."),
    TM_PY_FASTCALL("settings_set", tm_py_settings_set,
                   "settings_set(name, value)\n--\n\nSet a setting (type-checked)."),
    TM_PY_FASTCALL("settings_set_text", tm_py_settings_set_text,
                   "settings_set_text(name, text)\n--\n\nSet a setting from text (ON/OFF, ...)."),
    TM_PY_NOARGS("settings_parse", tm_py_settings_parse,
                 "settings_parse()\n--\n\nRe-read the TIMEMORY_* environment; returns the "
                 "number of bad values."),
    TM_PY_ONEARG("settings_read", tm_py_settings_read,
                 "settings_read(path)\n--\n\nRead a config file; returns the number of bad "
                 "entries."),
    TM_PY_NOARGS("settings_reset", tm_py_settings_reset,
                 "settings_reset()\n--\n\nRestore every setting to its built-in default."),
    TM_PY_KWARGS("trace_init", tm_py_trace_init,
                 "trace_init(components='', read_command_line=False, cmd='')\n--\n\n"
                 "Initialize the trace library."),
    TM_PY_NOARGS("trace_finalize", tm_py_trace_finalize,
                 "trace_finalize()\n--\n\nFinalize the trace library."),
    TM_PY_NOARGS("trace_is_initialized", tm_py_trace_is_initialized,
                 "trace_is_initialized()\n--\n\n"),
    TM_PY_ONEARG("push_trace", tm_py_push_trace,
                 "push_trace(name)\n--\n\nPush a trace region (throttled)."),
    TM_PY_ONEARG("pop_trace", tm_py_pop_trace, "pop_trace(name)\n--\n\nPop a trace region."),
    TM_PY_ONEARG("is_throttled", tm_py_is_throttled,
                 "is_throttled(name)\n--\n\nWhether name is throttled on this thread."),
    TM_PY_ONEARG("reset_throttle", tm_py_reset_throttle,
                 "reset_throttle(name)\n--\n\nClear the throttle of name on this thread."),
    {NULL, NULL, 0, NULL}};

int tm_py_add_signals(PyObject* module); /* ext/signals.c: the fatal-signal handler */
int tm_py_add_timeline(PyObject* module); /* ext/timeline.c: Python thread names */
int tm_py_add_line_profiler(PyObject* module); /* ext/line_profiler.c: the tracer's lines */
int tm_py_add_mallocp(PyObject* module); /* ext/mallocp.c: Python allocation hooks */
int tm_py_add_hwcounters(PyObject* module); /* ext/hwcounters.c: hardware counters */
int tm_py_add_ert(PyObject* module); /* ext/ert.c: the ERT micro-kernels */

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
       tm_py_add_coroutines(module) < 0 || tm_py_add_profiler(module) < 0 || tm_py_add_tracer(module) < 0 ||
       tm_py_add_processes(module) < 0)
        return -1;
    timemory_mpi_set_finalize_callback(tm_py_mpi_finalize_callback, NULL);
    if(tm_py_add_signals(module) < 0) return -1;
    if(tm_py_add_timeline(module) < 0) return -1;
    if(tm_py_add_line_profiler(module) < 0) return -1;
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

static PyModuleDef_Slot tm_py_slots[] = {{Py_mod_exec, (void*)tm_py_module_exec}, {0, NULL}};

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
