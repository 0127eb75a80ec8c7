/* Recursion: naive fib, Ackermann (small), mutual recursion, Towers of
 * Hanoi, a deep (non-tail) recursion that uses a few hundred KiB of stack,
 * recursive permutation generation and a recursive-descent evaluator. */
#include "selfcheck.h"
#include <string.h>

static unsigned fib(unsigned n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static unsigned ack(unsigned m, unsigned n)
{
    if (m == 0)
        return n + 1;
    if (n == 0)
        return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}

static int is_odd(unsigned n);
static int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }
static int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }

static unsigned long long hanoi_moves;
static unsigned hanoi_check;
static void hanoi(int n, int from, int to, int via)
{
    if (n == 0)
        return;
    hanoi(n - 1, from, via, to);
    hanoi_moves++;
    hanoi_check = hanoi_check * 3 + (unsigned)(from * 4 + to);
    hanoi(n - 1, via, to, from);
}

/* deep recursion with a live frame at every level */
static uint32_t deep(uint32_t n, uint32_t acc)
{
    volatile uint32_t pad[8];
    for (int i = 0; i < 8; i++)
        pad[i] = n * (uint32_t)i + acc;
    if (n == 0)
        return acc;
    uint32_t r = deep(n - 1, acc * 2654435761u + n);
    return r ^ pad[n & 7];
}
static uint32_t deep_iter(uint32_t n, uint32_t acc)
{
    /* same computation, iteratively: r_k = r_{k+1} ^ pad_k[k&7] */
    uint32_t accs[20001];
    for (uint32_t k = n;; k--) {
        accs[k] = acc;
        if (k == 0)
            break;
        acc = acc * 2654435761u + k;
    }
    uint32_t r = accs[0];
    for (uint32_t k = 1; k <= n; k++)
        r ^= k * (k & 7) + accs[k];
    return r;
}

static int perm_count;
static uint32_t perm_hash;
static void permute(char *s, int l, int n)
{
    if (l == n) {
        perm_count++;
        for (int i = 0; i < n; i++)
            perm_hash = perm_hash * 31 + (unsigned char)s[i];
        return;
    }
    for (int i = l; i < n; i++) {
        char t = s[l];
        s[l] = s[i];
        s[i] = t;
        permute(s, l + 1, n);
        t = s[l];
        s[l] = s[i];
        s[i] = t;
    }
}

/* recursive descent: expr := term (('+'|'-') term)*; term := factor (('*'|'/') factor)*;
 * factor := number | '(' expr ')' | '-' factor */
static const char *p;
static long expr(void);
static long factor(void)
{
    if (*p == '(') {
        p++;
        long v = expr();
        p++; /* ')' */
        return v;
    }
    if (*p == '-') {
        p++;
        return -factor();
    }
    long v = 0;
    while (*p >= '0' && *p <= '9')
        v = v * 10 + (*p++ - '0');
    return v;
}
static long term(void)
{
    long v = factor();
    while (*p == '*' || *p == '/') {
        char op = *p++;
        long r = factor();
        v = op == '*' ? v * r : v / r;
    }
    return v;
}
static long expr(void)
{
    long v = term();
    while (*p == '+' || *p == '-') {
        char op = *p++;
        long r = term();
        v = op == '+' ? v + r : v - r;
    }
    return v;
}
static long eval(const char *s)
{
    p = s;
    return expr();
}

int main(void)
{
    static const unsigned fibs[] = {0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55};
    for (unsigned i = 0; i < 11; i++)
        CHECK_EQ_U(fib(i), fibs[i]);
    unsigned f25 = fib(sc_opaque_u32(25));
    printf("fib(25) = %u\n", f25);
    CHECK_EQ_U(f25, 75025);

    CHECK_EQ_U(ack(0, 0), 1);
    CHECK_EQ_U(ack(1, 2), 4);
    CHECK_EQ_U(ack(2, 3), 9);
    unsigned a36 = ack(3, sc_opaque_u32(6));
    printf("ack(3,6) = %u\n", a36);
    CHECK_EQ_U(a36, 509);

    CHECK(is_even(sc_opaque_u32(10000)));
    CHECK(is_odd(sc_opaque_u32(7777)));
    CHECK(!is_odd(sc_opaque_u32(0)));

    hanoi(sc_opaque_s32(16), 1, 3, 2);
    printf("hanoi(16): %llu moves, check %08x\n", hanoi_moves, hanoi_check);
    CHECK_EQ_U(hanoi_moves, 65535);

    uint32_t dr = deep(sc_opaque_u32(20000), 1);
    printf("deep(20000) = %08x\n", dr);
    CHECK_EQ_U(dr, deep_iter(20000, 1));

    char s[] = "abcdefg";
    permute(s, 0, (int)strlen(s));
    printf("permutations: %d hash %08x\n", perm_count, perm_hash);
    CHECK_EQ_S(perm_count, 5040);
    CHECK_STR(s, "abcdefg");

    CHECK_EQ_S(eval("1+2*3"), 7);
    CHECK_EQ_S(eval("(1+2)*3"), 9);
    CHECK_EQ_S(eval("-(4-10)*(2+-3)/2"), -3);
    CHECK_EQ_S(eval("((((((7))))))*((((6))))"), 42);
    CHECK_EQ_S(eval("100/7/2-3*-3"), 16);
    printf("eval = %ld\n", eval("123*456-789/(3+4)*2+(((1)))"));
    CHECK_EQ_S(eval("123*456-789/(3+4)*2+(((1)))"), 123 * 456 - 789 / (3 + 4) * 2 + 1);
    return finish("recursion");
}
