/* A NEON kernel for the pyqemu benchmark (built -O3 -mfpu=neon
 * -ftree-vectorize): a float32 FIR filter and dot product with arm_neon.h
 * intrinsics (VMLA.F32 by scalar, VLD1/VST1, VPADD), an 8-bit alpha blend
 * (VMULL.U8, VRSHRN, VQADD.U8) and an int16 saturating convolution that gcc
 * vectorises by itself.  Usage: neon [rounds]  Prints checksums. */
#include <arm_neon.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define N 4096
#define TAPS 16
static float sig[N + TAPS], out[N], taps[TAPS];
static uint8_t img_a[N], img_b[N], img_o[N];
static int16_t s16[N + 8], d16[N];

static void fir(void)
{
    for (int i = 0; i < N; i += 4) {
        float32x4_t acc = vdupq_n_f32(0.0f);
        for (int k = 0; k < TAPS; k += 4) {
            float32x4_t t = vld1q_f32(taps + k);
            acc = vmlaq_lane_f32(acc, vld1q_f32(sig + i + k), vget_low_f32(t), 0);
            acc = vmlaq_lane_f32(acc, vld1q_f32(sig + i + k + 1), vget_low_f32(t), 1);
            acc = vmlaq_lane_f32(acc, vld1q_f32(sig + i + k + 2), vget_high_f32(t), 0);
            acc = vmlaq_lane_f32(acc, vld1q_f32(sig + i + k + 3), vget_high_f32(t), 1);
        }
        vst1q_f32(out + i, acc);
    }
}

static float dot(const float *a, const float *b)
{
    float32x4_t acc = vdupq_n_f32(0.0f);
    for (int i = 0; i < N; i += 4)
        acc = vmlaq_f32(acc, vld1q_f32(a + i), vld1q_f32(b + i));
    float32x2_t s = vadd_f32(vget_low_f32(acc), vget_high_f32(acc));
    return vget_lane_f32(vpadd_f32(s, s), 0);
}

static void blend(uint8_t alpha)
{
    uint8x8_t va = vdup_n_u8(alpha), vb = vdup_n_u8((uint8_t)(255 - alpha));
    for (int i = 0; i < N; i += 8) {
        uint16x8_t m = vmull_u8(vld1_u8(img_a + i), va);
        m = vmlal_u8(m, vld1_u8(img_b + i), vb);
        vst1_u8(img_o + i, vqadd_u8(vrshrn_n_u16(m, 8), vdup_n_u8(1)));
    }
}

static void conv16(void)                     /* auto-vectorised */
{
    for (int i = 0; i < N; i++) {
        int v = 3 * s16[i] - s16[i + 1] + 2 * s16[i + 2] - s16[i + 3];
        d16[i] = (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
    }
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 3000;
    uint32_t x = 1;
    for (int i = 0; i < N + TAPS; i++) {
        x = x * 1664525u + 1013904223u;
        sig[i] = (float)((int32_t)x >> 8) * (1.0f / 8388608.0f);
    }
    for (int k = 0; k < TAPS; k++)
        taps[k] = 1.0f / (k + 2);
    for (int i = 0; i < N; i++) {
        x = x * 1664525u + 1013904223u;
        img_a[i] = (uint8_t)(x >> 24);
        img_b[i] = (uint8_t)(x >> 16);
        s16[i] = (int16_t)(x >> 8);
    }
    double fsum = 0;
    uint32_t isum = 0;
    for (int r = 0; r < rounds; r++) {
        fir();
        fsum += dot(out, sig + (r & 7));
        blend((uint8_t)r);
        conv16();
        for (int i = 0; i < N; i += 64)
            isum = isum * 31 + img_o[i] + (uint16_t)d16[i];
        s16[r % N] ^= (int16_t)isum;
    }
    printf("fir/dot %.6e blend/conv %08x\n", fsum, isum);
    return 0;
}
