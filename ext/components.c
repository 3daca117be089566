/* components.c -- the stand-alone component classes: a base heap type Component and, at module
 * exec, one heap subtype per row of the component table (WallClock ... WrittenBytes); their
 * operators and text are ext/component_ops.c's, the module functions that expose the
 * library's component rules ext/component_rules.c's. An instance keeps its own start reading,
 * value, accumulator and laps; readings, deltas, accumulation, sampling, unit conversion, name
 * lookup and display format all come from the library (timemory_component_*), so this file holds no
 * measurement or naming policy. It touches the call-graph only through push()/pop().
 */
#include "component_type.h"
#include "timemory/gperftools.h"

#include <string.h>

/* Names must outlive the types (3.9-3.11 keep spec->name as tp_name); one row per enum value,
 * the same text for every module instance. */
static char tm_py_component_type_names[TM_PY_NCOMPONENTS][96];

static PyObject* tm_py_component_new(PyTypeObject* type, PyObject* args, PyObject* kwargs);

/* ------------------------------------------------------------------------------------------ */
/* class data                                                                                  */

/* The enum value of a component class (or a Python subclass of one); -1 with TypeError for the
 * abstract base. A private attribute, so a package subclass may redefine the public `id`. */
static int tm_py_class_component_id(PyObject* cls)
{
    PyObject* attr = PyObject_GetAttrString(cls, "_timemory_id");
    if(!attr)
    {
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError,
                     "%.100s is not a component class (use a subclass such as WallClock)",
                     ((PyTypeObject*)cls)->tp_name);
        return -1;
    }
    long id = PyLong_AsLong(attr);
    Py_DECREF(attr);
    if(id == -1 && PyErr_Occurred()) return -1;
    if(id < 0 || id >= TM_PY_NCOMPONENTS)
    {
        PyErr_Format(PyExc_ValueError, "bad component id %ld", id);
        return -1;
    }
    return (int)id;
}

static int tm_py_class_info(PyObject* cls, timemory_component_info* info)
{
    int id = tm_py_class_component_id(cls);
    if(id < 0) return -1;
    int rc = timemory_component_get_info(id, info);
    if(rc < 0)
    {
        tm_py_raise(rc, "component info");
        return -1;
    }
    return 0;
}

/* How many values get() returns: asked of the library's conversion (cpu_util turns a raw pair
 * into one percentage), falling back to the raw shape. */
static int tm_py_output_count(const timemory_component_info* info)
{
    if(info->value_count <= 0) return 0;
    const int64_t zero[2] = { 0, 0 };
    double        out[2]  = { 0.0, 0.0 };
    int           n       = timemory_component_get(info->id, zero, out);
    if(n == 1 || n == 2) return n;
    return info->value_count > 2 ? 2 : info->value_count;
}

/* The original exposes written_bytes/written_char as std::array (Python list) and the other
 * pairs as std::pair (tuple); keep those shapes. */
static bool tm_py_has_list_shape(const timemory_component_info* info)
{
    return info->name && strncmp(info->name, "written_", 8) == 0;
}

bool tm_py_is_component(PyObject* obj)
{
    PyObject* mro = Py_TYPE(obj)->tp_mro;
    if(!mro) return false;
    for(Py_ssize_t i = 0; i < PyTuple_GET_SIZE(mro); ++i)
        if(((PyTypeObject*)PyTuple_GET_ITEM(mro, i))->tp_new == tm_py_component_new) return true;
    return false;
}

/* Measuring an unavailable component does nothing; the first attempt per class says why
 * (RuntimeWarning). Returns -1 when the warning was turned into an exception. */
static bool tm_py_unavailable_warned[TM_PY_NCOMPONENTS];

static int tm_py_unavailable_noop(tm_py_component* self, const char* method)
{
    if(self->id < 0 || self->id >= TM_PY_NCOMPONENTS || tm_py_unavailable_warned[self->id])
        return 0;
    tm_py_unavailable_warned[self->id] = true;
    timemory_component_info info;
    const char*             reason = "not available on this system";
    const char*             name   = Py_TYPE(self)->tp_name;
    if(timemory_component_get_info(self->id, &info) == 0)
    {
        if(info.unavailable_reason) reason = info.unavailable_reason;
        if(info.class_name) name = info.class_name;
    }
    return PyErr_WarnFormat(PyExc_RuntimeWarning, 1,
                            "%s is not available: %s; %s() and the other measurements do "
                            "nothing",
                            name, reason, method);
}

/* ------------------------------------------------------------------------------------------ */
/* value conversion                                                                            */

/* Raw values the object reports: the accumulator once a start/stop pair completed, else the
 * last absolute reading (measure()). */
const int64_t* tm_py_current_raw(const tm_py_component* self)
{
    return self->laps > 0 ? self->accum : self->value;
}

static PyObject* tm_py_pack(int n, PyObject* items[2], bool as_list)
{
    for(int i = 0; i < n; ++i)
        if(!items[i])
        {
            for(int j = 0; j < n; ++j) Py_XDECREF(items[j]);
            return NULL;
        }
    if(n == 1) return items[0];
    PyObject* seq = as_list ? PyList_New(n) : PyTuple_New(n);
    if(!seq)
    {
        for(int j = 0; j < n; ++j) Py_DECREF(items[j]);
        return NULL;
    }
    for(int i = 0; i < n; ++i)
    {
        if(as_list)
            PyList_SET_ITEM(seq, i, items[i]);
        else
            PyTuple_SET_ITEM(seq, i, items[i]);
    }
    return seq;
}

static PyObject* tm_py_raw_object(int nvalues, const int64_t raw[2], bool as_list)
{
    if(nvalues <= 0) Py_RETURN_NONE;
    int       n        = nvalues > 2 ? 2 : nvalues;
    PyObject* items[2] = { NULL, NULL };
    for(int i = 0; i < n; ++i) items[i] = PyLong_FromLongLong(raw[i]);
    return tm_py_pack(n, items, as_list);
}

PyObject* tm_py_display_object(const tm_py_component* self, const int64_t raw[2])
{
    double out[2] = { 0.0, 0.0 };
    int    n      = timemory_component_get(self->id, raw, out);
    if(n < 0) return tm_py_raise(n, "get");
    if(n == 0) Py_RETURN_NONE;
    if(n > 2) n = 2;
    PyObject* items[2] = { NULL, NULL };
    for(int i = 0; i < n; ++i)
        items[i] = (self->flags & TIMEMORY_CFLAG_INTEGER) ? PyLong_FromDouble(out[i])
                                                          : PyFloat_FromDouble(out[i]);
    return tm_py_pack(n, items, self->list_shape);
}

/* 1 -> int 1, 1e6 -> int 1000000, 0.5 -> float */
static PyObject* tm_py_unit_number(double unit)
{
    if(unit == (double)(long long)unit) return PyLong_FromLongLong((long long)unit);
    return PyFloat_FromDouble(unit);
}

/* ------------------------------------------------------------------------------------------ */
/* life cycle                                                                                  */

static PyObject* tm_py_component_new(PyTypeObject* type, PyObject* args, PyObject* kwargs)
{
    (void)args;
    (void)kwargs;
    timemory_component_info info;
    if(tm_py_class_info((PyObject*)type, &info) < 0) return NULL;
    tm_py_component* self = (tm_py_component*)type->tp_alloc(type, 0);
    if(!self) return NULL;
    self->id         = info.id;
    self->flags      = info.flags;
    self->nvalues    = info.value_count > 2 ? 2 : info.value_count;
    self->nout       = tm_py_output_count(&info);
    self->available  = info.available;
    self->list_shape = tm_py_has_list_shape(&info);
    self->key        = PyUnicode_FromString("");
    if(!self->key)
    {
        Py_DECREF(self);
        return NULL;
    }
    self->hash        = timemory_add_hash_id("");
    self->pushed_hash = self->hash;
    return (PyObject*)self;
}

static int tm_py_component_set_key(tm_py_component* self, PyObject* key)
{
    if(!PyUnicode_Check(key))
    {
        PyErr_Format(PyExc_TypeError, "key must be str, not %.100s", Py_TYPE(key)->tp_name);
        return -1;
    }
    const char* text = PyUnicode_AsUTF8(key);
    if(!text) return -1;
    Py_INCREF(key);
    Py_SETREF(self->key, key);
    self->hash = timemory_add_hash_id(text);
    return 0;
}

static int tm_py_component_init(PyObject* op, PyObject* args, PyObject* kwargs)
{
    static char* kwlist[] = { "key", NULL };
    PyObject*    key      = NULL;
    if(!PyArg_ParseTupleAndKeywords(args, kwargs, "|U:Component", kwlist, &key)) return -1;
    if(!key) return 0;
    return tm_py_component_set_key((tm_py_component*)op, key);
}

static void tm_py_component_dealloc(PyObject* op)
{
    tm_py_component* self = (tm_py_component*)op;
    PyTypeObject*    type = Py_TYPE(op);
    Py_CLEAR(self->key);
    type->tp_free(op);
    Py_DECREF(type);
}

/* ------------------------------------------------------------------------------------------ */
/* measurement                                                                                 */

static PyObject* tm_py_component_start(PyObject* op, PyObject* unused)
{
    tm_py_component* self = (tm_py_component*)op;
    (void)unused;
    if(!self->available)
    {
        if(tm_py_unavailable_noop(self, "start") < 0) return NULL;
        Py_RETURN_NONE;
    }
    if(self->running) Py_RETURN_NONE;
    if(self->id == TIMEMORY_PAPI_VECTOR || self->id == TIMEMORY_PAPI_ARRAY ||
       (self->id >= TIMEMORY_CPU_ROOFLINE_DP_FLOPS && self->id <= TIMEMORY_CPU_ROOFLINE_SP_FLOPS))
    {
        /* their events are a group of members recorded by a push: never a made-up value */
        PyErr_Format(PyExc_NotImplementedError,
                     "%s counts hardware counters (papi_events, or the roofline mode's) inside "
                     "markers, the Profiler and bundles (name it among their components); the "
                     "standalone class does not count",
                     self->id == TIMEMORY_PAPI_VECTOR  ? "papi_vector"
                     : self->id == TIMEMORY_PAPI_ARRAY ? "papi_array"
                                                       : "cpu_roofline");
        return NULL;
    }
    if(self->nvalues > 0)
    {
        int rc = timemory_component_record(self->id, self->start);
        if(rc < 0) return tm_py_raise(rc, "start");
    }
    else if(timemory_gperftools_component(self->id))
    {
        int rc = timemory_gperftools_start(self->id);
        if(rc < 0) return tm_py_raise(rc, "start");
    }
    self->running = true;
    Py_RETURN_NONE;
}

static PyObject* tm_py_component_stop(PyObject* op, PyObject* unused)
{
    tm_py_component* self = (tm_py_component*)op;
    (void)unused;
    if(!self->available || !self->running) Py_RETURN_NONE;
    if(self->nvalues > 0)
    {
        int64_t now[2] = { 0, 0 };
        int     rc     = timemory_component_record(self->id, now);
        if(rc >= 0) rc = timemory_component_delta(self->id, self->start, now, self->value);
        if(rc >= 0) rc = timemory_component_accumulate(self->id, self->accum, self->value);
        if(rc < 0) return tm_py_raise(rc, "stop");
    }
    else if(timemory_gperftools_component(self->id))
    {
        int rc = timemory_gperftools_stop(self->id);
        if(rc < 0) return tm_py_raise(rc, "stop");
    }
    self->running = false;
    self->laps += 1;
    Py_RETURN_NONE;
}

static PyObject* tm_py_component_measure(PyObject* op, PyObject* unused)
{
    tm_py_component* self = (tm_py_component*)op;
    (void)unused;
    if(!self->available)
    {
        if(tm_py_unavailable_noop(self, "measure") < 0) return NULL;
        Py_RETURN_NONE;
    }
    if(self->nvalues <= 0) Py_RETURN_NONE;
    int rc = timemory_component_record(self->id, self->value);
    if(rc < 0) return tm_py_raise(rc, "measure");
    Py_RETURN_NONE;
}

/* sample(): only on the classes whose component samples (memory and I/O levels): value =
 * accum = max(value, reading), as the original. */
static PyObject* tm_py_component_sample(PyObject* op, PyObject* unused)
{
    tm_py_component* self = (tm_py_component*)op;
    (void)unused;
    if(!self->available)
    {
        if(tm_py_unavailable_noop(self, "sample") < 0) return NULL;
        Py_RETURN_NONE;
    }
    int rc = timemory_component_sample(self->id, self->value, self->accum);
    if(rc < 0) return tm_py_raise(rc, "sample");
    Py_RETURN_NONE;
}

static PyObject* tm_py_component_mark(PyObject* op, PyObject* unused)
{
    /* no component of this build forwards marks to an external tool */
    (void)op;
    (void)unused;
    Py_RETURN_NONE;
}

static void tm_py_component_zero(tm_py_component* self)
{
    memset(self->start, 0, sizeof(self->start));
    memset(self->value, 0, sizeof(self->value));
    memset(self->accum, 0, sizeof(self->accum));
    self->laps    = 0;
    self->running = false;
}

static PyObject* tm_py_component_reset(PyObject* op, PyObject* unused)
{
    (void)unused;
    tm_py_component_zero((tm_py_component*)op);
    Py_RETURN_NONE;
}

/* push(): a node-only push under the key; the values travel at pop() (timemory_pop_values). */
static PyObject* tm_py_component_push(PyObject* op, PyObject* unused)
{
    tm_py_component* self = (tm_py_component*)op;
    (void)unused;
    if(!self->available)
    {
        if(tm_py_unavailable_noop(self, "push") < 0) return NULL;
        Py_RETURN_NONE;
    }
    if(self->nvalues <= 0 || self->pushed) Py_RETURN_NONE;
    int rc = timemory_push(self->hash, 0, TIMEMORY_SCOPE_DEFAULT);
    if(rc == TIMEMORY_OK)
    {
        self->pushed      = true;
        self->pushed_hash = self->hash;
        /* the node receives what is measured from now on */
        memset(self->value, 0, sizeof(self->value));
        memset(self->accum, 0, sizeof(self->accum));
        self->laps = 0;
    }
    if(tm_py_check_region(rc, "push") < 0) return NULL;
    Py_RETURN_NONE;
}

static PyObject* tm_py_component_pop(PyObject* op, PyObject* unused)
{
    tm_py_component* self = (tm_py_component*)op;
    (void)unused;
    if(!self->pushed) Py_RETURN_NONE;
    self->pushed = false;
    int rc = timemory_pop_values(self->pushed_hash, self->id, tm_py_current_raw(self), self->laps);
    if(tm_py_check_region(rc, "pop") < 0) return NULL;
    Py_RETURN_NONE;
}

/* ------------------------------------------------------------------------------------------ */
/* values                                                                                      */

static PyObject* tm_py_component_get(PyObject* op, PyObject* unused)
{
    tm_py_component* self = (tm_py_component*)op;
    (void)unused;
    if(!self->available || self->nvalues <= 0) Py_RETURN_NONE;
    return tm_py_display_object(self, tm_py_current_raw(self));
}

static PyObject* tm_py_component_get_raw(PyObject* op, PyObject* unused)
{
    tm_py_component* self = (tm_py_component*)op;
    (void)unused;
    if(!self->available) Py_RETURN_NONE;
    return tm_py_raw_object(self->nvalues, tm_py_current_raw(self), self->list_shape);
}

static PyObject* tm_py_component_get_value(PyObject* op, PyObject* unused)
{
    tm_py_component* self = (tm_py_component*)op;
    (void)unused;
    if(!self->available) Py_RETURN_NONE;
    return tm_py_raw_object(self->nvalues, self->value, self->list_shape);
}

static PyObject* tm_py_component_get_accum(PyObject* op, PyObject* unused)
{
    tm_py_component* self = (tm_py_component*)op;
    (void)unused;
    if(!self->available) Py_RETURN_NONE;
    return tm_py_raw_object(self->nvalues, self->accum, self->list_shape);
}

/* get_last(): the latest recorded value -- the last lap's delta (stop), reading (measure) or
 * sample. The start reading has its own field, so unlike the original's value it is never
 * a start timestamp and get_last() equals get_value(). */
static PyObject* tm_py_component_get_last(PyObject* op, PyObject* unused)
{
    tm_py_component* self = (tm_py_component*)op;
    (void)unused;
    if(!self->available) Py_RETURN_NONE;
    return tm_py_raw_object(self->nvalues, self->value, self->list_shape);
}

/* value(): on the classes of unavailable components only (spec: returns None there) */
static PyObject* tm_py_component_none(PyObject* op, PyObject* unused)
{
    (void)op;
    (void)unused;
    Py_RETURN_NONE;
}

static PyObject* tm_py_component_laps(PyObject* op, PyObject* unused)
{
    tm_py_component* self = (tm_py_component*)op;
    (void)unused;
    if(!self->available) Py_RETURN_NONE;
    return PyLong_FromUnsignedLongLong(self->laps);
}

static PyObject* tm_py_component_key(PyObject* op, PyObject* unused)
{
    tm_py_component* self = (tm_py_component*)op;
    (void)unused;
    if(!self->available) Py_RETURN_NONE;
    Py_INCREF(self->key);
    return self->key;
}

static PyObject* tm_py_component_hash(PyObject* op, PyObject* unused)
{
    tm_py_component* self = (tm_py_component*)op;
    (void)unused;
    if(!self->available) Py_RETURN_NONE;
    return PyLong_FromUnsignedLongLong(self->hash);
}

static PyObject* tm_py_component_rekey(PyObject* op, PyObject* key)
{
    if(tm_py_component_set_key((tm_py_component*)op, key) < 0) return NULL;
    Py_RETURN_NONE;
}

static PyObject* tm_py_component_is_running(PyObject* op, void* closure)
{
    (void)closure;
    return PyBool_FromLong(((tm_py_component*)op)->running);
}

static PyObject* tm_py_component_is_pushed(PyObject* op, void* closure)
{
    (void)closure;
    return PyBool_FromLong(((tm_py_component*)op)->pushed);
}

/* ------------------------------------------------------------------------------------------ */
/* class-level (static in the original) methods                                                */

static PyObject* tm_py_component_record(PyObject* cls, PyObject* unused)
{
    (void)unused;
    timemory_component_info info;
    if(tm_py_class_info(cls, &info) < 0) return NULL;
    if(!info.available)
    {
        PyErr_Format(PyExc_RuntimeError, "%s is not available: %s", info.class_name,
                     info.unavailable_reason ? info.unavailable_reason : "not on this system");
        return NULL;
    }
    if(info.value_count <= 0) Py_RETURN_NONE;
    int64_t raw[2] = { 0, 0 };
    int     rc     = timemory_component_record(info.id, raw);
    if(rc < 0) return tm_py_raise(rc, "record");
    return tm_py_raw_object(info.value_count, raw, tm_py_has_list_shape(&info));
}

static PyObject* tm_py_component_label(PyObject* cls, PyObject* unused)
{
    (void)unused;
    timemory_component_info info;
    if(tm_py_class_info(cls, &info) < 0) return NULL;
    return PyUnicode_FromString(info.label ? info.label : "");
}

static PyObject* tm_py_component_description(PyObject* cls, PyObject* unused)
{
    (void)unused;
    timemory_component_info info;
    if(tm_py_class_info(cls, &info) < 0) return NULL;
    return PyUnicode_FromString(info.description ? info.description : "");
}

/* index(): the timemory.component.id member (an int enum) once the package has built it,
 * else the plain int. */
static PyObject* tm_py_component_index(PyObject* cls, PyObject* unused)
{
    (void)unused;
    int id = tm_py_class_component_id(cls);
    if(id < 0) return NULL;
    PyObject* value = PyLong_FromLong(id);
    if(!value) return NULL;
    PyObject* package = PyDict_GetItemString(PyImport_GetModuleDict(), "timemory.component");
    PyObject* members = package ? PyObject_GetAttrString(package, "id") : NULL;
    if(!members)
    {
        PyErr_Clear();
        return value;
    }
    PyObject* member = PyObject_CallOneArg(members, value);
    Py_DECREF(members);
    if(!member)
    {
        PyErr_Clear();
        return value;
    }
    Py_DECREF(value);
    return member;
}

/* id(): the primary string id ("wall_clock"), as the original's static id() */
static PyObject* tm_py_component_string_id(PyObject* cls, PyObject* unused)
{
    (void)unused;
    timemory_component_info info;
    if(tm_py_class_info(cls, &info) < 0) return NULL;
    return PyUnicode_FromString(info.name);
}

static PyObject* tm_py_component_configure(PyObject* cls, PyObject* args, PyObject* kwargs)
{
    /* no component of this build takes configuration; accepted so that generic code can call
     * it on every class */
    (void)args;
    (void)kwargs;
    if(tm_py_class_component_id(cls) < 0) return NULL;
    Py_RETURN_NONE;
}

static PyObject* tm_py_component_unit(PyObject* cls, PyObject* unused)
{
    (void)unused;
    timemory_component_info info;
    if(tm_py_class_info(cls, &info) < 0) return NULL;
    int n = info.available ? tm_py_output_count(&info) : 0;
    if(n == 0) return PyLong_FromLong(1);
    PyObject* items[2] = { NULL, NULL };
    for(int i = 0; i < n; ++i) items[i] = tm_py_unit_number(timemory_component_unit(info.id, i));
    return tm_py_pack(n, items, tm_py_has_list_shape(&info));
}

PyObject* tm_py_component_display_unit(PyObject* cls, PyObject* unused)
{
    (void)unused;
    timemory_component_info info;
    if(tm_py_class_info(cls, &info) < 0) return NULL;
    int n = info.available ? tm_py_output_count(&info) : 0;
    if(n == 0) return PyUnicode_FromString("");
    PyObject* items[2] = { NULL, NULL };
    for(int i = 0; i < n; ++i)
    {
        const char* unit = timemory_component_display_unit(info.id, i);
        items[i]         = PyUnicode_FromString(unit ? unit : "");
    }
    return tm_py_pack(n, items, tm_py_has_list_shape(&info));
}

/* ------------------------------------------------------------------------------------------ */
/* types                                                                                       */

#define TM_PY_METHOD(name, func, flags, doc)                                                       \
    {                                                                                              \
        name, (PyCFunction)(void (*)(void))func, flags, doc                                        \
    }

static PyMethodDef tm_py_component_methods[] = {
    TM_PY_METHOD("start", tm_py_component_start, METH_NOARGS,
                 "start($self, /)\n--\n\nTake the start reading (nothing when not available: "
                 "the first attempt per class warns why)."),
    TM_PY_METHOD("stop", tm_py_component_stop, METH_NOARGS,
                 "stop($self, /)\n--\n\nvalue = reading - start; accum += value; laps += 1."),
    TM_PY_METHOD("measure", tm_py_component_measure, METH_NOARGS,
                 "measure($self, /)\n--\n\nTake an absolute reading into value."),
    TM_PY_METHOD("mark_begin", tm_py_component_mark, METH_NOARGS,
                 "mark_begin($self, /)\n--\n\nMark a begin point."),
    TM_PY_METHOD("mark_end", tm_py_component_mark, METH_NOARGS,
                 "mark_end($self, /)\n--\n\nMark an end point."),
    TM_PY_METHOD("reset", tm_py_component_reset, METH_NOARGS,
                 "reset($self, /)\n--\n\nZero value, accumulator and laps."),
    TM_PY_METHOD("push", tm_py_component_push, METH_NOARGS,
                 "push($self, /)\n--\n\nOpen a call-graph node under the key (resets value, accum "
                 "and laps)."),
    TM_PY_METHOD("pop", tm_py_component_pop, METH_NOARGS,
                 "pop($self, /)\n--\n\nAdd what was measured since push() into the node and "
                 "close it."),
    TM_PY_METHOD("get", tm_py_component_get, METH_NOARGS,
                 "get($self, /)\n--\n\nThe value in display units (None for markers)."),
    TM_PY_METHOD("get_raw", tm_py_component_get_raw, METH_NOARGS,
                 "get_raw($self, /)\n--\n\nThe raw accumulated value (ns, bytes, counts)."),
    TM_PY_METHOD("get_value", tm_py_component_get_value, METH_NOARGS,
                 "get_value($self, /)\n--\n\nThe raw value field (last delta or reading)."),
    TM_PY_METHOD("get_accum", tm_py_component_get_accum, METH_NOARGS,
                 "get_accum($self, /)\n--\n\nThe raw accumulator."),
    TM_PY_METHOD("get_last", tm_py_component_get_last, METH_NOARGS,
                 "get_last($self, /)\n--\n\nThe latest recorded raw value: the last lap's (stop), "
                 "reading (measure) or sample; kept while running again."),
    TM_PY_METHOD("laps", tm_py_component_laps, METH_NOARGS,
                 "laps($self, /)\n--\n\nCompleted start/stop pairs since the last push/reset."),
    TM_PY_METHOD("key", tm_py_component_key, METH_NOARGS, "key($self, /)\n--\n\nThe key (label)."),
    TM_PY_METHOD("hash", tm_py_component_hash, METH_NOARGS,
                 "hash($self, /)\n--\n\nThe 64-bit hash of the key."),
    TM_PY_METHOD("rekey", tm_py_component_rekey, METH_O,
                 "rekey($self, key, /)\n--\n\nChange the key (and its hash)."),
    TM_PY_METHOD("record", tm_py_component_record, METH_NOARGS | METH_CLASS,
                 "record()\n--\n\nA raw instantaneous reading."),
    TM_PY_METHOD("label", tm_py_component_label, METH_NOARGS | METH_CLASS,
                 "label()\n--\n\nThe short label ('wall')."),
    TM_PY_METHOD("description", tm_py_component_description, METH_NOARGS | METH_CLASS,
                 "description()\n--\n\nThe description."),
    TM_PY_METHOD("index", tm_py_component_index, METH_NOARGS | METH_CLASS,
                 "index()\n--\n\nThe enumeration value (a timemory.component.id member)."),
    TM_PY_METHOD("id", tm_py_component_string_id, METH_NOARGS | METH_CLASS,
                 "id()\n--\n\nThe primary string id ('wall_clock')."),
    TM_PY_METHOD("configure", tm_py_component_configure, METH_VARARGS | METH_KEYWORDS | METH_CLASS,
                 "configure(*args, **kwargs)\n--\n\nComponent-specific configuration (none in "
                 "this build)."),
    TM_PY_METHOD("unit", tm_py_component_unit, METH_NOARGS | METH_CLASS,
                 "unit()\n--\n\nThe unit multiplier in effect."),
    TM_PY_METHOD("display_unit", tm_py_component_display_unit, METH_NOARGS | METH_CLASS,
                 "display_unit()\n--\n\nThe unit string in effect."),
    { NULL, NULL, 0, NULL }
};

/* Methods only some classes have: sample() where the component samples, value() where it is
 * not available (the original's unavailable classes). */
#define TM_PY_SAMPLE_METHOD                                                                        \
    TM_PY_METHOD("sample", tm_py_component_sample, METH_NOARGS,                                    \
                 "sample($self, /)\n--\n\nvalue = accum = max(value, reading): the highest "       \
                 "level seen.")
#define TM_PY_VALUE_METHOD                                                                         \
    TM_PY_METHOD("value", tm_py_component_none, METH_NOARGS,                                       \
                 "value($self, /)\n--\n\nNo value: the component is not available.")

static PyMethodDef tm_py_sampling_methods[]    = { TM_PY_SAMPLE_METHOD, { NULL, NULL, 0, NULL } };
static PyMethodDef tm_py_unavailable_methods[] = { TM_PY_VALUE_METHOD, { NULL, NULL, 0, NULL } };
static PyMethodDef tm_py_unavailable_sampling_methods[] = { TM_PY_SAMPLE_METHOD,
                                                            TM_PY_VALUE_METHOD,
                                                            { NULL, NULL, 0, NULL } };

static PyGetSetDef tm_py_component_getset[] = {
    { "running", tm_py_component_is_running, NULL, "True between start() and stop()", NULL },
    { "pushed", tm_py_component_is_pushed, NULL, "True between push() and pop()", NULL },
    { NULL, NULL, NULL, NULL, NULL }
};

static PyType_Slot tm_py_component_slots[] = {
    { Py_tp_doc, "Base of the stand-alone component classes (abstract)." },
    { Py_tp_new, (void*)tm_py_component_new },
    { Py_tp_init, (void*)tm_py_component_init },
    { Py_tp_dealloc, (void*)tm_py_component_dealloc },
    { Py_tp_methods, tm_py_component_methods },
    { Py_tp_getset, tm_py_component_getset },
    { Py_tp_str, (void*)tm_py_component_str },
    { Py_tp_repr, (void*)tm_py_component_repr },
    { Py_nb_add, (void*)tm_py_component_add },
    { Py_nb_subtract, (void*)tm_py_component_sub },
    { Py_nb_inplace_add, (void*)tm_py_component_iadd },
    { Py_nb_inplace_subtract, (void*)tm_py_component_isub },
    { 0, NULL }
};

static PyType_Spec tm_py_component_spec = {
    .name      = TM_PY_MODULE_NAME ".Component",
    .basicsize = sizeof(tm_py_component),
    .itemsize  = 0,
    .flags     = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .slots     = tm_py_component_slots,
};

static int tm_py_set_class_attr(PyObject* type, const char* name, PyObject* value)
{
    if(!value) return -1;
    int rc = PyObject_SetAttrString(type, name, value);
    Py_DECREF(value);
    return rc;
}

static PyObject* tm_py_make_component_type(PyObject* module, PyObject* bases,
                                           const timemory_component_info* info)
{
    char* name = tm_py_component_type_names[info->id];
    int   n    = snprintf(name, sizeof(tm_py_component_type_names[0]), "%s.%s", TM_PY_MODULE_NAME,
                          info->class_name);
    if(n < 0 || (size_t)n >= sizeof(tm_py_component_type_names[0]))
    {
        PyErr_Format(PyExc_ValueError, "component class name too long: %s", info->class_name);
        return NULL;
    }
    const char* doc =
        info->available ? (info->description ? info->description : "") : "not available";
    bool samples = timemory_component_can_sample(info->id);
    /* gperftools is found at run time: its classes keep one shape either way (no value()) */
    bool         shaped = info->available || timemory_gperftools_component(info->id);
    PyMethodDef* methods =
        samples ? (shaped ? tm_py_sampling_methods : tm_py_unavailable_sampling_methods)
                : (shaped ? NULL : tm_py_unavailable_methods);
    PyType_Slot slots[] = { { Py_tp_doc, (void*)doc },
                            { methods ? Py_tp_methods : 0, methods },
                            { 0, NULL } };
    PyType_Spec spec    = {
           .name      = name,
           .basicsize = sizeof(tm_py_component),
           .itemsize  = 0,
           .flags     = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
           .slots     = slots,
    };
    PyObject* type = PyType_FromModuleAndSpec(module, &spec, bases);
    if(!type) return NULL;
    bool has_value = info->available && info->value_count > 0;
    if(tm_py_set_class_attr(type, "_timemory_id", PyLong_FromLong(info->id)) < 0 ||
       tm_py_set_class_attr(type, "name", PyUnicode_FromString(info->name)) < 0 ||
       tm_py_set_class_attr(type, "available", PyBool_FromLong(info->available)) < 0 ||
       tm_py_set_class_attr(type, "has_value", PyBool_FromLong(has_value)) < 0 ||
       tm_py_set_class_attr(type, "reason",
                            info->unavailable_reason
                                ? PyUnicode_FromString(info->unavailable_reason)
                                : (Py_INCREF(Py_None), Py_None)) < 0)
    {
        Py_DECREF(type);
        return NULL;
    }
    return type;
}

int tm_py_add_components(PyObject* module)
{
    if(tm_py_add_component_rules(module) < 0) return -1;
    tm_py_state* state = tm_py_get_state(module);
    PyObject*    base  = PyType_FromModuleAndSpec(module, &tm_py_component_spec, NULL);
    if(!base) return -1;
    state->component_base = (PyTypeObject*)base;
    Py_INCREF(base);
    if(PyModule_AddObject(module, "Component", base) < 0)
    {
        Py_DECREF(base);
        return -1;
    }
    PyObject* bases = PyTuple_Pack(1, base);
    if(!bases) return -1;
    timemory_component_info info;
    for(int id = 0; id < TM_PY_NCOMPONENTS; ++id)
    {
        if(timemory_component_get_info(id, &info) != 0 || !info.class_name) continue;
        PyObject* type = tm_py_make_component_type(module, bases, &info);
        if(!type) goto fail;
        state->component_types[id] = (PyTypeObject*)type;
        Py_INCREF(type);
        if(PyModule_AddObject(module, info.class_name, type) < 0)
        {
            Py_DECREF(type);
            goto fail;
        }
    }
    Py_DECREF(bases);
    return 0;
fail:
    Py_DECREF(bases);
    return -1;
}
