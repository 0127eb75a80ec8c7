/* <ctype.h> in the C locale over every byte value and EOF, checked against
 * locale-free classifiers written here; toupper/tolower; a hand-written
 * atoi; and a word/number tokenizer using the classes. */
#include "selfcheck.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static int my_upper(int c) { return c >= 'A' && c <= 'Z'; }
static int my_lower(int c) { return c >= 'a' && c <= 'z'; }
static int my_alpha(int c) { return my_upper(c) || my_lower(c); }
static int my_digit(int c) { return c >= '0' && c <= '9'; }
static int my_xdigit(int c) { return my_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
static int my_space(int c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
static int my_blank(int c) { return c == ' ' || c == '\t'; }
static int my_cntrl(int c) { return (c >= 0 && c < 32) || c == 127; }
static int my_print(int c) { return c >= 32 && c < 127; }
static int my_graph(int c) { return c > 32 && c < 127; }
static int my_punct(int c) { return my_graph(c) && !my_alpha(c) && !my_digit(c); }

static int my_atoi(const char *s)
{
    while (my_space((unsigned char)*s))
        s++;
    int neg = 0;
    if (*s == '+' || *s == '-')
        neg = *s++ == '-';
    unsigned v = 0;
    while (my_digit((unsigned char)*s))
        v = v * 10 + (unsigned)(*s++ - '0');
    return neg ? (int)(0u - v) : (int)v;
}

int main(void)
{
    uint32_t table_hash = 0;
    int counts[11] = {0};
    for (int c = -1; c < 256; c++) {
        int got[11] = {!!isupper(c), !!islower(c), !!isalpha(c), !!isdigit(c), !!isxdigit(c), !!isspace(c),
                       !!isblank(c), !!iscntrl(c), !!isprint(c), !!isgraph(c), !!ispunct(c)};
        int want[11] = {my_upper(c), my_lower(c), my_alpha(c), my_digit(c), my_xdigit(c), my_space(c),
                        my_blank(c), my_cntrl(c), my_print(c), my_graph(c), my_punct(c)};
        for (int k = 0; k < 11; k++) {
            sc_checks++;
            if (got[k] != want[k]) {
                sc_failures++;
                printf("FAIL class %d of char %d: libc %d, want %d\n", k, c, got[k], want[k]);
            }
            counts[k] += got[k];
            table_hash = table_hash * 3 + (uint32_t)got[k];
        }
        CHECK(!!isalnum(c) == (my_alpha(c) || my_digit(c)));
        int up = toupper(c), lo = tolower(c);
        CHECK_EQ_S(up, my_lower(c) ? c - 32 : c);
        CHECK_EQ_S(lo, my_upper(c) ? c + 32 : c);
    }
    printf("class counts:");
    for (int k = 0; k < 11; k++)
        printf(" %d", counts[k]);
    printf("\ntable hash %08x\n", table_hash);
    static const int want_counts[11] = {26, 26, 52, 10, 22, 6, 2, 33, 95, 94, 32};
    for (int k = 0; k < 11; k++)
        CHECK_EQ_S(counts[k], want_counts[k]);

    static const char *nums[] = {"0", "42", "-42", "  +17", "\t\n -2147483648", "2147483647", "12abc",
                                 "abc", "", "-", "+", " 0009", "-0"};
    for (unsigned i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        CHECK_EQ_S(atoi(nums[i]), my_atoi(nums[i]));
        printf("atoi(\"%s\") = %d\n", nums[i][0] == '\t' ? "<ws>-2147483648" : nums[i], atoi(nums[i]));
    }

    /* tokenize */
    const char *text = "The 3 quick foxes, 12 lazy dogs; 7 + 35 = 42!\tEnd_of_line\n";
    int words = 0, numbers = 0, puncts = 0;
    long numsum = 0;
    char upper[128];
    size_t ui = 0;
    for (const char *p = text; *p;) {
        unsigned char c = (unsigned char)*p;
        if (isalpha(c) || c == '_') {
            words++;
            while (isalnum((unsigned char)*p) || *p == '_')
                upper[ui++] = (char)toupper((unsigned char)*p++);
            upper[ui++] = ' ';
        } else if (isdigit(c)) {
            numbers++;
            numsum += strtol(p, (char **)&p, 10);
        } else {
            puncts += ispunct(c) ? 1 : 0;
            p++;
        }
    }
    upper[ui] = 0;
    printf("words=%d numbers=%d puncts=%d numsum=%ld\n%s\n", words, numbers, puncts, numsum, upper);
    CHECK_EQ_S(words, 6);
    CHECK_EQ_S(numbers, 5);
    CHECK_EQ_S(numsum, 99);
    CHECK_EQ_S(puncts, 5);
    CHECK_STR(upper, "THE QUICK FOXES LAZY DOGS END_OF_LINE ");
    return finish("ctype");
}
