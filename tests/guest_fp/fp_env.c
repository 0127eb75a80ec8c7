/* The floating-point environment: fesetround in all four modes (arithmetic,
 * conversions, libm rounding functions and printf under each), fetestexcept
 * after each class of operation, fegetenv/fesetenv, and the FPSCR bits
 * behind them: flush-to-zero (FZ) and default NaN (DN), IDC, AHP. */
#include <math.h>
#include "fpcommon.h"

static volatile float vf, wf, rf;
static volatile double vd, wd, rd;
static volatile int ri;

static void arith_under_mode(const char *name)
{
    vd = 1.0; wd = 3.0;
    rd = vd / wd; printf("%s 1/3 %a", name, rd);
    rd = -vd / wd; printf(" -1/3 %a", rd);
    vf = 1.0f; wf = 3.0f;
    rf = vf / wf; printf(" f1/3 %a", (double)rf);
    rf = -vf / wf; printf(" f-1/3 %a", (double)rf);
    vd = 2.0; rd = sqrt(vd); printf(" sqrt2 %a", rd);
    vd = 1e308; rd = vd * 10; printf(" ovf %a", rd);
    vd = -1e308; rd = vd * 10; printf(" -ovf %a", rd);
    vd = 2.5; ri = (int)vd; printf(" (int)2.5 %d", ri);
    vd = -2.5; printf(" lrint(-2.5) %ld rint(2.5) %a nearbyint(-0.5) %a", lrint(vd), rint(2.5), nearbyint(-0.5));
    vd = 0.1; wd = 0.2; rd = vd + wd; printf(" 0.1+0.2 %a", rd);
    vd = 1e-310; wd = 3; rd = vd / wd; printf(" den/3 %a", rd);
    vd = 1.0; wd = 1e-20; rd = vd - wd; printf(" 1-eps %a", rd);
    rf = (float)(1.0 / 3.0); printf(" f(1/3) %a", (double)rf);
    vf = 16777217.0f; printf(" %.20f %.3f %e\n", 1.0 / 3.0, 2.0005, 123.4565);
}

static void classes(void)
{
    feclearexcept(FE_ALL_EXCEPT);
    vd = 0.0; rd = vd / vd; printf("0/0 %s", flags());
    vd = -1.0; rd = sqrt(vd); printf(" sqrt(-1) %s", flags());
    vd = INFINITY; rd = vd - vd; printf(" inf-inf %s", flags());
    vd = 1.0; wd = 0.0; rd = vd / wd; printf(" 1/0 %s", flags());
    vd = 1e308; rd = vd * vd; printf(" big*big %s", flags());
    vd = 1e-308; rd = vd * 1e-10; printf(" tiny*tiny %s", flags());
    vd = 1e-308; rd = vd / 4; printf(" minn/4 %s", flags());
    vd = 1e-310; rd = vd * 2; printf(" den*2 %s", flags());
    vd = 1.0; wd = 3.0; rd = vd / wd; printf(" 1/3 %s", flags());
    vd = 0.5; wd = 0.25; rd = vd + wd; printf(" exact %s", flags());
    vd = 3e9; ri = (int)vd; printf(" (int)3e9 %s", flags());
    vd = NAN; ri = (int)vd; printf(" (int)nan %s", flags());
    vd = 2.5; ri = (int)vd; printf(" (int)2.5 %s", flags());
    vd = NAN; wd = 1.0; ri = vd < wd; printf(" nan<1 %s", flags());
    ri = vd == wd; printf(" nan==1 %s", flags());
    ri = isless(vd, wd); printf(" isless %s", flags());
    vf = 1e-40f; rf = vf * 1.0f; printf(" fden*1 %s", flags());
    vd = 1e300; rf = (float)vd; printf(" (float)1e300 %s", flags());
    vd = 1e-50; rf = (float)vd; printf(" (float)1e-50 %s", flags());
    rd = log(0.0); printf(" log0 %s", flags());
    rd = exp(1000.0); printf(" exp1000 %s", flags());
    rd = exp(-1000.0); printf(" exp-1000 %s", flags());
    rd = pow(-1.0, 0.5); printf(" pow(-1,.5) %s\n", flags());
    feraiseexcept(FE_OVERFLOW | FE_INEXACT);
    printf("raised %s", flags());
    feraiseexcept(FE_INVALID);
    fexcept_t saved;
    fegetexceptflag(&saved, FE_ALL_EXCEPT);
    feclearexcept(FE_ALL_EXCEPT);
    fesetexceptflag(&saved, FE_INVALID);
    printf(" restored %s\n", flags());
}

int main(void)
{
    static const struct { int mode; const char *name; } MODES[] = {
        { FE_TONEAREST, "nearest" }, { FE_UPWARD, "upward" }, { FE_DOWNWARD, "downward" },
        { FE_TOWARDZERO, "towardzero" },
    };
    for (unsigned m = 0; m < 4; m++) {
        int r = fesetround(MODES[m].mode);
        printf("fesetround %d -> %d getround %d fpscr %08x\n", MODES[m].mode, r, fegetround(),
               get_fpscr() & ~0x9f);
        arith_under_mode(MODES[m].name);
        classes();
    }
    fesetround(FE_TONEAREST);
    fenv_t env;
    vd = 1.0; wd = 0.0; rd = vd / wd;
    fegetenv(&env);
    fesetround(FE_UPWARD);
    feclearexcept(FE_ALL_EXCEPT);
    fesetenv(&env);
    printf("fesetenv round %d %s\n", fegetround(), flags());
    feholdexcept(&env);
    vd = 0.0; rd = vd / vd;
    feupdateenv(&env);
    printf("feupdateenv %s\n", flags());

    /* flush to zero: denormal inputs and results become zero (IDC, UFC) */
    static const uint32_t DF[] = { 0x00000001, 0x807fffff, 0x00800000, 0x3f800000, 0x00ffffff };
    for (unsigned dn = 0; dn < 2; dn++)
        for (unsigned i = 0; i < 5; i++)
            for (unsigned j = 0; j < 5; j++) {
                set_fpscr((1u << 24) | (dn << 25));
                vf = f_of(DF[i]); wf = f_of(DF[j]);
                rf = vf + wf; unsigned a = bits_f(rf), fa = get_fpscr(); set_fpscr((1u << 24) | (dn << 25));
                rf = vf * wf; unsigned b = bits_f(rf), fb = get_fpscr(); set_fpscr((1u << 24) | (dn << 25));
                rf = vf / wf; unsigned c = bits_f(rf), fc = get_fpscr(); set_fpscr((1u << 24) | (dn << 25));
                ri = vf < wf; unsigned fd = get_fpscr(); set_fpscr((1u << 24) | (dn << 25));
                rd = vf; unsigned fe = get_fpscr(); set_fpscr((1u << 24) | (dn << 25));
                rf = vf * 0.5f; unsigned g = bits_f(rf), fg = get_fpscr();
                printf("fz dn=%u %08x %08x: + %08x %08x * %08x %08x / %08x %08x < %d %08x d %016llx %08x"
                       " *.5 %08x %08x\n", dn, DF[i], DF[j], a, fa, b, fb, c, fc, ri, fd,
                       (unsigned long long)bits_d(rd), fe, g, fg);
            }
    /* default NaN */
    for (unsigned dn = 0; dn < 2; dn++) {
        set_fpscr(dn << 25);
        vf = f_of(0xffc12345); wf = f_of(0x7f800001);
        rf = vf + wf; printf("dn=%u qnan+snan %08x", dn, bits_f(rf));
        rf = vf * 2; printf(" qnan*2 %08x", bits_f(rf));
        vd = d_of(0x7ff0000000000001ull); rf = (float)vd; printf(" (float)snan %08x", bits_f(rf));
        vd = -1; rd = sqrt(vd); printf(" sqrt(-1) %016llx fpscr %08x\n", (unsigned long long)bits_d(rd), get_fpscr());
    }
    /* alternative half precision */
    for (unsigned ahp = 0; ahp < 2; ahp++) {
        set_fpscr(ahp << 26);
        static const float H[] = { 1.0f, 65504.0f, 70000.0f, 131008.0f, 200000.0f, INFINITY, NAN, 1e-7f };
        printf("ahp=%u:", ahp);
        for (unsigned i = 0; i < 8; i++) {
            volatile __fp16 h = (__fp16)H[i];
            volatile unsigned short hb = *(volatile unsigned short *)&h;
            rf = (float)h;
            printf(" %04x %a", hb, (double)rf);
        }
        printf(" fpscr %08x\n", get_fpscr());
    }
    set_fpscr(0);
    return 0;
}
