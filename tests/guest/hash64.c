/* 64-bit heavy code: FNV-1a 64, splitmix64, xorshift64*, the murmur3
 * finaliser, a 64x64->128 multiply-high built from 32-bit halves (checked two
 * ways), 64-bit rotates and comparisons, and a small 64-bit hash table with
 * open addressing. Known-answer values come from the reference algorithms. */
#include "selfcheck.h"
#include <string.h>

static uint64_t fnv1a64(const void *data, size_t n)
{
    const unsigned char *p = data;
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ULL;
    return h;
}
static uint64_t splitmix_state;
static uint64_t splitmix64(void)
{
    uint64_t z = (splitmix_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static uint64_t xs_state = 1;
static uint64_t xorshift64star(void)
{
    xs_state ^= xs_state >> 12;
    xs_state ^= xs_state << 25;
    xs_state ^= xs_state >> 27;
    return xs_state * 0x2545F4914F6CDD1DULL;
}
static uint64_t fmix64(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    k ^= k >> 33;
    return k;
}
/* high 64 bits of a 64x64 product from 32-bit pieces */
static uint64_t mulhi64(uint64_t a, uint64_t b)
{
    uint64_t a_lo = (uint32_t)a, a_hi = a >> 32, b_lo = (uint32_t)b, b_hi = b >> 32;
    uint64_t p0 = a_lo * b_lo, p1 = a_lo * b_hi, p2 = a_hi * b_lo, p3 = a_hi * b_hi;
    uint64_t mid = (p0 >> 32) + (uint32_t)p1 + (uint32_t)p2;
    return p3 + (p1 >> 32) + (p2 >> 32) + (mid >> 32);
}
/* the same by schoolbook on 16-bit digits */
static uint64_t mulhi64_ref(uint64_t a, uint64_t b)
{
    uint32_t r[8] = {0};
    for (int i = 0; i < 4; i++) {
        uint32_t carry = 0;
        uint32_t ai = (uint32_t)(a >> (16 * i)) & 0xffff;
        for (int j = 0; j < 4; j++) {
            uint32_t t = ai * ((uint32_t)(b >> (16 * j)) & 0xffff) + r[i + j] + carry;
            r[i + j] = t & 0xffff;
            carry = t >> 16;
        }
        r[i + 4] = carry;
    }
    return (uint64_t)r[4] | ((uint64_t)r[5] << 16) | ((uint64_t)r[6] << 32) | ((uint64_t)r[7] << 48);
}

#define TABLE 1024
static uint64_t keys[TABLE];
static uint32_t vals[TABLE];
static int table_put(uint64_t k, uint32_t v)
{
    uint32_t i = (uint32_t)fmix64(k) & (TABLE - 1);
    int probes = 0;
    while (keys[i] && keys[i] != k) {
        i = (i + 1) & (TABLE - 1);
        probes++;
    }
    keys[i] = k;
    vals[i] = v;
    return probes;
}
static int table_get(uint64_t k, uint32_t *v)
{
    uint32_t i = (uint32_t)fmix64(k) & (TABLE - 1);
    while (keys[i]) {
        if (keys[i] == k) {
            *v = vals[i];
            return 1;
        }
        i = (i + 1) & (TABLE - 1);
    }
    return 0;
}

int main(void)
{
    CHECK_EQ_U(fnv1a64("", 0), 0xcbf29ce484222325ULL);
    CHECK_EQ_U(fnv1a64("a", 1), 0xaf63dc4c8601ec8cULL);
    CHECK_EQ_U(fnv1a64("foobar", 6), 0x85944171f73967e8ULL);

    splitmix_state = 0;
    CHECK_EQ_U(splitmix64(), 0xe220a8397b1dcdafULL);
    CHECK_EQ_U(splitmix64(), 0x6e789e6aa1b965f4ULL);
    CHECK_EQ_U(splitmix64(), 0x06c45d188009454fULL);

    uint64_t o = 0;
    for (int i = 0; i < 1000; i++)
        o = xorshift64star();
    CHECK_EQ_U(o, 0x0304e7714a5fabc4ULL);

    CHECK_EQ_U(fmix64(1), 0xb456bcfc34c2cb2cULL);
    CHECK_EQ_U(fmix64(0xdeadbeef), 0xd24bd59f862a1dacULL);
    CHECK_EQ_U(mulhi64(0xfedcba9876543210ULL, 0x123456789abcdef0ULL), 0x121fa00ad77d7422ULL);
    CHECK_EQ_U(mulhi64(UINT64_MAX, UINT64_MAX), 0xfffffffffffffffeULL);
    CHECK_EQ_U(mulhi64(1ULL << 63, 2), 1);

    splitmix_state = 42;
    uint64_t acc = 0;
    for (int i = 0; i < 3000; i++) {
        uint64_t a = splitmix64(), b = splitmix64() >> (i % 64);
        CHECK_EQ_U(mulhi64(a, b), mulhi64_ref(a, b));
        /* 64-bit comparisons agree with comparisons of the halves */
        int lt = a < b;
        int lt_halves = (a >> 32) < (b >> 32) || ((a >> 32) == (b >> 32) && (uint32_t)a < (uint32_t)b);
        CHECK_EQ_S(lt, lt_halves);
        int slt = (int64_t)a < (int64_t)b;
        int slt_halves = (int32_t)(a >> 32) < (int32_t)(b >> 32) ||
                         ((a >> 32) == (b >> 32) && (uint32_t)a < (uint32_t)b);
        CHECK_EQ_S(slt, slt_halves);
        acc ^= fmix64(a + b) + mulhi64(a, b);
        acc = (acc << 7) | (acc >> 57);
    }
    printf("64-bit mix accumulator %016llx\n", (unsigned long long)acc);

    /* hash a generated text line by line */
    char line[64];
    uint64_t h = 0;
    for (int i = 0; i < 500; i++) {
        int n = snprintf(line, sizeof line, "line %d: %llx", i, (unsigned long long)xorshift64star());
        h ^= fnv1a64(line, (size_t)n) + (uint64_t)i;
    }
    printf("text hash %016llx\n", (unsigned long long)h);

    int max_probes = 0;
    splitmix_state = 7;
    for (uint32_t i = 1; i <= 700; i++) {
        int p = table_put(splitmix64() | 1, i);
        if (p > max_probes)
            max_probes = p;
    }
    splitmix_state = 7;
    int found = 0;
    for (uint32_t i = 1; i <= 700; i++) {
        uint32_t v = 0;
        if (table_get(splitmix64() | 1, &v) && v == i)
            found++;
    }
    CHECK_EQ_S(found, 700);
    uint32_t v;
    CHECK(!table_get(0x1234567890ULL | 1, &v));
    printf("hash table: %d found, max probes %d\n", found, max_probes);
    return finish("hash64");
}
