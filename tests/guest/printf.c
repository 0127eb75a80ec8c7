/* printf-family formatting of integers and strings: %d %i %u %x %X %o %c %s
 * %% with length modifiers (hh h l ll z j t), field widths (fixed and *),
 * precision, and the flags - + space 0 #; snprintf truncation and return
 * values. Every formatted string is compared with the expected text. */
#include "selfcheck.h"
#include <limits.h>
#include <stddef.h>
#include <string.h>

#pragma GCC diagnostic ignored "-Wformat-truncation" /* truncation is under test */

static char buf[256];
#define FMT(want, ...)                                                      \
    do {                                                                    \
        int n_ = snprintf(buf, sizeof buf, __VA_ARGS__);                    \
        CHECK_STR(buf, want);                                               \
        CHECK_EQ_S(n_, (long long)strlen(want));                            \
    } while (0)

int main(void)
{
    FMT("42", "%d", 42);
    FMT("-42", "%i", -42);
    FMT("4294967295", "%u", UINT_MAX);
    FMT("-2147483648", "%d", INT_MIN);
    FMT("2147483647", "%d", INT_MAX);
    FMT("ff", "%x", 255);
    FMT("FF", "%X", 255);
    FMT("777", "%o", 511);
    FMT("deadbeef", "%x", 0xdeadbeefu);
    FMT("A", "%c", 65);
    FMT("hello", "%s", "hello");
    FMT("100%", "%d%%", 100);
    FMT("", "%s", "");

    /* length modifiers */
    FMT("-1", "%hhd", 255);
    FMT("127", "%hhd", 127);
    FMT("128", "%hhu", 128);
    FMT("-32768", "%hd", 32768);
    FMT("65535", "%hu", 65535);
    FMT("-1234567", "%ld", -1234567L);
    FMT("4294967295", "%lu", 4294967295UL);
    FMT("-9223372036854775808", "%lld", LLONG_MIN);
    FMT("9223372036854775807", "%lld", LLONG_MAX);
    FMT("18446744073709551615", "%llu", ULLONG_MAX);
    FMT("ffffffffffffffff", "%llx", ULLONG_MAX);
    FMT("1777777777777777777777", "%llo", ULLONG_MAX);
    FMT("123456789012", "%jd", (intmax_t)123456789012LL);
    FMT("4096", "%zu", (size_t)4096);
    FMT("-8", "%td", (ptrdiff_t)-8);
    FMT("12345678 9abcdef0", "%" PRIx32 " %" PRIx32, 0x12345678u, 0x9abcdef0u);
    FMT("-5 18446744073709551611", "%" PRId64 " %" PRIu64, (int64_t)-5, (uint64_t)-5);

    /* width, precision, flags */
    FMT("   42", "%5d", 42);
    FMT("42   |", "%-5d|", 42);
    FMT("00042", "%05d", 42);
    FMT("-0042", "%05d", -42);
    FMT("+42", "%+d", 42);
    FMT(" 42", "% d", 42);
    FMT("-42", "% d", -42);
    FMT("00042", "%.5d", 42);
    FMT("  00042", "%7.5d", 42);
    FMT("", "%.0d", 0);
    FMT("    ", "%4.0d", 0);
    FMT("0x2a", "%#x", 42);
    FMT("0X2A", "%#X", 42);
    FMT("052", "%#o", 42);
    FMT("0", "%#x", 0);
    FMT("0x0000002a", "%#010x", 42);
    FMT("     hello", "%10s", "hello");
    FMT("hello     |", "%-10s|", "hello");
    FMT("hel", "%.3s", "hello");
    FMT("  hel", "%5.3s", "hello");
    FMT("   42", "%*d", 5, 42);
    FMT("42   ", "%*d", -5, 42);
    FMT("0042", "%.*d", 4, 42);
    FMT("  x", "%3c", 'x');
    FMT("+0000000123", "%+011d", 123);
    FMT("-00000000000000000001", "%021lld", -1LL);
    FMT("a b c", "%s %c %s", "a", 'b', "c");

    /* truncation: return value is the length that would have been written */
    char small[6];
    int n = snprintf(small, sizeof small, "%d-%s", 12345, "abcdef");
    CHECK_EQ_S(n, 12);
    CHECK_STR(small, "12345");
    n = snprintf(NULL, 0, "%lld", LLONG_MIN);
    CHECK_EQ_S(n, 20);
    n = snprintf(small, 1, "xyz");
    CHECK_EQ_S(n, 3);
    CHECK_STR(small, "");

    /* sprintf into a buffer and printf to stdout line by line */
    char line[80];
    for (int i = -3; i <= 3; i++) {
        sprintf(line, "[%+4d|%-4x|%04o|%3u]", i * 37, (unsigned)(i * 37) & 0xfff, i * i * 9, (unsigned)i & 7);
        printf("%s\n", line);
    }
    printf("%-8s|%8s|%8.3d|%#llx|%hhu\n", "left", "right", 7, 0x1234567890abcdefULL, 300);
    int written = printf("%s %d %u\n", "count", -1, 1u);
    CHECK_EQ_S(written, 11);
    fputs("puts line\n", stdout);
    putchar('!');
    putchar('\n');
    return finish("printf");
}
