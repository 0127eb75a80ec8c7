/* Float and double arithmetic over special values (+-0, +-inf, quiet and
 * signalling NaNs with payloads, denormals, the smallest normal, the largest
 * finite, values whose product rounds up to the smallest normal): every
 * result's bits and the exception flags it raised. */
#include <math.h>
#include "fpcommon.h"

static volatile float vf, wf, rf;
static volatile double vd, wd, rd;
static volatile int ri;

int main(void)
{
    feclearexcept(FE_ALL_EXCEPT);
    for (unsigned i = 0; i < NF; i++) {
        for (unsigned j = 0; j < NF; j++) {
            vf = f_of(SPECIAL_F[i]);
            wf = f_of(SPECIAL_F[j]);
            printf("f %08x %08x:", SPECIAL_F[i], SPECIAL_F[j]);
            rf = vf + wf; printf(" + %08x %s", bits_f(rf), flags());
            rf = vf - wf; printf(" - %08x %s", bits_f(rf), flags());
            rf = vf * wf; printf(" * %08x %s", bits_f(rf), flags());
            rf = vf / wf; printf(" / %08x %s", bits_f(rf), flags());
            rf = -(vf * wf); printf(" n* %08x %s", bits_f(rf), flags());
            rf = fmaf(vf, wf, 0.25f); printf(" fma %08x %s", bits_f(rf), flags());
            ri = vf < wf; printf(" < %d %s", ri, flags());
            ri = vf == wf; printf(" == %d %s", ri, flags());
            ri = isless(vf, wf); printf(" isl %d %s", ri, flags());
            printf("\n");
        }
        vf = f_of(SPECIAL_F[i]);
        rf = sqrtf(vf); printf("sqrtf %08x %s", bits_f(rf), flags());
        rf = fabsf(vf); printf(" abs %08x %s", bits_f(rf), flags());
        rf = -vf; printf(" neg %08x %s", bits_f(rf), flags());
        rd = vf; printf(" d %016llx %s\n", (unsigned long long)bits_d(rd), flags());
    }
    for (unsigned i = 0; i < ND; i++) {
        for (unsigned j = 0; j < ND; j++) {
            vd = d_of(SPECIAL_D[i]);
            wd = d_of(SPECIAL_D[j]);
            printf("d %016llx %016llx:", (unsigned long long)SPECIAL_D[i],
                   (unsigned long long)SPECIAL_D[j]);
            rd = vd + wd; printf(" + %016llx %s", (unsigned long long)bits_d(rd), flags());
            rd = vd - wd; printf(" - %016llx %s", (unsigned long long)bits_d(rd), flags());
            rd = vd * wd; printf(" * %016llx %s", (unsigned long long)bits_d(rd), flags());
            rd = vd / wd; printf(" / %016llx %s", (unsigned long long)bits_d(rd), flags());
            rd = vd * wd + 0.5; printf(" *+ %016llx %s", (unsigned long long)bits_d(rd), flags());
            ri = vd <= wd; printf(" <= %d %s", ri, flags());
            ri = vd != wd; printf(" != %d %s", ri, flags());
            ri = islessgreater(vd, wd); printf(" islg %d %s", ri, flags());
            printf("\n");
        }
        vd = d_of(SPECIAL_D[i]);
        rd = sqrt(vd); printf("sqrt %016llx %s", (unsigned long long)bits_d(rd), flags());
        rf = vd; printf(" f %08x %s", bits_f(rf), flags());
        rd = fabs(vd); printf(" abs %016llx %s\n", (unsigned long long)bits_d(rd), flags());
    }
    /* chained operations, as in real code: a small Horner polynomial and sums */
    double acc = 0;
    float facc = 0;
    for (int k = 1; k <= 2000; k++) {
        double x = 1.0 / k;
        acc += ((0.5 * x - 1.25) * x + 3.0) * x;
        facc += (float)x * (float)(k & 7) - 0.125f;
    }
    printf("sums %a %a %s\n", acc, facc, flags());
    return 0;
}
