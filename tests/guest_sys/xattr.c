/* Extended attributes: set/get/list/remove in path, l- and f- forms, errors and a bad buffer (EFAULT). */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <sys/xattr.h>
#include <fcntl.h>
#include <unistd.h>
int main(int argc, char **argv) {
    const char *f = argv[1];
    char buf[256];
    char *volatile bad_ptr = (char *)16;   /* unmapped: -EFAULT */
    int r = setxattr(f, "user.pyqemu", "value1", 6, 0);
    printf("setxattr %d %s\n", r, r ? strerror(errno) : "ok");
    ssize_t n = getxattr(f, "user.pyqemu", buf, sizeof buf);
    printf("getxattr %zd %.*s\n", n, n > 0 ? (int)n : 0, buf);
    n = lgetxattr(f, "user.missing", buf, sizeof buf);
    printf("lgetxattr missing %zd %s\n", n, strerror(errno));
    n = getxattr(f, "user.pyqemu", NULL, 0);
    printf("getxattr size %zd\n", n);
    n = listxattr(f, buf, sizeof buf);
    printf("listxattr %zd has=%d\n", n, n > 0 && memmem(buf, n, "user.pyqemu", 12) != NULL);
    int fd = open(f, O_RDONLY);
    n = fgetxattr(fd, "user.pyqemu", buf, sizeof buf);
    printf("fgetxattr %zd\n", n);
    r = fremovexattr(fd, "user.pyqemu");
    printf("fremovexattr %d\n", r);
    n = getxattr(f, "user.pyqemu", buf, sizeof buf);
    printf("after remove %zd %s\n", n, strerror(errno));
    n = getxattr("/nonexistent/x", "user.a", buf, sizeof buf);
    printf("missing file %zd %s\n", n, strerror(errno));
    n = getxattr(f, "user.pyqemu", bad_ptr, 100);
    printf("bad buffer %zd\n", n);
    return 0;
}
