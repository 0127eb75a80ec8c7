/* System call latency for the pyqemu benchmark: getppid() and 1-byte writes
 * to /dev/null in a loop (system calls that need no argument conversion).
 * Usage: syscall [iterations]  Prints how many calls succeeded. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 600000;
    int fd = open("/dev/null", O_WRONLY);
    if (fd < 0)
        return 1;
    long ok = 0;
    pid_t parent = getppid();
    for (long i = 0; i < n; i++) {
        ok += getppid() == parent;
        ok += write(fd, "x", 1) == 1;
    }
    close(fd);
    printf("%ld of %ld calls\n", ok, 2 * n);
    return ok == 2 * n ? 0 : 1;
}
