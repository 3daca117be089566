/* ext.h -- shared by the files of the CPython extension (ext/): each file adds its types and
 * functions to the module from the module's exec slot (ext/module.c calls these), and keeps
 * the heap types it creates in the module state below so they die with the module.
 * The extension includes only the public C headers: policy lives in the library or the package.
 */
#ifndef TIMEMORY_EXT_H
#define TIMEMORY_EXT_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "timemory/library.h"
#include "timemory/timemory.h"

/* 3.9 has vectorcall under the public name; older spellings are not needed (3.9 is the floor). */
#if PY_VERSION_HEX < 0x03090000
#    error "timemory needs CPython 3.9 or newer"
#endif

/* Py_TPFLAGS_IMMUTABLETYPE (3.10+) keeps a Python-side __call__ assignment from bypassing the
 * vectorcall slot; on 3.9 heap types are simply mutable. */
#ifdef Py_TPFLAGS_IMMUTABLETYPE
#    define TM_PY_TPFLAGS_IMMUTABLE Py_TPFLAGS_IMMUTABLETYPE
#else
#    define TM_PY_TPFLAGS_IMMUTABLE 0
#endif

#define TM_PY_MODULE_NAME "timemory.libs.libpytimemory"
/* Public component ids of the table are below this (its values; registered ids are above). */
#define TM_PY_NCOMPONENTS TIMEMORY_COMPONENT_RUNTIME_FIRST

/* The module state: the heap types of components.c and marker.c, owned by the module.
 * (profiler.c and tracer.c keep their own process-wide hook state.) */
typedef struct tm_py_state {
    PyTypeObject* component_base;                     /* Component */
    PyTypeObject* component_types[TM_PY_NCOMPONENTS]; /* WallClock ...; NULL: no table row */
    PyTypeObject* function_marker_type;               /* FunctionMarker */
    PyTypeObject* scoped_marker_type;                 /* ScopedMarker */
} tm_py_state;

/* ext/module.c: the state of a module object of this extension. */
tm_py_state* tm_py_get_state(PyObject* module);

/* ext/module.c: raises the matching Python exception for a TIMEMORY_E* code; returns NULL.
 * context names what failed ("settings.verbose", "push"); may be NULL. */
PyObject* tm_py_raise(int code, const char* context);

/* ext/module.c: checks the result of a push/pop-like call: paused, throttled or finalized
 * record nothing and are not errors; an unbalanced pop warns (RuntimeWarning). Returns 0, or -1
 * with an exception set. */
int tm_py_check_region(int rc, const char* context);

/* ext/module.c: argument and result helpers shared by the files of thin functions */
PyObject* tm_py_none_or_raise(int rc, const char* context); /* None, or raise rc */
PyObject* tm_py_none_ref(void);
/* The UTF-8 text of a str argument (owned by the str), or NULL with TypeError. */
const char* tm_py_name_arg(PyObject* arg, const char* what);
int         tm_py_u64_converter(PyObject* obj, void* out); /* "O&": a 64-bit key or hash */
/* A list of the words of text split on any of seps (empty words dropped). */
PyObject* tm_py_split_words(const char* text, const char* seps);
PyObject* tm_py_str_or_none(const char* s);
/* Takes a malloc'd string from the library and returns it as str. */
PyObject* tm_py_take_string(int rc, char* text, const char* context);
int       tm_py_dict_set(PyObject* dict, const char* key, PyObject* value); /* steals value */
/* ValueError naming an unknown component word, with the library's suggestions. */
void tm_py_unknown_component(const char* word);

/* PyMethodDef rows of the module functions */
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

/* ext/settings.c: settings by name */
int tm_py_add_settings(PyObject* module);
/* ext/mpi.c: the MPI functions and the MPI_Finalize callback */
int tm_py_add_mpi(PyObject* module);
/* ext/results.c: hashes, results, metadata */
int tm_py_add_results(PyObject* module);
/* ext/regions.c: push/pop, regions, the region API's component sets, the trace library */
int tm_py_add_regions(PyObject* module);
/* ext/component_sets.c: a Python component mask (int, bit = public id) as a set; `mask` is
 * its low 64 bits (the compact form), `wide` whether it names more. */
typedef struct tm_py_set {
    timemory_component_set set;
    timemory_components_t  mask;
    bool                   wide;
} tm_py_set;
int       tm_py_set_from_int(PyObject* obj, tm_py_set* out, const char* what);
int       tm_py_set_converter(PyObject* obj, void* out); /* "O&": tm_py_set* */
PyObject* tm_py_set_to_int(const timemory_component_set* set);

/* ext/component_rules.c: component_find, _suggest, _format, _format_value, _get */
int tm_py_add_component_rules(PyObject* module);
/* ext/components.c: the component classes and component.id values */
int tm_py_add_components(PyObject* module);
/* ext/marker.c: the C decorator wrapper and context-manager types */
int tm_py_add_markers(PyObject* module);
/* ext/coroutines.c: CoroutineRegion, the awaitable under the decorators on `async def` */
int tm_py_add_coroutines(PyObject* module);
/* ext/session.c: Session, the base type of ProfilerSession and TracerSession (before them) */
int tm_py_add_session(PyObject* module);
/* ext/profiler.c: the function profiler (C callbacks), ProfilerSession */
int tm_py_add_profiler(PyObject* module);
/* ext/tracer.c: the line tracer (C callbacks), TracerSession */
int tm_py_add_tracer(PyObject* module);
/* ext/processes.c: child processes' hand-off to their parent (_handoff_* functions) */
int tm_py_add_processes(PyObject* module);
/* ext/mallocp.c: allocation tracking for a session (the profiler with malloc_gotcha): the
 * Python hooks installed at the first start; 0 with an exception set when it cannot start.
 * stop returns the starts still active. */
uint64_t tm_mallocp_start(void);
uint64_t tm_mallocp_stop(uint64_t id);

#endif
