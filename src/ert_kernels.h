/* ert_kernels.h -- private to src/ert.c, src/ert_kernels.c and the C tests: the ERT kernels of
 * each instruction set this build has and which of them the CPU runs. */
#ifndef TIMEMORY_ERT_KERNELS_H
#define TIMEMORY_ERT_KERNELS_H

#include <stdint.h>

/* buf[0..n) swept `trials` times: x = x * c + d (ops / 2 times, two FLOPs each), then x = x + d
 * when ops is odd; each element loaded and stored once per trial. */
typedef void (*tm__ert_kernel_f)(float* buf, uint64_t n, uint64_t trials, unsigned ops, float c,
                                 float d);
typedef void (*tm__ert_kernel_d)(double* buf, uint64_t n, uint64_t trials, unsigned ops, double c,
                                 double d);

typedef struct tm__ert_kernels {
    const char*      isa;
    tm__ert_kernel_f kfloat;
    tm__ert_kernel_d kdouble;
} tm__ert_kernels;

#define TM_ERT_MAX_SETS 3

/* Fills table with the kernel sets this CPU can run, widest first (at least the baseline one);
 * returns how many. */
int tm__ert_kernel_sets(tm__ert_kernels table[TM_ERT_MAX_SETS]);

#endif
