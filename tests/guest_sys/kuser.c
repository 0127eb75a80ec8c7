/*
 * The ARM kuser helpers (Documentation/arch/arm/kernel_user_helpers.rst),
 * called through function pointers at their fixed addresses, as old libc
 * and libgcc code does: __kuser_helper_version at 0xffff0ffc,
 * __kuser_get_tls 0xffff0fe0, __kuser_cmpxchg 0xffff0fc0,
 * __kuser_memory_barrier 0xffff0fa0, __kuser_cmpxchg64 0xffff0f60.
 * Built -marm and -mthumb (the call is then an interworking BLX to ARM code).
 */
#include "check.h"
#include <stdint.h>

typedef void *(kuser_get_tls_t)(void);
typedef int (kuser_cmpxchg_t)(int oldval, int newval, volatile int *ptr);
typedef void (kuser_dmb_t)(void);
typedef int (kuser_cmpxchg64_t)(const int64_t *oldval, const int64_t *newval,
                                volatile int64_t *ptr);

#define kuser_helper_version (*(volatile int32_t *)0xffff0ffc)
#define kuser_get_tls (*(kuser_get_tls_t *)0xffff0fe0)
#define kuser_cmpxchg (*(kuser_cmpxchg_t *)0xffff0fc0)
#define kuser_dmb (*(kuser_dmb_t *)0xffff0fa0)
#define kuser_cmpxchg64 (*(kuser_cmpxchg64_t *)0xffff0f60)

static __thread int tls_var = 5;

int main(void)
{
    int version = kuser_helper_version;
    printf("version >= 5: %d\n", version >= 5);
    CHECK(version >= 5);

    void *tls = kuser_get_tls();
    printf("get_tls == __builtin_thread_pointer: %d\n", tls == __builtin_thread_pointer());
    CHECK(tls == __builtin_thread_pointer());
    CHECK(tls != NULL);
    printf("tls_var via tp: %d\n", tls_var);

    kuser_dmb();
    printf("memory_barrier returned\n");

    volatile int word = 10;
    int r = kuser_cmpxchg(10, 20, &word);
    printf("cmpxchg(10->20) on 10: r=%d word=%d\n", r != 0, word);
    CHECK_EQ(r, 0);
    CHECK_EQ(word, 20);
    r = kuser_cmpxchg(10, 30, &word);
    printf("cmpxchg(10->30) on 20: r!=0 %d word=%d\n", r != 0, word);
    CHECK(r != 0);
    CHECK_EQ(word, 20);
    /* a counter incremented through the helper, as libgcc's __sync_fetch_and_add does */
    volatile int counter = 0;
    for (int i = 0; i < 1000; i++) {
        int old;
        do
            old = counter;
        while (kuser_cmpxchg(old, old + 3, &counter));
    }
    printf("counter: %d\n", counter);
    CHECK_EQ(counter, 3000);

    volatile int64_t big = 0x1122334455667788LL;
    int64_t oldv = 0x1122334455667788LL, newv = -2;
    r = kuser_cmpxchg64(&oldv, &newv, &big);
    printf("cmpxchg64 success: r=%d big=%016llx\n", r, (unsigned long long)big);
    CHECK_EQ(r, 0);
    CHECK(big == -2);
    oldv = 0x1122334455667788LL;
    newv = 7;
    r = kuser_cmpxchg64(&oldv, &newv, &big);
    printf("cmpxchg64 failure: r!=0 %d big=%016llx\n", r != 0, (unsigned long long)big);
    CHECK(r != 0);
    CHECK(big == -2);
    /* differ only in the high word: must still fail */
    oldv = 0x00000000fffffffeLL;
    newv = 9;
    r = kuser_cmpxchg64(&oldv, &newv, &big);
    printf("cmpxchg64 high-word mismatch: r!=0 %d big=%016llx\n", r != 0, (unsigned long long)big);
    CHECK(r != 0);
    CHECK(big == -2);
    return finish("kuser");
}
