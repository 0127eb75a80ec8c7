/* Extended attributes: setxattr/getxattr/listxattr/removexattr and their
 * l- (on a symbolic link itself) and f- (on a descriptor) forms, the size
 * query (NULL buffer, size 0), ERANGE for a too small buffer, ENODATA,
 * XATTR_CREATE/XATTR_REPLACE, and EFAULT for bad name and buffer pointers.
 * (ls -l asks lgetxattr for ACLs and SELinux labels of every file.)
 * Where the file system has no user xattrs both runs print "unsupported".
 * argv[1]: a scratch directory. */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <stdlib.h>
#include <sys/xattr.h>
#include <unistd.h>

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* the names of a list, sorted (the file system's order is its own) */
static void print_list(const char *what, char *buf, ssize_t n)
{
    char *names[16];
    int k = 0;
    for (char *p = buf; p < buf + n && k < 16; p += strlen(p) + 1)
        names[k++] = p;
    qsort(names, k, sizeof *names, cmp);
    printf("%s: %zd bytes,", what, n);
    for (int i = 0; i < k; i++)
        printf(" %s", names[i]);
    printf("\n");
}

int main(int argc, char **argv)
{
    if (argc < 2 || chdir(argv[1]) != 0) {
        printf("usage: xattr_ops DIR\n");
        return 2;
    }
    int fd = open("f.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK_EQ(symlink("f.txt", "link"), 0);
    if (setxattr("f.txt", "user.pq", "value1", 6, 0) != 0) {
        printf("setxattr: %s\n", errno == ENOTSUP ? "unsupported" : strerror(errno));
        return finish("xattr_ops");
    }
    char buf[256];
    CHECK_EQ(fsetxattr(fd, "user.other", "v2", 2, XATTR_CREATE), 0);
    CHECK_ERR(setxattr("f.txt", "user.pq", "x", 1, XATTR_CREATE), EEXIST);
    CHECK_ERR(setxattr("f.txt", "user.new", "x", 1, XATTR_REPLACE), ENODATA);
    CHECK_EQ(setxattr("link", "user.third", "3", 1, 0), 0);      /* follows the link */
    ssize_t n = getxattr("f.txt", "user.pq", buf, sizeof buf);
    printf("getxattr: %zd [%.*s]\n", n, n > 0 ? (int)n : 0, buf);
    printf("size query: %zd\n", getxattr("f.txt", "user.pq", NULL, 0));
    n = fgetxattr(fd, "user.other", buf, sizeof buf);
    printf("fgetxattr: %zd [%.*s]\n", n, n > 0 ? (int)n : 0, buf);
    n = lgetxattr("link", "user.third", buf, sizeof buf);
    printf("lgetxattr on the link: %zd errno %s\n", n, n < 0 ? strerror(errno) : "-");
    CHECK_ERR(fgetxattr(fd, "user.pq", buf, 2), ERANGE);
    CHECK_ERR(getxattr("f.txt", "user.none", buf, sizeof buf), ENODATA);
    CHECK_ERR(getxattr("no-such-file", "user.pq", buf, sizeof buf), ENOENT);
    CHECK_ERR(getxattr("f.txt", (const char *)16, buf, sizeof buf), EFAULT);
    char *volatile bad = (char *)16;
    CHECK_ERR(getxattr("f.txt", "user.pq", bad, 8), EFAULT);
    CHECK_ERR(getxattr("f.txt", "", buf, sizeof buf), ERANGE);
    n = listxattr("f.txt", buf, sizeof buf);
    print_list("listxattr", buf, n);
    printf("llistxattr size query: %zd\n", llistxattr("f.txt", NULL, 0));
    n = flistxattr(fd, buf, sizeof buf);
    print_list("flistxattr", buf, n);
    CHECK_ERR(listxattr("f.txt", buf, 3), ERANGE);
    CHECK_EQ(removexattr("f.txt", "user.pq"), 0);
    CHECK_EQ(fremovexattr(fd, "user.other"), 0);
    CHECK_ERR(fremovexattr(fd, "user.other"), ENODATA);
    errno = 0;
    int r = lremovexattr("link", "user.third");         /* the link has none of its own */
    printf("lremovexattr on the link: %d %s\n", r, r ? strerror(errno) : "-");
    CHECK_EQ(removexattr("link", "user.third"), 0);
    n = flistxattr(fd, buf, sizeof buf);
    print_list("after removal", buf, n);
    close(fd);
    return finish("xattr_ops");
}
