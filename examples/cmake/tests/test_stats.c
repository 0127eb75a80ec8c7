/* Unit test of the pqstats library: exit status 0 when every check passes. */
#include "stats.h"
#include <math.h>
#include <stdio.h>

static int failures;
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); failures++; } } while (0)

int main(void)
{
    double v[] = {2.5, -1, 8, 0.5}, mean, max, x;
    CHECK(pq_stats(v, 4, &mean, &max) == 0);
    CHECK(fabs(mean - 2.5) < 1e-12 && max == 8);
    CHECK(pq_stats(v, 0, &mean, &max) == -1);
    CHECK(pq_parse("1e3", &x) == 0 && x == 1000);
    CHECK(pq_parse("-0.25", &x) == 0 && x == -0.25);
    CHECK(pq_parse("12abc", &x) == -1 && pq_parse("", &x) == -1);
    printf("%d failures\n", failures);
    return failures != 0;
}
