/* signals and threads: pthread_kill reaches the thread it names, a
 * process-directed signal reaches the one thread that does not block it,
 * sigwait in a thread, per-thread masks are inherited at creation */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile pid_t handled_by[65];
static volatile int handled_count;
static void handler(int sig)
{
    handled_by[sig] = (pid_t)syscall(SYS_gettid);
    __atomic_fetch_add(&handled_count, 1, __ATOMIC_SEQ_CST);
}

static pthread_barrier_t bar;
static volatile int quit;
static pid_t tids[3];

static void *worker(void *a)
{
    long id = (long)a;
    tids[id] = (pid_t)syscall(SYS_gettid);
    sigset_t s;                              /* only thread 2 accepts SIGUSR2 */
    sigemptyset(&s);
    sigaddset(&s, SIGUSR2);
    pthread_sigmask(id == 2 ? SIG_UNBLOCK : SIG_BLOCK, &s, NULL);
    pthread_barrier_wait(&bar);
    while (!quit)
        usleep(1000);
    return NULL;
}

static void *waiter(void *a)
{
    sigset_t s;
    int sig = 0;
    sigemptyset(&s);
    sigaddset(&s, SIGRTMIN + 1);
    sigwait(&s, &sig);
    return (void *)(long)(sig - SIGRTMIN);
}

static void *mask_child(void *a)
{
    sigset_t cur;
    pthread_sigmask(SIG_BLOCK, NULL, &cur);
    return (void *)(long)(sigismember(&cur, SIGINT) * 10 + sigismember(&cur, SIGUSR1));
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGUSR2, &sa, NULL);
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR2);
    sigaddset(&s, SIGRTMIN + 1);
    pthread_sigmask(SIG_BLOCK, &s, NULL);    /* main blocks SIGUSR2 and RTMIN+1 */

    pthread_barrier_init(&bar, NULL, 4);
    pthread_t t[3];
    for (long i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, worker, (void *)i);
    pthread_barrier_wait(&bar);

    pthread_kill(t[1], SIGUSR1);
    while (handled_count < 1)
        usleep(1000);
    printf("pthread_kill(t1, SIGUSR1) handled by t1: %d\n", handled_by[SIGUSR1] == tids[1]);

    kill(getpid(), SIGUSR2);
    while (handled_count < 2)
        usleep(1000);
    printf("kill(getpid, SIGUSR2) handled by the only thread not blocking it: %d\n",
           handled_by[SIGUSR2] == tids[2]);

    pthread_kill(pthread_self(), SIGUSR1);
    printf("pthread_kill(self) handled by main: %d\n",
           handled_by[SIGUSR1] == (pid_t)syscall(SYS_gettid));

    quit = 1;
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);

    pthread_t w;
    void *r;
    pthread_create(&w, NULL, waiter, NULL);
    usleep(20000);
    pthread_kill(w, SIGRTMIN + 1);
    pthread_join(w, &r);
    printf("sigwait in a thread got SIGRTMIN+%ld\n", (long)r);

    sigemptyset(&s);
    sigaddset(&s, SIGINT);
    pthread_sigmask(SIG_BLOCK, &s, NULL);
    pthread_create(&w, NULL, mask_child, NULL);
    pthread_join(w, &r);
    printf("new thread inherits the mask: SIGINT %ld SIGUSR1 %ld\n", (long)r / 10, (long)r % 10);
    printf("tgkill to a dead thread: %ld\n",
           syscall(SYS_tgkill, getpid(), tids[0], 0) == -1 ? -1L : 0L);
    return 0;
}
