/* hwc_perf_event.c -- the perf_event backend of the hardware counters: the event names it
 * knows (perf's names, libpfm's perf::NAME and PERF_COUNT_* spellings, and the PAPI presets
 * that are one generic perf event), opening a thread's events as one group and reading it with
 * one read() per sample (src/hwcounters.h). */
#include "hwcounters.h"
#include "timemory/timemory.h"

#include <ctype.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

typedef struct tm_perf_name {
    const char* name; /* canonical (perf's) */
    const char* alias;
    uint32_t    type;
    uint64_t    config;
    const char* units;
    const char* description;
} tm_perf_name;

static const tm_perf_name tm_perf_names[] = {
    { "cycles", "cpu-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, "",
      "CPU cycles (hardware PMU)" },
    { "instructions", NULL, PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS, "",
      "Instructions retired (hardware PMU)" },
    { "cache-references", NULL, PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_REFERENCES, "",
      "Cache accesses, usually the last-level cache (hardware PMU)" },
    { "cache-misses", NULL, PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES, "",
      "Cache misses, usually the last-level cache (hardware PMU)" },
    { "branch-instructions", "branches", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS, "",
      "Branch instructions retired (hardware PMU)" },
    { "branch-misses", NULL, PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES, "",
      "Mispredicted branches (hardware PMU)" },
    { "bus-cycles", NULL, PERF_TYPE_HARDWARE, PERF_COUNT_HW_BUS_CYCLES, "",
      "Bus cycles (hardware PMU)" },
    { "stalled-cycles-frontend", "idle-cycles-frontend", PERF_TYPE_HARDWARE,
      PERF_COUNT_HW_STALLED_CYCLES_FRONTEND, "", "Cycles stalled in the front end (hardware PMU)" },
    { "stalled-cycles-backend", "idle-cycles-backend", PERF_TYPE_HARDWARE,
      PERF_COUNT_HW_STALLED_CYCLES_BACKEND, "", "Cycles stalled in the back end (hardware PMU)" },
    { "ref-cycles", "ref-cpu-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_REF_CPU_CYCLES, "",
      "Reference cycles, not scaled by frequency changes (hardware PMU)" },
    { "cpu-clock", NULL, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK, "ns",
      "CPU time of the thread, from the cpu clock (software event)" },
    { "task-clock", NULL, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK, "ns",
      "CPU time of the thread, from the task clock (software event)" },
    { "page-faults", "faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS, "",
      "Page faults (software event)" },
    { "context-switches", "cs", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES, "",
      "Context switches (software event)" },
    { "cpu-migrations", "migrations", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS, "",
      "Migrations of the thread to another CPU (software event)" },
    { "minor-faults", "page-faults-min", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MIN, "",
      "Minor page faults, served without I/O (software event)" },
    { "major-faults", "page-faults-maj", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MAJ, "",
      "Major page faults, served with I/O (software event)" },
    { "alignment-faults", NULL, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_ALIGNMENT_FAULTS, "",
      "Alignment faults (software event)" },
    { "emulation-faults", NULL, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_EMULATION_FAULTS, "",
      "Instructions emulated by the kernel (software event)" },
};
#define TM_PERF_NNAMES ((int)(sizeof(tm_perf_names) / sizeof(tm_perf_names[0])))

/* The PAPI presets that are exactly one generic perf event (PAPI maps them so itself). */
static const struct {
    const char* preset;
    const char* perf;
} tm_perf_presets[] = {
    { "PAPI_TOT_CYC", "cycles" },     { "PAPI_TOT_INS", "instructions" },
    { "PAPI_BR_INS", "branches" },    { "PAPI_BR_MSP", "branch-misses" },
    { "PAPI_REF_CYC", "ref-cycles" },
};

int tm__hwc_perf_known(int i, const char** name, const char** description, const char** units)
{
    if(i >= 0 && i < TM_PERF_NNAMES)
    {
        if(name) *name = tm_perf_names[i].name;
        if(description) *description = tm_perf_names[i].description;
        if(units) *units = tm_perf_names[i].units;
    }
    return TM_PERF_NNAMES;
}

/* name lower-cased with '_' -> '-', without a perf:: prefix or a PERF_COUNT_HW_/SW_ prefix */
static void tm_perf_normalize(const char* name, char* out, size_t len)
{
    if(strncasecmp(name, "perf::", 6) == 0) name += 6;
    if(strncasecmp(name, "PERF_COUNT_HW_", 14) == 0 || strncasecmp(name, "PERF_COUNT_SW_", 14) == 0)
        name += 14;
    size_t i = 0;
    for(; name[i] && i + 1 < len; ++i)
        out[i] = name[i] == '_' ? '-' : (char)tolower((unsigned char)name[i]);
    out[i] = '\0';
}

int tm__hwc_perf_resolve(const char* name, tm__hwc_event* ev)
{
    for(size_t p = 0; p < sizeof(tm_perf_presets) / sizeof(tm_perf_presets[0]); ++p)
        if(strcmp(name, tm_perf_presets[p].preset) == 0)
        {
            name = tm_perf_presets[p].perf;
            break;
        }
    char norm[TM_HWC_NAME_LEN];
    tm_perf_normalize(name, norm, sizeof(norm));
    for(int i = 0; i < TM_PERF_NNAMES; ++i)
    {
        const tm_perf_name* row = &tm_perf_names[i];
        if(strcmp(norm, row->name) == 0 || (row->alias && strcmp(norm, row->alias) == 0))
        {
            ev->type   = row->type;
            ev->config = row->config;
            snprintf(ev->units, sizeof(ev->units), "%s", row->units);
            return 0;
        }
    }
    return TIMEMORY_EUNKNOWN;
}

static void tm_perf_attr(struct perf_event_attr* attr, const tm__hwc_event* ev, bool group_read)
{
    memset(attr, 0, sizeof(*attr));
    attr->size        = sizeof(*attr);
    attr->type        = ev->type;
    attr->config      = ev->config;
    attr->read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING |
                        (group_read ? PERF_FORMAT_GROUP : 0);
    attr->exclude_kernel = ev->user_only ? 1 : 0;
    attr->exclude_hv     = ev->user_only ? 1 : 0;
}

static int tm_perf_event_open(struct perf_event_attr* attr, int group_fd)
{
    /* this thread (pid 0), any CPU */
    return (int)syscall(SYS_perf_event_open, attr, 0, -1, group_fd, PERF_FLAG_FD_CLOEXEC);
}

int tm__hwc_perf_probe(tm__hwc_event* ev, char* why, int len)
{
    struct perf_event_attr attr;
    ev->user_only = 0;
    tm_perf_attr(&attr, ev, false);
    int fd = tm_perf_event_open(&attr, -1);
    if(fd < 0 && (errno == EACCES || errno == EPERM))
    {
        /* perf_event_paranoid >= 2: only user-space counting of this process is allowed */
        ev->user_only = 1;
        tm_perf_attr(&attr, ev, false);
        fd = tm_perf_event_open(&attr, -1);
    }
    if(fd < 0)
    {
        int         err  = errno;
        const char* hint = err == ENOENT || err == EOPNOTSUPP
                               ? " -- this machine (or VM) has no such counter"
                           : err == EACCES || err == EPERM
                               ? " -- not permitted (see /proc/sys/kernel/perf_event_paranoid)"
                           : err == ENOSYS ? " -- the kernel has no perf_event support"
                                           : "";
        snprintf(why, (size_t)len, "perf_event_open: %s%s", strerror(err), hint);
        return -err;
    }
    close(fd);
    return 0;
}

/* 0 hardware (and raw, cache), 1 task-clock, 2 cpu-clock, 3 other software events */
static int tm_perf_kind(const tm__hwc_event* ev)
{
    if(ev->type != PERF_TYPE_SOFTWARE) return 0;
    if(ev->config == PERF_COUNT_SW_TASK_CLOCK) return 1;
    if(ev->config == PERF_COUNT_SW_CPU_CLOCK) return 2;
    return 3;
}

int tm__hwc_perf_open(const tm__hwc_event* evs, int n, bool multiplex, tm__hwc_perf_set* set)
{
    struct perf_event_attr attr;
    memset(set, 0, sizeof(*set));
    for(int i = 0; i < n; ++i) set->fds[i] = -1;
    set->n = n;
    /* group order: by kind, list order within a kind */
    int pos = 0;
    for(int kind = 0; kind < 4; ++kind)
        for(int i = 0; i < n; ++i)
        {
            if(tm_perf_kind(&evs[i]) != kind) continue;
            bool leader = multiplex || set->ngroups == 0 ||
                          tm_perf_kind(&evs[set->order[set->start[set->ngroups - 1]]]) != kind;
            if(leader)
            {
                set->start[set->ngroups] = (uint8_t)pos;
                set->count[set->ngroups] = 0;
                ++set->ngroups;
            }
            int g = set->ngroups - 1;
            tm_perf_attr(&attr, &evs[i], true);
            int fd = tm_perf_event_open(&attr, leader ? -1 : set->fds[set->start[g]]);
            if(fd < 0)
            {
                int err = errno;
                tm__hwc_perf_close(set);
                return -err;
            }
            set->fds[pos]   = fd;
            set->order[pos] = (uint8_t)i;
            ++set->count[g];
            ++pos;
        }
    return 0;
}

/* count * enabled / running: what the count would be had the event run all the time */
static int64_t tm_perf_scaled(uint64_t count, uint64_t enabled, uint64_t running)
{
    if(running == 0 || running >= enabled) return (int64_t)count;
    return (int64_t)((double)count * ((double)enabled / (double)running) + 0.5);
}

int tm__hwc_perf_read(const tm__hwc_perf_set* set, uint64_t* buf, int64_t* values)
{
    for(int g = 0; g < set->ngroups; ++g)
    {
        /* PERF_FORMAT_GROUP: nr, time_enabled, time_running, value[nr] */
        int     first = set->start[g], count = set->count[g];
        size_t  want = (size_t)(3 + count) * sizeof(uint64_t);
        ssize_t got  = read(set->fds[first], buf, want);
        if(got != (ssize_t)want || buf[0] != (uint64_t)count) return TIMEMORY_EIO;
        for(int k = 0; k < count; ++k)
            values[set->order[first + k]] = tm_perf_scaled(buf[3 + k], buf[1], buf[2]);
    }
    return set->n;
}

void tm__hwc_perf_close(tm__hwc_perf_set* set)
{
    /* members before their leader */
    for(int i = set->n - 1; i >= 0; --i)
        if(set->fds[i] >= 0)
        {
            close(set->fds[i]);
            set->fds[i] = -1;
        }
    set->ngroups = 0;
}
