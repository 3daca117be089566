/* cfunc_labels.c -- the labels of C functions in the profiler's rows (Config.trace_c): a C
 * call is named after the function called, "module.function" or "type.method" as cProfile's
 * {built-in method builtins.sum} / {method 'append' of 'list' objects} name them: "builtins.sum",
 * "time.sleep", "list.append", "dict.fromkeys". Owns the table from a C function's PyMethodDef
 * (one per C function, whatever object -- builtin function, method descriptor, bound builtin
 * method -- calls it) to its registered label. Policy: the label is made and registered once
 * per C function; a call is one table lookup (hooks.h, inline). */
#include "hooks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

tm_cfunc_table tm_hook_cfuncs;

/* The class that defines the C method ml of an instance's type: the first type of its MRO whose
 * dictionary holds a method descriptor of ml (a subclass's instance names the base class that
 * has the method), else the instance's type. Borrowed. */
static PyTypeObject* tm_cfunc_defining_type(PyObject* self, const PyMethodDef* ml)
{
    PyTypeObject* type = Py_TYPE(self);
    PyObject*     mro  = type->tp_mro;
    if(!mro || !PyTuple_Check(mro) || !ml->ml_name) return type;
    for(Py_ssize_t i = 0; i < PyTuple_GET_SIZE(mro); ++i)
    {
        PyObject* base = PyTuple_GET_ITEM(mro, i);
        PyObject* dict = PyType_Check(base) ? ((PyTypeObject*)base)->tp_dict : NULL;
        PyObject* attr = dict ? PyDict_GetItemString(dict, ml->ml_name) : NULL; /* borrowed */
        if(attr && Py_IS_TYPE(attr, &PyMethodDescr_Type) &&
           ((PyMethodDescrObject*)attr)->d_method == ml)
            return (PyTypeObject*)base;
    }
    return type;
}

/* "owner.name" of a C function or method descriptor into buf. */
static void tm_cfunc_label(PyObject* callable, const PyMethodDef* ml, char* buf, size_t len)
{
    const char* name  = ml->ml_name ? ml->ml_name : "?";
    const char* owner = NULL;
    PyObject*   text  = NULL; /* owns the module name when one was made */
    if(Py_IS_TYPE(callable, &PyMethodDescr_Type))
        owner = PyDescr_TYPE(callable)->tp_name;
    else
    {
        PyObject* self = PyCFunction_GET_SELF(callable);
        if(!self || PyModule_Check(self))
        {
            PyObject* module = ((PyCFunctionObject*)callable)->m_module;
            if(module && PyUnicode_Check(module))
                owner = PyUnicode_AsUTF8(module);
            else if(self && (text = PyModule_GetNameObject(self)) != NULL)
                owner = PyUnicode_AsUTF8(text);
        }
        else if(PyType_Check(self)) /* a class method: dict.fromkeys */
            owner = ((PyTypeObject*)self)->tp_name;
        else if((ml->ml_flags & METH_METHOD) && PyCFunction_GET_CLASS(callable))
            owner = PyCFunction_GET_CLASS(callable)->tp_name;
        else
            owner = tm_cfunc_defining_type(self, ml)->tp_name;
    }
    if(owner && *owner)
        snprintf(buf, len, "%s.%s", owner, name);
    else
        snprintf(buf, len, "%s", name);
    Py_XDECREF(text);
}

uint64_t tm_hook_cfunc_key_slow(PyObject* callable, const void* ml)
{
    PyObject *exc_type, *exc_value, *exc_tb;
    PyErr_Fetch(&exc_type, &exc_value, &exc_tb);
    char buf[512];
    tm_cfunc_label(callable, (const PyMethodDef*)ml, buf, sizeof(buf));
    PyErr_Clear();
    PyErr_Restore(exc_type, exc_value, exc_tb);
    uint64_t        key = timemory_add_hash_id(buf);
    tm_cfunc_table* t   = &tm_hook_cfuncs;
    if(key == 0) return 0;
    if((t->count + 1) * 2 > (t->slots ? t->mask + 1 : 0))
    {
        /* grow (warm-up only): a label is registered once per C function */
        size_t         cap   = t->slots ? (t->mask + 1) * 2 : 256;
        tm_cfunc_slot* slots = calloc(cap, sizeof(*slots));
        if(!slots) return key; /* not cached: labelled again next time */
        for(size_t i = 0; t->slots && i <= t->mask; ++i)
        {
            if(!t->slots[i].ml) continue;
            size_t k = tm_cfunc_hash(t->slots[i].ml, cap - 1);
            while(slots[k].ml) k = (k + 1) & (cap - 1);
            slots[k] = t->slots[i];
        }
        free(t->slots);
        t->slots = slots;
        t->mask  = cap - 1;
    }
    size_t i = tm_cfunc_hash(ml, t->mask);
    while(t->slots[i].ml) i = (i + 1) & t->mask;
    t->slots[i].ml  = ml;
    t->slots[i].key = key;
    ++t->count;
    return key;
}
