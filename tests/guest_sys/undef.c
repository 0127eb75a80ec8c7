/*
 * Executes an undefined instruction (a permanently undefined UDF encoding,
 * not one of those Linux reserves for breakpoints): built -marm it is the
 * A32 word e7f000f5, built -mthumb the T32 pair f7f0 a0f5, or with the
 * argument "t16" the 16-bit T16 de05.  The guest must die by SIGILL.
 */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    printf("about to execute an undefined instruction\n");
    fflush(stdout);
#ifdef __thumb__
    if (argc > 1 && strcmp(argv[1], "t16") == 0)
        __asm__ volatile(".inst.n 0xde05");
    else
        __asm__ volatile(".inst.w 0xf7f0a0f5");
#else
    (void)argc;
    (void)argv;
    __asm__ volatile(".inst 0xe7f000f5");
#endif
    printf("still alive\n");
    return 0;
}
