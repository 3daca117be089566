/* numbers.c -- numbers as text without printf: integers from a digit-pair table, doubles in
 * JSON as the shortest decimal that reads back as the same double (tm__fmt_json_double), and
 * the table's fixed and scientific cells (tm__format_fixed), byte for byte as printf would
 * print them. Owns the table of powers of ten, built once at first use (pthread_once).
 */
#include "internal.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

#define TM_P10_MIN   (-292) /* 10^e for e = -k in [-292, 324] */
#define TM_P10_MAX   324
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
    __extension__ unsigned __int128 p = (unsigned __int128)a * b;
    *hi                               = (uint64_t)(p >> 64);
    return (uint64_t)p;
#else
    uint64_t a0 = (uint32_t)a, a1 = a >> 32, b0 = (uint32_t)b, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (uint32_t)p01 + (uint32_t)p10;
    *hi          = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
    return (mid << 32) | (uint32_t)p00;
#endif
}

/* floor(x / 2^s) for a signed x (the shift of a negative number is implementation-defined) */
static inline int tm__floor_shift(int64_t x, int s)
{
    return x >= 0 ? (int)(x >> s) : -(int)((-x + ((int64_t)1 << s) - 1) >> s);
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
        tm__p10_exp[e - TM_P10_MIN] = (int16_t)shift;
        uint64_t carry              = 0;
        for(int i = 0; i < TM_BIG_WORDS; ++i)
        {
            uint64_t x = (uint64_t)w[i] * 10u + carry;
            w[i]       = (uint32_t)x;
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
            w[i]       = (uint32_t)(x / 10u);
            rem        = x % 10u;
        }
        int shift;
        tm__big_top(w, &shift, &tm__p10_hi[e - TM_P10_MIN], &tm__p10_lo[e - TM_P10_MIN]);
        tm__p10_exp[e - TM_P10_MIN] = (int16_t)(shift - 1200);
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
    if((w1 & ((UINT64_C(1) << (h - 64)) - 1)) != 0 || w0 >= (UINT64_C(1) << (h - 66))) return true;
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
    int      be = (int)(bits >> 52);
    uint64_t m  = bits & ((UINT64_C(1) << 52) - 1);
    uint64_t c  = be ? m | (UINT64_C(1) << 52) : m;
    int      q  = be ? be - 1075 : -1074;
    /* at a power of two the gap below is half the gap above */
    bool asym = m == 0 && be > 1;
    /* k = floor(log10(2^q)), or floor(log10(3/4 * 2^q)): 1262611 / 2^22 ~ log10(2) (both
     * checked against exact powers for every q of a double) */
    int      k   = tm__floor_shift((int64_t)q * 1262611 - (asym ? 524031 : 0), 22);
    int      idx = -k - TM_P10_MIN;
    int      h   = -(q + tm__p10_exp[idx]); /* 122..125 */
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
#define TM_IN_LOW(x)  (4 * (x) > vbl || (closed && 4 * (x) == vbl && ebl))
#define TM_IN_HIGH(x) (4 * (x) < vbr || (4 * (x) == vbr && (closed || !ebr)))
#define TM_DIR(x)     (vb > 4 * (x) || (vb == 4 * (x) && !eb) ? 1 : (vb == 4 * (x) ? 0 : -1))
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

static const char tm__digit_pairs[] =
    "00010203040506070809101112131415161718192021222324252627282930"
    "31323334353637383940414243444546474849505152535455565758596061"
    "62636465666768697071727374757677787980818283848586878889909192"
    "93949596979899";

static inline int tm__ndigits(uint64_t v)
{
#if defined(__GNUC__)
    /* bits * log10(2), then one comparison (1233 / 4096 ~ log10(2)) */
    int t = (int)(((64 - __builtin_clzll(v | 1)) * 1233) >> 12); /* t < 20 */
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
    if(q > p) *--q = (char)('0' + v % 10);
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
        return tm__fmt_u64(p, (uint64_t)0 - (uint64_t)v);
    }
    return tm__fmt_u64(p, (uint64_t)v);
}

/* "e+05", "e-308": printf's exponent, at least two digits */
static inline char* tm__fmt_exponent(char* p, int x)
{
    *p++       = 'e';
    *p++       = x < 0 ? '-' : '+';
    unsigned a = (unsigned)(x < 0 ? -x : x);
    if(a >= 100)
    {
        *p++ = (char)('0' + a / 100);
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
            memcpy(p, dig + 1, (size_t)(n - 1));
            p += n - 1;
        }
        return tm__fmt_exponent(p, x);
    }
    if(x < 0)
    {
        memcpy(p, "0.0000", (size_t)(1 - x));
        p += 1 - x;
        memcpy(p, dig, (size_t)n);
        return p + n;
    }
    if(x >= n - 1)
    {
        /* integral: the digits, the zeros, and ".0" keeps it recognisable as a float */
        memcpy(p, dig, (size_t)n);
        p += n;
        memset(p, '0', (size_t)(x - n + 1));
        p += x - n + 1;
        memcpy(p, ".0", 2);
        return p + 2;
    }
    memcpy(p, dig, (size_t)(x + 1));
    p += x + 1;
    *p++ = '.';
    memcpy(p, dig + x + 1, (size_t)(n - x - 1));
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
        *x = tm__floor_shift((int64_t)(be - 1023) * 1262611, 22);
        s  = precision - *x;
    }
    if(s > 22 || s < -21) return false; /* s - 1 below must stay in the table too */
    double y = tm__scale10(a, s);
    if(scientific)
    {
        /* one digit too many: from 10^(precision + 1) - 0.5 on it rounds up to that */
        double top = (double)tm__pow10[precision + 1] - 0.5;
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
    *mant = (uint64_t)whole + (frac > 0.5);
    if(scientific && *mant >= tm__pow10[precision + 1])
    {
        *mant = tm__pow10[precision];
        ++*x;
    }
    return true;
}

size_t tm__format_fixed(char* out, size_t cap, double v, int precision, bool scientific, bool alt)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof(bits));
    bool     negative = bits >> 63;
    uint64_t mag      = bits & ~(UINT64_C(1) << 63);
    int      be       = (int)(mag >> 52);
    char     text[64];
    char*    p    = text;
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
            if(!scientific && x + precision + 2 > 15)
                fast = false;
            else if(drop <= 0)
                mant = d * tm__pow10[-drop];
            else if(drop > n)
                mant = 0;
            else
            {
                uint64_t div = tm__pow10[drop], rem = d % div, half = div / 2;
                mant = d / div;
                if(rem > half || (rem == half && (dir > 0 || (dir == 0 && (mant & 1))))) ++mant;
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
        int len =
            snprintf(out, cap, scientific ? (alt ? "%#.*e" : "%.*e") : (alt ? "%#.*f" : "%.*f"),
                     precision, v);
        return len < 0 ? 0 : ((size_t)len < cap ? (size_t)len : cap - 1);
    }
    if(negative) *p++ = '-';
    if(scientific)
    {
        char dig[20];
        tm__fmt_digits(dig, mant, precision + 1);
        *p++ = dig[0];
        if(precision > 0 || alt) *p++ = '.';
        memcpy(p, dig + 1, (size_t)precision);
        p = tm__fmt_exponent(p + precision, mant == 0 ? 0 : x);
    }
    else
    {
        p = tm__fmt_u64(p, mant / tm__pow10[precision]);
        if(precision > 0 || alt) *p++ = '.';
        tm__fmt_digits(p, mant % tm__pow10[precision], precision);
        p += precision;
    }
    size_t len = (size_t)(p - text);
    if(cap == 0) return 0;
    if(len >= cap) len = cap - 1;
    memcpy(out, text, len);
    out[len] = '\0';
    return len;
}
