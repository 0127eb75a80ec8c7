/* Reference implementation of the IR's vector ops (ir.VEC_OPS), one whole
 * vector per call, for translated code (see usermode/translate/x86/vec.py).
 *
 * The code generator lowers most vector ops to inline SSE; it calls
 * neon_vop() for the ops that have no short exact SSE sequence (rounding
 * and saturating shifts by register, polynomial multiply, reciprocal
 * estimates...) and as the slow path of the inline floating-point ops when
 * a lane needs the guest's rules (a denormal, a NaN, a tiny result, a
 * non-default rounding mode).  Semantics are the ARM ARM's Advanced SIMD
 * ones: elements little-endian in the CPU state, saturation sets the sticky
 * flag (FPSCR.QC), floating point uses the "standard FPSCR value"
 * (flush-to-zero with IDC/UFC, default NaN, round to nearest even) whatever
 * the scalar mode, and its IEEE flags go to the live MXCSR (translated code
 * runs with the guest's MXCSR loaded: the IR's fpenv) where the scalar fp
 * ops keep them; IDC goes to the FPSCR word.
 *
 * opc = ir.vec_opcode(): op index | log2(esize) << 8 | (n == 16) << 10.
 * d, a, b are byte offsets in the CPU state (b may be 0 when unused), imm
 * the op's immediate.  This file is appended to runtime.c by build.py after
 * fp_helpers.c (its names are prefixed nh_ to stay clear of that file's);
 * neon_helpers.h is its cffi declaration.
 *
 * Usage (from translated code, or from Python through cffi):
 *     neon_configure(fpscr_offset, 1u << 27, 1u << 7);
 *     neon_vop(env, vec_opcode("qadd_s", 2, 16), d_off, a_off, b_off, 0);
 */

#include <math.h>

/* ------------------------------------------------------------------ tables */
#define NH_OPS(X) \
    X(add) X(sub) X(mul) X(and) X(or) X(xor) X(andc) X(orc) \
    X(min_s) X(min_u) X(max_s) X(max_u) \
    X(ceq) X(cgt_s) X(cgt_u) X(cge_s) X(cge_u) X(tst) \
    X(abd_s) X(abd_u) X(aba_s) X(aba_u) \
    X(hadd_s) X(hadd_u) X(rhadd_s) X(rhadd_u) X(hsub_s) X(hsub_u) \
    X(qadd_s) X(qadd_u) X(qsub_s) X(qsub_u) \
    X(shl_s) X(shl_u) X(rshl_s) X(rshl_u) X(qshl_s) X(qshl_u) X(qrshl_s) X(qrshl_u) \
    X(mla) X(mls) X(mulp) X(qdmulh) X(qrdmulh) X(bsl) X(bit) X(bif) \
    X(padd) X(pmax_s) X(pmax_u) X(pmin_s) X(pmin_u) \
    X(fadd) X(fsub) X(fmul) X(fabd) X(fmla) X(fmls) X(fma) X(fms) \
    X(fmax) X(fmin) X(fceq) X(fcge) X(fcgt) X(facge) X(facgt) \
    X(fpadd) X(fpmax) X(fpmin) X(frecps) X(frsqrts) \
    X(addl_s) X(addl_u) X(subl_s) X(subl_u) X(abdl_s) X(abdl_u) X(abal_s) X(abal_u) \
    X(mull_s) X(mull_u) X(mlal_s) X(mlal_u) X(mlsl_s) X(mlsl_u) \
    X(qdmull) X(qdmlal) X(qdmlsl) X(mullp) \
    X(addw_s) X(addw_u) X(subw_s) X(subw_u) \
    X(addhn) X(raddhn) X(subhn) X(rsubhn) \
    X(neg) X(abs) X(qneg) X(qabs) X(not) X(cls) X(clz) X(cnt) X(rev) \
    X(cgt0) X(cge0) X(ceq0) X(cle0) X(clt0) X(recpe_u) X(rsqrte_u) \
    X(fneg) X(fabs) X(fcgt0) X(fcge0) X(fceq0) X(fcle0) X(fclt0) X(frecpe) X(frsqrte) \
    X(fcvt_fs) X(fcvt_fu) X(fcvt_sf) X(fcvt_uf) \
    X(paddl_s) X(paddl_u) X(padal_s) X(padal_u) \
    X(movl_s) X(movl_u) X(movn) X(qmovn_s) X(qmovn_u) X(qmovun) X(fcvt_hf) X(fcvt_fh) \
    X(shli) X(shri_s) X(shri_u) X(rshri_s) X(rshri_u) \
    X(srai_s) X(srai_u) X(rsrai_s) X(rsrai_u) X(sri) X(sli) \
    X(qshli_s) X(qshli_u) X(qshlui) X(shll_s) X(shll_u) \
    X(shrn) X(rshrn) X(qshrn_s) X(qshrn_u) X(qrshrn_s) X(qrshrn_u) X(qshrun) X(qrshrun) \
    X(tbl) X(tbx) \
    X(fmaxnm) X(fminnm) X(frint) X(fcvtr_s) X(fcvtr_u)

#define NH_ENUM(n) NV_##n,
#define NH_NAME(n) #n,
enum { NH_OPS(NH_ENUM) NV_COUNT };
static const char *const nh_op_names[] = { NH_OPS(NH_NAME) };

/* FPSCR cumulative flags (the IR's FPF_* bits 0..4) and their MXCSR bits */
#define NH_IOC 1u
#define NH_DZC 2u
#define NH_OFC 4u
#define NH_UFC 8u
#define NH_IXC 16u
#define NH_MX_FLAGS 0x3fu
#define NH_MX_MASKED 0x1f80u
#define NH_MX_RZ (3u << 13)
#define NH_F32_DNAN 0x7fc00000u
#define NH_F32_MINN 0x00800000u

typedef __int128 i128;

static uint32_t nh_fpscr_offset, nh_sat_mask, nh_idc_mask;

void neon_configure(uint32_t fpscr_offset, uint32_t sat_mask, uint32_t idc_mask)
{
    nh_fpscr_offset = fpscr_offset;
    nh_sat_mask = sat_mask;
    nh_idc_mask = idc_mask;
}

int neon_op_count(void) { return NV_COUNT; }

/* ------------------------------------------------------------ per call state */
typedef struct {
    int esize;          /* element bytes */
    int sat;            /* some element saturated */
    uint32_t ff;        /* NH_IOC.. raised */
    int idc;            /* an input denormal was flushed */
} NhCtx;

static inline uint64_t nh_getu(const uint8_t *p, int e, int k)
{
    uint64_t v = 0;
    memcpy(&v, p + k * e, e);
    return v;
}

static inline int64_t nh_gets(const uint8_t *p, int e, int k)
{
    uint64_t v = nh_getu(p, e, k);
    int sh = 64 - 8 * e;
    return (int64_t)(v << sh) >> sh;
}

static inline void nh_put(uint8_t *p, int e, int k, uint64_t v)
{
    memcpy(p + k * e, &v, e);
}

static inline i128 nh_smax(int bits) { return ((i128)1 << (bits - 1)) - 1; }
static inline i128 nh_smin(int bits) { return -((i128)1 << (bits - 1)); }
static inline i128 nh_umax(int bits) { return ((i128)1 << bits) - 1; }

static inline uint64_t nh_sat_s(NhCtx *c, i128 v, int bits)
{
    if (v > nh_smax(bits)) { c->sat = 1; v = nh_smax(bits); }
    if (v < nh_smin(bits)) { c->sat = 1; v = nh_smin(bits); }
    return (uint64_t)v;
}

static inline uint64_t nh_sat_u(NhCtx *c, i128 v, int bits)
{
    if (v > nh_umax(bits)) { c->sat = 1; v = nh_umax(bits); }
    if (v < 0) { c->sat = 1; v = 0; }
    return (uint64_t)v;
}

/* a >> sh (sh >= 0) with optional rounding, infinite precision */
static inline i128 nh_shr(i128 a, int sh, int round)
{
    if (sh == 0)
        return a;
    if (sh > 100)
        return round ? 0 : (a < 0 ? -1 : 0);
    i128 r = a >> sh;
    if (round && ((a >> (sh - 1)) & 1))
        r += 1;
    return r;
}

/* VSHL/VRSHL/VQSHL/VQRSHL by a signed count: the element value widened */
static uint64_t nh_shift_reg(NhCtx *c, i128 v, int bits, int sh, int sgn, int rnd, int sat)
{
    if (sh < 0)
        return (uint64_t)nh_shr(v, -sh, rnd);
    if (v == 0)
        return 0;
    if (!sat)
        return sh >= bits ? 0 : (uint64_t)(v << sh);
    if (sgn) {
        if (sh >= bits || ((v >> (bits - 1 - sh)) != 0 && (v >> (bits - 1 - sh)) != -1)) {
            c->sat = 1;
            return (uint64_t)(v < 0 ? nh_smin(bits) : nh_smax(bits));
        }
        return (uint64_t)(v << sh);
    }
    if (sh >= bits || (v >> (bits - sh)) != 0) {
        c->sat = 1;
        return (uint64_t)nh_umax(bits);
    }
    return (uint64_t)(v << sh);
}

static inline int nh_clz(uint64_t v, int bits)
{
    int n = 0;
    for (int i = bits - 1; i >= 0 && !((v >> i) & 1); i--)
        n++;
    return n;
}

static inline uint64_t nh_pmul(uint64_t a, uint64_t b, int bits)
{
    uint64_t r = 0;
    for (int i = 0; i < bits; i++)
        if ((b >> i) & 1)
            r ^= a << i;
    return r;
}

/* ------------------------------------------------------------ floating point */
static inline uint32_t nh_csr_get(void)
{
    uint32_t v;
    __asm__ volatile("stmxcsr %0" : "=m"(v) : : "memory");
    return v;
}

static inline void nh_csr_set(uint32_t v)
{
    __asm__ volatile("ldmxcsr %0" : : "m"(v) : "memory");
}

static inline float nh_f(uint32_t v) { float f; memcpy(&f, &v, 4); return f; }
static inline uint32_t nh_u(float f) { uint32_t v; memcpy(&v, &f, 4); return v; }
static inline int nh_isnan(uint32_t v) { return (v & 0x7f800000u) == 0x7f800000u && (v & 0x7fffffu); }
static inline int nh_issnan(uint32_t v) { return nh_isnan(v) && !(v & 0x400000u); }
static inline int nh_isinf(uint32_t v) { return (v & 0x7fffffffu) == 0x7f800000u; }
static inline int nh_iszero(uint32_t v) { return !(v & 0x7fffffffu); }

static inline uint32_t nh_flush(NhCtx *c, uint32_t v)
{
    if (!(v & 0x7f800000u) && (v & 0x7fffffu)) {
        c->idc = 1;
        return v & 0x80000000u;
    }
    return v;
}

enum { NH_ADD, NH_SUB, NH_MUL, NH_DIV, NH_FMA };
static float (*volatile nh_fmaf)(float, float, float) = fmaf;   /* correctly rounded, flags */

/* one IEEE operation in a given MXCSR rounding control; *mx gets its flags */
static uint32_t nh_hw(int op, uint32_t a, uint32_t b, uint32_t cc, uint32_t rc, uint32_t *mx)
{
    nh_csr_set(NH_MX_MASKED | rc);
    float p = nh_f(a), q = nh_f(b);
    switch (op) {
    case NH_ADD: __asm__ volatile("addss %1, %0" : "+x"(p) : "x"(q)); break;
    case NH_SUB: __asm__ volatile("subss %1, %0" : "+x"(p) : "x"(q)); break;
    case NH_MUL: __asm__ volatile("mulss %1, %0" : "+x"(p) : "x"(q)); break;
    case NH_DIV: __asm__ volatile("divss %1, %0" : "+x"(p) : "x"(q)); break;
    case NH_FMA: p = nh_fmaf(p, q, nh_f(cc)); break;
    }
    *mx = nh_csr_get() & NH_MX_FLAGS;
    nh_csr_set(NH_MX_MASKED);
    return nh_u(p);
}

static inline uint32_t nh_mx_to_ff(uint32_t mx)
{
    return (mx & 1 ? NH_IOC : 0) | (mx & 4 ? NH_DZC : 0) | (mx & 8 ? NH_OFC : 0)
           | (mx & 0x10 ? NH_UFC : 0) | (mx & 0x20 ? NH_IXC : 0);
}

/* The standard-FPSCR result of an arithmetic op (inputs already flushed and
 * free of NaNs): FPRound with FZ (a result tiny before rounding is +-0 with
 * UFC only), the default NaN for an invalid operation. */
static uint32_t nh_round(NhCtx *c, int op, uint32_t a, uint32_t b, uint32_t cc)
{
    uint32_t mx;
    uint32_t r = nh_hw(op, a, b, cc, 0, &mx);
    if (nh_isnan(r)) {
        c->ff |= NH_IOC;
        return NH_F32_DNAN;
    }
    uint32_t ff = nh_mx_to_ff(mx) & ~NH_UFC;
    if ((r & 0x7fffffffu) <= NH_F32_MINN && (!nh_iszero(r) || (ff & NH_IXC))) {
        uint32_t mxz;
        uint32_t rz = nh_hw(op, a, b, cc, NH_MX_RZ, &mxz);
        if ((rz & 0x7fffffffu) < NH_F32_MINN) {
            c->ff |= NH_UFC;
            return r & 0x80000000u;
        }
    }
    c->ff |= ff;
    return r;
}

/* FPProcessNaNs with default NaN: 1 (and *r) if an operand is a NaN */
static int nh_nans(NhCtx *c, const uint32_t *ops, int n, uint32_t *r)
{
    int any = 0;
    for (int i = 0; i < n; i++) {
        if (nh_issnan(ops[i]))
            c->ff |= NH_IOC;
        any |= nh_isnan(ops[i]);
    }
    if (any)
        *r = NH_F32_DNAN;
    return any;
}

static uint32_t nh_farith(NhCtx *c, int op, uint32_t a, uint32_t b)
{
    uint32_t ops[2] = { nh_flush(c, a), nh_flush(c, b) }, r;
    if (nh_nans(c, ops, 2, &r))
        return r;
    return nh_round(c, op, ops[0], ops[1], 0);
}

/* FPMulAdd(addend, op1, op2), fused */
static uint32_t nh_ffma(NhCtx *c, uint32_t addend, uint32_t a, uint32_t b)
{
    uint32_t ops[3] = { nh_flush(c, addend), nh_flush(c, a), nh_flush(c, b) }, r;
    int inf_zero = (nh_isinf(ops[1]) && nh_iszero(ops[2])) || (nh_iszero(ops[1]) && nh_isinf(ops[2]));
    if (nh_isnan(ops[0]) && !nh_issnan(ops[0]) && inf_zero && !nh_isnan(ops[1]) && !nh_isnan(ops[2])) {
        c->ff |= NH_IOC;
        return NH_F32_DNAN;
    }
    if (nh_nans(c, ops, 3, &r))
        return r;
    return nh_round(c, NH_FMA, ops[1], ops[2], ops[0]);
}

/* FPMax / FPMin (not the NM variants) */
static uint32_t nh_fminmax(NhCtx *c, uint32_t a, uint32_t b, int is_max)
{
    uint32_t ops[2] = { nh_flush(c, a), nh_flush(c, b) }, r;
    if (nh_nans(c, ops, 2, &r))
        return r;
    a = ops[0];
    b = ops[1];
    if (nh_iszero(a) && nh_iszero(b))
        return is_max ? (a & b) : (a | b);
    int gt = nh_f(a) > nh_f(b);
    return (gt == is_max) ? a : b;
}

/* FPMaxNum / FPMinNum: a quiet NaN loses against a number */
static uint32_t nh_fminmaxnm(NhCtx *c, uint32_t a, uint32_t b, int is_max)
{
    a = nh_flush(c, a);
    b = nh_flush(c, b);
    uint32_t loser = is_max ? 0xff800000u : 0x7f800000u;
    int qa = nh_isnan(a) && !nh_issnan(a), qb = nh_isnan(b) && !nh_issnan(b);
    if (qa && !nh_isnan(b))
        a = loser;
    else if (qb && !nh_isnan(a))
        b = loser;
    return nh_fminmax(c, a, b, is_max);
}

/* round to an integer-valued double by mode (FPR_*: 0 even, 1 up, 2 down, 3 zero, 4 away) */
static double nh_round_mode(double x, int mode)
{
    switch (mode) {
    case 1: return __builtin_ceil(x);
    case 2: return __builtin_floor(x);
    case 3: return __builtin_trunc(x);
    case 4: return __builtin_round(x);
    default: return __builtin_nearbyint(x);              /* MXCSR: nearest even */
    }
}

/* t, the rounded value of an exact x, as a 32-bit integer: saturated with
 * Invalid when out of range, else Inexact when t != x */
static uint32_t nh_sat32(NhCtx *c, double x, double t, int uns)
{
    double lo = uns ? 0.0 : -2147483648.0, hi = uns ? 4294967295.0 : 2147483647.0;
    if (t < lo) {
        c->ff |= NH_IOC;
        return uns ? 0 : 0x80000000u;
    }
    if (t > hi) {
        c->ff |= NH_IOC;
        return uns ? 0xffffffffu : 0x7fffffffu;
    }
    if (t != x)
        c->ff |= NH_IXC;
    return uns ? (uint32_t)(uint64_t)t : (uint32_t)(int32_t)(int64_t)t;
}

/* FPRoundInt: mode | 8 = exact (raise inexact) */
static uint32_t nh_frint(NhCtx *c, uint32_t v, int mode)
{
    v = nh_flush(c, v);
    if (nh_isnan(v)) {
        if (nh_issnan(v))
            c->ff |= NH_IOC;
        return NH_F32_DNAN;
    }
    if (nh_isinf(v) || nh_iszero(v))
        return v;
    double x = (double)nh_f(v);
    double r = nh_round_mode(x, mode & 7);
    if ((mode & 8) && r != x)
        c->ff |= NH_IXC;
    uint32_t out = nh_u((float)r);
    if (r == 0)
        out = v & 0x80000000u;                            /* keep the sign of a zero */
    return out;
}

/* FPToFixed with a rounding mode (no fraction bits) */
static uint32_t nh_ftoi_r(NhCtx *c, uint32_t v, int mode, int uns)
{
    v = nh_flush(c, v);
    if (nh_isnan(v)) {
        c->ff |= NH_IOC;
        return 0;
    }
    double x = (double)nh_f(v);
    return nh_sat32(c, x, nh_round_mode(x, mode), uns);
}

/* compares: 0 eq (quiet), 1 ge, 2 gt (signalling), abs: compare magnitudes */
static uint32_t nh_fcmp(NhCtx *c, uint32_t a, uint32_t b, int kind, int abs)
{
    a = nh_flush(c, a);
    b = nh_flush(c, b);
    if (nh_isnan(a) || nh_isnan(b)) {
        if (kind != 0 || nh_issnan(a) || nh_issnan(b))
            c->ff |= NH_IOC;
        return 0;
    }
    if (abs) {
        a &= 0x7fffffffu;
        b &= 0x7fffffffu;
    }
    float x = nh_f(a), y = nh_f(b);
    int t = kind == 0 ? x == y : kind == 1 ? x >= y : x > y;
    return t ? 0xffffffffu : 0;
}

static uint32_t nh_frecps(NhCtx *c, uint32_t a, uint32_t b, int rsqrt)
{
    a = nh_flush(c, a);
    b = nh_flush(c, b);
    if ((nh_isinf(a) && nh_iszero(b)) || (nh_isinf(b) && nh_iszero(a)))
        return rsqrt ? 0x3fc00000u : 0x40000000u;             /* 1.5 : 2.0 */
    uint32_t p = nh_farith(c, NH_MUL, a, b);
    uint32_t r = nh_farith(c, NH_SUB, rsqrt ? 0x40400000u : 0x40000000u, p);
    return rsqrt ? nh_farith(c, NH_DIV, r, 0x40000000u) : r;
}

/* RecipEstimate / RecipSqrtEstimate of the ARM ARM */
static int nh_recip_est(int a)
{
    a = a * 2 + 1;
    int b = (1 << 19) / a;
    return (b + 1) >> 1;
}

static int nh_rsqrt_est(int a)
{
    if (a < 256)
        a = a * 2 + 1;
    else
        a = ((a >> 1) << 1) * 2 + 2;
    int b = 512;
    while (a * (b + 1) * (b + 1) < (1 << 28))
        b++;
    return (b + 1) / 2;
}

static uint32_t nh_frecpe(NhCtx *c, uint32_t v)
{
    v = nh_flush(c, v);
    uint32_t sign = v & 0x80000000u;
    int exp = (v >> 23) & 0xff;
    if (nh_isnan(v)) {
        if (nh_issnan(v))
            c->ff |= NH_IOC;
        return NH_F32_DNAN;
    }
    if (nh_isinf(v))
        return sign;
    if (nh_iszero(v)) {
        c->ff |= NH_DZC;
        return sign | 0x7f800000u;
    }
    if (exp >= 253) {
        c->ff |= NH_UFC;
        return sign;
    }
    int est = nh_recip_est(0x100 | ((v >> 15) & 0xff));
    int rexp = 253 - exp;
    uint64_t frac = (uint64_t)(est & 0xff) << 44;                /* binary point at 52 */
    if (rexp == 0) {
        frac = (frac >> 1) | (1ull << 51);
    } else if (rexp == -1) {
        frac = (frac >> 2) | (1ull << 50);
        rexp = 0;
    }
    return sign | (uint32_t)rexp << 23 | ((uint32_t)(frac >> 29) & 0x7fffffu);
}

static uint32_t nh_frsqrte(NhCtx *c, uint32_t v)
{
    v = nh_flush(c, v);
    int exp = (v >> 23) & 0xff;
    if (nh_isnan(v)) {
        if (nh_issnan(v))
            c->ff |= NH_IOC;
        return NH_F32_DNAN;
    }
    if (nh_iszero(v)) {
        c->ff |= NH_DZC;
        return (v & 0x80000000u) | 0x7f800000u;
    }
    if (v & 0x80000000u) {
        c->ff |= NH_IOC;
        return NH_F32_DNAN;
    }
    if (nh_isinf(v))
        return 0;
    uint64_t frac = (uint64_t)(v & 0x7fffffu) << 29;
    int scaled = (exp & 1) ? (0x80 | (int)((frac >> 45) & 0x7f)) : (0x100 | (int)((frac >> 44) & 0xff));
    int est = nh_rsqrt_est(scaled);
    int rexp = (380 - exp) / 2;
    return (uint32_t)rexp << 23 | (uint32_t)(est & 0xff) << 15;
}

/* FPToFixed, round toward zero, saturating (NaN -> 0) */
static uint32_t nh_ftoi(NhCtx *c, uint32_t v, int fbits, int uns)
{
    v = nh_flush(c, v);
    if (nh_isnan(v)) {
        c->ff |= NH_IOC;
        return 0;
    }
    double x = (double)nh_f(v) * (double)(1ull << fbits);      /* exact */
    return nh_sat32(c, x, x < 0 ? -__builtin_floor(-x) : __builtin_floor(x), uns);
}

/* FixedToFP, round to nearest even */
static uint32_t nh_itof(NhCtx *c, uint32_t v, int fbits, int uns)
{
    double x = uns ? (double)v : (double)(int32_t)v;             /* exact */
    float f = (float)x;                                          /* host: nearest even */
    if ((double)f != x)
        c->ff |= NH_IXC;
    double scaled = (double)f / (double)(1ull << fbits);         /* exact */
    return nh_u((float)scaled);
}

/* binary16 <-> binary32 (IEEE or ARM alternative half precision) */
static uint32_t nh_h2f(NhCtx *c, uint32_t h, int ahp)
{
    uint32_t sign = (h & 0x8000u) << 16;
    int exp = (h >> 10) & 0x1f;
    uint32_t frac = h & 0x3ff;
    if (exp == 0x1f && !ahp) {
        if (frac) {
            if (!(frac & 0x200))
                c->ff |= NH_IOC;
            return NH_F32_DNAN;
        }
        return sign | 0x7f800000u;
    }
    if (exp == 0) {
        if (!frac)
            return sign;
        /* half denormals are normal singles (no flush for the half input) */
        int e = 0;
        while (!(frac & 0x400)) {
            frac <<= 1;
            e--;
        }
        return sign | (uint32_t)(127 - 15 + e + 1) << 23 | (frac & 0x3ff) << 13;
    }
    return sign | (uint32_t)(exp - 15 + 127) << 23 | frac << 13;
}

static uint32_t nh_f2h(NhCtx *c, uint32_t v, int ahp)
{
    v = nh_flush(c, v);
    uint32_t sign = (v >> 16) & 0x8000u;
    if (nh_isnan(v)) {
        if (ahp) {
            c->ff |= NH_IOC;
            return sign;
        }
        if (nh_issnan(v))
            c->ff |= NH_IOC;
        return 0x7e00u;
    }
    if (nh_isinf(v)) {
        if (ahp) {
            c->ff |= NH_IOC;
            return sign | 0x7fffu;
        }
        return sign | 0x7c00u;
    }
    if (nh_iszero(v))
        return sign;
    /* round |v| to a half-precision value, nearest even */
    double x = __builtin_fabs((double)nh_f(v));
    int e;
    double m = __builtin_frexp(x, &e);                          /* x = m * 2^e, m in [0.5, 1) */
    int emin = -14;
    int q = e - 1 < emin ? emin : e - 1;                         /* exponent of the ulp scale */
    double scale = __builtin_ldexp(1.0, q - 10);
    double units = x / scale;                                    /* exact */
    double r = __builtin_nearbyint(units);                       /* host rounding: nearest */
    (void)m;
    double res = r * scale;
    double maxh = ahp ? 131008.0 : 65504.0;
    if (res > maxh) {
        if (ahp) {                      /* saturates: Invalid only (this lane: no IXC) */
            c->ff |= NH_IOC;
            return sign | 0x7fffu;
        }
        c->ff |= NH_OFC | NH_IXC;
        return sign | 0x7c00u;
    }
    if (r != units)                     /* flags of this lane only: other lanes keep theirs */
        c->ff |= NH_IXC;
    if (res < __builtin_ldexp(1.0, -14) && r != units)
        c->ff |= NH_UFC;
    if (res == 0)
        return sign;
    int he;
    double hm = __builtin_frexp(res, &he);
    if (he - 1 < emin)
        return sign | (uint32_t)(res / __builtin_ldexp(1.0, -24));
    return sign | (uint32_t)(he - 1 + 15) << 10 | ((uint32_t)(hm * 2048.0) & 0x3ff);
}

/* ------------------------------------------------------------------ entry */
static inline int nh_is_fp(int op)
{
    return (op >= NV_fadd && op <= NV_frsqrts) || (op >= NV_fneg && op <= NV_fcvt_uf)
           || op == NV_fcvt_hf || op == NV_fcvt_fh || op >= NV_fmaxnm;
}

uint64_t neon_vop(void *env, uint32_t opc, uint32_t d, uint32_t a, uint32_t b, uint32_t imm)
{
    uint8_t *E = env;
    int op = opc & 0xff, e = 1 << ((opc >> 8) & 3), n = (opc & 0x400) ? 16 : 8;
    int bits = 8 * e, sh = (int)imm;
    uint8_t A[32], B[32], D[32], R[32];
    NhCtx c;
    memset(&c, 0, sizeof(c));
    c.esize = e;
    memcpy(A, E + a, 16);
    memcpy(D, E + d, 16);
    memcpy(R, D, 16);
    if (b)
        memcpy(B, E + b, op == NV_tbl || op == NV_tbx ? (imm > 32 ? 32 : imm) : 16);
    else
        memset(B, 0, sizeof(B));
    uint32_t saved = 0;
    if (nh_is_fp(op)) {
        saved = nh_csr_get();
        nh_csr_set(NH_MX_MASKED);           /* nearest even, no flags, no FTZ/DAZ */
    }
    int ne = n / e;                                  /* elements of d for "same" ops */
    int k;
    uint32_t *fpscr = (uint32_t *)(E + nh_fpscr_offset);
    int ahp = nh_fpscr_offset && (*fpscr & (1u << 26));

#define SA(k) nh_gets(A, e, k)
#define UA(k) nh_getu(A, e, k)
#define SB(k) nh_gets(B, e, k)
#define UB(k) nh_getu(B, e, k)
#define SD(k) nh_gets(D, e, k)
#define UD(k) nh_getu(D, e, k)
#define PUT(k, v) nh_put(R, e, k, (uint64_t)(v))
#define PUT2(k, v) nh_put(R, 2 * e, k, (uint64_t)(v))
#define PUTH(k, v) nh_put(R, e / 2, k, (uint64_t)(v))
#define F32(p, k) ((uint32_t)nh_getu(p, 4, k))

    switch (op) {
    case NV_add: for (k = 0; k < ne; k++) PUT(k, UA(k) + UB(k)); break;
    case NV_sub: for (k = 0; k < ne; k++) PUT(k, UA(k) - UB(k)); break;
    case NV_mul: for (k = 0; k < ne; k++) PUT(k, UA(k) * UB(k)); break;
    case NV_and: for (k = 0; k < ne; k++) PUT(k, UA(k) & UB(k)); break;
    case NV_or: for (k = 0; k < ne; k++) PUT(k, UA(k) | UB(k)); break;
    case NV_xor: for (k = 0; k < ne; k++) PUT(k, UA(k) ^ UB(k)); break;
    case NV_andc: for (k = 0; k < ne; k++) PUT(k, UA(k) & ~UB(k)); break;
    case NV_orc: for (k = 0; k < ne; k++) PUT(k, UA(k) | ~UB(k)); break;
    case NV_min_s: for (k = 0; k < ne; k++) PUT(k, SA(k) < SB(k) ? SA(k) : SB(k)); break;
    case NV_min_u: for (k = 0; k < ne; k++) PUT(k, UA(k) < UB(k) ? UA(k) : UB(k)); break;
    case NV_max_s: for (k = 0; k < ne; k++) PUT(k, SA(k) > SB(k) ? SA(k) : SB(k)); break;
    case NV_max_u: for (k = 0; k < ne; k++) PUT(k, UA(k) > UB(k) ? UA(k) : UB(k)); break;
    case NV_ceq: for (k = 0; k < ne; k++) PUT(k, UA(k) == UB(k) ? -1 : 0); break;
    case NV_cgt_s: for (k = 0; k < ne; k++) PUT(k, SA(k) > SB(k) ? -1 : 0); break;
    case NV_cgt_u: for (k = 0; k < ne; k++) PUT(k, UA(k) > UB(k) ? -1 : 0); break;
    case NV_cge_s: for (k = 0; k < ne; k++) PUT(k, SA(k) >= SB(k) ? -1 : 0); break;
    case NV_cge_u: for (k = 0; k < ne; k++) PUT(k, UA(k) >= UB(k) ? -1 : 0); break;
    case NV_tst: for (k = 0; k < ne; k++) PUT(k, (UA(k) & UB(k)) ? -1 : 0); break;
    case NV_abd_s: case NV_aba_s:
        for (k = 0; k < ne; k++) {
            i128 t = (i128)SA(k) - SB(k);
            PUT(k, (op == NV_aba_s ? UD(k) : 0) + (uint64_t)(t < 0 ? -t : t));
        }
        break;
    case NV_abd_u: case NV_aba_u:
        for (k = 0; k < ne; k++) {
            i128 t = (i128)UA(k) - UB(k);
            PUT(k, (op == NV_aba_u ? UD(k) : 0) + (uint64_t)(t < 0 ? -t : t));
        }
        break;
    case NV_hadd_s: for (k = 0; k < ne; k++) PUT(k, ((i128)SA(k) + SB(k)) >> 1); break;
    case NV_hadd_u: for (k = 0; k < ne; k++) PUT(k, ((i128)UA(k) + UB(k)) >> 1); break;
    case NV_rhadd_s: for (k = 0; k < ne; k++) PUT(k, ((i128)SA(k) + SB(k) + 1) >> 1); break;
    case NV_rhadd_u: for (k = 0; k < ne; k++) PUT(k, ((i128)UA(k) + UB(k) + 1) >> 1); break;
    case NV_hsub_s: for (k = 0; k < ne; k++) PUT(k, ((i128)SA(k) - SB(k)) >> 1); break;
    case NV_hsub_u: for (k = 0; k < ne; k++) PUT(k, ((i128)UA(k) - UB(k)) >> 1); break;
    case NV_qadd_s: for (k = 0; k < ne; k++) PUT(k, nh_sat_s(&c, (i128)SA(k) + SB(k), bits)); break;
    case NV_qadd_u: for (k = 0; k < ne; k++) PUT(k, nh_sat_u(&c, (i128)UA(k) + UB(k), bits)); break;
    case NV_qsub_s: for (k = 0; k < ne; k++) PUT(k, nh_sat_s(&c, (i128)SA(k) - SB(k), bits)); break;
    case NV_qsub_u: for (k = 0; k < ne; k++) PUT(k, nh_sat_u(&c, (i128)UA(k) - UB(k), bits)); break;
    case NV_shl_s: case NV_rshl_s: case NV_qshl_s: case NV_qrshl_s:
        for (k = 0; k < ne; k++)
            PUT(k, nh_shift_reg(&c, SA(k), bits, (int8_t)UB(k), 1,
                                op == NV_rshl_s || op == NV_qrshl_s,
                                op == NV_qshl_s || op == NV_qrshl_s));
        break;
    case NV_shl_u: case NV_rshl_u: case NV_qshl_u: case NV_qrshl_u:
        for (k = 0; k < ne; k++)
            PUT(k, nh_shift_reg(&c, UA(k), bits, (int8_t)UB(k), 0,
                                op == NV_rshl_u || op == NV_qrshl_u,
                                op == NV_qshl_u || op == NV_qrshl_u));
        break;
    case NV_mla: for (k = 0; k < ne; k++) PUT(k, UD(k) + UA(k) * UB(k)); break;
    case NV_mls: for (k = 0; k < ne; k++) PUT(k, UD(k) - UA(k) * UB(k)); break;
    case NV_mulp: for (k = 0; k < ne; k++) PUT(k, nh_pmul(UA(k), UB(k), bits)); break;
    case NV_qdmulh: case NV_qrdmulh:
        for (k = 0; k < ne; k++) {
            i128 p = 2 * (i128)SA(k) * SB(k) + (op == NV_qrdmulh ? (i128)1 << (bits - 1) : 0);
            PUT(k, nh_sat_s(&c, p >> bits, bits));
        }
        break;
    case NV_bsl: for (k = 0; k < ne; k++) PUT(k, (UD(k) & UA(k)) | (~UD(k) & UB(k))); break;
    case NV_bit: for (k = 0; k < ne; k++) PUT(k, (UB(k) & UA(k)) | (~UB(k) & UD(k))); break;
    case NV_bif: for (k = 0; k < ne; k++) PUT(k, (UB(k) & UD(k)) | (~UB(k) & UA(k))); break;
    case NV_padd: case NV_pmax_s: case NV_pmax_u: case NV_pmin_s: case NV_pmin_u:
        for (k = 0; k < ne; k++) {
            const uint8_t *s = k < ne / 2 ? A : B;
            int j = 2 * (k % (ne / 2));
            int64_t x = nh_gets(s, e, j), y = nh_gets(s, e, j + 1);
            uint64_t ux = nh_getu(s, e, j), uy = nh_getu(s, e, j + 1);
            uint64_t r = op == NV_padd ? ux + uy : op == NV_pmax_s ? (uint64_t)(x > y ? x : y)
                       : op == NV_pmax_u ? (ux > uy ? ux : uy) : op == NV_pmin_s ? (uint64_t)(x < y ? x : y)
                       : (ux < uy ? ux : uy);
            PUT(k, r);
        }
        break;
    /* float, same shape */
    case NV_fadd: for (k = 0; k < ne; k++) PUT(k, nh_farith(&c, NH_ADD, F32(A, k), F32(B, k))); break;
    case NV_fsub: for (k = 0; k < ne; k++) PUT(k, nh_farith(&c, NH_SUB, F32(A, k), F32(B, k))); break;
    case NV_fmul: for (k = 0; k < ne; k++) PUT(k, nh_farith(&c, NH_MUL, F32(A, k), F32(B, k))); break;
    case NV_fabd:
        for (k = 0; k < ne; k++) PUT(k, nh_farith(&c, NH_SUB, F32(A, k), F32(B, k)) & 0x7fffffffu);
        break;
    case NV_fmla: case NV_fmls:
        for (k = 0; k < ne; k++) {
            uint32_t p = nh_farith(&c, NH_MUL, F32(A, k), F32(B, k));
            PUT(k, nh_farith(&c, op == NV_fmla ? NH_ADD : NH_SUB, F32(D, k), p));
        }
        break;
    case NV_fma: case NV_fms:
        for (k = 0; k < ne; k++)
            PUT(k, nh_ffma(&c, F32(D, k), F32(A, k) ^ (op == NV_fms ? 0x80000000u : 0), F32(B, k)));
        break;
    case NV_fmax: for (k = 0; k < ne; k++) PUT(k, nh_fminmax(&c, F32(A, k), F32(B, k), 1)); break;
    case NV_fmin: for (k = 0; k < ne; k++) PUT(k, nh_fminmax(&c, F32(A, k), F32(B, k), 0)); break;
    case NV_fceq: for (k = 0; k < ne; k++) PUT(k, nh_fcmp(&c, F32(A, k), F32(B, k), 0, 0)); break;
    case NV_fcge: for (k = 0; k < ne; k++) PUT(k, nh_fcmp(&c, F32(A, k), F32(B, k), 1, 0)); break;
    case NV_fcgt: for (k = 0; k < ne; k++) PUT(k, nh_fcmp(&c, F32(A, k), F32(B, k), 2, 0)); break;
    case NV_facge: for (k = 0; k < ne; k++) PUT(k, nh_fcmp(&c, F32(A, k), F32(B, k), 1, 1)); break;
    case NV_facgt: for (k = 0; k < ne; k++) PUT(k, nh_fcmp(&c, F32(A, k), F32(B, k), 2, 1)); break;
    case NV_fpadd: case NV_fpmax: case NV_fpmin:
        for (k = 0; k < ne; k++) {
            const uint8_t *s = k < ne / 2 ? A : B;
            int j = 2 * (k % (ne / 2));
            uint32_t x = F32(s, j), y = F32(s, j + 1);
            PUT(k, op == NV_fpadd ? nh_farith(&c, NH_ADD, x, y) : nh_fminmax(&c, x, y, op == NV_fpmax));
        }
        break;
    case NV_frecps: for (k = 0; k < ne; k++) PUT(k, nh_frecps(&c, F32(A, k), F32(B, k), 0)); break;
    case NV_frsqrts: for (k = 0; k < ne; k++) PUT(k, nh_frecps(&c, F32(A, k), F32(B, k), 1)); break;
    /* long: d has ne/2 elements of 2e */
    case NV_addl_s: case NV_subl_s: case NV_abdl_s: case NV_abal_s:
    case NV_mull_s: case NV_mlal_s: case NV_mlsl_s:
        for (k = 0; k < ne / 2; k++) {
            i128 x = SA(k), y = SB(k), acc = nh_gets(D, 2 * e, k);
            i128 r = op == NV_addl_s ? x + y : op == NV_subl_s ? x - y
                   : op == NV_abdl_s ? (x > y ? x - y : y - x)
                   : op == NV_abal_s ? acc + (x > y ? x - y : y - x)
                   : op == NV_mull_s ? x * y : op == NV_mlal_s ? acc + x * y : acc - x * y;
            PUT2(k, r);
        }
        break;
    case NV_addl_u: case NV_subl_u: case NV_abdl_u: case NV_abal_u:
    case NV_mull_u: case NV_mlal_u: case NV_mlsl_u:
        for (k = 0; k < ne / 2; k++) {
            i128 x = UA(k), y = UB(k), acc = nh_getu(D, 2 * e, k);
            i128 r = op == NV_addl_u ? x + y : op == NV_subl_u ? x - y
                   : op == NV_abdl_u ? (x > y ? x - y : y - x)
                   : op == NV_abal_u ? acc + (x > y ? x - y : y - x)
                   : op == NV_mull_u ? x * y : op == NV_mlal_u ? acc + x * y : acc - x * y;
            PUT2(k, r);
        }
        break;
    case NV_qdmull: case NV_qdmlal: case NV_qdmlsl:
        for (k = 0; k < ne / 2; k++) {
            uint64_t p = nh_sat_s(&c, 2 * (i128)SA(k) * SB(k), 2 * bits);
            int64_t ps = (int64_t)(p << (64 - 2 * bits)) >> (64 - 2 * bits);
            i128 acc = nh_gets(D, 2 * e, k);
            if (op == NV_qdmull)
                PUT2(k, p);
            else
                PUT2(k, nh_sat_s(&c, op == NV_qdmlal ? acc + ps : acc - ps, 2 * bits));
        }
        break;
    case NV_mullp: for (k = 0; k < ne / 2; k++) PUT2(k, nh_pmul(UA(k), UB(k), bits)); break;
    /* wide: a and d 2e elements, b e */
    case NV_addw_s: case NV_subw_s:
        for (k = 0; k < ne / 2; k++) {
            uint64_t x = nh_getu(A, 2 * e, k);
            PUT2(k, op == NV_addw_s ? x + (uint64_t)SB(k) : x - (uint64_t)SB(k));
        }
        break;
    case NV_addw_u: case NV_subw_u:
        for (k = 0; k < ne / 2; k++) {
            uint64_t x = nh_getu(A, 2 * e, k);
            PUT2(k, op == NV_addw_u ? x + UB(k) : x - UB(k));
        }
        break;
    /* narrow: d (8 bytes) has 8/(e/2) elements; a, b elements of e */
    case NV_addhn: case NV_raddhn: case NV_subhn: case NV_rsubhn:
        for (k = 0; k < 16 / e; k++) {
            uint64_t x = UA(k), y = UB(k);
            uint64_t r = (op == NV_addhn || op == NV_raddhn) ? x + y : x - y;
            if (op == NV_raddhn || op == NV_rsubhn)
                r += 1ull << (bits / 2 - 1);
            PUTH(k, r >> (bits / 2));
        }
        break;
    /* unary, same */
    case NV_neg: for (k = 0; k < ne; k++) PUT(k, -UA(k)); break;
    case NV_abs: for (k = 0; k < ne; k++) PUT(k, SA(k) < 0 ? -UA(k) : UA(k)); break;
    case NV_qneg: for (k = 0; k < ne; k++) PUT(k, nh_sat_s(&c, -(i128)SA(k), bits)); break;
    case NV_qabs:
        for (k = 0; k < ne; k++) PUT(k, nh_sat_s(&c, SA(k) < 0 ? -(i128)SA(k) : SA(k), bits));
        break;
    case NV_not: for (k = 0; k < ne; k++) PUT(k, ~UA(k)); break;
    case NV_cls:
        for (k = 0; k < ne; k++) {
            uint64_t v = UA(k);
            uint64_t x = (v ^ (v >> 1)) & ((bits == 64 ? ~0ull : (1ull << bits) - 1) >> 1);
            PUT(k, nh_clz(x, bits) - 1);
        }
        break;
    case NV_clz: for (k = 0; k < ne; k++) PUT(k, nh_clz(UA(k), bits)); break;
    case NV_cnt: for (k = 0; k < ne; k++) PUT(k, __builtin_popcountll(UA(k))); break;
    case NV_rev: {
        int per = sh / e;                       /* elements per group */
        for (k = 0; k < ne; k++)
            PUT(k, UA((k / per) * per + (per - 1 - k % per)));
        break;
    }
    case NV_cgt0: for (k = 0; k < ne; k++) PUT(k, SA(k) > 0 ? -1 : 0); break;
    case NV_cge0: for (k = 0; k < ne; k++) PUT(k, SA(k) >= 0 ? -1 : 0); break;
    case NV_ceq0: for (k = 0; k < ne; k++) PUT(k, SA(k) == 0 ? -1 : 0); break;
    case NV_cle0: for (k = 0; k < ne; k++) PUT(k, SA(k) <= 0 ? -1 : 0); break;
    case NV_clt0: for (k = 0; k < ne; k++) PUT(k, SA(k) < 0 ? -1 : 0); break;
    case NV_recpe_u:
        for (k = 0; k < ne; k++) {
            uint32_t v = (uint32_t)UA(k);
            PUT(k, (v & 0x80000000u) ? (uint32_t)nh_recip_est((v >> 23) & 0x1ff) << 23 : 0xffffffffu);
        }
        break;
    case NV_rsqrte_u:
        for (k = 0; k < ne; k++) {
            uint32_t v = (uint32_t)UA(k);
            PUT(k, (v & 0xc0000000u) ? (uint32_t)nh_rsqrt_est((v >> 23) & 0x1ff) << 23 : 0xffffffffu);
        }
        break;
    case NV_fneg: for (k = 0; k < ne; k++) PUT(k, F32(A, k) ^ 0x80000000u); break;
    case NV_fabs: for (k = 0; k < ne; k++) PUT(k, F32(A, k) & 0x7fffffffu); break;
    case NV_fcgt0: for (k = 0; k < ne; k++) PUT(k, nh_fcmp(&c, F32(A, k), 0, 2, 0)); break;
    case NV_fcge0: for (k = 0; k < ne; k++) PUT(k, nh_fcmp(&c, F32(A, k), 0, 1, 0)); break;
    case NV_fceq0: for (k = 0; k < ne; k++) PUT(k, nh_fcmp(&c, F32(A, k), 0, 0, 0)); break;
    case NV_fcle0: for (k = 0; k < ne; k++) PUT(k, nh_fcmp(&c, 0, F32(A, k), 1, 0)); break;
    case NV_fclt0: for (k = 0; k < ne; k++) PUT(k, nh_fcmp(&c, 0, F32(A, k), 2, 0)); break;
    case NV_frecpe: for (k = 0; k < ne; k++) PUT(k, nh_frecpe(&c, F32(A, k))); break;
    case NV_frsqrte: for (k = 0; k < ne; k++) PUT(k, nh_frsqrte(&c, F32(A, k))); break;
    case NV_fcvt_fs: for (k = 0; k < ne; k++) PUT(k, nh_ftoi(&c, F32(A, k), sh, 0)); break;
    case NV_fcvt_fu: for (k = 0; k < ne; k++) PUT(k, nh_ftoi(&c, F32(A, k), sh, 1)); break;
    case NV_fcvt_sf: for (k = 0; k < ne; k++) PUT(k, nh_itof(&c, F32(A, k), sh, 0)); break;
    case NV_fcvt_uf: for (k = 0; k < ne; k++) PUT(k, nh_itof(&c, F32(A, k), sh, 1)); break;
    case NV_paddl_s: case NV_padal_s:
        for (k = 0; k < ne / 2; k++) {
            int64_t s2 = SA(2 * k) + SA(2 * k + 1);
            PUT2(k, (op == NV_padal_s ? nh_getu(D, 2 * e, k) : 0) + (uint64_t)s2);
        }
        break;
    case NV_paddl_u: case NV_padal_u:
        for (k = 0; k < ne / 2; k++) {
            uint64_t s2 = UA(2 * k) + UA(2 * k + 1);
            PUT2(k, (op == NV_padal_u ? nh_getu(D, 2 * e, k) : 0) + s2);
        }
        break;
    /* unary long / narrow */
    case NV_movl_s: for (k = 0; k < 8 / e; k++) PUT2(k, SA(k)); break;
    case NV_movl_u: for (k = 0; k < 8 / e; k++) PUT2(k, UA(k)); break;
    case NV_movn: for (k = 0; k < 16 / e; k++) PUTH(k, UA(k)); break;
    case NV_qmovn_s: for (k = 0; k < 16 / e; k++) PUTH(k, nh_sat_s(&c, SA(k), bits / 2)); break;
    case NV_qmovn_u: for (k = 0; k < 16 / e; k++) PUTH(k, nh_sat_u(&c, UA(k), bits / 2)); break;
    case NV_qmovun: for (k = 0; k < 16 / e; k++) PUTH(k, nh_sat_u(&c, SA(k), bits / 2)); break;
    case NV_fcvt_hf:
        for (k = 0; k < 4; k++) nh_put(R, 4, k, nh_h2f(&c, (uint32_t)nh_getu(A, 2, k), ahp));
        break;
    case NV_fcvt_fh:
        for (k = 0; k < 4; k++) nh_put(R, 2, k, nh_f2h(&c, F32(A, k), ahp));
        break;
    /* shifts by immediate */
    case NV_shli: for (k = 0; k < ne; k++) PUT(k, sh >= bits ? 0 : UA(k) << sh); break;
    case NV_shri_s: case NV_rshri_s: case NV_srai_s: case NV_rsrai_s:
        for (k = 0; k < ne; k++) {
            uint64_t r = (uint64_t)nh_shr(SA(k), sh, op == NV_rshri_s || op == NV_rsrai_s);
            PUT(k, (op == NV_srai_s || op == NV_rsrai_s ? UD(k) : 0) + r);
        }
        break;
    case NV_shri_u: case NV_rshri_u: case NV_srai_u: case NV_rsrai_u:
        for (k = 0; k < ne; k++) {
            uint64_t r = (uint64_t)nh_shr(UA(k), sh, op == NV_rshri_u || op == NV_rsrai_u);
            PUT(k, (op == NV_srai_u || op == NV_rsrai_u ? UD(k) : 0) + r);
        }
        break;
    case NV_sri:
        for (k = 0; k < ne; k++) {
            uint64_t m = bits == 64 ? ~0ull : (1ull << bits) - 1;
            uint64_t keep = sh >= bits ? m : m & ~(m >> sh);
            PUT(k, (UD(k) & keep) | (sh >= bits ? 0 : UA(k) >> sh));
        }
        break;
    case NV_sli:
        for (k = 0; k < ne; k++) {
            uint64_t m = bits == 64 ? ~0ull : (1ull << bits) - 1;
            uint64_t keep = m & ~(m << sh);
            PUT(k, (UD(k) & keep) | (UA(k) << sh));
        }
        break;
    case NV_qshli_s: for (k = 0; k < ne; k++) PUT(k, nh_shift_reg(&c, SA(k), bits, sh, 1, 0, 1)); break;
    case NV_qshli_u: for (k = 0; k < ne; k++) PUT(k, nh_shift_reg(&c, UA(k), bits, sh, 0, 0, 1)); break;
    case NV_qshlui:
        for (k = 0; k < ne; k++) {
            i128 v = SA(k);
            PUT(k, nh_sat_u(&c, v < 0 ? v : v << sh, bits));
        }
        break;
    case NV_shll_s: for (k = 0; k < 8 / e; k++) PUT2(k, (uint64_t)((i128)SA(k) << sh)); break;
    case NV_shll_u: for (k = 0; k < 8 / e; k++) PUT2(k, UA(k) << sh); break;
    case NV_shrn: case NV_rshrn:
        for (k = 0; k < 16 / e; k++)
            PUTH(k, (uint64_t)nh_shr(UA(k), sh, op == NV_rshrn));
        break;
    case NV_qshrn_s: case NV_qrshrn_s:
        for (k = 0; k < 16 / e; k++)
            PUTH(k, nh_sat_s(&c, nh_shr(SA(k), sh, op == NV_qrshrn_s), bits / 2));
        break;
    case NV_qshrn_u: case NV_qrshrn_u:
        for (k = 0; k < 16 / e; k++)
            PUTH(k, nh_sat_u(&c, nh_shr(UA(k), sh, op == NV_qrshrn_u), bits / 2));
        break;
    case NV_qshrun: case NV_qrshrun:
        for (k = 0; k < 16 / e; k++)
            PUTH(k, nh_sat_u(&c, nh_shr(SA(k), sh, op == NV_qrshrun), bits / 2));
        break;
    case NV_tbl: case NV_tbx:
        for (k = 0; k < n; k++) {
            unsigned idx = A[k];
            if (idx < imm)
                R[k] = B[idx];
            else if (op == NV_tbl)
                R[k] = 0;
        }
        break;
    case NV_fmaxnm: for (k = 0; k < ne; k++) PUT(k, nh_fminmaxnm(&c, F32(A, k), F32(B, k), 1)); break;
    case NV_fminnm: for (k = 0; k < ne; k++) PUT(k, nh_fminmaxnm(&c, F32(A, k), F32(B, k), 0)); break;
    case NV_frint: for (k = 0; k < ne; k++) PUT(k, nh_frint(&c, F32(A, k), sh)); break;
    case NV_fcvtr_s: for (k = 0; k < ne; k++) PUT(k, nh_ftoi_r(&c, F32(A, k), sh, 0)); break;
    case NV_fcvtr_u: for (k = 0; k < ne; k++) PUT(k, nh_ftoi_r(&c, F32(A, k), sh, 1)); break;
    default:
        break;
    }
    int out = n;
    if (op == NV_addhn || op == NV_raddhn || op == NV_subhn || op == NV_rsubhn
        || (op >= NV_movn && op <= NV_qmovun) || op == NV_fcvt_fh || (op >= NV_shrn && op <= NV_qrshrun))
        out = 8;
    memcpy(E + d, R, out);
    if (c.sat && nh_fpscr_offset)
        *fpscr |= nh_sat_mask;
    if (nh_is_fp(op)) {
        uint32_t mx = (c.ff & NH_IOC ? 1 : 0) | (c.ff & NH_DZC ? 4 : 0) | (c.ff & NH_OFC ? 8 : 0)
                      | (c.ff & NH_UFC ? 0x10 : 0) | (c.ff & NH_IXC ? 0x20 : 0);
        nh_csr_set(saved | mx);
        if (c.idc && nh_fpscr_offset)
            *fpscr |= nh_idc_mask;
    }
    return 0;
}

static const struct { const char *name; void *addr; } nh_helpers[] = {
    { "neon_vop", (void *)neon_vop },
};

void *neon_helper_addr(const char *name)
{
    for (size_t i = 0; i < sizeof(nh_helpers) / sizeof(nh_helpers[0]); i++)
        if (!strcmp(nh_helpers[i].name, name))
            return nh_helpers[i].addr;
    return NULL;
}

const char *neon_op_name(int i)
{
    return i >= 0 && i < NV_COUNT ? nh_op_names[i] : "";
}
