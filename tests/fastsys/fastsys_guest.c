/* Guest program for tests/test_fastsys.py: the system calls that the native
 * fast path serves (usermode/translate/arm/fast_syscalls.py), in the cases
 * where a mistake would show: identities, writes to /dev/null, a pipe, a bad
 * pointer, a closed fd, zero bytes, and a write blocked on a full pipe that a
 * signal interrupts (with and without SA_RESTART).  Prints one line per check. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

static volatile int alarms;
static int drain_fd = -1;

static void on_alarm(int sig)
{
    (void)sig;
    alarms++;
    if (drain_fd >= 0) {                   /* make room so a restarted write completes */
        char tmp[4096];
        while (read(drain_fd, tmp, sizeof tmp) > 0)
            ;
    }
}

static void arm_timer(void)
{
    struct itimerval it = {{0, 0}, {0, 100000}};
    setitimer(ITIMER_REAL, &it, NULL);
}

static int fill_pipe(int p[2])
{
    if (pipe(p))
        return -1;
    fcntl(p[1], F_SETFL, O_NONBLOCK);
    char buf[4096];
    memset(buf, 'z', sizeof buf);
    int total = 0;
    for (;;) {
        ssize_t n = write(p[1], buf, sizeof buf);
        if (n <= 0)
            break;
        total += (int)n;
    }
    fcntl(p[1], F_SETFL, 0);
    return total;
}

int main(void)
{
    const char *pp = getenv("EXPECT_PPID"), *uid = getenv("EXPECT_UID");
    printf("ppid %s\n", pp && getppid() == atoi(pp) ? "ok" : "WRONG");
    printf("uid %s\n", uid && (int)getuid() == atoi(uid) && geteuid() == getuid() ? "ok" : "WRONG");
    printf("gid %s\n", getgid() == getegid() ? "ok" : "WRONG");
    printf("tid %s\n", syscall(SYS_gettid) == getpid() ? "ok" : "WRONG");
    printf("sched_yield %d\n", sched_yield());

    int null = open("/dev/null", O_WRONLY), ok = 0;
    for (int i = 0; i < 1000; i++)
        ok += write(null, "x", 1) == 1;
    printf("dev/null %d\n", ok);
    printf("zero bytes %zd\n", write(null, "x", 0));

    int p[2];
    pipe(p);
    ssize_t n = write(p[1], "hello pipe", 10);
    char got[16] = {0};
    read(p[0], got, sizeof got - 1);
    printf("pipe %zd %s\n", n, got);
    errno = 0;
    const char *volatile bad = (const char *)16;
    n = write(p[1], bad, 4);
    printf("bad pointer %zd %s\n", n, strerror(errno));
    close(p[0]);
    close(p[1]);
    errno = 0;
    n = write(p[1], "x", 1);
    printf("closed fd %zd %s\n", n, strerror(errno));

    /* a blocking write cut short by a signal, no SA_RESTART: EINTR */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    int q[2];
    int filled = fill_pipe(q);
    arm_timer();
    errno = 0;
    n = write(q[1], "more", 4);
    printf("interrupted write %zd %s (alarms %d, pipe held %s)\n", n, strerror(errno), alarms,
           filled > 0 ? "some" : "none");
    close(q[0]);
    close(q[1]);

    /* the same with SA_RESTART: the handler drains the pipe, the write completes */
    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    fill_pipe(q);
    fcntl(q[0], F_SETFL, O_NONBLOCK);
    drain_fd = q[0];
    arm_timer();
    n = write(q[1], "more", 4);
    printf("restarted write %zd (alarms %d)\n", n, alarms);
    return 0;
}
