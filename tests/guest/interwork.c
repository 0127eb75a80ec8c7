/* ARM/Thumb interworking inside one binary: functions forced to ARM or to
 * Thumb state call each other directly (bl/blx, linker veneers), through
 * function pointers (blx reg), return with bx lr or pop {pc}, recurse across
 * states, and serve as callbacks for libc (qsort). */
#include "selfcheck.h"
#include <stdlib.h>

#ifdef __arm__
#define IN_ARM __attribute__((target("arm"), noinline))
#define IN_THUMB __attribute__((target("thumb"), noinline))
#else
#define IN_ARM __attribute__((noinline))
#define IN_THUMB __attribute__((noinline))
#endif

IN_ARM uint32_t arm_leaf(uint32_t x) { return x * 3 + 1; }
IN_THUMB uint32_t thumb_leaf(uint32_t x) { return (x ^ 0x5a5a5a5au) + 7; }

IN_THUMB uint32_t thumb_calls_arm(uint32_t x)
{
    uint32_t a = arm_leaf(x);
    uint32_t b = arm_leaf(a);
    return a + b;
}
IN_ARM uint32_t arm_calls_thumb(uint32_t x)
{
    uint32_t a = thumb_leaf(x);
    return thumb_calls_arm(a) ^ a;
}

/* mutual recursion alternating between the two states on every call */
IN_THUMB uint32_t ping_thumb(uint32_t n, uint32_t acc);
IN_ARM uint32_t pong_arm(uint32_t n, uint32_t acc)
{
    if (n == 0)
        return acc;
    return ping_thumb(n - 1, acc * 5 + n) + 1;
}
IN_THUMB uint32_t ping_thumb(uint32_t n, uint32_t acc)
{
    if (n == 0)
        return acc;
    return pong_arm(n - 1, acc * 7 + n) + 2;
}
static uint32_t ping_ref(uint32_t n, uint32_t acc, int thumb)
{
    uint32_t extra = 0;
    while (n) {
        acc = acc * (thumb ? 7u : 5u) + n;
        extra += thumb ? 2u : 1u;
        n--;
        thumb = !thumb;
    }
    return acc + extra;
}

/* tail calls across states */
IN_ARM uint32_t arm_tail_target(uint32_t x) { return x + 1000; }
IN_THUMB uint32_t thumb_tail(uint32_t x) { return arm_tail_target(x * 2); }
IN_THUMB uint32_t thumb_tail_target(uint32_t x) { return x + 2000; }
IN_ARM uint32_t arm_tail(uint32_t x) { return thumb_tail_target(x * 3); }

/* function pointers of both kinds in one table */
typedef uint32_t (*fn_t)(uint32_t);
static fn_t const mixed[] = {arm_leaf, thumb_leaf, thumb_calls_arm, arm_calls_thumb, thumb_tail, arm_tail};
IN_ARM uint32_t arm_dispatch(int i, uint32_t x)
{
    fn_t volatile f = mixed[i];
    return f(x);
}
IN_THUMB uint32_t thumb_dispatch(int i, uint32_t x)
{
    fn_t volatile f = mixed[i];
    return f(x);
}

IN_THUMB int cmp_thumb(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}
IN_ARM int cmp_arm_desc(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x < y) - (x > y);
}

int main(void)
{
    uint32_t x = sc_opaque_u32(12345);
    CHECK_EQ_U(arm_leaf(x), 37036);
    CHECK_EQ_U(thumb_leaf(x), (12345u ^ 0x5a5a5a5au) + 7);
    CHECK_EQ_U(thumb_calls_arm(x), 37036 + 111109);
    uint32_t t = (12345u ^ 0x5a5a5a5au) + 7;
    CHECK_EQ_U(arm_calls_thumb(x), ((t * 3 + 1) + ((t * 3 + 1) * 3 + 1)) ^ t);
    CHECK_EQ_U(thumb_tail(x), 12345 * 2 + 1000);
    CHECK_EQ_U(arm_tail(x), 12345 * 3 + 2000);

    for (uint32_t n = 0; n < 50; n++) {
        CHECK_EQ_U(pong_arm(n, 1), ping_ref(n, 1, 0));
        CHECK_EQ_U(ping_thumb(n, 1), ping_ref(n, 1, 1));
    }
    printf("ping_thumb(1000) = %08x\n", ping_thumb(sc_opaque_u32(1000), 3));
    CHECK_EQ_U(ping_thumb(1000, 3), ping_ref(1000, 3, 1));

    uint32_t h = 0;
    for (int i = 0; i < 6; i++) {
        uint32_t a = arm_dispatch(i, x + (uint32_t)i), b = thumb_dispatch(i, x + (uint32_t)i);
        CHECK_EQ_U(a, b);
        CHECK_EQ_U(a, mixed[i](x + (uint32_t)i));
        h = h * 31 + a;
    }
    printf("dispatch hash %08x\n", h);

    int v[40];
    uint32_t s = 99;
    for (int i = 0; i < 40; i++) {
        s = s * 1103515245u + 12345u;
        v[i] = (int)(s >> 16) - 16384;
    }
    qsort(v, 40, sizeof v[0], cmp_thumb);
    for (int i = 1; i < 40; i++)
        CHECK(v[i - 1] <= v[i]);
    qsort(v, 40, sizeof v[0], cmp_arm_desc);
    for (int i = 1; i < 40; i++)
        CHECK(v[i - 1] >= v[i]);
    printf("max %d min %d\n", v[0], v[39]);
    return finish("interwork");
}
