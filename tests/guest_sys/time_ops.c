/* Time: clock_gettime/getres/nanosleep (32-bit and time64 calls),
 * nanosleep, gettimeofday, time, setitimer/getitimer (without letting a
 * signal fire), the timer_create family with SIGEV_NONE, timerfd. */
#define _GNU_SOURCE
#include "check.h"
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

struct ts64 { int64_t sec; int64_t nsec; };

int main(void)
{
    struct timespec a, b, res;
    CHECK_EQ(clock_gettime(CLOCK_MONOTONIC, &a), 0);
    struct timespec d = {0, 20 * 1000 * 1000};
    CHECK_EQ(nanosleep(&d, NULL), 0);
    CHECK_EQ(clock_gettime(CLOCK_MONOTONIC, &b), 0);
    long long ns = (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
    printf("slept >= 20ms: %d\n", ns >= 20000000LL);
    CHECK_EQ(clock_getres(CLOCK_REALTIME, &res), 0);
    printf("realtime res %lld ns\n", (long long)res.tv_nsec);
    CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &d, NULL), 0);
    struct timespec abs;
    clock_gettime(CLOCK_MONOTONIC, &abs);
    abs.tv_nsec += 1000000;
    if (abs.tv_nsec >= 1000000000) { abs.tv_sec++; abs.tv_nsec -= 1000000000; }
    CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL), 0);
    CHECK_ERR(clock_gettime(12345, &a), EINVAL);
    struct timespec bad = {0, 2000000000};
    CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &bad, NULL), EINVAL);

    /* the time64 calls directly */
    struct ts64 t64, r64;
    CHECK_EQ(syscall(403, CLOCK_REALTIME, &t64), 0);
    CHECK(t64.sec > 1600000000);
    CHECK_EQ(syscall(406, CLOCK_MONOTONIC, &r64), 0);
    struct ts64 s64 = {0, 1000};
    CHECK_EQ(syscall(407, CLOCK_MONOTONIC, 0, &s64, NULL), 0);

    struct timeval tv;
    CHECK_EQ(gettimeofday(&tv, NULL), 0);
    time_t now = time(NULL);
    CHECK(now >= tv.tv_sec && now - tv.tv_sec < 5);
    CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000);

    /* interval timer: set far in the future, read back, cancel */
    struct itimerval it = {{0, 0}, {100, 0}}, old;
    CHECK_EQ(setitimer(ITIMER_REAL, &it, NULL), 0);
    CHECK_EQ(getitimer(ITIMER_REAL, &old), 0);
    printf("itimer remaining within (99,100]: %d\n", old.it_value.tv_sec >= 99 && old.it_value.tv_sec <= 100);
    struct itimerval zero = {{0, 0}, {0, 0}};
    CHECK_EQ(setitimer(ITIMER_REAL, &zero, &old), 0);
    CHECK(old.it_value.tv_sec >= 99);
    CHECK_EQ(getitimer(ITIMER_REAL, &old), 0);
    CHECK_EQ(old.it_value.tv_sec + old.it_value.tv_usec, 0);
    CHECK_ERR(setitimer(99, &it, NULL), EINVAL);

    /* POSIX timers, with no notification */
    struct sigevent sev = {.sigev_notify = SIGEV_NONE};
    timer_t tid;
    CHECK_EQ(timer_create(CLOCK_MONOTONIC, &sev, &tid), 0);
    struct itimerspec its = {{1, 0}, {50, 0}}, cur;
    CHECK_EQ(timer_settime(tid, 0, &its, NULL), 0);
    CHECK_EQ(timer_gettime(tid, &cur), 0);
    printf("timer: interval %lld value within (49,50]: %d\n", (long long)cur.it_interval.tv_sec,
           cur.it_value.tv_sec >= 49 && cur.it_value.tv_sec <= 50);
    CHECK_EQ(timer_getoverrun(tid), 0);
    CHECK_EQ(timer_delete(tid), 0);
    CHECK_ERR(timer_delete(tid), EINVAL);

    /* timerfd */
    int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
    CHECK(tfd >= 0);
    struct itimerspec ts = {{0, 0}, {0, 5 * 1000 * 1000}};
    CHECK_EQ(timerfd_settime(tfd, 0, &ts, NULL), 0);
    uint64_t exp = 0;
    CHECK_EQ(read(tfd, &exp, sizeof exp), 8);
    printf("timerfd expirations: %llu\n", (unsigned long long)exp);
    CHECK_EQ(timerfd_gettime(tfd, &cur), 0);
    CHECK_EQ(cur.it_value.tv_sec + cur.it_value.tv_nsec, 0);
    close(tfd);
    return finish("time_ops");
}
