/* glibc's NEON string routines: with HWCAP_NEON in AT_HWCAP, glibc armhf's
 * ifunc resolvers pick __memcpy_neon (VLD1/VST1 with alignment hints, PLD)
 * and __memchr_neon (VCEQ, VPADD, byte masks) instead of the VFP/ARM ones.
 * memcpy and memchr are checked against plain byte loops for every length
 * up to 300 (and a few big ones) and every source/destination misalignment
 * modulo 16, next to mapped-page ends; strlen/strchr/memmove/memset/memcmp/
 * strcmp ride along.  Prints per-routine checksums and "ok" lines; the
 * output must match qemu-arm's, and the program checks itself (exit 1). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>

#define BIG 70000
static unsigned char *src, *dst, *ref;
static uint32_t rng = 99;
static uint32_t next(void) { rng = rng * 1103515245u + 12345u; return rng >> 8; }
static int failures;

/* byte loops the compiler may not turn into library calls */
static void ref_copy(unsigned char *d, const unsigned char *s, size_t n)
{
    volatile unsigned char *vd = d;
    for (size_t i = 0; i < n; i++)
        vd[i] = s[i];
}

static const void *ref_chr(const unsigned char *s, int c, size_t n)
{
    volatile const unsigned char *vs = s;
    for (size_t i = 0; i < n; i++)
        if (vs[i] == (unsigned char)c)
            return s + i;
    return NULL;
}

static uint32_t hash(const unsigned char *p, size_t n, uint32_t h)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

static void check(int ok, const char *what, size_t n, int a, int b)
{
    if (!ok && failures++ < 10)
        printf("FAIL %s n=%zu align %d/%d\n", what, n, a, b);
}

static void test_memcpy(void)
{
    uint32_t h = 2166136261u;
    static const size_t bigs[] = { 511, 512, 513, 1024, 4095, 4096, 4097, 65536, BIG - 32 };
    for (size_t n = 0; n <= 300 + 9; n++) {
        size_t len = n <= 300 ? n : bigs[n - 301];
        for (int sa = 0; sa < 16; sa++)
            for (int da = 0; da < 16; da += (len > 300 ? 5 : 1)) {
                memset(dst, 0xEE, len + 64);
                memset(ref, 0xEE, len + 64);
                void *r = memcpy(dst + 16 + da, src + sa, len);
                ref_copy(ref + 16 + da, src + sa, len);
                check(r == dst + 16 + da && memcmp(dst, ref, len + 64) == 0, "memcpy", len, sa, da);
                h = hash(dst + 16 + da, len < 64 ? len : 64, h);
            }
    }
    printf("memcpy %08x\n", h);
}

static void test_memmove(void)
{
    uint32_t h = 2166136261u;
    for (size_t n = 0; n <= 200; n += 3)
        for (int off = -20; off <= 20; off += 3) {
            memcpy(dst, src, 400);
            memcpy(ref, src, 400);
            memmove(dst + 100 + off, dst + 100, n);
            for (size_t i = 0; i < n; i++)                /* through a temporary: exact */
                ref[300 + i] = ref[100 + i];
            ref_copy(ref + 100 + off, ref + 300, n);
            check(memcmp(dst, ref, 300) == 0, "memmove", n, off, 0);
            h = hash(dst, 300, h);
        }
    printf("memmove %08x\n", h);
}

static void test_memchr(void)
{
    uint32_t h = 2166136261u;
    unsigned char *buf = dst;
    for (size_t n = 0; n <= 200; n++)
        for (int a = 0; a < 16; a++) {
            unsigned char *p = buf + 32 + a;
            for (size_t i = 0; i < n + 40; i++)
                buf[32 + a + i] = (unsigned char)(1 + next() % 200);   /* no zero, no 0xFF */
            int c = 0xFF;
            if (n && (next() & 3)) {
                size_t pos = next() % n;
                p[pos] = 0xFF;
                if (next() & 1 && pos + 1 < n)
                    p[pos + 1 + next() % (n - pos - 1)] = 0xFF;
            }
            p[n] = 0xFF;                                  /* just past the end: not found */
            const void *r = memchr(p, c, n), *e = ref_chr(p, c, n);
            check(r == e, "memchr", n, a, 0);
            h = (h ^ (uint32_t)(r ? (const unsigned char *)r - p : 0xFFFF)) * 16777619u;
            p[n] = 0;
            const char *s = strchr((char *)p, 0xFF);
            check(s == e, "strchr", n, a, 0);
            check(strlen((char *)p) == n, "strlen", n, a, 0);
        }
    printf("memchr %08x\n", h);
}

/* memchr and memcpy ending exactly at the end of a mapping: no overread that faults */
static void test_page_end(void)
{
    long pg = 4096;
    unsigned char *m = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) { puts("mmap failed"); exit(2); }
    munmap(m + pg, pg);
    memset(m, 'x', pg);
    uint32_t h = 2166136261u;
    for (size_t n = 0; n <= 100; n++) {
        unsigned char *p = m + pg - n;
        const void *r = memchr(p, 'y', n);
        check(r == NULL, "memchr page end", n, 0, 0);
        if (n) {
            p[n - 1] = 'y';
            r = memchr(p, 'y', n);
            check(r == p + n - 1, "memchr page end hit", n, 0, 0);
            p[n - 1] = 'x';
        }
        memcpy(dst, p, n);
        memcpy(p, src + (n & 15), n);
        h = hash(p, n, h);
        memset(p, 'x', n);
    }
    printf("page end %08x\n", h);
    munmap(m, pg);
}

static void test_misc(void)
{
    uint32_t h = 2166136261u;
    for (size_t n = 0; n < 150; n++)
        for (int a = 0; a < 8; a++) {
            memset(dst + a, (int)n, n);
            h = hash(dst + a, n, h);
            memcpy(ref, dst + a, n);
            int c = memcmp(ref, dst + a, n);
            if (n) {
                ref[next() % n] ^= 0x80;
                c = c * 3 + (memcmp(ref, dst + a, n) > 0) - (memcmp(ref, dst + a, n) < 0);
            }
            h = (h ^ (uint32_t)c) * 16777619u;
            for (size_t i = 0; i < n; i++)
                ref[i] = (unsigned char)('a' + next() % 26);
            ref[n] = 0;
            memcpy(dst + 200 + a, ref, n + 1);
            check(strcmp((char *)ref, (char *)dst + 200 + a) == 0, "strcmp", n, a, 0);
            check(strlen((char *)dst + 200 + a) == n, "strlen2", n, a, 0);
        }
    printf("misc %08x\n", h);
}

int main(void)
{
    src = malloc(BIG + 64);
    dst = malloc(BIG + 128);
    ref = malloc(BIG + 128);
    for (int i = 0; i < BIG + 64; i++)
        src[i] = (unsigned char)next();
    printf("hwcap neon %d\n", !!(getauxval(AT_HWCAP) & HWCAP_ARM_NEON));
    test_memcpy();
    test_memmove();
    test_memchr();
    test_page_end();
    test_misc();
    printf("%s: %d failures\n", failures ? "FAILED" : "ok", failures);
    return failures != 0;
}
