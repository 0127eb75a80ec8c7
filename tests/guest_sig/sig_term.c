/* Default actions and signals from outside, one scenario per argument:
 *   term        raise(SIGTERM): the process ends by SIGTERM (shell: 143)
 *   segv        a null-pointer write without a handler (shell: 139)
 *   abort       abort() (shell: 134)
 *   blocked     SIGTERM blocked, raised, then unblocked: ends by it then
 *   ignored     SIGTERM ignored: raise returns, exit 0
 *   children    children ended by signals, stopped and continued: what
 *               waitpid reports (WIFSIGNALED/WTERMSIG, WIFSTOPPED, WIFCONTINUED)
 *   spin        prints "ready", spins without system calls until SIGUSR1
 *               (from outside) sets a flag; then SIGINT with its default
 *               action ends it while it spins again
 *   sleep       prints "ready", blocks in read(stdin) until SIGUSR1 (no
 *               SA_RESTART): -EINTR; then again with SA_RESTART, ended by
 *               SIGTERM from outside
 *   handlers    handlers for SIGUSR1, SIGINT and SIGTERM: prints "ready", spins
 *               without system calls until one arrives (its handler writes
 *               "handler N"), three times, then exits 0 */
#include "sigcheck.h"
#include <stdlib.h>
#include <sys/wait.h>

static volatile sig_atomic_t got;
static void on_usr1(int sig)
{
    got = sig;
}

static void on_any_write(int sig)
{
    char line[] = "handler NN\n";
    line[8] = '0' + sig / 10;
    line[9] = '0' + sig % 10;
    write(1, line, sizeof line - 1);
    got = sig;
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

static void report(const char *what, int status)
{
    if (WIFEXITED(status))
        SAY("%s: exited %d\n", what, WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        SAY("%s: killed by signal %d\n", what, WTERMSIG(status));
    else if (WIFSTOPPED(status))
        SAY("%s: stopped by signal %d\n", what, WSTOPSIG(status));
    else if (WIFCONTINUED(status))
        SAY("%s: continued\n", what);
}

static unsigned spin_until_got(void)
{
    unsigned x = 1;
    while (!got)
        x = x * 1664525u + 1013904223u;
    return x;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    if (!strcmp(mode, "term")) {
        SAY("raising SIGTERM\n");
        raise(SIGTERM);
        SAY("still here?\n");
        return 1;
    }
    if (!strcmp(mode, "segv")) {
        SAY("writing through NULL\n");
        *(volatile int *)0 = 1;
        return 1;
    }
    if (!strcmp(mode, "abort")) {
        SAY("aborting\n");
        abort();
    }
    if (!strcmp(mode, "blocked")) {
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, SIGTERM);
        sigprocmask(SIG_BLOCK, &s, NULL);
        raise(SIGTERM);
        SAY("blocked SIGTERM is pending\n");
        sigprocmask(SIG_UNBLOCK, &s, NULL);
        SAY("still here?\n");
        return 1;
    }
    if (!strcmp(mode, "ignored")) {
        signal(SIGTERM, SIG_IGN);
        raise(SIGTERM);
        SAY("ignored SIGTERM\n");
        return 0;
    }
    if (!strcmp(mode, "children")) {
        int st;
        const int sigs[] = {SIGTERM, SIGSEGV, SIGUSR1, SIGKILL, SIGRTMIN + 3, 0};
        for (const int *p = sigs; *p; p++) {
            pid_t pid = fork();
            if (pid == 0) {
                if (*p == SIGSEGV)
                    *(volatile int *)0 = 1;
                raise(*p);
                _exit(99);
            }
            waitpid(pid, &st, 0);
            char what[32];
            snprintf(what, sizeof what, "child %d", *p == SIGRTMIN + 3 ? 99 : *p);
            report(what, st);
        }
        /* the child's line comes first: the parent reports "continued" only
           after the child has said so (a byte through a pipe), so the output's
           order does not depend on how the two processes are scheduled; and
           the child exits only after the parent has seen it continued (a byte
           back), or waitpid(WCONTINUED) could find it exited already */
        int sync[2], back[2];
        if (pipe(sync) != 0 || pipe(back) != 0)
            return 3;
        pid_t pid = fork();
        char c;
        if (pid == 0) {
            raise(SIGSTOP);
            SAY("child: continued\n");
            write(sync[1], "c", 1);
            read(back[0], &c, 1);
            _exit(5);
        }
        waitpid(pid, &st, WUNTRACED);
        report("stop child", st);
        kill(pid, SIGCONT);
        waitpid(pid, &st, WCONTINUED);
        read(sync[0], &c, 1);
        report("stop child", st);
        write(back[1], "g", 1);
        waitpid(pid, &st, 0);
        report("stop child", st);
        return done("sig_term");
    }
    if (!strcmp(mode, "spin")) {
        set_handler(SIGUSR1, on_usr1, 0);
        SAY("ready\n");
        spin_until_got();
        SAY("spin: got signal %d\n", (int)got);
        got = 0;
        SAY("ready again\n");
        spin_until_got();
        return 1;
    }
    if (!strcmp(mode, "handlers")) {
        set_handler(SIGUSR1, on_any_write, 0);
        set_handler(SIGINT, on_any_write, 0);
        set_handler(SIGTERM, on_any_write, 0);
        for (int i = 0; i < 3; i++) {
            got = 0;
            SAY("ready\n");
            spin_until_got();
            SAY("spun until signal %d\n", (int)got);
        }
        return 0;
    }
    if (!strcmp(mode, "sleep")) {
        set_handler(SIGUSR1, on_usr1, 0);
        SAY("ready\n");
        char c;
        ssize_t n = read(0, &c, 1);
        SAY("sleep: read=%d errno=%s got=%d\n", (int)n, errno == EINTR ? "EINTR" : "?",
            (int)got);
        set_handler(SIGUSR1, on_usr1, SA_RESTART);
        SAY("ready again\n");
        n = read(0, &c, 1);
        SAY("read returned %d\n", (int)n);
        return 1;
    }
    SAY("usage: sig_term term|segv|abort|blocked|ignored|children|spin|handlers|sleep\n");
    return 2;
}
