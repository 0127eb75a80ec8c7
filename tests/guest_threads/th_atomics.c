/* __atomic builtins on 8/16/32/64-bit objects, and 8 threads hammering
 * shared counters: none of the updates may be lost */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#define T 8
#define ITERS 20001

static uint8_t c8;
static uint16_t c16;
static uint32_t c32, cas32, xchg_sum;
static uint64_t c64, cas64;
static uint32_t sync32;
static uint64_t or64;
static volatile int go;

static void *worker(void *a)
{
    long id = (long)a;
    while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE))
        ;
    for (int i = 0; i < ITERS; i++) {
        __atomic_fetch_add(&c8, 1, __ATOMIC_RELAXED);
        __atomic_fetch_add(&c16, 3, __ATOMIC_SEQ_CST);
        __atomic_add_fetch(&c32, 5, __ATOMIC_ACQ_REL);
        __atomic_fetch_add(&c64, 0x100000001ull, __ATOMIC_SEQ_CST);
        __sync_fetch_and_add(&sync32, 2);
        uint32_t old = __atomic_load_n(&cas32, __ATOMIC_RELAXED);
        while (!__atomic_compare_exchange_n(&cas32, &old, old + 7, 1, __ATOMIC_SEQ_CST,
                                            __ATOMIC_RELAXED))
            ;
        uint64_t o64 = __atomic_load_n(&cas64, __ATOMIC_RELAXED);
        while (!__atomic_compare_exchange_n(&cas64, &o64, o64 * 3 + 1 - o64 * 3 + o64, 0,
                                            __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
            ;
    }
    __atomic_fetch_or(&or64, 1ull << (id * 7), __ATOMIC_SEQ_CST);
    uint32_t mine = (uint32_t)(id + 1) * 1000;
    uint32_t got = __atomic_exchange_n(&xchg_sum, 0, __ATOMIC_SEQ_CST);
    __atomic_fetch_add(&xchg_sum, got + mine, __ATOMIC_SEQ_CST);
    return NULL;
}

int main(void)
{
    pthread_t t[T];
    for (long i = 0; i < T; i++)
        pthread_create(&t[i], NULL, worker, (void *)i);
    __atomic_store_n(&go, 1, __ATOMIC_RELEASE);
    for (int i = 0; i < T; i++)
        pthread_join(t[i], NULL);
    printf("c8 %u (want %u)\n", c8, (unsigned)(uint8_t)(T * ITERS));
    printf("c16 %u (want %u)\n", c16, (unsigned)(uint16_t)(3 * T * ITERS));
    printf("c32 %u (want %u)\n", c32, 5u * T * ITERS);
    printf("c64 %llx (want %llx)\n", (unsigned long long)c64,
           0x100000001ull * T * ITERS);
    printf("sync32 %u cas32 %u cas64 %llu\n", sync32, cas32, (unsigned long long)cas64);
    printf("or64 %llx xchg %u\n", (unsigned long long)or64, xchg_sum);
    uint8_t b = 5;
    printf("8-bit cas %d %u\n", __atomic_compare_exchange_n(&b, &(uint8_t){5}, 9, 0,
           __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST), b);
    uint16_t h = 7;
    printf("16-bit xchg %u %u\n", __atomic_exchange_n(&h, 11, __ATOMIC_SEQ_CST), h);
    printf("lock-free 1 2 4 8: %d %d %d %d\n", __atomic_always_lock_free(1, 0),
           __atomic_always_lock_free(2, 0), __atomic_always_lock_free(4, 0),
           __atomic_always_lock_free(8, 0));
    return 0;
}
