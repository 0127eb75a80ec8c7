/* 32-bit division: software (__aeabi_idiv/__aeabi_uidiv/…divmod), hardware
 * sdiv/udiv (functions compiled for armv7ve), division by constants (magic
 * multiplies), negative operands, and INT_MIN / -1 guarded. */
#include "selfcheck.h"
#include <limits.h>

#ifdef __arm__
#define HWDIV __attribute__((target("arch=armv7ve+fp"), noinline))
#else /* host build, only used to sanity-check the expected constants */
#define HWDIV __attribute__((noinline))
#endif

static __attribute__((noinline)) int32_t sw_sdiv(int32_t a, int32_t b) { return a / b; }
static __attribute__((noinline)) int32_t sw_smod(int32_t a, int32_t b) { return a % b; }
static __attribute__((noinline)) uint32_t sw_udiv(uint32_t a, uint32_t b) { return a / b; }
static __attribute__((noinline)) uint32_t sw_umod(uint32_t a, uint32_t b) { return a % b; }
static HWDIV int32_t hw_sdiv(int32_t a, int32_t b) { return a / b; }
static HWDIV int32_t hw_smod(int32_t a, int32_t b) { return a % b; }
static HWDIV uint32_t hw_udiv(uint32_t a, uint32_t b) { return a / b; }
static HWDIV uint32_t hw_umod(uint32_t a, uint32_t b) { return a % b; }

/* Hardware divide by zero returns 0 on ARM (no trap). */
static HWDIV int32_t hw_sdiv_raw(int32_t a, int32_t b)
{
    int32_t q;
#ifdef __arm__
    __asm__ volatile("sdiv %0, %1, %2" : "=r"(q) : "r"(a), "r"(b));
#else
    q = b == 0 ? 0 : (a == INT_MIN && b == -1) ? INT_MIN : a / b;
#endif
    return q;
}
static HWDIV uint32_t hw_udiv_raw(uint32_t a, uint32_t b)
{
    uint32_t q;
#ifdef __arm__
    __asm__ volatile("udiv %0, %1, %2" : "=r"(q) : "r"(a), "r"(b));
#else
    q = b == 0 ? 0 : a / b;
#endif
    return q;
}

/* reference: restoring division on magnitudes */
static uint32_t ref_udiv(uint32_t n, uint32_t d, uint32_t *rem)
{
    uint32_t q = 0, r = 0;
    for (int i = 31; i >= 0; i--) {
        r = (r << 1) | ((n >> i) & 1);
        if (r >= d) {
            r -= d;
            q |= 1u << i;
        }
    }
    *rem = r;
    return q;
}
static int32_t ref_sdiv(int32_t n, int32_t d, int32_t *rem)
{
    uint32_t un = n < 0 ? 0u - (uint32_t)n : (uint32_t)n;
    uint32_t ud = d < 0 ? 0u - (uint32_t)d : (uint32_t)d;
    uint32_t ur, uq = ref_udiv(un, ud, &ur);
    *rem = (int32_t)(n < 0 ? 0u - ur : ur);
    return (int32_t)(((n < 0) != (d < 0)) ? 0u - uq : uq);
}

/* division by constants: the compiler turns these into multiply-high sequences */
static __attribute__((noinline)) uint32_t udiv_consts(uint32_t x)
{
    return x / 3 + x / 7 + x / 10 + x / 1000 + x / 641 + x / 0x80000000u + x % 10;
}
static __attribute__((noinline)) int32_t sdiv_consts(int32_t x)
{
    return x / 3 + x / -7 + x / 10 + x / 1000 + x / 16 + x % 10 + x % -16;
}
static uint32_t ref_udiv_consts(uint32_t x)
{
    uint32_t r, s = 0;
    static const uint32_t ds[] = {3, 7, 10, 1000, 641, 0x80000000u};
    for (unsigned i = 0; i < sizeof ds / sizeof ds[0]; i++)
        s += ref_udiv(x, ds[i], &r);
    ref_udiv(x, 10, &r);
    return s + r;
}
static int32_t ref_sdiv_consts(int32_t x)
{
    int32_t r, s = 0;
    static const int32_t ds[] = {3, -7, 10, 1000, 16};
    for (unsigned i = 0; i < sizeof ds / sizeof ds[0]; i++)
        s = (int32_t)((uint32_t)s + (uint32_t)ref_sdiv(x, ds[i], &r));
    ref_sdiv(x, 10, &r);
    s = (int32_t)((uint32_t)s + (uint32_t)r);
    ref_sdiv(x, -16, &r);
    return (int32_t)((uint32_t)s + (uint32_t)r);
}

static int32_t safe_div(int32_t a, int32_t b)
{
    if (b == 0)
        return 0;
    if (a == INT_MIN && b == -1)
        return INT_MIN; /* guarded: would overflow */
    return a / b;
}

static uint32_t lcg = 12345;
static uint32_t next(void)
{
    lcg = lcg * 1103515245u + 12345u;
    return lcg ^ (lcg >> 15);
}

int main(void)
{
    static const int32_t sv[][4] = {
        /* a, b, a/b, a%b */
        {7, 2, 3, 1},
        {-7, 2, -3, -1},
        {7, -2, -3, 1},
        {-7, -2, 3, -1},
        {0, -5, 0, 0},
        {INT_MIN, 1, INT_MIN, 0},
        {INT_MIN, 2, -1073741824, 0},
        {INT_MIN, -2, 1073741824, 0},
        {INT_MIN, INT_MAX, -1, -1},
        {INT_MAX, INT_MIN, 0, INT_MAX},
        {INT_MIN, INT_MIN, 1, 0},
        {-1, INT_MIN, 0, -1},
        {100, 7, 14, 2},
        {-100, 7, -14, -2},
        {1000000007, -1000, -1000000, 7},
    };
    for (unsigned i = 0; i < sizeof sv / sizeof sv[0]; i++) {
        int32_t a = sc_opaque_s32(sv[i][0]), b = sc_opaque_s32(sv[i][1]);
        CHECK_EQ_S(sw_sdiv(a, b), sv[i][2]);
        CHECK_EQ_S(sw_smod(a, b), sv[i][3]);
        CHECK_EQ_S(hw_sdiv(a, b), sv[i][2]);
        CHECK_EQ_S(hw_smod(a, b), sv[i][3]);
        printf("%d / %d = %d rem %d\n", sv[i][0], sv[i][1], sw_sdiv(a, b), sw_smod(a, b));
    }
    static const uint32_t uv[][4] = {
        {7, 2, 3, 1},
        {0xffffffffu, 1, 0xffffffffu, 0},
        {0xffffffffu, 0xffffffffu, 1, 0},
        {0xfffffffeu, 0xffffffffu, 0, 0xfffffffeu},
        {0x80000000u, 3, 0x2aaaaaaau, 2},
        {0xffffffffu, 0x10000u, 0xffffu, 0xffffu},
        {123456789u, 10u, 12345678u, 9u},
        {0u, 7u, 0u, 0u},
    };
    for (unsigned i = 0; i < sizeof uv / sizeof uv[0]; i++) {
        uint32_t a = sc_opaque_u32(uv[i][0]), b = sc_opaque_u32(uv[i][1]);
        CHECK_EQ_U(sw_udiv(a, b), uv[i][2]);
        CHECK_EQ_U(sw_umod(a, b), uv[i][3]);
        CHECK_EQ_U(hw_udiv(a, b), uv[i][2]);
        CHECK_EQ_U(hw_umod(a, b), uv[i][3]);
        printf("%u / %u = %u rem %u\n", uv[i][0], uv[i][1], sw_udiv(a, b), sw_umod(a, b));
    }

    /* INT_MIN / -1 guarded in C; the hardware instruction itself gives INT_MIN */
    CHECK_EQ_S(safe_div(sc_opaque_s32(INT_MIN), -1), INT_MIN);
    CHECK_EQ_S(safe_div(sc_opaque_s32(10), 0), 0);
    CHECK_EQ_S(hw_sdiv_raw(sc_opaque_s32(INT_MIN), -1), INT_MIN);
    /* ARM hardware division by zero yields 0 and does not trap */
    CHECK_EQ_S(hw_sdiv_raw(sc_opaque_s32(12345), 0), 0);
    CHECK_EQ_U(hw_udiv_raw(sc_opaque_u32(12345), 0), 0);
    CHECK_EQ_U(hw_udiv_raw(sc_opaque_u32(0xffffffffu), 2), 0x7fffffffu);
    CHECK_EQ_S(hw_sdiv_raw(sc_opaque_s32(-9), 2), -4);

    /* random operands, software and hardware against the reference */
    uint32_t digest = 0;
    for (int i = 0; i < 3000; i++) {
        uint32_t a = next(), b = next() >> (next() % 32);
        if (b == 0)
            b = 3;
        uint32_t r, q = ref_udiv(a, b, &r);
        CHECK_EQ_U(sw_udiv(a, b), q);
        CHECK_EQ_U(sw_umod(a, b), r);
        CHECK_EQ_U(hw_udiv(a, b), q);
        CHECK_EQ_U(hw_umod(a, b), r);
        int32_t sa = (int32_t)a, sb = (int32_t)b;
        if (sa == INT_MIN && sb == -1)
            sb = 1;
        int32_t sr, sq = ref_sdiv(sa, sb, &sr);
        CHECK_EQ_S(sw_sdiv(sa, sb), sq);
        CHECK_EQ_S(sw_smod(sa, sb), sr);
        CHECK_EQ_S(hw_sdiv(sa, sb), sq);
        CHECK_EQ_S(hw_smod(sa, sb), sr);
        CHECK_EQ_U(udiv_consts(a), ref_udiv_consts(a));
        CHECK_EQ_S(sdiv_consts(sa), ref_sdiv_consts(sa));
        digest = digest * 33 + q + (uint32_t)sq + r;
    }
    static const int32_t edge[] = {0, 1, -1, 2, -2, 9, -9, 10, -10, 15, -15, 16, -16, 17, -17,
                                   999, -999, 1000, -1000, INT_MAX, INT_MIN, INT_MIN + 1};
    for (unsigned i = 0; i < sizeof edge / sizeof edge[0]; i++) {
        CHECK_EQ_U(udiv_consts((uint32_t)edge[i]), ref_udiv_consts((uint32_t)edge[i]));
        CHECK_EQ_S(sdiv_consts(edge[i]), ref_sdiv_consts(edge[i]));
    }
    printf("divide digest %08x\n", digest);
    return finish("divide");
}
