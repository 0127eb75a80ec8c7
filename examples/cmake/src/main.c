/* pqstat NUMBER...     prints count, mean and maximum (exit 2 on bad input)
 * pqstat --env NAME    prints NAME=value from the environment */
#include "stats.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--env") == 0) {
        const char *v = getenv(argv[2]);
        printf("%s=%s\n", argv[2], v ? v : "(unset)");
        return v ? 0 : 1;
    }
    double v[64], mean, max;
    size_t n = 0;
    for (int i = 1; i < argc && n < 64; i++, n++)
        if (pq_parse(argv[i], &v[n]) != 0) {
            fprintf(stderr, "pqstat: not a number: %s\n", argv[i]);
            return 2;
        }
    if (pq_stats(v, n, &mean, &max) != 0) {
        fprintf(stderr, "usage: pqstat NUMBER...\n");
        return 2;
    }
    printf("n=%zu mean=%g max=%g\n", n, mean, max);
    return 0;
}
