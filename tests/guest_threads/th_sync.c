/* mutex, condvar, rwlock, barrier, semaphore, spinlock: deterministic totals */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>

#define N 4
#define ITERS 20000

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long mcount;

static void *mutex_worker(void *a)
{
    for (int i = 0; i < ITERS; i++) {
        pthread_mutex_lock(&mu);
        mcount++;
        pthread_mutex_unlock(&mu);
    }
    return a;
}

/* bounded queue: producers and consumers with two condition variables */
#define QLEN 8
static int q[QLEN], qhead, qtail, qn;
static pthread_mutex_t qm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t notfull = PTHREAD_COND_INITIALIZER, notempty = PTHREAD_COND_INITIALIZER;
static long consumed_sum;

static void *producer(void *a)
{
    long base = (long)a;
    for (int i = 1; i <= 5000; i++) {
        pthread_mutex_lock(&qm);
        while (qn == QLEN)
            pthread_cond_wait(&notfull, &qm);
        q[qtail] = (int)(base + i);
        qtail = (qtail + 1) % QLEN;
        qn++;
        pthread_cond_signal(&notempty);
        pthread_mutex_unlock(&qm);
    }
    return NULL;
}

static void *consumer(void *a)
{
    long sum = 0;
    for (int i = 0; i < 5000; i++) {
        pthread_mutex_lock(&qm);
        while (qn == 0)
            pthread_cond_wait(&notempty, &qm);
        sum += q[qhead];
        qhead = (qhead + 1) % QLEN;
        qn--;
        pthread_cond_signal(&notfull);
        pthread_mutex_unlock(&qm);
    }
    pthread_mutex_lock(&qm);
    consumed_sum += sum;
    pthread_mutex_unlock(&qm);
    return a;
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static long rw_data[4];
static long rw_bad;

static void *rw_worker(void *a)
{
    long id = (long)a;
    for (int i = 0; i < 5000; i++) {
        if (i % 5 == 0) {
            pthread_rwlock_wrlock(&rw);
            for (int k = 0; k < 4; k++)
                rw_data[k]++;
            pthread_rwlock_unlock(&rw);
        } else {
            pthread_rwlock_rdlock(&rw);
            long v = rw_data[0];
            for (int k = 1; k < 4; k++)
                if (rw_data[k] != v)
                    __atomic_fetch_add(&rw_bad, 1, __ATOMIC_RELAXED);
            pthread_rwlock_unlock(&rw);
        }
    }
    (void)id;
    return NULL;
}

static pthread_barrier_t bar;
static int phase_seen[N][10];
static volatile int phase;

static void *barrier_worker(void *a)
{
    long id = (long)a;
    for (int p = 0; p < 10; p++) {
        phase_seen[id][p] = phase;
        if (pthread_barrier_wait(&bar) == PTHREAD_BARRIER_SERIAL_THREAD)
            phase++;
        pthread_barrier_wait(&bar);
    }
    return NULL;
}

static sem_t sem_items, sem_done;
static long sem_total;

static void *sem_worker(void *a)
{
    for (int i = 0; i < 1000; i++) {
        sem_wait(&sem_items);
        __atomic_fetch_add(&sem_total, 1, __ATOMIC_SEQ_CST);
    }
    sem_post(&sem_done);
    return a;
}

static pthread_spinlock_t spin;
static long spin_count;

static void *spin_worker(void *a)
{
    for (int i = 0; i < ITERS; i++) {
        pthread_spin_lock(&spin);
        spin_count++;
        pthread_spin_unlock(&spin);
    }
    return a;
}

static void run(void *(*f)(void *), int n)
{
    pthread_t t[16];
    for (long i = 0; i < n; i++)
        if (pthread_create(&t[i], NULL, f, (void *)i)) {
            puts("pthread_create failed");
            exit(1);
        }
    for (int i = 0; i < n; i++)
        pthread_join(t[i], NULL);
}

int main(void)
{
    run(mutex_worker, N);
    printf("mutex count %ld (want %d)\n", mcount, N * ITERS);

    pthread_t p[2], c[2];
    for (long i = 0; i < 2; i++) {
        pthread_create(&p[i], NULL, producer, (void *)(i * 100000));
        pthread_create(&c[i], NULL, consumer, NULL);
    }
    for (int i = 0; i < 2; i++) {
        pthread_join(p[i], NULL);
        pthread_join(c[i], NULL);
    }
    printf("condvar sum %ld\n", consumed_sum);

    run(rw_worker, N);
    printf("rwlock data %ld %ld %ld %ld torn %ld\n", rw_data[0], rw_data[1], rw_data[2],
           rw_data[3], rw_bad);

    pthread_barrier_init(&bar, NULL, N);
    run(barrier_worker, N);
    int ok = 1;
    for (int i = 0; i < N; i++)
        for (int k = 0; k < 10; k++)
            ok &= phase_seen[i][k] == k;
    printf("barrier phases %d ok %d\n", phase, ok);

    sem_init(&sem_items, 0, 0);
    sem_init(&sem_done, 0, 0);
    pthread_t s[3];
    for (long i = 0; i < 3; i++)
        pthread_create(&s[i], NULL, sem_worker, NULL);
    for (int i = 0; i < 3000; i++)
        sem_post(&sem_items);
    for (int i = 0; i < 3; i++)
        sem_wait(&sem_done);
    for (int i = 0; i < 3; i++)
        pthread_join(s[i], NULL);
    int v;
    sem_getvalue(&sem_items, &v);
    printf("semaphore total %ld left %d trywait %d\n", sem_total, v, sem_trywait(&sem_items));

    pthread_spin_init(&spin, 0);
    run(spin_worker, N);
    printf("spinlock count %ld\n", spin_count);
    return 0;
}
