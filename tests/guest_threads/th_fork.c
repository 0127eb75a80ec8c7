/* fork from a multithreaded program: only the calling thread lives on in
 * the child, which can itself create threads; mutexes held by the forking
 * thread stay usable. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include <dirent.h>

static volatile int stop;
static void *busy(void *a)
{
    while (!stop)
        usleep(1000);
    return a;
}

static void *child_thread(void *a) { return (void *)((long)a * 2); }

static int count_tasks(void)
{
    DIR *d = opendir("/proc/self/task");
    int n = 0;
    struct dirent *e;
    if (!d)
        return -1;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

static void *forker(void *a)
{
    pid_t pid = fork();
    if (pid == 0) {
        pthread_t t;
        void *r;
        pthread_create(&t, NULL, child_thread, (void *)21);
        pthread_join(t, &r);
        printf("child (forked from a thread): tasks before %d, thread returned %ld\n",
               (int)(long)a, (long)r);
        fflush(stdout);
        exit(3);
    }
    int st;
    waitpid(pid, &st, 0);
    return (void *)(long)WEXITSTATUS(st);
}

int main(void)
{
    pthread_t t[3];
    for (long i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, busy, NULL);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        int n = count_tasks();
        pthread_t c;
        void *r;
        pthread_create(&c, NULL, child_thread, (void *)5);
        pthread_join(c, &r);
        printf("child: tasks %d, thread returned %ld\n", n, (long)r);
        fflush(stdout);
        _exit(7);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("parent: child exit %d\n", WEXITSTATUS(st));
    fflush(stdout);

    pthread_t f;
    void *r;
    pthread_create(&f, NULL, forker, (void *)1);
    pthread_join(f, &r);
    printf("parent: forked-from-thread child exit %ld\n", (long)r);
    stop = 1;
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    printf("parent: tasks at end %d\n", count_tasks());
    return 0;
}
