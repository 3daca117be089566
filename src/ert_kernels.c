/* ert_kernels.c -- the ERT micro-kernels (include/timemory/ert.h), one per instruction set.
 *
 * The library is built for the baseline of its target (a wheel must run on any x86-64), so the
 * wide kernels are separate functions compiled with a `target` attribute (AVX-512F; AVX2 with
 * FMA) and picked at run time with __builtin_cpu_supports, which also checks that the OS saves
 * the vector registers. Plain -O3 -march=native is not an option for a wheel and target_clones
 * would give no control over the number of independent chains per instruction set.
 *
 * Each kernel keeps 8 vectors in flight (8 independent dependency chains: enough to cover the
 * latency of the multiply-add units, few enough to stay in registers) written with GCC vector
 * extensions; elements past the last whole block go through the same operations a vector at a
 * time, then one by one, so the FLOP count is exact for any n. This file is compiled with -O2
 * -ffp-contract=fast (CMake): x * c + d becomes one FMA where the target has it (two FLOPs either
 * way); no -ffast-math, so the compiler cannot merge or drop operations, and a compiler barrier
 * after each trial keeps the trials from being interchanged with the sweep (every trial loads and
 * stores memory). */
#include "ert_kernels.h"

#include <string.h>

#define TM_ERT_CHAINS 8

/* One kernel: NAME(T* buf, n, trials, ops, c, d) with vectors of VBYTES bytes. */
#define TM_ERT_DEFINE_KERNEL(NAME, T, VBYTES, ATTR)                                                \
    ATTR static void NAME(T* buf, uint64_t n, uint64_t trials, unsigned ops, T c, T d)             \
    {                                                                                              \
        typedef T      vec_t __attribute__((vector_size(VBYTES)));                                 \
        const uint64_t vl    = (VBYTES) / sizeof(T);                                               \
        const uint64_t block = TM_ERT_CHAINS * vl;                                                 \
        const unsigned pairs = ops / 2u, single = ops & 1u;                                        \
        const vec_t    vc = (vec_t){ 0 } + c, vd = (vec_t){ 0 } + d;                               \
        for(uint64_t t = 0; t < trials; ++t)                                                       \
        {                                                                                          \
            uint64_t i = 0;                                                                        \
            for(; i + block <= n; i += block)                                                      \
            {                                                                                      \
                vec_t x0, x1, x2, x3, x4, x5, x6, x7;                                              \
                memcpy(&x0, buf + i + 0 * vl, sizeof(vec_t));                                      \
                memcpy(&x1, buf + i + 1 * vl, sizeof(vec_t));                                      \
                memcpy(&x2, buf + i + 2 * vl, sizeof(vec_t));                                      \
                memcpy(&x3, buf + i + 3 * vl, sizeof(vec_t));                                      \
                memcpy(&x4, buf + i + 4 * vl, sizeof(vec_t));                                      \
                memcpy(&x5, buf + i + 5 * vl, sizeof(vec_t));                                      \
                memcpy(&x6, buf + i + 6 * vl, sizeof(vec_t));                                      \
                memcpy(&x7, buf + i + 7 * vl, sizeof(vec_t));                                      \
                for(unsigned p = 0; p < pairs; ++p)                                                \
                {                                                                                  \
                    x0 = x0 * vc + vd;                                                             \
                    x1 = x1 * vc + vd;                                                             \
                    x2 = x2 * vc + vd;                                                             \
                    x3 = x3 * vc + vd;                                                             \
                    x4 = x4 * vc + vd;                                                             \
                    x5 = x5 * vc + vd;                                                             \
                    x6 = x6 * vc + vd;                                                             \
                    x7 = x7 * vc + vd;                                                             \
                }                                                                                  \
                if(single)                                                                         \
                {                                                                                  \
                    x0 = x0 + vd;                                                                  \
                    x1 = x1 + vd;                                                                  \
                    x2 = x2 + vd;                                                                  \
                    x3 = x3 + vd;                                                                  \
                    x4 = x4 + vd;                                                                  \
                    x5 = x5 + vd;                                                                  \
                    x6 = x6 + vd;                                                                  \
                    x7 = x7 + vd;                                                                  \
                }                                                                                  \
                memcpy(buf + i + 0 * vl, &x0, sizeof(vec_t));                                      \
                memcpy(buf + i + 1 * vl, &x1, sizeof(vec_t));                                      \
                memcpy(buf + i + 2 * vl, &x2, sizeof(vec_t));                                      \
                memcpy(buf + i + 3 * vl, &x3, sizeof(vec_t));                                      \
                memcpy(buf + i + 4 * vl, &x4, sizeof(vec_t));                                      \
                memcpy(buf + i + 5 * vl, &x5, sizeof(vec_t));                                      \
                memcpy(buf + i + 6 * vl, &x6, sizeof(vec_t));                                      \
                memcpy(buf + i + 7 * vl, &x7, sizeof(vec_t));                                      \
            }                                                                                      \
            for(; i + vl <= n; i += vl)                                                            \
            {                                                                                      \
                vec_t x0;                                                                          \
                memcpy(&x0, buf + i, sizeof(vec_t));                                               \
                for(unsigned p = 0; p < pairs; ++p) x0 = x0 * vc + vd;                             \
                if(single) x0 = x0 + vd;                                                           \
                memcpy(buf + i, &x0, sizeof(vec_t));                                               \
            }                                                                                      \
            for(; i < n; ++i)                                                                      \
            {                                                                                      \
                T x = buf[i];                                                                      \
                for(unsigned p = 0; p < pairs; ++p) x = x * c + d;                                 \
                if(single) x = x + d;                                                              \
                buf[i] = x;                                                                        \
            }                                                                                      \
            __asm__ __volatile__("" : : "r"(buf) : "memory");                                      \
        }                                                                                          \
    }

/* the baseline: 16-byte vectors (SSE2 on x86-64, NEON on aarch64, split by the compiler
 * elsewhere) */
TM_ERT_DEFINE_KERNEL(tm_ert_base_f, float, 16, )
TM_ERT_DEFINE_KERNEL(tm_ert_base_d, double, 16, )

#if defined(__x86_64__) && defined(__GNUC__)
#    define TM_ERT_X86 1
TM_ERT_DEFINE_KERNEL(tm_ert_avx2_f, float, 32, __attribute__((target("avx2,fma"))))
TM_ERT_DEFINE_KERNEL(tm_ert_avx2_d, double, 32, __attribute__((target("avx2,fma"))))
TM_ERT_DEFINE_KERNEL(tm_ert_avx512_f, float, 64, __attribute__((target("avx512f"))))
TM_ERT_DEFINE_KERNEL(tm_ert_avx512_d, double, 64, __attribute__((target("avx512f"))))
#endif

int tm__ert_kernel_sets(tm__ert_kernels table[TM_ERT_MAX_SETS])
{
    int n = 0;
#ifdef TM_ERT_X86
    __builtin_cpu_init();
    if(__builtin_cpu_supports("avx512f"))
        table[n++] = (tm__ert_kernels){ "avx512f", tm_ert_avx512_f, tm_ert_avx512_d };
    if(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        table[n++] = (tm__ert_kernels){ "avx2+fma", tm_ert_avx2_f, tm_ert_avx2_d };
    table[n++] = (tm__ert_kernels){ "sse2", tm_ert_base_f, tm_ert_base_d };
#else
    table[n++] = (tm__ert_kernels){ "generic", tm_ert_base_f, tm_ert_base_d };
#endif
    return n;
}
