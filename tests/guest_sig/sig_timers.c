/* Asynchronous signals from timers: an interval timer interrupting a busy
 * loop that makes no system calls, alarm + pause, a POSIX timer with
 * SIGEV_SIGNAL and a value, and system calls interrupted by a handler:
 * restarted with SA_RESTART, -EINTR without it (read on a pipe,
 * nanosleep, sigsuspend, wait). */
#include "sigcheck.h"
#include <stdlib.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

static volatile sig_atomic_t ticks, alarms, timer_hits, timer_value, timer_code;
static int pipefd[2];

static volatile sig_atomic_t stop_at;

static void on_tick(int sig)
{
    (void)sig;
    if (++ticks == stop_at) {
        struct itimerval off = {{0, 0}, {0, 0}};
        setitimer(ITIMER_REAL, &off, NULL);
    }
}

static void on_alarm(int sig)
{
    (void)sig;
    alarms++;
}

static void on_tick_write(int sig)
{
    (void)sig;
    if (++ticks == 3) {
        struct itimerval off = {{0, 0}, {0, 0}};
        setitimer(ITIMER_REAL, &off, NULL);
        write(pipefd[1], "x", 1);       /* lets the restarted read finish */
    }
}

static void on_timer(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)uc;
    timer_hits++;
    timer_value = si->si_value.sival_int;
    timer_code = si->si_code;
}

static void set_handler(int sig, void (*h)(int), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = h;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static void itimer(long usec_first, long usec_interval)
{
    struct itimerval it = {{0, usec_interval}, {0, usec_first}};
    setitimer(ITIMER_REAL, &it, NULL);
}

static unsigned spin(unsigned n)
{
    unsigned x = n;
    for (unsigned i = 0; i < 1000; i++)
        x = x * 1103515245u + 12345u;
    return x;
}

int main(void)
{
    /* an interval timer interrupts a tight loop without system calls */
    unsigned x = 1, loops = 0;
    for (int i = 0; i < 3; i++)
        x = spin(x);                    /* (translated before the timer starts) */
    set_handler(SIGALRM, on_tick, 0);
    raise(SIGALRM);                     /* (the handler translated too) */
    ticks = 0;
    stop_at = 5;
    itimer(30000, 30000);
    while (ticks < 5) {
        x = spin(x);
        loops++;
    }
    itimer(0, 0);
    SAY("busy loop: ticks reached %d (loops>0: %d)\n", (int)ticks, loops > 0);

    /* alarm + pause */
    set_handler(SIGALRM, on_alarm, 0);
    alarm(1);
    int r = pause();
    SAY("pause: r=%d errno=%s alarms=%d\n", r, errno == EINTR ? "EINTR" : "?", (int)alarms);

    /* a blocking read: EINTR without SA_RESTART */
    CHECK_EQ(pipe(pipefd), 0);
    ticks = 0;
    set_handler(SIGALRM, on_tick, 0);
    itimer(300000, 0);                  /* (well after the read has started) */
    char c;
    ssize_t n = read(pipefd[0], &c, 1);
    SAY("read without SA_RESTART: n=%d errno=%s ticks=%d\n", (int)n,
        errno == EINTR ? "EINTR" : "?", (int)ticks);

    /* ... and restarted with it (the third tick writes the byte) */
    ticks = 0;
    set_handler(SIGALRM, on_tick_write, SA_RESTART);
    itimer(100000, 10000);
    n = read(pipefd[0], &c, 1);
    SAY("read with SA_RESTART: n=%d c=%c ticks=%d\n", (int)n, n == 1 ? c : '?', (int)ticks);

    /* nanosleep is never restarted after a handler: EINTR and the time left */
    ticks = 0;
    set_handler(SIGALRM, on_tick, SA_RESTART);
    itimer(300000, 0);
    struct timespec ts = {5, 0}, rem = {0, 0};
    r = nanosleep(&ts, &rem);
    SAY("nanosleep: r=%d errno=%s ticks=%d rem_ok=%d\n", r, errno == EINTR ? "EINTR" : "?",
        (int)ticks, rem.tv_sec >= 3 && rem.tv_sec <= 5);

    /* waitpid with SA_RESTART: restarted, then the child's status */
    ticks = 0;
    pid_t pid = fork();
    if (pid == 0) {
        struct timespec t = {0, 400 * 1000 * 1000};
        nanosleep(&t, NULL);
        _exit(3);
    }
    itimer(100000, 20000);
    int status = 0;
    pid_t w = waitpid(pid, &status, 0);
    itimer(0, 0);
    SAY("waitpid with SA_RESTART: ok=%d status=%d ticked=%d\n", w == pid, WEXITSTATUS(status),
        ticks > 0);

    /* a POSIX timer delivering a signal with a value */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_timer;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGRTMIN + 2, &sa, NULL);
    struct sigevent sev;
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_SIGNAL;
    sev.sigev_signo = SIGRTMIN + 2;
    sev.sigev_value.sival_int = 4242;
    timer_t tid;
    CHECK_EQ(timer_create(CLOCK_MONOTONIC, &sev, &tid), 0);
    struct itimerspec its = {{0, 5000000}, {0, 5000000}};
    CHECK_EQ(timer_settime(tid, 0, &its, NULL), 0);
    while (timer_hits < 3)
        x = spin(x);
    timer_delete(tid);
    SAY("posix timer: hits>=3 value=%d code=%s\n", (int)timer_value,
        timer_code == SI_TIMER ? "SI_TIMER" : "?");
    return done("sig_timers");
}
