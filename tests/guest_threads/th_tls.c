/* __thread variables and errno are per thread */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
#include <fcntl.h>

#define T 6
static __thread int tls_counter = 100;
static __thread char tls_name[16] = "main";
static __thread long long tls_big;
static int results[T][4];
static pthread_barrier_t bar;

static void *worker(void *a)
{
    long id = (long)a;
    int first = tls_counter;                 /* initial image, not main's value */
    tls_counter += (int)id;
    tls_big = 0x1000000000ll * id;
    snprintf(tls_name, sizeof tls_name, "t%ld", id);
    /* every thread sets a different errno, then all meet, then each reads its own */
    errno = 0;
    if (id % 2)
        close(-1);                           /* EBADF */
    else
        open("/nonexistent/x", O_RDONLY);    /* ENOENT */
    pthread_barrier_wait(&bar);
    results[id][0] = first;
    results[id][1] = tls_counter;
    results[id][2] = errno;
    results[id][3] = (int)(tls_big / 0x1000000000ll);
    pthread_barrier_wait(&bar);
    if (tls_name[0] != 't' || tls_name[1] != '0' + id)
        results[id][3] = -1;
    return &tls_counter;                     /* distinct per thread */
}

int main(void)
{
    pthread_t t[T];
    void *addr[T];
    tls_counter = 7;
    errno = 0;
    pthread_barrier_init(&bar, NULL, T);
    for (long i = 0; i < T; i++)
        pthread_create(&t[i], NULL, worker, (void *)i);
    for (int i = 0; i < T; i++)
        pthread_join(t[i], &addr[i]);
    for (int i = 0; i < T; i++)
        printf("thread %d: initial %d counter %d errno %d big %d\n", i, results[i][0],
               results[i][1], results[i][2], results[i][3]);
    int distinct = 1;
    for (int i = 0; i < T; i++)
        for (int k = 0; k < i; k++)
            distinct &= addr[i] != addr[k] && addr[i] != (void *)&tls_counter;
    printf("main: counter %d name %s errno %d distinct %d\n", tls_counter, tls_name, errno,
           distinct);
    return 0;
}
