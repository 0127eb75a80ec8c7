/* a fault in a thread other than the main one kills the whole process by
 * SIGSEGV, even while the main thread blocks signals and sleeps in a join */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static void *crash(void *a)
{
    usleep(20000);
    printf("thread faults now\n");
    fflush(stdout);
    *(volatile int *)a = 1;
    return NULL;
}

int main(void)
{
    sigset_t all;
    sigfillset(&all);
    pthread_t t;
    pthread_create(&t, NULL, crash, NULL);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    pthread_join(t, NULL);
    printf("not reached\n");
    return 0;
}
