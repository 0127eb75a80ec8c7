/* String work for the pyqemu benchmark: memcpy, memmove, memset, strlen,
 * strcmp, strchr and strcpy of various lengths and alignments (glibc's tuned
 * ARM routines: NEON-free ldm/stm and word loops).  Usage: strings [rounds]
 * Prints a checksum. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUF (1 << 16)

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 1600;
    char *a = malloc(BUF + 64), *b = malloc(BUF + 64);
    uint32_t sum = 0, x = 12345;
    for (int i = 0; i < BUF; i++) {
        x = x * 1103515245u + 12345u;
        a[i] = (char)('a' + (x >> 16) % 26);
    }
    a[BUF] = 0;
    for (int r = 0; r < rounds; r++) {
        for (int len = 1; len < 4096; len = len * 3 / 2 + 1) {
            for (int off = 0; off < 4; off++) {
                memcpy(b + off, a + r % 61 + off, (size_t)len);
                b[off + len] = 0;
                sum += (uint32_t)strlen(b + off);
                sum += (uint32_t)(strcmp(b + off, a + r % 61 + off) < 0);
                char *p = strchr(b + off, 'q');
                sum += p ? (uint32_t)(p - b) : 7u;
            }
        }
        memmove(b + 1, b, BUF / 2);
        memset(b + BUF / 2, r & 0xFF, BUF / 4);
        strcpy(b, a + (r * 7) % 1000);
        sum = sum * 31 + (uint32_t)strlen(b) + (uint8_t)b[BUF / 2 + r % 100];
    }
    printf("strings checksum %08x\n", sum);
    free(a);
    free(b);
    return 0;
}
