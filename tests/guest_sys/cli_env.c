/*
 * For the command-line tests (tests/test_cli.py): what the emulator's options
 * and QEMU_* variables hand the guest.  Prints argc and every argument in
 * full (argv[0] too), then acts on its arguments:
 *
 *   env:NAME   prints NAME=[value] or NAME=(unset)
 *   deep:KiB   recurses until about KiB KiB of stack are in use, then prints
 *              "deep KiB: ok" (without a big enough stack the guest dies by SIGSEGV)
 *   loop:N     runs N iterations of a small loop of a few blocks (no system
 *              calls in it) and prints the result
 *   mmap:ADDR  maps 64 KiB read-write at ADDR (MAP_FIXED), fills it and
 *              prints where it landed
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static unsigned char *deep_start;

static unsigned __attribute__((noinline)) recurse(unsigned long kib)
{
    volatile unsigned char frame[1000];
    frame[0] = (unsigned char)kib;
    frame[999] = 1;
    if ((unsigned long)(deep_start - (unsigned char *)frame) >= kib * 1024)
        return frame[0] + frame[999];
    return recurse(kib) + frame[999];
}

static unsigned __attribute__((noinline)) step(unsigned x, unsigned i)
{
    if (i & 1)
        return x * 33 + i;
    return (x ^ i) + 7;
}

int main(int argc, char **argv)
{
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++)
        printf("argv[%d]=[%s]\n", i, argv[i]);
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "env:", 4) == 0) {
            const char *v = getenv(argv[i] + 4);
            printf("%s=%s%s%s\n", argv[i] + 4, v ? "[" : "", v ? v : "(unset)", v ? "]" : "");
        } else if (strncmp(argv[i], "deep:", 5) == 0) {
            unsigned long kib = strtoul(argv[i] + 5, NULL, 0);
            unsigned char here;
            deep_start = &here;
            fflush(stdout);
            unsigned r = recurse(kib);
            printf("deep %lu: ok (%u)\n", kib, r > 0);
        } else if (strncmp(argv[i], "loop:", 5) == 0) {
            unsigned long n = strtoul(argv[i] + 5, NULL, 0);
            unsigned x = 1;
            for (unsigned long k = 0; k < n; k++)
                x = step(x, (unsigned)k);
            printf("loop %lu: %08x\n", n, x);
        } else if (strncmp(argv[i], "mmap:", 5) == 0) {
            unsigned long addr = strtoul(argv[i] + 5, NULL, 0);
            unsigned char *p = mmap((void *)addr, 65536, PROT_READ | PROT_WRITE,
                                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
            if (p == MAP_FAILED) {
                printf("mmap %#lx: failed\n", addr);
                continue;
            }
            memset(p, 0x5a, 65536);
            printf("mmap %#lx: at %#lx, last byte %#x\n", addr, (unsigned long)p, p[65535]);
        }
    }
    return 0;
}
