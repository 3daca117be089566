/* tm_capture.c -- test helpers shared by the C test files: capture what a call writes to
 * stdout or stderr, and read a whole file. */
#include "tm_test.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char* tm_read_stream(FILE* f)
{
    size_t cap = 4096, len = 0;
    char*  text = malloc(cap);
    size_t n;
    while(text && (n = fread(text + len, 1, cap - len - 1, f)) > 0)
    {
        len += n;
        if(cap - len - 1 == 0)
        {
            char* more = realloc(text, cap * 2);
            if(!more) break;
            text = more;
            cap *= 2;
        }
    }
    if(text) text[len] = '\0';
    return text;
}

char* tm_read_file(const char* path)
{
    FILE* f = fopen(path, "rb");
    if(!f) return NULL;
    char* text = tm_read_stream(f);
    fclose(f);
    return text;
}

void tm_capture_begin(tm_capture* c, int fd)
{
    fflush(stdout);
    fflush(stderr);
    snprintf(c->path, sizeof(c->path), "/tmp/tm_capture_XXXXXX");
    int tmp  = mkstemp(c->path);
    c->fd    = fd;
    c->saved = dup(fd);
    dup2(tmp, fd);
    close(tmp);
}

char* tm_capture_end(tm_capture* c)
{
    fflush(stdout);
    fflush(stderr);
    dup2(c->saved, c->fd);
    close(c->saved);
    char* text = tm_read_file(c->path);
    unlink(c->path);
    return text ? text : calloc(1, 1);
}

char* tm_temp_dir(const char* tag)
{
    char tmpl[256];
    snprintf(tmpl, sizeof(tmpl), "/tmp/%s_XXXXXX", tag);
    char* d = mkdtemp(tmpl);
    return d ? strdup(d) : NULL;
}

void tm_remove_tree(const char* dir)
{
    DIR* d = opendir(dir);
    if(!d) return;
    struct dirent* e;
    while((e = readdir(d)) != NULL)
    {
        if(strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        char path[1024];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        struct stat st;
        if(lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
            tm_remove_tree(path);
        else
            unlink(path);
    }
    closedir(d);
    rmdir(dir);
}
