/* Handlers and masks: sigaction flags (SA_SIGINFO, SA_NODEFER, SA_RESETHAND,
 * sa_mask), blocked and pending signals, queued real-time signals with
 * values, sigsuspend, sigwaitinfo/sigtimedwait, signalfd, SIGCHLD with
 * siginfo, the old (non-rt) calls, nested handlers.
 * Prints what it sees; the test compares it with qemu-arm's output. */
#include "sigcheck.h"
#include <stdlib.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

static volatile sig_atomic_t depth, max_depth, count[65];
static volatile int rt_values[16], n_rt;

static void on_plain(int sig)
{
    count[sig]++;
}

static void on_nested(int sig)
{
    depth++;
    if (depth > max_depth)
        max_depth = depth;
    count[sig]++;
    if (count[sig] == 1)
        raise(sig);                 /* NODEFER: runs now, nested; else after return */
    depth--;
}

static void on_rt(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    count[sig]++;
    if (n_rt < 16)
        rt_values[n_rt++] = (sig - SIGRTMIN) * 1000 + si->si_value.sival_int;
}

static volatile pid_t chld_pid;
static volatile int chld_code, chld_status;
static void on_chld(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)uc;
    chld_pid = si->si_pid;
    chld_code = si->si_code;
    chld_status = si->si_status;
}

static void install(int sig, void (*h)(int), int flags, const int *blocked)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = h;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    for (; blocked && *blocked; blocked++)
        sigaddset(&sa.sa_mask, *blocked);
    CHECK_EQ(sigaction(sig, &sa, NULL), 0);
}

static void install_info(int sig, void (*h)(int, siginfo_t *, void *), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = h;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    CHECK_EQ(sigaction(sig, &sa, NULL), 0);
}

static sigset_t one(int sig)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    return s;
}

static volatile int mask_in_handler_has_usr2, mask_in_handler_has_self;
static void on_check_mask(int sig)
{
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    mask_in_handler_has_usr2 = sigismember(&cur, SIGUSR2);
    mask_in_handler_has_self = sigismember(&cur, sig);
    count[sig]++;
}

int main(void)
{
    /* sa_mask and the signal itself are blocked inside a handler, and the
       old mask comes back after it */
    static const int usr2[] = {SIGUSR2, 0};
    install(SIGUSR1, on_check_mask, 0, usr2);
    raise(SIGUSR1);
    CHECK_EQ(count[SIGUSR1], 1);
    CHECK_EQ(mask_in_handler_has_usr2, 1);
    CHECK_EQ(mask_in_handler_has_self, 1);
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    CHECK(!sigismember(&cur, SIGUSR1) && !sigismember(&cur, SIGUSR2));
    SAY("mask in handler: usr2=%d self=%d\n", mask_in_handler_has_usr2,
        mask_in_handler_has_self);

    /* SA_NODEFER: the handler nests; without it, the second one waits */
    max_depth = 0;
    install(SIGUSR2, on_nested, SA_NODEFER, NULL);
    raise(SIGUSR2);
    SAY("nodefer: count=%d depth=%d\n", count[SIGUSR2], max_depth);
    count[SIGUSR2] = 0, max_depth = 0;
    install(SIGUSR2, on_nested, 0, NULL);
    raise(SIGUSR2);
    SAY("defer: count=%d depth=%d\n", count[SIGUSR2], max_depth);

    /* SA_RESETHAND: one shot, then SIG_DFL */
    count[SIGHUP] = 0;
    install(SIGHUP, on_plain, SA_RESETHAND, NULL);
    raise(SIGHUP);
    struct sigaction now;
    sigaction(SIGHUP, NULL, &now);
    SAY("resethand: count=%d handler=%s flags=%#x\n", count[SIGHUP],
        now.sa_handler == SIG_DFL ? "SIG_DFL" : "other",
        (unsigned)now.sa_flags & ~0x04000000u);

    /* blocked signals wait; sigpending shows them; standard ones do not queue */
    install(SIGUSR1, on_plain, 0, NULL);
    count[SIGUSR1] = 0;
    sigset_t s = one(SIGUSR1), old, pend;
    sigprocmask(SIG_BLOCK, &s, &old);
    raise(SIGUSR1);
    raise(SIGUSR1);
    kill(getpid(), SIGUSR1);
    sigpending(&pend);
    SAY("blocked: count=%d pending=%d\n", count[SIGUSR1], sigismember(&pend, SIGUSR1));
    sigprocmask(SIG_SETMASK, &old, NULL);
    SAY("unblocked: count=%d\n", count[SIGUSR1]);

    /* real-time signals queue, in order, with their values; lower numbers first */
    install_info(SIGRTMIN, on_rt, 0);
    install_info(SIGRTMIN + 1, on_rt, 0);
    sigset_t rts;
    sigemptyset(&rts);
    sigaddset(&rts, SIGRTMIN);
    sigaddset(&rts, SIGRTMIN + 1);
    sigprocmask(SIG_BLOCK, &rts, &old);
    for (int i = 1; i <= 3; i++) {
        union sigval v = {.sival_int = i};
        sigqueue(getpid(), SIGRTMIN + 1, v);
        v.sival_int = 10 + i;
        sigqueue(getpid(), SIGRTMIN, v);
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    SAY("rt order:");
    for (int i = 0; i < n_rt; i++)
        SAY(" %d", rt_values[i]);
    SAY("\n");

    /* sigwaitinfo / sigtimedwait take a blocked signal without its handler */
    s = one(SIGUSR2);
    sigprocmask(SIG_BLOCK, &s, &old);
    count[SIGUSR2] = 0;
    raise(SIGUSR2);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    int got = sigwaitinfo(&s, &si);
    SAY("sigwaitinfo: %d signo=%d code=%d pid_ok=%d handler_ran=%d\n", got, si.si_signo,
        si.si_code, si.si_pid == getpid(), count[SIGUSR2]);
    struct timespec ts = {0, 20 * 1000 * 1000};
    got = sigtimedwait(&s, &si, &ts);
    SAY("sigtimedwait empty: %d errno=%s\n", got, got < 0 && errno == EAGAIN ? "EAGAIN" : "?");
    union sigval v = {.sival_int = 77};
    sigqueue(getpid(), SIGUSR2, v);
    got = sigtimedwait(&s, &si, &ts);
    SAY("sigtimedwait queued: %d code=%s value=%d\n", got,
        si.si_code == SI_QUEUE ? "SI_QUEUE" : "?", si.si_value.sival_int);

    /* signalfd reads a blocked signal */
    int fd = signalfd(-1, &s, SFD_CLOEXEC);
    CHECK(fd >= 0);
    raise(SIGUSR2);
    struct signalfd_siginfo fi;
    ssize_t n = read(fd, &fi, sizeof fi);
    SAY("signalfd: n=%d signo=%u code=%d pid_ok=%d\n", (int)n, fi.ssi_signo, fi.ssi_code,
        (pid_t)fi.ssi_pid == getpid());
    close(fd);
    sigprocmask(SIG_SETMASK, &old, NULL);

    /* sigsuspend: waits with a temporary mask, the handler runs, the old
       mask (with SIGUSR1 blocked) comes back */
    s = one(SIGUSR1);
    sigprocmask(SIG_BLOCK, &s, &old);
    count[SIGUSR1] = 0;
    kill(getpid(), SIGUSR1);
    sigset_t wait_mask;
    sigemptyset(&wait_mask);
    int r = sigsuspend(&wait_mask);
    sigprocmask(SIG_BLOCK, NULL, &cur);
    SAY("sigsuspend: r=%d errno=%s count=%d still_blocked=%d\n", r,
        errno == EINTR ? "EINTR" : "?", count[SIGUSR1], sigismember(&cur, SIGUSR1));
    sigprocmask(SIG_SETMASK, &old, NULL);

    /* SIGCHLD with siginfo */
    install_info(SIGCHLD, on_chld, SA_NOCLDSTOP);
    sigset_t chs = one(SIGCHLD);
    sigprocmask(SIG_BLOCK, &chs, &old);
    pid_t pid = fork();
    if (pid == 0)
        _exit(7);
    sigset_t none;
    sigemptyset(&none);
    while (!chld_pid)
        sigsuspend(&none);
    int status = 0;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    sigprocmask(SIG_SETMASK, &old, NULL);
    SAY("sigchld: pid_ok=%d code=%s status=%d wait=%d\n", chld_pid == pid,
        chld_code == CLD_EXITED ? "CLD_EXITED" : "?", chld_status, WEXITSTATUS(status));

    /* the old-style calls (glibc never makes them) */
    struct { unsigned handler, mask, flags, restorer; } oact;
    CHECK_EQ(syscall(SYS_sigaction, SIGUSR1, NULL, &oact), 0);
    SAY("old sigaction: handler_ok=%d\n", oact.handler == (unsigned)(uintptr_t)on_plain);
    unsigned omask = 1u << (SIGUSR2 - 1), prev = 0;
    CHECK_EQ(syscall(SYS_sigprocmask, SIG_BLOCK, &omask, &prev), 0);
    CHECK_EQ(syscall(SYS_sigprocmask, SIG_UNBLOCK, &omask, &prev), 0);
    SAY("old sigprocmask: prev has usr2=%d\n", (prev >> (SIGUSR2 - 1)) & 1);

    /* handlers installed without SA_RESTORER (raw system call): the kernel's
       own return code brings them back */
    struct { void *handler; unsigned long flags; void *restorer; uint64_t mask; } kact;
    memset(&kact, 0, sizeof kact);
    kact.handler = (void *)on_plain;
    count[SIGUSR2] = 0;
    CHECK_EQ(syscall(SYS_rt_sigaction, SIGUSR2, &kact, NULL, 8), 0);
    raise(SIGUSR2);
    kact.handler = (void *)on_rt;
    kact.flags = SA_SIGINFO;
    CHECK_EQ(syscall(SYS_rt_sigaction, SIGRTMIN + 4, &kact, NULL, 8), 0);
    n_rt = 0;
    union sigval v4 = {.sival_int = 5};
    sigqueue(getpid(), SIGRTMIN + 4, v4);
    SAY("no restorer: plain=%d siginfo=%d\n", count[SIGUSR2], n_rt ? rt_values[0] : -1);

    /* invalid requests */
    CHECK_EQ(sigaction(SIGKILL, &now, NULL), -1);
    CHECK_EQ(errno, EINVAL);
    CHECK_EQ(syscall(SYS_rt_sigaction, 65, NULL, &now, 8), -1);
    CHECK_EQ(syscall(SYS_rt_sigprocmask, 7, &s, NULL, 8), -1);
    CHECK_EQ(errno, EINVAL);
    return done("sig_handlers");
}
