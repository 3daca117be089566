/* settings.c -- the settings by name (settings_names, _info, _get, _set, _set_text, _parse,
 * _read, _reset): typed access to the library's settings table (timemory_settings_info),
 * type-checked, with errors naming the setting.
 * Thin, as module.c: converts arguments, calls the library once, maps its error code. */
#include "ext.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

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
    static const char* const truthy[] = { "1", "true", "on", "yes", "y", "t" };
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
    case TIMEMORY_SETTING_INT: {
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
    case TIMEMORY_SETTING_BOOL: {
        bool value = false;
        if((rc = timemory_settings_get_bool(info->env, &value)) < 0) break;
        return PyBool_FromLong(value);
    }
    case TIMEMORY_SETTING_INT: {
        int64_t value = 0;
        if((rc = timemory_settings_get_int(info->env, &value)) < 0) break;
        return PyLong_FromLongLong(value);
    }
    case TIMEMORY_SETTING_DOUBLE: {
        double value = 0.0;
        if((rc = timemory_settings_get_double(info->env, &value)) < 0) break;
        return PyFloat_FromDouble(value);
    }
    case TIMEMORY_SETTING_STRING: {
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
    case TIMEMORY_SETTING_BOOL: {
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
    case TIMEMORY_SETTING_INT: {
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
    case TIMEMORY_SETTING_DOUBLE: {
        if(!PyFloat_Check(value) && !PyLong_Check(value))
            return tm_py_settings_type_error(&info, value);
        double v = PyFloat_AsDouble(value);
        if(v == -1.0 && PyErr_Occurred()) return NULL;
        return tm_py_setting_result(timemory_settings_set_double(info.env, v), &info, value);
    }
    case TIMEMORY_SETTING_STRING: {
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

static PyMethodDef tm_py_settings_methods[] = {
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
    { NULL, NULL, 0, NULL }
};

int tm_py_add_settings(PyObject* module)
{
    return PyModule_AddFunctions(module, tm_py_settings_methods);
}
