/* libc string and memory functions at every alignment: memcpy, memmove
 * (both directions, overlapping), memset, memcmp, memchr, strlen, strcpy,
 * strncpy, strcmp, strncmp, strchr, strrchr, strstr, strcat — source and
 * destination offsets 0..7, lengths 0..67 — each compared with a naive byte
 * loop written with volatile accesses (so the compiler cannot turn the
 * reference back into a libc call). Guard bytes around every destination. */
#include "selfcheck.h"
#include <string.h>

#define MAXLEN 67
#define BUFSZ 160
#define GUARD 0xA5

typedef volatile unsigned char vuc;

static unsigned char src[BUFSZ], dst[BUFSZ], ref[BUFSZ];
static uint32_t digest = 2166136261u;
static void mix(uint32_t v) { digest = (digest ^ v) * 16777619u; }

static void ref_memmove(vuc *d, const vuc *s, size_t n)
{
    if (d < s)
        for (size_t i = 0; i < n; i++)
            d[i] = s[i];
    else
        for (size_t i = n; i-- > 0;)
            d[i] = s[i];
}
static int ref_memcmp_sign(const vuc *a, const vuc *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    return 0;
}
static size_t ref_strlen(const vuc *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}
static int sign(int x) { return (x > 0) - (x < 0); }

static void fill_pattern(unsigned char *b, size_t n, uint32_t seed, int nonzero)
{
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        unsigned char c = (unsigned char)(seed >> 16);
        if (nonzero && c == 0)
            c = 1;
        b[i] = c;
    }
}

static int guards_ok(const unsigned char *b, size_t from, size_t to)
{
    for (size_t i = 0; i < from; i++)
        if (b[i] != GUARD)
            return 0;
    for (size_t i = to; i < BUFSZ; i++)
        if (b[i] != GUARD)
            return 0;
    return 1;
}

int main(void)
{
    int bad = 0;
    for (int so = 0; so < 8; so++) {
        for (int doff = 0; doff < 8; doff++) {
            for (size_t n = 0; n <= MAXLEN; n++) {
                fill_pattern(src, BUFSZ, (uint32_t)(so * 1000 + doff * 100 + (int)n), 0);
                memset(dst, GUARD, BUFSZ);
                unsigned char *r = memcpy(dst + 8 + doff, src + so, n);
                int ok = r == dst + 8 + doff && guards_ok(dst, 8 + (size_t)doff, 8 + (size_t)doff + n) &&
                         ref_memcmp_sign(dst + 8 + doff, src + so, n) == 0;
                if (!ok && bad++ < 10)
                    printf("FAIL memcpy so=%d do=%d n=%zu\n", so, doff, n);
                CHECK(ok);

                /* memset with a value that has the high bit set */
                memset(dst, GUARD, BUFSZ);
                r = memset(dst + 8 + doff, 0x80 + so, n);
                ok = r == dst + 8 + doff && guards_ok(dst, 8 + (size_t)doff, 8 + (size_t)doff + n);
                for (size_t i = 0; i < n; i++)
                    ok &= dst[8 + doff + i] == 0x80 + so;
                CHECK(ok);

                /* memcmp: equal, then differing at every position */
                memcpy(dst + doff, src + so, n);
                CHECK_EQ_S(memcmp(dst + doff, src + so, n), 0);
                if (n) {
                    size_t pos = (n * 7 + (size_t)so) % n;
                    dst[doff + pos] ^= (unsigned char)(1u << (so & 7));
                    int s = sign(memcmp(dst + doff, src + so, n));
                    CHECK_EQ_S(s, ref_memcmp_sign(dst + doff, src + so, n));
                    CHECK(s != 0);
                    mix((uint32_t)s);
                    /* memchr finds the first occurrence */
                    unsigned char want = src[so + pos];
                    unsigned char *m = memchr(src + so, want, n);
                    size_t first = 0;
                    while (src[so + first] != want)
                        first++;
                    CHECK(m == src + so + first);
                }
            }
        }
    }

    /* memmove with overlap in both directions */
    for (int a = 0; a < 8; a++) {
        for (int b = 0; b < 24; b++) {
            for (size_t n = 0; n <= MAXLEN; n += 1) {
                fill_pattern(dst, BUFSZ, (uint32_t)(a * 31 + b * 7 + (int)n), 0);
                memcpy(ref, dst, BUFSZ);
                size_t s = 16 + (size_t)a, d = 16 + (size_t)b;
                memmove(dst + d, dst + s, n);
                ref_memmove(ref + d, ref + s, n);
                CHECK_EQ_S(ref_memcmp_sign(dst, ref, BUFSZ), 0);
                mix(dst[d + n / 2]);
            }
        }
    }

    /* string functions: strings of length 0..67 at offsets 0..7 */
    char *s1 = (char *)src, *s2 = (char *)dst;
    for (int so = 0; so < 8; so++) {
        for (int doff = 0; doff < 8; doff++) {
            for (size_t n = 0; n <= MAXLEN; n++) {
                memset(src, GUARD, BUFSZ);
                fill_pattern(src + so, n, (uint32_t)(n * 13 + (size_t)so), 1);
                src[so + n] = 0;
                CHECK_EQ_U(strlen(s1 + so), n);
                CHECK_EQ_U(strlen(s1 + so), ref_strlen(src + so));

                memset(dst, GUARD, BUFSZ);
                char *r = strcpy(s2 + 8 + doff, s1 + so);
                CHECK(r == s2 + 8 + doff);
                CHECK(guards_ok(dst, 8 + (size_t)doff, 8 + (size_t)doff + n + 1));
                CHECK_EQ_S(ref_memcmp_sign(dst + 8 + doff, src + so, n + 1), 0);
                CHECK_EQ_S(strcmp(s2 + 8 + doff, s1 + so), 0);
                if (n) {
                    size_t pos = (n * 5 + (size_t)doff) % n;
                    unsigned char old = dst[8 + doff + pos];
                    dst[8 + doff + pos] = (unsigned char)(old == 0xff ? 0x01 : old + 1);
                    int bigger = old != 0xff; /* 0xff wraps to 0x01 */
                    CHECK_EQ_S(sign(strcmp(s2 + 8 + doff, s1 + so)), bigger ? 1 : -1);
                    CHECK_EQ_S(sign(strcmp(s1 + so, s2 + 8 + doff)), bigger ? -1 : 1);
                    CHECK_EQ_S(strncmp(s2 + 8 + doff, s1 + so, pos), 0);
                    CHECK(strncmp(s2 + 8 + doff, s1 + so, pos + 1) != 0);
                    dst[8 + doff + pos] = old;
                    /* prefix compare: shorter string sorts first */
                    dst[8 + doff + n - 1] = 0;
                    CHECK_EQ_S(sign(strcmp(s2 + 8 + doff, s1 + so)), -1);

                    /* strchr/strrchr for a byte in the string, and for the terminator */
                    unsigned char c = src[so + pos];
                    size_t first = n, last = 0;
                    for (size_t i = 0; i < n; i++)
                        if (((vuc *)src)[so + i] == c) {
                            if (first == n)
                                first = i;
                            last = i;
                        }
                    CHECK(strchr(s1 + so, c) == s1 + so + first);
                    CHECK(strrchr(s1 + so, c) == s1 + so + last);
                    mix((uint32_t)(first * 100 + last));
                }
                CHECK(strchr(s1 + so, 0) == s1 + so + n);
                CHECK(strrchr(s1 + so, 0) == s1 + so + n);

                /* strncpy pads with zeros */
                memset(dst, GUARD, BUFSZ);
                strncpy(s2 + doff, s1 + so, n + 5);
                CHECK_EQ_S(ref_memcmp_sign(dst + doff, src + so, n), 0);
                for (size_t i = n; i < n + 5; i++)
                    CHECK_EQ_U(dst[doff + i], 0);
                CHECK_EQ_U(dst[doff + n + 5], GUARD);
            }
        }
    }

    /* strstr/strcat */
    const char *hay = "the quick brown fox jumps over the lazy dog; the end";
    for (int off = 0; off < 8; off++) {
        char buf[80];
        strcpy(buf + off, hay);
        CHECK(strstr(buf + off, "the") == buf + off);
        CHECK(strstr(buf + off, "lazy") == buf + off + 35);
        CHECK(strstr(buf + off, "the end") == buf + off + 45);
        CHECK(strstr(buf + off, "") == buf + off);
        CHECK(strstr(buf + off, "cat") == NULL);
        CHECK(strstr(buf + off, "dog; thx") == NULL);
    }
    char cat[64] = "abc";
    strcat(cat, "");
    strcat(cat, "defgh");
    strcat(cat, "ijklmnopqrstuvwxyz");
    CHECK_STR(cat, "abcdefghijklmnopqrstuvwxyz");
    CHECK_EQ_U(strlen(cat), 26);

    printf("strings digest %08x\n", digest);
    return finish("strings");
}
