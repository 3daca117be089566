/* fuzz_config.c -- libFuzzer target for the configuration-file parser of settings.c, reached
 * through its public entry, timemory_settings_read_config(path): the input is written to a
 * temporary file, as JSON (name ending in .json) when its first byte is odd, else as the
 * "KEY = VALUE" text format. Every setting is restored to its default after each input.
 */
#include "timemory/timemory.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

static char tm_fuzz_dir[64];

static const char* tm_fuzz_folder(void)
{
    if(!tm_fuzz_dir[0])
    {
        snprintf(tm_fuzz_dir, sizeof(tm_fuzz_dir), "/tmp/tm_fuzz_config_XXXXXX");
        if(!mkdtemp(tm_fuzz_dir)) abort();
    }
    return tm_fuzz_dir;
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if(size == 0) return 0;
    char path[128];
    snprintf(path, sizeof(path), "%s/input.%s", tm_fuzz_folder(), (data[0] & 1) ? "json" : "cfg");
    FILE* f = fopen(path, "wb");
    if(!f) abort();
    if(size > 1 && fwrite(data + 1, 1, size - 1, f) != size - 1) abort();
    if(fclose(f) != 0) abort();
    int rc = timemory_settings_read_config(path);
    /* a count of bad entries, or an error code the library knows */
    if(rc < 0 && strcmp(timemory_strerror(rc), "unknown error") == 0) abort();
    unlink(path);
    timemory_settings_reset();
    return 0;
}
