/* json_diff.h -- the strict JSON reader's tree (json_reader.c) and the diff of two results
 * (diff.c): what the readers of earlier outputs share with the writers.
 * Private (src/ only), included by internal.h, whose types it uses: include internal.h.
 */
#ifndef TIMEMORY_SRC_JSON_DIFF_H
#define TIMEMORY_SRC_JSON_DIFF_H
/* Strict JSON (RFC 8259) read into a tree without recursion (json_reader.c). Nodes and
 * decoded strings (UTF-8, NUL-terminated, with their length) belong to the tree. */
typedef enum tm__jnode_kind {
    TM_JSON_NULL,
    TM_JSON_FALSE,
    TM_JSON_TRUE,
    TM_JSON_NUMBER,
    TM_JSON_STRING,
    TM_JSON_ARRAY,
    TM_JSON_OBJECT
} tm__jnode_kind;

typedef struct tm__jnode {
    struct tm__jnode* next; /* the next element or member of the parent */
    const char*       key;  /* member name when the parent is an object, else NULL */
    size_t            key_len;
    tm__jnode_kind    kind;
    unsigned          line; /* 1-based line where the value starts */
    union {
        struct {
            const char* text;
            size_t      len;
        } string;
        struct {
            double   value;
            uint64_t magnitude; /* |value| when integer */
            bool     integer;   /* no fraction or exponent, and |value| < 2^64 */
            bool     negative;
        } number;
        struct {
            struct tm__jnode* first;
            size_t            count;
        } items; /* arrays and objects */
    } u;
} tm__jnode;

typedef struct tm__jtree tm__jtree;

/* 0 in a field = the default */
typedef struct tm__json_limits {
    size_t   max_bytes;
    size_t   max_values;
    unsigned max_depth;
} tm__json_limits;
#define TM_JSON_DEFAULT_MAX_BYTES  ((size_t)512 << 20)
#define TM_JSON_DEFAULT_MAX_VALUES ((size_t)16 << 20)
#define TM_JSON_DEFAULT_MAX_DEPTH  512u

typedef struct tm__json_error {
    int      code;   /* TIMEMORY_EFORMAT, _EIO, _ERANGE (a limit), _ENOMEM, _EINVAL */
    size_t   offset; /* syntax errors: byte offset, line and column (1-based) */
    unsigned line;
    unsigned column;
    char     message[256]; /* "line 3, column 17: expected ',' or '}' in an object, found 'x'" */
} tm__json_error;

tm__jtree*       tm__jtree_parse(const char* text, size_t len, const tm__json_limits* limits,
                                 tm__json_error* err);
tm__jtree*       tm__jtree_read_file(const char* path, const tm__json_limits* limits,
                                     tm__json_error* err);
void             tm__jtree_free(tm__jtree* tree);
const tm__jnode* tm__jtree_root(const tm__jtree* tree);
/* The first member named key; NULL when missing or when object is not an object. */
const tm__jnode* tm__jnode_member(const tm__jnode* object, const char* key);
/* Exact integer conversions: false for a non-number, a fraction, or out of range. */
bool        tm__jnode_u64(const tm__jnode* v, uint64_t* out);
bool        tm__jnode_i64(const tm__jnode* v, int64_t* out);
bool        tm__jnode_double(const tm__jnode* v, double* out);
const char* tm__jnode_kind_name(tm__jnode_kind kind); /* "an object", "a number" */

/* Difference output (diff.c), OUTPUT.md §6 and SETTINGS.md §4.4. */
/* The candidate input files of a component label: input_path (default output_path) +
 * input_prefix (default output_prefix) + label + ".json" and each input_extensions entry,
 * without repeats. Returns the count (at most max); each out[i] is malloc'd. */
int tm__diff_input_candidates(const char* label, char** out, int max);
/* The first rank of a previous run's flat JSON document (OUTPUT.md §3) as a result of comp:
 * entries with owned prefixes, statistics back in base units. TIMEMORY_EFORMAT with why
 * filled ("timemory.wall_clock.ranks[0].graph[3].depth: expected an integer") when the
 * document is not that. */
int tm__diff_load(const tm__jnode* root, int comp, tm__result* prev, char* why, size_t len);
/* current minus previous for entries matching in (depth, hash, rolling_hash, prefix), in the
 * previous run's order; banner "<DESCRIPTION> vs. <input_name>". */
int tm__diff_compute(const tm__result* current, const tm__result* prev, const char* input_name,
                     tm__result* out);
/* The whole step for one component when diff_output is on: probe the candidates ("Checking
 * for existing input at PATH..."), read the first one found ("[L]|0> Reading 'PATH'..."),
 * compute the difference. TIMEMORY_ENOTFOUND when there is no difference to write (nothing
 * found, or the input is unusable: one message on stderr naming the file and why). */
int tm__diff_build(const tm__result* current, tm__result* out);
/* Entry comparisons tm__diff_compute made (matching is hash-based: a test checks it is linear). */
extern size_t tm__diff_probes;

#endif
