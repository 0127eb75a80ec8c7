/* Every real-time signal up to SIGRTMAX (64) can be caught, queued and
 * waited for, as on a real ARM Linux machine (qemu-arm 7.2 maps guest
 * real-time signals onto the host's shifted by two and loses the last
 * two); SIGRTMAX is the highest signal number. */
#include "sigcheck.h"

static volatile int seen[65];
static void on_rt(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    seen[sig] += si->si_value.sival_int;
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_rt;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    int installed = 0;
    for (int s = SIGRTMIN; s <= SIGRTMAX; s++)
        installed += sigaction(s, &sa, NULL) == 0;
    int sent = 0;
    for (int s = SIGRTMIN; s <= SIGRTMAX; s++) {
        union sigval v = {.sival_int = s};
        sent += sigqueue(getpid(), s, v) == 0;
    }
    int ok = 0;
    for (int s = SIGRTMIN; s <= SIGRTMAX; s++)
        ok += seen[s] == s;
    SAY("SIGRTMIN=%d SIGRTMAX=%d installed=%d sent=%d delivered=%d\n", SIGRTMIN, SIGRTMAX,
        installed, sent, ok);
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGRTMAX);
    sigprocmask(SIG_BLOCK, &s, NULL);
    union sigval v = {.sival_int = 99};
    sigqueue(getpid(), SIGRTMAX, v);
    siginfo_t si;
    int got = sigwaitinfo(&s, &si);
    SAY("sigwaitinfo(SIGRTMAX): %d value=%d\n", got, si.si_value.sival_int);
    return done("sig_rtmax");
}
