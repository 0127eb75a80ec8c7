/* /proc as the guest sees it: /proc/self/exe (readlink, open, stat),
 * /proc/self/cmdline, /proc/self/maps (our own code, stack, a fresh
 * mapping), /proc/self/auxv (AT_PAGESZ, AT_HWCAP as getauxval says),
 * /proc/self/stat (our name), /proc/cpuinfo (an ARMv7 CPU).
 * Prints facts, never addresses. */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static char big[1 << 16];

static ssize_t slurp(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t n = 0, k;
    while ((k = read(fd, big + n, sizeof big - 1 - n)) > 0)
        n += k;
    big[n] = 0;
    close(fd);
    return n;
}

int main(int argc, char **argv)
{
    (void)argc;
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    CHECK(n > 0);
    exe[n > 0 ? n : 0] = 0;
    const char *base = strrchr(exe, '/');
    printf("exe basename: %s\n", base ? base + 1 : exe);
    struct stat a, b;
    CHECK_EQ(stat("/proc/self/exe", &a), 0);
    CHECK_EQ(stat(exe, &b), 0);
    CHECK_EQ(a.st_ino, b.st_ino);
    int fd = open("/proc/self/exe", O_RDONLY);
    char magic[5] = {0};
    CHECK_EQ(read(fd, magic, 4), 4);
    CHECK_EQ(fstat(fd, &a), 0);
    CHECK_EQ(a.st_ino, b.st_ino);
    close(fd);
    printf("exe is ELF: %d\n", memcmp(magic, "\177ELF", 4) == 0);

    n = slurp("/proc/self/cmdline");
    printf("cmdline:");
    for (ssize_t i = 0; i < n; i += strlen(big + i) + 1)
        printf(" [%s]", i == 0 ? (strrchr(big, '/') ? strrchr(big, '/') + 1 : big) : big + i);
    printf("\n");

    void *m = mmap(NULL, 3 * 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char want[64];
    snprintf(want, sizeof want, "%08lx-%08lx r--p", (unsigned long)m, (unsigned long)m + 3 * 4096);
    n = slurp("/proc/self/maps");
    CHECK(n > 0);
    char code[32];
    snprintf(code, sizeof code, "%08lx", (unsigned long)(uintptr_t)&main);
    int saw_exe = 0, saw_stack = 0, saw_map = 0, saw_code = 0, lines = 0;
    for (char *line = strtok(big, "\n"); line; line = strtok(NULL, "\n")) {
        lines++;
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && lo <= (uintptr_t)&main &&
            (uintptr_t)&main < hi && strstr(line, "r-xp") && strstr(line, exe))
            saw_code = 1;
        if (strstr(line, exe))
            saw_exe = 1;
        if (strstr(line, "[stack]") && strstr(line, "rw-p"))
            saw_stack = 1;
        if (strncmp(line, want, strlen(want)) == 0)
            saw_map = 1;
    }
    (void)code;
    printf("maps: exe %d code %d stack %d new mapping %d\n", saw_exe, saw_code, saw_stack, saw_map);

    n = slurp("/proc/self/auxv");
    CHECK(n > 0 && n % 8 == 0);
    unsigned long pagesz = 0, hwcap = 0, at_null = 0;
    for (uint32_t *v = (uint32_t *)big; (char *)v < big + n; v += 2) {
        if (v[0] == AT_PAGESZ)
            pagesz = v[1];
        if (v[0] == AT_HWCAP)
            hwcap = v[1];
        if (v[0] == AT_NULL)
            at_null = 1;
    }
    printf("auxv: pagesz %lu hwcap matches getauxval %d AT_NULL %lu\n", pagesz,
           hwcap == getauxval(AT_HWCAP), at_null);

    n = slurp("/proc/self/stat");
    char comm[64] = "";
    int pid = 0;
    CHECK(sscanf(big, "%d (%63[^)])", &pid, comm) == 2);
    printf("stat: pid ok %d comm %s\n", pid == getpid(), comm);

    n = slurp("/proc/cpuinfo");
    printf("cpuinfo: ARMv7 %d features %d\n", strstr(big, "ARMv7") != NULL,
           strstr(big, "Features") != NULL);
    CHECK(strstr(big, "CPU architecture: 7") != NULL);
    (void)argv;
    return finish("procfs");
}
