/* libm over a grid of arguments, special values included: every result as
 * an exact hexadecimal float. */
#include <math.h>
#include "fpcommon.h"

static const double X[] = {
    0.0, -0.0, 1e-310, 1e-20, 0.1, 0.5, -0.5, 1.0, -1.0, 1.5, 2.0, 2.5, -2.5, 3.0, 3.14159,
    -3.7, 10.0, 100.25, 710.0, -745.2, 1e15 + 0.5, 1e300, -1e300, INFINITY, -INFINITY, NAN,
};
#define NX (sizeof(X) / sizeof(X[0]))

#define P1(name) printf(" " #name " %a", name(x))
#define P1F(name) printf(" " #name " %a", (double)name(xf))
#define P2(name) printf(" " #name " %a", name(x, y))

int main(void)
{
    for (unsigned i = 0; i < NX; i++) {
        double x = X[i];
        float xf = (float)x;
        printf("%a:", x);
        P1(sin); P1(cos); P1(tan); P1(exp); P1(exp2); P1(expm1); P1(log); P1(log2); P1(log10);
        P1(log1p); P1(sqrt); P1(cbrt); P1(asin); P1(acos); P1(atan); P1(sinh); P1(cosh);
        P1(tanh); P1(asinh); P1(erf); P1(tgamma); P1(lgamma);
        P1(rint); P1(nearbyint); P1(round); P1(trunc); P1(floor); P1(ceil);
        printf(" lrint %ld llround %lld", lrint(x), llround(x));
        P1F(sinf); P1F(cosf); P1F(expf); P1F(logf); P1F(sqrtf); P1F(cbrtf); P1F(floorf);
        P1F(ceilf); P1F(roundf); P1F(truncf); P1F(rintf);
        int e;
        double m = frexp(x, &e);
        printf(" frexp %a %d ldexp %a modf", m, e, ldexp(x, -1074 + 50));
        double ip;
        double fp = modf(x, &ip);
        printf(" %a %a %s\n", fp, ip, flags());
        for (unsigned j = 0; j < NX; j += 3) {
            double y = X[j];
            printf("  %a %a:", x, y);
            P2(pow); P2(fmod); P2(remainder); P2(hypot); P2(atan2); P2(fmin); P2(fmax);
            P2(copysign); P2(fdim); P2(nextafter);
            printf(" powf %a fmaf %a fma %a %s\n", (double)powf(xf, (float)y),
                   (double)fmaf(xf, (float)y, 1.0f), fma(x, y, -1.0), flags());
        }
    }
    return 0;
}
