/* Vectorisable integer loops (gcc -O3 -mfpu=neon -ftree-vectorize): sums,
 * dot products, min/max, saturating and widening arithmetic, shifts, byte
 * shuffles and table lookups over int8/int16/int32/int64 arrays.  Prints
 * one checksum line per kernel; the output must match qemu-arm's. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define N 1037
static int8_t s8a[N], s8b[N];
static uint8_t u8a[N], u8b[N], u8c[N];
static int16_t s16a[N], s16b[N], s16c[N];
static uint16_t u16a[N], u16b[N];
static int32_t s32a[N], s32b[N], s32c[N];
static uint32_t u32a[N], u32b[N];
static int64_t s64a[N], s64b[N];

static uint32_t rng = 12345;
static uint32_t next(void) { rng = rng * 1103515245u + 12345u; return rng >> 7; }

static uint32_t hash_bytes(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 16777619u;
    return h;
}

#define REPORT(name, v) printf("%-14s %lld\n", name, (long long)(v))
#define REPORTH(name, arr) printf("%-14s %08x\n", name, hash_bytes(arr, sizeof(arr)))

__attribute__((noinline)) static void init(void)
{
    for (int i = 0; i < N; i++) {
        uint32_t r = next(), q = next();
        s8a[i] = r; s8b[i] = r >> 8; u8a[i] = q; u8b[i] = q >> 8; u8c[i] = q >> 16;
        s16a[i] = r; s16b[i] = q; u16a[i] = r >> 3; u16b[i] = q >> 5;
        s32a[i] = r * 2654435761u; s32b[i] = q ^ (r << 9); u32a[i] = r; u32b[i] = q * 7;
        s64a[i] = ((int64_t)r << 31) ^ q; s64b[i] = (int64_t)q * -977;
    }
    s8a[3] = -128; s8b[3] = -128; s16a[5] = -32768; s16b[5] = -32768;
    s32a[7] = INT32_MIN; s32b[7] = INT32_MAX;
}

int main(void)
{
    init();
    { int s = 0; for (int i = 0; i < N; i++) s += s8a[i]; REPORT("sum_s8", s); }
    { unsigned s = 0; for (int i = 0; i < N; i++) s += u8a[i]; REPORT("sum_u8", s); }
    { int s = 0; for (int i = 0; i < N; i++) s += s16a[i]; REPORT("sum_s16", s); }
    { int s = 0; for (int i = 0; i < N; i++) s += s32a[i]; REPORT("sum_s32", s); }
    { int64_t s = 0; for (int i = 0; i < N; i++) s += s64a[i]; REPORT("sum_s64", s); }
    { int s = 0; for (int i = 0; i < N; i++) s += s8a[i] * s8b[i]; REPORT("dot_s8", s); }
    { unsigned s = 0; for (int i = 0; i < N; i++) s += u8a[i] * u8b[i]; REPORT("dot_u8", s); }
    { int s = 0; for (int i = 0; i < N; i++) s += s16a[i] * s16b[i]; REPORT("dot_s16", s); }
    { int64_t s = 0; for (int i = 0; i < N; i++) s += (int64_t)s32a[i] * s32b[i]; REPORT("dot_s32_64", s); }
    { int s = 0; for (int i = 0; i < N; i++) s += s32a[i] * s32b[i]; REPORT("dot_s32", s); }
    { int m = INT32_MIN; for (int i = 0; i < N; i++) m = s32a[i] > m ? s32a[i] : m; REPORT("max_s32", m); }
    { int m = INT32_MAX; for (int i = 0; i < N; i++) m = s32b[i] < m ? s32b[i] : m; REPORT("min_s32", m); }
    { unsigned m = 0; for (int i = 0; i < N; i++) m = u32a[i] > m ? u32a[i] : m; REPORT("max_u32", m); }
    { int m = 127; for (int i = 0; i < N; i++) m = s8a[i] < m ? s8a[i] : m; REPORT("min_s8", m); }
    { int m = 0; for (int i = 0; i < N; i++) m = u8b[i] > m ? u8b[i] : m; REPORT("max_u8", m); }
    { int m = -32768; for (int i = 0; i < N; i++) m = s16b[i] > m ? s16b[i] : m; REPORT("max_s16", m); }
    { uint32_t x = 0; for (int i = 0; i < N; i++) x ^= u32a[i] + u32b[i]; REPORT("xor_u32", x); }
    /* element-wise, stored */
    for (int i = 0; i < N; i++) { int t = u8a[i] + u8b[i]; u8c[i] = t > 255 ? 255 : t; }
    REPORTH("sat_add_u8", u8c);
    for (int i = 0; i < N; i++) { int t = u8a[i] - u8b[i]; u8c[i] = t < 0 ? 0 : t; }
    REPORTH("sat_sub_u8", u8c);
    for (int i = 0; i < N; i++) { int t = s16a[i] + s16b[i]; s16c[i] = t > 32767 ? 32767 : t < -32768 ? -32768 : t; }
    REPORTH("sat_add_s16", s16c);
    for (int i = 0; i < N; i++) u8c[i] = (u8a[i] + u8b[i] + 1) >> 1;
    REPORTH("avg_u8", u8c);
    for (int i = 0; i < N; i++) u8c[i] = (u8a[i] + u8b[i]) >> 1;
    REPORTH("havg_u8", u8c);
    for (int i = 0; i < N; i++) u8c[i] = u8a[i] > u8b[i] ? u8a[i] - u8b[i] : u8b[i] - u8a[i];
    REPORTH("absdiff_u8", u8c);
    { unsigned s = 0; for (int i = 0; i < N; i++) s += u8a[i] > u8b[i] ? u8a[i] - u8b[i] : u8b[i] - u8a[i]; REPORT("sad_u8", s); }
    for (int i = 0; i < N; i++) s32c[i] = s32a[i] < 0 ? -s32a[i] : s32a[i];
    REPORTH("abs_s32", s32c);
    for (int i = 0; i < N; i++) s32c[i] = (s32a[i] >> 3) + (int32_t)((uint32_t)s32b[i] >> 7) + (s32a[i] << 2);
    REPORTH("shifts_s32", s32c);
    for (int i = 0; i < N; i++) s16c[i] = (s16a[i] * s16b[i]) >> 15;
    REPORTH("q15_mul", s16c);
    for (int i = 0; i < N; i++) s32c[i] = s16a[i] * s16b[i] + s32a[i];
    REPORTH("widen_mla", s32c);
    for (int i = 0; i < N; i++) u16a[i] = u8a[i] * u8b[i];
    REPORTH("widen_mul_u8", u16a);
    for (int i = 0; i < N; i++) s32c[i] = s32a[i] > s32b[i] ? s32a[i] : s32b[i] ^ 0x55;
    REPORTH("select_s32", s32c);
    for (int i = 0; i < N; i++) s8a[i] = s8a[i] * s8b[i] + 3;
    REPORTH("mul_s8", s8a);
    for (int i = 0; i < N; i++) s64a[i] = s64a[i] + s64b[i] - (s64a[i] >> 5);
    REPORTH("s64_ops", s64a);
    for (int i = 0; i < N; i++) u32a[i] = u32a[i] * u32b[i] + (u32a[i] >> (i & 7));
    REPORTH("varshift", u32a);
    for (int i = 0; i < N; i++) u8c[N - 1 - i] = u8a[i];
    REPORTH("reverse_u8", u8c);
    static const uint8_t table[16] = { 9, 3, 7, 1, 15, 0, 4, 12, 2, 8, 6, 14, 11, 5, 13, 10 };
    for (int i = 0; i < N; i++) u8c[i] = table[u8a[i] & 15];
    REPORTH("table_u8", u8c);
    for (int i = 0; i < N / 3; i++) { u8c[3 * i] = u8a[3 * i + 2]; u8c[3 * i + 1] = u8a[3 * i + 1]; u8c[3 * i + 2] = u8a[3 * i]; }
    REPORTH("rgb_swap", u8c);
    for (int i = 0; i < N / 2; i++) { s16c[i] = s16a[2 * i] + s16a[2 * i + 1]; }
    REPORTH("pair_add_s16", s16c);
    for (int i = 0; i < N; i++) u16b[i] = (u16a[i] >> 4) | (u16b[i] << 12);
    REPORTH("u16_shift_or", u16b);
    { int c = 0; for (int i = 0; i < N; i++) c += __builtin_popcount(u32b[i]); REPORT("popcount", c); }
    { int c = 0; for (int i = 0; i < N; i++) c += u8a[i] == u8b[i]; REPORT("count_eq", c); }
    return 0;
}
