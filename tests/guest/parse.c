/* Number parsing: strtol/strtoul/strtoll/strtoull with bases 0, 2, 8, 10,
 * 16, 36, end pointers, overflow with errno == ERANGE, atoi/atol/atoll, and
 * sscanf with integer, string, character, scanset and %n conversions. */
#include "selfcheck.h"
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static void check_strtol(const char *s, int base, long want, int want_end, int want_errno, int line)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, base);
    int e = errno;
    sc_checks++;
    if (v != want || end - s != want_end || e != want_errno) {
        sc_failures++;
        printf("FAIL line %d: strtol(\"%s\", %d) = %ld end=%d errno=%d; want %ld end=%d errno=%d\n", line, s,
               base, v, (int)(end - s), e, want, want_end, want_errno);
    }
}
#define STRTOL(s, b, w, end, err) check_strtol(s, b, w, end, err, __LINE__)

int main(void)
{
    STRTOL("0", 10, 0, 1, 0);
    STRTOL("12345", 10, 12345, 5, 0);
    STRTOL("  -12345xyz", 10, -12345, 8, 0);
    STRTOL("+77", 8, 63, 3, 0);
    STRTOL("0x1F", 16, 31, 4, 0);
    STRTOL("0x1F", 0, 31, 4, 0);
    STRTOL("017", 0, 15, 3, 0);
    STRTOL("17", 0, 17, 2, 0);
    STRTOL("101101", 2, 45, 6, 0);
    STRTOL("zz", 36, 1295, 2, 0);
    STRTOL("Zz", 36, 1295, 2, 0);
    STRTOL("2147483647", 10, LONG_MAX, 10, 0);
    STRTOL("2147483648", 10, LONG_MAX, 10, ERANGE);
    STRTOL("-2147483648", 10, LONG_MIN, 11, 0);
    STRTOL("-2147483649", 10, LONG_MIN, 11, ERANGE);
    STRTOL("99999999999999999999", 10, LONG_MAX, 20, ERANGE);
    STRTOL("abc", 10, 0, 0, 0);
    STRTOL("", 10, 0, 0, 0);
    STRTOL("   ", 10, 0, 0, 0);
    STRTOL("0x", 16, 0, 1, 0); /* "0" parsed, the x is not part of the number */
    STRTOL("12 34", 10, 12, 2, 0);

    char *end;
    errno = 0;
    CHECK_EQ_U(strtoul("4294967295", &end, 10), 4294967295UL);
    CHECK_EQ_S(errno, 0);
    CHECK_EQ_U(strtoul("4294967296", &end, 10), ULONG_MAX);
    CHECK_EQ_S(errno, ERANGE);
    errno = 0;
    CHECK_EQ_U(strtoul("-1", &end, 10), ULONG_MAX); /* negation of 1 */
    CHECK_EQ_S(errno, 0);
    CHECK_EQ_U(strtoul("ffffFFFF", &end, 16), 0xffffffffUL);
    CHECK_EQ_S(strtoll("-9223372036854775808", &end, 10), LLONG_MIN);
    CHECK_EQ_S(*end, 0);
    errno = 0;
    CHECK_EQ_S(strtoll("9223372036854775808", &end, 10), LLONG_MAX);
    CHECK_EQ_S(errno, ERANGE);
    errno = 0;
    CHECK_EQ_U(strtoull("18446744073709551615", &end, 10), ULLONG_MAX);
    CHECK_EQ_S(errno, 0);
    CHECK_EQ_U(strtoull("0x123456789abcdef0", &end, 0), 0x123456789abcdef0ULL);
    CHECK_EQ_U(strtoull("1777777777777777777777", &end, 8), ULLONG_MAX);
    CHECK_EQ_S(strtoll("  +42rest", &end, 10), 42);
    CHECK_STR(end, "rest");

    CHECK_EQ_S(atoi("  -17abc"), -17);
    CHECK_EQ_S(atoi("0"), 0);
    CHECK_EQ_S(atoi("+2147483647"), INT_MAX);
    CHECK_EQ_S(atol("-2147483648"), LONG_MIN);
    CHECK_EQ_S(atoll("-123456789012345"), -123456789012345LL);
    CHECK_EQ_S(atoi("x1"), 0);

    /* sscanf */
    int a = 0, b = 0, n = 0;
    unsigned u = 0;
    long long ll = 0;
    char word[32] = "", rest[32] = "";
    char c = 0;
    int got = sscanf("  12 -34 0xff word! tail", "%d %i %x %31s %31s", &a, &b, &u, word, rest);
    CHECK_EQ_S(got, 5);
    CHECK_EQ_S(a, 12);
    CHECK_EQ_S(b, -34);
    CHECK_EQ_U(u, 255);
    CHECK_STR(word, "word!");
    CHECK_STR(rest, "tail");
    got = sscanf("key=value;", "%31[^=]=%31[^;]%c%n", word, rest, &c, &n);
    CHECK_EQ_S(got, 3);
    CHECK_STR(word, "key");
    CHECK_STR(rest, "value");
    CHECK_EQ_S(c, ';');
    CHECK_EQ_S(n, 10);
    got = sscanf("-9000000000 077 0x10", "%lld %i %i", &ll, &a, &b);
    CHECK_EQ_S(got, 3);
    CHECK_EQ_S(ll, -9000000000LL);
    CHECK_EQ_S(a, 63);
    CHECK_EQ_S(b, 16);
    got = sscanf("12abc", "%d%d", &a, &b);
    CHECK_EQ_S(got, 1);
    got = sscanf("", "%d", &a);
    CHECK_EQ_S(got, EOF);
    got = sscanf("2024-03-15 08:30", "%4d-%2d-%2d %d:%d", &a, &b, &n, (int[]){0}, (int[]){0});
    CHECK_EQ_S(got, 5);
    unsigned char hh = 0;
    short h = 0;
    got = sscanf("300 -40000", "%hhu %hd", &hh, &h);
    CHECK_EQ_S(got, 2);
    CHECK_EQ_U(hh, 44);
    CHECK_EQ_S(h, 25536);

    /* parse a line of mixed numbers and print them normalised */
    const char *line = "10 0x20 -0x30 040 +50 0b1 7";
    const char *q = line;
    long total = 0;
    for (;;) {
        char *e;
        long v = strtol(q, &e, 0);
        if (e == q) {
            printf("stopped at \"%s\"\n", q);
            break;
        }
        printf("parsed %ld\n", v);
        total += v;
        q = e;
    }
    printf("total %ld\n", total);
    CHECK_EQ_S(total, 10 + 32 - 48 + 32 + 50 + 0);
    return finish("parse");
}
