/* 1000 threads created and joined one after another, then 64 alive at once */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <dirent.h>

static void *one(void *a) { return (void *)((long)a + 1); }

static pthread_barrier_t bar;
static long alive_sum;
static void *member(void *a)
{
    __atomic_fetch_add(&alive_sum, (long)a, __ATOMIC_SEQ_CST);
    pthread_barrier_wait(&bar);              /* all 64 exist at this point */
    return a;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 1000;
    long sum = 0;
    for (long i = 0; i < n; i++) {
        pthread_t t;
        void *r;
        if (pthread_create(&t, NULL, one, (void *)i)) {
            printf("create %ld failed\n", i);
            return 1;
        }
        pthread_join(t, &r);
        sum += (long)r;
    }
    printf("%d sequential threads: sum %ld\n", n, sum);

    enum { ALIVE = 64 };
    pthread_t t[ALIVE];
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setstacksize(&at, 64 * 1024);
    pthread_barrier_init(&bar, NULL, ALIVE + 1);
    for (long i = 0; i < ALIVE; i++)
        if (pthread_create(&t[i], &at, member, (void *)i)) {
            printf("create %ld failed\n", i);
            return 1;
        }
    pthread_barrier_wait(&bar);
    long total = 0;
    for (int i = 0; i < ALIVE; i++) {
        void *r;
        pthread_join(t[i], &r);
        total += (long)r;
    }
    printf("%d alive at once: sum %ld joined %ld\n", ALIVE, alive_sum, total);
    if (argc > 2) {                          /* host tasks left (pyqemu only) */
        int k = 0;
        /* a joined thread's task may take a moment to go, as on Linux,
           where the tid word is cleared just before the task is reaped */
        for (int tries = 0; tries < 100; tries++) {
            DIR *d = opendir("/proc/self/task");
            struct dirent *e;
            k = 0;
            while (d && (e = readdir(d)))
                k += e->d_name[0] != '.';
            if (d)
                closedir(d);
            if (k == 1)
                break;
            usleep(10000);
        }
        printf("tasks left: %d\n", k);
    }
    return 0;
}
