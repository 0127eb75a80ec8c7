/* A TCP echo server and client on 127.0.0.1, for running as two separate
 * guest processes:
 *
 *   tcp_echo server PORTFILE   listen on an ephemeral port, write the port
 *                              number to PORTFILE, echo one connection's
 *                              data back until it closes, print a summary
 *   tcp_echo client PORT N     connect, send N lines, read the echoes back
 */
#define _GNU_SOURCE
#include "check.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static int server(const char *portfile)
{
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    CHECK(s >= 0);
    int one = 1;
    CHECK_EQ(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one), 0);
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    CHECK_EQ(bind(s, (struct sockaddr *)&sin, sizeof sin), 0);
    CHECK_EQ(listen(s, 4), 0);
    socklen_t len = sizeof sin;
    CHECK_EQ(getsockname(s, (struct sockaddr *)&sin, &len), 0);
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", portfile);
    FILE *f = fopen(tmp, "w");
    fprintf(f, "%d\n", ntohs(sin.sin_port));
    fclose(f);
    rename(tmp, portfile);
    struct sockaddr_in peer;
    len = sizeof peer;
    int c = accept4(s, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC);
    CHECK(c >= 0);
    printf("server: peer %s\n", inet_ntoa(peer.sin_addr));
    long total = 0;
    char buf[1024];
    ssize_t n;
    while ((n = recv(c, buf, sizeof buf, 0)) > 0) {
        total += n;
        CHECK_EQ(send(c, buf, n, 0), n);
    }
    CHECK_EQ(n, 0);
    printf("server: echoed %ld bytes\n", total);
    close(c);
    close(s);
    return finish("tcp_echo server");
}

static int client(int port, int lines)
{
    int s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    CHECK(s >= 0);
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
    CHECK_EQ(connect(s, (struct sockaddr *)&sin, sizeof sin), 0);
    int one = 1;
    CHECK_EQ(setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one), 0);
    struct sockaddr_in peer;
    socklen_t len = sizeof peer;
    CHECK_EQ(getpeername(s, (struct sockaddr *)&peer, &len), 0);
    CHECK_EQ(ntohs(peer.sin_port), port);
    long got = 0;
    for (int i = 0; i < lines; i++) {
        char line[64], back[64];
        int n = snprintf(line, sizeof line, "line %d of %d\n", i + 1, lines);
        CHECK_EQ(sendto(s, line, n, 0, NULL, 0), n);
        int r = 0;
        while (r < n) {
            ssize_t k = recvfrom(s, back + r, n - r, 0, NULL, NULL);
            if (k <= 0)
                break;
            r += k;
        }
        CHECK(r == n && memcmp(line, back, n) == 0);
        got += r;
    }
    CHECK_EQ(shutdown(s, SHUT_WR), 0);
    char extra;
    CHECK_EQ(recv(s, &extra, 1, 0), 0);
    printf("client: %d lines, %ld bytes echoed\n", lines, got);
    close(s);
    return finish("tcp_echo client");
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc == 3 && strcmp(argv[1], "server") == 0)
        return server(argv[2]);
    if (argc == 4 && strcmp(argv[1], "client") == 0)
        return client(atoi(argv[2]), atoi(argv[3]));
    printf("usage: tcp_echo server PORTFILE | client PORT N\n");
    return 2;
}
