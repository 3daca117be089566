/* settings_parse.c -- settings' values as text (spec SETTINGS.md 3.1, 3.2, 3.4): parsing the
 * text of the environment, config files and the API into a setting's type, checking it against
 * the row (bounds, choices, unit names, sort_key spellings), the one-line warning of a refused
 * value, and the unit multipliers of timing_units/memory_units. The store is settings.c's.
 * Policy: a bad value never changes a setting; why says what was expected.
 */
#include "settings_impl.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------------------------------------ */
/* units (spec SETTINGS.md 3.4)                                                                */

typedef struct unit_def {
    const char* repr;
    double      factor; /* timing: units per second; memory: bytes per unit */
    const char* names[4];
} unit_def;

static const unit_def timing_units[] = {
    { "psec", 1e12, { "ps", "psec", "picosecond", "picoseconds" } },
    { "nsec", 1e9, { "ns", "nsec", "nanosecond", "nanoseconds" } },
    { "usec", 1e6, { "us", "usec", "microsecond", "microseconds" } },
    { "msec", 1e3, { "ms", "msec", "millisecond", "milliseconds" } },
    { "csec", 1e2, { "cs", "csec", "centisecond", "centiseconds" } },
    { "dsec", 1e1, { "ds", "dsec", "decisecond", "deciseconds" } },
    { "sec", 1.0, { "s", "sec", "second", "seconds" } },
    { "min", 1.0 / 60.0, { "min", "minute", "minutes", NULL } },
    { "hr", 1.0 / 3600.0, { "hr", "hour", "hours", NULL } },
};

static const unit_def memory_units[] = {
    { "byte", 1.0, { "b", "byte", "bytes", NULL } },
    { "kb", 1e3, { "kb", "kilobyte", "kilobytes", NULL } },
    { "mb", 1e6, { "mb", "megabyte", "megabytes", NULL } },
    { "gb", 1e9, { "gb", "gigabyte", "gigabytes", NULL } },
    { "tb", 1e12, { "tb", "terabyte", "terabytes", NULL } },
    { "pb", 1e15, { "pb", "petabyte", "petabytes", NULL } },
    { "kib", 1024.0, { "kib", "kibibyte", "kibibytes", NULL } },
    { "mib", 1048576.0, { "mib", "mebibyte", "mebibytes", NULL } },
    { "gib", 1073741824.0, { "gib", "gibibyte", "gibibytes", NULL } },
    { "tib", 1099511627776.0, { "tib", "tebibyte", "tebibytes", NULL } },
    { "pib", 1125899906842624.0, { "pib", "pebibyte", "pebibytes", NULL } },
};

/* Index of the unit named s (case-insensitive), -1 for "" (default), -2 when unknown. */
static int find_unit(const unit_def* units, int n, const char* s)
{
    if(!s || !*s) return -1;
    for(int u = 0; u < n; ++u)
        for(int k = 0; k < 4 && units[u].names[k]; ++k)
            if(strcasecmp(s, units[u].names[k]) == 0) return u;
    return -2;
}

/* The resolved unit is cached as (generation << 8 | index + 1): one atomic word, so readers
 * never see a generation paired with another generation's unit. */
static _Atomic uint64_t timing_cache = UINT64_MAX;
static _Atomic uint64_t memory_cache = UINT64_MAX;

static int cached_unit(_Atomic uint64_t* cache, int idx, const unit_def* units, int n)
{
    unsigned gen    = __atomic_load_n(&tm__settings_generation, __ATOMIC_ACQUIRE);
    uint64_t packed = atomic_load_explicit(cache, memory_order_acquire);
    if((packed >> 8) == (uint64_t)gen) return (int)(packed & 0xff) - 1;
    tm__settings_lock();
    gen       = __atomic_load_n(&tm__settings_generation, __ATOMIC_ACQUIRE);
    int found = find_unit(units, n, *(char**)tm__setting_field(idx));
    if(found < -1) found = -1; /* only a direct write can store an unknown unit */
    atomic_store_explicit(cache, ((uint64_t)gen << 8) | (uint64_t)(found + 1),
                          memory_order_release);
    tm__settings_unlock();
    return found;
}

double tm__timing_unit_per_sec(void)
{
    int u = cached_unit(&timing_cache, TM_IDX_timing_units, timing_units, TM_NELEM(timing_units));
    return u < 0 ? 1.0 : timing_units[u].factor;
}

const char* tm__timing_unit_repr(void)
{
    int u = cached_unit(&timing_cache, TM_IDX_timing_units, timing_units, TM_NELEM(timing_units));
    return u < 0 ? "sec" : timing_units[u].repr;
}

double tm__memory_unit_bytes(void)
{
    int u = cached_unit(&memory_cache, TM_IDX_memory_units, memory_units, TM_NELEM(memory_units));
    return u < 0 ? 1e6 : memory_units[u].factor;
}

const char* tm__memory_unit_repr(void)
{
    int u = cached_unit(&memory_cache, TM_IDX_memory_units, memory_units, TM_NELEM(memory_units));
    return u < 0 ? "MB" : memory_units[u].repr;
}

/* ---- sort_key: the canonical names (TM_SORT_* order) and the peers' spellings ---------------- */

static const char* const sort_keys[][6] = {
    { "none", "", "call", "calls-order", "order", NULL },
    { "inclusive", "cumulative", "cumtime", "cum", "total", "time" },
    { "self", "exclusive", "tottime", "tot", NULL, NULL },
    { "count", "calls", "ncalls", "laps", NULL, NULL },
    { "name", "label", NULL, NULL, NULL, NULL },
};

/* TM_SORT_* of s (case-insensitive, surrounding blanks ignored), -1 when unknown. */
static int find_sort_key(const char* s)
{
    if(!s) return TM_SORT_NONE;
    while(isspace((unsigned char)*s)) ++s;
    size_t n = strlen(s);
    while(n > 0 && isspace((unsigned char)s[n - 1])) --n;
    for(int k = 0; k < TM_NELEM(sort_keys); ++k)
        for(int j = 0; j < 6 && sort_keys[k][j]; ++j)
            if(strlen(sort_keys[k][j]) == n && strncasecmp(s, sort_keys[k][j], n) == 0) return k;
    return -1;
}

int tm__sort_key(void)
{
    tm__settings_lock();
    int k = find_sort_key(tm__settings.sort_key);
    tm__settings_unlock();
    return k < 0 ? TM_SORT_NONE : k;
}

/* ------------------------------------------------------------------------------------------ */
/* parsing text (spec SETTINGS.md 3.1, 3.2)                                                    */

static const char* skip_space(const char* s)
{
    while(*s && isspace((unsigned char)*s)) ++s;
    return s;
}

/* Copy of s without surrounding white space (NULL on allocation failure). */
static char* trimmed_copy(const char* s)
{
    s        = skip_space(s);
    size_t n = strlen(s);
    while(n > 0 && isspace((unsigned char)s[n - 1])) --n;
    char* out = malloc(n + 1);
    if(!out) return NULL;
    memcpy(out, s, n);
    out[n] = '\0';
    return out;
}

static int parse_bool_text(const char* t, bool* out)
{
    static const char* const falses[] = { "off", "false", "no", "n", "f" };
    static const char* const trues[]  = { "on", "true", "yes", "y", "t" };
    if(!*t)
    {
        *out = true; /* a bare flag enables */
        return TIMEMORY_OK;
    }
    if(strspn(t, "0123456789") == strlen(t))
    {
        *out = strcmp(t, "0") != 0;
        return TIMEMORY_OK;
    }
    for(int k = 0; k < 5; ++k)
    {
        if(strcasecmp(t, falses[k]) == 0)
        {
            *out = false;
            return TIMEMORY_OK;
        }
        if(strcasecmp(t, trues[k]) == 0)
        {
            *out = true;
            return TIMEMORY_OK;
        }
    }
    return TIMEMORY_EVALUE;
}

/* Checks a string value of setting i; *canonical is the stored spelling (choices). */
static int check_string(int i, const char* s, const char** canonical, char* why, size_t n)
{
    *canonical = s;
    if(i == TM_IDX_timing_units && find_unit(timing_units, TM_NELEM(timing_units), s) < -1)
    {
        snprintf(why, n,
                 "unknown timing unit (use psec, nsec, usec, msec, csec, dsec, sec, "
                 "min, hr or their long names)");
        return TIMEMORY_EVALUE;
    }
    if(i == TM_IDX_memory_units && find_unit(memory_units, TM_NELEM(memory_units), s) < -1)
    {
        snprintf(why, n,
                 "unknown memory unit (use byte, kb, mb, gb, tb, pb, kib, mib, gib, "
                 "tib, pib or their long names)");
        return TIMEMORY_EVALUE;
    }
    if(i == TM_IDX_sort_key)
    {
        int k = find_sort_key(s);
        if(k < 0)
        {
            snprintf(why, n,
                     "expected one of: none (call order), inclusive (also cumulative, "
                     "total), self (also exclusive, tottime), count (also calls), name");
            return TIMEMORY_EVALUE;
        }
        *canonical = sort_keys[k][0];
        return TIMEMORY_OK;
    }
    const char* choices = tm__setting_choices(i);
    if(choices)
    {
        /* the stored spelling: the choice as tm__setting_choices lists it (static storage) */
        static const char* const known[] = { "op", "ai", "auto", "summary", "full", "on", "off" };
        for(int k = 0; k < TM_NELEM(known); ++k)
        {
            size_t      len = strlen(known[k]);
            const char* at  = strstr(choices, known[k]);
            bool listed = at && (at == choices || at[-1] == ',') && (!at[len] || at[len] == ',');
            if(listed && strcasecmp(s, known[k]) == 0)
            {
                *canonical = known[k];
                return TIMEMORY_OK;
            }
        }
        bool b;
        if(i == TM_IDX_output_progress && *s && parse_bool_text(s, &b) == TIMEMORY_OK)
        {
            *canonical = b ? "on" : "off"; /* ON, true, 1, no, ... as a boolean setting reads */
            return TIMEMORY_OK;
        }
        snprintf(why, n, "expected one of: %s", choices);
        return TIMEMORY_EVALUE;
    }
    return TIMEMORY_OK;
}

int tm__setting_check_int(int i, int64_t v, char* why, size_t n)
{
    if(v < tm__setting_descs[i].min || v > tm__setting_descs[i].max)
    {
        snprintf(why, n, "expected an integer in [%" PRId64 ", %" PRId64 "]",
                 tm__setting_descs[i].min, tm__setting_descs[i].max);
        return TIMEMORY_EVALUE;
    }
    return TIMEMORY_OK;
}

/* A double setting with bounds (min < max in the table) must lie within them. */
int tm__setting_check_double(int i, double v, char* why, size_t n)
{
    if(tm__setting_descs[i].min < tm__setting_descs[i].max &&
       (v < (double)tm__setting_descs[i].min || v > (double)tm__setting_descs[i].max))
    {
        snprintf(why, n, "expected a number in [%" PRId64 ", %" PRId64 "]",
                 tm__setting_descs[i].min, tm__setting_descs[i].max);
        return TIMEMORY_EVALUE;
    }
    return TIMEMORY_OK;
}

/* Parses text as setting i's type into *out (a string is a new heap copy). Nothing is
 * allocated on failure; why says what was expected. */
static int parse_text(int i, const char* text, setting_value* out, char* why, size_t n)
{
    memset(out, 0, sizeof(*out));
    if(tm__setting_descs[i].kind == TIMEMORY_SETTING_STRING)
    {
        const char* canonical = text;
        int         rc        = check_string(i, text, &canonical, why, n);
        if(rc != TIMEMORY_OK) return rc;
        out->s = tm__strdup(canonical);
        if(!out->s)
        {
            snprintf(why, n, "out of memory");
            return TIMEMORY_ENOMEM;
        }
        return TIMEMORY_OK;
    }
    char* t = trimmed_copy(text);
    if(!t)
    {
        snprintf(why, n, "out of memory");
        return TIMEMORY_ENOMEM;
    }
    int rc = TIMEMORY_OK;
    switch(tm__setting_descs[i].kind)
    {
    case TIMEMORY_SETTING_BOOL:
        rc = parse_bool_text(t, &out->b);
        if(rc != TIMEMORY_OK)
            snprintf(why, n, "expected a boolean (ON/OFF, true/false, yes/no, 1/0)");
        break;
    case TIMEMORY_SETTING_INT: {
        char* end   = NULL;
        errno       = 0;
        long long v = strtoll(t, &end, 10);
        if(!*t || *end || errno == ERANGE)
        {
            snprintf(why, n, "expected an integer in [%" PRId64 ", %" PRId64 "]",
                     tm__setting_descs[i].min, tm__setting_descs[i].max);
            rc = TIMEMORY_EVALUE;
        }
        else
        {
            out->i = (int64_t)v;
            rc     = tm__setting_check_int(i, out->i, why, n);
        }
        break;
    }
    case TIMEMORY_SETTING_DOUBLE: {
        char* end = NULL;
        errno     = 0;
        double v  = strtod(t, &end);
        if(!*t || *end || errno == ERANGE || !isfinite(v))
        {
            snprintf(why, n, "expected a finite number");
            rc = TIMEMORY_EVALUE;
        }
        else
        {
            out->d = v;
            rc     = tm__setting_check_double(i, v, why, n);
        }
        break;
    }
    case TIMEMORY_SETTING_STRING:
        break;
    }
    free(t);
    return rc;
}

/* One-line warning: "<what>="<value>" ignored: <why>; keeping <current>". */
void tm__setting_warn_value(const char* what, int i, const char* value, const char* why)
{
    tm__buf cur, val;
    tm__buf_init(&cur);
    tm__buf_init(&val);
    setting_value v;
    tm__settings_lock();
    tm__setting_load(i, &v);
    tm__setting_format(i, &v, &cur);
    tm__settings_unlock();
    /* the value is quoted on one line: control characters would break it */
    for(const char* p = value ? value : ""; *p; ++p)
        tm__buf_putc(&val, iscntrl((unsigned char)*p) ? '?' : *p);
    bool quote = tm__setting_descs[i].kind == TIMEMORY_SETTING_STRING;
    tm__warn("%s=\"%s\" ignored: %s; keeping %s%s%s", what, val.data ? val.data : "", why,
             quote ? "\"" : "", cur.data ? cur.data : "", quote ? "\"" : "");
    tm__buf_free(&cur);
    tm__buf_free(&val);
}

/* The environment is read at load and again by timemory_init: a bad TIMEMORY_<NAME> value is
 * said once per variable and value, however often it is read. */
void tm__setting_warn_env_once(int i, const char* env, const char* why)
{
    static _Atomic uint64_t warned[TM_NSETTINGS];
    uint64_t                seen = tm__hash_bytes(env, strlen(env)) | 1u;
    if(atomic_exchange(&warned[i], seen) != seen)
        tm__setting_warn_value(tm__setting_descs[i].env, i, env, why);
}

/* Parses and stores; returns TIMEMORY_OK or the parse error (nothing changed). */
int tm__setting_apply_text(int i, const char* text, int source, char* why, size_t n)
{
    setting_value v;
    int           rc = parse_text(i, text, &v, why, n);
    if(rc != TIMEMORY_OK) return rc;
    tm__settings_lock();
    tm__setting_store(i, &v, source);
    tm__settings_unlock();
    return TIMEMORY_OK;
}
