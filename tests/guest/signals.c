/* Signal delivery within one process: handlers installed with sigaction
 * (plain and SA_SIGINFO), raise and kill to self, a blocked signal staying
 * pending until sigprocmask unblocks it, SIG_IGN, a handler that itself
 * raises another signal, and state that the handler changes being visible
 * to the interrupted code. */
#define _GNU_SOURCE
#include "selfcheck.h"
#include <signal.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t usr1_count, usr2_count, last_signo, last_code_user;
static volatile sig_atomic_t order[32];
static volatile sig_atomic_t norder;

static void on_usr1(int sig)
{
    usr1_count++;
    if (norder < 32)
        order[norder++] = sig;
}
static void on_usr2_info(int sig, siginfo_t *si, void *uctx)
{
    (void)uctx;
    usr2_count++;
    last_signo = si->si_signo;
    last_code_user = si->si_code == SI_USER || si->si_code == SI_TKILL;
    if (norder < 32)
        order[norder++] = sig;
    if (usr2_count == 2)
        raise(SIGUSR1); /* nested delivery from inside a handler */
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigemptyset(&sa.sa_mask);
    CHECK_EQ_S(sigaction(SIGUSR1, &sa, NULL), 0);
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_usr2_info;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    CHECK_EQ_S(sigaction(SIGUSR2, &sa, NULL), 0);

    CHECK_EQ_S(raise(SIGUSR1), 0);
    CHECK_EQ_S(usr1_count, 1);
    CHECK_EQ_S(kill(getpid(), SIGUSR2), 0);
    CHECK_EQ_S(usr2_count, 1);
    CHECK_EQ_S(last_signo, SIGUSR2);
    CHECK(last_code_user);

    /* blocked: stays pending until unblocked */
    sigset_t set, old, pending;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    CHECK_EQ_S(sigprocmask(SIG_BLOCK, &set, &old), 0);
    CHECK(!sigismember(&old, SIGUSR1));
    raise(SIGUSR1);
    raise(SIGUSR1); /* standard signals do not queue */
    CHECK_EQ_S(usr1_count, 1);
    CHECK_EQ_S(sigpending(&pending), 0);
    CHECK(sigismember(&pending, SIGUSR1));
    CHECK(!sigismember(&pending, SIGUSR2));
    CHECK_EQ_S(sigprocmask(SIG_SETMASK, &old, NULL), 0);
    CHECK_EQ_S(usr1_count, 2);

    /* handler raising another signal */
    raise(SIGUSR2);
    CHECK_EQ_S(usr2_count, 2);
    CHECK_EQ_S(usr1_count, 3);

    /* ignored signal */
    signal(SIGUSR1, SIG_IGN);
    raise(SIGUSR1);
    CHECK_EQ_S(usr1_count, 3);
    struct sigaction cur;
    CHECK_EQ_S(sigaction(SIGUSR1, NULL, &cur), 0);
    CHECK(cur.sa_handler == SIG_IGN);

    /* a computation interrupted by signals keeps its state */
    uint32_t acc = 0;
    signal(SIGUSR1, on_usr1);
    for (uint32_t i = 0; i < 100000; i++) {
        acc = acc * 2654435761u + i;
        if (i % 25000 == 0)
            raise(SIGUSR1);
    }
    uint32_t ref = 0;
    for (uint32_t i = 0; i < 100000; i++)
        ref = ref * 2654435761u + i;
    CHECK_EQ_U(acc, ref);
    CHECK_EQ_S(usr1_count, 7);

    printf("signal order:");
    for (int i = 0; i < norder; i++)
        printf(" %s", order[i] == SIGUSR1 ? "USR1" : order[i] == SIGUSR2 ? "USR2" : "?");
    printf("\n");
    CHECK_EQ_S(norder, 9);
    return finish("signals");
}
