/* test_registry.c -- key hashing (libstdc++-compatible values) and the id -> string table. */
#include "internal.h"
#include "tm_test.h"

#include <pthread.h>

TM_TEST(registry_hash_matches_libstdcxx)
{
    /* std::hash<std::string>{}("foo") on LP64 libstdc++ (spec NOTES.md §1.2) */
    CHECK(timemory_get_hash("foo") == 9631199822919835226ull);
    CHECK(timemory_get_hash_n("foobar", 3) == timemory_get_hash("foo"));
    CHECK(timemory_get_hash("") != timemory_get_hash("a"));
    /* lengths around the 8-byte word boundary all hash differently */
    const char* s = "abcdefghijklmnopq";
    for(size_t i = 1; i < 17; ++i)
        CHECK(timemory_get_hash_n(s, i) != timemory_get_hash_n(s, i - 1));
}

TM_TEST(registry_register_and_lookup)
{
    uint64_t id = timemory_add_hash_id("registry-test-key");
    CHECK(id == timemory_get_hash("registry-test-key"));
    CHECK_STR(timemory_get_hash_identifier(id), "registry-test-key");
    CHECK(timemory_get_hash_identifier(12345) == NULL);
    CHECK_INT(timemory_add_hash_id_value(777, "explicit"), TIMEMORY_OK);
    CHECK_STR(timemory_get_hash_identifier(777), "explicit");
    /* first registration wins */
    timemory_add_hash_id_value(777, "other");
    CHECK_STR(timemory_get_hash_identifier(777), "explicit");
}

static void* tm_register_many(void* arg)
{
    char key[64];
    for(int i = 0; i < 2000; ++i)
    {
        snprintf(key, sizeof(key), "thread-%d-key-%d", (int)(intptr_t)arg, i);
        uint64_t id = timemory_add_hash_id(key);
        if(!timemory_get_hash_identifier(id) || strcmp(timemory_get_hash_identifier(id), key))
            return (void*)1;
    }
    return NULL;
}

TM_TEST(registry_is_thread_safe)
{
    pthread_t t[4];
    for(int i = 0; i < 4; ++i) pthread_create(&t[i], NULL, tm_register_many, (void*)(intptr_t)i);
    for(int i = 0; i < 4; ++i)
    {
        void* rc = NULL;
        pthread_join(t[i], &rc);
        CHECK(rc == NULL);
    }
}
