/* util.c -- small shared services: diagnostics, the sticky hot-path error state, the growable
 * text buffer every writer uses, and whole-or-nothing file writing.
 * Owns no timemory state beyond the error counters. Never called on the hot path except
 * tm__set_error, which only touches atomics.
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static atomic_int tm__error_count;
static atomic_int tm__error_last;

void tm__warn(const char* fmt, ...)
{
    char    line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    fprintf(stderr, "[timemory] warning: %s\n", line);
    fflush(stderr);
}

void tm__set_error(int code)
{
    atomic_fetch_add_explicit(&tm__error_count, 1, memory_order_relaxed);
    atomic_store_explicit(&tm__error_last, code, memory_order_relaxed);
}

int timemory_take_errors(int* last_code)
{
    int n = atomic_exchange_explicit(&tm__error_count, 0, memory_order_relaxed);
    int c = atomic_exchange_explicit(&tm__error_last, 0, memory_order_relaxed);
    if(last_code) *last_code = c;
    return n;
}

const char* timemory_strerror(int code)
{
    switch(code)
    {
#define TM_ERROR_CASE(name, value, msg)                                                        \
    case value: return msg;
        TIMEMORY_ERRORS(TM_ERROR_CASE)
#undef TM_ERROR_CASE
        default: return "unknown error";
    }
}

void timemory_free(void* ptr) { free(ptr); }

char* tm__strdup(const char* s)
{
    if(!s) s = "";
    size_t n = strlen(s) + 1;
    char*  p = malloc(n);
    if(p) memcpy(p, s, n);
    return p;
}

/* ---- numbers -------------------------------------------------------------------------------
 * Shortest round-trip doubles (tm__fmt_json_double) and fixed-precision cells (tm__put_fixed)
 * without printf: a Schubfach-style conversion. v = c * 2^q is scaled by 10^-k, k chosen so
 * that the rounding interval of v (the reals that read back as v) spans [1, 10) units of
 * 10^k; then the interval holds at most one multiple of 10 (the shortest decimal, when there
 * is one) and otherwise the integer nearest to v*10^-k is the answer. 10^-k comes from a table
 * of 126-bit upper approximations built once from exact big-integer powers of ten, so each
 * scaled bound is off by less than 2^-66 above its true value: its floor is exact unless its
 * fraction is below 2^-66, where an exact divisibility test says whether it is an integer
 * (and anything still undecided goes to the printf path, which never happens for doubles). */

#define TM_P10_MIN (-292) /* 10^e for e = -k in [-292, 324] */
#define TM_P10_MAX 324
#define TM_P10_COUNT (TM_P10_MAX - TM_P10_MIN + 1)

static uint64_t       tm__p10_hi[TM_P10_COUNT]; /* 10^e ~ (hi * 2^64 + lo) * 2^exp, rounded up */
static uint64_t       tm__p10_lo[TM_P10_COUNT];
static int16_t        tm__p10_exp[TM_P10_COUNT];
static pthread_once_t tm__p10_once = PTHREAD_ONCE_INIT;
static atomic_bool    tm__p10_ready;

static const uint64_t tm__pow10[20] = { UINT64_C(1),
                                        UINT64_C(10),
                                        UINT64_C(100),
                                        UINT64_C(1000),
                                        UINT64_C(10000),
                                        UINT64_C(100000),
                                        UINT64_C(1000000),
                                        UINT64_C(10000000),
                                        UINT64_C(100000000),
                                        UINT64_C(1000000000),
                                        UINT64_C(10000000000),
                                        UINT64_C(100000000000),
                                        UINT64_C(1000000000000),
                                        UINT64_C(10000000000000),
                                        UINT64_C(100000000000000),
                                        UINT64_C(1000000000000000),
                                        UINT64_C(10000000000000000),
                                        UINT64_C(100000000000000000),
                                        UINT64_C(1000000000000000000),
                                        UINT64_C(10000000000000000000) };

static inline uint64_t tm__mul64(uint64_t a, uint64_t b, uint64_t* hi)
{
#if defined(__SIZEOF_INT128__)
    __extension__ unsigned __int128 p = (unsigned __int128) a * b;
    *hi                               = (uint64_t) (p >> 64);
    return (uint64_t) p;
#else
    uint64_t a0 = (uint32_t) a, a1 = a >> 32, b0 = (uint32_t) b, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (uint32_t) p01 + (uint32_t) p10;
    *hi          = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
    return (mid << 32) | (uint32_t) p00;
#endif
}

/* floor(x / 2^s) for a signed x (the shift of a negative number is implementation-defined) */
static inline int tm__floor_shift(int64_t x, int s)
{
    return x >= 0 ? (int) (x >> s) : -(int) ((-x + ((int64_t) 1 << s) - 1) >> s);
}

#define TM_BIG_WORDS 40 /* 1280 bits: 10^324 and 2^1200 fit */

/* The top 126 bits of a big number (little-endian 32-bit words) plus one, and the power of two
 * they stand for: w ~ (hi * 2^64 + lo) * 2^shift with the approximation above w. */
static void tm__big_top(const uint32_t* w, int* hi_shift, uint64_t* hi, uint64_t* lo)
{
    int bits = TM_BIG_WORDS * 32;
    while(bits > 0 && !((w[(bits - 1) / 32] >> ((bits - 1) % 32)) & 1u)) --bits;
    uint64_t h = 0, l = 0;
    for(int i = bits - 1; i >= bits - 126; --i)
    {
        uint64_t bit = i >= 0 ? (w[i / 32] >> (i % 32)) & 1u : 0u;
        h            = (h << 1) | (l >> 63);
        l            = (l << 1) | bit;
    }
    if(++l == 0) ++h;
    *hi       = h;
    *lo       = l;
    *hi_shift = bits - 126;
}

static void tm__p10_build(void)
{
    uint32_t w[TM_BIG_WORDS];
    /* 10^e, e >= 0: multiply by ten */
    memset(w, 0, sizeof(w));
    w[0] = 1;
    for(int e = 0; e <= TM_P10_MAX; ++e)
    {
        int shift;
        tm__big_top(w, &shift, &tm__p10_hi[e - TM_P10_MIN], &tm__p10_lo[e - TM_P10_MIN]);
        tm__p10_exp[e - TM_P10_MIN] = (int16_t) shift;
        uint64_t carry               = 0;
        for(int i = 0; i < TM_BIG_WORDS; ++i)
        {
            uint64_t x = (uint64_t) w[i] * 10u + carry;
            w[i]       = (uint32_t) x;
            carry      = x >> 32;
        }
    }
    /* 10^e, e < 0: floor(2^1200 / 10^-e) by repeated exact division (floors compose) */
    memset(w, 0, sizeof(w));
    w[1200 / 32] = 1u << (1200 % 32);
    for(int e = -1; e >= TM_P10_MIN; --e)
    {
        uint64_t rem = 0;
        for(int i = TM_BIG_WORDS; i-- > 0;)
        {
            uint64_t x = (rem << 32) | w[i];
            w[i]       = (uint32_t) (x / 10u);
            rem        = x % 10u;
        }
        int shift;
        tm__big_top(w, &shift, &tm__p10_hi[e - TM_P10_MIN], &tm__p10_lo[e - TM_P10_MIN]);
        tm__p10_exp[e - TM_P10_MIN] = (int16_t) (shift - 1200);
    }
}

/* Whether cp * 2^q / 10^k is an integer. */
static bool tm__scaled_is_integer(uint64_t cp, int q, int k)
{
    if(k > 0)
    {
        if(k > 23) return false; /* 5^24 > 2^55 > cp */
        uint64_t five = 1;
        for(int i = 0; i < k; ++i) five *= 5u;
        if(cp % five != 0) return false;
    }
    int twos = q - k; /* the power of two left after the fives */
    return twos >= 0 || (twos > -64 && (cp & ((UINT64_C(1) << -twos) - 1)) == 0);
}

/* floor(cp * 2^q / 10^k) into *fl and whether it is exact; false when that cannot be decided
 * (the printf path then decides). g = 10^-k ~ (ghi * 2^64 + glo) * 2^-h / 2^q. */
static inline bool tm__scaled(uint64_t cp, uint64_t ghi, uint64_t glo, int h, int q, int k,
                              uint64_t* fl, bool* exact)
{
    uint64_t p0hi, p1hi;
    uint64_t w0 = tm__mul64(cp, glo, &p0hi);
    uint64_t p1 = tm__mul64(cp, ghi, &p1hi);
    uint64_t w1 = p0hi + p1;
    uint64_t w2 = p1hi + (w1 < p0hi);
    *fl         = (w2 << (128 - h)) | (w1 >> (h - 64));
    *exact      = false;
    /* the fraction is at least 2^-66 (more than the error): floor exact, not an integer */
    if((w1 & ((UINT64_C(1) << (h - 64)) - 1)) != 0 || w0 >= (UINT64_C(1) << (h - 66)))
        return true;
    *exact = tm__scaled_is_integer(cp, q, k);
    return *exact;
}

/* v (finite, > 0, bits without the sign) = digits * 10^exp10 in the fewest digits that read
 * back as v, the nearest to v among those (ties to even); *dir is the sign of v minus it.
 * digits has no trailing zero and at most 17 digits. False when the printf path must decide. */
static bool tm__shortest(uint64_t bits, uint64_t* digits, int* exp10, int* dir)
{
    if(TM_UNLIKELY(!atomic_load_explicit(&tm__p10_ready, memory_order_acquire)))
    {
        pthread_once(&tm__p10_once, tm__p10_build);
        atomic_store_explicit(&tm__p10_ready, true, memory_order_release);
    }
    int      be = (int) (bits >> 52);
    uint64_t m  = bits & ((UINT64_C(1) << 52) - 1);
    uint64_t c  = be ? m | (UINT64_C(1) << 52) : m;
    int      q  = be ? be - 1075 : -1074;
    /* at a power of two the gap below is half the gap above */
    bool     asym = m == 0 && be > 1;
    /* k = floor(log10(2^q)), or floor(log10(3/4 * 2^q)): 1262611 / 2^22 ~ log10(2) (both
     * checked against exact powers for every q of a double) */
    int      k    = tm__floor_shift((int64_t) q * 1262611 - (asym ? 524031 : 0), 22);
    int      idx  = -k - TM_P10_MIN;
    int      h    = -(q + tm__p10_exp[idx]); /* 122..125 */
    uint64_t ghi = tm__p10_hi[idx], glo = tm__p10_lo[idx];

    /* 4 * (v, lower bound, upper bound) / 10^k: floors and exactness */
    uint64_t cb = c << 2, cbl = cb - (asym ? 1 : 2), cbr = cb + 2;
    uint64_t vb, vbl, vbr;
    bool     eb, ebl, ebr;
    if(!tm__scaled(cb, ghi, glo, h, q, k, &vb, &eb) ||
       !tm__scaled(cbl, ghi, glo, h, q, k, &vbl, &ebl) ||
       !tm__scaled(cbr, ghi, glo, h, q, k, &vbr, &ebr))
        return false;
    bool closed = (c & 1) == 0; /* a tie reads back as the even mantissa */
#define TM_IN_LOW(x) (4 * (x) > vbl || (closed && 4 * (x) == vbl && ebl))
#define TM_IN_HIGH(x) (4 * (x) < vbr || (4 * (x) == vbr && (closed || !ebr)))
#define TM_DIR(x) (vb > 4 * (x) || (vb == 4 * (x) && !eb) ? 1 : (vb == 4 * (x) ? 0 : -1))
    uint64_t s  = vb >> 2;
    uint64_t sp = s / 10 * 10, tp = sp + 10;
    uint64_t d;
    if(TM_IN_LOW(sp) || TM_IN_HIGH(tp))
    {
        /* a multiple of ten: fewer digits, and no other candidate has as few */
        d    = TM_IN_LOW(sp) ? sp : tp;
        *dir = TM_DIR(d);
        d /= 10;
        ++k;
        for(int z = 8; z > 0; z /= 2) /* the zeros left: at most 15 (d < 10^16) */
            if(d % tm__pow10[z] == 0)
            {
                d /= tm__pow10[z];
                k += z;
            }
    }
    else
    {
        uint64_t t   = s + 1;
        bool     uin = TM_IN_LOW(s), win = TM_IN_HIGH(t);
        if(uin && win)
        {
            /* the nearer one; at an exact tie the even one */
            bool below = vb < 4 * s + 2 || (vb == 4 * s + 2 && eb && (s & 1) == 0);
            d          = below ? s : t;
        }
        else if(uin || win)
            d = uin ? s : t;
        else
            return false;
        /* not a multiple of ten (that one would have been found above): no zeros to strip */
        *dir = TM_DIR(d);
    }
#undef TM_IN_LOW
#undef TM_IN_HIGH
#undef TM_DIR
    *digits = d;
    *exp10  = k;
    return true;
}

static const char tm__digit_pairs[] = "00010203040506070809101112131415161718192021222324252627282930"
                                      "31323334353637383940414243444546474849505152535455565758596061"
                                      "62636465666768697071727374757677787980818283848586878889909192"
                                      "93949596979899";

static inline int tm__ndigits(uint64_t v)
{
#if defined(__GNUC__)
    /* bits * log10(2), then one comparison (1233 / 4096 ~ log10(2)) */
    int t = (int) (((64 - __builtin_clzll(v | 1)) * 1233) >> 12); /* t < 20 */
    int n = t + (v >= tm__pow10[t]);
    return n ? n : 1;
#else
    int n = 1;
    while(n < 20 && v >= tm__pow10[n]) ++n;
    return n;
#endif
}

/* the n decimal digits of v (zero-padded on the left) at p */
static inline void tm__fmt_digits(char* p, uint64_t v, int n)
{
    char* q = p + n;
    while(q - p >= 2)
    {
        q -= 2;
        memcpy(q, tm__digit_pairs + 2 * (v % 100), 2);
        v /= 100;
    }
    if(q > p) *--q = (char) ('0' + v % 10);
}

char* tm__fmt_u64(char* p, uint64_t v)
{
    int n = tm__ndigits(v);
    tm__fmt_digits(p, v, n);
    return p + n;
}

char* tm__fmt_i64(char* p, int64_t v)
{
    if(v < 0)
    {
        *p++ = '-';
        return tm__fmt_u64(p, (uint64_t) 0 - (uint64_t) v);
    }
    return tm__fmt_u64(p, (uint64_t) v);
}

/* "e+05", "e-308": printf's exponent, at least two digits */
static inline char* tm__fmt_exponent(char* p, int x)
{
    *p++ = 'e';
    *p++ = x < 0 ? '-' : '+';
    unsigned a = (unsigned) (x < 0 ? -x : x);
    if(a >= 100)
    {
        *p++ = (char) ('0' + a / 100);
        a %= 100;
    }
    memcpy(p, tm__digit_pairs + 2 * a, 2);
    return p + 2;
}

/* The former conversion, kept for what tm__shortest leaves undecided (nothing, for doubles):
 * the fewest of 15, 16, 17 significant digits that read back. */
size_t tm__json_double_slow;

static char* tm__fmt_json_double_printf(char* p, double v)
{
    ++tm__json_double_slow;
    char text[40];
    snprintf(text, sizeof(text), "%.15g", v);
    if(strtod(text, NULL) != v) snprintf(text, sizeof(text), "%.16g", v);
    if(strtod(text, NULL) != v) snprintf(text, sizeof(text), "%.17g", v);
    if(!strpbrk(text, ".eEn")) strcat(text, ".0");
    size_t n = strlen(text);
    memcpy(p, text, n);
    return p + n;
}

char* tm__fmt_json_double(char* p, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof(bits));
    /* JSON has no NaN/Inf: they become 0.0 so every document loads everywhere */
    if(((bits >> 52) & 0x7ff) == 0x7ff) bits = 0;
    if(bits >> 63) *p++ = '-';
    bits &= ~(UINT64_C(1) << 63);
    if(bits == 0)
    {
        memcpy(p, "0.0", 3);
        return p + 3;
    }
    uint64_t d;
    int      k, dir;
    if(TM_UNLIKELY(!tm__shortest(bits, &d, &k, &dir)))
    {
        memcpy(&v, &bits, sizeof(v));
        return tm__fmt_json_double_printf(p, v);
    }
    /* the layout of printf's %.{P}g, P = max(15, digits), as the former conversion had it */
    int  n = tm__ndigits(d);
    int  x = k + n - 1; /* exponent of the first digit */
    char dig[20];
    tm__fmt_digits(dig, d, n);
    if(x < -4 || x >= (n > 15 ? n : 15))
    {
        *p++ = dig[0];
        if(n > 1)
        {
            *p++ = '.';
            memcpy(p, dig + 1, (size_t) (n - 1));
            p += n - 1;
        }
        return tm__fmt_exponent(p, x);
    }
    if(x < 0)
    {
        memcpy(p, "0.0000", (size_t) (1 - x));
        p += 1 - x;
        memcpy(p, dig, (size_t) n);
        return p + n;
    }
    if(x >= n - 1)
    {
        /* integral: the digits, the zeros, and ".0" keeps it recognisable as a float */
        memcpy(p, dig, (size_t) n);
        p += n;
        memset(p, '0', (size_t) (x - n + 1));
        p += x - n + 1;
        memcpy(p, ".0", 2);
        return p + 2;
    }
    memcpy(p, dig, (size_t) (x + 1));
    p += x + 1;
    *p++ = '.';
    memcpy(p, dig + x + 1, (size_t) (n - x - 1));
    return p + (n - x - 1);
}

/* |v| * 10^s, |s| <= 22, in one correctly rounded operation (those powers of ten are exact):
 * within half a unit in the last place of the exact product. */
static double tm__scale10(double a, int s)
{
    static const double p10[23] = { 1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                    1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                    1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };
    return s >= 0 ? a * p10[s] : a / p10[-s];
}

/* The kept digits of printf's rounding from v scaled in double arithmetic, when that decides
 * them: the scale is a power of ten up to 10^22 (one rounding, a part in 10^16 at most) and the
 * scaled value is below 10^14 and not within 10^-15 of itself of a half. mant: precision + 1
 * digits (scientific, *x the exponent) or v * 10^precision. */
static bool tm__fixed_quick(double a, int be, int precision, bool scientific, uint64_t* mant,
                            int* x)
{
    int s = precision;
    if(scientific)
    {
        /* a in [2^(be - 1023), 2^(be - 1022)): the exponent or one less */
        *x = tm__floor_shift((int64_t) (be - 1023) * 1262611, 22);
        s  = precision - *x;
    }
    if(s > 22 || s < -21) return false; /* s - 1 below must stay in the table too */
    double y = tm__scale10(a, s);
    if(scientific)
    {
        /* one digit too many: from 10^(precision + 1) - 0.5 on it rounds up to that */
        double top = (double) tm__pow10[precision + 1] - 0.5;
        if(fabs(y - top) <= y * 1e-15) return false;
        if(y > top)
        {
            ++*x;
            y = tm__scale10(a, --s);
        }
    }
    if(!(y < 1e14)) return false;
    double whole = floor(y), frac = y - whole;
    if(fabs(frac - 0.5) <= y * 1e-15 + 1e-300) return false;
    *mant = (uint64_t) whole + (frac > 0.5);
    if(scientific && *mant >= tm__pow10[precision + 1])
    {
        *mant = tm__pow10[precision];
        ++*x;
    }
    return true;
}

size_t tm__format_fixed(char* out, size_t cap, double v, int precision, bool scientific,
                        bool alt)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof(bits));
    bool     negative = bits >> 63;
    uint64_t mag      = bits & ~(UINT64_C(1) << 63);
    int      be       = (int) (mag >> 52);
    char     text[64];
    char*    p = text;
    uint64_t mant = 0; /* scientific: precision + 1 digits; fixed: v * 10^precision */
    int      x    = 0;
    /* from the shortest digits when they decide printf's rounding: the rounded position must
     * be coarser than the double's spacing (15 significant digits); else printf itself */
    bool fast = precision >= 0 && be != 0x7ff && (mag == 0 || be != 0) &&
                (scientific ? precision <= 13 : precision <= 17);
    double a = fabs(v);
    if(fast && mag != 0 && !tm__fixed_quick(a, be, precision, scientific, &mant, &x))
    {
        uint64_t d;
        int      k, dir;
        fast = tm__shortest(mag, &d, &k, &dir);
        if(fast)
        {
            int n = tm__ndigits(d);
            x     = k + n - 1;
            /* the digits kept, and the ones dropped (rounded half to even on the exact v) */
            int drop = scientific ? n - (precision + 1) : -(k + precision);
            if(!scientific && x + precision + 2 > 15) fast = false;
            else if(drop <= 0)
                mant = d * tm__pow10[-drop];
            else if(drop > n)
                mant = 0;
            else
            {
                uint64_t div = tm__pow10[drop], rem = d % div, half = div / 2;
                mant         = d / div;
                if(rem > half || (rem == half && (dir > 0 || (dir == 0 && (mant & 1)))))
                    ++mant;
                if(scientific && mant == tm__pow10[precision + 1])
                {
                    mant = tm__pow10[precision];
                    ++x;
                }
            }
        }
    }
    if(!fast)
    {
        int len = snprintf(out, cap, scientific ? (alt ? "%#.*e" : "%.*e") : (alt ? "%#.*f" : "%.*f"),
                           precision, v);
        return len < 0 ? 0 : ((size_t) len < cap ? (size_t) len : cap - 1);
    }
    if(negative) *p++ = '-';
    if(scientific)
    {
        char dig[20];
        tm__fmt_digits(dig, mant, precision + 1);
        *p++ = dig[0];
        if(precision > 0 || alt) *p++ = '.';
        memcpy(p, dig + 1, (size_t) precision);
        p = tm__fmt_exponent(p + precision, mant == 0 ? 0 : x);
    }
    else
    {
        p = tm__fmt_u64(p, mant / tm__pow10[precision]);
        if(precision > 0 || alt) *p++ = '.';
        tm__fmt_digits(p, mant % tm__pow10[precision], precision);
        p += precision;
    }
    size_t len = (size_t) (p - text);
    if(cap == 0) return 0;
    if(len >= cap) len = cap - 1;
    memcpy(out, text, len);
    out[len] = '\0';
    return len;
}

/* ---- tm__buf ------------------------------------------------------------------------------ */

void tm__buf_init(tm__buf* b) { memset(b, 0, sizeof(*b)); }

void tm__buf_free(tm__buf* b)
{
    if(b->stream) tm__buf_stream_close(b, false); /* never completed: no file */
    free(b->data);
    tm__buf_init(b);
}

#define TM_STREAM_CHUNK ((size_t) 1 << 20) /* a streaming buffer hands off once it holds this */

/* The bytes of an output file written so far (the progress line, output_progress.c). */
static void tm__progress_add(size_t n)
{
    void (*hook)(size_t) = __atomic_load_n(&tm__write_progress, __ATOMIC_ACQUIRE);
    if(hook) hook(n);
}

static bool tm__write_all(int fd, const char* data, size_t len)
{
    while(len > 0)
    {
        ssize_t n = write(fd, data, len);
        if(n < 0 && errno == EINTR) continue;
        if(n <= 0) return false;
        data += n;
        len -= (size_t) n;
        tm__progress_add((size_t) n);
    }
    return true;
}

/* A file being written while its text is made: full chunks go to a thread of their own that
 * writes them (the copy into the page cache overlaps the formatting), or are written in place
 * when no thread could be started. */
typedef struct tm__stream {
    int             fd;
    char*           path;
    char*           tmp;
    bool            threaded;
    pthread_t       thread;
    pthread_mutex_t lock;
    pthread_cond_t  cond;
    char*           chunk; /* handed to the thread, or NULL */
    size_t          chunk_len;
    char*           spare; /* a written chunk to fill again */
    size_t          spare_cap;
    bool            stop;
    int             error; /* errno of a failed write, or 0 */
} tm__stream;

static void* tm__stream_main(void* arg)
{
    tm__stream* s = arg;
    pthread_mutex_lock(&s->lock);
    for(;;)
    {
        while(!s->chunk && !s->stop) pthread_cond_wait(&s->cond, &s->lock);
        if(!s->chunk) break;
        char*  data = s->chunk;
        size_t len  = s->chunk_len;
        pthread_mutex_unlock(&s->lock);
        bool ok = s->error == 0 && tm__write_all(s->fd, data, len);
        int  err = errno;
        pthread_mutex_lock(&s->lock);
        if(!ok && !s->error) s->error = err ? err : EIO;
        s->spare = data;
        s->chunk = NULL;
        pthread_cond_broadcast(&s->cond);
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

/* Hands what b holds (not what is held) to the file; b keeps the rest at the front of a
 * chunk of its own. */
static bool tm__buf_flush(tm__buf* b)
{
    tm__stream* s = b->stream;
    size_t      n = b->len;
    if(b->held && b->held - 1 - b->flushed < n) n = b->held - 1 - b->flushed;
    if(n == 0) return true;
    if(!s->threaded)
    {
        if(!tm__write_all(s->fd, b->data, n))
        {
            s->error  = errno ? errno : EIO;
            b->failed = true;
            return false;
        }
        memmove(b->data, b->data + n, b->len - n);
    }
    else
    {
        pthread_mutex_lock(&s->lock);
        while(s->chunk) pthread_cond_wait(&s->cond, &s->lock);
        char*  next = s->spare;
        size_t cap  = s->spare_cap;
        s->spare    = NULL;
        bool failed = s->error != 0;
        pthread_mutex_unlock(&s->lock);
        if(failed)
        {
            free(next);
            b->failed = true;
            return false;
        }
        if(!next || cap < b->cap)
        {
            free(next);
            next = malloc(b->cap);
            cap  = b->cap;
            if(!next)
            {
                b->failed = true;
                return false;
            }
        }
        /* the thread reads [0, n) of the old chunk while the rest is copied out of it */
        memcpy(next, b->data + n, b->len - n);
        pthread_mutex_lock(&s->lock);
        s->chunk     = b->data;
        s->chunk_len = n;
        s->spare_cap = b->cap;
        pthread_cond_broadcast(&s->cond);
        pthread_mutex_unlock(&s->lock);
        b->data = next;
        b->cap  = cap;
    }
    b->len -= n;
    b->flushed += n;
    b->data[b->len] = '\0';
    return true;
}

static bool tm__buf_reserve(tm__buf* b, size_t extra)
{
    if(b->failed) return false;
    if(b->len + extra + 1 <= b->cap) return true;
    if(b->stream && b->len >= TM_STREAM_CHUNK / 2)
    {
        if(!tm__buf_flush(b)) return false;
        if(b->len + extra + 1 <= b->cap) return true;
    }
    size_t cap = b->cap ? b->cap : 256;
    while(cap < b->len + extra + 1) cap *= 2;
    char* p = realloc(b->data, cap);
    if(!p)
    {
        b->failed = true;
        return false;
    }
    b->data = p;
    b->cap  = cap;
    return true;
}

void tm__buf_append(tm__buf* b, const char* s, size_t n)
{
    if(!tm__buf_reserve(b, n)) return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void tm__buf_puts(tm__buf* b, const char* s) { tm__buf_append(b, s, strlen(s)); }

void tm__buf_putc(tm__buf* b, char c) { tm__buf_append(b, &c, 1); }

void tm__buf_printf(tm__buf* b, const char* fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if(n < 0 || !tm__buf_reserve(b, (size_t) n))
    {
        va_end(ap2);
        return;
    }
    vsnprintf(b->data + b->len, (size_t) n + 1, fmt, ap2);
    va_end(ap2);
    b->len += (size_t) n;
}

char* tm__buf_space(tm__buf* b, size_t n)
{
    return tm__buf_reserve(b, n) ? b->data + b->len : NULL;
}

void tm__buf_commit(tm__buf* b, const char* end)
{
    b->len          = (size_t) (end - b->data);
    b->data[b->len] = '\0';
}

void tm__buf_u64(tm__buf* b, uint64_t v)
{
    char* p = tm__buf_space(b, 20);
    if(p) tm__buf_commit(b, tm__fmt_u64(p, v));
}

void tm__buf_i64(tm__buf* b, int64_t v)
{
    char* p = tm__buf_space(b, 21);
    if(p) tm__buf_commit(b, tm__fmt_i64(p, v));
}

char* tm__fmt_json_string(char* p, const char* s)
{
    static const char hex[] = "0123456789abcdef";
    *p++                    = '"';
    for(const unsigned char* u = (const unsigned char*) (s ? s : ""); *u; ++u)
    {
        unsigned char c = *u;
        if(c >= 0x20 && c != '"' && c != '\\')
        {
            *p++ = (char) c;
            continue;
        }
        *p++ = '\\';
        switch(c)
        {
            case '"': *p++ = '"'; break;
            case '\\': *p++ = '\\'; break;
            case '\n': *p++ = 'n'; break;
            case '\r': *p++ = 'r'; break;
            case '\t': *p++ = 't'; break;
            case '\b': *p++ = 'b'; break;
            case '\f': *p++ = 'f'; break;
            default:
                memcpy(p, "u00", 3);
                p[3] = hex[c >> 4];
                p[4] = hex[c & 15];
                p += 5;
        }
    }
    *p++ = '"';
    return p;
}

void tm__buf_json_string(tm__buf* b, const char* s)
{
    size_t n = s ? strlen(s) : 0;
    char*  p = n < SIZE_MAX / 8 ? tm__buf_space(b, 2 + 6 * n) : NULL;
    if(p)
        tm__buf_commit(b, tm__fmt_json_string(p, s));
    else
        b->failed = true;
}

void tm__buf_json_double(tm__buf* b, double v)
{
    char* p = tm__buf_space(b, TM_JSON_DOUBLE_MAX);
    if(p) tm__buf_commit(b, tm__fmt_json_double(p, v));
}

static void tm__stream_free(tm__stream* s)
{
    free(s->path);
    free(s->tmp);
    free(s->spare);
    free(s);
}

int tm__buf_stream_open(tm__buf* b, const char* path)
{
    tm__buf_init(b);
    char dir[4096];
    if(!path || strlen(path) >= sizeof(dir) - 32) return TIMEMORY_EINVAL;
    strcpy(dir, path);
    char* slash = strrchr(dir, '/');
    if(slash)
    {
        *slash = '\0';
        if(tm__mkdir_p(dir) != TIMEMORY_OK) return TIMEMORY_EIO;
    }
    char tmp[4096 + 64];
    snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long) getpid());
    tm__stream* s = calloc(1, sizeof(*s));
    if(s)
    {
        s->path = tm__strdup(path);
        s->tmp  = tm__strdup(tmp);
    }
    b->data = malloc(TM_STREAM_CHUNK);
    if(!s || !s->path || !s->tmp || !b->data)
    {
        if(s) tm__stream_free(s);
        free(b->data);
        tm__buf_init(b);
        return TIMEMORY_ENOMEM;
    }
    b->cap = TM_STREAM_CHUNK;
    s->fd  = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if(s->fd < 0)
    {
        int err = errno;
        tm__stream_free(s);
        tm__buf_free(b);
        errno = err;
        return TIMEMORY_EIO;
    }
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->cond, NULL);
    s->threaded = pthread_create(&s->thread, NULL, tm__stream_main, s) == 0;
    b->stream   = s;
    return TIMEMORY_OK;
}

int tm__buf_stream_close(tm__buf* b, bool keep)
{
    tm__stream* s = b->stream;
    if(!s) return TIMEMORY_EINVAL;
    b->held = 0;
    int rc  = b->failed ? TIMEMORY_ENOMEM : TIMEMORY_OK;
    if(rc == TIMEMORY_OK && keep && !tm__buf_flush(b)) rc = TIMEMORY_EIO;
    if(s->threaded)
    {
        pthread_mutex_lock(&s->lock);
        s->stop = true;
        pthread_cond_broadcast(&s->cond);
        pthread_mutex_unlock(&s->lock);
        pthread_join(s->thread, NULL);
    }
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->cond);
    int err = s->error;
    if(err && rc == TIMEMORY_OK) rc = TIMEMORY_EIO;
    if(close(s->fd) != 0 && rc == TIMEMORY_OK)
    {
        err = errno;
        rc  = TIMEMORY_EIO;
    }
    if(rc == TIMEMORY_OK && keep && rename(s->tmp, s->path) != 0)
    {
        err = errno;
        rc  = TIMEMORY_EIO;
    }
    if(rc != TIMEMORY_OK || !keep) unlink(s->tmp);
    tm__stream_free(s);
    b->stream = NULL;
    tm__buf_free(b);
    errno = err;
    return keep ? rc : TIMEMORY_OK;
}

size_t tm__buf_hold(tm__buf* b)
{
    size_t mark = b->flushed + b->len;
    b->held     = mark + 1;
    return mark;
}

const char* tm__buf_held(const tm__buf* b, size_t mark)
{
    return b->data ? b->data + (mark - b->flushed) : NULL;
}

void tm__buf_release(tm__buf* b) { b->held = 0; }

char* tm__buf_take(tm__buf* b)
{
    if(b->failed)
    {
        tm__buf_free(b);
        return NULL;
    }
    if(!b->data) tm__buf_reserve(b, 0);
    char* p = b->data;
    if(p) p[b->len] = '\0';
    tm__buf_init(b);
    return p;
}

/* ---- files -------------------------------------------------------------------------------- */

int tm__mkdir_p(const char* dir)
{
    if(!dir || !*dir) return TIMEMORY_OK;
    char path[4096];
    if(strlen(dir) >= sizeof(path)) return TIMEMORY_EINVAL;
    strcpy(path, dir);
    for(char* p = path + 1; *p; ++p)
    {
        if(*p != '/') continue;
        *p = '\0';
        if(mkdir(path, 0755) != 0 && errno != EEXIST) return TIMEMORY_EIO;
        *p = '/';
    }
    if(mkdir(path, 0755) != 0 && errno != EEXIST) return TIMEMORY_EIO;
    struct stat st;
    if(stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
    {
        errno = ENOTDIR;
        return TIMEMORY_EIO;
    }
    return TIMEMORY_OK;
}

int tm__write_file_atomic(const char* path, const char* data, size_t len)
{
    char dir[4096];
    if(!path || strlen(path) >= sizeof(dir) - 32) return TIMEMORY_EINVAL;
    strcpy(dir, path);
    char* slash = strrchr(dir, '/');
    if(slash)
    {
        *slash = '\0';
        if(tm__mkdir_p(dir) != TIMEMORY_OK) return TIMEMORY_EIO;
    }
    char tmp[4096 + 64];
    snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long) getpid());
    FILE* f = fopen(tmp, "wb");
    if(!f) return TIMEMORY_EIO;
    bool ok = fwrite(data, 1, len, f) == len;
    ok      = (fflush(f) == 0) && ok;
    if(ok) tm__progress_add(len);
    int err = errno;
    ok      = (fclose(f) == 0) && ok;
    if(!ok || rename(tmp, path) != 0)
    {
        err = errno ? errno : err;
        unlink(tmp);
        errno = err;
        return TIMEMORY_EIO;
    }
    return TIMEMORY_OK;
}
