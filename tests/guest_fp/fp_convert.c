/* Conversions both ways, including out-of-range values (ARM saturates float
 * to int and gives 0 for NaN), float <-> double, lrint/llrint/lround, half
 * precision (__fp16), and the flags each raises. */
#include <math.h>
#include <stdlib.h>
#include "fpcommon.h"

static volatile float vf, rf;
static volatile double vd, rd;
static volatile int ri;
static volatile unsigned ru;
static volatile short rs;
static volatile unsigned char rb;
static volatile long long rll;
static volatile unsigned long long rull;
static volatile __fp16 rh;

static const double VALUES[] = {
    0.0, -0.0, 0.3, 0.5, -0.5, 0.7, -0.7, 1.5, 2.5, -2.5, 3.5, -1.0, -1.5, 255.5, 256.0,
    32767.5, -32768.7, 65535.4, 65536.0, 1e6 + 0.25, 16777217.0, 2147483520.0,
    2147483647.0, 2147483647.5, 2147483648.0, -2147483648.0, -2147483648.5, -2147483649.0,
    4294967295.0, 4294967295.5, 4294967296.0, 1e10, -1e10, 9.2e18, 1.8e19, 2e19, -9.3e18,
    1e-310, 1e-40, 5e-324, 1e300, 65504.0, 65520.0, 6.1e-5, 6e-8, 3e-8,
};

int main(int argc, char **argv)
{
    (void)argv;
    feclearexcept(FE_ALL_EXCEPT);
    for (unsigned k = 0; k < sizeof(VALUES) / sizeof(VALUES[0]) + 3; k++) {
        double x = k < sizeof(VALUES) / sizeof(VALUES[0]) ? VALUES[k]
                   : k == sizeof(VALUES) / sizeof(VALUES[0]) ? (double)INFINITY
                   : k == sizeof(VALUES) / sizeof(VALUES[0]) + 1 ? -(double)INFINITY : NAN;
        vd = x;
        vf = (float)x;
        printf("%a:", x);
        ri = (int)vd; printf(" di %d %s", ri, flags());
        ru = (unsigned)vd; printf(" du %u %s", ru, flags());
        rs = (short)vd; printf(" ds %d %s", rs, flags());
        rb = (unsigned char)vd; printf(" db %u %s", rb, flags());
        rll = (long long)vd; printf(" dll %lld %s", rll, flags());
        rull = (unsigned long long)vd; printf(" dull %llu %s", rull, flags());
        ri = (int)vf; printf(" fi %d %s", ri, flags());
        ru = (unsigned)vf; printf(" fu %u %s", ru, flags());
        rf = (float)vd; printf(" df %08x %s", bits_f(rf), flags());
        rd = (double)vf; printf(" fd %016llx %s", (unsigned long long)bits_d(rd), flags());
        rll = lrint(vd); printf(" lrint %lld %s", rll, flags());
        rll = llrint(vd); printf(" llrint %lld %s", rll, flags());
        rll = lround(vd); printf(" lround %lld %s", rll, flags());
        rll = lrintf(vf); printf(" lrintf %lld %s", rll, flags());
        rh = (__fp16)vf; printf(" h %04x %s", *(volatile unsigned short *)&rh, flags());
        rf = (float)rh; printf(" hf %08x %s", bits_f(rf), flags());
        rh = (__fp16)vd; printf(" dh %04x %s", *(volatile unsigned short *)&rh, flags());
        printf("\n");
    }
    static const long long INTS[] = {
        0, 1, -1, 3, 255, 65535, -32768, 16777216, 16777217, 16777219, 0x7fffffff,
        -0x7fffffff - 1, 0x80000001ll, 0xffffffffll, 0x123456789ll, 0x20000000000001ll,
        0x7fffffffffffffffll, -0x7fffffffffffffffll - 1,
    };
    for (unsigned k = 0; k < sizeof(INTS) / sizeof(INTS[0]); k++) {
        volatile long long v = INTS[k];
        volatile int i32 = (int)v;
        volatile unsigned u32 = (unsigned)v;
        printf("%lld:", v);
        rf = (float)i32; printf(" if %08x %s", bits_f(rf), flags());
        rf = (float)u32; printf(" uf %08x %s", bits_f(rf), flags());
        rd = (double)i32; printf(" id %016llx %s", (unsigned long long)bits_d(rd), flags());
        rd = (double)u32; printf(" ud %016llx %s", (unsigned long long)bits_d(rd), flags());
        rf = (float)v; printf(" llf %08x %s", bits_f(rf), flags());
        rd = (double)v; printf(" lld %016llx %s", (unsigned long long)bits_d(rd), flags());
        rd = (double)(unsigned long long)v; printf(" ulld %016llx %s\n",
                                                   (unsigned long long)bits_d(rd), flags());
    }
    /* strtod/strtof: decimal to binary, correctly rounded */
    static const char *TEXT[] = { "0.1", "1e-45", "3.4028235e38", "3.4028236e38", "2.2250738585072011e-308",
                                  "4.9e-324", "1.7976931348623157e308", "1.8e308", "0x1.fffffep127",
                                  "-0", "nan", "-inf", "123456789012345678901234567890" };
    for (unsigned k = 0; k < sizeof(TEXT) / sizeof(TEXT[0]); k++) {
        rd = strtod(TEXT[k], NULL);
        printf("strtod %s %016llx %s", TEXT[k], (unsigned long long)bits_d(rd), flags());
        rf = strtof(TEXT[k], NULL);
        printf(" strtof %08x %s\n", bits_f(rf), flags());
    }
    return argc - 1;
}
