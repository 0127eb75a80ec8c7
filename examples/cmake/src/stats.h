#ifndef PQSTATS_H
#define PQSTATS_H
#include <stddef.h>
/* Mean and maximum of n values; returns 0, or -1 for n == 0. */
int pq_stats(const double *v, size_t n, double *mean, double *max);
/* Parse a decimal number; returns 0, or -1 if text is not one. */
int pq_parse(const char *text, double *out);
#endif
