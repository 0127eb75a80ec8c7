/* Exits with status 42 through exit() called deep inside a call chain; an
 * atexit handler runs first and prints (stdout is flushed by exit). If exit
 * returned, main would return 1. */
#include <stdio.h>
#include <stdlib.h>

static void handler(void) { printf("atexit handler ran\n"); }

static void leave(int depth)
{
    if (depth < 0)
        return;
    if (depth == 0) {
        printf("calling exit(42)\n");
        fprintf(stderr, "exit42: leaving with status 42\n");
        exit(42);
    }
    leave(depth - 1);
    printf("FAIL: returned from exit\n");
}

int main(void)
{
    if (atexit(handler) != 0)
        return 1;
    printf("buffered line before exit\n"); /* no fflush: exit must flush */
    leave(5);
    return 1;
}
