/* processes.c -- the extension's side of child processes handing their data to their parent
 * (the library's handoff.c; the policy -- which process is whose child, exit paths -- is in
 * the package's timemory/util/_processes.py).
 * Owns the module functions _handoff_attach, _handoff, _handoff_parent and the periodic
 * hand-off thread of a child: a C thread that wakes every interval, takes the GIL -- so the
 * Python threads that push and pop are between two bytecodes, never inside a push -- and hands
 * everything over (a child killed with SIGKILL loses at most one interval). It runs no Python
 * code, so profilers and tracers never see it.
 */
#include "ext.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <time.h>
#include <unistd.h>

static PyObject* tm_py_handoff_attach(PyObject* self, PyObject* args, PyObject* kwargs)
{
    (void)self;
    static char* kwlist[]   = {"parent_pid", "register", "relay", NULL};
    long         parent_pid = 0;
    int          reg = 0, relay = 0;
    if(!PyArg_ParseTupleAndKeywords(args, kwargs, "l|pp", kwlist, &parent_pid, &reg, &relay))
        return NULL;
    unsigned flags = (reg ? TIMEMORY_HANDOFF_REGISTER : 0u) | (relay ? TIMEMORY_HANDOFF_RELAY : 0u);
    int      rc    = timemory_handoff_attach(parent_pid, flags);
    if(rc == TIMEMORY_OK) Py_RETURN_TRUE;
    if(rc == TIMEMORY_ENOTFOUND || rc == TIMEMORY_EIO) Py_RETURN_FALSE;
    return tm_py_raise(rc, "_handoff_attach");
}

static PyObject* tm_py_handoff(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    int rc = timemory_handoff();
    if(rc == TIMEMORY_OK) Py_RETURN_TRUE;
    if(rc == TIMEMORY_ENOTFOUND || rc == TIMEMORY_EFINALIZED || rc == TIMEMORY_EIO) Py_RETURN_FALSE;
    return tm_py_raise(rc, "_handoff");
}

static PyObject* tm_py_handoff_parent(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    return PyLong_FromLong(timemory_handoff_parent());
}

/* ---- the periodic hand-off thread ------------------------------------------------------- */

static pthread_mutex_t tm_py_ho_mutex;
static pthread_cond_t  tm_py_ho_cond;
static pthread_t       tm_py_ho_thread;
static long            tm_py_ho_owner; /* pid of the process whose thread runs; 0: none */
static bool            tm_py_ho_stop;
static double          tm_py_ho_interval;

static double tm_py_ho_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void* tm_py_ho_loop(void* arg)
{
    (void)arg;
    double wait = tm_py_ho_interval;
    pthread_mutex_lock(&tm_py_ho_mutex);
    while(!tm_py_ho_stop)
    {
        double          until = tm_py_ho_now() + wait;
        struct timespec deadline;
        deadline.tv_sec  = (time_t)until;
        deadline.tv_nsec = (long)((until - (double)deadline.tv_sec) * 1e9);
        while(!tm_py_ho_stop &&
              pthread_cond_timedwait(&tm_py_ho_cond, &tm_py_ho_mutex, &deadline) != ETIMEDOUT)
        {
        }
        if(tm_py_ho_stop) break;
        pthread_mutex_unlock(&tm_py_ho_mutex);
        PyGILState_STATE gil     = PyGILState_Ensure();
        double           started = tm_py_ho_now();
        int              rc      = timemory_handoff();
        double           took    = tm_py_ho_now() - started;
        PyGILState_Release(gil);
        /* packing a large call-graph is not free: at most 1/20 of the child's time */
        wait = took * 20.0 > tm_py_ho_interval ? took * 20.0 : tm_py_ho_interval;
        pthread_mutex_lock(&tm_py_ho_mutex);
        if(rc == TIMEMORY_ENOTFOUND || rc == TIMEMORY_EFINALIZED) break; /* nothing more to do */
    }
    pthread_mutex_unlock(&tm_py_ho_mutex);
    return NULL;
}

static PyObject* tm_py_handoff_thread_start(PyObject* self, PyObject* arg)
{
    (void)self;
    double interval = PyFloat_AsDouble(arg);
    if(interval == -1.0 && PyErr_Occurred()) return NULL;
    if(!(interval > 0.0) || interval > 86400.0)
    {
        PyErr_Format(PyExc_ValueError, "hand-off interval must be in (0, 86400] seconds, not %R",
                     arg);
        return NULL;
    }
    long pid = (long)getpid();
    if(tm_py_ho_owner == pid) Py_RETURN_FALSE; /* running */
    /* first start, or a fork child (the parent's thread is not here; its lock may be held) */
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_mutex_init(&tm_py_ho_mutex, NULL);
    pthread_cond_init(&tm_py_ho_cond, &attr);
    pthread_condattr_destroy(&attr);
    tm_py_ho_stop     = false;
    tm_py_ho_interval = interval;
    /* signals go to the Python threads (Python's handlers run in the main thread anyway) */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int err = pthread_create(&tm_py_ho_thread, NULL, tm_py_ho_loop, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if(err != 0)
    {
        errno = err;
        return PyErr_SetFromErrno(PyExc_OSError);
    }
    tm_py_ho_owner = pid;
    Py_RETURN_TRUE;
}

static PyObject* tm_py_handoff_thread_stop(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    if(tm_py_ho_owner != (long)getpid()) Py_RETURN_FALSE;
    pthread_mutex_lock(&tm_py_ho_mutex);
    tm_py_ho_stop = true;
    pthread_cond_signal(&tm_py_ho_cond);
    pthread_mutex_unlock(&tm_py_ho_mutex);
    /* the thread may be waiting for the GIL */
    PyThreadState* saved = PyEval_SaveThread();
    pthread_join(tm_py_ho_thread, NULL);
    PyEval_RestoreThread(saved);
    tm_py_ho_owner = 0;
    Py_RETURN_TRUE;
}

static PyMethodDef tm_py_process_methods[] = {
    {"_handoff_attach", (PyCFunction)(void (*)(void))tm_py_handoff_attach,
     METH_VARARGS | METH_KEYWORDS,
     "_handoff_attach(parent_pid, register=False, relay=False)\n--\n\n"
     "This process was started by multiprocessing for parent_pid (0: the parent it already "
     "hands off to): hand the data over to it. register: count it as lost if it dies before "
     "its last hand-off; relay: a forkserver (its fork children are parent_pid's). False when "
     "parent_pid is not this process's timemory parent."},
    {"_handoff", tm_py_handoff, METH_NOARGS,
     "_handoff()\n--\n\nA child hands everything measured so far over to its parent now; "
     "False when it is not a child or the parent has finalized."},
    {"_handoff_parent", tm_py_handoff_parent, METH_NOARGS,
     "_handoff_parent()\n--\n\nThe pid of the parent this process hands off to, 0 when none."},
    {"_handoff_thread_start", tm_py_handoff_thread_start, METH_O,
     "_handoff_thread_start(interval)\n--\n\nHand off every interval seconds from a C thread "
     "(at least 20 times the duration of one hand-off apart). False when already running."},
    {"_handoff_thread_stop", tm_py_handoff_thread_stop, METH_NOARGS,
     "_handoff_thread_stop()\n--\n\nStop the periodic hand-off thread (before the interpreter "
     "shuts down). False when none runs in this process."},
    {NULL, NULL, 0, NULL}};

int tm_py_add_processes(PyObject* module)
{
    return PyModule_AddFunctions(module, tm_py_process_methods);
}
