/* Start-up benchmark: a static hello world (loader, libc start-up, one write, exit). */
#include <stdio.h>

int main(void)
{
    puts("hello");
    return 0;
}
