/* settings.c -- the settings store: the table as data, live values (tm__settings), defaults
 * and the environment at start-up, reset, lookup and typed access by name, metadata JSON, what
 * a configuration file's key sets. Parsing and checking text, the warnings and the units are
 * settings_parse.c's; reading config files is settings_config.c's (JSON with json_reader.c).
 * Not here: what a setting means, argv, Python.
 * Policy: a bad value never changes a setting: one warning line (environment, config) or an
 * error code (API). Strings are heap copies, replaced only under the settings lock. */
#include "settings_impl.h"

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
volatile unsigned  tm__hwc_list_generation;

/* ------------------------------------------------------------------------------------------ */
/* the table, as data                                                                          */

#define TM_DEFAULT_BOOL(d)   .def_bool = (d)
#define TM_DEFAULT_INT(d)    .def_int = (d)
#define TM_DEFAULT_DOUBLE(d) .def_double = (d)
#define TM_DEFAULT_STRING(d) .def_string = (d)
#define TM_SIGNED_BOOL(t)    false
#define TM_SIGNED_INT(t)     ((t)-1 < (t)1)
#define TM_SIGNED_DOUBLE(t)  true
#define TM_SIGNED_STRING(t)  false

const setting_desc tm__setting_descs[TM_NSETTINGS] = {
#define TM_SETTING_DESC(nm, ENV, kind_, ctype, tname, def, lo, hi, cli_, desc_)                    \
    { .name        = #nm,                                                                          \
      .env         = ENV,                                                                          \
      .kind        = TIMEMORY_SETTING_##kind_,                                                     \
      .type_name   = tname,                                                                        \
      .cli         = cli_,                                                                         \
      .description = desc_,                                                                        \
      .offset      = offsetof(tm__settings_store, nm),                                             \
      .size        = sizeof(ctype),                                                                \
      .is_signed   = TM_SIGNED_##kind_(ctype),                                                     \
      .min         = (lo),                                                                         \
      .max         = (hi),                                                                         \
      TM_DEFAULT_##kind_(def) },
    TIMEMORY_SETTINGS(TM_SETTING_DESC)
#undef TM_SETTING_DESC
};

/* Attributes the table has no column for (they matter to metadata and argparse only). */
static const char* const roofline_choices  = "op,ai";
static const char* const sort_key_choices  = "none,inclusive,self,count,name";
static const char* const cout_mode_choices = "auto,summary,full";
static const char* const progress_choices  = "auto,on,off";

static bool is_hidden(int i)
{
    return i == TM_IDX_network_interface;
}

const char* tm__setting_choices(int i)
{
    switch(i)
    {
    case TM_IDX_roofline_mode:
    case TM_IDX_cpu_roofline_mode:
    case TM_IDX_gpu_roofline_mode:
        return roofline_choices;
    case TM_IDX_sort_key:
        return sort_key_choices;
    case TM_IDX_cout_mode:
        return cout_mode_choices;
    case TM_IDX_output_progress:
        return progress_choices;
    default:
        return NULL;
    }
}

/* argparse argument counts of the original (metadata "count"/"max_count"): booleans take at
 * most one value, options with choices exactly one, these options one, the rest any number. */
static void counts_of(int i, int* count, int* max_count)
{
    static const int single_value[] = {
        TM_IDX_verbose,
        TM_IDX_max_depth,
        TM_IDX_output_path,
        TM_IDX_output_prefix,
        TM_IDX_input_path,
        TM_IDX_input_prefix,
        TM_IDX_time_format,
        TM_IDX_precision,
        TM_IDX_width,
        TM_IDX_max_width,
        TM_IDX_timing_units,
        TM_IDX_memory_units,
        TM_IDX_mpi_thread_type,
        TM_IDX_node_count,
        TM_IDX_papi_overflow,
        TM_IDX_cupti_device,
        TM_IDX_cupti_activity_level,
        TM_IDX_throttle_count,
        TM_IDX_throttle_value,
        TM_IDX_dart_count,
    };
    *count     = -1;
    *max_count = -1;
    if(tm__setting_descs[i].kind == TIMEMORY_SETTING_BOOL || is_hidden(i))
    {
        *max_count = 1;
        return;
    }
    if(tm__setting_choices(i))
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

void tm__settings_unlock(void)
{
    pthread_mutex_unlock(&settings_mutex);
}

void* tm__setting_field(int i)
{
    return (char*)&tm__settings + tm__setting_descs[i].offset;
}

static int64_t load_int(int i)
{
    const void* p = tm__setting_field(i);
    bool        s = tm__setting_descs[i].is_signed;
    switch(tm__setting_descs[i].size)
    {
    case 1:
        return s ? (int64_t) * (const int8_t*)p : (int64_t) * (const uint8_t*)p;
    case 2:
        return s ? (int64_t) * (const int16_t*)p : (int64_t) * (const uint16_t*)p;
    case 4:
        return s ? (int64_t) * (const int32_t*)p : (int64_t) * (const uint32_t*)p;
    default: {
        if(s) return *(const int64_t*)p;
        uint64_t u = *(const uint64_t*)p;
        return u > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)u;
    }
    }
}

static void store_int(int i, int64_t v)
{
    void* p = tm__setting_field(i);
    switch(tm__setting_descs[i].size)
    {
    case 1:
        if(tm__setting_descs[i].is_signed)
            *(int8_t*)p = (int8_t)v;
        else
            *(uint8_t*)p = (uint8_t)v;
        break;
    case 2:
        if(tm__setting_descs[i].is_signed)
            *(int16_t*)p = (int16_t)v;
        else
            *(uint16_t*)p = (uint16_t)v;
        break;
    case 4:
        if(tm__setting_descs[i].is_signed)
            *(int32_t*)p = (int32_t)v;
        else
            *(uint32_t*)p = (uint32_t)v;
        break;
    default:
        if(tm__setting_descs[i].is_signed)
            *(int64_t*)p = v;
        else
            *(uint64_t*)p = (uint64_t)v;
        break;
    }
}

/* Current value; the string is borrowed (lock held). */
void tm__setting_load(int i, setting_value* v)
{
    memset(v, 0, sizeof(*v));
    switch(tm__setting_descs[i].kind)
    {
    case TIMEMORY_SETTING_BOOL:
        v->b = *(const bool*)tm__setting_field(i);
        break;
    case TIMEMORY_SETTING_INT:
        v->i = load_int(i);
        break;
    case TIMEMORY_SETTING_DOUBLE:
        v->d = *(const double*)tm__setting_field(i);
        break;
    case TIMEMORY_SETTING_STRING:
        v->s = *(char**)tm__setting_field(i);
        break;
    }
}

void tm__setting_format(int i, const setting_value* v, tm__buf* b)
{
    switch(tm__setting_descs[i].kind)
    {
    case TIMEMORY_SETTING_BOOL:
        tm__buf_puts(b, v->b ? "true" : "false");
        break;
    case TIMEMORY_SETTING_INT:
        tm__buf_printf(b, "%" PRId64, v->i);
        break;
    case TIMEMORY_SETTING_DOUBLE: {
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
    case TIMEMORY_SETTING_STRING:
        tm__buf_puts(b, v->s ? v->s : "");
        break;
    }
}

/* Writes v into setting i, taking ownership of v->s; bumps the generation. Lock held. */
void tm__setting_store(int i, setting_value* v, int source)
{
    char* before = NULL;
    if(debug_settings && source != SRC_DEFAULT)
    {
        setting_value old;
        tm__buf       b;
        tm__setting_load(i, &old);
        tm__buf_init(&b);
        tm__setting_format(i, &old, &b);
        before = tm__buf_take(&b);
    }
    switch(tm__setting_descs[i].kind)
    {
    case TIMEMORY_SETTING_BOOL:
        *(bool*)tm__setting_field(i) = v->b;
        break;
    case TIMEMORY_SETTING_INT:
        store_int(i, v->i);
        break;
    case TIMEMORY_SETTING_DOUBLE:
        *(double*)tm__setting_field(i) = v->d;
        break;
    case TIMEMORY_SETTING_STRING: {
        char** slot = (char**)tm__setting_field(i);
        char*  old  = *slot;
        *slot       = v->s;
        v->s        = NULL;
        free(old);
        break;
    }
    }
    /* atomic: readers compare the generation without the lock */
    __atomic_add_fetch(&tm__settings_generation, 1u, __ATOMIC_RELEASE);
    if(i == TM_IDX_papi_events) __atomic_add_fetch(&tm__hwc_list_generation, 1u, __ATOMIC_RELEASE);
    if(debug_settings && source != SRC_DEFAULT)
    {
        tm__buf b;
        tm__buf_init(&b);
        setting_value now;
        tm__setting_load(i, &now);
        tm__setting_format(i, &now, &b);
        if(!before || !b.data || strcmp(before, b.data) != 0)
            fprintf(stderr, "[timemory][settings] %s (%s) changed: %s --> %s [via %s]\n",
                    tm__setting_descs[i].name, tm__setting_descs[i].env, before ? before : "?",
                    b.data ? b.data : "", source_names[source]);
        tm__buf_free(&b);
    }
    free(before);
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
    const setting_desc* d = &tm__setting_descs[i];
    memset(v, 0, sizeof(*v));
    v->b = d->def_bool;
    v->i = d->def_int;
    v->d = d->def_double;
    switch(i)
    {
    case TM_IDX_config_file: {
        const char* home = getenv("HOME");
        home             = home ? home : "";
        tm__buf b;
        tm__buf_init(&b);
        tm__buf_printf(&b,
                       "%s/.timemory.cfg;%s/.timemory.json;%s/.config/timemory.cfg;"
                       "%s/.config/timemory.json",
                       home, home, home, home);
        v->s = tm__buf_take(&b);
        return;
    }
    case TM_IDX_target_pid:
        v->i = (int64_t)getpid();
        break;
    case TM_IDX_ert_num_threads_cpu: {
        long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
        v->i      = ncpu > 0 ? (int64_t)ncpu : 0;
        break;
    }
    case TM_IDX_banner:
        v->b = env_flag("TIMEMORY_LIBRARY_CTOR", false);
        break;
    case TM_IDX_craypat_categories: {
        const char* pat = getenv("PAT_RT_PERFCTR");
        v->s            = tm__strdup(pat ? pat : "");
        return;
    }
    case TM_IDX_gpu_roofline_mode:
        v->s = tm__strdup(tm__settings.roofline_mode);
        return;
    case TM_IDX_roofline_type_labels_cpu:
    case TM_IDX_roofline_type_labels_gpu:
        v->b = tm__settings.roofline_type_labels;
        break;
    default:
        break;
    }
    if(d->kind == TIMEMORY_SETTING_STRING) v->s = tm__strdup(d->def_string);
}

static void copy_value(int i, const setting_value* from, setting_value* to)
{
    *to = *from;
    if(tm__setting_descs[i].kind == TIMEMORY_SETTING_STRING) to->s = tm__strdup(from->s);
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
        tm__setting_store(i, &v, SRC_DEFAULT);

        tm__buf b;
        tm__buf_init(&b);
        tm__setting_format(i, &initial[i], &b);
        default_text[i] = tm__buf_take(&b);

        const char* env = getenv(tm__setting_descs[i].env);
        if(env)
        {
            char why[200];
            if(tm__setting_apply_text(i, env, SRC_ENVIRON, why, sizeof(why)) != TIMEMORY_OK)
                tm__setting_warn_env_once(i, env, why);
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
        if(tm__setting_descs[i].kind == TIMEMORY_SETTING_BOOL)
            setenv(tm__setting_descs[i].env, initial[i].b ? "1" : "0", 0);
        else
            setenv(tm__setting_descs[i].env, default_text[i] ? default_text[i] : "", 0);
    }
    tm__settings_unlock();
}

void tm__settings_init(void)
{
    pthread_once(&init_once, settings_init_once);
}

void timemory_settings_reset(void)
{
    tm__settings_init();
    tm__settings_lock();
    for(int i = 0; i < TM_NSETTINGS; ++i)
    {
        setting_value v;
        copy_value(i, &initial[i], &v);
        tm__setting_store(i, &v, SRC_DEFAULT);
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
        if(strcasecmp(name, tm__setting_descs[i].env) == 0) return i;
        if(!is_hidden(i) && strcasecmp(name, tm__setting_descs[i].name) == 0) return i;
    }
    return TIMEMORY_EUNKNOWN;
}

/* Does a config-file key name setting i? env name (TIMEMORY_ optional), python name, or a
 * long flag with or without its dashes; case-insensitive. */
static bool key_matches(int i, const char* key)
{
    const setting_desc* d = &tm__setting_descs[i];
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
    return tm__setting_descs[i].kind == kind ? i : TIMEMORY_ETYPE;
}

/* ------------------------------------------------------------------------------------------ */
/* public API                                                                                  */

int timemory_settings_count(void)
{
    return TM_NSETTINGS;
}

int timemory_settings_info(int index, timemory_setting_info* out)
{
    if(index < 0 || index >= TM_NSETTINGS || !out) return TIMEMORY_EINVAL;
    tm__settings_init();
    const setting_desc* d = &tm__setting_descs[index];
    out->name             = is_hidden(index) ? "" : d->name;
    out->env              = d->env;
    out->type             = d->kind;
    out->type_name        = d->type_name;
    out->description      = d->description;
    out->cli_flags        = d->cli;
    out->default_text     = default_text[index] ? default_text[index] : "";
    out->min_value        = d->min;
    out->max_value        = d->max;
    out->choices          = tm__setting_choices(index);
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
    *out = *(const bool*)tm__setting_field(i);
    return TIMEMORY_OK;
}

int timemory_settings_set_bool(const char* name, bool value)
{
    int i = find_typed(name, TIMEMORY_SETTING_BOOL);
    if(i < 0) return i;
    setting_value v = { .b = value };
    tm__settings_lock();
    tm__setting_store(i, &v, SRC_USER);
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
    if(tm__setting_check_int(i, value, why, sizeof(why)) != TIMEMORY_OK) return TIMEMORY_EVALUE;
    setting_value v = { .i = value };
    tm__settings_lock();
    tm__setting_store(i, &v, SRC_USER);
    tm__settings_unlock();
    return TIMEMORY_OK;
}

int timemory_settings_get_double(const char* name, double* out)
{
    int i = find_typed(name, TIMEMORY_SETTING_DOUBLE);
    if(i < 0) return i;
    if(!out) return TIMEMORY_EINVAL;
    *out = *(const double*)tm__setting_field(i);
    return TIMEMORY_OK;
}

int timemory_settings_set_double(const char* name, double value)
{
    int i = find_typed(name, TIMEMORY_SETTING_DOUBLE);
    if(i < 0) return i;
    char why[120];
    if(!isfinite(value) || tm__setting_check_double(i, value, why, sizeof(why)) != TIMEMORY_OK)
        return TIMEMORY_EVALUE;
    setting_value v = { .d = value };
    tm__settings_lock();
    tm__setting_store(i, &v, SRC_USER);
    tm__settings_unlock();
    return TIMEMORY_OK;
}

/* get_string/get_text convention: copy (truncated) into buf, return the full length. */
static int copy_out(const char* s, char* buf, size_t len)
{
    size_t n = strlen(s);
    if(n > (size_t)INT32_MAX) return TIMEMORY_ERANGE;
    if(buf && len > 0)
    {
        size_t c = n < len - 1 ? n : len - 1;
        memcpy(buf, s, c);
        buf[c] = '\0';
    }
    return (int)n;
}

int timemory_settings_get_string(const char* name, char* buf, size_t len)
{
    int i = find_typed(name, TIMEMORY_SETTING_STRING);
    if(i < 0) return i;
    tm__settings_lock();
    const char* s  = *(char**)tm__setting_field(i);
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
    return tm__setting_apply_text(i, value, SRC_USER, why, sizeof(why));
}

int timemory_settings_set_text(const char* name, const char* text)
{
    tm__settings_init();
    int i = find_index(name);
    if(i < 0) return i;
    if(!text) return TIMEMORY_EINVAL;
    char why[200];
    return tm__setting_apply_text(i, text, SRC_USER, why, sizeof(why));
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
    tm__setting_load(i, &v);
    tm__setting_format(i, &v, &b);
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
        const char* env = getenv(tm__setting_descs[i].env);
        if(!env) continue;
        char why[200];
        if(tm__setting_apply_text(i, env, SRC_ENVIRON, why, sizeof(why)) != TIMEMORY_OK)
        {
            tm__setting_warn_env_once(i, env, why);
            ++bad;
        }
    }
    return bad;
}

char* tm__settings_string_copy(const char* name)
{
    tm__settings_init();
    int i = find_index(name);
    if(i < 0 || tm__setting_descs[i].kind != TIMEMORY_SETTING_STRING) return NULL;
    tm__settings_lock();
    char* copy = tm__strdup(*(char**)tm__setting_field(i));
    tm__settings_unlock();
    return copy;
}

/* ------------------------------------------------------------------------------------------ */
/* metadata JSON (spec OUTPUT.md 8)                                                            */

static void json_typed(tm__buf* b, int i, const setting_value* v)
{
    switch(tm__setting_descs[i].kind)
    {
    case TIMEMORY_SETTING_BOOL:
        tm__buf_puts(b, v->b ? "true" : "false");
        break;
    case TIMEMORY_SETTING_INT:
        tm__buf_printf(b, "%" PRId64, v->i);
        break;
    case TIMEMORY_SETTING_DOUBLE:
        tm__buf_json_double(b, v->d);
        break;
    case TIMEMORY_SETTING_STRING:
        tm__buf_json_string(b, v->s ? v->s : "");
        break;
    }
}

void tm__settings_metadata_json(tm__buf* b)
{
    tm__settings_init();
    tm__settings_lock();
    for(int i = 0; i < TM_NSETTINGS; ++i)
    {
        const setting_desc* d = &tm__setting_descs[i];
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
                snprintf(flag, sizeof(flag), "%.*s", (int)len, f);
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
        tm__setting_load(i, &v);
        json_typed(b, i, &v);
        tm__buf_putc(b, '}');
    }
    tm__settings_unlock();
}

/* ------------------------------------------------------------------------------------------ */
/* what configuration files set (the files are read in settings_config.c)                      */

static bool config_verbose(void)
{
    return tm__settings.verbose > 0 || tm__settings.debug;
}

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
        if(tm__setting_apply_text(i, value, SRC_CONFIG, why, sizeof(why)) != TIMEMORY_OK)
        {
            tm__buf what;
            tm__buf_init(&what);
            tm__buf_printf(&what, "%s: %s", path, key);
            tm__setting_warn_value(what.data ? what.data : key, i, value, why);
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

const char* tm__settings_default_config_files(void)
{
    return default_text[TM_IDX_config_file];
}
