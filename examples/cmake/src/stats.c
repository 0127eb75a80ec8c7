#include "stats.h"
#include <math.h>
#include <stdlib.h>

int pq_stats(const double *v, size_t n, double *mean, double *max)
{
    if (n == 0)
        return -1;
    double sum = 0, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        sum += v[i];
        hi = fmax(hi, v[i]);
    }
    *mean = sum / (double)n;
    *max = hi;
    return 0;
}

int pq_parse(const char *text, double *out)
{
    char *end;
    *out = strtod(text, &end);
    return end != text && *end == 0 ? 0 : -1;
}
