/* Files and directories: the open/read/write family, seeks, the stat family,
 * access, directory entries, links, modes, owners, times, cwd, dup, fcntl
 * record locks, flock, truncate/fallocate, sync, sendfile, copy_file_range,
 * memfd, pipes, fifos, umask, inotify, eventfd.  argv[1]: an empty scratch
 * directory.  Prints only deterministic results. */
#define _GNU_SOURCE
#include "check.h"
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/time.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_dir(const char *path)
{
    DIR *d = opendir(path);
    CHECK(d != NULL);
    if (!d)
        return;
    char *names[64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 64)
        names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof names[0], cmp);
    printf("dir %s:", path);
    for (int i = 0; i < n; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
}

int main(int argc, char **argv)
{
    if (argc < 2 || chdir(argv[1]) != 0) {
        printf("usage: fs_ops DIR\n");
        return 2;
    }
    umask(022);
    CHECK_EQ(umask(022), 022);

    /* open / write / read / positional and vectored I/O */
    int fd = open("a.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "hello world\n", 12), 12);
    CHECK_EQ(pwrite(fd, "HELLO", 5, 0), 5);
    char buf[128] = {0};
    CHECK_EQ(pread(fd, buf, 5, 6), 5);
    printf("pread: %s\n", buf);
    struct iovec wv[2] = {{"abc", 3}, {"def", 3}};
    CHECK_EQ(pwritev(fd, wv, 2, 12), 6);
    char r1[4] = {0}, r2[5] = {0};
    struct iovec rv[2] = {{r1, 3}, {r2, 4}};
    CHECK_EQ(preadv(fd, rv, 2, 10), 7);
    printf("preadv: [%s][%s]\n", r1, r2);
    CHECK_EQ(lseek(fd, 0, SEEK_END), 18);
    CHECK_EQ(lseek64(fd, 3, SEEK_SET), 3);
    CHECK_EQ(read(fd, buf, 4), 4);
    buf[4] = 0;
    printf("read after seek: %s\n", buf);
    CHECK_ERR(lseek(fd, -100, SEEK_SET), EINVAL);

    /* stat family */
    struct stat st;
    CHECK_EQ(fstat(fd, &st), 0);
    printf("size %lld mode %o nlink %d\n", (long long)st.st_size, st.st_mode, (int)st.st_nlink);
    struct stat st2;
    CHECK_EQ(stat("a.txt", &st2), 0);
    CHECK_EQ(st2.st_ino, st.st_ino);
    CHECK_EQ(fstatat(AT_FDCWD, "a.txt", &st2, 0), 0);
    CHECK_EQ(st2.st_size, 18);
    struct statx sx;
    CHECK_EQ(statx(AT_FDCWD, "a.txt", 0, STATX_BASIC_STATS, &sx), 0);
    CHECK_EQ(sx.stx_size, 18);
    CHECK_EQ(sx.stx_ino, st.st_ino);
    struct statfs sf;
    CHECK_EQ(statfs(".", &sf), 0);
    CHECK(sf.f_bsize > 0);
    CHECK_EQ(fstatfs(fd, &sf), 0);
    CHECK_ERR(stat("missing", &st2), ENOENT);
    CHECK_ERR(stat((char *)16, &st2), EFAULT);

    /* access */
    CHECK_EQ(access("a.txt", R_OK | W_OK), 0);
    CHECK_ERR(access("missing", F_OK), ENOENT);
    CHECK_EQ(faccessat(AT_FDCWD, "a.txt", R_OK, 0), 0);
    CHECK_EQ(syscall(SYS_faccessat2, AT_FDCWD, "a.txt", R_OK, AT_EACCESS), 0);

    /* directories, links, renames */
    CHECK_EQ(mkdir("d", 0755), 0);
    CHECK_ERR(mkdir("d", 0755), EEXIST);
    CHECK_EQ(mkdirat(AT_FDCWD, "d/sub", 0700), 0);
    int dfd = open("d", O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    CHECK_EQ(link("a.txt", "d/hard"), 0);
    CHECK_EQ(linkat(AT_FDCWD, "a.txt", dfd, "hard2", 0), 0);
    CHECK_EQ(symlink("../a.txt", "d/soft"), 0);
    CHECK_EQ(symlinkat("a.txt", dfd, "soft2"), 0);
    char lnk[64] = {0};
    CHECK_EQ(readlink("d/soft", lnk, sizeof lnk), 8);
    printf("readlink: %s\n", lnk);
    memset(lnk, 0, sizeof lnk);
    CHECK_EQ(readlinkat(dfd, "soft2", lnk, sizeof lnk), 5);
    printf("readlinkat: %s\n", lnk);
    CHECK_EQ(lstat("d/soft", &st2), 0);
    CHECK(S_ISLNK(st2.st_mode));
    CHECK_EQ(stat("d/soft", &st2), 0);
    CHECK_EQ(st2.st_ino, st.st_ino);
    CHECK_EQ(fstat(fd, &st), 0);
    printf("nlink after links: %d\n", (int)st.st_nlink);
    CHECK_EQ(rename("d/hard2", "d/renamed"), 0);
    CHECK_EQ(renameat(dfd, "renamed", dfd, "renamed2"), 0);
    CHECK_EQ(syscall(SYS_renameat2, dfd, "renamed2", dfd, "soft2", 1 /* NOREPLACE */), -1);
    CHECK_EQ(errno, EEXIST);
    CHECK_EQ(unlink("d/renamed2"), 0);
    CHECK_EQ(unlinkat(dfd, "soft2", 0), 0);
    CHECK_EQ(unlinkat(dfd, "sub", AT_REMOVEDIR), 0);
    CHECK_ERR(rmdir("d"), ENOTEMPTY);
    list_dir("d");

    /* many entries: readdir on the real file system must list them all */
    CHECK_EQ(mkdir("many", 0755), 0);
    for (int i = 0; i < 40; i++) {
        char name[32];
        snprintf(name, sizeof name, "many/f%02d", i);
        int f = open(name, O_CREAT | O_WRONLY, 0600);
        CHECK(f >= 0);
        close(f);
    }
    DIR *md = opendir("many");
    int count = 0;
    long pos_after_5 = -1;
    struct dirent *e;
    char fifth[64] = "";
    while ((e = readdir(md))) {
        count++;
        CHECK(e->d_off >= 0 && e->d_off <= 0x7fffffffL);
        if (count == 5)
            pos_after_5 = telldir(md);
        if (count == 6)
            snprintf(fifth, sizeof fifth, "%.60s", e->d_name);
    }
    printf("many: %d entries\n", count);
    seekdir(md, pos_after_5);
    e = readdir(md);
    CHECK(e != NULL && strcmp(e->d_name, fifth) == 0);
    closedir(md);

    /* modes, owners, times */
    CHECK_EQ(chmod("a.txt", 0600), 0);
    CHECK_EQ(fchmod(fd, 0640), 0);
    CHECK_EQ(fchmodat(AT_FDCWD, "a.txt", 0604, 0), 0);
    CHECK_EQ(stat("a.txt", &st2), 0);
    printf("mode now %o\n", st2.st_mode & 07777);
    CHECK_EQ(chown("a.txt", getuid(), getgid()), 0);
    CHECK_EQ(fchown(fd, -1, -1), 0);
    CHECK_EQ(lchown("d/soft", getuid(), -1), 0);
    CHECK_EQ(fchownat(AT_FDCWD, "a.txt", -1, getgid(), 0), 0);
    struct timespec ts[2] = {{1000000000, 5}, {1200000000, 123456789}};
    CHECK_EQ(utimensat(AT_FDCWD, "a.txt", ts, 0), 0);
    CHECK_EQ(stat("a.txt", &st2), 0);
    printf("mtime %lld.%09ld atime %lld\n", (long long)st2.st_mtim.tv_sec, st2.st_mtim.tv_nsec,
           (long long)st2.st_atim.tv_sec);
    struct timespec omit[2] = {{0, UTIME_OMIT}, {1300000000, 0}};
    CHECK_EQ(futimens(fd, omit), 0);
    CHECK_EQ(fstat(fd, &st2), 0);
    printf("futimens mtime %lld atime %lld\n", (long long)st2.st_mtim.tv_sec,
           (long long)st2.st_atim.tv_sec);
    struct timeval tv[2] = {{1400000000, 0}, {1400000001, 0}};
    CHECK_EQ(utimes("a.txt", tv), 0);
    CHECK_EQ(stat("a.txt", &st2), 0);
    printf("utimes mtime %lld\n", (long long)st2.st_mtim.tv_sec);

    /* cwd */
    char cwd[4096];
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    CHECK_EQ(chdir("d"), 0);
    char cwd2[4096];
    CHECK(getcwd(cwd2, sizeof cwd2) != NULL);
    CHECK(strlen(cwd2) == strlen(cwd) + 2 && strcmp(cwd2 + strlen(cwd), "/d") == 0);
    int top = open("..", O_RDONLY | O_DIRECTORY);
    CHECK_EQ(fchdir(top), 0);
    CHECK(getcwd(cwd2, sizeof cwd2) != NULL && strcmp(cwd, cwd2) == 0);
    close(top);
    CHECK_ERR(syscall(SYS_getcwd, cwd2, 1), ERANGE);

    /* dup family and fcntl */
    int d1 = dup(fd);
    CHECK(d1 > fd);
    CHECK_EQ(dup2(fd, 40), 40);
    CHECK_EQ(dup3(fd, 41, O_CLOEXEC), 41);
    CHECK_EQ(fcntl(41, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(40, F_GETFD), 0);
    CHECK_ERR(dup3(fd, fd, 0), EINVAL);
    CHECK_EQ(fcntl(fd, F_DUPFD, 50), 50);
    CHECK_EQ(fcntl(fd, F_DUPFD_CLOEXEC, 60), 60);
    CHECK_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
    CHECK_EQ(fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK), 0);
    CHECK_EQ(fcntl(fd, F_GETFL) & (O_APPEND | O_NONBLOCK), O_APPEND | O_NONBLOCK);
    CHECK_EQ(fcntl(fd, F_SETFL, 0), 0);
    close(d1); close(40); close(41); close(50); close(60);

    /* record locks, seen from a child process */
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 2, .l_len = 4};
    CHECK_EQ(fcntl(fd, F_SETLK, &fl), 0);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        int cfd = open("a.txt", O_RDWR);
        struct flock q = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10};
        int r = fcntl(cfd, F_GETLK, &q);
        printf("child F_GETLK: r=%d type=%s start=%ld len=%ld pid_is_parent=%d\n", r,
               q.l_type == F_WRLCK ? "F_WRLCK" : "other", (long)q.l_start, (long)q.l_len,
               q.l_pid == getppid());
        struct flock t = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 3, .l_len = 1};
        errno = 0;
        r = fcntl(cfd, F_SETLK, &t);
        printf("child F_SETLK: r=%d errno=%s\n", r, errno == EAGAIN || errno == EACCES ? "EAGAIN" : "?");
        fflush(stdout);
        _exit(0);
    }
    int status;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    fl.l_type = F_UNLCK;
    CHECK_EQ(fcntl(fd, F_SETLK, &fl), 0);
    struct flock64 fl64 = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
    CHECK_EQ(fcntl(fd, F_SETLK64, &fl64), 0);
    CHECK_EQ(flock(fd, LOCK_EX | LOCK_NB), 0);
    CHECK_EQ(flock(fd, LOCK_UN), 0);

    /* sizes */
    CHECK_EQ(ftruncate(fd, 100), 0);
    CHECK_EQ(ftruncate64(fd, 5000000000LL), 0);
    CHECK_ERR(fstat(fd, &st2), EOVERFLOW);
    struct stat64 big;
    CHECK_EQ(fstat64(fd, &big), 0);
    printf("size after ftruncate64: %lld\n", (long long)big.st_size);
    CHECK_EQ(truncate("a.txt", 18), 0);
    int fr = fallocate(fd, 0, 0, 8192);
    CHECK(fr == 0 || errno == EOPNOTSUPP);
    CHECK_EQ(ftruncate(fd, 18), 0);
    CHECK_EQ(fsync(fd), 0);
    CHECK_EQ(fdatasync(fd), 0);
    sync();
    CHECK_EQ(syncfs(fd), 0);

    /* in-kernel copies */
    int out = open("b.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
    off_t off = 6;
    CHECK_EQ(sendfile(out, fd, &off, 5), 5);
    CHECK_EQ(off, 11);
    loff_t in_off = 0, out_off = 5;
    CHECK_EQ(copy_file_range(fd, &in_off, out, &out_off, 5, 0), 5);
    CHECK_EQ(in_off, 5);
    memset(buf, 0, sizeof buf);
    CHECK_EQ(pread(out, buf, sizeof buf, 0), 10);
    printf("sendfile+copy_file_range: %s\n", buf);
    close(out);

    /* memfd, pipes, fifo */
    int mfd = memfd_create("scratch", MFD_CLOEXEC);
    CHECK(mfd >= 0);
    CHECK_EQ(write(mfd, "memfd!", 6), 6);
    CHECK_EQ(pread(mfd, buf, 6, 0), 6);
    CHECK_EQ(fcntl(mfd, F_GETFD), FD_CLOEXEC);
    close(mfd);
    int p[2];
    CHECK_EQ(pipe(p), 0);
    CHECK_EQ(write(p[1], "pipe", 4), 4);
    memset(buf, 0, sizeof buf);
    CHECK_EQ(read(p[0], buf, sizeof buf), 4);
    printf("pipe: %s\n", buf);
    close(p[0]); close(p[1]);
    CHECK_EQ(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
    CHECK_ERR(read(p[0], buf, 1), EAGAIN);
    close(p[0]); close(p[1]);
    CHECK_EQ(mknod("fifo", S_IFIFO | 0600, 0), 0);
    CHECK_EQ(lstat("fifo", &st2), 0);
    CHECK(S_ISFIFO(st2.st_mode));
    CHECK_EQ(mknodat(AT_FDCWD, "fifo2", S_IFIFO | 0644, 0), 0);

    /* inotify and eventfd */
    int in = inotify_init1(IN_NONBLOCK);
    CHECK(in >= 0);
    int wd = inotify_add_watch(in, ".", IN_CREATE);
    CHECK(wd >= 0);
    close(open("watched", O_CREAT | O_WRONLY, 0600));
    char ev[256];
    int n = read(in, ev, sizeof ev);
    CHECK(n >= (int)sizeof(struct inotify_event));
    if (n > 0) {
        struct inotify_event *ie = (struct inotify_event *)ev;
        printf("inotify: mask=%#x name=%s\n", ie->mask, ie->name);
    }
    CHECK_EQ(inotify_rm_watch(in, wd), 0);
    close(in);
    int efd = eventfd(3, EFD_NONBLOCK);
    eventfd_t v;
    CHECK_EQ(eventfd_write(efd, 4), 0);
    CHECK_EQ(eventfd_read(efd, &v), 0);
    printf("eventfd: %llu\n", (unsigned long long)v);
    CHECK_ERR(eventfd_read(efd, &v), EAGAIN);
    close(efd);

    close(dfd);
    close(fd);
    list_dir(".");
    return finish("fs_ops");
}
