/* switch statements: dense switches (jump tables: ldr pc / add pc in ARM,
 * tbb / tbh in Thumb-2), a large dense switch (tbh), sparse switches
 * (compare trees), fall-through, switch on char and on 64-bit values. */
#include "selfcheck.h"

static __attribute__((noinline)) int dense(int x)
{
    switch (x) {
    case 0: return 11;
    case 1: return 22;
    case 2: return 35;
    case 3: return 47;
    case 4: return 51;
    case 5: return 68;
    case 6: return 70;
    case 7: return 89;
    case 8: return 93;
    case 9: return 104;
    case 10: return 117;
    case 11: return 120;
    default: return -1;
    }
}
static int dense_ref(int x)
{
    static const int t[] = {11, 22, 35, 47, 51, 68, 70, 89, 93, 104, 117, 120};
    return (x >= 0 && x < 12) ? t[x] : -1;
}

/* many cases with big bodies: the case offsets do not fit a byte (tbh in Thumb) */
#define BODY(n) acc = acc * (n) + (uint32_t)(x ^ (n)); acc ^= acc >> ((n) % 13 + 1); acc += (n) * 7919u; break;
static __attribute__((noinline)) uint32_t big_dense(int x, uint32_t acc)
{
    switch (x) {
    case 0: BODY(3) case 1: BODY(5) case 2: BODY(7) case 3: BODY(11) case 4: BODY(13)
    case 5: BODY(17) case 6: BODY(19) case 7: BODY(23) case 8: BODY(29) case 9: BODY(31)
    case 10: BODY(37) case 11: BODY(41) case 12: BODY(43) case 13: BODY(47) case 14: BODY(53)
    case 15: BODY(59) case 16: BODY(61) case 17: BODY(67) case 18: BODY(71) case 19: BODY(73)
    case 20: BODY(79) case 21: BODY(83) case 22: BODY(89) case 23: BODY(97) case 24: BODY(101)
    case 25: BODY(103) case 26: BODY(107) case 27: BODY(109) case 28: BODY(113) case 29: BODY(127)
    case 30: BODY(131) case 31: BODY(137) case 32: BODY(139) case 33: BODY(149) case 34: BODY(151)
    case 35: BODY(157) case 36: BODY(163) case 37: BODY(167) case 38: BODY(173) case 39: BODY(179)
    default: acc = ~acc; break;
    }
    return acc;
}
#undef BODY
static uint32_t big_dense_ref(int x, uint32_t acc)
{
    static const uint32_t primes[] = {3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47,
                                      53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107,
                                      109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167,
                                      173, 179};
    if (x < 0 || x >= 40)
        return ~acc;
    uint32_t n = primes[x];
    acc = acc * n + ((uint32_t)x ^ n);
    acc ^= acc >> (n % 13 + 1);
    acc += n * 7919u;
    return acc;
}

static __attribute__((noinline)) int sparse(int x)
{
    switch (x) {
    case -1000000: return 1;
    case -7: return 2;
    case 3: return 3;
    case 100: return 4;
    case 1024: return 5;
    case 65537: return 6;
    case 0x7fffffff: return 7;
    case (int)0x80000000: return 8;
    default: return 0;
    }
}

static __attribute__((noinline)) int fallthrough(int x)
{
    int r = 0;
    switch (x) {
    case 0:
        r += 1;
        /* fall through */
    case 1:
        r += 10;
        /* fall through */
    case 2:
        r += 100;
        break;
    case 3:
        r += 1000;
        /* fall through */
    default:
        r += 10000;
    }
    return r;
}

static __attribute__((noinline)) int char_class(char c)
{
    switch (c) {
    case 'a': case 'e': case 'i': case 'o': case 'u':
        return 1;
    case '0' ... '9':
        return 2;
    case ' ': case '\t': case '\n':
        return 3;
    case 'A' ... 'Z':
        return 4;
    default:
        return 0;
    }
}

static __attribute__((noinline)) int switch64(uint64_t v)
{
    switch (v) {
    case 0: return 0;
    case 1: return 1;
    case 0x100000000ULL: return 2;
    case 0xffffffffffffffffULL: return 3;
    case 0x8000000000000000ULL: return 4;
    case 2: return 5;
    default: return 9;
    }
}

/* unsigned char switch that covers a range with a table */
static __attribute__((noinline)) const char *opname(unsigned char op)
{
    switch (op) {
    case 0x00: return "nop";
    case 0x01: return "load";
    case 0x02: return "store";
    case 0x03: return "add";
    case 0x04: return "sub";
    case 0x05: return "jmp";
    case 0x06: return "call";
    case 0x07: return "ret";
    case 0x08: return "push";
    case 0x09: return "pop";
    default: return "???";
    }
}

int main(void)
{
    int h = 0;
    for (int x = -5; x < 20; x++) {
        CHECK_EQ_S(dense(sc_opaque_s32(x)), dense_ref(x));
        h = h * 3 + dense(x);
    }
    printf("dense hash %d\n", h);

    uint32_t acc = 1, acc_ref = 1;
    for (int i = 0; i < 3000; i++) {
        int x = (int)((acc >> 3) % 45) - 2;
        acc = big_dense(sc_opaque_s32(x), acc);
        acc_ref = big_dense_ref(x, acc_ref);
        CHECK_EQ_U(acc, acc_ref);
    }
    printf("big dense acc %08x\n", acc);

    static const int sp_in[] = {-1000000, -7, 3, 100, 1024, 65537, 0x7fffffff, (int)0x80000000,
                                0, 1, 2, 4, 99, 101, 1023, 1025, 65536, -6, -8, -999999};
    static const int sp_out[] = {1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    for (unsigned i = 0; i < sizeof sp_in / sizeof sp_in[0]; i++)
        CHECK_EQ_S(sparse(sc_opaque_s32(sp_in[i])), sp_out[i]);

    CHECK_EQ_S(fallthrough(0), 111);
    CHECK_EQ_S(fallthrough(1), 110);
    CHECK_EQ_S(fallthrough(2), 100);
    CHECK_EQ_S(fallthrough(3), 11000);
    CHECK_EQ_S(fallthrough(4), 10000);
    CHECK_EQ_S(fallthrough(-1), 10000);

    const char *text = "Hello World 2024, quick brown fox\tjumps\n";
    int counts[5] = {0};
    for (const char *c = text; *c; c++)
        counts[char_class(*c)]++;
    printf("char classes: other=%d vowel=%d digit=%d space=%d upper=%d\n", counts[0], counts[1],
           counts[2], counts[3], counts[4]);
    CHECK_EQ_S(counts[1], 8);
    CHECK_EQ_S(counts[2], 4);
    CHECK_EQ_S(counts[3], 7);
    CHECK_EQ_S(counts[4], 2);

    CHECK_EQ_S(switch64(sc_opaque_u64(0)), 0);
    CHECK_EQ_S(switch64(sc_opaque_u64(1)), 1);
    CHECK_EQ_S(switch64(sc_opaque_u64(0x100000000ULL)), 2);
    CHECK_EQ_S(switch64(sc_opaque_u64(0xffffffffffffffffULL)), 3);
    CHECK_EQ_S(switch64(sc_opaque_u64(0x8000000000000000ULL)), 4);
    CHECK_EQ_S(switch64(sc_opaque_u64(2)), 5);
    CHECK_EQ_S(switch64(sc_opaque_u64(0x100000001ULL)), 9);
    CHECK_EQ_S(switch64(sc_opaque_u64(0x200000000ULL)), 9);

    CHECK_STR(opname(sc_opaque_u32(6)), "call");
    CHECK_STR(opname(sc_opaque_u32(0)), "nop");
    CHECK_STR(opname(sc_opaque_u32(10)), "???");
    CHECK_STR(opname(sc_opaque_u32(255)), "???");
    for (unsigned op = 0; op < 12; op++)
        printf("%s%s", opname((unsigned char)op), op == 11 ? "\n" : " ");
    return finish("switch");
}
