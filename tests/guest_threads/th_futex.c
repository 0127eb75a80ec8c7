/* the futex operations glibc uses, called directly; results printed */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long fx(volatile int *u, int op, int val, const void *t, volatile int *u2, int v3)
{
    long r = syscall(SYS_futex, u, op, val, t, u2, v3);
    return r < 0 ? -errno : r;
}

static volatile int word, word2, started, woken;

static void *waiter(void *a)
{
    long bits = (long)a;
    __atomic_fetch_add(&started, 1, __ATOMIC_SEQ_CST);
    long r = bits ? fx(&word, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, (int)bits)
                  : fx(&word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
    __atomic_fetch_add(&woken, 1, __ATOMIC_SEQ_CST);
    return (void *)r;
}

static void start(pthread_t *t, int n, long bits)
{
    started = woken = 0;
    for (int i = 0; i < n; i++)
        pthread_create(&t[i], NULL, waiter, (void *)bits);
    while (started < n)
        usleep(1000);
    usleep(30000);                           /* let them reach FUTEX_WAIT */
}

static int wake_all(volatile int *u, int n)
{
    int total = 0;
    for (int k = 0; k < 200 && total < n; k++) {
        total += (int)fx(u, FUTEX_WAKE_PRIVATE, n, NULL, NULL, 0);
        usleep(1000);
    }
    return total;
}

int main(void)
{
    struct timespec ts = { 0, 20 * 1000 * 1000 };
    printf("wait, value differs: %ld\n", fx(&word, FUTEX_WAIT, 1, NULL, NULL, 0));
    printf("wait, timeout: %ld\n", fx(&word, FUTEX_WAIT, 0, &ts, NULL, 0));
    printf("wait, bad address: %ld\n", fx((int *)8, FUTEX_WAIT, 0, &ts, NULL, 0));
    printf("wait, bad timeout: %ld\n", fx(&word, FUTEX_WAIT, 0, (void *)8, NULL, 0));
    printf("wake nobody: %ld\n", fx(&word, FUTEX_WAKE, 5, NULL, NULL, 0));
    printf("bad op: %ld\n", fx(&word, 99, 0, NULL, NULL, 0));

    pthread_t t[4];
    start(t, 3, 0);
    printf("wake 2 of 3: %ld\n", fx(&word, FUTEX_WAKE_PRIVATE, 2, NULL, NULL, 0));
    while (woken < 2)
        usleep(1000);
    printf("woken %d, then wake the rest: %d\n", woken, wake_all(&word, 1));
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);

    start(t, 3, 0);
    printf("cmp_requeue, wrong value: %ld\n",
           fx(&word, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)1, &word2, 5));
    printf("cmp_requeue 1 woken + 2 moved: %ld\n",
           fx(&word, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)2, &word2, 0));
    printf("now waiting on word2: %d\n", wake_all(&word2, 2));
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);

    start(t, 2, 0);
    printf("requeue 0 woken, 2 moved: %ld\n",
           fx(&word, FUTEX_REQUEUE_PRIVATE, 0, (void *)2, &word2, 0));
    printf("then on word2: %d\n", wake_all(&word2, 2));
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);

    start(t, 2, 0);
    word2 = 3;
    /* word2 += 4 (op ADD, oparg 4), then wake word2 waiters if old == 3 */
    int op = FUTEX_OP(FUTEX_OP_ADD, 4, FUTEX_OP_CMP_EQ, 3);
    printf("wake_op: %ld word2 %d\n", fx(&word, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1, &word2, op),
           word2);
    while (woken < 1)
        usleep(1000);
    printf("rest: %d\n", wake_all(&word, 1));
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);

    start(t, 2, 1);                          /* bitset 1 */
    pthread_t t2[1];
    started = 0;
    pthread_create(&t2[0], NULL, waiter, (void *)2);   /* bitset 2 */
    while (started < 1)
        usleep(1000);
    usleep(30000);
    printf("wake_bitset 2: %ld\n", fx(&word, FUTEX_WAKE_BITSET_PRIVATE, 5, NULL, NULL, 2));
    pthread_join(t2[0], NULL);
    printf("wake_bitset 1: %ld\n", fx(&word, FUTEX_WAKE_BITSET_PRIVATE, 5, NULL, NULL, 1));
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);

    struct timespec abs;
    clock_gettime(CLOCK_MONOTONIC, &abs);
    abs.tv_nsec += 20 * 1000 * 1000;
    if (abs.tv_nsec >= 1000000000) {
        abs.tv_sec++;
        abs.tv_nsec -= 1000000000;
    }
    printf("wait_bitset absolute timeout: %ld\n",
           fx(&word, FUTEX_WAIT_BITSET, 0, &abs, NULL, FUTEX_BITSET_MATCH_ANY));

    /* PI: lock an unowned futex, unlock it */
    volatile int pi = 0;
    printf("lock_pi: %ld owner-is-me %d\n", fx(&pi, FUTEX_LOCK_PI, 0, NULL, NULL, 0),
           (pi & FUTEX_TID_MASK) == (int)syscall(SYS_gettid));
    printf("unlock_pi: %ld value %d\n", fx(&pi, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0), pi);
    printf("trylock_pi: %ld\n", fx(&pi, FUTEX_TRYLOCK_PI, 0, NULL, NULL, 0));
    printf("unlock_pi: %ld\n", fx(&pi, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0));

    return 0;
}
