/* mpi.c -- the MPI functions (has_mpi_support, mpi_init ... mpi_info) over libtimemory's
 * MPI plugin (include/timemory/mpi_support.h), and the MPI_Finalize callback that finalizes the
 * package first.
 * Thin, as module.c: converts arguments, calls the library once, maps its error code. */
#include "ext.h"

#include "timemory/mpi_support.h"

#include <string.h>

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
    int                    rc;
    Py_BEGIN_ALLOW_THREADS rc = timemory_mpi_init(NULL, NULL);
    Py_END_ALLOW_THREADS if(rc == TIMEMORY_EUNAVAILABLE)
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
    int                    rc;
    Py_BEGIN_ALLOW_THREADS rc = timemory_mpi_barrier();
    Py_END_ALLOW_THREADS return tm_py_none_or_raise(rc, "mpi_barrier");
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

static PyMethodDef tm_py_mpi_methods[] = {
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
    { NULL, NULL, 0, NULL }
};

int tm_py_add_mpi(PyObject* module)
{
    timemory_mpi_set_finalize_callback(tm_py_mpi_finalize_callback, NULL);
    return PyModule_AddFunctions(module, tm_py_mpi_methods);
}
