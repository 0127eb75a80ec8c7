/* thread life cycles: exit codes, 200 short-lived threads, detached threads,
 * pthread_cancel (deferred, at a cancellation point and asynchronous-free
 * loops with pthread_testcancel), cleanup handlers, pthread_exit */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void *ret_value(void *a) { return (void *)((long)a * 3 + 1); }
static void *exit_value(void *a) { pthread_exit((void *)((long)a + 1000)); return NULL; }

static int detached_done;
static pthread_mutex_t dm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t dc = PTHREAD_COND_INITIALIZER;

static void *detached(void *a)
{
    pthread_mutex_lock(&dm);
    detached_done++;
    pthread_cond_signal(&dc);
    pthread_mutex_unlock(&dm);
    return a;
}

static int cleanup_ran;
static void cleanup(void *a) { cleanup_ran += (int)(long)a; }

static void *sleeper(void *a)
{
    pthread_cleanup_push(cleanup, (void *)10);
    for (;;)
        sleep(1);                            /* a cancellation point */
    pthread_cleanup_pop(0);
    return a;
}

static volatile int spin_started;
static void *tester(void *a)
{
    pthread_cleanup_push(cleanup, (void *)5);
    spin_started = 1;
    for (;;)
        pthread_testcancel();
    pthread_cleanup_pop(0);
    return a;
}

static void *nocancel(void *a)
{
    int old;
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
    usleep(20000);
    pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old);
    return (void *)77;
}

static long short_sum;
static void *short_lived(void *a)
{
    __atomic_fetch_add(&short_sum, (long)a, __ATOMIC_RELAXED);
    return NULL;
}

int main(void)
{
    pthread_t t[8];
    void *r;
    for (long i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, ret_value, (void *)i);
    for (long i = 4; i < 8; i++)
        pthread_create(&t[i], NULL, exit_value, (void *)i);
    for (int i = 0; i < 8; i++) {
        pthread_join(t[i], &r);
        printf("thread %d returned %ld\n", i, (long)r);
    }

    for (long i = 0; i < 200; i++) {
        pthread_t s;
        if (pthread_create(&s, NULL, short_lived, (void *)i)) {
            printf("create %ld failed\n", i);
            return 1;
        }
        if (i % 2)
            pthread_join(s, NULL);
        else
            pthread_detach(s);
    }
    /* the detached ones may still run: wait for the sum */
    for (int k = 0; k < 10000 && __atomic_load_n(&short_sum, __ATOMIC_RELAXED) != 19900; k++)
        usleep(1000);
    printf("200 short-lived threads: sum %ld\n", short_sum);

    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    for (int i = 0; i < 10; i++) {
        pthread_t d;
        pthread_create(&d, &at, detached, NULL);
    }
    pthread_mutex_lock(&dm);
    while (detached_done < 10)
        pthread_cond_wait(&dc, &dm);
    pthread_mutex_unlock(&dm);
    printf("detached threads done %d\n", detached_done);

    pthread_t c;
    pthread_create(&c, NULL, sleeper, NULL);
    usleep(10000);
    pthread_cancel(c);
    pthread_join(c, &r);
    printf("cancel sleeper: canceled %d cleanup %d\n", r == PTHREAD_CANCELED, cleanup_ran);

    pthread_create(&c, NULL, tester, NULL);
    while (!spin_started)
        ;
    pthread_cancel(c);
    pthread_join(c, &r);
    printf("cancel testcancel: canceled %d cleanup %d\n", r == PTHREAD_CANCELED, cleanup_ran);

    pthread_create(&c, NULL, nocancel, NULL);
    pthread_cancel(c);
    pthread_join(c, &r);
    printf("cancel disabled then enabled: %s\n",
           r == PTHREAD_CANCELED ? "canceled" : r == (void *)77 ? "returned 77" : "?");

    printf("join self: %d\n", pthread_join(pthread_self(), NULL) != 0);
    return 0;
}
