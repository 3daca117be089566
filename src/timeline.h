/* timeline.h -- the per-call timeline (timeline.c) as push/pop, output and the tests
 * see it.
 * Private (src/ only), included by internal.h, whose types it uses: include internal.h.
 */
#ifndef TIMEMORY_SRC_TIMELINE_H
#define TIMEMORY_SRC_TIMELINE_H
/* The graph id of the calling thread (0 = the main thread), registering it (graph.c). */
int tm__graph_thread_tid(void);
/* Begin of a measured push (the setting `timeline` is on): tid = its graph's id, depth = its
 * index on the frame stack, ts = CLOCK_MONOTONIC ns, or the caller's ticks with TM__TL_TICKS.
 * Returns what the frame keeps for tm__timeline_end: 0 nothing, 1 dropped, else recorded. */
#define TM__TL_END   1u
#define TM__TL_TICKS 2u
uint8_t tm__timeline_begin(int tid, uint64_t key, uint32_t depth, int64_t ts, unsigned flags);
void    tm__timeline_end(uint8_t state, uint64_t key, uint32_t depth, int64_t ts, unsigned flags);
int64_t tm__timeline_now(void);   /* wall_clock's clock (a test's injected reader too) */
void    tm__timeline_clear(void); /* timemory_clear: every thread's timeline emptied */
bool    tm__timeline_has_data(void);
/* The Chrome / Perfetto trace of every thread's timeline (docs/outputs.md). */
void tm__write_timeline(tm__buf* b);
/* Tests: the events of thread tid's timeline in order (at most max) and its dropped count. */
typedef struct tm__timeline_event {
    int64_t  ts;
    uint64_t key;
    uint32_t depth;
    bool     end;
} tm__timeline_event;
size_t tm__timeline_events(int tid, tm__timeline_event* out, size_t max, uint64_t* dropped);

#endif
