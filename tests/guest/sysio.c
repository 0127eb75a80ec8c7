/* System-call level I/O and memory: a temporary file (mkstemp, write,
 * pwrite, lseek, pread, readv/writev, fstat, ftruncate, file-backed mmap
 * MAP_SHARED and MAP_PRIVATE, unlink), pipes with dup/dup2/fcntl, /dev/null
 * and /dev/zero, anonymous mmap/mprotect/munmap/mremap, sbrk, and a line on
 * stderr. Only deterministic results are printed. */
#define _GNU_SOURCE
#include "selfcheck.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

int main(void)
{
    char path[] = "/tmp/pyqemu-sysio-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0)
        return finish("sysio");
    const char *msg = "hello, file\n";
    CHECK_EQ_S(write(fd, msg, strlen(msg)), 12);
    CHECK_EQ_S(lseek(fd, 0, SEEK_CUR), 12);
    CHECK_EQ_S(pwrite(fd, "HELLO", 5, 0), 5);
    CHECK_EQ_S(lseek(fd, 0, SEEK_CUR), 12); /* pwrite does not move the offset */
    struct iovec iov[3] = {{"abc", 3}, {"", 0}, {"defgh", 5}};
    CHECK_EQ_S(writev(fd, iov, 3), 8);
    struct stat st;
    CHECK_EQ_S(fstat(fd, &st), 0);
    CHECK_EQ_S(st.st_size, 20);
    CHECK(S_ISREG(st.st_mode));
    CHECK_EQ_U(st.st_mode & 0777, 0600);
    char buf[64] = {0};
    CHECK_EQ_S(pread(fd, buf, sizeof buf, 0), 20);
    CHECK_STR(buf, "HELLO, file\nabcdefgh");
    CHECK_EQ_S(lseek(fd, -5, SEEK_END), 15);
    char a[2] = {0}, b[4] = {0};
    struct iovec riov[2] = {{a, 1}, {b, 3}};
    CHECK_EQ_S(readv(fd, riov, 2), 4);
    CHECK_STR(a, "d");
    CHECK_STR(b, "efg");
    CHECK_EQ_S(read(fd, buf, sizeof buf), 1);
    CHECK_EQ_S(read(fd, buf, sizeof buf), 0); /* EOF */

    /* file-backed mappings */
    CHECK_EQ_S(ftruncate(fd, 8192), 0);
    char *shared = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(shared != MAP_FAILED);
    char *priv = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 4096);
    CHECK(priv != MAP_FAILED);
    if (shared != MAP_FAILED && priv != MAP_FAILED) {
        CHECK(memcmp(shared, "HELLO, file", 11) == 0);
        CHECK_EQ_U(shared[5000], 0); /* extended with zeros */
        shared[4096] = 'S';
        CHECK_EQ_S(pread(fd, buf, 1, 4096), 1);
        CHECK_EQ_S(buf[0], 'S'); /* shared mapping writes reach the file */
        priv[1] = 'P';
        CHECK_EQ_S(pread(fd, buf, 2, 4096), 2);
        CHECK_EQ_S(buf[1], 0); /* private mapping writes do not */
        CHECK_EQ_S(msync(shared, 8192, MS_SYNC), 0);
        CHECK_EQ_S(munmap(shared, 8192), 0);
        CHECK_EQ_S(munmap(priv, 4096), 0);
    }
    CHECK_EQ_S(close(fd), 0);
    CHECK_EQ_S(close(fd), -1);
    CHECK_EQ_S(errno, EBADF);
    CHECK_EQ_S(stat(path, &st), 0);
    CHECK_EQ_S(st.st_size, 8192);
    CHECK_EQ_S(unlink(path), 0);
    CHECK_EQ_S(open(path, O_RDONLY), -1);
    CHECK_EQ_S(errno, ENOENT);

    /* pipes, dup, dup2, fcntl */
    int p[2];
    CHECK_EQ_S(pipe(p), 0);
    CHECK_EQ_S(write(p[1], "through the pipe", 16), 16);
    int d = dup(p[0]);
    CHECK(d > p[1]);
    memset(buf, 0, sizeof buf);
    CHECK_EQ_S(read(d, buf, 7), 7);
    CHECK_STR(buf, "through");
    CHECK_EQ_S(dup2(p[0], 100), 100);
    memset(buf, 0, sizeof buf);
    CHECK_EQ_S(read(100, buf, sizeof buf), 9);
    CHECK_STR(buf, " the pipe");
    CHECK_EQ_S(fcntl(p[0], F_SETFL, O_NONBLOCK), 0);
    CHECK(fcntl(p[0], F_GETFL) & O_NONBLOCK);
    CHECK_EQ_S(read(p[0], buf, 1), -1);
    CHECK_EQ_S(errno, EAGAIN);
    CHECK_EQ_S(fcntl(d, F_SETFD, FD_CLOEXEC), 0);
    CHECK_EQ_S(fcntl(d, F_GETFD), FD_CLOEXEC);
    close(p[1]);
    CHECK_EQ_S(read(100, buf, 1), 0); /* writer closed: EOF */
    close(p[0]);
    close(d);
    close(100);
    int p2[2];
    CHECK_EQ_S(pipe2(p2, O_CLOEXEC), 0);
    CHECK_EQ_S(fcntl(p2[0], F_GETFD), FD_CLOEXEC);
    close(p2[0]);
    close(p2[1]);

    int dn = open("/dev/null", O_WRONLY);
    CHECK(dn >= 0);
    CHECK_EQ_S(write(dn, "discard", 7), 7);
    close(dn);
    int dz = open("/dev/zero", O_RDONLY);
    memset(buf, 'x', sizeof buf);
    CHECK_EQ_S(read(dz, buf, 32), 32);
    CHECK_EQ_U(buf[0] | buf[31], 0);
    CHECK_EQ_S(buf[32], 'x');
    close(dz);

    /* anonymous memory */
    long page = sysconf(_SC_PAGESIZE);
    CHECK_EQ_S(page, 4096);
    unsigned char *m = mmap(NULL, 16 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(m != MAP_FAILED);
    CHECK_EQ_U((uintptr_t)m & 4095, 0);
    int zero = 1;
    for (int i = 0; i < 16 * 4096; i += 512)
        zero &= m[i] == 0;
    CHECK(zero);
    for (int i = 0; i < 16; i++)
        m[i * 4096] = (unsigned char)i;
    CHECK_EQ_S(mprotect(m, 4096, PROT_READ), 0);
    CHECK_EQ_U(m[0], 0);
    CHECK_EQ_S(mprotect(m, 4096, PROT_READ | PROT_WRITE), 0); /* one mapping again for mremap */
    CHECK_EQ_S(munmap(m + 8 * 4096, 8 * 4096), 0); /* unmap the upper half */
    unsigned char *g = mremap(m, 8 * 4096, 64 * 4096, MREMAP_MAYMOVE);
    CHECK(g != MAP_FAILED);
    if (g != MAP_FAILED) {
        for (int i = 1; i < 8; i++)
            CHECK_EQ_U(g[i * 4096], i);
        g[63 * 4096] = 0xaa;
        CHECK_EQ_S(munmap(g, 64 * 4096), 0);
    }

    void *brk0 = sbrk(0);
    CHECK(brk0 != (void *)-1);
    char *grown = sbrk(65536);
    CHECK(grown == brk0);
    memset(grown, 0x5a, 65536);
    CHECK((char *)sbrk(0) == (char *)brk0 + 65536);
    CHECK(sbrk(-65536) != (void *)-1);
    CHECK(sbrk(0) == brk0);

    CHECK(getpid() > 0);
    CHECK_EQ_S(getpid(), getpid());
    CHECK(getppid() > 0);
    CHECK(getuid() == geteuid());

    fprintf(stderr, "sysio: this line goes to stderr\n");
    printf("sysio: file, pipe and memory checks done\n");
    return finish("sysio");
}
