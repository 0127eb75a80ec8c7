/* Image-like saturating kernels over uint8/int16 (gcc -O3 -mfpu=neon
 * -ftree-vectorize): alpha blend, brightness with saturation, grayscale,
 * box blur with 16-bit accumulators, thresholds, a histogram and a
 * difference image.  Prints checksums; must match qemu-arm. */
#include <stdint.h>
#include <stdio.h>

#define W 157
#define H 61
static uint8_t src[H][W], src2[H][W], dst[H][W], rgb[H][W * 3];
static int16_t acc[H][W];

static uint32_t hash_bytes(const void *p, size_t n)
{
    const uint8_t *q = p;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ q[i]) * 16777619u;
    return h;
}

#define REPORTH(name, arr) printf("%-12s %08x\n", name, hash_bytes(arr, sizeof(arr)))

static inline uint8_t sat_u8(int v) { return v < 0 ? 0 : v > 255 ? 255 : v; }

int main(void)
{
    uint32_t r = 99;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            r = r * 1103515245u + 12345u;
            src[y][x] = r >> 16;
            src2[y][x] = (x * 3 + y * 7) ^ (r >> 24);
            rgb[y][3 * x] = r >> 8; rgb[y][3 * x + 1] = r >> 13; rgb[y][3 * x + 2] = r >> 21;
        }
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            dst[y][x] = (src[y][x] * 200 + src2[y][x] * 56) >> 8;
    REPORTH("blend", dst);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            dst[y][x] = sat_u8(src[y][x] + 77);
    REPORTH("brighten", dst);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            dst[y][x] = sat_u8(src[y][x] - src2[y][x]);
    REPORTH("subsat", dst);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            dst[y][x] = (rgb[y][3 * x] * 77 + rgb[y][3 * x + 1] * 150 + rgb[y][3 * x + 2] * 29) >> 8;
    REPORTH("gray", dst);
    for (int y = 1; y < H - 1; y++)
        for (int x = 0; x < W; x++)
            acc[y][x] = src[y - 1][x] + 2 * src[y][x] + src[y + 1][x];
    for (int y = 1; y < H - 1; y++)
        for (int x = 1; x < W - 1; x++)
            dst[y][x] = (acc[y][x - 1] + 2 * acc[y][x] + acc[y][x + 1] + 8) >> 4;
    REPORTH("blur", dst);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            dst[y][x] = src[y][x] > 128 ? 255 : 0;
    REPORTH("threshold", dst);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            int d = src[y][x] - src2[y][x];
            dst[y][x] = d < 0 ? -d : d;
        }
    REPORTH("absdiff", dst);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            acc[y][x] = (int16_t)((src[y][x] - 128) * (src2[y][x] - 128)) >> 2;
    REPORTH("signed_mul", acc);
    unsigned hist[16] = { 0 };
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            hist[src[y][x] >> 4]++;
    REPORTH("histogram", hist);
    unsigned long long total = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            total += src[y][x] * src2[y][x];
    printf("%-12s %llu\n", "energy", total);
    return 0;
}
