/* Reads whitespace-separated integers from standard input until EOF, prints
 * count, sum, min and max. With PYQEMU_STDIN_EXPECT=<sum> in the
 * environment it also checks the sum; a malformed token is reported and
 * makes the exit status 2. */
#include "selfcheck.h"
#include <stdlib.h>

int main(void)
{
    long long sum = 0, mn = 0, mx = 0;
    long count = 0;
    int bad = 0;
    char tok[64];
    while (scanf("%63s", tok) == 1) {
        char *end;
        long long v = strtoll(tok, &end, 10);
        if (*end) {
            printf("bad token: %s\n", tok);
            bad = 1;
            continue;
        }
        if (count == 0 || v < mn)
            mn = v;
        if (count == 0 || v > mx)
            mx = v;
        sum += v;
        count++;
    }
    printf("count=%ld sum=%lld min=%lld max=%lld\n", count, sum, mn, mx);
    const char *want = getenv("PYQEMU_STDIN_EXPECT");
    if (want)
        CHECK_EQ_S(sum, strtoll(want, NULL, 10));
    if (bad)
        return 2;
    return finish("stdin_sum");
}
