/* 32- and 64-bit integer arithmetic: wrap-around, carries, long multiplies,
 * 64-bit division/modulo (libgcc __aeabi_ldivmod/__aeabi_uldivmod). */
#include "selfcheck.h"
#include <limits.h>

static uint32_t add_u32(uint32_t a, uint32_t b) { return a + b; }
static uint32_t sub_u32(uint32_t a, uint32_t b) { return a - b; }
static uint32_t mul_u32(uint32_t a, uint32_t b) { return a * b; }
/* signed overflow through unsigned arithmetic: defined wrap-around */
static int32_t wrap_add_s32(int32_t a, int32_t b) { return (int32_t)((uint32_t)a + (uint32_t)b); }
static int32_t wrap_mul_s32(int32_t a, int32_t b) { return (int32_t)((uint32_t)a * (uint32_t)b); }

static uint64_t umull(uint32_t a, uint32_t b) { return (uint64_t)a * b; }
static int64_t smull(int32_t a, int32_t b) { return (int64_t)a * b; }
static uint64_t umlal(uint64_t acc, uint32_t a, uint32_t b) { return acc + (uint64_t)a * b; }
static int32_t mla(int32_t acc, int32_t a, int32_t b) { return (int32_t)((uint32_t)acc + (uint32_t)a * (uint32_t)b); }
static int32_t mls(int32_t acc, int32_t a, int32_t b) { return (int32_t)((uint32_t)acc - (uint32_t)a * (uint32_t)b); }

/* reference 64-bit multiply from 16-bit limbs, independent of the compiler's */
static uint64_t ref_mul64(uint64_t a, uint64_t b)
{
    uint16_t x[4], y[4];
    uint32_t r[8] = {0};
    for (int i = 0; i < 4; i++) {
        x[i] = (uint16_t)(a >> (16 * i));
        y[i] = (uint16_t)(b >> (16 * i));
    }
    for (int i = 0; i < 4; i++) {
        uint32_t carry = 0;
        for (int j = 0; i + j < 4; j++) {
            uint32_t t = (uint32_t)x[i] * y[j] + (r[i + j] & 0xffff) + carry;
            r[i + j] = t & 0xffff;
            carry = t >> 16;
        }
    }
    return (uint64_t)r[0] | ((uint64_t)r[1] << 16) | ((uint64_t)r[2] << 32) | ((uint64_t)r[3] << 48);
}

/* reference unsigned 64-bit division by shift-and-subtract */
static uint64_t ref_udiv64(uint64_t n, uint64_t d, uint64_t *rem)
{
    uint64_t q = 0, r = 0;
    for (int i = 63; i >= 0; i--) {
        r = (r << 1) | ((n >> i) & 1);
        if (r >= d) {
            r -= d;
            q |= (uint64_t)1 << i;
        }
    }
    *rem = r;
    return q;
}

static uint64_t rng_state = 0x243f6a8885a308d3ULL;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

int main(void)
{
    /* 32-bit wrap-around */
    CHECK_EQ_U(add_u32(sc_opaque_u32(0xffffffffu), 1), 0);
    CHECK_EQ_U(add_u32(sc_opaque_u32(0x80000000u), 0x80000000u), 0);
    CHECK_EQ_U(sub_u32(sc_opaque_u32(0), 1), 0xffffffffu);
    CHECK_EQ_U(mul_u32(sc_opaque_u32(0x10001u), 0x10001u), 0x00020001u);
    CHECK_EQ_U(mul_u32(sc_opaque_u32(0xdeadbeefu), 0xcafebabeu), 0x88cf5b62u);
    CHECK_EQ_S(wrap_add_s32(sc_opaque_s32(INT_MAX), 1), INT_MIN);
    CHECK_EQ_S(wrap_add_s32(sc_opaque_s32(INT_MIN), -1), INT_MAX);
    CHECK_EQ_S(wrap_mul_s32(sc_opaque_s32(65536), 65536), 0);
    CHECK_EQ_S(wrap_mul_s32(sc_opaque_s32(-7), 123456789), -864197523);
    CHECK_EQ_S(wrap_mul_s32(sc_opaque_s32(INT_MIN), -1), INT_MIN);
    CHECK_EQ_S(-sc_opaque_s32(5), -5);
    CHECK_EQ_S(mla(sc_opaque_s32(10), 3, -7), -11);
    CHECK_EQ_S(mls(sc_opaque_s32(10), 3, -7), 31);

    /* carries between the halves of 64-bit values (adds/adc, subs/sbc) */
    CHECK_EQ_U(sc_opaque_u64(0x00000000ffffffffULL) + 1, 0x0000000100000000ULL);
    CHECK_EQ_U(sc_opaque_u64(0x0000000100000000ULL) - 1, 0x00000000ffffffffULL);
    CHECK_EQ_U(sc_opaque_u64(0xffffffffffffffffULL) + 1, 0);
    CHECK_EQ_U(sc_opaque_u64(0) - 1, 0xffffffffffffffffULL);
    CHECK_EQ_S(-sc_opaque_s64(1), -1LL);
    CHECK_EQ_S(-sc_opaque_s64(0x100000000LL), -0x100000000LL);
    CHECK_EQ_U(0 - (uint64_t)sc_opaque_s64(INT64_MIN), 0x8000000000000000ULL);

    /* long multiplies (umull/smull/umlal) */
    CHECK_EQ_U(umull(sc_opaque_u32(0xffffffffu), 0xffffffffu), 0xfffffffe00000001ULL);
    CHECK_EQ_S(smull(sc_opaque_s32(-1), 0x7fffffff), -0x7fffffffLL);
    CHECK_EQ_S(smull(sc_opaque_s32(INT_MIN), INT_MIN), 0x4000000000000000LL);
    CHECK_EQ_S(smull(sc_opaque_s32(INT_MIN), INT_MAX), -0x3fffffff80000000LL);
    CHECK_EQ_U(umlal(sc_opaque_u64(0xffffffffffffffffULL), 2, 3), 5);

    /* 64x64 multiply */
    CHECK_EQ_U(sc_opaque_u64(0x123456789abcdefULL) * 0xfedcba987654321ULL, 0x22236d88fe5618cfULL);

    /* 64-bit division and modulo (libgcc helpers) */
    CHECK_EQ_S(sc_opaque_s64(-1000000000000LL) / 7, -142857142857LL);
    CHECK_EQ_S(sc_opaque_s64(-1000000000000LL) % 7, -1);
    CHECK_EQ_S(sc_opaque_s64(1000000000000LL) / -7, -142857142857LL);
    CHECK_EQ_S(sc_opaque_s64(1000000000000LL) % -7, 1);
    CHECK_EQ_S(sc_opaque_s64(-1000000000000LL) / -7, 142857142857LL);
    CHECK_EQ_U(sc_opaque_u64(0xfedcba9876543210ULL) / 0x12345678u, 60129542263ULL);
    CHECK_EQ_U(sc_opaque_u64(0xfedcba9876543210ULL) % 0x12345678u, 72);
    CHECK_EQ_U(sc_opaque_u64(0xfedcba9876543210ULL) / 0x123456789ULL, 3758096384ULL);
    CHECK_EQ_U(sc_opaque_u64(0xfedcba9876543210ULL) % 0x123456789ULL, 2522100240ULL);
    CHECK_EQ_U(sc_opaque_u64(0xffffffffffffffffULL) / 1, 0xffffffffffffffffULL);
    CHECK_EQ_U(sc_opaque_u64(0xffffffffffffffffULL) / 0xffffffffffffffffULL, 1);
    CHECK_EQ_U(sc_opaque_u64(5) / 0xffffffffffffffffULL, 0);
    CHECK_EQ_S(sc_opaque_s64(INT64_MIN) / 2, INT64_MIN / 2);
    CHECK_EQ_S(sc_opaque_s64(INT64_MIN) % 3, -2);
    CHECK_EQ_S(sc_opaque_s64(INT64_MAX) / -1, -INT64_MAX);

    /* randomised cross-check against the reference multiply and divide */
    uint64_t digest = 0;
    for (int i = 0; i < 2000; i++) {
        uint64_t a = rng(), b = rng();
        int shift = (int)(rng() % 64);
        b >>= shift; /* divisors of every size */
        if (b == 0)
            b = 1 + (uint64_t)i;
        uint64_t r, q = ref_udiv64(a, b, &r);
        CHECK_EQ_U(a * b, ref_mul64(a, b));
        CHECK_EQ_U(a / b, q);
        CHECK_EQ_U(a % b, r);
        int64_t sa = (int64_t)a, sb = (int64_t)b;
        if (i & 1)
            sb = -sb;
        int64_t sq = sa / sb, sr = sa % sb;
        CHECK_EQ_S(sq * sb + sr, sa);
        CHECK((sr == 0) || ((sr < 0) == (sa < 0)));
        uint32_t a32 = (uint32_t)a, b32 = (uint32_t)(b | 1);
        CHECK_EQ_U((uint64_t)a32 * b32, ref_mul64(a32, b32));
        digest = digest * 31 + q + r + (uint64_t)sq;
    }
    printf("arith digest %016llx\n", (unsigned long long)digest);

    /* a few printed results for the differential comparison */
    int32_t acc = 1;
    for (int i = 1; i <= 40; i++)
        acc = wrap_add_s32(wrap_mul_s32(acc, i), i);
    printf("factorial-ish wrap %d\n", acc);
    uint64_t f = 1;
    for (unsigned i = 1; i <= 25; i++)
        f *= i;
    printf("25! mod 2^64 = %llu\n", (unsigned long long)f);
    CHECK_EQ_U(f, 7034535277573963776ULL);
    return finish("arith");
}
