/* Explicit NEON intrinsics (arm_neon.h): structure loads/stores, the
 * saturating/rounding/narrowing families, VQDMULH, reciprocal and square
 * root estimates with their Newton steps, table lookups, permutes, pairwise
 * reductions, fixed-point conversions, lane operations.  Prints checksums
 * of every result vector and the FPSCR (QC and the cumulative flags); must
 * match qemu-arm. */
#include <arm_neon.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint32_t h = 2166136261u;
static void mix(const void *p, size_t n)
{
    const uint8_t *q = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ q[i]) * 16777619u;
}
#define MIX(v) do { __typeof__(v) t_ = (v); mix(&t_, sizeof(t_)); } while (0)

static uint32_t fpscr(void)
{
    uint32_t v;
    __asm__ volatile("vmrs %0, fpscr" : "=r"(v));
    return v;
}

static void clear_fpscr(void)
{
    uint32_t z = 0;
    __asm__ volatile("vmsr fpscr, %0" : : "r"(z));
}

static void report(const char *name)
{
    printf("%-14s %08x fpscr %08x\n", name, h, fpscr());
    h = 2166136261u;
    clear_fpscr();
}

static uint8_t buf8[256];
static int16_t buf16[128];
static int32_t buf32[64];
static float buff[64];

int main(void)
{
    for (int i = 0; i < 256; i++) buf8[i] = (uint8_t)(i * 37 + 11);
    for (int i = 0; i < 128; i++) buf16[i] = (int16_t)(i * 2731 - 30000);
    for (int i = 0; i < 64; i++) buf32[i] = (int32_t)(i * 0x3a5b7c91u);
    for (int i = 0; i < 64; i++) buff[i] = (i - 20) * 0.37f + 1.0f / (i + 1);

    /* structure loads and stores */
    uint8x16x3_t rgb = vld3q_u8(buf8);
    MIX(rgb);
    uint8x8x4_t q4 = vld4_u8(buf8 + 7);
    MIX(q4);
    int16x8x2_t d2 = vld2q_s16(buf16 + 3);
    MIX(d2);
    uint8_t out[64];
    vst3_u8(out, vld3_u8(buf8 + 1));
    vst4_lane_u32((uint32_t *)out + 3, vld4_dup_u32((uint32_t *)buf8 + 5), 1);
    mix(out, sizeof(out));
    uint16x4_t lane = vld1_lane_u16((uint16_t *)buf16 + 9, vdup_n_u16(7), 2);
    MIX(lane);
    report("loads");

    /* saturating, rounding, narrowing */
    int16x8_t a = vld1q_s16(buf16), b = vld1q_s16(buf16 + 8);
    MIX(vqaddq_s16(a, b)); MIX(vqsubq_s16(a, b)); MIX(vqdmulhq_s16(a, b)); MIX(vqrdmulhq_s16(a, b));
    MIX(vqmovn_s16(a)); MIX(vqmovun_s16(b)); MIX(vrshrn_n_s16(a, 3)); MIX(vqrshrn_n_s16(a, 2));
    MIX(vqshlq_n_s16(a, 3)); MIX(vqshluq_n_s16(b, 2)); MIX(vrshlq_s16(a, vnegq_s16(vshrq_n_s16(b, 12))));
    MIX(vhaddq_s16(a, b)); MIX(vrhaddq_s16(a, b)); MIX(vhsubq_s16(a, b)); MIX(vabdq_s16(a, b));
    MIX(vabaq_s16(a, a, b)); MIX(vqabsq_s16(a)); MIX(vqnegq_s16(b));
    report("sat16");
    int32x4_t c = vld1q_s32(buf32), e = vld1q_s32(buf32 + 4);
    MIX(vqaddq_s32(c, e)); MIX(vqdmulhq_s32(c, e)); MIX(vqrdmulhq_s32(c, e)); MIX(vqmovn_s32(c));
    MIX(vqdmull_s32(vget_low_s32(c), vget_high_s32(e))); MIX(vqdmlal_s32(vreinterpretq_s64_s32(c), vget_low_s32(c), vget_low_s32(e)));
    MIX(vmull_lane_s32(vget_low_s32(c), vget_high_s32(e), 1));
    MIX(vqshlq_s32(c, vdupq_n_s32(3))); MIX(vqrshlq_s32(c, vdupq_n_s32(-5)));
    MIX(vqmovn_u64(vreinterpretq_u64_s32(c))); MIX(vqaddq_s64(vreinterpretq_s64_s32(c), vreinterpretq_s64_s32(e)));
    report("sat32");

    /* multiply-accumulate families */
    uint8x8_t u = vld1_u8(buf8), v = vld1_u8(buf8 + 8);
    MIX(vmull_u8(u, v)); MIX(vmlal_u8(vmovl_u8(u), u, v)); MIX(vmlsl_u8(vmovl_u8(v), u, v));
    MIX(vmull_p8(vreinterpret_p8_u8(u), vreinterpret_p8_u8(v))); MIX(vmul_p8(vreinterpret_p8_u8(u), vreinterpret_p8_u8(v)));
    MIX(vabal_u8(vmovl_u8(u), u, v)); MIX(vabdl_u8(u, v)); MIX(vaddhn_u16(vmovl_u8(u), vmovl_u8(v)));
    MIX(vraddhn_u16(vmull_u8(u, v), vmull_u8(v, v))); MIX(vmla_lane_s16(vget_low_s16(a), vget_low_s16(b), vget_high_s16(a), 3));
    report("mla");

    /* estimates and Newton steps, float ops */
    float32x4_t x = vld1q_f32(buff), y = vld1q_f32(buff + 4);
    float32x4_t r0 = vrecpeq_f32(x);
    r0 = vmulq_f32(vrecpsq_f32(x, r0), r0);
    r0 = vmulq_f32(vrecpsq_f32(x, r0), r0);
    MIX(r0);
    float32x4_t s0 = vrsqrteq_f32(vabsq_f32(y));
    s0 = vmulq_f32(vrsqrtsq_f32(vmulq_f32(vabsq_f32(y), s0), s0), s0);
    MIX(s0);
    MIX(vrecpeq_u32(vreinterpretq_u32_s32(c))); MIX(vrsqrteq_u32(vreinterpretq_u32_s32(e)));
    MIX(vaddq_f32(x, y)); MIX(vmlaq_f32(x, y, y)); MIX(vmlsq_lane_f32(x, y, vget_low_f32(x), 1));
    MIX(vmaxq_f32(x, y)); MIX(vpmin_f32(vget_low_f32(x), vget_high_f32(y))); MIX(vabdq_f32(x, y));
    MIX(vcgtq_f32(x, y)); MIX(vcageq_f32(x, y)); MIX(vcltq_f32(x, vdupq_n_f32(0)));
    MIX(vcvtq_s32_f32(vmulq_n_f32(x, 1000.0f))); MIX(vcvtq_n_s32_f32(x, 8)); MIX(vcvtq_n_f32_u32(vreinterpretq_u32_s32(c), 20));
    MIX(vcvtq_f32_s32(c)); MIX(vcvtq_u32_f32(y));
#if defined(__ARM_FP16_FORMAT_IEEE) || defined(__ARM_FP16_FORMAT_ALTERNATIVE)
    MIX(vcvt_f16_f32(x)); MIX(vcvt_f32_f16(vcvt_f16_f32(y)));
#endif
    report("float");

    /* permutes, tables, bit ops */
    uint8x16_t p = vld1q_u8(buf8 + 16), q = vld1q_u8(buf8 + 32);
    MIX(vzipq_u8(p, q)); MIX(vuzpq_u8(p, q)); MIX(vtrnq_u8(p, q)); MIX(vextq_u8(p, q, 5));
    MIX(vrev64q_u8(p)); MIX(vrev32q_u16(vreinterpretq_u16_u8(q))); MIX(vrev16_u8(u));
    uint8x8x2_t tab = { { u, v } };
    MIX(vtbl2_u8(tab, vand_u8(vget_low_u8(p), vdup_n_u8(0x1f))));
    MIX(vtbx1_u8(u, v, vget_high_u8(q)));
    MIX(vcntq_u8(p)); MIX(vclzq_u8(q)); MIX(vclsq_s8(vreinterpretq_s8_u8(p)));
    MIX(vbslq_u8(p, q, vmvnq_u8(q))); MIX(vbicq_u8(p, q)); MIX(vornq_u8(p, q)); MIX(vtstq_u8(p, q));
    MIX(vdupq_lane_u8(u, 5)); MIX(vsliq_n_u8(p, q, 3)); MIX(vsriq_n_u8(p, q, 5)); MIX(vrsraq_n_u8(p, q, 2));
    report("perm");

    /* reductions */
    MIX(vpadd_u8(u, v)); MIX(vpaddlq_u8(p)); MIX(vpadalq_s16(c, a)); MIX(vpmax_s16(vget_low_s16(a), vget_high_s16(b)));
    uint64x2_t s = vpaddlq_u32(vpaddlq_u16(vpaddlq_u8(p)));
    MIX(vget_lane_u64(vadd_u64(vget_low_u64(s), vget_high_u64(s)), 0));
    int32x2_t m2 = vpmax_s32(vget_low_s32(c), vget_high_s32(c));
    MIX(vget_lane_s32(vpmax_s32(m2, m2), 0));
    report("reduce");
    return 0;
}
