/* signals.c -- the extension's part of the fatal-signal handler (src/signals.c): the Python
 * stack of every thread in the handler's report, and the bindings of timemory_signal_*.
 * Which signals get the C handler and which the Python one is decided by
 * python/timemory/signals.py.
 *
 * The stack is written from inside the handler, on the crashed thread, as faulthandler writes
 * it: write(2) only, no Python object created, no reference count changed, no lock taken --
 * the thread states and frames are read in place. The interpreter's own writer
 * (_Py_DumpTracebackThreads) is not exported by every build (3.9, 3.10, 3.13 hide it), so the
 * frames are walked here: PyFrameObject on 3.9-3.10, the interpreter frames on 3.11-3.13
 * (their leading members below, as internal/pycore_frame.h of each version has them).
 */
#include "ext.h"

#include <frameobject.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#define TM_SIG_MAX_THREADS 100
#define TM_SIG_MAX_FRAMES  100

static void tm_sig_write(int fd, const char* text, size_t len)
{
    while(len > 0)
    {
        ssize_t n = write(fd, text, len);
        if(n <= 0) return;
        text += n;
        len -= (size_t)n;
    }
}

static void tm_sig_puts(int fd, const char* text)
{
    tm_sig_write(fd, text, strlen(text));
}

static void tm_sig_putu(int fd, unsigned long value, unsigned base, int width)
{
    char digits[32];
    int  n = 0;
    do digits[n++] = "0123456789abcdef"[value % base];
    while((value /= base) != 0 && n < 32);
    while(n < width && n < 32) digits[n++] = '0';
    char text[32];
    for(int i = 0; i < n; ++i) text[i] = digits[n - 1 - i];
    tm_sig_write(fd, text, (size_t)n);
}

/* a str as faulthandler writes it: ASCII as is, other code points escaped, at most 500 */
static void tm_sig_put_str(int fd, PyObject* text)
{
    if(!text || !PyUnicode_Check(text))
    {
        tm_sig_puts(fd, "???");
        return;
    }
#if PY_VERSION_HEX < 0x030C0000
    if(!PyUnicode_IS_READY(text))
    {
        tm_sig_puts(fd, "???");
        return;
    }
#endif
    Py_ssize_t  len  = PyUnicode_GET_LENGTH(text);
    int         kind = PyUnicode_KIND(text);
    const void* data = PyUnicode_DATA(text);
    Py_ssize_t  show = len > 500 ? 500 : len;
    for(Py_ssize_t i = 0; i < show; ++i)
    {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if(ch >= ' ' && ch < 0x7f)
        {
            char c = (char)ch;
            tm_sig_write(fd, &c, 1);
        }
        else if(ch <= 0xff)
        {
            tm_sig_puts(fd, "\\x");
            tm_sig_putu(fd, ch, 16, 2);
        }
        else if(ch <= 0xffff)
        {
            tm_sig_puts(fd, "\\u");
            tm_sig_putu(fd, ch, 16, 4);
        }
        else
        {
            tm_sig_puts(fd, "\\U");
            tm_sig_putu(fd, ch, 16, 8);
        }
    }
    if(show < len) tm_sig_puts(fd, "...");
}

static void tm_sig_put_frame(int fd, PyCodeObject* code, int line)
{
    tm_sig_puts(fd, "  File \"");
    tm_sig_put_str(fd, code ? code->co_filename : NULL);
    tm_sig_puts(fd, "\", line ");
    if(line >= 0)
        tm_sig_putu(fd, (unsigned long)line, 10, 0);
    else
        tm_sig_puts(fd, "???");
    tm_sig_puts(fd, " in ");
    tm_sig_put_str(fd, code ? code->co_name : NULL);
    tm_sig_puts(fd, "\n");
}

#if PY_VERSION_HEX < 0x030B0000

static void tm_sig_dump_frames(int fd, PyThreadState* tstate)
{
    PyFrameObject* frame = tstate->frame;
    if(!frame) tm_sig_puts(fd, "  <no Python frame>\n");
    for(int depth = 0; frame; frame = frame->f_back, ++depth)
    {
        if(depth >= TM_SIG_MAX_FRAMES)
        {
            tm_sig_puts(fd, "  ...\n");
            break;
        }
        /* the line: arithmetic on the code's line table */
        tm_sig_put_frame(fd, frame->f_code, PyFrame_GetLineNumber(frame));
    }
}

#elif PY_VERSION_HEX < 0x030E0000

typedef struct tm_sig_iframe {
#    if PY_VERSION_HEX < 0x030C0000 /* 3.11 */
    PyObject*             f_func;
    PyObject*             f_globals;
    PyObject*             f_builtins;
    PyObject*             f_locals;
    PyCodeObject*         f_code;
    PyObject*             frame_obj;
    struct tm_sig_iframe* previous;
    uint16_t*             instr; /* prev_instr (a 2-byte code unit) */
    int                   stacktop;
    bool                  is_entry;
    char                  owner;
#    else                           /* 3.12: f_code, 3.13: f_executable (a code object, or None) */
    PyObject*             f_executable;
    struct tm_sig_iframe* previous;
    PyObject*             f_funcobj;
    PyObject*             f_globals;
    PyObject*             f_builtins;
    PyObject*             f_locals;
    PyObject*             frame_obj;
    uint16_t*             instr; /* 3.12: prev_instr, 3.13: instr_ptr */
    int                   stacktop;
    uint16_t              return_offset;
    char                  owner;
#    endif
} tm_sig_iframe;

#    define TM_SIG_OWNED_BY_CSTACK 3 /* 3.12+: the C stack's entry shim */

static void tm_sig_dump_frames(int fd, PyThreadState* tstate)
{
#    if PY_VERSION_HEX < 0x030D0000
    tm_sig_iframe* frame =
        tstate->cframe ? (tm_sig_iframe*)(void*)tstate->cframe->current_frame : NULL;
#    else
    tm_sig_iframe*        frame = (tm_sig_iframe*)(void*)tstate->current_frame;
#    endif
    if(!frame) tm_sig_puts(fd, "  <no Python frame>\n");
    for(int depth = 0; frame; frame = frame->previous)
    {
#    if PY_VERSION_HEX < 0x030C0000
        PyCodeObject* code = frame->f_code;
#    else
        if(frame->owner == TM_SIG_OWNED_BY_CSTACK) continue;
        PyCodeObject* code = frame->f_executable && PyCode_Check(frame->f_executable)
                                        ? (PyCodeObject*)frame->f_executable
                                        : NULL;
        if(!code) continue;
#    endif
        if(depth++ >= TM_SIG_MAX_FRAMES)
        {
            tm_sig_puts(fd, "  ...\n");
            break;
        }
        int line = -1;
        if(code && frame->instr)
            line = PyCode_Addr2Line(
                code, (int)((frame->instr - (const uint16_t*)(void*)code->co_code_adaptive) *
                            (Py_ssize_t)sizeof(uint16_t)));
        tm_sig_put_frame(fd, code, line);
    }
}

#endif

#if PY_VERSION_HEX < 0x030E0000

static void tm_sig_python_stack(int fd)
{
    PyThreadState*      current = PyGILState_GetThisThreadState();
    PyInterpreterState* interp  = current ? current->interp : PyInterpreterState_Main();
    PyThreadState*      tstate  = interp ? PyInterpreterState_ThreadHead(interp) : NULL;
    if(!tstate)
    {
        tm_sig_puts(fd, "Python stack: no Python thread\n");
        return;
    }
    for(int n = 0; tstate; tstate = PyThreadState_Next(tstate), ++n)
    {
        if(n >= TM_SIG_MAX_THREADS)
        {
            tm_sig_puts(fd, "...\n");
            break;
        }
        if(n > 0) tm_sig_puts(fd, "\n");
        tm_sig_puts(fd, tstate == current ? "Current thread 0x" : "Thread 0x");
        tm_sig_putu(fd, tstate->thread_id, 16, (int)(2 * sizeof(unsigned long)));
        tm_sig_puts(fd, " (most recent call first):\n");
        tm_sig_dump_frames(fd, tstate);
    }
}

#else

static void tm_sig_python_stack(int fd)
{
    tm_sig_puts(fd, "Python stack: not written for this version of Python\n");
}

#endif

static void tm_sig_report(int fd, int signum)
{
    (void)signum;
    tm_sig_puts(fd, "\n");
    tm_sig_python_stack(fd);
}

/* ------------------------------------------------------------------------------------------ */
/* bindings                                                                                   */

static PyObject* tm_sig_list(const int* signals, int n)
{
    PyObject* list = PyList_New(n);
    for(int i = 0; list && i < n; ++i)
    {
        PyObject* value = PyLong_FromLong(signals[i]);
        if(!value)
        {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, i, value);
    }
    return list;
}

#define TM_SIG_MAX 64

static PyObject* tm_py_signal_handler_enable(PyObject* self, PyObject* arg)
{
    (void)self;
    PyObject* seq = PySequence_Fast(arg, "signal_handler_enable() takes a list of signal numbers");
    if(!seq) return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    if(n > TM_SIG_MAX)
    {
        Py_DECREF(seq);
        return PyErr_Format(PyExc_ValueError, "signal_handler_enable(): more than %d signals",
                            TM_SIG_MAX);
    }
    int signals[TM_SIG_MAX];
    for(Py_ssize_t i = 0; i < n; ++i)
    {
        long value = PyLong_AsLong(PySequence_Fast_GET_ITEM(seq, i));
        if(value == -1 && PyErr_Occurred())
        {
            Py_DECREF(seq);
            return NULL;
        }
        if(value <= 0 || value >= NSIG || timemory_signal_name((int)value) == NULL ||
           value == SIGKILL)
        {
            Py_DECREF(seq);
            return PyErr_Format(PyExc_ValueError,
                                "signal_handler_enable(): %ld is not a signal the handler can "
                                "catch (signals.Signal, not Kill)",
                                value);
        }
        signals[i] = (int)value;
    }
    Py_DECREF(seq);
    int rc = timemory_signal_handler_enable(signals, (int)n);
    if(rc == TIMEMORY_EDISABLED)
        return PyErr_Format(PyExc_RuntimeError, "signal_handler_enable(): the setting "
                                                "allow_signal_handler is false");
    if(rc < 0) return tm_py_raise(rc, "signal_handler_enable");
    return PyLong_FromLong(rc);
}

static PyObject* tm_py_signal_handler_disable(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    timemory_signal_handler_disable();
    Py_RETURN_NONE;
}

static PyObject* tm_py_signal_handler_signals(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    int signals[TM_SIG_MAX];
    int n = timemory_signal_handler_signals(signals, TM_SIG_MAX);
    return tm_sig_list(signals, n < TM_SIG_MAX ? n : TM_SIG_MAX);
}

static PyObject* tm_py_signal_default_set(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    int signals[TM_SIG_MAX];
    int n = timemory_signal_default_set(signals, TM_SIG_MAX);
    return tm_sig_list(signals, n < TM_SIG_MAX ? n : TM_SIG_MAX);
}

static PyObject* tm_py_signal_set_write_timeout(PyObject* self, PyObject* arg)
{
    (void)self;
    double seconds = PyFloat_AsDouble(arg);
    if(seconds == -1.0 && PyErr_Occurred()) return NULL;
    if(timemory_signal_set_write_timeout(seconds) != TIMEMORY_OK)
        return PyErr_Format(PyExc_ValueError,
                            "signal_set_write_timeout(): %R is not a number of seconds in "
                            "(0, 86400]",
                            arg);
    Py_RETURN_NONE;
}

static PyObject* tm_py_signal_write_timeout(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    return PyFloat_FromDouble(timemory_signal_write_timeout());
}

static PyMethodDef tm_sig_methods[] = {
    { "signal_handler_enable", (PyCFunction)(void (*)(void))tm_py_signal_handler_enable, METH_O,
      "signal_handler_enable(signals)\n--\n\nInstall the C fatal-signal handler (report, Python "
      "stack, outputs written by a copy of the process, then the signal ends the process) for "
      "these signal numbers; an empty list: the default set. Returns how many were newly "
      "installed." },
    { "signal_handler_disable", (PyCFunction)(void (*)(void))tm_py_signal_handler_disable,
      METH_NOARGS,
      "signal_handler_disable()\n--\n\nRestore the handlers found when the C handler was "
      "installed." },
    { "signal_handler_signals", (PyCFunction)(void (*)(void))tm_py_signal_handler_signals,
      METH_NOARGS, "signal_handler_signals()\n--\n\nThe signals the C handler is installed for." },
    { "signal_default_set", (PyCFunction)(void (*)(void))tm_py_signal_default_set, METH_NOARGS,
      "signal_default_set()\n--\n\nThe default signals after SIGNAL_ENABLE_<NAME> / "
      "SIGNAL_DISABLE_<NAME> and the settings enable_all_signals / disable_all_signals." },
    { "signal_set_write_timeout", (PyCFunction)(void (*)(void))tm_py_signal_set_write_timeout,
      METH_O,
      "signal_set_write_timeout(seconds)\n--\n\nHow long a crashed process waits for the copy "
      "that writes its outputs (default 30)." },
    { "signal_write_timeout", (PyCFunction)(void (*)(void))tm_py_signal_write_timeout, METH_NOARGS,
      "signal_write_timeout()\n--\n\nSeconds (see signal_set_write_timeout)." },
    { NULL, NULL, 0, NULL }
};

int tm_py_add_signals(PyObject* module)
{
    if(PyModule_AddFunctions(module, tm_sig_methods) < 0) return -1;
    timemory_signal_set_report(tm_sig_report);
    return 0;
}
