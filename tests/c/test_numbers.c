/* test_numbers.c -- the number writers of util.c against the C library: shortest round-trip
 * doubles (tm__fmt_json_double) read back by strtod, compared with the fewest correctly
 * rounded digits that read back and with the former %.15g/%.16g/%.17g conversion; printf's
 * %.*e / %.*f (tm__format_fixed) and integers (tm__fmt_u64/i64) byte for byte. */
#include "internal.h"
#include "tm_test.h"

#include <float.h>
#include <stdint.h>
#include <stdlib.h>

static double tm_from_bits(uint64_t bits)
{
    double v;
    memcpy(&v, &bits, sizeof(v));
    return v;
}

static uint64_t tm_rng_state = 0x243f6a8885a308d3ull;
static uint64_t tm_rng(void) /* splitmix64: the same sequence on every run */
{
    uint64_t z = (tm_rng_state += 0x9e3779b97f4a7c15ull);
    z          = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z          = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t tm_bits(double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof(bits));
    return bits;
}

static const char* tm_json(double v, char* out)
{
    char* end = tm__fmt_json_double(out, v);
    *end      = '\0';
    return out;
}

/* the former conversion: the fewest of 15, 16, 17 digits that read back, %g layout */
static void tm_old_json(double v, char* text, size_t len)
{
    snprintf(text, len, "%.15g", v);
    if(strtod(text, NULL) != v) snprintf(text, len, "%.16g", v);
    if(strtod(text, NULL) != v) snprintf(text, len, "%.17g", v);
    if(!strpbrk(text, ".eEn")) strcat(text, ".0");
}

/* A decimal text as its significant digits and the exponent of the last one
 * ("-1.250e-07" -> "125", -9); returns the number of digits. */
static int tm_decimal(const char* text, char* digits, int* exp10)
{
    int         n = 0, point = -1, after = 0;
    const char* p = text;
    for(; *p && *p != 'e'; ++p)
    {
        if(*p == '.')
        {
            point = 0;
            continue;
        }
        if(*p < '0' || *p > '9') continue;
        if(point >= 0) ++after;
        if(n == 0 && *p == '0') continue;
        digits[n++] = *p;
    }
    int e = *p == 'e' ? atoi(p + 1) : 0;
    e -= after;
    while(n > 0 && digits[n - 1] == '0')
    {
        --n;
        ++e;
    }
    digits[n] = '\0';
    *exp10    = e;
    return n;
}

/* JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool tm_is_json_number(const char* s)
{
    if(*s == '-') ++s;
    if(*s == '0')
        ++s;
    else if(*s >= '1' && *s <= '9')
        while(*s >= '0' && *s <= '9') ++s;
    else
        return false;
    if(*s == '.')
    {
        if(!(*++s >= '0' && *s <= '9')) return false;
        while(*s >= '0' && *s <= '9') ++s;
    }
    if(*s == 'e' || *s == 'E')
    {
        ++s;
        if(*s == '+' || *s == '-') ++s;
        if(!(*s >= '0' && *s <= '9')) return false;
        while(*s >= '0' && *s <= '9') ++s;
    }
    return *s == '\0';
}

typedef struct tm_json_stats {
    long checked;
    long bad;                 /* does not read back, is not JSON, or is longer than needed */
    long shorter;             /* fewer digits than the shortest correctly rounded one */
    long old_mismatch;        /* differs from the former conversion */
    long old_mismatch_normal; /* ... of them normal, not a power of two */
    long old_mismatch_pow2;
} tm_json_stats;

static void tm_check_json(double v, tm_json_stats* st)
{
    if(!isfinite(v)) return;
    char text[64], old[64];
    tm_json(v, text);
    ++st->checked;
    bool bad = !tm_is_json_number(text) || strtod(text, NULL) != v ||
               (signbit(v) != (text[0] == '-')) || !(strchr(text, '.') || strchr(text, 'e'));
    /* the fewest digits of a correctly rounded decimal that reads back */
    int  need = 17;
    char probe[64];
    for(int p = 1; p <= 17; ++p)
    {
        snprintf(probe, sizeof(probe), "%.*e", p - 1, v);
        if(strtod(probe, NULL) == v)
        {
            need = p;
            break;
        }
    }
    char gd[64], pd[64];
    int  ge, pe;
    int  got = tm_decimal(text, gd, &ge);
    tm_decimal(probe, pd, &pe);
    if(v == 0.0) got = need = 0;
    if(got > need) bad = true;
    if(got < need) ++st->shorter;
    /* the same length: it is that correctly rounded (nearest) decimal */
    if(got == need && v != 0.0 && (strcmp(gd, pd) != 0 || ge != pe)) bad = true;
    tm_old_json(v, old, sizeof(old));
    if(strcmp(old, text) != 0)
    {
        ++st->old_mismatch;
        /* a power of two has a narrower gap below: the former conversion could miss a
         * 16-digit decimal there and print 17 digits */
        if(fpclassify(v) == FP_NORMAL && (tm_bits(v) & 0x000fffffffffffffull) != 0)
            ++st->old_mismatch_normal;
        else if(fpclassify(v) == FP_NORMAL)
            ++st->old_mismatch_pow2;
    }
    if(bad)
    {
        if(st->bad < 10)
            fprintf(stderr, "  %a: \"%s\" (needs %d digits; former \"%s\")\n", v, text, need, old);
        ++st->bad;
    }
}

TM_TEST(numbers_json_double_examples)
{
    char                     text[64];
    static const double      values[]   = { 2.764e-06, 8.51e-07, 1.8420000000000001e-06,
                                            0.1,       1e-05,    123456.0,
                                            1e15,      1e16,     1e17,
                                            1e21,      5e-324,   1.7976931348623157e308,
                                            -0.0,      0.0001,   9007199254740993.0 };
    static const char* const expected[] = { "2.764e-06", "8.51e-07", "1.8420000000000001e-06",
                                            "0.1",       "1e-05",    "123456.0",
                                            "1e+15",     "1e+16",    "1e+17",
                                            "1e+21",     "5e-324",   "1.7976931348623157e+308",
                                            "-0.0",      "0.0001",   "9007199254740992.0" };
    for(size_t i = 0; i < sizeof(values) / sizeof(values[0]); ++i)
        CHECK_STR(tm_json(values[i], text), expected[i]);
    /* 2^53 + 2: 16 digits in %.16g's fixed layout */
    CHECK_STR(tm_json(9007199254740994.0, text), "9007199254740994.0");
    CHECK_STR(tm_json(123456789012345680.0, text), "1.2345678901234568e+17");
    CHECK_STR(tm_json(12345678901234568.0, text), "12345678901234568.0");
    CHECK_STR(tm_json(INFINITY, text), "0.0");
    CHECK_STR(tm_json(-NAN, text), "0.0");
}

TM_TEST(numbers_json_double_round_trip)
{
    tm_json_stats st;
    memset(&st, 0, sizeof(st));
    tm__json_double_slow = 0;
    /* random bit patterns (every exponent), and random values of every magnitude */
    for(int i = 0; i < 100000; ++i)
    {
        tm_check_json(tm_from_bits(tm_rng()), &st);
        double m = (double)(tm_rng() >> 11) / 9007199254740992.0;
        tm_check_json(ldexp(m, (int)(tm_rng() % 2100) - 1075), &st);
    }
    /* powers of ten and of two, and their neighbours */
    for(int e = -325; e <= 309; ++e)
    {
        char text[32];
        snprintf(text, sizeof(text), "1e%d", e);
        double v = strtod(text, NULL);
        tm_check_json(v, &st);
        tm_check_json(nextafter(v, 0.0), &st);
        tm_check_json(nextafter(v, INFINITY), &st);
    }
    for(int e = -1074; e <= 1023; ++e)
    {
        double v = ldexp(1.0, e);
        tm_check_json(v, &st);
        tm_check_json(nextafter(v, 0.0), &st);
        tm_check_json(nextafter(v, INFINITY), &st);
        tm_check_json(-v, &st);
    }
    /* subnormals, the smallest normal, the largest double */
    for(uint64_t c = 1; c <= 3000; ++c) tm_check_json(tm_from_bits(c), &st);
    for(uint64_t c = 0; c < 3000; ++c) tm_check_json(tm_from_bits(0x0010000000000000ull - c), &st);
    for(uint64_t c = 0; c < 3000; ++c) tm_check_json(tm_from_bits(0x0010000000000000ull + c), &st);
    for(uint64_t c = 0; c < 1000; ++c) tm_check_json(tm_from_bits(0x7fefffffffffffffull - c), &st);
    /* integers up to 2^53 and beyond, durations in seconds, milliseconds and microseconds */
    for(int64_t i = 0; i < 20000; ++i)
    {
        tm_check_json((double)i, &st);
        tm_check_json((double)i * 1e-9, &st);
        tm_check_json((double)i / 1000.0, &st);
        tm_check_json((double)(tm_rng() % 100000000000ull) * 1e-9, &st);
    }
    for(int64_t i = -2000; i <= 2000; ++i)
    {
        tm_check_json((double)(9007199254740992ll + i), &st);
        tm_check_json(18014398509481984.0 + 4.0 * (double)i, &st);
        tm_check_json(ldexp((double)(9007199254740992ll + i), 11), &st);
    }
    for(int i = 0; i < 20000; ++i) tm_check_json((double)tm_rng(), &st);
    printf("  %ld doubles: %ld wrong, %ld shorter than the fewest correctly rounded digits, "
           "%ld differ from the former conversion (%ld subnormal, %ld powers of two, %ld "
           "other), %zu by printf\n",
           st.checked, st.bad, st.shorter, st.old_mismatch,
           st.old_mismatch - st.old_mismatch_pow2 - st.old_mismatch_normal, st.old_mismatch_pow2,
           st.old_mismatch_normal, tm__json_double_slow);
    CHECK_INT(st.bad, 0);
    CHECK_INT(tm__json_double_slow, 0);
    /* the former conversion kept 15+ digits for subnormals and sometimes 17 at a power of
     * two: only they differ */
    CHECK_INT(st.old_mismatch_normal, 0);
    CHECK_INT(st.shorter, st.old_mismatch_pow2);
    CHECK(st.checked > 300000);
}

static void tm_check_fixed(double v, int precision, bool scientific, bool alt, long* bad)
{
    char expected[128], got[128];
    snprintf(expected, sizeof(expected),
             scientific ? (alt ? "%#.*e" : "%.*e") : (alt ? "%#.*f" : "%.*f"), precision, v);
    size_t n = tm__format_fixed(got, sizeof(got), v, precision, scientific, alt);
    if(strcmp(expected, got) != 0 || n != strlen(expected))
    {
        if(*bad < 10)
            fprintf(stderr, "  %a %s%d%s: \"%s\", printf \"%s\"\n", v, alt ? "#" : "", precision,
                    scientific ? "e" : "f", got, expected);
        ++*bad;
    }
}

TM_TEST(numbers_format_fixed_as_printf)
{
    long bad = 0, checked = 0;
    /* ties of the exact binary value, and values whose shortest digits sit on a tie */
    static const double ties[] = { 0.5,    1.5,     2.5,    0.125,  0.375,  1.0005,
                                   0.0005, 0.0015,  2.675,  1.005,  1e-4,   5e-4,
                                   9.9995, 99.95,   0.9999, 0.0625, 1e23,   1e22,
                                   5e-5,   1.25e-6, -0.0,   0.0,    -1e-10, 123456789012.5,
                                   4.35,   0.045 };
    for(size_t i = 0; i < sizeof(ties) / sizeof(ties[0]); ++i)
        for(int p = 0; p <= 6; ++p)
            for(int mode = 0; mode < 4; ++mode, ++checked)
                tm_check_fixed(ties[i], p, mode & 1, mode & 2, &bad);
    for(int i = 0; i < 100000; ++i)
    {
        /* times and percentages of every size, at the precisions the table uses and more */
        double m = (double)(tm_rng() >> 11) / 9007199254740992.0;
        double v = ldexp(m, (int)(tm_rng() % 160) - 100);
        if(tm_rng() & 1) v = -v;
        if(i % 4 == 0) v = (double)(tm_rng() % 100000) / pow(10.0, (double)(tm_rng() % 9));
        int p = (int)(tm_rng() % 18);
        for(int mode = 0; mode < 4; ++mode, ++checked)
            tm_check_fixed(v, p, mode & 1, mode & 2, &bad);
        tm_check_fixed(tm_from_bits(tm_rng()), 3, i & 1, true, &bad);
        ++checked;
    }
    printf("  %ld cells compared with printf\n", checked);
    CHECK_INT(bad, 0);
    /* truncated as snprintf truncates */
    char small[8];
    CHECK_INT(tm__format_fixed(small, sizeof(small), 123.456, 3, false, true), 7);
    CHECK_STR(small, "123.456");
    CHECK_INT(tm__format_fixed(small, sizeof(small), 1234.456, 3, false, true), 7);
    CHECK_STR(small, "1234.45");
}

TM_TEST(numbers_integers)
{
    static const int64_t values[] = { 0,
                                      1,
                                      9,
                                      10,
                                      99,
                                      100,
                                      12345,
                                      -1,
                                      -10,
                                      INT64_MAX,
                                      INT64_MIN,
                                      1000000000000000000ll,
                                      999999999999999999ll,
                                      4294967296ll,
                                      -4294967296ll };
    char                 buf[32], expected[32];
    for(size_t i = 0; i < sizeof(values) / sizeof(values[0]); ++i)
    {
        *tm__fmt_i64(buf, values[i]) = '\0';
        snprintf(expected, sizeof(expected), "%lld", (long long)values[i]);
        CHECK_STR(buf, expected);
    }
    *tm__fmt_u64(buf, UINT64_MAX) = '\0';
    CHECK_STR(buf, "18446744073709551615");
    for(int i = 0; i < 100000; ++i)
    {
        uint64_t v           = tm_rng() >> (tm_rng() % 64);
        *tm__fmt_u64(buf, v) = '\0';
        snprintf(expected, sizeof(expected), "%llu", (unsigned long long)v);
        if(strcmp(buf, expected) != 0) CHECK_STR(buf, expected);
    }
    tm__buf b;
    tm__buf_init(&b);
    tm__buf_u64(&b, 42);
    tm__buf_putc(&b, ',');
    tm__buf_i64(&b, -7);
    CHECK_STR(b.data, "42,-7");
    tm__buf_free(&b);
}
