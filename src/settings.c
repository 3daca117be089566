/* settings.c -- the settings registry: live values (tm__settings), defaults, parsing of text from
 * the environment, config files and the API, typed access by name, metadata JSON and the unit
 * multipliers of timing_units/memory_units. Not here: what a setting means, argv, Python.
 * Policy: a bad value never changes a setting: one warning line (environment, config) or an
 * error code (API). Strings are heap copies, replaced only under the settings lock. */
#include "internal.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

tm__settings_store tm__settings;
volatile unsigned  tm__settings_generation;

/* ------------------------------------------------------------------------------------------ */
/* the table, as data                                                                          */

enum {
#define TM_SETTING_INDEX(name, ...) TM_IDX_##name,
    TIMEMORY_SETTINGS(TM_SETTING_INDEX)
#undef TM_SETTING_INDEX
    TM_NSETTINGS
};

typedef struct setting_desc {
    const char*           name;
    const char*           env;
    timemory_setting_type kind;
    const char*           type_name;
    const char*           cli;
    const char*           description;
    size_t                offset;
    size_t                size;
    bool                  is_signed;
    int64_t               min;
    int64_t               max;
    bool                  def_bool;
    int64_t               def_int;
    double                def_double;
    const char*           def_string;
} setting_desc;

#define TM_DEFAULT_BOOL(d) .def_bool = (d)
#define TM_DEFAULT_INT(d) .def_int = (d)
#define TM_DEFAULT_DOUBLE(d) .def_double = (d)
#define TM_DEFAULT_STRING(d) .def_string = (d)
#define TM_SIGNED_BOOL(t) false
#define TM_SIGNED_INT(t) ((t) -1 < (t) 1)
#define TM_SIGNED_DOUBLE(t) true
#define TM_SIGNED_STRING(t) false

static const setting_desc descs[TM_NSETTINGS] = {
#define TM_SETTING_DESC(nm, ENV, kind_, ctype, tname, def, lo, hi, cli_, desc_)                 \
    { .name        = #nm,                                                                       \
      .env         = ENV,                                                                       \
      .kind        = TIMEMORY_SETTING_##kind_,                                                  \
      .type_name   = tname,                                                                     \
      .cli         = cli_,                                                                      \
      .description = desc_,                                                                     \
      .offset      = offsetof(tm__settings_store, nm),                                          \
      .size        = sizeof(ctype),                                                             \
      .is_signed   = TM_SIGNED_##kind_(ctype),                                                  \
      .min         = (lo),                                                                      \
      .max         = (hi),                                                                      \
      TM_DEFAULT_##kind_(def) },
    TIMEMORY_SETTINGS(TM_SETTING_DESC)
#undef TM_SETTING_DESC
};

/* Attributes the table has no column for (they matter to metadata and argparse only). */
static const char* const roofline_choices = "op,ai";
static const char* const sort_key_choices = "none,inclusive,self,count,name";
static const char* const cout_mode_choices = "auto,summary,full";
static const char* const progress_choices  = "auto,on,off";

static bool is_hidden(int i) { return i == TM_IDX_network_interface; }

static const char* choices_of(int i)
{
    switch(i)
    {
        case TM_IDX_roofline_mode:
        case TM_IDX_cpu_roofline_mode:
        case TM_IDX_gpu_roofline_mode: return roofline_choices;
        case TM_IDX_sort_key: return sort_key_choices;
        case TM_IDX_cout_mode: return cout_mode_choices;
        case TM_IDX_output_progress: return progress_choices;
        default: return NULL;
    }
}

/* argparse argument counts of the original (metadata "count"/"max_count"): booleans take at
 * most one value, options with choices exactly one, these options one, the rest any number. */
static void counts_of(int i, int* count, int* max_count)
{
    static const int single_value[] = {
        TM_IDX_verbose,         TM_IDX_max_depth,            TM_IDX_output_path,
        TM_IDX_output_prefix,   TM_IDX_input_path,           TM_IDX_input_prefix,
        TM_IDX_time_format,     TM_IDX_precision,            TM_IDX_width,
        TM_IDX_max_width,       TM_IDX_timing_units,         TM_IDX_memory_units,
        TM_IDX_mpi_thread_type, TM_IDX_node_count,           TM_IDX_papi_overflow,
        TM_IDX_cupti_device,    TM_IDX_cupti_activity_level, TM_IDX_throttle_count,
        TM_IDX_throttle_value,  TM_IDX_dart_count,
    };
    *count     = -1;
    *max_count = -1;
    if(descs[i].kind == TIMEMORY_SETTING_BOOL || is_hidden(i))
    {
        *max_count = 1;
        return;
    }
    if(choices_of(i))
    {
        *count     = 1;
        *max_count = 1;
        return;
    }
    for(size_t k = 0; k < sizeof(single_value) / sizeof(single_value[0]); ++k)
        if(single_value[k] == i) *count = 1;
}

/* ------------------------------------------------------------------------------------------ */
/* values                                                                                      */

typedef struct setting_value {
    bool    b;
    int64_t i;
    double  d;
    char*   s;
} setting_value;

enum { SRC_DEFAULT, SRC_ENVIRON, SRC_CONFIG, SRC_USER };
static const char* const source_names[] = { "default", "environ", "config", "user" };

static setting_value initial[TM_NSETTINGS]; /* the defaults in effect (computed at init) */
static char*         default_text[TM_NSETTINGS];
static int           debug_settings; /* TIMEMORY_DEBUG_SETTINGS: log every change */

static pthread_once_t  lock_once = PTHREAD_ONCE_INIT;
static pthread_once_t  init_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t settings_mutex;

static void init_mutex(void)
{
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    /* recursive: a caller holding tm__settings_lock may still use the settings API */
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&settings_mutex, &attr);
    pthread_mutexattr_destroy(&attr);
}

void tm__settings_lock(void)
{
    pthread_once(&lock_once, init_mutex);
    pthread_mutex_lock(&settings_mutex);
}

void tm__settings_unlock(void) { pthread_mutex_unlock(&settings_mutex); }

static void* field_of(int i) { return (char*) &tm__settings + descs[i].offset; }

static int64_t load_int(int i)
{
    const void* p = field_of(i);
    bool        s = descs[i].is_signed;
    switch(descs[i].size)
    {
        case 1: return s ? (int64_t) * (const int8_t*) p : (int64_t) * (const uint8_t*) p;
        case 2: return s ? (int64_t) * (const int16_t*) p : (int64_t) * (const uint16_t*) p;
        case 4: return s ? (int64_t) * (const int32_t*) p : (int64_t) * (const uint32_t*) p;
        default:
        {
            if(s) return *(const int64_t*) p;
            uint64_t u = *(const uint64_t*) p;
            return u > (uint64_t) INT64_MAX ? INT64_MAX : (int64_t) u;
        }
    }
}

static void store_int(int i, int64_t v)
{
    void* p = field_of(i);
    switch(descs[i].size)
    {
        case 1:
            if(descs[i].is_signed)
                *(int8_t*) p = (int8_t) v;
            else
                *(uint8_t*) p = (uint8_t) v;
            break;
        case 2:
            if(descs[i].is_signed)
                *(int16_t*) p = (int16_t) v;
            else
                *(uint16_t*) p = (uint16_t) v;
            break;
        case 4:
            if(descs[i].is_signed)
                *(int32_t*) p = (int32_t) v;
            else
                *(uint32_t*) p = (uint32_t) v;
            break;
        default:
            if(descs[i].is_signed)
                *(int64_t*) p = v;
            else
                *(uint64_t*) p = (uint64_t) v;
            break;
    }
}

/* Current value; the string is borrowed (lock held). */
static void load_value(int i, setting_value* v)
{
    memset(v, 0, sizeof(*v));
    switch(descs[i].kind)
    {
        case TIMEMORY_SETTING_BOOL: v->b = *(const bool*) field_of(i); break;
        case TIMEMORY_SETTING_INT: v->i = load_int(i); break;
        case TIMEMORY_SETTING_DOUBLE: v->d = *(const double*) field_of(i); break;
        case TIMEMORY_SETTING_STRING: v->s = *(char**) field_of(i); break;
    }
}

static void format_value(int i, const setting_value* v, tm__buf* b)
{
    switch(descs[i].kind)
    {
        case TIMEMORY_SETTING_BOOL: tm__buf_puts(b, v->b ? "true" : "false"); break;
        case TIMEMORY_SETTING_INT: tm__buf_printf(b, "%" PRId64, v->i); break;
        case TIMEMORY_SETTING_DOUBLE:
        {
            /* the shortest text that reads back as the same double */
            char txt[40];
            for(int prec = 15; prec <= 17; ++prec)
            {
                snprintf(txt, sizeof(txt), "%.*g", prec, v->d);
                if(strtod(txt, NULL) == v->d) break;
            }
            tm__buf_puts(b, txt);
            break;
        }
        case TIMEMORY_SETTING_STRING: tm__buf_puts(b, v->s ? v->s : ""); break;
    }
}

/* Writes v into setting i, taking ownership of v->s; bumps the generation. Lock held. */
static void store_value(int i, setting_value* v, int source)
{
    char* before = NULL;
    if(debug_settings && source != SRC_DEFAULT)
    {
        setting_value old;
        tm__buf       b;
        load_value(i, &old);
        tm__buf_init(&b);
        format_value(i, &old, &b);
        before = tm__buf_take(&b);
    }
    switch(descs[i].kind)
    {
        case TIMEMORY_SETTING_BOOL: *(bool*) field_of(i) = v->b; break;
        case TIMEMORY_SETTING_INT: store_int(i, v->i); break;
        case TIMEMORY_SETTING_DOUBLE: *(double*) field_of(i) = v->d; break;
        case TIMEMORY_SETTING_STRING:
        {
            char** slot = (char**) field_of(i);
            char*  old  = *slot;
            *slot       = v->s;
            v->s        = NULL;
            free(old);
            break;
        }
    }
    /* atomic: readers compare the generation without the lock */
    __atomic_add_fetch(&tm__settings_generation, 1u, __ATOMIC_RELEASE);
    if(debug_settings && source != SRC_DEFAULT)
    {
        tm__buf b;
        tm__buf_init(&b);
        setting_value now;
        load_value(i, &now);
        format_value(i, &now, &b);
        if(!before || !b.data || strcmp(before, b.data) != 0)
            fprintf(stderr, "[timemory][settings] %s (%s) changed: %s --> %s [via %s]\n",
                    descs[i].name, descs[i].env, before ? before : "?",
                    b.data ? b.data : "", source_names[source]);
        tm__buf_free(&b);
    }
    free(before);
}

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

#define TM_NELEM(a) ((int) (sizeof(a) / sizeof((a)[0])))

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
    if((packed >> 8) == (uint64_t) gen) return (int) (packed & 0xff) - 1;
    tm__settings_lock();
    gen       = __atomic_load_n(&tm__settings_generation, __ATOMIC_ACQUIRE);
    int found = find_unit(units, n, *(char**) field_of(idx));
    if(found < -1) found = -1; /* only a direct write can store an unknown unit */
    atomic_store_explicit(cache, ((uint64_t) gen << 8) | (uint64_t) (found + 1),
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
    while(isspace((unsigned char) *s)) ++s;
    size_t n = strlen(s);
    while(n > 0 && isspace((unsigned char) s[n - 1])) --n;
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
    while(*s && isspace((unsigned char) *s)) ++s;
    return s;
}

/* Copy of s without surrounding white space (NULL on allocation failure). */
static char* trimmed_copy(const char* s)
{
    s        = skip_space(s);
    size_t n = strlen(s);
    while(n > 0 && isspace((unsigned char) s[n - 1])) --n;
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
        snprintf(why, n, "unknown timing unit (use psec, nsec, usec, msec, csec, dsec, sec, "
                         "min, hr or their long names)");
        return TIMEMORY_EVALUE;
    }
    if(i == TM_IDX_memory_units && find_unit(memory_units, TM_NELEM(memory_units), s) < -1)
    {
        snprintf(why, n, "unknown memory unit (use byte, kb, mb, gb, tb, pb, kib, mib, gib, "
                         "tib, pib or their long names)");
        return TIMEMORY_EVALUE;
    }
    if(i == TM_IDX_sort_key)
    {
        int k = find_sort_key(s);
        if(k < 0)
        {
            snprintf(why, n, "expected one of: none (call order), inclusive (also cumulative, "
                             "total), self (also exclusive, tottime), count (also calls), name");
            return TIMEMORY_EVALUE;
        }
        *canonical = sort_keys[k][0];
        return TIMEMORY_OK;
    }
    const char* choices = choices_of(i);
    if(choices)
    {
        /* the stored spelling: the choice as choices_of lists it (static storage) */
        static const char* const known[] = { "op", "ai", "auto", "summary", "full", "on", "off" };
        for(int k = 0; k < TM_NELEM(known); ++k)
        {
            size_t      len    = strlen(known[k]);
            const char* at     = strstr(choices, known[k]);
            bool        listed = at && (at == choices || at[-1] == ',') &&
                          (!at[len] || at[len] == ',');
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

static int check_int(int i, int64_t v, char* why, size_t n)
{
    if(v < descs[i].min || v > descs[i].max)
    {
        snprintf(why, n, "expected an integer in [%" PRId64 ", %" PRId64 "]", descs[i].min,
                 descs[i].max);
        return TIMEMORY_EVALUE;
    }
    return TIMEMORY_OK;
}

/* A double setting with bounds (min < max in the table) must lie within them. */
static int check_double(int i, double v, char* why, size_t n)
{
    if(descs[i].min < descs[i].max && (v < (double) descs[i].min || v > (double) descs[i].max))
    {
        snprintf(why, n, "expected a number in [%" PRId64 ", %" PRId64 "]", descs[i].min,
                 descs[i].max);
        return TIMEMORY_EVALUE;
    }
    return TIMEMORY_OK;
}

/* Parses text as setting i's type into *out (a string is a new heap copy). Nothing is
 * allocated on failure; why says what was expected. */
static int parse_text(int i, const char* text, setting_value* out, char* why, size_t n)
{
    memset(out, 0, sizeof(*out));
    if(descs[i].kind == TIMEMORY_SETTING_STRING)
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
    switch(descs[i].kind)
    {
        case TIMEMORY_SETTING_BOOL:
            rc = parse_bool_text(t, &out->b);
            if(rc != TIMEMORY_OK)
                snprintf(why, n, "expected a boolean (ON/OFF, true/false, yes/no, 1/0)");
            break;
        case TIMEMORY_SETTING_INT:
        {
            char* end = NULL;
            errno     = 0;
            long long v = strtoll(t, &end, 10);
            if(!*t || *end || errno == ERANGE)
            {
                snprintf(why, n, "expected an integer in [%" PRId64 ", %" PRId64 "]",
                         descs[i].min, descs[i].max);
                rc = TIMEMORY_EVALUE;
            }
            else
            {
                out->i = (int64_t) v;
                rc     = check_int(i, out->i, why, n);
            }
            break;
        }
        case TIMEMORY_SETTING_DOUBLE:
        {
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
                rc     = check_double(i, v, why, n);
            }
            break;
        }
        case TIMEMORY_SETTING_STRING: break;
    }
    free(t);
    return rc;
}

/* One-line warning: "<what>="<value>" ignored: <why>; keeping <current>". */
static void warn_bad_value(const char* what, int i, const char* value, const char* why)
{
    tm__buf cur, val;
    tm__buf_init(&cur);
    tm__buf_init(&val);
    setting_value v;
    tm__settings_lock();
    load_value(i, &v);
    format_value(i, &v, &cur);
    tm__settings_unlock();
    /* the value is quoted on one line: control characters would break it */
    for(const char* p = value ? value : ""; *p; ++p)
        tm__buf_putc(&val, iscntrl((unsigned char) *p) ? '?' : *p);
    bool quote = descs[i].kind == TIMEMORY_SETTING_STRING;
    tm__warn("%s=\"%s\" ignored: %s; keeping %s%s%s", what, val.data ? val.data : "", why,
             quote ? "\"" : "", cur.data ? cur.data : "", quote ? "\"" : "");
    tm__buf_free(&cur);
    tm__buf_free(&val);
}

/* The environment is read at load and again by timemory_init: a bad TIMEMORY_<NAME> value is
 * said once per variable and value, however often it is read. */
static void warn_bad_env_once(int i, const char* env, const char* why)
{
    static _Atomic uint64_t warned[TM_NSETTINGS];
    uint64_t                seen = tm__hash_bytes(env, strlen(env)) | 1u;
    if(atomic_exchange(&warned[i], seen) != seen) warn_bad_value(descs[i].env, i, env, why);
}

/* Parses and stores; returns TIMEMORY_OK or the parse error (nothing changed). */
static int apply_text(int i, const char* text, int source, char* why, size_t n)
{
    setting_value v;
    int           rc = parse_text(i, text, &v, why, n);
    if(rc != TIMEMORY_OK) return rc;
    tm__settings_lock();
    store_value(i, &v, source);
    tm__settings_unlock();
    return TIMEMORY_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* init, defaults, reset                                                                       */

/* get_env<bool> of the original for variables outside the registry. */
static bool env_flag(const char* var, bool fallback)
{
    const char* v = getenv(var);
    if(!v) return fallback;
    if(*v && strspn(v, "0123456789") == strlen(v)) return atoi(v) != 0;
    static const char* const falses[] = { "off", "false", "no", "n", "f", "0" };
    for(int k = 0; k < 6; ++k)
        if(strcasecmp(v, falses[k]) == 0) return false;
    return true;
}

/* The default of entry i, computed where it depends on the process or on earlier entries. */
static void compute_default(int i, setting_value* v)
{
    const setting_desc* d = &descs[i];
    memset(v, 0, sizeof(*v));
    v->b = d->def_bool;
    v->i = d->def_int;
    v->d = d->def_double;
    switch(i)
    {
        case TM_IDX_config_file:
        {
            const char* home = getenv("HOME");
            home             = home ? home : "";
            tm__buf b;
            tm__buf_init(&b);
            tm__buf_printf(&b, "%s/.timemory.cfg;%s/.timemory.json;%s/.config/timemory.cfg;"
                               "%s/.config/timemory.json",
                           home, home, home, home);
            v->s = tm__buf_take(&b);
            return;
        }
        case TM_IDX_target_pid: v->i = (int64_t) getpid(); break;
        case TM_IDX_ert_num_threads_cpu:
        {
            long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
            v->i      = ncpu > 0 ? (int64_t) ncpu : 0;
            break;
        }
        case TM_IDX_banner: v->b = env_flag("TIMEMORY_LIBRARY_CTOR", false); break;
        case TM_IDX_craypat_categories:
        {
            const char* pat = getenv("PAT_RT_PERFCTR");
            v->s            = tm__strdup(pat ? pat : "");
            return;
        }
        case TM_IDX_gpu_roofline_mode: v->s = tm__strdup(tm__settings.roofline_mode); return;
        case TM_IDX_roofline_type_labels_cpu:
        case TM_IDX_roofline_type_labels_gpu: v->b = tm__settings.roofline_type_labels; break;
        default: break;
    }
    if(d->kind == TIMEMORY_SETTING_STRING) v->s = tm__strdup(d->def_string);
}

static void copy_value(int i, const setting_value* from, setting_value* to)
{
    *to = *from;
    if(descs[i].kind == TIMEMORY_SETTING_STRING) to->s = tm__strdup(from->s);
}

static void settings_init_once(void)
{
    debug_settings = env_flag("TIMEMORY_DEBUG_SETTINGS", false);
    tm__settings_lock();
    /* registration order: each entry takes its default, then its environment variable, before
     * the next entry is created (derived defaults see the earlier entries' final values) */
    for(int i = 0; i < TM_NSETTINGS; ++i)
    {
        compute_default(i, &initial[i]);
        setting_value v;
        copy_value(i, &initial[i], &v);
        store_value(i, &v, SRC_DEFAULT);

        tm__buf b;
        tm__buf_init(&b);
        format_value(i, &initial[i], &b);
        default_text[i] = tm__buf_take(&b);

        const char* env = getenv(descs[i].env);
        if(env)
        {
            char why[200];
            if(apply_text(i, env, SRC_ENVIRON, why, sizeof(why)) != TIMEMORY_OK)
                warn_bad_env_once(i, env, why);
        }
    }
    /* the original exports the CUPTI PC-sampling defaults for the CUPTI library to read */
    static const int exported[] = {
        TM_IDX_cupti_pcsampling_period,        TM_IDX_cupti_pcsampling_per_line,
        TM_IDX_cupti_pcsampling_region_totals, TM_IDX_cupti_pcsampling_serialized,
        TM_IDX_cupti_pcsampling_num_collect,   TM_IDX_cupti_pcsampling_stall_reasons,
    };
    for(int k = 0; k < TM_NELEM(exported); ++k)
    {
        int i = exported[k];
        if(descs[i].kind == TIMEMORY_SETTING_BOOL)
            setenv(descs[i].env, initial[i].b ? "1" : "0", 0);
        else
            setenv(descs[i].env, default_text[i] ? default_text[i] : "", 0);
    }
    tm__settings_unlock();
}

void tm__settings_init(void) { pthread_once(&init_once, settings_init_once); }

void timemory_settings_reset(void)
{
    tm__settings_init();
    tm__settings_lock();
    for(int i = 0; i < TM_NSETTINGS; ++i)
    {
        setting_value v;
        copy_value(i, &initial[i], &v);
        store_value(i, &v, SRC_DEFAULT);
    }
    tm__settings_unlock();
}

/* ------------------------------------------------------------------------------------------ */
/* lookup                                                                                      */

static int find_index(const char* name)
{
    if(!name) return TIMEMORY_EINVAL;
    for(int i = 0; i < TM_NSETTINGS; ++i)
    {
        if(strcasecmp(name, descs[i].env) == 0) return i;
        if(!is_hidden(i) && strcasecmp(name, descs[i].name) == 0) return i;
    }
    return TIMEMORY_EUNKNOWN;
}

/* Does a config-file key name setting i? env name (TIMEMORY_ optional), python name, or a
 * long flag with or without its dashes; case-insensitive. */
static bool key_matches(int i, const char* key)
{
    const setting_desc* d = &descs[i];
    if(strcasecmp(key, d->env) == 0) return true;
    if(strncmp(d->env, "TIMEMORY_", 9) == 0 && strcasecmp(key, d->env + 9) == 0) return true;
    if(!is_hidden(i) && strcasecmp(key, d->name) == 0) return true;
    const char* k    = key + strspn(key, "-");
    size_t      klen = strlen(k);
    for(const char* f = d->cli; *f;)
    {
        size_t len = strcspn(f, " ");
        if(len > 2)
        {
            size_t dashes = strspn(f, "-");
            if(len - dashes == klen && strncasecmp(f + dashes, k, klen) == 0) return true;
        }
        f += len;
        f += strspn(f, " ");
    }
    return false;
}

static int find_typed(const char* name, timemory_setting_type kind)
{
    tm__settings_init();
    int i = find_index(name);
    if(i < 0) return i;
    return descs[i].kind == kind ? i : TIMEMORY_ETYPE;
}

/* ------------------------------------------------------------------------------------------ */
/* public API                                                                                  */

int timemory_settings_count(void) { return TM_NSETTINGS; }

int timemory_settings_info(int index, timemory_setting_info* out)
{
    if(index < 0 || index >= TM_NSETTINGS || !out) return TIMEMORY_EINVAL;
    tm__settings_init();
    const setting_desc* d = &descs[index];
    out->name             = is_hidden(index) ? "" : d->name;
    out->env              = d->env;
    out->type             = d->kind;
    out->type_name        = d->type_name;
    out->description      = d->description;
    out->cli_flags        = d->cli;
    out->default_text     = default_text[index] ? default_text[index] : "";
    out->min_value        = d->min;
    out->max_value        = d->max;
    out->choices          = choices_of(index);
    return TIMEMORY_OK;
}

int timemory_settings_find(const char* name)
{
    tm__settings_init();
    return find_index(name);
}

int timemory_settings_get_bool(const char* name, bool* out)
{
    int i = find_typed(name, TIMEMORY_SETTING_BOOL);
    if(i < 0) return i;
    if(!out) return TIMEMORY_EINVAL;
    *out = *(const bool*) field_of(i);
    return TIMEMORY_OK;
}

int timemory_settings_set_bool(const char* name, bool value)
{
    int i = find_typed(name, TIMEMORY_SETTING_BOOL);
    if(i < 0) return i;
    setting_value v = { .b = value };
    tm__settings_lock();
    store_value(i, &v, SRC_USER);
    tm__settings_unlock();
    return TIMEMORY_OK;
}

int timemory_settings_get_int(const char* name, int64_t* out)
{
    int i = find_typed(name, TIMEMORY_SETTING_INT);
    if(i < 0) return i;
    if(!out) return TIMEMORY_EINVAL;
    *out = load_int(i);
    return TIMEMORY_OK;
}

int timemory_settings_set_int(const char* name, int64_t value)
{
    int i = find_typed(name, TIMEMORY_SETTING_INT);
    if(i < 0) return i;
    char why[120];
    if(check_int(i, value, why, sizeof(why)) != TIMEMORY_OK) return TIMEMORY_EVALUE;
    setting_value v = { .i = value };
    tm__settings_lock();
    store_value(i, &v, SRC_USER);
    tm__settings_unlock();
    return TIMEMORY_OK;
}

int timemory_settings_get_double(const char* name, double* out)
{
    int i = find_typed(name, TIMEMORY_SETTING_DOUBLE);
    if(i < 0) return i;
    if(!out) return TIMEMORY_EINVAL;
    *out = *(const double*) field_of(i);
    return TIMEMORY_OK;
}

int timemory_settings_set_double(const char* name, double value)
{
    int i = find_typed(name, TIMEMORY_SETTING_DOUBLE);
    if(i < 0) return i;
    char why[120];
    if(!isfinite(value) || check_double(i, value, why, sizeof(why)) != TIMEMORY_OK)
        return TIMEMORY_EVALUE;
    setting_value v = { .d = value };
    tm__settings_lock();
    store_value(i, &v, SRC_USER);
    tm__settings_unlock();
    return TIMEMORY_OK;
}

/* get_string/get_text convention: copy (truncated) into buf, return the full length. */
static int copy_out(const char* s, char* buf, size_t len)
{
    size_t n = strlen(s);
    if(n > (size_t) INT32_MAX) return TIMEMORY_ERANGE;
    if(buf && len > 0)
    {
        size_t c = n < len - 1 ? n : len - 1;
        memcpy(buf, s, c);
        buf[c] = '\0';
    }
    return (int) n;
}

int timemory_settings_get_string(const char* name, char* buf, size_t len)
{
    int i = find_typed(name, TIMEMORY_SETTING_STRING);
    if(i < 0) return i;
    tm__settings_lock();
    const char* s  = *(char**) field_of(i);
    int         rc = copy_out(s ? s : "", buf, len);
    tm__settings_unlock();
    return rc;
}

int timemory_settings_set_string(const char* name, const char* value)
{
    int i = find_typed(name, TIMEMORY_SETTING_STRING);
    if(i < 0) return i;
    if(!value) return TIMEMORY_EINVAL;
    char why[200];
    return apply_text(i, value, SRC_USER, why, sizeof(why));
}

int timemory_settings_set_text(const char* name, const char* text)
{
    tm__settings_init();
    int i = find_index(name);
    if(i < 0) return i;
    if(!text) return TIMEMORY_EINVAL;
    char why[200];
    return apply_text(i, text, SRC_USER, why, sizeof(why));
}

int timemory_settings_get_text(const char* name, char* buf, size_t len)
{
    tm__settings_init();
    int i = find_index(name);
    if(i < 0) return i;
    tm__buf b;
    tm__buf_init(&b);
    setting_value v;
    tm__settings_lock();
    load_value(i, &v);
    format_value(i, &v, &b);
    tm__settings_unlock();
    int rc = b.failed ? TIMEMORY_ENOMEM : copy_out(b.data ? b.data : "", buf, len);
    tm__buf_free(&b);
    return rc;
}

int timemory_settings_parse_env(void)
{
    tm__settings_init();
    if(tm__settings.suppress_parsing)
    {
        static atomic_bool noticed;
        if(!atomic_exchange(&noticed, true)) tm__warn("settings parsing has been suppressed");
        return 0;
    }
    int bad = 0;
    for(int i = 0; i < TM_NSETTINGS; ++i)
    {
        const char* env = getenv(descs[i].env);
        if(!env) continue;
        char why[200];
        if(apply_text(i, env, SRC_ENVIRON, why, sizeof(why)) != TIMEMORY_OK)
        {
            warn_bad_env_once(i, env, why);
            ++bad;
        }
    }
    return bad;
}

char* tm__settings_string_copy(const char* name)
{
    tm__settings_init();
    int i = find_index(name);
    if(i < 0 || descs[i].kind != TIMEMORY_SETTING_STRING) return NULL;
    tm__settings_lock();
    char* copy = tm__strdup(*(char**) field_of(i));
    tm__settings_unlock();
    return copy;
}

/* ------------------------------------------------------------------------------------------ */
/* metadata JSON (spec OUTPUT.md 8)                                                            */

static void json_typed(tm__buf* b, int i, const setting_value* v)
{
    switch(descs[i].kind)
    {
        case TIMEMORY_SETTING_BOOL: tm__buf_puts(b, v->b ? "true" : "false"); break;
        case TIMEMORY_SETTING_INT: tm__buf_printf(b, "%" PRId64, v->i); break;
        case TIMEMORY_SETTING_DOUBLE: tm__buf_json_double(b, v->d); break;
        case TIMEMORY_SETTING_STRING: tm__buf_json_string(b, v->s ? v->s : ""); break;
    }
}

void tm__settings_metadata_json(tm__buf* b)
{
    tm__settings_init();
    tm__settings_lock();
    for(int i = 0; i < TM_NSETTINGS; ++i)
    {
        const setting_desc* d = &descs[i];
        int                 count, max_count;
        counts_of(i, &count, &max_count);
        if(i > 0) tm__buf_puts(b, ", ");
        tm__buf_json_string(b, d->env);
        tm__buf_puts(b, ": {\"name\": ");
        tm__buf_json_string(b, is_hidden(i) ? "" : d->name);
        tm__buf_puts(b, ", \"environ\": ");
        tm__buf_json_string(b, d->env);
        tm__buf_puts(b, ", \"description\": ");
        tm__buf_json_string(b, d->description);
        tm__buf_printf(b, ", \"count\": %d, \"max_count\": %d, \"cmdline\": [", count, max_count);
        bool first = true;
        for(const char* f = d->cli; *f;)
        {
            size_t len = strcspn(f, " ");
            if(len > 0)
            {
                char flag[128];
                snprintf(flag, sizeof(flag), "%.*s", (int) len, f);
                if(!first) tm__buf_puts(b, ", ");
                tm__buf_json_string(b, flag);
                first = false;
            }
            f += len;
            f += strspn(f, " ");
        }
        tm__buf_puts(b, "], \"data_type\": ");
        tm__buf_json_string(b, d->kind == TIMEMORY_SETTING_STRING ? "string" : d->type_name);
        tm__buf_puts(b, ", \"initial\": ");
        json_typed(b, i, &initial[i]);
        tm__buf_puts(b, ", \"value\": ");
        setting_value v;
        load_value(i, &v);
        json_typed(b, i, &v);
        tm__buf_putc(b, '}');
    }
    tm__settings_unlock();
}

/* ------------------------------------------------------------------------------------------ */
/* what configuration files set (the files are read in settings_config.c)                      */

static bool config_verbose(void) { return tm__settings.verbose > 0 || tm__settings.debug; }

/* A configuration file's key = value (settings_config.c): applied to every matching setting;
 * returns the number of failures (an unknown key counts as one). */
int tm__settings_apply_config(const char* path, const char* key, const char* value)
{
    int bad = 0, matched = 0;
    for(int i = 0; i < TM_NSETTINGS; ++i)
    {
        if(!key_matches(i, key)) continue;
        ++matched;
        if(config_verbose())
            fprintf(stderr, "[timemory::settings]['%s']> %-30s :: %s\n", path, key, value);
        char why[200];
        if(apply_text(i, value, SRC_CONFIG, why, sizeof(why)) != TIMEMORY_OK)
        {
            tm__buf what;
            tm__buf_init(&what);
            tm__buf_printf(&what, "%s: %s", path, key);
            warn_bad_value(what.data ? what.data : key, i, value, why);
            tm__buf_free(&what);
            ++bad;
        }
    }
    if(!matched)
    {
        fprintf(stderr,
                "[timemory::settings]['%s']> WARNING! Unknown setting ignored: '%s' (value = "
                "'%s')\n",
                path, key, value);
        ++bad;
    }
    return bad;
}

const char* tm__settings_default_config_files(void) { return default_text[TM_IDX_config_file]; }
