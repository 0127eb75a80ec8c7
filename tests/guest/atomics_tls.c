/* Thread-local storage and atomic operations in a single thread: __thread
 * variables (initialised and zero-initialised, read through the thread
 * pointer: mrc p15 TPIDRURO / __aeabi_read_tp), errno (itself TLS), the
 * __atomic and __sync builtins on 8/16/32/64-bit objects (ldrex/strex
 * loops, ldrexd/strexd for 64 bits, dmb barriers), compare-and-swap
 * success and failure, and a CAS-based lock-free stack. */
#include "selfcheck.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static __thread int tls_counter = 41;
static __thread uint64_t tls_wide = 0x1122334455667788ULL;
static __thread char tls_name[16] = "tls-init";
static __thread int tls_zero[8];

static __attribute__((noinline)) int *counter_addr(void) { return &tls_counter; }

static uint8_t a8;
static uint16_t a16;
static uint32_t a32;
static uint64_t a64;

struct item {
    struct item *next;
    int value;
};
static struct item *head;
static void push(struct item *it)
{
    struct item *old = __atomic_load_n(&head, __ATOMIC_ACQUIRE);
    do
        it->next = old;
    while (!__atomic_compare_exchange_n(&head, &old, it, 1, __ATOMIC_RELEASE, __ATOMIC_ACQUIRE));
}
static struct item *pop(void)
{
    struct item *old = __atomic_load_n(&head, __ATOMIC_ACQUIRE);
    while (old && !__atomic_compare_exchange_n(&head, &old, old->next, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        ;
    return old;
}

int main(void)
{
    /* TLS */
    CHECK_EQ_S(tls_counter, 41);
    tls_counter++;
    CHECK_EQ_S(*counter_addr(), 42);
    CHECK_EQ_U(tls_wide, 0x1122334455667788ULL);
    tls_wide += 0xeeddccbbaa998878ULL;
    CHECK_EQ_U(tls_wide, 0);
    CHECK_STR(tls_name, "tls-init");
    strcpy(tls_name, "changed");
    CHECK_STR(tls_name, "changed");
    int zsum = 0;
    for (int i = 0; i < 8; i++)
        zsum += tls_zero[i];
    CHECK_EQ_S(zsum, 0);
    /* TLS blocks sit in one region: addresses of different variables are close */
    intptr_t d = (intptr_t)(void *)&tls_zero[0] - (intptr_t)(void *)&tls_counter;
    CHECK(d > -4096 && d < 4096);
#ifdef __arm__
    uint32_t tp;
    __asm__ volatile("mrc p15, 0, %0, c13, c0, 3" : "=r"(tp));
    CHECK(tp != 0);
    CHECK((uintptr_t)&tls_counter - tp < 0x10000);
#endif
    errno = 0;
    CHECK(strtol("99999999999999999999", NULL, 10) != 0);
    CHECK_EQ_S(errno, ERANGE);
    errno = 0;
    CHECK_EQ_S(errno, 0);

    /* atomics on every width */
    CHECK_EQ_U(__atomic_fetch_add(&a8, 200, __ATOMIC_SEQ_CST), 0);
    CHECK_EQ_U(__atomic_fetch_add(&a8, 100, __ATOMIC_SEQ_CST), 200);
    CHECK_EQ_U(a8, 44); /* 300 mod 256 */
    CHECK_EQ_U(__atomic_fetch_sub(&a16, 1, __ATOMIC_SEQ_CST), 0);
    CHECK_EQ_U(a16, 0xffff);
    CHECK_EQ_U(__atomic_or_fetch(&a32, 0xf0f0u, __ATOMIC_SEQ_CST), 0xf0f0u);
    CHECK_EQ_U(__atomic_and_fetch(&a32, 0x3c3cu, __ATOMIC_SEQ_CST), 0x3030u);
    CHECK_EQ_U(__atomic_xor_fetch(&a32, 0xffffffffu, __ATOMIC_SEQ_CST), 0xffffcfcfu);
    CHECK_EQ_U(__atomic_exchange_n(&a32, 7u, __ATOMIC_SEQ_CST), 0xffffcfcfu);
    uint32_t expected = 8;
    CHECK(!__atomic_compare_exchange_n(&a32, &expected, 9u, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    CHECK_EQ_U(expected, 7); /* failure reports the current value */
    CHECK(__atomic_compare_exchange_n(&a32, &expected, 9u, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    CHECK_EQ_U(a32, 9);
    CHECK_EQ_U(__sync_fetch_and_add(&a32, 1), 9);
    CHECK_EQ_U(__sync_add_and_fetch(&a32, 10), 20);
    CHECK(__sync_bool_compare_and_swap(&a32, 20, 21));
    CHECK(!__sync_bool_compare_and_swap(&a32, 20, 22));
    CHECK_EQ_U(__sync_val_compare_and_swap(&a32, 21, 30), 21);
    CHECK_EQ_U(__sync_lock_test_and_set(&a32, 5), 30);
    __sync_lock_release(&a32);
    CHECK_EQ_U(a32, 0);
    __sync_synchronize();

    /* 64-bit atomics: carries across the halves */
    __atomic_store_n(&a64, 0xffffffffULL, __ATOMIC_SEQ_CST);
    CHECK_EQ_U(__atomic_add_fetch(&a64, 1, __ATOMIC_SEQ_CST), 0x100000000ULL);
    CHECK_EQ_U(__atomic_fetch_sub(&a64, 2, __ATOMIC_SEQ_CST), 0x100000000ULL);
    CHECK_EQ_U(__atomic_load_n(&a64, __ATOMIC_SEQ_CST), 0xfffffffeULL);
    uint64_t e64 = 0xfffffffeULL;
    CHECK(__atomic_compare_exchange_n(&a64, &e64, 0x8000000000000001ULL, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    e64 = 1;
    CHECK(!__atomic_compare_exchange_n(&a64, &e64, 0, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    CHECK_EQ_U(e64, 0x8000000000000001ULL);
    CHECK_EQ_U(__sync_fetch_and_or(&a64, 0x0000000100000000ULL), 0x8000000000000001ULL);
    CHECK_EQ_U(a64, 0x8000000100000001ULL);

    /* lock-free stack */
    static struct item items[100];
    for (int i = 0; i < 100; i++) {
        items[i].value = i * i;
        push(&items[i]);
    }
    long sum = 0;
    int n = 0, order_ok = 1, prev = 1 << 30;
    struct item *it;
    while ((it = pop())) {
        order_ok &= it->value < prev;
        prev = it->value;
        sum += it->value;
        n++;
    }
    CHECK_EQ_S(n, 100);
    CHECK(order_ok);
    CHECK_EQ_S(sum, 328350);
    printf("tls_counter=%d tls_name=%s a8=%u a16=%u a64=%016llx stack sum=%ld\n", tls_counter, tls_name, a8, a16,
           (unsigned long long)a64, sum);
    return finish("atomics_tls");
}
