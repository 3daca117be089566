/* results.c -- hashes (get_hash, add_hash_id, get_hash_identifier), results (get_json,
 * get_text, clear, size, components_with_data) and metadata (add_metadata, get_metadata).
 * Thin, as module.c: converts arguments, calls the library once, maps its error code. */
#include "ext.h"

#include <limits.h>

#include <string.h>

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
    static char* kwlist[]  = { "mask", "hierarchy", NULL };
    tm_py_set    mask      = { { { 0 } }, 0, false };
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
    static char* kwlist[] = { "mask", NULL };
    tm_py_set    mask     = { { { 0 } }, 0, false };
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
    static char* kwlist[] = { "mask", NULL };
    tm_py_set    mask     = { { { 0 } }, 0, false };
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

static PyMethodDef tm_py_results_methods[] = {
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
    TM_PY_FASTCALL("add_metadata", tm_py_add_metadata,
                   "add_metadata(key, json_text)\n--\n\nAdd a metadata.json info entry (JSON "
                   "text value; the first value of a key wins)."),
    TM_PY_NOARGS("get_metadata", tm_py_get_metadata,
                 "get_metadata()\n--\n\nThe metadata object as JSON text."),
    { NULL, NULL, 0, NULL }
};

int tm_py_add_results(PyObject* module)
{
    return PyModule_AddFunctions(module, tm_py_results_methods);
}
