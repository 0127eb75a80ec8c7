/* Variadic functions: int/long long/pointer arguments mixed (64-bit values
 * are aligned to even register pairs / 8-byte stack slots in the AAPCS),
 * many arguments spilling to the stack, va_copy, forwarding a va_list to
 * vsnprintf, and a small printf-like formatter of our own. */
#include "selfcheck.h"
#include <stdarg.h>
#include <string.h>

static long long sum_ints(int n, ...)
{
    va_list ap;
    long long s = 0;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        s += va_arg(ap, int);
    va_end(ap);
    return s;
}

/* type string: i = int, L = long long, s = string, c = char (promoted) */
static uint64_t mixed(const char *types, ...)
{
    va_list ap;
    uint64_t h = 1469598103934665603ULL;
    va_start(ap, types);
    for (const char *t = types; *t; t++) {
        uint64_t v = 0;
        switch (*t) {
        case 'i': v = (uint64_t)(int64_t)va_arg(ap, int); break;
        case 'L': v = (uint64_t)va_arg(ap, long long); break;
        case 'c': v = (uint64_t)(unsigned char)va_arg(ap, int); break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            while (*s)
                v = v * 131 + (unsigned char)*s++;
            break;
        }
        }
        h = (h ^ v) * 1099511628211ULL;
    }
    va_end(ap);
    return h;
}
static uint64_t mixed_ref(const uint64_t *vals, int n)
{
    uint64_t h = 1469598103934665603ULL;
    for (int i = 0; i < n; i++)
        h = (h ^ vals[i]) * 1099511628211ULL;
    return h;
}

/* va_copy: walk the same arguments twice */
static int twice(int n, ...)
{
    va_list ap, ap2;
    va_start(ap, n);
    va_copy(ap2, ap);
    int a = 0, b = 0;
    for (int i = 0; i < n; i++)
        a += va_arg(ap, int);
    for (int i = 0; i < n; i++)
        b += va_arg(ap2, int) * (i + 1);
    va_end(ap2);
    va_end(ap);
    return a * 1000 + b;
}

static int fmt(char *buf, size_t size, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    int n = vsnprintf(buf, size, f, ap);
    va_end(ap);
    return n;
}

/* our own minimal formatter: %d %u %x %s %llu %% */
static void my_format(char *out, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    for (; *f; f++) {
        if (*f != '%') {
            *out++ = *f;
            continue;
        }
        f++;
        char tmp[24];
        int n = 0;
        if (*f == 'd') {
            int v = va_arg(ap, int);
            unsigned u = v < 0 ? 0u - (unsigned)v : (unsigned)v;
            do
                tmp[n++] = (char)('0' + u % 10);
            while (u /= 10);
            if (v < 0)
                tmp[n++] = '-';
        } else if (*f == 'u' || *f == 'x') {
            unsigned v = va_arg(ap, unsigned), base = *f == 'u' ? 10 : 16;
            do
                tmp[n++] = "0123456789abcdef"[v % base];
            while (v /= base);
        } else if (*f == 'l') {
            f += 2; /* llu */
            unsigned long long v = va_arg(ap, unsigned long long);
            do
                tmp[n++] = (char)('0' + v % 10);
            while (v /= 10);
        } else if (*f == 's') {
            const char *s = va_arg(ap, const char *);
            while (*s)
                *out++ = *s++;
        } else {
            *out++ = *f;
        }
        while (n)
            *out++ = tmp[--n];
    }
    *out = 0;
    va_end(ap);
}

int main(void)
{
    CHECK_EQ_S(sum_ints(0), 0);
    CHECK_EQ_S(sum_ints(1, 5), 5);
    CHECK_EQ_S(sum_ints(3, 1, 2, 3), 6);
    CHECK_EQ_S(sum_ints(12, 1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -12), -6);
    CHECK_EQ_S(sum_ints(20, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20), 210);

    /* 64-bit values after an odd number of 32-bit words: register pair r2:r3, then stack */
    CHECK_EQ_U(mixed("iLiLcL", 7, 0x123456789abcdef0LL, -1, -1LL, 'x', (long long)0x8000000000000000ULL),
               mixed_ref((uint64_t[]){7, 0x123456789abcdef0ULL, (uint64_t)-1LL, (uint64_t)-1LL, 'x',
                                      0x8000000000000000ULL},
                         6));
    CHECK_EQ_U(mixed("LLLLL", 1LL, 2LL, 3LL, 4LL, 5LL), mixed_ref((uint64_t[]){1, 2, 3, 4, 5}, 5));
    uint64_t abc = 0;
    for (const char *s = "abc"; *s; s++)
        abc = abc * 131 + (unsigned char)*s;
    CHECK_EQ_U(mixed("sicL", "abc", -5, 200, 99LL), mixed_ref((uint64_t[]){abc, (uint64_t)-5LL, 200, 99}, 4));
    printf("mixed hash %016llx\n", (unsigned long long)mixed("iLsiLc", 1, 2LL, "hello", 3, 4LL, 'z'));

    CHECK_EQ_S(twice(4, 10, 20, 30, 40), 100 * 1000 + 300);
    CHECK_EQ_S(twice(9, 1, 1, 1, 1, 1, 1, 1, 1, 1), 9 * 1000 + 45);

    char buf[128];
    int n = fmt(buf, sizeof buf, "%d|%lld|%s|%u|%llx", -42, -1234567890123LL, "str", 4000000000u,
                0xdeadbeefcafeULL);
    CHECK_STR(buf, "-42|-1234567890123|str|4000000000|deadbeefcafe");
    CHECK_EQ_S(n, (int)strlen("-42|-1234567890123|str|4000000000|deadbeefcafe"));
    n = fmt(buf, 8, "%s", "truncate-me");
    CHECK_STR(buf, "truncat");
    CHECK_EQ_S(n, 11);

    my_format(buf, "a=%d b=%u c=%x d=%s e=%llu 100%%", -2147483647 - 1, 4294967295u, 0xbeefu, "ok",
              18446744073709551615ULL);
    CHECK_STR(buf, "a=-2147483648 b=4294967295 c=beef d=ok e=18446744073709551615 100%");
    printf("%s\n", buf);
    return finish("varargs");
}
