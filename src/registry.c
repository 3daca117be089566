/* registry.c -- the key registry: 64-bit hashes of label strings and the id -> string table.
 * Owns the interned strings (never freed: ids stay valid for the process). Registration takes
 * a lock; lookups at output take it too. The hot path never comes here: callers hash once
 * and keep the id.
 */
#include "internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* The hash of libstdc++'s std::hash<std::string> on LP64 (MurmurHash64A-style with the seed
 * 0xc70f6907), so ids match the original toolkit's. */
static inline uint64_t tm__shift_mix(uint64_t v)
{
    return v ^ (v >> 47);
}

uint64_t tm__hash_bytes(const void* data, size_t len)
{
    const uint64_t       mul   = ((uint64_t)0xc6a4a793u << 32) + 0x5bd1e995u;
    const unsigned char* p     = data;
    const size_t         whole = len & ~(size_t)7;
    uint64_t             hash  = 0xc70f6907u ^ ((uint64_t)len * mul);
    for(size_t i = 0; i < whole; i += 8)
    {
        uint64_t word;
        memcpy(&word, p + i, sizeof(word));
        hash ^= tm__shift_mix(word * mul) * mul;
        hash *= mul;
    }
    size_t tail = len & 7;
    if(tail)
    {
        uint64_t word = 0;
        for(size_t k = tail; k-- > 0;) word = (word << 8) + p[whole + k];
        hash ^= word;
        hash *= mul;
    }
    hash = tm__shift_mix(hash) * mul;
    return tm__shift_mix(hash);
}

typedef struct tm__reg_slot {
    uint64_t    id;
    const char* key; /* NULL: empty slot */
} tm__reg_slot;

static pthread_mutex_t tm__reg_mutex = PTHREAD_MUTEX_INITIALIZER;
static tm__reg_slot*   tm__reg_slots;
static size_t          tm__reg_cap; /* power of two */
static size_t          tm__reg_count;

static tm__reg_slot* tm__reg_find(uint64_t id)
{
    if(!tm__reg_cap) return NULL;
    size_t mask = tm__reg_cap - 1;
    for(size_t i = (size_t)(id ^ (id >> 29)) & mask;; i = (i + 1) & mask)
    {
        if(!tm__reg_slots[i].key || tm__reg_slots[i].id == id) return &tm__reg_slots[i];
    }
}

static bool tm__reg_grow(void)
{
    size_t        cap   = tm__reg_cap ? tm__reg_cap * 2 : 1024;
    tm__reg_slot* old   = tm__reg_slots;
    size_t        ocap  = tm__reg_cap;
    tm__reg_slot* slots = calloc(cap, sizeof(*slots));
    if(!slots) return false;
    tm__reg_slots = slots;
    tm__reg_cap   = cap;
    for(size_t i = 0; i < ocap; ++i)
        if(old[i].key) *tm__reg_find(old[i].id) = old[i];
    free(old);
    return true;
}

static int tm__reg_insert(uint64_t id, const char* key, size_t len)
{
    int rc = TIMEMORY_OK;
    pthread_mutex_lock(&tm__reg_mutex);
    if((tm__reg_count + 1) * 2 > tm__reg_cap && !tm__reg_grow())
        rc = TIMEMORY_ENOMEM;
    else
    {
        tm__reg_slot* slot = tm__reg_find(id);
        if(!slot->key) /* first registration wins */
        {
            char* copy = malloc(len + 1);
            if(!copy)
                rc = TIMEMORY_ENOMEM;
            else
            {
                memcpy(copy, key, len);
                copy[len] = '\0';
                slot->id  = id;
                slot->key = copy;
                ++tm__reg_count;
            }
        }
    }
    pthread_mutex_unlock(&tm__reg_mutex);
    return rc;
}

uint64_t tm__register(const char* key)
{
    if(!key) key = "";
    size_t   len = strlen(key);
    uint64_t id  = tm__hash_bytes(key, len);
    tm__reg_insert(id, key, len);
    return id;
}

const char* tm__lookup(uint64_t id)
{
    pthread_mutex_lock(&tm__reg_mutex);
    tm__reg_slot* slot = tm__reg_find(id);
    const char*   key  = slot ? slot->key : NULL;
    pthread_mutex_unlock(&tm__reg_mutex);
    return key;
}

void tm__registry_foreach(void (*fn)(uint64_t id, const char* key, void* arg), void* arg)
{
    pthread_mutex_lock(&tm__reg_mutex);
    for(size_t i = 0; i < tm__reg_cap; ++i)
        if(tm__reg_slots[i].key) fn(tm__reg_slots[i].id, tm__reg_slots[i].key, arg);
    pthread_mutex_unlock(&tm__reg_mutex);
}

uint64_t timemory_get_hash(const char* key)
{
    return key ? tm__hash_bytes(key, strlen(key)) : 0;
}

uint64_t timemory_get_hash_n(const char* key, size_t len)
{
    return key ? tm__hash_bytes(key, len) : 0;
}

uint64_t timemory_add_hash_id(const char* key)
{
    return tm__register(key);
}

int timemory_add_hash_id_value(uint64_t id, const char* key)
{
    if(!key) return TIMEMORY_EINVAL;
    return tm__reg_insert(id, key, strlen(key));
}

const char* timemory_get_hash_identifier(uint64_t id)
{
    return tm__lookup(id);
}
