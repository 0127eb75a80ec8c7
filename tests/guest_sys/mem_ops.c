/* Memory: mmap2 of files (private and shared, with offsets), MAP_FIXED over
 * an existing mapping, MAP_SHARED anonymous memory seen across fork,
 * munmap, mremap (grow, move), msync, mprotect, the mlock family, mincore.
 * argv[1]: a scratch directory. */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2 || chdir(argv[1]) != 0) {
        printf("usage: mem_ops DIR\n");
        return 2;
    }
    long pg = sysconf(_SC_PAGESIZE);
    printf("page size %ld\n", pg);
    int fd = open("m.bin", O_CREAT | O_RDWR | O_TRUNC, 0600);
    CHECK(fd >= 0);
    for (int i = 0; i < 3; i++) {
        char blk[4096];
        memset(blk, 'a' + i, sizeof blk);
        CHECK_EQ(write(fd, blk, sizeof blk), 4096);
    }
    /* file mappings with an offset */
    char *p = mmap(NULL, 2 * pg, PROT_READ, MAP_PRIVATE, fd, pg);
    CHECK(p != MAP_FAILED);
    printf("private at offset 1 page: %c %c\n", p[0], p[pg]);
    char *s = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(s != MAP_FAILED);
    s[10] = 'X';
    CHECK_EQ(msync(s, pg, MS_SYNC), 0);
    char c = 0;
    CHECK_EQ(pread(fd, &c, 1, 10), 1);
    printf("shared write reaches file: %c\n", c);
    CHECK_ERR(msync(s + 1, pg, MS_SYNC), EINVAL);

    /* MAP_FIXED over an existing anonymous mapping */
    char *a = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(a != MAP_FAILED);
    memset(a, 'z', 4 * pg);
    char *f = mmap(a + pg, pg, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 2 * pg);
    CHECK(f == a + pg);
    printf("fixed: %c %c %c\n", a[0], a[pg], a[2 * pg]);

    /* shared anonymous memory survives fork as shared */
    int *shm = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(shm != MAP_FAILED);
    *shm = 1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        *shm = 77;
        _exit(0);
    }
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    printf("MAP_SHARED across fork: %d\n", *shm);

    /* mremap */
    char *g = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    strcpy(g, "keep me");
    char *g2 = mremap(g, pg, 64 * pg, MREMAP_MAYMOVE);
    CHECK(g2 != MAP_FAILED);
    g2[63 * pg] = 1;
    printf("mremap grow: %s\n", g2);
    char *target = mmap(NULL, 64 * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *g3 = mremap(g2, 64 * pg, 2 * pg, MREMAP_MAYMOVE | MREMAP_FIXED, target);
    CHECK(g3 == target);
    printf("mremap fixed: %s\n", g3);
    CHECK(mremap(g3, 2 * pg, 3 * pg, 0) != MAP_FAILED || errno == ENOMEM);

    /* mprotect, mlock family, mincore */
    CHECK_EQ(mprotect(a, pg, PROT_READ), 0);
    CHECK_EQ(mlock(a, pg), 0);
    CHECK_EQ(munlock(a, pg), 0);
    CHECK_EQ(mlockall(MCL_CURRENT), 0);
    CHECK_EQ(munlockall(), 0);
    CHECK_ERR(mlock((void *)0x1000, pg), ENOMEM);
    unsigned char vec[4];
    CHECK_EQ(mincore(a, 4 * pg, vec), 0);
    printf("mincore first page resident: %d\n", vec[0] & 1);
    CHECK_ERR(mincore((void *)0x1000, pg, vec), ENOMEM);
    CHECK_EQ(madvise(a, pg, MADV_DONTNEED), 0);

    CHECK_EQ(munmap(p, 2 * pg), 0);
    CHECK_EQ(munmap(s, 3 * pg), 0);
    CHECK_EQ(munmap(a, 4 * pg), 0);
    CHECK_ERR(munmap(a + 1, pg), EINVAL);
    close(fd);
    unlink("m.bin");
    return finish("mem_ops");
}
