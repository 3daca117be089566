/* signals_impl.h -- private to the fatal-signal handler's three files: signals.c (which
 * signals, the alternate stacks, the handler, enable/disable), signals_report.c (the report,
 * written with write(2) alone) and signals_writer.c (the copy of the process that writes the
 * outputs). What they share: the signal rows, the one-line async-signal-safe buffer, the state
 * that enable sets and the handler reads.
 */
#ifndef TIMEMORY_SRC_SIGNALS_IMPL_H
#define TIMEMORY_SRC_SIGNALS_IMPL_H

#include "internal.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>

typedef struct tm__sig_row {
    int         signum;
    const char* env;         /* SIGNAL_ENABLE_<env> / SIGNAL_DISABLE_<env> */
    const char* name;        /* the Python enum member (signals.Signal) */
    const char* description; /* as strsignal() says it in English */
    bool        terminates;  /* the default action ends the process */
} tm__sig_row;

/* signals.c: the row of signum (NULL for a signal not in the table) */
const tm__sig_row* tm__sig_row_of(int signum);

/* signals.c: the state the report and the writer read (set by enable and the API) */
extern atomic_uint                        tm__sig_timeout_ms;
extern int                                tm__sig_rank;         /* the launcher's MPI rank */
extern char*                              tm__sig_writer_stack; /* its top, or NULL */
extern _Atomic(timemory_signal_report_fn) tm__sig_report_fn;

/* signals_report.c: one line in a buffer, then write(2) (async-signal-safe) */
typedef struct tm__sig_line {
    char   text[768];
    size_t len;
} tm__sig_line;
void tm__sig_puts(tm__sig_line* l, const char* s);
void tm__sig_putu(tm__sig_line* l, unsigned long long v);
void tm__sig_puti(tm__sig_line* l, long long v);
void tm__sig_putx(tm__sig_line* l, uintptr_t v);
void tm__sig_flush(int fd, tm__sig_line* l);
void tm__sig_say(const char* text); /* a whole text to stderr */

/* signals_report.c: the ### ERROR ### line, the backtrace and the client's report */
void tm__sig_report(int sig, const siginfo_t* info, const void* context, long tid);
/* signals_writer.c: the outputs written by a copy of the process, waited for (time limit) */
void tm__sig_write_outputs(int sig);

#endif
