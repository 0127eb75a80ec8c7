/* robust futex lists: a thread that dies holding a robust mutex leaves it
 * to the next locker with EOWNERDEAD (the kernel walks the list at thread
 * exit); get_robust_list returns what set_robust_list recorded.  qemu-arm
 * does not implement the robust list calls: the expected output is a real
 * ARM Linux machine's. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

static pthread_mutex_t m;

static void *die_holding(void *a)
{
    pthread_mutex_lock(&m);
    return a;                                /* ends without unlocking */
}

int main(void)
{
    pthread_mutexattr_t at;
    pthread_mutexattr_init(&at);
    pthread_mutexattr_setrobust(&at, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&m, &at);
    pthread_t t;
    pthread_create(&t, NULL, die_holding, NULL);
    pthread_join(t, NULL);
    int r = pthread_mutex_lock(&m);
    printf("lock after the owner died: %s\n", r == EOWNERDEAD ? "EOWNERDEAD" : r ? "error" : "0");
    if (r == EOWNERDEAD)
        printf("consistent: %d\n", pthread_mutex_consistent(&m));
    printf("unlock: %d\n", pthread_mutex_unlock(&m));
    printf("lock again: %d\n", pthread_mutex_lock(&m));
    pthread_mutex_unlock(&m);

    struct robust_list_head *head = NULL;
    size_t len = 0;
    long g = syscall(SYS_get_robust_list, 0, &head, &len);
    printf("get_robust_list: %ld len %zu head set %d\n", g, len, head != NULL);
    printf("get_robust_list of a bad tid: %d\n",
           syscall(SYS_get_robust_list, 0x3fffffff, &head, &len) == -1 ? errno : 0);
    errno = 0;
    printf("set_robust_list bad len: %d\n", syscall(SYS_set_robust_list, head, 3) == -1 ? errno : 0);
    printf("get_robust_list bad pointer: %d\n",
           syscall(SYS_get_robust_list, 0, (void *)8, &len) == -1 ? errno : 0);
    return 0;
}
