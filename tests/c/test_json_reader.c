/* test_json_reader.c -- the strict JSON reader: values and their exact integers, strings and
 * escapes, the errors (each with its line and column), the limits (depth, values, bytes),
 * input far deeper than the stack could recurse, files (missing, a folder, empty, truncated),
 * and a replay of the committed fuzz seeds under fuzz/corpus/ through the reader and the
 * schema check of diff.c, so that CI exercises them without clang. */
#include "internal.h"
#include "tm_test.h"

#include <dirent.h>
#include <locale.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static tm__jtree* tm_parse(const char* text, tm__json_error* err)
{
    return tm__jtree_parse(text, strlen(text), NULL, err);
}

/* the error message of text, or "(parsed)" */
static const char* tm_parse_error(const char* text, tm__json_error* err)
{
    tm__jtree* t = tm_parse(text, err);
    if(t)
    {
        tm__jtree_free(t);
        return "(parsed)";
    }
    return err->message;
}

TM_TEST(json_reader_values)
{
    tm__json_error err;
    tm__jtree*     t = tm_parse(" {\"a\": [1, -2, 3.5, 1e3, true, false, null, \"s\", {}, []],\n"
                                    "  \"b\": {\"c\": \"d\"}, \"a\": 0} ",
                                &err);
    CHECK(t != NULL);
    if(!t) return;
    const tm__jnode* root = tm__jtree_root(t);
    CHECK_INT(root->kind, TM_JSON_OBJECT);
    CHECK_INT(root->u.items.count, 3);
    const tm__jnode* a = tm__jnode_member(root, "a"); /* the first of duplicate names */
    CHECK(a && a->kind == TM_JSON_ARRAY && a->u.items.count == 10);
    if(!a || a->u.items.count != 10) return;
    const tm__jnode* v[10];
    size_t           i = 0;
    for(const tm__jnode* e = a->u.items.first; e && i < 10; e = e->next) v[i++] = e;
    int64_t  i64 = 0;
    uint64_t u64 = 0;
    double   d   = 0.0;
    CHECK(tm__jnode_i64(v[0], &i64) && i64 == 1);
    CHECK(tm__jnode_i64(v[1], &i64) && i64 == -2);
    CHECK(!tm__jnode_u64(v[1], &u64)); /* negative */
    CHECK(!tm__jnode_i64(v[2], &i64)); /* a fraction */
    CHECK(tm__jnode_double(v[2], &d) && d == 3.5);
    CHECK(!tm__jnode_i64(v[3], &i64)); /* an exponent is not an integer */
    CHECK(tm__jnode_double(v[3], &d) && d == 1000.0);
    CHECK_INT(v[4]->kind, TM_JSON_TRUE);
    CHECK_INT(v[5]->kind, TM_JSON_FALSE);
    CHECK_INT(v[6]->kind, TM_JSON_NULL);
    CHECK(!tm__jnode_double(v[6], &d));
    CHECK(v[7]->kind == TM_JSON_STRING && strcmp(v[7]->u.string.text, "s") == 0);
    CHECK(v[8]->kind == TM_JSON_OBJECT && v[8]->u.items.count == 0 && !v[8]->u.items.first);
    CHECK(v[9]->kind == TM_JSON_ARRAY && v[9]->u.items.count == 0);
    const tm__jnode* c = tm__jnode_member(tm__jnode_member(root, "b"), "c");
    CHECK(c && c->kind == TM_JSON_STRING && strcmp(c->u.string.text, "d") == 0);
    CHECK_INT(c ? c->line : 0, 2);
    CHECK(tm__jnode_member(root, "missing") == NULL);
    CHECK(tm__jnode_member(a, "a") == NULL); /* not an object */
    CHECK(a->key && a->key_len == 1 && memcmp(a->key, "a", 1) == 0);
    tm__jtree_free(t);

    /* a scalar is a document too */
    t = tm_parse("42", &err);
    CHECK(t && tm__jnode_i64(tm__jtree_root(t), &i64) && i64 == 42);
    tm__jtree_free(t);
}

/* node ids are uint64: every digit must survive, doubles would round them */
TM_TEST(json_reader_exact_integers)
{
    tm__json_error err;
    tm__jtree*     t = tm_parse("[18446744073709551615, 12114193548468547542, "
                                    "-9223372036854775808, 9223372036854775808, "
                                    "18446744073709551616, -0, 0]",
                                &err);
    CHECK(t != NULL);
    if(!t) return;
    const tm__jnode* e   = tm__jtree_root(t)->u.items.first;
    uint64_t         u64 = 0;
    int64_t          i64 = 0;
    CHECK(tm__jnode_u64(e, &u64) && u64 == UINT64_MAX);
    CHECK(!tm__jnode_i64(e, &i64));
    e = e->next;
    CHECK(tm__jnode_u64(e, &u64) && u64 == 12114193548468547542ull);
    e = e->next;
    CHECK(tm__jnode_i64(e, &i64) && i64 == INT64_MIN);
    e = e->next;
    CHECK(!tm__jnode_i64(e, &i64) && tm__jnode_u64(e, &u64) && u64 == 9223372036854775808ull);
    e        = e->next; /* 2^64: a number, no longer an exact integer */
    double d = 0.0;
    CHECK(!tm__jnode_u64(e, &u64) && tm__jnode_double(e, &d) && d == 18446744073709551616.0);
    e = e->next;
    CHECK(tm__jnode_u64(e, &u64) && u64 == 0 && tm__jnode_i64(e, &i64) && i64 == 0);
    tm__jtree_free(t);
}

TM_TEST(json_reader_strings)
{
    tm__json_error err;
    tm__jtree*     t = tm_parse("[\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\", \"\\u00e9\\u20ac\", "
                                    "\"\\ud83d\\ude00\", \"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\", "
                                    "\"nul\\u0000inside\", \"\"]",
                                &err);
    CHECK(t != NULL);
    if(!t) return;
    const tm__jnode* e = tm__jtree_root(t)->u.items.first;
    CHECK_STR(e->u.string.text, "a\"b\\c/d\b\f\n\r\t");
    e = e->next;
    CHECK_STR(e->u.string.text, "\xc3\xa9\xe2\x82\xac");
    e = e->next;
    CHECK_STR(e->u.string.text, "\xf0\x9f\x98\x80");
    e = e->next;
    CHECK_STR(e->u.string.text, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
    e = e->next; /* the length keeps what a C string cannot */
    CHECK_INT(e->u.string.len, 10);
    CHECK(memcmp(e->u.string.text, "nul\0inside", 11) == 0);
    e = e->next;
    CHECK(e->u.string.len == 0 && e->u.string.text[0] == '\0');
    tm__jtree_free(t);

    /* a byte-order mark is skipped */
    t = tm_parse("\xef\xbb\xbf{}", &err);
    CHECK(t != NULL);
    tm__jtree_free(t);
}

TM_TEST(json_reader_errors_name_the_place)
{
    tm__json_error err;
    CHECK_STR(tm_parse_error("{\"a\": 1,}", &err), "line 1, column 9: a comma may not precede '}'");
    CHECK_INT(err.code, TIMEMORY_EFORMAT);
    CHECK_INT(err.line, 1);
    CHECK_INT(err.column, 9);
    CHECK_INT(err.offset, 8);
    CHECK_STR(tm_parse_error("[1,\n 2,\n 3 4]", &err),
              "line 3, column 4: expected ',' or ']' in an array, found '4'");
    CHECK_STR(tm_parse_error("{\"a\" 1}", &err),
              "line 1, column 6: expected ':' after the member name, found '1'");
    CHECK_STR(tm_parse_error("{a: 1}", &err),
              "line 1, column 2: expected a quoted member name, found 'a'");
    CHECK_STR(tm_parse_error("[01]", &err),
              "line 1, column 2: a number may not start with 0 followed by a digit");
    CHECK_STR(tm_parse_error("[1.]", &err),
              "line 1, column 4: a digit must follow the decimal point");
    CHECK_STR(tm_parse_error("[1e+]", &err), "line 1, column 5: a digit must follow the exponent");
    CHECK_STR(tm_parse_error("[-]", &err), "line 1, column 3: a number needs a digit here");
    CHECK_STR(tm_parse_error("[NaN]", &err), "line 1, column 2: expected a value, found 'N'");
    CHECK_STR(tm_parse_error("['a']", &err), "line 1, column 2: expected a value, found '''");
    CHECK_STR(tm_parse_error("[1] // note", &err),
              "line 1, column 5: '/' after the end of the document");
    CHECK_STR(tm_parse_error("[tru]", &err),
              "line 1, column 2: expected a value (did you mean 'true'?)");
    CHECK_STR(tm_parse_error("", &err), "line 1, column 1: the input holds no JSON value");
    CHECK_STR(tm_parse_error(" \n ", &err), "line 2, column 2: the input holds no JSON value");
    /* truncation, wherever it cuts */
    CHECK_STR(tm_parse_error("{\"timemory\": {\"wall_clock\": [1, 2", &err),
              "line 1, column 34: the input ends inside an array (truncated?)");
    CHECK_STR(tm_parse_error("{\"a\": ", &err),
              "line 1, column 7: the input ends inside an object (truncated?)");
    CHECK_STR(tm_parse_error("{\"a", &err),
              "line 1, column 4: the input ends inside a string (truncated?)");
    CHECK_STR(tm_parse_error("[\"\\u12", &err),
              "line 1, column 3: \\u must be followed by four hex digits");
    CHECK_STR(tm_parse_error("[fals", &err),
              "line 1, column 6: the input ends inside an array (truncated?)");
    /* strings */
    CHECK_STR(tm_parse_error("[\"a\tb\"]", &err),
              "line 1, column 4: control character 0x09 inside a string (must be escaped)");
    CHECK_STR(tm_parse_error("[\"\\x\"]", &err),
              "line 1, column 4: invalid escape: backslash followed by 'x'");
    CHECK_STR(tm_parse_error("[\"\\ud800\"]", &err),
              "line 1, column 3: \\ud800 is a high surrogate without a low one");
    CHECK_STR(tm_parse_error("[\"\\udc00\"]", &err),
              "line 1, column 3: \\udc00 is a low surrogate without a high one");
    CHECK_STR(tm_parse_error("[\"\xc3\x28\"]", &err),
              "line 1, column 3: invalid UTF-8 byte 0xc3 inside a string");
    CHECK_STR(tm_parse_error("[\"\xc0\xaf\"]", &err), /* overlong '/' */
              "line 1, column 3: invalid UTF-8 byte 0xc0 inside a string");
    CHECK_STR(tm_parse_error("[\"\xed\xa0\x80\"]", &err), /* an encoded surrogate */
              "line 1, column 3: invalid UTF-8 byte 0xed inside a string");
    CHECK_STR(tm_parse_error("[\"\xf4\x90\x80\x80\"]", &err), /* above U+10FFFF */
              "line 1, column 3: invalid UTF-8 byte 0xf4 inside a string");
    /* a NUL byte in the text (not in a string) */
    tm__jtree* t = tm__jtree_parse("[1,\0 2]", 7, NULL, &err);
    CHECK(t == NULL);
    CHECK_STR(err.message, "line 1, column 4: expected a value, found byte 0x00");
    CHECK(tm__jtree_parse(NULL, 0, NULL, &err) == NULL && err.code == TIMEMORY_EINVAL);
    t = tm__jtree_parse("[]", 2, NULL, NULL); /* the error struct is optional */
    CHECK(t != NULL);
    tm__jtree_free(t);
    CHECK(tm__jtree_parse("[", 1, NULL, NULL) == NULL);
}

TM_TEST(json_reader_limits)
{
    tm__json_limits lim = { 0, 0, 3 };
    tm__json_error  err;
    tm__jtree*      t = tm__jtree_parse("[[[1]]]", 7, &lim, &err);
    CHECK(t != NULL);
    tm__jtree_free(t);
    t = tm__jtree_parse("[[[[1]]]]", 9, &lim, &err);
    CHECK(t == NULL);
    CHECK_STR(err.message, "line 1, column 4: nesting deeper than 3 levels");

    tm__json_limits values = { 0, 4, 0 };
    t                      = tm__jtree_parse("[1,2,3]", 7, &values, &err);
    CHECK(t != NULL);
    tm__jtree_free(t);
    t = tm__jtree_parse("[1,2,3,4]", 9, &values, &err);
    CHECK(t == NULL);
    CHECK_STR(err.message, "line 1, column 8: more than 4 values");

    tm__json_limits bytes = { 8, 0, 0 };
    t                     = tm__jtree_parse("[1,2,3,4]", 9, &bytes, &err);
    CHECK(t == NULL);
    CHECK_INT(err.code, TIMEMORY_ERANGE);
    CHECK_STR(err.message, "9 bytes is more than the limit of 8");
}

/* far deeper than any recursion could go: one message, no crash */
TM_TEST(json_reader_deep_input)
{
    size_t n    = 1000000;
    char*  text = malloc(2 * n + 1);
    if(!text) return;
    memset(text, '[', n);
    memset(text + n, ']', n);
    text[2 * n] = '\0';
    tm__json_error err;
    CHECK(tm__jtree_parse(text, 2 * n, NULL, &err) == NULL);
    CHECK_STR(err.message, "line 1, column 513: nesting deeper than 512 levels");
    tm__json_limits lim = { 0, 0, 2000000 };
    tm__jtree*      t   = tm__jtree_parse(text, 2 * n, &lim, &err);
    CHECK(t != NULL); /* allowed deep: parsed and freed without recursion */
    size_t depth = 0;
    for(const tm__jnode* v = tm__jtree_root(t); v; v = v->u.items.first) ++depth;
    CHECK_INT(depth, n);
    tm__jtree_free(t);
    free(text);
}

TM_TEST(json_reader_decimal_point_of_the_locale)
{
    const char* names[] = { "de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8" };
    const char* set     = NULL;
    for(size_t i = 0; i < 4 && !set; ++i) set = setlocale(LC_NUMERIC, names[i]);
    if(!set)
    {
        printf("  (no locale with a decimal comma installed: not checked)\n");
        return;
    }
    tm__json_error err;
    tm__jtree*     t = tm_parse("[0.25]", &err);
    double         d = 0.0;
    CHECK(t && tm__jnode_double(tm__jtree_root(t)->u.items.first, &d) && d == 0.25);
    tm__jtree_free(t);
    setlocale(LC_NUMERIC, "C");
}

static void tm_jr_write(const char* path, const char* text, size_t len)
{
    FILE* f = fopen(path, "wb");
    if(!f) return;
    fwrite(text, 1, len, f);
    fclose(f);
}

TM_TEST(json_reader_files)
{
    char* dir = tm_temp_dir("tm_json_reader");
    CHECK(dir != NULL);
    if(!dir) return;
    char           path[512];
    tm__json_error err;

    snprintf(path, sizeof(path), "%s/missing.json", dir);
    CHECK(tm__jtree_read_file(path, NULL, &err) == NULL);
    CHECK_INT(err.code, TIMEMORY_EIO);
    CHECK_STR(err.message, "cannot open it: No such file or directory");

    CHECK(tm__jtree_read_file(dir, NULL, &err) == NULL);
    CHECK_STR(err.message, "it is a folder, not a file");

    snprintf(path, sizeof(path), "%s/empty.json", dir);
    tm_jr_write(path, "", 0);
    CHECK(tm__jtree_read_file(path, NULL, &err) == NULL);
    CHECK_STR(err.message, "it is empty");

    snprintf(path, sizeof(path), "%s/cut.json", dir);
    tm_jr_write(path, "{\"timemory\":\n{\"wall_clock\":{\"ranks\":[{\"rank\":0,", 45);
    CHECK(tm__jtree_read_file(path, NULL, &err) == NULL);
    CHECK_STR(err.message, "line 2, column 33: the input ends inside an object (truncated?)");

    snprintf(path, sizeof(path), "%s/good.json", dir);
    tm_jr_write(path, "{\"x\": [1]}\n", 11);
    tm__jtree* t = tm__jtree_read_file(path, NULL, &err);
    CHECK(t && tm__jnode_member(tm__jtree_root(t), "x"));
    tm__jtree_free(t);
    tm__json_limits small = { 4, 0, 0 };
    CHECK(tm__jtree_read_file(path, &small, &err) == NULL);
    CHECK_STR(err.message, "it is larger than the limit of 4 bytes");

    unlink(path);
    snprintf(path, sizeof(path), "%s/cut.json", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/empty.json", dir);
    unlink(path);
    rmdir(dir);
    free(dir);
}

/* ---- the committed fuzz seeds ------------------------------------------------------------ */

/* <source>/fuzz/corpus/<name>, from this file's path (CMake compiles with absolute paths) */
static bool tm_corpus_dir(const char* name, char* out, size_t len)
{
    const char* env = getenv("TIMEMORY_SOURCE_DIR");
    char        root[1024];
    if(env && *env)
        snprintf(root, sizeof(root), "%s", env);
    else
    {
        snprintf(root, sizeof(root), "%s", __FILE__);
        char* at = strstr(root, "tests/c/test_json_reader.c");
        if(!at) return false;
        if(at == root)
            snprintf(root, sizeof(root), ".");
        else
            at[-1] = '\0';
    }
    snprintf(out, len, "%s/fuzz/corpus/%s", root, name);
    struct stat st;
    return stat(out, &st) == 0 && S_ISDIR(st.st_mode);
}

static char* tm_slurp(const char* path, size_t* len)
{
    FILE* f = fopen(path, "rb");
    if(!f) return NULL;
    tm__buf b;
    tm__buf_init(&b);
    char   chunk[4096];
    size_t n;
    while((n = fread(chunk, 1, sizeof(chunk), f)) > 0) tm__buf_append(&b, chunk, n);
    fclose(f);
    *len = b.len;
    tm__buf_append(&b, "", 0);
    return tm__buf_take(&b);
}

/* Every seed parses or fails with a message; "valid-*" must parse and "invalid-*" must not;
 * "flat-*" must also pass diff.c's schema check for its component and "foreign-*" must not. */
TM_TEST(json_reader_replays_fuzz_corpus)
{
    char dir[1200];
    bool found = tm_corpus_dir("json_reader", dir, sizeof(dir));
    CHECK(found);
    if(!found)
    {
        fprintf(stderr, "  fuzz/corpus/json_reader not found (set TIMEMORY_SOURCE_DIR)\n");
        return;
    }
    DIR* d = opendir(dir);
    if(!d) return;
    int            seen = 0, valid = 0, invalid = 0, flat = 0, foreign = 0;
    struct dirent* ent;
    while((ent = readdir(d)) != NULL)
    {
        if(ent->d_name[0] == '.') continue;
        char path[2400];
        snprintf(path, sizeof(path), "%s/%s", dir, ent->d_name);
        size_t len  = 0;
        char*  text = tm_slurp(path, &len);
        if(!text) continue;
        ++seen;
        tm__json_error err;
        tm__jtree*     t = tm__jtree_parse(text, len, NULL, &err);
        const char*    n = ent->d_name;
        if(!t) CHECK(err.message[0] != '\0');
        if(strncmp(n, "valid-", 6) == 0 || strncmp(n, "flat-", 5) == 0 ||
           strncmp(n, "foreign-", 8) == 0)
        {
            if(!t) fprintf(stderr, "  %s: %s\n", n, err.message);
            CHECK(t != NULL);
            ++valid;
        }
        if(strncmp(n, "invalid-", 8) == 0)
        {
            CHECK(t == NULL);
            ++invalid;
        }
        /* every parsed seed also goes through the schema check of each component */
        for(int comp = 0; t && comp < TM_NTABLE; ++comp)
        {
            if(!tm__components[comp].name) continue;
            tm__result prev;
            char       why[512];
            int        rc = tm__diff_load(tm__jtree_root(t), comp, &prev, why, sizeof(why));
            if(rc == TIMEMORY_OK)
                tm__result_free(&prev);
            else
                CHECK(why[0] != '\0');
            bool want = (strncmp(n, "flat-wall", 9) == 0 && comp == TIMEMORY_WALL_CLOCK) ||
                        (strncmp(n, "flat-peak", 9) == 0 && comp == TIMEMORY_CURRENT_PEAK_RSS);
            if(want)
            {
                if(rc != TIMEMORY_OK) fprintf(stderr, "  %s: %s\n", n, why);
                CHECK_INT(rc, TIMEMORY_OK);
                ++flat;
            }
            if(strncmp(n, "foreign-", 8) == 0 && comp == TIMEMORY_WALL_CLOCK)
            {
                CHECK(rc != TIMEMORY_OK);
                ++foreign;
            }
        }
        tm__jtree_free(t);
        free(text);
    }
    closedir(d);
    /* the corpus holds each kind */
    CHECK(seen >= 8);
    CHECK(valid >= 3);
    CHECK(invalid >= 3);
    CHECK(flat >= 2);
    CHECK(foreign >= 1);
}
