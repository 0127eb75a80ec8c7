/* Floating-point slow paths for translated code (see docs/FLOATING_POINT.md).
 *
 * Translated code computes floating point natively with SSE; it calls
 * fp_arm_slow() only where ARM and x86 may differ: a NaN result (ARM's NaN
 * propagation and default NaN), a result of magnitude == the smallest normal
 * (ARM detects tininess before rounding, x86 after), an out-of-range float
 * to integer conversion (ARM saturates), FPSCR.FZ / FPSCR.DN set, and the
 * operations with no short exact SSE sequence (half precision, round to
 * nearest with ties away).  fp_arm_slow() computes the whole operation as the
 * ARM ARM pseudo-code does (FPUnpack, FPProcessNaNs, FPRound, FPToFixed...),
 * using the host FPU for the correctly rounded part, and raises exactly the
 * ARM exception flags:
 *   - IOC DZC OFC UFC IXC go to the live MXCSR (translated code runs with the
 *     guest's MXCSR loaded: the IR's fpenv op), where the fast paths put them;
 *   - IDC has no MXCSR equivalent: it goes to the FPSCR word in the CPU state.
 *
 * The opcode is ir.fp_opcode(): op index (ir.FP_OPS) | F64 0x100 | FLAG 0x200
 * | rmode << 10 | fbits << 13 | ibits code << 20.  This file is appended to
 * runtime.c by build.py; fp_helpers.h is its cffi declaration.
 *
 * Usage (from translated code, through an IR FPMode):
 *     r = fp_arm_slow(env, fp_opcode("fadd", False), a_bits, b_bits, 0);
 */
#include <math.h>

/* ------------------------------------------------------------------ tables */
enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MULADD, OP_SQRT, OP_MINNUM, OP_MAXNUM, OP_CMP,
       OP_CVT, OP_FTOI, OP_ITOF, OP_ROUND, OP_FTOH, OP_HTOF };
#define OPC_F64   0x100u
#define OPC_FLAG  0x200u
enum { FPR_NEAREST_EVEN, FPR_UP, FPR_DOWN, FPR_ZERO, FPR_NEAREST_AWAY, FPR_DYNAMIC = 7 };
enum { FCMP_EQ, FCMP_LT, FCMP_GT, FCMP_UN };
/* ISA-neutral exception flags (ir.FPF_*): ARM's FPSCR cumulative bits 0..4 */
#define FF_INVALID   1u
#define FF_DIVZERO   2u
#define FF_OVERFLOW  4u
#define FF_UNDERFLOW 8u
#define FF_INEXACT  16u
/* x86 MXCSR */
#define MX_FLAGS 0x3fu
#define MX_RC_SHIFT 13
#define MX_DEFAULT 0x1f80u
/* ARM FPSCR */
#define FPSCR_IDC (1u << 7)
#define FPSCR_FZ  (1u << 24)
#define FPSCR_DN  (1u << 25)
#define FPSCR_AHP (1u << 26)

/* neutral rounding mode <-> MXCSR.RC (x86 swaps up and down) */
static const uint32_t rmode_to_rc[4] = { 0, 2, 1, 3 };
static const uint32_t rc_to_rmode[4] = { 0, 2, 1, 3 };

typedef struct {                /* one IEEE binary format */
    int ebits, fbits;
    uint64_t sign, exp, frac, quiet;
} Fmt;
static const Fmt F16 = { 5, 10, 1ull << 15, 0x1full << 10, (1ull << 10) - 1, 1ull << 9 };
static const Fmt F32 = { 8, 23, 1ull << 31, 0xffull << 23, (1ull << 23) - 1, 1ull << 22 };
static const Fmt F64 = { 11, 52, 1ull << 63, 0x7ffull << 52, (1ull << 52) - 1, 1ull << 51 };

typedef struct {
    uint32_t ctl;       /* MXCSR for hardware steps: guest RC, all masked, no FTZ/DAZ */
    int rmode;          /* the dynamic rounding mode (FPR_*) */
    int fz, dn, ahp;    /* ARM FPSCR.FZ, .DN, .AHP */
    uint32_t ff;        /* FF_* raised by this operation */
    int idc;            /* an input denormal was flushed (FPSCR.IDC) */
} Ctx;

/* ------------------------------------------------------------- host MXCSR */
static inline uint32_t csr_get(void)
{
    uint32_t v;
    __asm__ volatile("stmxcsr %0" : "=m"(v) : : "memory");
    return v;
}

static inline void csr_set(uint32_t v)
{
    __asm__ volatile("ldmxcsr %0" : : "m"(v) : "memory");
}

static inline uint32_t mx_to_ff(uint32_t mx) { return (mx & 1) | ((mx >> 1) & 0x1e); }
static inline uint32_t ff_to_mx(uint32_t ff) { return (ff & 1) | ((ff & 0x1e) << 1); }

static inline double d_of(uint64_t v) { double d; memcpy(&d, &v, 8); return d; }
static inline uint64_t bits_d(double d) { uint64_t v; memcpy(&v, &d, 8); return v; }
static inline float f_of(uint64_t v) { uint32_t u = (uint32_t)v; float f; memcpy(&f, &u, 4); return f; }
static inline uint64_t bits_f(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

/* classification */
static inline int is_nan(const Fmt *f, uint64_t v) { return (v & f->exp) == f->exp && (v & f->frac); }
static inline int is_snan(const Fmt *f, uint64_t v) { return is_nan(f, v) && !(v & f->quiet); }
static inline int is_inf(const Fmt *f, uint64_t v) { return (v & ~f->sign) == f->exp; }
static inline int is_zero(const Fmt *f, uint64_t v) { return !(v & ~f->sign); }
static inline int is_denorm(const Fmt *f, uint64_t v) { return !(v & f->exp) && (v & f->frac); }
static inline uint64_t def_nan(const Fmt *f) { return f->exp | f->quiet; }
static inline uint64_t min_normal(const Fmt *f) { return f->frac + 1; }

/* ------------------------------------------------ hardware steps (exact IEEE) */
enum { HW_ADD, HW_SUB, HW_MUL, HW_DIV, HW_SQRT, HW_FMA, HW_CVT, HW_ITOF };
static double (*volatile fma_d)(double, double, double) = fma;
static float (*volatile fma_f)(float, float, float) = fmaf;

/* One IEEE operation in rounding mode `rmode` (FPR_*, not AWAY); returns the
 * result bits and the MXCSR flags it raised in *mx.  HW_CVT converts from the
 * f64 format to the other; HW_ITOF converts the signed 64-bit integer a. */
static uint64_t hw(int op, int f64, uint64_t a, uint64_t b, uint64_t c, const Ctx *x,
                   int rmode, uint32_t *mx)
{
    uint64_t r;
    if (rmode == FPR_DYNAMIC)
        rmode = x->rmode;
    csr_set((x->ctl & ~(3u << MX_RC_SHIFT)) | rmode_to_rc[rmode & 3] << MX_RC_SHIFT);
    if (f64) {
        double p = d_of(a), q = d_of(b);
        switch (op) {
        case HW_ADD: __asm__ volatile("addsd %1, %0" : "+x"(p) : "x"(q)); break;
        case HW_SUB: __asm__ volatile("subsd %1, %0" : "+x"(p) : "x"(q)); break;
        case HW_MUL: __asm__ volatile("mulsd %1, %0" : "+x"(p) : "x"(q)); break;
        case HW_DIV: __asm__ volatile("divsd %1, %0" : "+x"(p) : "x"(q)); break;
        case HW_SQRT: __asm__ volatile("sqrtsd %0, %0" : "+x"(p)); break;
        case HW_FMA: p = fma_d(p, q, d_of(c)); break;
        case HW_CVT: {
            float s;
            __asm__ volatile("cvtsd2ss %1, %0" : "=x"(s) : "x"(p));
            r = bits_f(s);
            goto out;
        }
        case HW_ITOF: {
            int64_t i = (int64_t)a;
            __asm__ volatile("cvtsi2sdq %1, %0" : "=x"(p) : "r"(i));
            break;
        }
        }
        r = bits_d(p);
    } else {
        float p = f_of(a), q = f_of(b);
        switch (op) {
        case HW_ADD: __asm__ volatile("addss %1, %0" : "+x"(p) : "x"(q)); break;
        case HW_SUB: __asm__ volatile("subss %1, %0" : "+x"(p) : "x"(q)); break;
        case HW_MUL: __asm__ volatile("mulss %1, %0" : "+x"(p) : "x"(q)); break;
        case HW_DIV: __asm__ volatile("divss %1, %0" : "+x"(p) : "x"(q)); break;
        case HW_SQRT: __asm__ volatile("sqrtss %0, %0" : "+x"(p)); break;
        case HW_FMA: p = fma_f(p, q, f_of(c)); break;
        case HW_CVT: {
            double s;
            __asm__ volatile("cvtss2sd %1, %0" : "=x"(s) : "x"(p));
            r = bits_d(s);
            goto out;
        }
        case HW_ITOF: {
            int64_t i = (int64_t)a;
            __asm__ volatile("cvtsi2ssq %1, %0" : "=x"(p) : "r"(i));
            break;
        }
        }
        r = bits_f(p);
    }
out:
    *mx = csr_get() & MX_FLAGS;
    return r;
}

/* ------------------------------------------------------------ ARM pieces */
/* FPUnpack's flush of an input denormal when FPSCR.FZ is set */
static uint64_t a_flush_in(Ctx *x, const Fmt *f, uint64_t v)
{
    if (x->fz && is_denorm(f, v)) {
        x->idc = 1;
        return v & f->sign;
    }
    return v;
}

/* FPProcessNaNs over n operands in ARM priority order; 1 if *r is the result */
static int a_process_nans(Ctx *x, const Fmt *f, const uint64_t *ops, int n, uint64_t *r)
{
    for (int i = 0; i < n; i++)
        if (is_snan(f, ops[i])) {
            x->ff |= FF_INVALID;
            *r = x->dn ? def_nan(f) : ops[i] | f->quiet;
            return 1;
        }
    for (int i = 0; i < n; i++)
        if (is_nan(f, ops[i])) {
            *r = x->dn ? def_nan(f) : ops[i];
            return 1;
        }
    return 0;
}

/* The result of one rounded hardware step, with ARM's rounding rules: an
 * invalid operation gives the default NaN; tininess is detected before
 * rounding (recomputed toward zero when the result is at most the smallest
 * normal); FPSCR.FZ flushes a tiny result to zero with UFC and no IXC. */
static uint64_t a_rounded(Ctx *x, const Fmt *f, int op, int f64, uint64_t a, uint64_t b,
                        uint64_t c, int rmode)
{
    uint32_t mx;
    uint64_t r = hw(op, f64, a, b, c, x, rmode, &mx);
    if (is_nan(f, r)) {
        x->ff |= mx_to_ff(mx) & FF_INVALID;
        return def_nan(f);
    }
    uint32_t ff = mx_to_ff(mx) & ~FF_UNDERFLOW;
    if ((r & ~f->sign) <= min_normal(f) && (!is_zero(f, r) || (ff & FF_INEXACT))) {
        uint32_t mxz;
        uint64_t rz = hw(op, f64, a, b, c, x, FPR_ZERO, &mxz);
        int tiny = (rz & ~f->sign) < min_normal(f);
        if (tiny && x->fz) {
            x->ff |= FF_UNDERFLOW;
            return rz & f->sign;
        }
        if (tiny && (ff & FF_INEXACT))
            ff |= FF_UNDERFLOW;
    }
    x->ff |= ff;
    return r;
}

static uint64_t a_arith2(Ctx *x, int op, int f64, uint64_t a, uint64_t b)
{
    static const int hwop[] = { HW_ADD, HW_SUB, HW_MUL, HW_DIV };
    const Fmt *f = f64 ? &F64 : &F32;
    uint64_t ops[2] = { a_flush_in(x, f, a), a_flush_in(x, f, b) }, r;
    if (a_process_nans(x, f, ops, 2, &r))
        return r;
    return a_rounded(x, f, hwop[op], f64, ops[0], ops[1], 0, FPR_DYNAMIC);
}

/* FPMulAdd(addend c, op1 a, op2 b): NaNs in the order c, a, b; a quiet NaN
 * addend with 0 * inf is still an invalid operation (default NaN). */
static uint64_t a_muladd(Ctx *x, int f64, uint64_t a, uint64_t b, uint64_t c)
{
    const Fmt *f = f64 ? &F64 : &F32;
    uint64_t ops[3] = { a_flush_in(x, f, c), a_flush_in(x, f, a), a_flush_in(x, f, b) }, r;
    int infzero = (is_inf(f, ops[1]) && is_zero(f, ops[2]))
                  || (is_zero(f, ops[1]) && is_inf(f, ops[2]));
    if (a_process_nans(x, f, ops, 3, &r)) {
        if (infzero && is_nan(f, ops[0]) && !is_snan(f, ops[0])) {
            x->ff |= FF_INVALID;
            return def_nan(f);
        }
        return r;
    }
    return a_rounded(x, f, HW_FMA, f64, ops[1], ops[2], ops[0], FPR_DYNAMIC);
}

static uint64_t a_fsqrt(Ctx *x, int f64, uint64_t a)
{
    const Fmt *f = f64 ? &F64 : &F32;
    uint64_t v = a_flush_in(x, f, a), r;
    if (a_process_nans(x, f, &v, 1, &r))
        return r;
    if (is_zero(f, v))
        return v;
    if (v & f->sign) {
        x->ff |= FF_INVALID;
        return def_nan(f);
    }
    return a_rounded(x, f, HW_SQRT, f64, v, 0, 0, FPR_DYNAMIC);
}

/* magnitude order of two non-NaN values as signed integers */
static int64_t a_key(const Fmt *f, uint64_t v)
{
    int64_t m = (int64_t)(v & ~f->sign);
    return (v & f->sign) ? -m : m;
}

/* FPMinNum/FPMaxNum: a single quiet NaN becomes -+infinity, then FPMin/FPMax */
static uint64_t a_minmaxnum(Ctx *x, int f64, uint64_t a, uint64_t b, int is_max)
{
    const Fmt *f = f64 ? &F64 : &F32;
    uint64_t inf = f->exp | (is_max ? f->sign : 0), r;
    int qa = is_nan(f, a) && !is_snan(f, a), qb = is_nan(f, b) && !is_snan(f, b);
    if (qa && !qb)
        a = inf;
    else if (!qa && qb)
        b = inf;
    uint64_t ops[2] = { a_flush_in(x, f, a), a_flush_in(x, f, b) };
    if (a_process_nans(x, f, ops, 2, &r))
        return r;
    if (is_zero(f, ops[0]) && is_zero(f, ops[1]))
        return is_max ? (ops[0] & ops[1]) : (ops[0] | ops[1]);
    int64_t ka = a_key(f, ops[0]), kb = a_key(f, ops[1]);
    return is_max ? (ka > kb ? ops[0] : ops[1]) : (ka < kb ? ops[0] : ops[1]);
}

static uint64_t a_fcmp(Ctx *x, int f64, uint64_t a, uint64_t b, int sig)
{
    const Fmt *f = f64 ? &F64 : &F32;
    a = a_flush_in(x, f, a);
    b = a_flush_in(x, f, b);
    if (is_nan(f, a) || is_nan(f, b)) {
        if (sig || is_snan(f, a) || is_snan(f, b))
            x->ff |= FF_INVALID;
        return FCMP_UN;
    }
    if (is_zero(f, a) && is_zero(f, b))
        return FCMP_EQ;
    int64_t ka = a_key(f, a), kb = a_key(f, b);
    return ka == kb ? FCMP_EQ : ka < kb ? FCMP_LT : FCMP_GT;
}

/* FPConvertNaN: same sign, quiet, payload aligned at the top of the fraction */
static uint64_t a_convert_nan(const Fmt *from, const Fmt *to, uint64_t v)
{
    uint64_t payload = v & (from->quiet - 1);
    int shift = to->fbits - from->fbits;
    payload = shift >= 0 ? payload << shift : payload >> -shift;
    return ((v & from->sign) ? to->sign : 0) | to->exp | to->quiet | (payload & (to->quiet - 1));
}

static uint64_t a_fcvt(Ctx *x, int from64, uint64_t a)
{
    const Fmt *f = from64 ? &F64 : &F32, *t = from64 ? &F32 : &F64;
    a = a_flush_in(x, f, a);
    if (is_nan(f, a)) {
        if (is_snan(f, a))
            x->ff |= FF_INVALID;
        return x->dn ? def_nan(t) : a_convert_nan(f, t, a);
    }
    if (!from64) {                      /* widening is exact */
        uint32_t mx;
        return hw(HW_CVT, 0, a, 0, 0, x, FPR_ZERO, &mx);
    }
    return a_rounded(x, t, HW_CVT, 1, a, 0, 0, FPR_DYNAMIC);
}

/* round an exact double to an integral double (FPR_*, not DYNAMIC) */
static double a_round_int(double v, int rmode)
{
    if (!(fabs(v) < 4503599627370496.0))        /* 2^52: already integral (or inf) */
        return v;
    double t = trunc(v), e = v - t;               /* both exact */
    double one = signbit(v) ? -1.0 : 1.0;
    switch (rmode) {
    case FPR_NEAREST_EVEN:
        if (fabs(e) > 0.5 || (fabs(e) == 0.5 && fmod(t, 2.0) != 0))
            t += one;
        break;
    case FPR_NEAREST_AWAY:
        if (fabs(e) >= 0.5)
            t += one;
        break;
    case FPR_UP:
        if (e > 0)
            t += 1.0;
        break;
    case FPR_DOWN:
        if (e < 0)
            t -= 1.0;
        break;
    }
    return t == 0 ? copysign(0.0, v) : t;
}

static int a_dyn(const Ctx *x, int rmode) { return rmode == FPR_DYNAMIC ? x->rmode : rmode; }

/* FPToFixed: a * 2^fbits rounded, saturated to ibits (then sign- or zero-
 * extended); NaN -> 0; IOC on saturation or NaN, else IXC when inexact */
static uint64_t a_ftoi(Ctx *x, int f64, uint64_t a, int sgn, int rmode, int fbits, int ibits)
{
    const Fmt *f = f64 ? &F64 : &F32;
    a = a_flush_in(x, f, a);
    if (is_nan(f, a)) {
        x->ff |= FF_INVALID;
        return 0;
    }
    double v = f64 ? d_of(a) : (double)f_of(a);
    v = ldexp(v, fbits);                 /* exact, or +-inf far out of range */
    double r = a_round_int(v, a_dyn(x, rmode));
    double lo = sgn ? -ldexp(1.0, ibits - 1) : 0.0;
    double hi = sgn ? ldexp(1.0, ibits - 1) : ldexp(1.0, ibits);   /* exclusive */
    /* the result is sign- (signed) or zero-extended to 64 bits */
    if (r < lo) {
        x->ff |= FF_INVALID;
        r = lo;
    } else if (r >= hi) {
        x->ff |= FF_INVALID;
        return sgn ? (1ull << (ibits - 1)) - 1 : ibits == 64 ? ~0ull : (1ull << ibits) - 1;
    } else if (r != v) {
        x->ff |= FF_INEXACT;
    }
    return sgn ? (uint64_t)(int64_t)r : (uint64_t)r;
}

/* FixedToFP: integer a (ibits wide, sgn) * 2^-fbits, rounded by rmode
 * (FPR_DYNAMIC: the FPSCR's; ARM's fixed-point VCVT: nearest even) */
static uint64_t a_itof(Ctx *x, int f64, uint64_t a, int sgn, int fbits, int ibits, int rmode)
{
    uint32_t mx, mx2 = 0;
    uint64_t r;
    rmode = a_dyn(x, rmode);
    if (ibits < 64)
        a = sgn ? (uint64_t)(((int64_t)(a << (64 - ibits))) >> (64 - ibits))
                : a & ((1ull << ibits) - 1);
    if (!sgn && (a >> 63)) {             /* halve with a sticky bit, convert, double */
        r = hw(HW_ITOF, f64, (a >> 1) | (a & 1), 0, 0, x, rmode, &mx);
        r = hw(HW_ADD, f64, r, r, 0, x, rmode, &mx2);
    } else {
        r = hw(HW_ITOF, f64, a, 0, 0, x, rmode, &mx);
    }
    x->ff |= mx_to_ff(mx | mx2) & (FF_INEXACT | FF_OVERFLOW);
    if (fbits) {                         /* exact: the result stays normal */
        uint64_t scale = f64 ? bits_d(ldexp(1.0, -fbits)) : bits_f(ldexpf(1.0f, -fbits));
        r = hw(HW_MUL, f64, r, scale, 0, x, FPR_ZERO, &mx);
    }
    return r;
}

/* FPRoundInt: an integral value in the format; NaN processing; exact -> IXC */
static uint64_t a_fround(Ctx *x, int f64, uint64_t a, int rmode, int exact)
{
    const Fmt *f = f64 ? &F64 : &F32;
    uint64_t v = a_flush_in(x, f, a), r;
    if (a_process_nans(x, f, &v, 1, &r))
        return r;
    if (is_inf(f, v) || is_zero(f, v))
        return v;
    double d = f64 ? d_of(v) : (double)f_of(v);
    double t = a_round_int(d, a_dyn(x, rmode));
    if (exact && t != d)
        x->ff |= FF_INEXACT;
    return f64 ? bits_d(t) : bits_f((float)t);
}

/* FPRoundBase for a half-precision result from an exact nonzero finite
 * double (tininess before rounding; AHP: no infinities, saturation is IOC) */
static uint64_t a_round_half(Ctx *x, double v, int rmode)
{
    const int E = 5, F = 10, minimum_exp = -14;
    uint64_t sign = signbit(v) ? F16.sign : 0;
    int exponent;
    double mantissa = frexp(fabs(v), &exponent) * 2.0;       /* [1, 2) */
    exponent -= 1;
    int biased_exp = exponent - minimum_exp + 1;
    if (biased_exp < 0)
        biased_exp = 0;
    if (biased_exp == 0)
        mantissa = ldexp(mantissa, exponent - minimum_exp);
    double scaled = ldexp(mantissa, F);
    double int_mant = floor(scaled), error = scaled - int_mant;
    if (biased_exp == 0 && error != 0)
        x->ff |= FF_UNDERFLOW;
    int up = 0, to_inf = 0;
    switch (rmode) {
    case FPR_NEAREST_EVEN:
        up = error > 0.5 || (error == 0.5 && fmod(int_mant, 2.0) != 0);
        to_inf = 1;
        break;
    case FPR_UP: up = error != 0 && !sign; to_inf = !sign; break;
    case FPR_DOWN: up = error != 0 && sign; to_inf = !!sign; break;
    default: break;
    }
    if (up) {
        int_mant += 1;
        if (int_mant == ldexp(1.0, F + 1)) {
            biased_exp += 1;
            int_mant /= 2;
        }
    }
    if (biased_exp == 0 && int_mant >= ldexp(1.0, F))
        biased_exp = 1;
    uint64_t r;
    if (!x->ahp) {
        if (biased_exp >= (1 << E) - 1) {
            r = sign | (to_inf ? F16.exp : F16.exp - 1);
            x->ff |= FF_OVERFLOW;
            error = 1.0;
        } else {
            r = sign | (uint64_t)biased_exp << F | ((uint64_t)int_mant & F16.frac);
        }
    } else if (biased_exp >= (1 << E)) {
        r = sign | 0x7fff;
        x->ff |= FF_INVALID;
        error = 0;
    } else {
        r = sign | (uint64_t)biased_exp << F | ((uint64_t)int_mant & F16.frac);
    }
    if (error != 0)
        x->ff |= FF_INEXACT;
    return r;
}

static uint64_t a_ftoh(Ctx *x, int f64, uint64_t a)
{
    const Fmt *f = f64 ? &F64 : &F32;
    a = a_flush_in(x, f, a);
    uint64_t sign = (a & f->sign) ? F16.sign : 0;
    if (is_nan(f, a)) {
        if (is_snan(f, a) || x->ahp)
            x->ff |= FF_INVALID;
        if (x->ahp)
            return sign;
        return x->dn ? def_nan(&F16) : a_convert_nan(f, &F16, a);
    }
    if (is_inf(f, a)) {
        if (x->ahp) {
            x->ff |= FF_INVALID;
            return sign | 0x7fff;
        }
        return sign | F16.exp;
    }
    if (is_zero(f, a))
        return sign;
    return a_round_half(x, f64 ? d_of(a) : (double)f_of(a), x->rmode);
}

static uint64_t a_htof(Ctx *x, int to64, uint64_t a)
{
    const Fmt *t = to64 ? &F64 : &F32;
    a &= 0xffff;
    uint64_t sign = (a & F16.sign) ? t->sign : 0;
    if (!x->ahp && (a & F16.exp) == F16.exp) {
        if (!(a & F16.frac))
            return sign | t->exp;
        if (is_snan(&F16, a))
            x->ff |= FF_INVALID;
        return x->dn ? def_nan(t) : a_convert_nan(&F16, t, a);
    }
    int e = (int)(a >> 10 & 0x1f);
    double m = (double)(a & 0x3ff);
    double v = e ? ldexp(1024.0 + m, e - 25) : ldexp(m, -24);    /* exact */
    if (sign)
        v = -v;
    return to64 ? bits_d(v) : bits_f((float)v);
}

/* --------------------------------------------------------------- entry */
static uint32_t arm_fpscr_offset;

void fp_arm_configure(uint32_t fpscr_offset)
{
    arm_fpscr_offset = fpscr_offset;
}

static uint64_t arm_eval(Ctx *x, uint32_t opc, uint64_t a, uint64_t b, uint64_t c)
{
    int op = opc & 0xff, f64 = !!(opc & OPC_F64), flag = !!(opc & OPC_FLAG);
    int rmode = opc >> 10 & 7, fbits = opc >> 13 & 0x7f;
    static const int ibits_of[4] = { 32, 64, 16, 32 };
    int ibits = ibits_of[opc >> 20 & 3];
    switch (op) {
    case OP_ADD: case OP_SUB: case OP_MUL: case OP_DIV:
        return a_arith2(x, op, f64, a, b);
    case OP_MULADD: return a_muladd(x, f64, a, b, c);
    case OP_SQRT: return a_fsqrt(x, f64, a);
    case OP_MINNUM: return a_minmaxnum(x, f64, a, b, 0);
    case OP_MAXNUM: return a_minmaxnum(x, f64, a, b, 1);
    case OP_CMP: return a_fcmp(x, f64, a, b, flag);
    case OP_CVT: return a_fcvt(x, f64, a);
    case OP_FTOI: return a_ftoi(x, f64, a, flag, rmode, fbits, ibits);
    case OP_ITOF: return a_itof(x, f64, a, flag, fbits, ibits, rmode);
    case OP_ROUND: return a_fround(x, f64, a, rmode, flag);
    case OP_FTOH: return a_ftoh(x, f64, a);
    case OP_HTOF: return a_htof(x, f64, a);
    }
    return 0;
}

/* The ARM (AArch32 VFP) slow path: called by translated code with the guest
 * MXCSR live; leaves the MXCSR as it found it plus this op's flags. */
uint64_t fp_arm_slow(void *env, uint32_t opc, uint64_t a, uint64_t b, uint64_t c)
{
    uint32_t *fpscr = (uint32_t *)((char *)env + arm_fpscr_offset);
    uint32_t saved = csr_get();
    Ctx x;
    memset(&x, 0, sizeof(x));
    x.ctl = (saved & (3u << MX_RC_SHIFT)) | MX_DEFAULT;
    x.rmode = (int)rc_to_rmode[saved >> MX_RC_SHIFT & 3];
    x.fz = !!(*fpscr & FPSCR_FZ);
    x.dn = !!(*fpscr & FPSCR_DN);
    x.ahp = !!(*fpscr & FPSCR_AHP);
    uint64_t r = arm_eval(&x, opc, a, b, c);
    csr_set(saved | ff_to_mx(x.ff));
    if (x.idc)
        *fpscr |= FPSCR_IDC;
    return r;
}

/* ------------------------------------------------------- host description */
int fp_host_features(void)
{
    __builtin_cpu_init();
    return (__builtin_cpu_supports("sse4.1") ? 1 : 0) | (__builtin_cpu_supports("fma") ? 2 : 0);
}

static const struct { const char *name; void *addr; } fp_helpers[] = {
    { "fp_arm_slow", (void *)fp_arm_slow },
};

void *fp_helper_addr(const char *name)
{
    for (size_t i = 0; i < sizeof(fp_helpers) / sizeof(fp_helpers[0]); i++)
        if (!strcmp(fp_helpers[i].name, name))
            return fp_helpers[i].addr;
    return NULL;
}
