/* component_names.c -- components by name: lookup by name or id string (case-insensitive),
 * parsing of component lists ("wall_clock, cpu_clock"), and the "did you mean" suggestions for
 * an unknown name (edit distance and substrings over every name and id), from the one
 * component table. Never on the hot path.
 */
#include "internal.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool tm_equal_n(const char* word, size_t n, const char* name)
{
    return strncasecmp(word, name, n) == 0 && name[n] == '\0';
}

/* word (n chars) is one of the comma-separated ids */
static bool tm_in_ids(const char* word, size_t n, const char* ids)
{
    for(const char* p = ids; *p;)
    {
        const char* comma = strchr(p, ',');
        size_t      len   = comma ? (size_t)(comma - p) : strlen(p);
        if(len == n && strncasecmp(word, p, n) == 0) return true;
        if(!comma) break;
        p = comma + 1;
    }
    return false;
}

/* Names before aliases: "user_list_bundle" is member 52 although 51 lists it as a 3.2 alias.
 * Returns the dense index. */
static int tm_find_n(const char* word, size_t n)
{
    if(n == 0) return TIMEMORY_EUNKNOWN;
    int ncomp = tm__ncomp();
    for(int c = 0; c < ncomp; ++c)
    {
        const tm__component_row* row = &tm__components[c];
        if(tm_equal_n(word, n, row->name) || tm_equal_n(word, n, row->enum_name) ||
           tm_equal_n(word, n, row->class_name))
            return c;
    }
    for(int c = 0; c < ncomp; ++c)
        if(tm_in_ids(word, n, tm__components[c].ids)) return c;
    return TIMEMORY_EUNKNOWN;
}

int timemory_component_find(const char* name)
{
    if(!name) return TIMEMORY_EINVAL;
    while(isspace((unsigned char)*name)) ++name;
    size_t n = strlen(name);
    while(n > 0 && isspace((unsigned char)name[n - 1])) --n;
    int c = tm_find_n(name, n);
    return c >= 0 ? tm__comp_id(c) : c;
}

static inline bool tm_is_list_separator(char c)
{
    return c == '"' || c == '\'' || c == ',' || c == ';' || c == ':' || isspace((unsigned char)c);
}

int timemory_components_parse_set(const char* list, timemory_component_set* out, const char** bad)
{
    static _Thread_local char first_bad[128];
    if(!out) return TIMEMORY_EINVAL;
    tm__cset set    = { { 0 } };
    int      result = TIMEMORY_OK;
    if(bad) *bad = NULL;
    for(const char* p = list ? list : ""; *p;)
    {
        while(*p && tm_is_list_separator(*p)) ++p;
        const char* word = p;
        while(*p && !tm_is_list_separator(*p)) ++p;
        size_t n = (size_t)(p - word);
        if(n == 0) continue;
        int comp = tm_find_n(word, n);
        if(comp >= 0)
        {
            tm__cset_add(&set, comp);
        }
        else if(result == TIMEMORY_OK)
        {
            result = TIMEMORY_EUNKNOWN;
            if(n >= sizeof(first_bad)) n = sizeof(first_bad) - 1;
            memcpy(first_bad, word, n);
            first_bad[n] = '\0';
            if(bad) *bad = first_bad;
        }
    }
    *out = set; /* the known names, also when some were not */
    return result;
}

/* The compact form: the ids 0..63 of the list (a registered component is left out). */
int timemory_components_parse(const char* list, timemory_components_t* out, const char** bad)
{
    if(!out) return TIMEMORY_EINVAL;
    timemory_component_set set;
    int                    rc = timemory_components_parse_set(list, &set, bad);
    *out                      = timemory_component_set_to_mask(&set);
    return rc;
}

/* Every name and id as its own string, built once for the suggestions. */
#define TM_ROW_IDS_SIZE(ENUM, value, name, class_name, label, ids, ...) +sizeof(ids)
enum { TM_IDS_CHARS = 0 TIMEMORY_COMPONENTS(TM_ROW_IDS_SIZE) };
#undef TM_ROW_IDS_SIZE

static struct {
    pthread_once_t once;
    char           chars[TM_IDS_CHARS];
    const char*    word[TM_NTABLE + TM_IDS_CHARS / 2];
    int            nwords;
} tm_words = { PTHREAD_ONCE_INIT, { 0 }, { 0 }, 0 };

static void tm_words_build(void)
{
    char* dst = tm_words.chars;
    for(int c = 0; c < TM_NTABLE; ++c) tm_words.word[tm_words.nwords++] = tm__components[c].name;
    for(int c = 0; c < TM_NTABLE; ++c)
    {
        const char* ids = tm__components[c].ids;
        if(!*ids) continue;
        size_t len = strlen(ids);
        memcpy(dst, ids, len + 1);
        char* start = dst;
        for(char* q = dst; q <= dst + len; ++q)
        {
            if(*q == ',' || *q == '\0')
            {
                *q = '\0';
                if(q > start) tm_words.word[tm_words.nwords++] = start;
                start = q + 1;
            }
        }
        dst += len + 1;
    }
}

/* Optimal-string-alignment distance (insert, delete, substitute, swap neighbours), ignoring
 * case; both strings are short names. */
static int tm_edit_distance(const char* a, const char* b)
{
    enum { N = 64 };
    size_t la = strlen(a), lb = strlen(b);
    if(la >= N) la = N - 1;
    if(lb >= N) lb = N - 1;
    int d[N][N];
    for(size_t i = 0; i <= la; ++i) d[i][0] = (int)i;
    for(size_t j = 0; j <= lb; ++j) d[0][j] = (int)j;
    for(size_t i = 1; i <= la; ++i)
    {
        for(size_t j = 1; j <= lb; ++j)
        {
            int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
            int best = d[i - 1][j - 1] + (ca != cb);
            if(d[i - 1][j] + 1 < best) best = d[i - 1][j] + 1;
            if(d[i][j - 1] + 1 < best) best = d[i][j - 1] + 1;
            if(i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
               tolower((unsigned char)a[i - 2]) == cb && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[la][lb];
}

static bool tm_contains_nocase(const char* hay, const char* needle)
{
    size_t n = strlen(needle);
    for(; *hay; ++hay)
        if(strncasecmp(hay, needle, n) == 0) return true;
    return false;
}

typedef struct tm_match {
    const char* word;
    int         score;
} tm_match;

enum { TM_MAX_WORDS = TM_COMP_CAP + TM_IDS_CHARS / 2 };

/* Every known name and id close to `name`, closest first (equal scores keep enumeration
 * order, names before ids); returns the count. */
static int tm_rank_matches(const char* name, tm_match found[TM_MAX_WORDS])
{
    pthread_once(&tm_words.once, tm_words_build);
    size_t len    = strlen(name);
    int    limit  = len / 3 > 2 ? (int)(len / 3) : 2;
    int    nfound = 0;
    int    nwords = tm_words.nwords + (tm__ncomp() - TM_NTABLE); /* the table's, registered */
    for(int i = 0; i < nwords; ++i)
    {
        const char* word  = i < tm_words.nwords
                                ? tm_words.word[i]
                                : tm__components[TM_NTABLE + i - tm_words.nwords].name;
        int         score = tm_edit_distance(name, word);
        /* "wall" -> wall_clock: a fragment of a name suggests it, after the near misses */
        if(score > limit && !(len >= 3 && tm_contains_nocase(word, name))) continue;
        bool dup = false;
        for(int k = 0; k < nfound && !dup; ++k) dup = strcmp(found[k].word, word) == 0;
        if(dup) continue;
        found[nfound].word  = word;
        found[nfound].score = score;
        ++nfound;
    }
    /* stable insertion sort by score */
    for(int i = 1; i < nfound; ++i)
    {
        for(int k = i; k > 0 && found[k - 1].score > found[k].score; --k)
        {
            tm_match m   = found[k];
            found[k]     = found[k - 1];
            found[k - 1] = m;
        }
    }
    return nfound;
}

int tm__component_close_matches(const char* name, const char** out, int max)
{
    if(!name || !out || max <= 0) return 0;
    tm_match found[TM_MAX_WORDS];
    int      nfound = tm_rank_matches(name, found);
    int      n      = nfound < max ? nfound : max;
    for(int i = 0; i < n; ++i) out[i] = found[i].word;
    return n;
}

int timemory_component_suggest(const char* name, const char** out, int max)
{
    if(!name || !out || max < 0) return TIMEMORY_EINVAL;
    tm_match found[TM_MAX_WORDS];
    int      nfound = tm_rank_matches(name, found);
    int      n      = 0;
    /* the closest only: one more edit than the best is still a plausible typo */
    for(int i = 0; i < nfound && n < max && found[i].score <= found[0].score + 1; ++i)
    {
        int comp = tm_find_n(found[i].word, strlen(found[i].word));
        if(comp < 0) continue;
        bool dup = false;
        for(int k = 0; k < n && !dup; ++k) dup = out[k] == tm__components[comp].name;
        if(!dup) out[n++] = tm__components[comp].name;
    }
    return n;
}
