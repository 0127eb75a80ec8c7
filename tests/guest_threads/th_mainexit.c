/* the main thread leaves with pthread_exit; the process lives on until the
 * last thread ends (glibc then exits with status 0); a thread ending with
 * exit() ends everything with its status */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static pthread_t main_thread;

static void *late(void *a)
{
    void *r;
    int j = pthread_join(main_thread, &r);   /* joining the exited main thread */
    printf("joined main: %d value %ld\n", j, (long)r);
    usleep(20000);
    printf("worker %ld still running after main left\n", (long)a);
    fflush(stdout);
    if (a == (void *)2)
        exit(5);
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_t t;
    main_thread = pthread_self();
    setvbuf(stdout, NULL, _IOLBF, 0);
    pthread_create(&t, NULL, late, (void *)(long)(argc > 1 ? 2 : 1));
    printf("main leaves\n");
    pthread_exit((void *)42);
}
