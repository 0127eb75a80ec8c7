/* Processes: fork, vfork, clone, posix_spawn/system, execve of this very
 * program through /proc/self/exe, of a "#!" script and of a host program,
 * wait4/waitid, kill/tgkill, the id calls, sessions and groups, prctl,
 * times, getrusage, affinity, sysinfo, personality, priorities.
 *
 *   proc_ops                  run every check
 *   proc_ops child ARGS...    (exec'd by the checks) print ARGS and an env var
 * Run from a scratch directory (a script is written there). */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int run_child_mode(int argc, char **argv)
{
    printf("child argv0=%s argc=%d", argv[0], argc);
    for (int i = 2; i < argc; i++)
        printf(" [%s]", argv[i]);
    const char *v = getenv("PROC_OPS_VAR");
    printf(" var=%s\n", v ? v : "(unset)");
    return 7;
}

static int wait_status(pid_t pid)
{
    int st = -1;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    return st;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "child") == 0)
        return run_child_mode(argc, argv);
    if (argc != 1) {
        printf("unexpected arguments\n");
        return 3;
    }
    setvbuf(stdout, NULL, _IONBF, 0);

    /* fork + exit status */
    pid_t pid = fork();
    if (pid == 0)
        _exit(42);
    CHECK(pid > 0);
    int st = wait_status(pid);
    printf("fork: exited=%d status=%d\n", WIFEXITED(st), WEXITSTATUS(st));

    /* memory is copied, not shared */
    static volatile int shared_var = 1;
    pid = fork();
    if (pid == 0) {
        shared_var = 2;
        _exit(shared_var);
    }
    st = wait_status(pid);
    printf("fork copy: child saw %d, parent sees %d\n", WEXITSTATUS(st), shared_var);

    /* vfork: the parent resumes after the child's _exit */
    pid = vfork();
    if (pid == 0)
        _exit(5);
    st = wait_status(pid);
    printf("vfork: status=%d\n", WEXITSTATUS(st));

    /* wait4 with rusage, WNOHANG, ECHILD */
    int p[2];
    CHECK_EQ(pipe(p), 0);
    pid = fork();
    if (pid == 0) {
        char c;
        close(p[1]);
        read(p[0], &c, 1);
        _exit(3);
    }
    close(p[0]);
    struct rusage ru;
    CHECK_EQ(wait4(pid, &st, WNOHANG, &ru), 0);
    write(p[1], "x", 1);
    close(p[1]);
    CHECK_EQ(wait4(pid, &st, 0, &ru), pid);
    printf("wait4: status=%d\n", WEXITSTATUS(st));
    CHECK_ERR(wait4(-1, &st, 0, NULL), ECHILD);

    /* waitid and a child killed by a signal */
    pid = fork();
    if (pid == 0) {
        pause();
        _exit(0);
    }
    CHECK_EQ(kill(pid, SIGTERM), 0);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    CHECK_EQ(waitid(P_PID, pid, &si, WEXITED), 0);
    printf("waitid: signo=%d code=%s status=%d pid_ok=%d\n", si.si_signo,
           si.si_code == CLD_KILLED ? "CLD_KILLED" : "other", si.si_status, si.si_pid == pid);
    CHECK_ERR(kill(999999, 0), ESRCH);
    CHECK_EQ(kill(getpid(), 0), 0);
    CHECK_EQ(syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), 0), 0);
    CHECK_EQ(syscall(SYS_tkill, syscall(SYS_gettid), 0), 0);

    /* raw clone without CLONE_VM: a fork with CLONE_CHILD_SETTID */
    static volatile pid_t ctid;
    long r = syscall(SYS_clone, CLONE_CHILD_SETTID | SIGCHLD, 0, NULL, NULL, &ctid);
    if (r == 0)
        _exit(ctid == getpid() ? 11 : 12);
    st = wait_status(r);
    printf("clone: child status=%d\n", WEXITSTATUS(st));

    /* system() and posix_spawn (CLONE_VM|CLONE_VFORK in glibc) of a host program */
    char *sp_argv[] = {"sh", "-c", "exit 9", NULL};
    pid_t sp;
    CHECK_EQ(posix_spawn(&sp, "/bin/sh", NULL, NULL, sp_argv, environ), 0);
    st = wait_status(sp);
    printf("posix_spawn /bin/sh: status=%d\n", WEXITSTATUS(st));

    /* execve of ourselves through /proc/self/exe, and of a #! script */
    pid = fork();
    if (pid == 0) {
        char *av[] = {"renamed", "child", "one", "two words", NULL};
        char *ev[] = {"PROC_OPS_VAR=hello", NULL};
        execve("/proc/self/exe", av, ev);
        _exit(99);
    }
    st = wait_status(pid);
    printf("exec self: status=%d\n", WEXITSTATUS(st));
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    CHECK(n > 0);
    self[n > 0 ? n : 0] = 0;
    const char *script = "proc_ops_script.sh";
    FILE *f = fopen(script, "w");
    fprintf(f, "#!%s  child \nignored\n", self);
    fclose(f);
    chmod(script, 0755);
    pid = fork();
    if (pid == 0) {
        char *av[] = {"ignored-argv0", "after", NULL};
        char *ev[] = {NULL};
        execve(script, av, ev);
        _exit(98);
    }
    st = wait_status(pid);
    printf("exec script: status=%d\n", WEXITSTATUS(st));
    unlink(script);
    CHECK_ERR(execve("/nonexistent/prog", argv, environ), ENOENT);
    CHECK_ERR(execve("/etc/passwd", argv, environ), EACCES);

    /* ids */
    printf("uid==euid %d gid==egid %d\n", getuid() == geteuid(), getgid() == getegid());
    uid_t ru_, eu, su;
    CHECK_EQ(getresuid(&ru_, &eu, &su), 0);
    CHECK_EQ(ru_, getuid());
    gid_t rg, eg, sg;
    CHECK_EQ(getresgid(&rg, &eg, &sg), 0);
    CHECK_EQ(rg, getgid());
    gid_t groups[256];
    int ng = getgroups(256, groups);
    CHECK(ng >= 0);
    CHECK_EQ(setuid(getuid()), 0);
    CHECK_EQ(setgid(getgid()), 0);
    CHECK_EQ(setreuid(-1, -1), 0);
    CHECK_EQ(setresgid(-1, -1, -1), 0);

    /* sessions and process groups */
    pid = fork();
    if (pid == 0) {
        pid_t s = setsid();
        _exit(s == getpid() && getsid(0) == getpid() && getpgrp() == getpid() ? 0 : 1);
    }
    st = wait_status(pid);
    printf("setsid in child: %d\n", WEXITSTATUS(st));
    pid = fork();
    if (pid == 0) {
        _exit(setpgid(0, 0) == 0 && getpgid(0) == getpid() ? 0 : 1);
    }
    st = wait_status(pid);
    printf("setpgid in child: %d\n", WEXITSTATUS(st));
    CHECK_EQ(getpgid(0), getpgrp());
    CHECK(getppid() > 1);

    /* prctl */
    char name[16] = {0};
    CHECK_EQ(prctl(PR_SET_NAME, "pyq-test-name-long"), 0);
    CHECK_EQ(prctl(PR_GET_NAME, name), 0);
    printf("prctl name: %s\n", name);
    CHECK_EQ(prctl(PR_SET_DUMPABLE, 1), 0);
    CHECK_EQ(prctl(PR_GET_DUMPABLE), 1);
    int sig = -1;
    CHECK_EQ(prctl(PR_SET_PDEATHSIG, SIGUSR1), 0);
    CHECK_EQ(prctl(PR_GET_PDEATHSIG, &sig), 0);
    printf("pdeathsig: %d\n", sig);
    CHECK_EQ(prctl(PR_SET_PDEATHSIG, 0), 0);

    /* times, rusage, affinity, sysinfo, personality, priority */
    struct tms tm;
    CHECK(times(&tm) != (clock_t)-1);
    CHECK_EQ(getrusage(RUSAGE_SELF, &ru), 0);
    CHECK_EQ(getrusage(RUSAGE_CHILDREN, &ru), 0);
    cpu_set_t cs;
    CHECK_EQ(sched_getaffinity(0, sizeof cs, &cs), 0);
    CHECK(CPU_COUNT(&cs) >= 1);
    CHECK_EQ(sched_setaffinity(0, sizeof cs, &cs), 0);
    CHECK_EQ(sched_yield(), 0);
    struct sysinfo sinfo;
    CHECK_EQ(sysinfo(&sinfo), 0);
    CHECK(sinfo.totalram > 0 && sinfo.mem_unit > 0);
    printf("personality: %#x\n", personality(0xffffffff));
    errno = 0;
    int prio = getpriority(PRIO_PROCESS, 0);
    CHECK(errno == 0);
    CHECK_EQ(setpriority(PRIO_PROCESS, 0, prio), 0);
    return finish("proc_ops");
}
