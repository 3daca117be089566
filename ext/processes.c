/* processes.c -- the extension's side of child processes handing their data to their parent
 * (the library's handoff.c; the policy -- which process is whose child, exit paths -- is in
 * the package's timemory/util/_processes.py).
 * Owns the module functions _handoff_attach, _handoff, _handoff_parent, _handoff_sigterm and
 * the periodic hand-off thread of a child: a C thread that wakes every interval, takes the GIL --
 * so the Python threads that push and pop are between two bytecodes, never inside a push -- and
 * hands everything over (a child killed with SIGKILL loses at most one interval). It runs no Python
 * code, so profilers and tracers never see it.
 */
#include "ext.h"
#include "hooks.h"

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <string.h>
#include <stdbool.h>
#include <time.h>
#include <unistd.h>

static PyObject* tm_py_handoff_attach(PyObject* self, PyObject* args, PyObject* kwargs)
{
    (void)self;
    static char* kwlist[]   = { "parent_pid", "register", "relay", NULL };
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
/* It sleeps on a semaphore (sem_post is async-signal-safe): woken by its interval, by stop,
 * or by SIGTERM. A child's SIGTERM (Pool.terminate(), leaving `with Pool()`) is a C handler
 * that only wakes the thread: the thread takes the GIL, makes the last hand-off, then ends the
 * process by the signal. A Python-level handler could not do this reliably: a signal that
 * lands after the interpreter's last check and before a blocking read (a pool worker waiting
 * for its next task) never runs its handler, and the worker would wait forever. */

static sem_t                 tm_py_ho_sem;
static pthread_t             tm_py_ho_thread;
static long                  tm_py_ho_owner; /* pid of the process whose thread runs; 0: none */
static volatile sig_atomic_t tm_py_ho_stop;
static volatile sig_atomic_t tm_py_ho_term;      /* SIGTERM arrived */
static volatile sig_atomic_t tm_py_ho_listening; /* the thread will act on SIGTERM */
static volatile sig_atomic_t tm_py_ho_exiting;   /* stopped at exit: finalize hands off */
static double                tm_py_ho_interval;
static bool                  tm_py_ho_term_installed;

static double tm_py_ho_now(void)
{
    return (double)tm_hook_now_ns() * 1e-9;
}

/* Ends the process by SIGTERM, its default action (async-signal-safe). */
static void tm_py_ho_die_by_sigterm(void)
{
    struct sigaction dfl;
    memset(&dfl, 0, sizeof(dfl));
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(SIGTERM, &dfl, NULL);
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    pthread_sigmask(SIG_UNBLOCK, &term, NULL);
    raise(SIGTERM);
}

static void tm_py_ho_on_sigterm(int signum)
{
    (void)signum;
    int saved     = errno;
    tm_py_ho_term = 1;
    if(tm_py_ho_listening)
        sem_post(&tm_py_ho_sem);
    else if(!tm_py_ho_exiting)
        tm_py_ho_die_by_sigterm(); /* no thread to hand off: as if no handler were there */
    /* else the interpreter is exiting (the thread was stopped at exit, a spawned pool worker
     * leaving as the pool ends it): the finalize that follows makes the last hand-off */
    errno = saved;
}

/* The package's finalize (profiler, tracer, then the last hand-off), then the end by the
 * signal -- on the hand-off thread, holding the GIL. */
static void tm_py_ho_terminate(void)
{
    PyGILState_STATE gil = PyGILState_Ensure();
    if(timemory_handoff_parent() != 0)
    {
        PyObject* module = PyImport_ImportModule("timemory.util._processes");
        PyObject* done   = module ? PyObject_CallMethod(module, "_finalize", NULL) : NULL;
        if(!done)
        {
            PyErr_Print();
            timemory_finalize();
        }
        Py_XDECREF(done);
        Py_XDECREF(module);
    }
    /* another thread may be finalizing (a worker leaving through os._exit as the signal came):
     * its last hand-off must end before the process does (at most 10 s) */
    for(int waited = 0; !timemory_is_finalized() && waited < 10000; ++waited)
    {
        Py_BEGIN_ALLOW_THREADS;
        usleep(1000);
        Py_END_ALLOW_THREADS;
    }
    PyGILState_Release(gil);
    tm_py_ho_die_by_sigterm();
}

static void* tm_py_ho_loop(void* arg)
{
    (void)arg;
    double wait     = tm_py_ho_interval;
    bool   periodic = true; /* false: nothing more to hand off; it still waits for SIGTERM */
    while(!tm_py_ho_stop)
    {
        double          until = tm_py_ho_now() + wait;
        struct timespec deadline;
        deadline.tv_sec  = (time_t)until;
        deadline.tv_nsec = (long)((until - (double)deadline.tv_sec) * 1e9);
        while(!tm_py_ho_stop && !tm_py_ho_term &&
              (periodic ? sem_clockwait(&tm_py_ho_sem, CLOCK_MONOTONIC, &deadline)
                        : sem_wait(&tm_py_ho_sem)) != 0 &&
              errno == EINTR)
        {
        }
        if(tm_py_ho_term) tm_py_ho_terminate();
        if(tm_py_ho_stop) break;
        if(!periodic) continue;
        PyGILState_STATE gil     = PyGILState_Ensure();
        double           started = tm_py_ho_now();
        int              rc      = timemory_handoff();
        double           took    = tm_py_ho_now() - started;
        PyGILState_Release(gil);
        /* packing a large call-graph is not free: at most 1/20 of the child's time */
        wait = took * 20.0 > tm_py_ho_interval ? took * 20.0 : tm_py_ho_interval;
        if(rc == TIMEMORY_ENOTFOUND || rc == TIMEMORY_EFINALIZED) periodic = false;
    }
    tm_py_ho_listening = 0;
    if(tm_py_ho_term && !tm_py_ho_stop) tm_py_ho_terminate(); /* arrived while it was ending */
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
    /* first start, or a fork child (the parent's thread is not here) */
    if(sem_init(&tm_py_ho_sem, 0, 0) != 0) return PyErr_SetFromErrno(PyExc_OSError);
    tm_py_ho_stop      = 0;
    tm_py_ho_term      = 0;
    tm_py_ho_exiting   = 0;
    tm_py_ho_interval  = interval;
    tm_py_ho_listening = 1;
    /* signals go to the Python threads (Python's handlers run in the main thread anyway) */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int err = pthread_create(&tm_py_ho_thread, NULL, tm_py_ho_loop, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if(err != 0)
    {
        tm_py_ho_listening = 0;
        errno              = err;
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
    tm_py_ho_exiting = 1; /* called at exit (atexit), before the package's finalize */
    tm_py_ho_stop    = 1;
    sem_post(&tm_py_ho_sem);
    /* the thread may be waiting for the GIL */
    PyThreadState* saved = PyEval_SaveThread();
    pthread_join(tm_py_ho_thread, NULL);
    PyEval_RestoreThread(saved);
    tm_py_ho_owner = 0;
    Py_RETURN_TRUE;
}

/* SIGTERM of a child: the C handler above, when the disposition is the default one. */
static PyObject* tm_py_handoff_sigterm(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    struct sigaction current;
    if(sigaction(SIGTERM, NULL, &current) != 0) return PyErr_SetFromErrno(PyExc_OSError);
    bool ours = tm_py_ho_term_installed && current.sa_handler == tm_py_ho_on_sigterm;
    if(ours) Py_RETURN_TRUE;
    if(current.sa_handler != SIG_DFL || (current.sa_flags & SA_SIGINFO)) Py_RETURN_FALSE;
    struct sigaction act;
    memset(&act, 0, sizeof(act));
    act.sa_handler = tm_py_ho_on_sigterm;
    sigemptyset(&act.sa_mask);
    act.sa_flags = SA_RESTART;
    if(sigaction(SIGTERM, &act, NULL) != 0) return PyErr_SetFromErrno(PyExc_OSError);
    tm_py_ho_term_installed = true;
    Py_RETURN_TRUE;
}

static PyMethodDef tm_py_process_methods[] = {
    { "_handoff_attach", (PyCFunction)(void (*)(void))tm_py_handoff_attach,
      METH_VARARGS | METH_KEYWORDS,
      "_handoff_attach(parent_pid, register=False, relay=False)\n--\n\n"
      "This process was started by multiprocessing for parent_pid (0: the parent it already "
      "hands off to): hand the data over to it. register: count it as lost if it dies before "
      "its last hand-off; relay: a forkserver (its fork children are parent_pid's). False when "
      "parent_pid is not this process's timemory parent." },
    { "_handoff", tm_py_handoff, METH_NOARGS,
      "_handoff()\n--\n\nA child hands everything measured so far over to its parent now; "
      "False when it is not a child or the parent has finalized." },
    { "_handoff_parent", tm_py_handoff_parent, METH_NOARGS,
      "_handoff_parent()\n--\n\nThe pid of the parent this process hands off to, 0 when none." },
    { "_handoff_thread_start", tm_py_handoff_thread_start, METH_O,
      "_handoff_thread_start(interval)\n--\n\nHand off every interval seconds from a C thread "
      "(at least 20 times the duration of one hand-off apart). False when already running." },
    { "_handoff_sigterm", tm_py_handoff_sigterm, METH_NOARGS,
      "_handoff_sigterm()\n--\n\nA child's SIGTERM makes the last hand-off (on the hand-off "
      "thread) and then ends the process by the signal: installed when SIGTERM has its default "
      "action. False when another handler is there." },
    { "_handoff_thread_stop", tm_py_handoff_thread_stop, METH_NOARGS,
      "_handoff_thread_stop()\n--\n\nStop the periodic hand-off thread (before the interpreter "
      "shuts down). False when none runs in this process." },
    { NULL, NULL, 0, NULL }
};

int tm_py_add_processes(PyObject* module)
{
    return PyModule_AddFunctions(module, tm_py_process_methods);
}
