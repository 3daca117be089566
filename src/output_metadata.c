/* output_metadata.c -- what the outputs say about the run (OUTPUT.md §8): the launch time and
 * environment captured when the library loads, the files written (metadata "output"), user
 * metadata (timemory_add_metadata: values checked by the strict JSON reader), the machine
 * ("info": CPU, caches, memory), the command line, metadata.json's document
 * (tm__put_metadata) and functions.json (tm__write_functions: the registry inverted, sorted).
 * output.c decides when and where they are written.
 */
#include "internal.h"

#include <ctype.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

extern char** environ;

/* ------------------------------------------------------------------------------------------ */
/* launch time and environment, captured once when the library loads                          */

static time_t tm__launch_time;
static char** tm__launch_environ; /* NAME=VALUE copies, NULL-terminated */

__attribute__((constructor)) static void tm__output_capture_launch(void)
{
    tm__launch_time = time(NULL);
    size_t n        = 0;
    while(environ && environ[n]) ++n;
    tm__launch_environ = calloc(n + 1, sizeof(char*));
    for(size_t i = 0; tm__launch_environ && i < n; ++i)
        tm__launch_environ[i] = tm__strdup(environ[i]);
}

void tm__output_launch_strftime(const char* fmt, char* out, size_t len)
{
    struct tm local;
    out[0] = '\0';
    if(localtime_r(&tm__launch_time, &local)) strftime(out, len, fmt, &local);
}

/* ------------------------------------------------------------------------------------------ */
/* process-wide records: files written (metadata "output") and user metadata ("info")         */

typedef struct tm__pair {
    char* key;
    char* value;
} tm__pair;

typedef struct tm__pairs {
    tm__pair* items;
    size_t    n;
    size_t    cap;
} tm__pairs;

static pthread_mutex_t tm__output_mutex = PTHREAD_MUTEX_INITIALIZER;
static tm__pairs       tm__json_files; /* label -> path */
static tm__pairs       tm__text_files;
static tm__pairs       tm__user_metadata; /* key -> JSON text */

static int tm__pairs_add(tm__pairs* p, const char* key, const char* value)
{
    if(p->n == p->cap)
    {
        size_t    cap   = p->cap ? p->cap * 2 : 16;
        tm__pair* items = realloc(p->items, cap * sizeof(tm__pair));
        if(!items) return TIMEMORY_ENOMEM;
        p->items = items;
        p->cap   = cap;
    }
    char* k = tm__strdup(key);
    char* v = tm__strdup(value);
    if(!k || !v)
    {
        free(k), free(v);
        return TIMEMORY_ENOMEM;
    }
    p->items[p->n].key   = k;
    p->items[p->n].value = v;
    ++p->n;
    return TIMEMORY_OK;
}

static bool tm__pairs_has(const tm__pairs* p, const char* key, const char* value)
{
    for(size_t i = 0; i < p->n; ++i)
        if(strcmp(p->items[i].key, key) == 0 && (!value || strcmp(p->items[i].value, value) == 0))
            return true;
    return false;
}

void tm__output_record_file(int kind, const char* label, const char* path)
{
    tm__pairs* p = kind == TM_OUTPUT_TEXT ? &tm__text_files : &tm__json_files;
    pthread_mutex_lock(&tm__output_mutex);
    if(!tm__pairs_has(p, label, path)) tm__pairs_add(p, label, path);
    pthread_mutex_unlock(&tm__output_mutex);
}
/* [{"key": label, "value": [paths...]}, ...] in order of first output (lock held) */
static void tm__put_outputs(tm__buf* b, const tm__pairs* p)
{
    tm__buf_putc(b, '[');
    bool first = true;
    for(size_t i = 0; i < p->n; ++i)
    {
        bool seen = false;
        for(size_t j = 0; j < i && !seen; ++j) seen = strcmp(p->items[j].key, p->items[i].key) == 0;
        if(seen) continue;
        if(!first) tm__buf_putc(b, ',');
        first = false;
        tm__buf_puts(b, "{\"key\":");
        tm__buf_json_string(b, p->items[i].key);
        tm__buf_puts(b, ",\"value\":[");
        bool first_path = true;
        for(size_t j = i; j < p->n; ++j)
        {
            if(strcmp(p->items[j].key, p->items[i].key) != 0) continue;
            if(!first_path) tm__buf_putc(b, ',');
            first_path = false;
            tm__buf_json_string(b, p->items[j].value);
        }
        tm__buf_puts(b, "]}");
    }
    tm__buf_putc(b, ']');
}

/* ---- user metadata ------------------------------------------------------------------------ */

/* A value is one JSON document (the strict reader of json_reader.c decides). */
static bool tm__is_json(const char* text)
{
    tm__json_error err;
    tm__jtree*     tree = tm__jtree_parse(text, strlen(text), NULL, &err);
    tm__jtree_free(tree);
    return tree != NULL;
}

int timemory_add_metadata(const char* key, const char* json_value)
{
    if(!key || !*key || !json_value || !tm__is_json(json_value)) return TIMEMORY_EINVAL;
    pthread_mutex_lock(&tm__output_mutex);
    int rc = TIMEMORY_OK;
    if(!tm__pairs_has(&tm__user_metadata, key, NULL)) /* first value wins */
        rc = tm__pairs_add(&tm__user_metadata, key, json_value);
    pthread_mutex_unlock(&tm__output_mutex);
    return rc;
}

/* ---- metadata "info": the machine and the run --------------------------------------------- */

typedef struct tm__cpu_info {
    char  model[256];
    char  vendor[128];
    char* features; /* space-separated */
    long  mhz;
    long  physical;
} tm__cpu_info;

static char* tm__trimmed_value(char* line)
{
    char* colon = strchr(line, ':');
    if(!colon) return NULL;
    char* v = colon + 1;
    while(*v == ' ' || *v == '\t') ++v;
    size_t n = strlen(v);
    while(n > 0 && isspace((unsigned char)v[n - 1])) v[--n] = '\0';
    return v;
}

static bool tm__key_is(const char* line, const char* key)
{
    size_t n = strlen(key);
    return strncmp(line, key, n) == 0 && (line[n] == ' ' || line[n] == '\t' || line[n] == ':');
}

/* /proc/cpuinfo: first model/vendor/flags/MHz; physical cores = distinct (package, core) */
static void tm__read_cpuinfo(tm__cpu_info* info)
{
    memset(info, 0, sizeof(*info));
    info->mhz = -1;
    FILE* f   = fopen("/proc/cpuinfo", "r");
    if(!f) return;
    char   line[8192];
    long   package = 0, pairs[1024][2];
    size_t npairs  = 0;
    while(fgets(line, sizeof(line), f))
    {
        char* v = tm__trimmed_value(line);
        if(!v) continue;
        if(!info->model[0] && tm__key_is(line, "model name"))
            snprintf(info->model, sizeof(info->model), "%s", v);
        else if(!info->vendor[0] && tm__key_is(line, "vendor_id"))
            snprintf(info->vendor, sizeof(info->vendor), "%s", v);
        else if(!info->features && (tm__key_is(line, "flags") || tm__key_is(line, "Features")))
            info->features = tm__strdup(v);
        else if(info->mhz < 0 && tm__key_is(line, "cpu MHz"))
            info->mhz = atol(v);
        else if(tm__key_is(line, "physical id"))
            package = atol(v);
        else if(tm__key_is(line, "core id"))
        {
            long   core = atol(v);
            size_t i    = 0;
            while(i < npairs && !(pairs[i][0] == package && pairs[i][1] == core)) ++i;
            if(i == npairs && npairs < 1024)
            {
                pairs[npairs][0] = package;
                pairs[npairs][1] = core;
                ++npairs;
            }
        }
    }
    fclose(f);
    info->physical = (long)npairs;
}

/* Cache size of a level: sysconf, else /sys (data or unified caches of cpu0). */
static long tm__cache_size(int level)
{
    long v = -1;
#if defined(_SC_LEVEL1_DCACHE_SIZE)
    int names[3] = { _SC_LEVEL1_DCACHE_SIZE, _SC_LEVEL2_CACHE_SIZE, _SC_LEVEL3_CACHE_SIZE };
    v            = sysconf(names[level - 1]);
#endif
    if(v > 0) return v;
    for(int idx = 0; idx < 16; ++idx)
    {
        char path[128], text[64];
        long lvl = -1;
        snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/level", idx);
        FILE* f = fopen(path, "r");
        if(!f) break;
        if(fgets(text, sizeof(text), f)) lvl = atol(text);
        fclose(f);
        if(lvl != level) continue;
        snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/type", idx);
        if(!(f = fopen(path, "r"))) continue;
        bool usable = fgets(text, sizeof(text), f) && strncmp(text, "Instruction", 11) != 0;
        fclose(f);
        if(!usable) continue;
        snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/size", idx);
        if(!(f = fopen(path, "r"))) continue;
        if(fgets(text, sizeof(text), f))
        {
            char* unit = NULL;
            v          = strtol(text, &unit, 10);
            if(unit && (*unit == 'K' || *unit == 'k')) v *= 1024;
            if(unit && *unit == 'M') v *= 1024 * 1024;
        }
        fclose(f);
        if(v > 0) return v;
    }
    return -1;
}

static bool tm__info_key(tm__buf* b, bool* first, const char* key)
{
    if(!*first) tm__buf_putc(b, ',');
    *first = false;
    tm__buf_json_string(b, key);
    tm__buf_putc(b, ':');
    return true;
}

static void tm__info_string(tm__buf* b, bool* first, const char* key, const char* value)
{
    if(!value) return;
    tm__info_key(b, first, key);
    tm__buf_json_string(b, value);
}

static void tm__info_long(tm__buf* b, bool* first, const char* key, long value)
{
    if(value < 0) return; /* not known on this machine: left out rather than guessed */
    tm__info_key(b, first, key);
    tm__buf_printf(b, "%ld", value);
}

static const char* const tm__builtin_info_keys[] = { "SHELL",
                                                     "HOME",
                                                     "PWD",
                                                     "USER",
                                                     "LAUNCH_DATE",
                                                     "LAUNCH_TIME",
                                                     "TIMEMORY_API",
                                                     "TIMEMORY_VERSION",
                                                     "CPU_MODEL",
                                                     "CPU_VENDOR",
                                                     "CPU_FEATURES",
                                                     "CPU_FREQUENCY",
                                                     "HW_CONCURRENCY",
                                                     "HW_PHYSICAL_CPU",
                                                     "HW_L1_CACHE_SIZE",
                                                     "HW_L2_CACHE_SIZE",
                                                     "HW_L3_CACHE_SIZE" };

static void tm__put_info(tm__buf* b)
{
    bool first = true;
    tm__buf_putc(b, '{');
    tm__info_string(b, &first, "SHELL", getenv("SHELL"));
    tm__info_string(b, &first, "HOME", getenv("HOME"));
    tm__info_string(b, &first, "PWD", getenv("PWD"));
    tm__info_string(b, &first, "USER", getenv("USER") ? getenv("USER") : "nobody");
    char text[64];
    tm__output_launch_strftime("%D", text, sizeof(text));
    tm__info_string(b, &first, "LAUNCH_DATE", text);
    tm__output_launch_strftime("%H:%M", text, sizeof(text));
    tm__info_string(b, &first, "LAUNCH_TIME", text);
    tm__info_string(b, &first, "TIMEMORY_API", "tim::project::timemory");
    tm__info_string(b, &first, "TIMEMORY_VERSION", TIMEMORY_VERSION_STRING);

    tm__cpu_info cpu;
    tm__read_cpuinfo(&cpu);
    if(cpu.model[0]) tm__info_string(b, &first, "CPU_MODEL", cpu.model);
    if(cpu.vendor[0]) tm__info_string(b, &first, "CPU_VENDOR", cpu.vendor);
    if(cpu.features)
    {
        tm__info_key(b, &first, "CPU_FEATURES");
        tm__buf_putc(b, '[');
        bool first_feature = true;
        for(char* tok = strtok(cpu.features, " \t"); tok; tok = strtok(NULL, " \t"))
        {
            if(!first_feature) tm__buf_putc(b, ',');
            first_feature = false;
            tm__buf_json_string(b, tok);
        }
        tm__buf_putc(b, ']');
        free(cpu.features);
    }
    tm__info_long(b, &first, "CPU_FREQUENCY", cpu.mhz);
    tm__info_long(b, &first, "HW_CONCURRENCY", sysconf(_SC_NPROCESSORS_ONLN));
    tm__info_long(b, &first, "HW_PHYSICAL_CPU", cpu.physical > 0 ? cpu.physical : -1);
    tm__info_long(b, &first, "HW_L1_CACHE_SIZE", tm__cache_size(1));
    tm__info_long(b, &first, "HW_L2_CACHE_SIZE", tm__cache_size(2));
    tm__info_long(b, &first, "HW_L3_CACHE_SIZE", tm__cache_size(3));

    /* user keys (lock held by the caller); a built-in key was there first */
    for(size_t i = 0; i < tm__user_metadata.n; ++i)
    {
        const tm__pair* p       = &tm__user_metadata.items[i];
        bool            builtin = false;
        for(size_t k = 0; k < sizeof(tm__builtin_info_keys) / sizeof(char*); ++k)
            builtin = builtin || strcmp(p->key, tm__builtin_info_keys[k]) == 0;
        if(builtin) continue;
        tm__info_key(b, &first, p->key);
        tm__buf_puts(b, p->value);
    }
    tm__buf_putc(b, '}');
}

static int tm__compare_env(const void* a, const void* b)
{
    return strcmp(*(const char* const*)a, *(const char* const*)b);
}

/* [{"key": VAR, "value": text}] of the TIMEMORY_* variables set now, sorted */
static void tm__put_environment(tm__buf* b)
{
    size_t n = 0;
    for(char** e = environ; e && *e; ++e)
        if(strncmp(*e, "TIMEMORY_", 9) == 0) ++n;
    const char** vars = calloc(n + 1, sizeof(char*));
    size_t       m    = 0;
    for(char** e = environ; vars && e && *e && m < n; ++e)
        if(strncmp(*e, "TIMEMORY_", 9) == 0) vars[m++] = *e;
    if(vars) qsort(vars, m, sizeof(char*), tm__compare_env);
    tm__buf_putc(b, '[');
    bool first = true;
    for(size_t i = 0; i < m; ++i)
    {
        const char* eq = strchr(vars[i], '=');
        if(!eq) continue;
        if(!first) tm__buf_putc(b, ',');
        first = false;
        char name[256];
        snprintf(name, sizeof(name), "%.*s", (int)(eq - vars[i]), vars[i]);
        tm__buf_puts(b, "{\"key\":");
        tm__buf_json_string(b, name);
        tm__buf_puts(b, ",\"value\":");
        tm__buf_json_string(b, eq + 1);
        tm__buf_putc(b, '}');
    }
    tm__buf_putc(b, ']');
    free(vars);
}

/* settings.command_line: the process's own argv, from /proc/self/cmdline */
static void tm__put_command_line(tm__buf* b)
{
    tm__buf_putc(b, '[');
    FILE* f = fopen("/proc/self/cmdline", "rb");
    if(f)
    {
        tm__buf arg;
        tm__buf_init(&arg);
        bool first = true;
        int  ch;
        while((ch = fgetc(f)) != EOF)
        {
            if(ch != '\0')
            {
                tm__buf_putc(&arg, (char)ch);
                continue;
            }
            if(!first) tm__buf_putc(b, ',');
            first = false;
            tm__buf_json_string(b, arg.data ? arg.data : "");
            arg.len = 0;
            if(arg.data) arg.data[0] = '\0';
        }
        tm__buf_free(&arg);
        fclose(f);
    }
    tm__buf_putc(b, ']');
}

/* {"info","settings","output","environment"}: metadata.json's "metadata" object */
void tm__put_metadata(tm__buf* b)
{
    tm__buf_puts(b, "{\"info\":");
    pthread_mutex_lock(&tm__output_mutex);
    tm__put_info(b);
    pthread_mutex_unlock(&tm__output_mutex);

    tm__buf_puts(b, ",\"settings\":{\"cereal_class_version\":0");
    size_t mark = b->len;
    tm__buf_putc(b, ',');
    tm__settings_metadata_json(b);
    if(b->len == mark + 1) b->len = mark; /* no settings: drop the comma */
    tm__buf_puts(b, ",\"command_line\":");
    tm__put_command_line(b);
    tm__buf_puts(b, ",\"environment\":[");
    for(size_t i = 0; tm__launch_environ && tm__launch_environ[i]; ++i)
    {
        if(i > 0) tm__buf_putc(b, ',');
        tm__buf_json_string(b, tm__launch_environ[i]);
    }
    tm__buf_puts(b, "]},\"output\":{\"json\":");
    pthread_mutex_lock(&tm__output_mutex);
    tm__put_outputs(b, &tm__json_files);
    tm__buf_puts(b, ",\"text\":");
    tm__put_outputs(b, &tm__text_files);
    pthread_mutex_unlock(&tm__output_mutex);
    tm__buf_puts(b, "},\"environment\":");
    tm__put_environment(b);
    tm__buf_putc(b, '}');
}

int timemory_get_metadata(char** out)
{
    if(!out) return TIMEMORY_EINVAL;
    tm__buf b;
    tm__buf_init(&b);
    tm__put_metadata(&b);
    *out = tm__buf_take(&b);
    return *out ? TIMEMORY_OK : TIMEMORY_ENOMEM;
}

/* ---- functions.json ------------------------------------------------------------------------ */

typedef struct tm__function {
    uint64_t    id;
    const char* key;
} tm__function;

typedef struct tm__functions {
    tm__function* items;
    size_t        n;
    size_t        cap;
    bool          failed;
} tm__functions;

static void tm__collect_function(uint64_t id, const char* key, void* arg)
{
    tm__functions* f = arg;
    if(f->failed || !key) return;
    if(f->n == f->cap)
    {
        size_t        cap   = f->cap ? f->cap * 2 : 256;
        tm__function* items = realloc(f->items, cap * sizeof(tm__function));
        if(!items)
        {
            f->failed = true;
            return;
        }
        f->items = items;
        f->cap   = cap;
    }
    f->items[f->n].id  = id;
    f->items[f->n].key = key;
    ++f->n;
}

static int tm__compare_function(const void* a, const void* b)
{
    const tm__function* x = a;
    const tm__function* y = b;
    int                 c = strcmp(x->key, y->key);
    if(c != 0) return c;
    return x->id < y->id ? -1 : (x->id > y->id ? 1 : 0);
}

/* Sorts by key (strcmp order), then id: a three-way radix quicksort (one byte position at a
 * time, so labels that share a long prefix are not compared from the start again and again)
 * with a stack of its own. False when out of memory (then qsort does it). */
static bool tm__sort_functions(tm__function* a, size_t n)
{
    typedef struct tm__sort_part {
        size_t first, count, at; /* a[first .. first + count) agree on their first `at` bytes */
    } tm__sort_part;
    size_t         top = 0, cap = 64;
    tm__sort_part* stack = malloc(cap * sizeof(*stack));
    if(!stack) return false;
    stack[top++] = (tm__sort_part){ 0, n, 0 };
    while(top > 0)
    {
        tm__sort_part s = stack[--top];
        tm__function* v = a + s.first;
        if(s.count < 12)
        {
            for(size_t i = 1; i < s.count; ++i)
                for(size_t j = i; j > 0; --j)
                {
                    const tm__function* x = &v[j - 1];
                    const tm__function* y = &v[j];
                    int                 c = strcmp(x->key + s.at, y->key + s.at);
                    if(c < 0 || (c == 0 && x->id <= y->id)) break;
                    tm__function t = v[j];
                    v[j]           = v[j - 1];
                    v[j - 1]       = t;
                }
            continue;
        }
#define TM_BYTE(i) ((unsigned char)v[i].key[s.at])
        /* pivot: the median of three bytes */
        unsigned x = TM_BYTE(0), y = TM_BYTE(s.count / 2), z = TM_BYTE(s.count - 1);
        unsigned pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        /* [0, lt) below, [lt, i) equal, (gt, count) above */
        size_t lt = 0, i = 0, gt = s.count;
        while(i < gt)
        {
            unsigned c = TM_BYTE(i);
            if(c < pivot)
            {
                tm__function t = v[i];
                v[i++]         = v[lt];
                v[lt++]        = t;
            }
            else if(c > pivot)
            {
                tm__function t = v[i];
                v[i]           = v[--gt];
                v[gt]          = t;
            }
            else
                ++i;
        }
#undef TM_BYTE
        if(top + 3 > cap)
        {
            tm__sort_part* grown = realloc(stack, 2 * cap * sizeof(*stack));
            if(!grown)
            {
                free(stack);
                return false;
            }
            stack = grown;
            cap *= 2;
        }
        if(lt > 1) stack[top++] = (tm__sort_part){ s.first, lt, s.at };
        if(s.count - gt > 1) stack[top++] = (tm__sort_part){ s.first + gt, s.count - gt, s.at };
        if(gt - lt > 1)
        {
            if(pivot != 0)
                stack[top++] = (tm__sort_part){ s.first + lt, gt - lt, s.at + 1 };
            else /* the same key: by id */
                qsort(v + lt, gt - lt, sizeof(tm__function), tm__compare_function);
        }
    }
    free(stack);
    return true;
}

/* {"timemory":{"functions":{"<label>":[ids...]}}}: the registry inverted */
void tm__write_functions(tm__buf* b)
{
    tm__functions f;
    memset(&f, 0, sizeof(f));
    tm__registry_foreach(tm__collect_function, &f);
    if(f.failed) b->failed = true;
    if(f.n > 1 && !tm__sort_functions(f.items, f.n))
        qsort(f.items, f.n, sizeof(tm__function), tm__compare_function);
    tm__buf_puts(b, "{\"timemory\":{\"functions\":{");
    for(size_t i = 0; i < f.n; ++i)
    {
        bool same = i > 0 && strcmp(f.items[i].key, f.items[i - 1].key) == 0;
        if(same)
            tm__buf_putc(b, ',');
        else
        {
            if(i > 0) tm__buf_puts(b, "],");
            tm__buf_json_string(b, f.items[i].key);
            tm__buf_puts(b, ":[");
        }
        tm__buf_u64(b, f.items[i].id);
    }
    if(f.n > 0) tm__buf_putc(b, ']');
    tm__buf_puts(b, "}}}\n");
    free(f.items);
}
