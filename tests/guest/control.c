/* Control flow: for/while/do loops, nested breaks and continues, goto
 * (forward, backward, out of nested loops), computed goto (labels as values),
 * short-circuit evaluation, conditional selects, early returns. */
#include "selfcheck.h"

static int side_effects;
static int bump(int v)
{
    side_effects++;
    return v;
}

static int find_pair(const int *a, int n, int target, int *pi, int *pj)
{
    for (int i = 0; i < n; i++) {
        for (int j = i + 1; j < n; j++) {
            if (a[i] + a[j] == target) {
                *pi = i;
                *pj = j;
                goto found;
            }
        }
    }
    return 0;
found:
    return 1;
}

/* backward goto loop */
static unsigned collatz_steps(unsigned n)
{
    unsigned steps = 0;
again:
    if (n == 1)
        return steps;
    n = (n & 1) ? 3 * n + 1 : n / 2;
    steps++;
    goto again;
}

/* computed goto dispatch: returns the sum of the program run */
static int threaded(const unsigned char *code)
{
    static void *const ops[] = {&&op_halt, &&op_inc, &&op_dbl, &&op_dec, &&op_jnz_back2};
    int acc = 0, counter = 5;
    const unsigned char *pc = code;
#define NEXT goto *ops[*pc++]
    NEXT;
op_inc:
    acc += 1;
    NEXT;
op_dbl:
    acc *= 2;
    NEXT;
op_dec:
    counter--;
    NEXT;
op_jnz_back2:
    if (counter)
        pc -= 3;
    NEXT;
op_halt:
#undef NEXT
    return acc;
}

static int classify(int x)
{
    if (x < 0)
        return -1;
    if (x == 0)
        return 0;
    if (x < 10)
        return 1;
    if (x < 100)
        return 2;
    return 3;
}

static int select_max(int a, int b) { return a > b ? a : b; }
static unsigned select_umin(unsigned a, unsigned b) { return a < b ? a : b; }

int main(void)
{
    /* loops of all kinds */
    int sum = 0;
    for (int i = 0; i < 100; i++)
        sum += i;
    CHECK_EQ_S(sum, 4950);
    int k = sc_opaque_s32(10), w = 0;
    while (k--)
        w += k;
    CHECK_EQ_S(w, 45);
    CHECK_EQ_S(k, -1);
    int d = 0;
    do
        d++;
    while (d < sc_opaque_s32(-5)); /* body runs once */
    CHECK_EQ_S(d, 1);
    unsigned down = 0;
    for (unsigned u = 10; u-- > 0;)
        down = down * 10 + u;
    CHECK_EQ_U(down, 9876543210u % 0x100000000ULL);

    /* nested loops with break/continue */
    int count = 0, last_i = -1, last_j = -1;
    for (int i = 0; i < 10; i++) {
        if (i == 3)
            continue;
        for (int j = 0; j < 10; j++) {
            if (j > i)
                break;
            if ((i + j) % 3 == 0)
                continue;
            count++;
            last_i = i;
            last_j = j;
        }
        if (i == 8)
            break;
    }
    printf("nested count=%d last=(%d,%d)\n", count, last_i, last_j);
    CHECK_EQ_S(count, 28);
    CHECK_EQ_S(last_i, 8);
    CHECK_EQ_S(last_j, 8);

    /* goto out of nested loops */
    int arr[] = {5, 9, 14, 3, 22, 8, 17};
    int pi = -1, pj = -1;
    CHECK(find_pair(arr, 7, 25, &pi, &pj));
    CHECK_EQ_S(pi, 3);
    CHECK_EQ_S(pj, 4);
    CHECK(!find_pair(arr, 7, 1000, &pi, &pj));

    CHECK_EQ_U(collatz_steps(27), 111);
    CHECK_EQ_U(collatz_steps(1), 0);
    unsigned maxsteps = 0, arg = 0;
    for (unsigned n = 1; n < 3000; n++) {
        unsigned s = collatz_steps(n);
        if (s > maxsteps) {
            maxsteps = s;
            arg = n;
        }
    }
    printf("collatz max below 3000: n=%u steps=%u\n", arg, maxsteps);
    CHECK_EQ_U(arg, 2919);
    CHECK_EQ_U(maxsteps, 216);

    /* computed goto: inc inc [dbl dec jnz-back] x5 halt */
    static const unsigned char prog[] = {1, 1, 2, 3, 4, 0};
    CHECK_EQ_S(threaded(prog), 64);

    /* short circuit */
    side_effects = 0;
    int r = bump(0) && bump(1);
    CHECK_EQ_S(r, 0);
    CHECK_EQ_S(side_effects, 1);
    r = bump(1) || bump(1);
    CHECK_EQ_S(r, 1);
    CHECK_EQ_S(side_effects, 2);
    r = (bump(1) && bump(0)) || bump(2);
    CHECK_EQ_S(r, 1);
    CHECK_EQ_S(side_effects, 5);

    /* branches on conditions of every kind (signed/unsigned compares) */
    int hist[5] = {0};
    for (int x = -50; x <= 150; x++)
        hist[classify(x) + 1]++;
    printf("classify hist %d %d %d %d %d\n", hist[0], hist[1], hist[2], hist[3], hist[4]);
    CHECK_EQ_S(hist[0], 50);
    CHECK_EQ_S(hist[1], 1);
    CHECK_EQ_S(hist[2], 9);
    CHECK_EQ_S(hist[3], 90);
    CHECK_EQ_S(hist[4], 51);
    CHECK_EQ_S(select_max(sc_opaque_s32(-3), -4), -3);
    CHECK_EQ_U(select_umin(sc_opaque_u32(0xfffffffdu), 4), 4);
    CHECK((unsigned)sc_opaque_s32(-1) > 1u);
    CHECK(sc_opaque_s32(-1) < 1);
    CHECK(sc_opaque_s64(-1) < 1);
    CHECK((uint64_t)sc_opaque_s64(-1) > 1u);
    CHECK(sc_opaque_s64(0x100000000LL) > sc_opaque_s64(0xffffffffLL));
    CHECK(sc_opaque_s64(-0x100000000LL) < sc_opaque_s64(-0xffffffffLL));

    /* a branchy loop: primes by trial division */
    int nprimes = 0, lastp = 0;
    for (int n = 2; n < 5000; n++) {
        int prime = 1;
        for (int q = 2; q * q <= n; q++) {
            if (n % q == 0) {
                prime = 0;
                break;
            }
        }
        if (!prime)
            continue;
        nprimes++;
        lastp = n;
    }
    printf("primes below 5000: %d, last %d\n", nprimes, lastp);
    CHECK_EQ_S(nprimes, 669);
    CHECK_EQ_S(lastp, 4999);
    return finish("control");
}
