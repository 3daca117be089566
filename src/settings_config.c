/* settings_config.c -- configuration files (SETTINGS.md 3.3): the text form (key = value
 * lines, '#' comments) and JSON ({"timemory": {"settings": {...}}} or a metadata.json, read
 * with the strict JSON reader of json_reader.c), and the config_file list read at start-up.
 * What a key sets and how a bad value is refused is settings.c's (tm__settings_apply_config).
 */
#include "internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TM_CONFIG_MAX_BYTES (64u << 20)

/* Whole file, NUL-terminated; NULL with errno set on failure. */
static char* read_whole_file(const char* path, size_t* len)
{
    FILE* f = fopen(path, "rb");
    if(!f) return NULL;
    tm__buf b;
    tm__buf_init(&b);
    char   chunk[8192];
    size_t n;
    while((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
    {
        tm__buf_append(&b, chunk, n);
        if(b.failed || b.len > TM_CONFIG_MAX_BYTES) break;
    }
    bool ok = !ferror(f) && !b.failed && b.len <= TM_CONFIG_MAX_BYTES;
    int  e  = ferror(f) ? errno : (b.failed ? ENOMEM : EFBIG);
    fclose(f);
    if(!ok)
    {
        tm__buf_free(&b);
        errno = e;
        return NULL;
    }
    *len = b.len;
    return tm__buf_take(&b);
}

static int read_text_config(const char* path, char* text)
{
    static const char* const separators = "\n=,; \t\r";
    int                      bad        = 0;
    for(char* line = text; line && *line;)
    {
        char* next = strchr(line, '\n');
        if(next) *next++ = '\0';
        const char* first = line;
        while(*first && !isgraph((unsigned char)*first)) ++first;
        if(*first && *first != '#')
        {
            char*   save = NULL;
            char*   key  = strtok_r(line, separators, &save);
            tm__buf value;
            tm__buf_init(&value);
            bool sep = false;
            for(char* tok = strtok_r(NULL, separators, &save); tok;
                tok       = strtok_r(NULL, separators, &save))
            {
                if(sep) tm__buf_putc(&value, ',');
                tm__buf_puts(&value, tok);
                sep = true;
            }
            if(key) bad += tm__settings_apply_config(path, key, value.data ? value.data : "");
            tm__buf_free(&value);
        }
        line = next;
    }
    return bad;
}

/* A scalar, or an array of scalars joined with ",", as setting text; false otherwise. Numbers
 * are written back as read: integers exactly, others as the shortest decimal of their value. */
static bool json_as_text(const tm__jnode* v, tm__buf* b)
{
    switch(v->kind)
    {
    case TM_JSON_TRUE:
        tm__buf_puts(b, "true");
        return true;
    case TM_JSON_FALSE:
        tm__buf_puts(b, "false");
        return true;
    case TM_JSON_STRING:
        tm__buf_append(b, v->u.string.text, v->u.string.len);
        return true;
    case TM_JSON_NUMBER:
        if(v->u.number.integer)
        {
            if(v->u.number.negative) tm__buf_putc(b, '-');
            tm__buf_u64(b, v->u.number.magnitude);
        }
        else
            tm__buf_json_double(b, v->u.number.value);
        return true;
    case TM_JSON_ARRAY:
        for(const tm__jnode* item = v->u.items.first; item; item = item->next)
        {
            if(item != v->u.items.first) tm__buf_putc(b, ',');
            if(item->kind == TM_JSON_ARRAY || !json_as_text(item, b)) return false;
        }
        return true;
    default:
        return false;
    }
}

/* {"timemory": {"settings": {...}}} or a metadata.json ({"timemory": {"metadata":
 * {"settings": {name: {"value": ..., "initial": ...}}}}}), read with the strict JSON reader
 * (json_reader.c). */
static int read_json_config(const char* path, const char* text, size_t len)
{
    tm__json_limits limits = { TM_CONFIG_MAX_BYTES, 0, 64 };
    tm__json_error  err;
    tm__jtree*      tree = tm__jtree_parse(text, len, &limits, &err);
    if(!tree)
    {
        tm__warn("%s: not valid JSON (%s); no setting applied", path, err.message);
        return TIMEMORY_EFORMAT;
    }
    const tm__jnode* top      = tm__jnode_member(tm__jtree_root(tree), "timemory");
    const tm__jnode* settings = tm__jnode_member(tm__jnode_member(top, "metadata"), "settings");
    if(!settings) settings = tm__jnode_member(top, "settings");
    if(!settings || settings->kind != TM_JSON_OBJECT)
    {
        tm__warn("%s: expected {\"timemory\": {\"settings\": {...}}} or a metadata.json; no "
                 "setting applied",
                 path);
        tm__jtree_free(tree);
        return TIMEMORY_EFORMAT;
    }
    int bad = 0;
    for(const tm__jnode* entry = settings->u.items.first; entry; entry = entry->next)
    {
        const char* key = entry->key;
        if(strcmp(key, "cereal_class_version") == 0 || strcmp(key, "command_line") == 0 ||
           strcmp(key, "environment") == 0)
            continue;
        const tm__jnode* value = entry;
        if(entry->kind == TM_JSON_OBJECT)
        {
            value = tm__jnode_member(entry, "value");
            if(!value)
            {
                tm__warn("%s: %s has no \"value\"; ignored", path, key);
                ++bad;
                continue;
            }
            /* a metadata.json entry left at its initial value was not chosen by that run:
             * applying it would only copy process details (target_pid, config_file paths) */
            const tm__jnode* init = tm__jnode_member(entry, "initial");
            tm__buf          a, b;
            tm__buf_init(&a);
            tm__buf_init(&b);
            bool same = init && json_as_text(init, &a) && json_as_text(value, &b) &&
                        strcmp(a.data ? a.data : "", b.data ? b.data : "") == 0;
            tm__buf_free(&a);
            tm__buf_free(&b);
            if(same) continue;
        }
        tm__buf t;
        tm__buf_init(&t);
        if(!json_as_text(value, &t))
        {
            tm__warn("%s: %s: value is not a boolean, number or string; ignored", path, key);
            ++bad;
        }
        else
            bad += tm__settings_apply_config(path, key, t.data ? t.data : "");
        tm__buf_free(&t);
    }
    tm__jtree_free(tree);
    return bad;
}

int timemory_settings_read_config(const char* path)
{
    tm__settings_init();
    if(!path || !*path) return TIMEMORY_EINVAL;
    size_t len  = 0;
    char*  text = read_whole_file(path, &len);
    if(!text) return TIMEMORY_EIO;
    int rc;
    if(strstr(path, ".json"))
        rc = read_json_config(path, text, len);
    else if(strstr(path, ".xml"))
    {
        tm__warn("%s: XML configuration files are not supported; use text or JSON", path);
        rc = TIMEMORY_EFORMAT;
    }
    else
    {
        /* a NUL byte would end the text early: its line is refused, the rest still read */
        int      nul_lines = 0;
        unsigned line      = 1;
        for(size_t i = 0, start = 0; i <= len; ++i)
        {
            if(i < len && text[i] != '\n') continue;
            if(memchr(text + start, '\0', i - start))
            {
                tm__warn("%s: line %u holds a NUL byte; that line is ignored", path, line);
                memset(text + start, ' ', i - start);
                ++nul_lines;
            }
            start = i + 1;
            ++line;
        }
        rc = read_text_config(path, text);
        if(rc >= 0) rc += nul_lines;
    }
    free(text);
    return rc;
}

int tm__settings_read_config_files(void)
{
    tm__settings_init();
    if(tm__settings.suppress_config) return 0;
    char* list = tm__settings_string_copy("config_file");
    if(!list) return TIMEMORY_ENOMEM;
    const char* defaults = tm__settings_default_config_files();
    int         bad = 0, rc = 0;
    char*       save = NULL;
    for(char* path = strtok_r(list, ",;", &save); path; path = strtok_r(NULL, ",;", &save))
    {
        if(!*path) continue;
        int n = timemory_settings_read_config(path);
        if(n >= 0)
        {
            bad += n;
            continue;
        }
        if(n == TIMEMORY_EIO)
        {
            /* the four default locations are optional; a file the user named is not */
            bool   is_default = false;
            size_t plen       = strlen(path);
            for(const char* d = defaults; d && *d;)
            {
                size_t dlen = strcspn(d, ";");
                if(dlen == plen && strncmp(d, path, plen) == 0) is_default = true;
                d += dlen;
                d += strspn(d, ";");
            }
            if(is_default && errno == ENOENT) continue;
            tm__warn("Error reading configuration file: %s (%s)", path, strerror(errno));
        }
        rc = n;
    }
    free(list);
    return rc < 0 ? rc : bad;
}
