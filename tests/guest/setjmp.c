/* setjmp/longjmp: simple return values, longjmp(…, 0) turning into 1,
 * unwinding out of deep recursion, nested jump buffers (an exception-like
 * try/catch stack), volatile locals surviving the jump, and jumping from a
 * callback called by libc (qsort). */
#include "selfcheck.h"
#include <setjmp.h>
#include <stdlib.h>

static jmp_buf top;
static int depth_reached;

static void dive(int depth, int limit)
{
    volatile char frame[64];
    if (depth > limit)
        return; /* never: the jump happens at depth == limit */
    frame[depth & 63] = (char)depth;
    depth_reached = depth;
    if (depth == limit)
        longjmp(top, depth + frame[depth & 63] * 0 + 1000);
    dive(depth + 1, limit);
    frame[0]++; /* not reached */
}

/* a tiny try/catch stack */
static jmp_buf *handlers[8];
static int nhandlers;
static void throw_(int code)
{
    longjmp(*handlers[--nhandlers], code);
}
static int risky(int x)
{
    if (x % 5 == 0)
        throw_(x);
    return x * 2;
}
static int guarded_sum(int from, int to, int *caught)
{
    volatile int sum = 0; /* volatile: modified between setjmp and longjmp */
    volatile int i;
    for (i = from; i < to; i++) {
        jmp_buf env;
        handlers[nhandlers++] = &env;
        int code = setjmp(env);
        if (code == 0) {
            sum += risky(i);
            nhandlers--;
        } else {
            *caught += code;
        }
    }
    return sum;
}

static jmp_buf cmp_escape;
static int cmp_calls;
static int cmp_bomb(const void *a, const void *b)
{
    if (++cmp_calls == 10)
        longjmp(cmp_escape, 77);
    return *(const int *)a - *(const int *)b;
}

int main(void)
{
    jmp_buf env;
    volatile int counter = 0;
    int r = setjmp(env);
    counter++;
    if (r < 3)
        longjmp(env, r + 1);
    CHECK_EQ_S(r, 3);
    CHECK_EQ_S(counter, 4);

    /* longjmp with 0 must make setjmp return 1 */
    volatile int zero_seen = 0;
    r = setjmp(env);
    if (r == 0) {
        zero_seen++;
        longjmp(env, 0);
    }
    CHECK_EQ_S(r, 1);
    CHECK_EQ_S(zero_seen, 1);

    /* out of deep recursion */
    r = setjmp(top);
    if (r == 0)
        dive(0, 5000);
    printf("longjmp from depth %d returned %d\n", depth_reached, r);
    CHECK_EQ_S(r, 6000);
    CHECK_EQ_S(depth_reached, 5000);

    /* the stack is usable after the jump */
    r = setjmp(top);
    if (r == 0)
        dive(0, 100);
    CHECK_EQ_S(r, 1100);

    int caught = 0;
    int s = guarded_sum(1, 23, &caught);
    printf("guarded sum %d, caught %d\n", s, caught);
    /* sum of 2*i for i in 1..22 not divisible by 5; caught = 5+10+15+20 */
    CHECK_EQ_S(s, 2 * (253 - 50));
    CHECK_EQ_S(caught, 50);
    CHECK_EQ_S(nhandlers, 0);

    int v[64];
    for (int i = 0; i < 64; i++)
        v[i] = (i * 37) % 64;
    r = setjmp(cmp_escape);
    if (r == 0) {
        qsort(v, 64, sizeof v[0], cmp_bomb);
        CHECK(0); /* qsort must not finish */
    }
    CHECK_EQ_S(r, 77);
    CHECK_EQ_S(cmp_calls, 10);

    /* callee-saved registers restored: locals kept in registers across setjmp */
    uint32_t a = sc_opaque_u32(0x11111111), b = sc_opaque_u32(0x22222222), c = sc_opaque_u32(0x33333333);
    uint32_t d = sc_opaque_u32(0x44444444), e = sc_opaque_u32(0x55555555), f = sc_opaque_u32(0x66666666);
    r = setjmp(env);
    if (r == 0) {
        uint32_t t = sc_opaque_u32(1);
        /* clobber everything through a call that longjmps */
        if (t)
            longjmp(env, 5);
    }
    CHECK_EQ_U(a + b + c + d + e + f, 0x11111111u * 21);
    return finish("setjmp");
}
