/* Must die by SIGSEGV: after printing (and flushing) some output, write
 * through a null pointer. The shell sees exit status 139, Python's
 * subprocess a returncode of -11. Any other outcome is a failure: if the
 * store somehow succeeds the program exits with status 1. */
#include <stdio.h>
#include <stdint.h>

int main(void)
{
    volatile uint32_t *volatile p = (volatile uint32_t *)0;
    int sum = 0;
    for (int i = 1; i <= 10; i++)
        sum += i;
    printf("about to write through a null pointer (sum=%d)\n", sum);
    fflush(stdout);
    *p = 0xdeadbeefu;
    printf("FAIL: the write through a null pointer did not fault\n");
    return 1;
}
