/* One thread spins in a pure computation loop (no system call, no memory
 * the others touch); the main thread must still make progress: translate
 * new code, compute, make system calls, and end the process. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static volatile int started;

static void *spinner(void *a)
{
    unsigned x = (unsigned)(long)a;
    started = 1;
    for (;;)                                 /* never ends: exit_group stops it */
        x = x * 1103515245u + 12345u;
    return (void *)(long)x;
}

static unsigned long collatz_steps(unsigned long n)
{
    unsigned long s = 0;
    while (n != 1) {
        n = n & 1 ? 3 * n + 1 : n / 2;
        s++;
    }
    return s;
}

int main(void)
{
    pthread_t t[2];
    pthread_create(&t[0], NULL, spinner, (void *)1);
    pthread_create(&t[1], NULL, spinner, (void *)2);
    while (!started)
        ;
    unsigned long best = 0, arg = 0;
    for (unsigned long i = 1; i < 300000; i++) {
        unsigned long s = collatz_steps(i);
        if (s > best) {
            best = s;
            arg = i;
        }
        if (i % 50000 == 0)
            getpid();
    }
    printf("longest collatz below 300000: %lu (%lu steps)\n", arg, best);
    fflush(stdout);
    _exit(0);
}
