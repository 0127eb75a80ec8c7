/* Shifts and bit tricks: variable shifts (0..31 and 64-bit by 0..63), clz,
 * ctz, popcount, parity, rotates, bit reversal (rbit), byte swaps (rev,
 * rev16, revsh: inline asm), bit-field extract/insert, saturating arithmetic (ssat/usat,
 * qadd/qsub) via ACLE intrinsics. */
#include "selfcheck.h"
#ifdef __arm__
#include <arm_acle.h>
#endif

static int ref_clz(uint32_t x)
{
    int n = 0;
    for (uint32_t m = 0x80000000u; m && !(x & m); m >>= 1)
        n++;
    return n;
}
static int ref_ctz(uint32_t x)
{
    int n = 0;
    for (uint32_t m = 1; m && !(x & m); m <<= 1)
        n++;
    return n;
}
static int ref_popcount(uint64_t x)
{
    int n = 0;
    for (int i = 0; i < 64; i++)
        n += (int)((x >> i) & 1);
    return n;
}
static uint32_t ref_bitrev(uint32_t x)
{
    uint32_t r = 0;
    for (int i = 0; i < 32; i++)
        if (x & (1u << i))
            r |= 1u << (31 - i);
    return r;
}
static uint32_t ref_bswap32(uint32_t x)
{
    unsigned char b[4];
    for (int i = 0; i < 4; i++)
        b[i] = (unsigned char)(x >> (8 * i));
    return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}
static uint32_t rotl32(uint32_t x, unsigned r) { return (x << (r & 31)) | (x >> ((32 - r) & 31)); }
static uint32_t rotr32(uint32_t x, unsigned r) { return (x >> (r & 31)) | (x << ((32 - r) & 31)); }
static uint64_t rotl64(uint64_t x, unsigned r) { return (x << (r & 63)) | (x >> ((64 - r) & 63)); }

static uint32_t rbit32(uint32_t x)
{
#ifdef __arm__
    uint32_t r;
    __asm__("rbit %0, %1" : "=r"(r) : "r"(x));
    return r;
#else
    return ref_bitrev(x);
#endif
}
static uint32_t rev16(uint32_t x)
{
#ifdef __arm__
    uint32_t r;
    __asm__("rev16 %0, %1" : "=r"(r) : "r"(x));
    return r;
#else
    return ((x & 0x00ff00ffu) << 8) | ((x >> 8) & 0x00ff00ffu);
#endif
}
static int16_t revsh(int16_t x)
{
#ifdef __arm__
    int32_t r;
    __asm__("revsh %0, %1" : "=r"(r) : "r"((int32_t)x));
    return (int16_t)r;
#else
    return (int16_t)(((uint16_t)x >> 8) | ((uint16_t)x << 8));
#endif
}
static int32_t ssat8(int32_t x)
{
#ifdef __arm__
    return __ssat(x, 8);
#else
    return x > 127 ? 127 : x < -128 ? -128 : x;
#endif
}
static uint32_t usat10(int32_t x)
{
#ifdef __arm__
    return __usat(x, 10);
#else
    return x > 1023 ? 1023 : x < 0 ? 0 : (uint32_t)x;
#endif
}
static int32_t qadd(int32_t a, int32_t b)
{
#ifdef __arm__
    return __qadd(a, b);
#else
    int64_t s = (int64_t)a + b;
    return s > INT32_MAX ? INT32_MAX : s < INT32_MIN ? INT32_MIN : (int32_t)s;
#endif
}
static int32_t qsub(int32_t a, int32_t b)
{
#ifdef __arm__
    return __qsub(a, b);
#else
    int64_t s = (int64_t)a - b;
    return s > INT32_MAX ? INT32_MAX : s < INT32_MIN ? INT32_MIN : (int32_t)s;
#endif
}

struct fields {
    unsigned lo : 5;
    signed mid : 11;
    unsigned hi : 16;
};

static uint32_t ubfx(uint32_t x, int lsb, int width) { return (x >> lsb) & ((width == 32) ? ~0u : ((1u << width) - 1)); }
static int32_t sbfx(uint32_t x, int lsb, int width)
{
    uint32_t v = ubfx(x, lsb, width);
    uint32_t sign = 1u << (width - 1);
    return (int32_t)((v ^ sign) - sign);
}

static uint32_t state = 0x9e3779b9u;
static uint32_t rnd(void)
{
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return state;
}

int main(void)
{
    /* shifts by every amount, including register-specified shifts of 32+ in 64-bit */
    uint32_t digest = 0;
    for (int s = 0; s < 32; s++) {
        uint32_t x = sc_opaque_u32(0x87654321u);
        int32_t sx = sc_opaque_s32((int32_t)0x87654321u);
        int sh = sc_opaque_s32(s);
        uint32_t l = x << sh, r = x >> sh;
        int32_t a = sx >> sh;
        CHECK_EQ_U(l, (uint32_t)((uint64_t)0x87654321u << s));
        CHECK_EQ_U(r, (uint32_t)((uint64_t)0x87654321u >> s));
        CHECK_EQ_U((uint32_t)a, s ? (r | ~(0xffffffffu >> s)) : r);
        digest = digest * 31 + l + r + (uint32_t)a;
    }
    for (int s = 0; s < 64; s++) {
        uint64_t x = sc_opaque_u64(0xfedcba9876543210ULL);
        int64_t sx = sc_opaque_s64((int64_t)0xfedcba9876543210ULL);
        int sh = sc_opaque_s32(s);
        uint64_t l = x << sh, r = x >> sh;
        int64_t a = sx >> sh;
        uint64_t wl = 0, wr = 0;
        for (int i = 0; i < 64; i++) { /* bit by bit reference */
            if (i + s < 64 && ((x >> i) & 1))
                wl |= 1ULL << (i + s);
            if (i - s >= 0 && ((x >> i) & 1))
                wr |= 1ULL << (i - s);
        }
        CHECK_EQ_U(l, wl);
        CHECK_EQ_U(r, wr);
        CHECK_EQ_U((uint64_t)a, s ? (wr | ~(0xffffffffffffffffULL >> s)) : wr);
        digest = digest * 31 + (uint32_t)(l ^ (l >> 32)) + (uint32_t)(a ^ (a >> 32));
    }
    printf("shift digest %08x\n", digest);

    /* builtins against bit-by-bit references */
    CHECK_EQ_S(__builtin_clz(sc_opaque_u32(1)), 31);
    CHECK_EQ_S(__builtin_clz(sc_opaque_u32(0x80000000u)), 0);
    CHECK_EQ_S(__builtin_ctz(sc_opaque_u32(0x80000000u)), 31);
    CHECK_EQ_S(__builtin_popcount(sc_opaque_u32(0xffffffffu)), 32);
    CHECK_EQ_S(__builtin_popcountll(sc_opaque_u64(0x8000000000000001ULL)), 2);
    CHECK_EQ_S(__builtin_clzll(sc_opaque_u64(0x00000000ffffffffULL)), 32);
    CHECK_EQ_S(__builtin_ctzll(sc_opaque_u64(0x0000000100000000ULL)), 32);
    CHECK_EQ_S(__builtin_ffs(sc_opaque_s32(0)), 0);
    CHECK_EQ_S(__builtin_ffs(sc_opaque_s32(0x50)), 5);
    CHECK_EQ_S(__builtin_parity(sc_opaque_u32(7)), 1);
    CHECK_EQ_U(__builtin_bswap16((uint16_t)sc_opaque_u32(0x1234)), 0x3412);
    CHECK_EQ_U(__builtin_bswap32(sc_opaque_u32(0x12345678u)), 0x78563412u);
    CHECK_EQ_U(__builtin_bswap64(sc_opaque_u64(0x0102030405060708ULL)), 0x0807060504030201ULL);
    CHECK_EQ_U(rbit32(sc_opaque_u32(1)), 0x80000000u);
    CHECK_EQ_U(rbit32(sc_opaque_u32(0x12345678u)), 0x1e6a2c48u);
    CHECK_EQ_U(rev16(sc_opaque_u32(0x11223344u)), 0x22114433u);
    CHECK_EQ_S(revsh((int16_t)sc_opaque_s32(0x0080)), -32768);
    CHECK_EQ_S(revsh((int16_t)sc_opaque_s32(0x3412)), 0x1234);
    CHECK_EQ_U(rotl32(sc_opaque_u32(0x80000001u), 1), 3);
    CHECK_EQ_U(rotr32(sc_opaque_u32(0x80000001u), 1), 0xc0000000u);
    CHECK_EQ_U(rotl32(sc_opaque_u32(0x12345678u), 0), 0x12345678u);
    CHECK_EQ_U(rotl64(sc_opaque_u64(0x8000000000000001ULL), 4), 0x18);

    for (int i = 0; i < 4000; i++) {
        uint32_t x = rnd() >> (rnd() % 32);
        uint64_t y = ((uint64_t)rnd() << 32 | rnd()) >> (rnd() % 64);
        unsigned r = rnd() % 32;
        if (x) {
            CHECK_EQ_S(__builtin_clz(x), ref_clz(x));
            CHECK_EQ_S(__builtin_ctz(x), ref_ctz(x));
        }
        CHECK_EQ_S(__builtin_popcount(x), ref_popcount(x));
        CHECK_EQ_S(__builtin_popcountll(y), ref_popcount(y));
        CHECK_EQ_S(__builtin_parityll(y), ref_popcount(y) & 1);
        CHECK_EQ_U(rbit32(x), ref_bitrev(x));
        CHECK_EQ_U(__builtin_bswap32(x), ref_bswap32(x));
        CHECK_EQ_U(__builtin_bswap64(y), ((uint64_t)ref_bswap32((uint32_t)y) << 32) | ref_bswap32((uint32_t)(y >> 32)));
        CHECK_EQ_U(rotr32(rotl32(x, r), r), x);
        CHECK_EQ_U(rotl32(x, r), ((uint64_t)x << r | (uint64_t)x >> (32 - r)) & 0xffffffffu);
        CHECK_EQ_U(rotl64(y, r + 17), (y << (r + 17)) | (y >> (64 - r - 17)));
        digest = digest * 7 + rbit32(x) + (uint32_t)__builtin_popcountll(y);
    }
    printf("bits digest %08x\n", digest);

    /* bit-fields (ubfx/sbfx/bfi code) */
    struct fields f;
    for (int i = 0; i < 500; i++) {
        uint32_t v = rnd();
        f.lo = v & 31;
        f.mid = sbfx(v, 5, 11);
        f.hi = (uint16_t)(v >> 16);
        CHECK_EQ_U(f.lo, ubfx(v, 0, 5));
        CHECK_EQ_S(f.mid, sbfx(v, 5, 11));
        CHECK_EQ_U(f.hi, ubfx(v, 16, 16));
        f.mid = (int)(f.mid + 1);
        CHECK_EQ_U(f.lo, ubfx(v, 0, 5)); /* neighbours untouched */
        CHECK_EQ_U(f.hi, ubfx(v, 16, 16));
    }

    /* saturation */
    static const int32_t sat_in[] = {0, 1, -1, 127, 128, -128, -129, 1023, 1024, 100000, -100000};
    for (unsigned i = 0; i < sizeof sat_in / sizeof sat_in[0]; i++) {
        int32_t x = sc_opaque_s32(sat_in[i]);
        int32_t s8 = x > 127 ? 127 : x < -128 ? -128 : x;
        uint32_t u10 = x > 1023 ? 1023 : x < 0 ? 0 : (uint32_t)x;
        CHECK_EQ_S(ssat8(x), s8);
        CHECK_EQ_U(usat10(x), u10);
        printf("sat(%d): ssat8=%d usat10=%u\n", x, ssat8(x), usat10(x));
    }
    CHECK_EQ_S(qadd(sc_opaque_s32(INT32_MAX), 1), INT32_MAX);
    CHECK_EQ_S(qadd(sc_opaque_s32(INT32_MIN), -1), INT32_MIN);
    CHECK_EQ_S(qadd(sc_opaque_s32(5), -7), -2);
    CHECK_EQ_S(qsub(sc_opaque_s32(INT32_MIN), 1), INT32_MIN);
    CHECK_EQ_S(qsub(sc_opaque_s32(INT32_MAX), -1), INT32_MAX);
    CHECK_EQ_S(qsub(sc_opaque_s32(5), 7), -2);
    return finish("bits");
}
