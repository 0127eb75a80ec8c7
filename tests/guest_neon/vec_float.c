/* Vectorisable float loops (gcc -O3 -mfpu=neon -ftree-vectorize; NEON float
 * is only used without -ffast-math for element-wise operations): saxpy,
 * polynomials, clamps, conversions, compares, abs/neg.  Prints checksums of
 * the bit patterns, which must match qemu-arm's. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define N 1029
static float a[N], b[N], c[N], d[N];
static int32_t ia[N];
static uint32_t ua[N];

static uint32_t hash_bytes(const void *p, size_t n)
{
    const uint8_t *q = p;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ q[i]) * 16777619u;
    return h;
}

#define REPORTH(name, arr) printf("%-12s %08x\n", name, hash_bytes(arr, sizeof(arr)))

__attribute__((noinline)) static void init(void)
{
    uint32_t r = 777;
    for (int i = 0; i < N; i++) {
        r = r * 1664525u + 1013904223u;
        a[i] = (float)(int32_t)r / 65536.0f;
        b[i] = 1.0f / (float)(i + 1) - 0.25f;
        c[i] = (float)i * 0.125f - 60.0f;
        ia[i] = (int32_t)r >> (i & 15);
        ua[i] = r;
    }
    a[1] = 0.0f; a[2] = -0.0f; a[4] = 1e-40f; a[5] = -1e-41f; a[6] = 3e38f; b[6] = 10.0f;
    a[8] = __builtin_inff(); b[9] = -__builtin_inff(); a[10] = __builtin_nanf(""); b[11] = 1e-30f;
    a[12] = 1.17549435e-38f; b[12] = 0.99999994f;
}

int main(void)
{
    init();
    for (int i = 0; i < N; i++) d[i] = a[i] + b[i];
    REPORTH("add", d);
    for (int i = 0; i < N; i++) d[i] = a[i] * b[i];
    REPORTH("mul", d);
    for (int i = 0; i < N; i++) d[i] = 2.5f * a[i] + c[i];
    REPORTH("saxpy", d);
    for (int i = 0; i < N; i++) d[i] = a[i] - b[i] * c[i];
    REPORTH("mls", d);
    for (int i = 0; i < N; i++) d[i] = ((0.5f * c[i] + 1.25f) * c[i] - 3.0f) * c[i] + 0.75f;
    REPORTH("poly", d);
    for (int i = 0; i < N; i++) d[i] = a[i] < 0.0f ? 0.0f : a[i] > 100.0f ? 100.0f : a[i];
    REPORTH("clamp", d);
    for (int i = 0; i < N; i++) d[i] = a[i] > b[i] ? a[i] : b[i];
    REPORTH("max", d);
    for (int i = 0; i < N; i++) d[i] = __builtin_fabsf(a[i]) - c[i];
    REPORTH("abs", d);
    for (int i = 0; i < N; i++) d[i] = -a[i] * b[i];
    REPORTH("neg", d);
    for (int i = 0; i < N; i++) d[i] = (float)ia[i];
    REPORTH("s32_to_f", d);
    for (int i = 0; i < N; i++) d[i] = (float)ua[i];
    REPORTH("u32_to_f", d);
    for (int i = 0; i < N; i++) ia[i] = (int32_t)(c[i] * 1000.0f);
    REPORTH("f_to_s32", ia);
    for (int i = 0; i < N; i++) ua[i] = (uint32_t)(c[i] < 0 ? -c[i] : c[i]);
    REPORTH("f_to_u32", ua);
    for (int i = 0; i < N; i++) ia[i] = a[i] >= b[i];
    REPORTH("cmp_ge", ia);
    for (int i = 0; i < N; i++) d[i] = a[i] == c[i] ? 1.0f : b[i];
    REPORTH("cmp_eq", d);
    { float s = 0; for (int i = 0; i < N; i++) s += a[i] * b[i]; printf("%-12s %a\n", "dot(scalar)", s); }
    return 0;
}
