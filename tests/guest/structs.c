/* Structs, unions and bit-fields: layout (sizeof/offsetof under the AAPCS),
 * 64-bit member alignment, packed structs with unaligned members, structs
 * passed and returned by value (small ones in registers, large ones via
 * memory), struct copies, unions for type punning, bit-fields signed and
 * unsigned, flexible array members and nested aggregates. */
#include "selfcheck.h"
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

struct mixed {
    char c;        /* 0 */
    int64_t ll;    /* 8: 64-bit members are 8-aligned in the AAPCS */
    short s;       /* 16 */
    int i;         /* 20 */
    char tail[3];  /* 24 */
};
struct __attribute__((packed)) packed {
    uint8_t a;
    uint32_t b; /* offset 1: unaligned */
    uint16_t c; /* offset 5 */
    uint64_t d; /* offset 7 */
};
struct small {
    int16_t x, y;
}; /* 4 bytes: returned in r0 */
struct pair64 {
    uint32_t lo, hi;
};
struct big {
    int v[10];
    char name[16];
};
union pun {
    uint32_t u;
    int32_t i;
    uint8_t b[4];
    uint16_t h[2];
};
struct flags {
    unsigned ready : 1;
    unsigned mode : 3;
    signed delta : 5;
    unsigned : 0; /* force next field into a new unit */
    unsigned count : 12;
    unsigned long long wide : 40;
};
struct msg {
    uint16_t len;
    uint8_t kind;
    char data[]; /* flexible array member */
};
struct inner {
    short a;
    char b[5];
};
struct outer {
    char tag;
    struct inner in[3];
    union pun u;
};

static struct small make_small(int16_t x, int16_t y)
{
    struct small s = {x, y};
    return s;
}
static struct small add_small(struct small a, struct small b)
{
    return make_small((int16_t)(a.x + b.x), (int16_t)(a.y + b.y));
}
static struct pair64 split(uint64_t v)
{
    struct pair64 p = {(uint32_t)v, (uint32_t)(v >> 32)};
    return p;
}
static struct big make_big(int seed)
{
    struct big b;
    for (int i = 0; i < 10; i++)
        b.v[i] = seed * (i + 1);
    snprintf(b.name, sizeof b.name, "big-%d", seed);
    return b;
}
static int sum_big(struct big b) /* passed by value: partly in r0-r3, rest on the stack */
{
    int s = 0;
    for (int i = 0; i < 10; i++)
        s += b.v[i];
    b.v[0] = -1; /* modifies the copy only */
    return s + (int)strlen(b.name);
}
static uint64_t sum_packed(const struct packed *p, int n)
{
    uint64_t s = 0;
    for (int i = 0; i < n; i++)
        s += p[i].a + p[i].b + p[i].c + p[i].d;
    return s;
}

int main(void)
{
    CHECK_EQ_U(sizeof(struct mixed), 32);
    CHECK_EQ_U(offsetof(struct mixed, ll), 8);
    CHECK_EQ_U(offsetof(struct mixed, s), 16);
    CHECK_EQ_U(offsetof(struct mixed, i), 20);
    CHECK_EQ_U(offsetof(struct mixed, tail), 24);
    CHECK_EQ_U(_Alignof(int64_t), 8);
    CHECK_EQ_U(sizeof(struct packed), 15);
    CHECK_EQ_U(offsetof(struct packed, b), 1);
    CHECK_EQ_U(offsetof(struct packed, d), 7);
    CHECK_EQ_U(sizeof(union pun), 4);
    CHECK_EQ_U(sizeof(struct msg), 4);
    CHECK_EQ_U(sizeof(struct inner), 8);
    CHECK_EQ_U(sizeof(struct outer), 32);
    CHECK_EQ_U(sizeof(struct flags), 16);

    /* packed array: members straddle word boundaries */
    struct packed arr[9];
    for (int i = 0; i < 9; i++) {
        arr[i].a = (uint8_t)(i + 1);
        arr[i].b = 0x01020304u * (uint32_t)(i + 1);
        arr[i].c = (uint16_t)(0x1111 * (i + 1));
        arr[i].d = 0x0102030405060708ULL * (uint64_t)(i + 1);
    }
    uint64_t ps = sum_packed(arr, 9);
    printf("packed sum %016llx\n", (unsigned long long)ps);
    CHECK_EQ_U(ps, 45ULL * (1 + 0x01020304ULL + 0x1111ULL + 0x0102030405060708ULL));
    unsigned char raw[15];
    memcpy(raw, &arr[2], 15);
    CHECK_EQ_U(raw[0], 3);
    CHECK_EQ_U(raw[1], 0x0c); /* little-endian b = 0x0306090c */
    CHECK_EQ_U(raw[4], 0x03);
    CHECK_EQ_U(raw[7], 0x18); /* d low byte 0x08 * 3 */

    struct small a = make_small(3, -4), b = make_small(100, 200);
    struct small c = add_small(a, b);
    CHECK_EQ_S(c.x, 103);
    CHECK_EQ_S(c.y, 196);
    struct pair64 p = split(sc_opaque_u64(0x1122334455667788ULL));
    CHECK_EQ_U(p.lo, 0x55667788u);
    CHECK_EQ_U(p.hi, 0x11223344u);

    struct big bg = make_big(sc_opaque_s32(7));
    CHECK_EQ_S(sum_big(bg), 7 * 55 + 5);
    CHECK_EQ_S(bg.v[0], 7);
    CHECK_STR(bg.name, "big-7");
    struct big copy = bg;
    copy.v[9] = 0;
    CHECK_EQ_S(bg.v[9], 70);
    CHECK(memcmp(&copy, &bg, offsetof(struct big, v[9])) == 0);

    union pun u;
    u.u = sc_opaque_u32(0x80402010u);
    CHECK_EQ_U(u.b[0], 0x10);
    CHECK_EQ_U(u.b[3], 0x80);
    CHECK_EQ_U(u.h[0], 0x2010);
    CHECK_EQ_U(u.h[1], 0x8040);
    CHECK_EQ_S(u.i, (int32_t)0x80402010u);
    u.b[3] = 0x7f;
    CHECK_EQ_S(u.i, 0x7f402010);

    struct flags f;
    memset(&f, 0, sizeof f);
    f.ready = 1;
    f.mode = 5;
    f.delta = -9;
    f.count = 4095;
    f.wide = 0xabcdef0123ULL;
    CHECK_EQ_U(f.ready, 1);
    CHECK_EQ_U(f.mode, 5);
    CHECK_EQ_S(f.delta, -9);
    CHECK_EQ_U(f.count, 4095);
    CHECK_EQ_U(f.wide, 0xabcdef0123ULL);
    f.count++; /* wraps in 12 bits */
    f.delta = (signed)(f.delta - 7); /* -16 fits */
    f.mode = (unsigned)(f.mode + 3) & 7; /* 0 */
    CHECK_EQ_U(f.count, 0);
    CHECK_EQ_S(f.delta, -16);
    CHECK_EQ_U(f.mode, 0);
    CHECK_EQ_U(f.ready, 1);
    f.wide += 0xffffffffffULL; /* wraps in 40 bits */
    CHECK_EQ_U(f.wide, 0xabcdef0122ULL);
    uint32_t words[4];
    memcpy(words, &f, sizeof words);
    printf("flags words %08x %08x %08x %08x\n", words[0], words[1], words[2], words[3]);
    CHECK_EQ_U(words[0], 1u | (0u << 1) | ((uint32_t)(-16 & 31) << 4));

    const char *text = "flexible!";
    struct msg *m = malloc(sizeof *m + strlen(text) + 1);
    m->len = (uint16_t)strlen(text);
    m->kind = 9;
    memcpy(m->data, text, m->len + 1u);
    CHECK_STR(m->data, "flexible!");
    CHECK_EQ_U(m->len, 9);
    free(m);

    struct outer o = {'T', {{1, "ab"}, {2, "cdef"}, {3, ""}}, {.u = 0x01020304u}};
    struct outer o2 = o;
    o2.in[1].b[0] = 'X';
    CHECK_STR(o.in[1].b, "cdef");
    CHECK_STR(o2.in[1].b, "Xdef");
    CHECK_EQ_U(o2.u.b[0], 4);
    CHECK_EQ_S(o2.in[2].a, 3);
    printf("outer: %c %d%s %d%s %d%s\n", o2.tag, o2.in[0].a, o2.in[0].b, o2.in[1].a, o2.in[1].b, o2.in[2].a,
           o2.in[2].b);
    return finish("structs");
}
