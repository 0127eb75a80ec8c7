/* printf %f %e %g %a (and widths, precisions, flags) over many values, and
 * the conversions back with strtod. */
#include <math.h>
#include <stdlib.h>
#include "fpcommon.h"

static const double V[] = {
    0.0, -0.0, 1.0, -1.0, 0.1, 0.5, 1.0 / 3, 2.0 / 3, 123.456, -9876.54321, 1e-5, 1e-300,
    5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 1e21, 1e22, 123456789012345678.0,
    0.000123456, 999.9995, 9.5, 10.5, 0.05, 0.15, 0.25, 1e100, INFINITY, -INFINITY, NAN,
};

int main(void)
{
    char buf[512];
    for (unsigned i = 0; i < sizeof(V) / sizeof(V[0]); i++) {
        double x = V[i];
        printf("[%f] [%e] [%g] [%a] [%.0f] [%.1f] [%.3e] [%.10g] [%.17g] [%20.8f] [%-14.5e|]"
               " [%+g] [% .2f] [%#g] [%#.0e] [%08.2f] [%.30f] [%A] [%.3a]\n",
               x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x);
        float f = (float)x;
        printf("  float [%f] [%e] [%g] [%a] [%.9g]\n", f, f, f, f, f);
        snprintf(buf, sizeof buf, "%.17g", x);
        double back = strtod(buf, NULL);
        printf("  round trip %s %s\n", buf, bits_d(back) == bits_d(x) || x != x ? "ok" : "DIFFERENT");
    }
    double sum = 0;
    for (int k = 1; k <= 100; k++) {
        sum += 1.0 / (k * (double)k);
        if (k % 25 == 0)
            printf("zeta2 partial %d: %.15f %.15e %g\n", k, sum, sum, sum);
    }
    printf("%s\n", flags());
    return 0;
}
