/* The bundled example guest program (examples/hello-arm is this file, built
 * with: arm-linux-gnueabihf-gcc -static -Os -mthumb -o hello-arm hello.c &&
 * arm-linux-gnueabihf-strip hello-arm). Run: pyqemu-arm examples/hello-arm a b */
#include <stdio.h>

int main(int argc, char **argv)
{
    printf("Hello from ARM!\n");
    printf("argc = %d\n", argc);
    for (int i = 0; i < argc; i++)
        printf("argv[%d] = %s\n", i, argv[i]);
    return 0;
}
