/* clock.h -- the engine's clock readings, one definition each: a clock_gettime clock in
 * nanoseconds. tm__now_ns() is CLOCK_MONOTONIC, the wall clock of push/pop (when wall_clock is
 * the only component), the timeline, trace throttling, the progress line and the signal
 * writer's time limit; tm__clock_ns(id) reads any clock (the components' sources, the
 * realtime stamp of an output claim) and is 0 when the clock cannot be read.
 * Why no check in tm__now_ns: clock_gettime fails only for an unknown clock or a bad pointer,
 * neither possible here, and push/pop read it twice per pair.
 * The extension has its own copy (ext/hooks.h tm_hook_now_ns): ext includes public headers
 * only, and a public inline would need the POSIX feature macros in every user's translation
 * unit.
 */
#ifndef TIMEMORY_SRC_CLOCK_H
#define TIMEMORY_SRC_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline int64_t tm__clock_ns(clockid_t id)
{
    struct timespec ts;
    if(__builtin_expect(clock_gettime(id, &ts) != 0, 0)) return 0;
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline int64_t tm__now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

#endif
