/* The simplest guest: start-up, stdio, exit status 0. */
#include <stdio.h>

int main(int argc, char **argv)
{
    (void)argv;
    printf("Hello, world!\n");
    puts("second line via puts");
    printf("argc=%d\n", argc);
    return 0;
}
