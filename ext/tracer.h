/* tracer.h -- what the line tracer (tracer.c) offers the line profiler (line_profiler.c): the
 * line profiler's mode and its data. In that mode the tracer selects exactly a set of code
 * objects, a line's time runs to the next line event of its frame (the time of the traced
 * calls it makes included, as line_profiler counts it), and stopping keeps the per-line data
 * in the per-thread arrays (nothing goes to the call-graph) until tm_tr_lines_take.
 * Everything here runs with the GIL held and never per event. */
#ifndef TIMEMORY_EXT_TRACER_H
#define TIMEMORY_EXT_TRACER_H

#include "ext.h"

#include <stdint.h>

/* Enters the line profiler's mode with codes (a set of code objects; NULL: back to the
 * tracer's own mode). Earlier decisions and every data array are dropped. -1 with an
 * exception while the tracer runs. */
int tm_tr_lines_mode(PyObject* codes);

/* Installs the hooks (as tracer_start, the timeline setting as the last one read it; nothing
 * when installed): 0, or -1 with an exception.
 * tm_tr_lines_stop removes them and returns how many threads had them replaced by another
 * tool. Neither touches the data. */
int tm_tr_lines_start(void);
int tm_tr_lines_stop(void);

/* The ids of the configured components, in the order of the values below; returns how many. */
int tm_tr_lines_components(const int** ids);

/* A line that ran: its code object, line number, hits on every thread and the components'
 * values summed over the threads (2 per component; wall_clock alone: nanoseconds). Returns 0,
 * or -1 (with an exception) to stop. */
typedef int (*tm_tr_lines_fn)(void* ctx, PyObject* code, long lineno, int64_t hits,
                              const int64_t* values);

/* Calls fn for every line with hits or values since the last take, then zeroes the counts in
 * place (calls in progress keep their frames) and frees the structs of threads that ended.
 * When fn fails nothing is zeroed and -1 is returned. */
int tm_tr_lines_take(tm_tr_lines_fn fn, void* ctx);

#endif /* TIMEMORY_EXT_TRACER_H */
