/* Returns 3 from main (no exit() call): the status comes from main's return
 * value through __libc_start_main. Output is left buffered on purpose. */
#include <stdio.h>

static int compute(void)
{
    int v = 0;
    for (int i = 0; i < 30; i++)
        v += (i % 3 == 0);
    return v / 10 + 2; /* 10 multiples of 3 in 0..29 -> 3 */
}

int main(void)
{
    int r = compute();
    printf("returning %d from main\n", r);
    return r;
}
