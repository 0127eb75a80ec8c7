/* Sockets and I/O multiplexing: an AF_UNIX pair passing a file descriptor
 * with SCM_RIGHTS (and credentials with SCM_CREDENTIALS), datagrams with
 * sendmmsg/recvmmsg over IPv6 loopback, socket options (including the
 * timeval ones), poll/ppoll/select/pselect/epoll, FIONREAD/FIONBIO, and the
 * terminal ioctls on a pseudo-terminal. */
#define _GNU_SOURCE
#include "check.h"
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static void scm_rights(void)
{
    int sv[2];
    CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    int p[2];
    CHECK_EQ(pipe(p), 0);
    CHECK_EQ(write(p[1], "through the fd", 14), 14);
    char data = 'F';
    struct iovec iov = {&data, 1};
    union { char buf[CMSG_SPACE(2 * sizeof(int))]; struct cmsghdr align; } u;
    memset(&u, 0, sizeof u);
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
                         .msg_controllen = sizeof u.buf};
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(2 * sizeof(int));
    int fds[2] = {p[0], p[1]};
    memcpy(CMSG_DATA(cm), fds, sizeof fds);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        /* the receiver: another process, so the descriptors really travel */
        close(sv[0]);
        close(p[0]);
        close(p[1]);
        char d;
        struct iovec riov = {&d, 1};
        union { char buf[CMSG_SPACE(2 * sizeof(int))]; struct cmsghdr align; } ru;
        struct msghdr rm = {.msg_iov = &riov, .msg_iovlen = 1, .msg_control = ru.buf,
                            .msg_controllen = sizeof ru.buf};
        ssize_t n = recvmsg(sv[1], &rm, MSG_CMSG_CLOEXEC);
        struct cmsghdr *rc = CMSG_FIRSTHDR(&rm);
        int got[2] = {-1, -1};
        if (rc && rc->cmsg_type == SCM_RIGHTS)
            memcpy(got, CMSG_DATA(rc), sizeof got);
        char buf[32] = {0};
        ssize_t k = read(got[0], buf, sizeof buf - 1);
        printf("child: recvmsg %zd byte '%c', cmsg len %u, %zd bytes via fd: %s, cloexec %d\n",
               n, d, rc ? (unsigned)rc->cmsg_len : 0, k, buf, fcntl(got[0], F_GETFD));
        _exit(n == 1 && k == 14 ? 0 : 1);
    }
    close(sv[1]);
    CHECK_EQ(sendmsg(sv[0], &msg, 0), 1);
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK_EQ(WEXITSTATUS(st), 0);
    close(sv[0]);
    close(p[0]);
    close(p[1]);

    /* credentials, and a truncated control buffer */
    CHECK_EQ(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
    int on = 1;
    CHECK_EQ(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on), 0);
    CHECK_EQ(send(sv[0], "c", 1, 0), 1);
    union { char buf[CMSG_SPACE(sizeof(struct ucred))]; struct cmsghdr align; } cu;
    char d;
    struct iovec riov = {&d, 1};
    struct msghdr rm = {.msg_iov = &riov, .msg_iovlen = 1, .msg_control = cu.buf,
                        .msg_controllen = sizeof cu.buf};
    CHECK_EQ(recvmsg(sv[1], &rm, 0), 1);
    struct cmsghdr *c = CMSG_FIRSTHDR(&rm);
    CHECK(c && c->cmsg_type == SCM_CREDENTIALS);
    if (c) {
        struct ucred uc;
        memcpy(&uc, CMSG_DATA(c), sizeof uc);
        printf("SCM_CREDENTIALS: pid ok %d uid ok %d\n", uc.pid == getpid(), uc.uid == getuid());
    }
    CHECK_EQ(send(sv[0], "t", 1, 0), 1);
    rm.msg_controllen = sizeof(struct cmsghdr);     /* too small for the payload */
    CHECK_EQ(recvmsg(sv[1], &rm, 0), 1);
    printf("truncated control: MSG_CTRUNC %d\n", !!(rm.msg_flags & MSG_CTRUNC));
    close(sv[0]);
    close(sv[1]);
}

static void datagrams_v6(void)
{
    int a = socket(AF_INET6, SOCK_DGRAM, 0), b = socket(AF_INET6, SOCK_DGRAM, 0);
    CHECK(a >= 0 && b >= 0);
    struct sockaddr_in6 sa = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    if (bind(b, (struct sockaddr *)&sa, sizeof sa) != 0) {
        printf("no IPv6 loopback\n");
        return;
    }
    socklen_t len = sizeof sa;
    CHECK_EQ(getsockname(b, (struct sockaddr *)&sa, &len), 0);
    CHECK_EQ(connect(a, (struct sockaddr *)&sa, sizeof sa), 0);
    struct mmsghdr out[3];
    struct iovec oiov[3];
    char *words[3] = {"one", "three", "seven"};
    memset(out, 0, sizeof out);
    for (int i = 0; i < 3; i++) {
        oiov[i].iov_base = words[i];
        oiov[i].iov_len = strlen(words[i]);
        out[i].msg_hdr.msg_iov = &oiov[i];
        out[i].msg_hdr.msg_iovlen = 1;
    }
    CHECK_EQ(sendmmsg(a, out, 3, 0), 3);
    CHECK_EQ(out[2].msg_len, 5);
    struct mmsghdr in[3];
    struct iovec iiov[3];
    char bufs[3][16];
    struct sockaddr_in6 from[3];
    memset(in, 0, sizeof in);
    for (int i = 0; i < 3; i++) {
        iiov[i].iov_base = bufs[i];
        iiov[i].iov_len = sizeof bufs[i];
        in[i].msg_hdr.msg_iov = &iiov[i];
        in[i].msg_hdr.msg_iovlen = 1;
        in[i].msg_hdr.msg_name = &from[i];
        in[i].msg_hdr.msg_namelen = sizeof from[i];
    }
    struct timespec to = {2, 0};
    CHECK_EQ(recvmmsg(b, in, 3, MSG_WAITFORONE, &to), 3);
    printf("recvmmsg:");
    for (int i = 0; i < 3; i++)
        printf(" %.*s(%u)", (int)in[i].msg_len, bufs[i], in[i].msg_len);
    printf(" namelen %u family %d\n", in[0].msg_hdr.msg_namelen, from[0].sin6_family);
    close(a);
    close(b);
}

static void options(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int v = 0;
    socklen_t len = sizeof v;
    CHECK_EQ(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len), 0);
    printf("SO_TYPE %d len %u\n", v, len);
    struct timeval tv = {3, 250000}, got = {0, 0};
    CHECK_EQ(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), 0);
    len = sizeof got;
    CHECK_EQ(getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &got, &len), 0);
    printf("SO_RCVTIMEO %ld.%06ld len %u\n", (long)got.tv_sec, (long)got.tv_usec, len);
    struct linger lg = {1, 7};
    CHECK_EQ(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg), 0);
    len = sizeof lg;
    CHECK_EQ(getsockopt(s, SOL_SOCKET, SO_LINGER, &lg, &len), 0);
    printf("SO_LINGER %d %d\n", lg.l_onoff, lg.l_linger);
    CHECK_ERR(getsockopt(s, SOL_SOCKET, SO_TYPE, (void *)16, &len), EFAULT);
    CHECK_ERR(bind(s, (struct sockaddr *)16, 16), EFAULT);
    close(s);
}

static void multiplexing(void)
{
    int p[2];
    CHECK_EQ(pipe(p), 0);
    struct pollfd pf[2] = {{p[0], POLLIN, 0}, {p[1], POLLOUT, 0}};
    CHECK_EQ(poll(pf, 2, 0), 1);
    printf("poll: read %#x write %#x\n", pf[0].revents, pf[1].revents);
    CHECK_EQ(write(p[1], "ab", 2), 2);
    struct timespec ts = {1, 0};
    CHECK_EQ(ppoll(pf, 1, &ts, NULL), 1);
    int avail = -1;
    CHECK_EQ(ioctl(p[0], FIONREAD, &avail), 0);
    printf("FIONREAD %d\n", avail);
    fd_set rd, wr;
    FD_ZERO(&rd);
    FD_ZERO(&wr);
    FD_SET(p[0], &rd);
    FD_SET(p[1], &wr);
    struct timeval tv = {1, 0};
    CHECK_EQ(select(p[1] + 1, &rd, &wr, NULL, &tv), 2);
    printf("select: %d %d\n", FD_ISSET(p[0], &rd), FD_ISSET(p[1], &wr));
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    char c[2];
    CHECK_EQ(read(p[0], c, 2), 2);
    struct timespec z = {0, 1000000};
    CHECK_EQ(pselect(p[0] + 1, &rd, NULL, NULL, &z, NULL), 0);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    CHECK(ep >= 0);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0x1122334455667788ULL};
    CHECK_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), 0);
    struct epoll_event evs[4];
    CHECK_EQ(epoll_wait(ep, evs, 4, 0), 0);
    CHECK_EQ(write(p[1], "x", 1), 1);
    CHECK_EQ(epoll_wait(ep, evs, 4, 1000), 1);
    printf("epoll: events %#x data %#llx\n", evs[0].events, (unsigned long long)evs[0].data.u64);
    ev.events = EPOLLIN | EPOLLET;
    ev.data.u64 = 42;
    CHECK_EQ(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev), 0);
    CHECK_EQ(epoll_pwait(ep, evs, 4, 1000, NULL), 1);
    CHECK_EQ(evs[0].data.u64, 42);
    CHECK_EQ(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), 0);
    CHECK_ERR(epoll_wait(ep, evs, 0, 0), EINVAL);
    int on = 1;
    CHECK_EQ(ioctl(p[0], FIONBIO, &on), 0);
    CHECK_EQ(read(p[0], c, 1), 1);
    CHECK_ERR(read(p[0], c, 1), EAGAIN);
    close(ep);
    close(p[0]);
    close(p[1]);
}

static void terminal(void)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    if (m < 0) {
        printf("no ptys\n");
        return;
    }
    CHECK_EQ(grantpt(m), 0);
    CHECK_EQ(unlockpt(m), 0);
    char *name = ptsname(m);
    CHECK(name != NULL && strncmp(name, "/dev/pts/", 9) == 0);
    int s = open(name, O_RDWR | O_NOCTTY);
    CHECK(s >= 0);
    CHECK_EQ(isatty(s), 1);
    struct termios t;
    CHECK_EQ(tcgetattr(s, &t), 0);
    cfmakeraw(&t);
    CHECK_EQ(tcsetattr(s, TCSANOW, &t), 0);
    struct termios t2;
    CHECK_EQ(tcgetattr(s, &t2), 0);
    printf("raw mode: icanon %d echo %d\n", !!(t2.c_lflag & ICANON), !!(t2.c_lflag & ECHO));
    CHECK_EQ(tcsetattr(s, TCSADRAIN, &t), 0);
    CHECK_EQ(tcsetattr(s, TCSAFLUSH, &t), 0);
    struct winsize ws = {30, 100, 0, 0}, ws2;
    CHECK_EQ(ioctl(s, TIOCSWINSZ, &ws), 0);
    CHECK_EQ(ioctl(m, TIOCGWINSZ, &ws2), 0);
    printf("winsize %dx%d\n", ws2.ws_row, ws2.ws_col);
    pid_t pg;
    CHECK_ERR(ioctl(s, TIOCGPGRP, &pg), ENOTTY);     /* not our controlling terminal */
    CHECK_EQ(write(m, "hi", 2), 2);
    int avail = 0;
    usleep(10000);
    CHECK_EQ(ioctl(s, FIONREAD, &avail), 0);
    printf("pty FIONREAD %d\n", avail);
    close(s);
    close(m);
    CHECK_ERR(tcgetattr(0 + 1000, &t), EBADF);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    scm_rights();
    datagrams_v6();
    options();
    multiplexing();
    terminal();
    return finish("net_ops");
}
