/* Checksums: CRC-32 (IEEE, reflected) bitwise, byte-table and
 * slicing-by-4 implementations; CRC-32C (Castagnoli) bitwise; Adler-32;
 * Fletcher-16. Known-answer vectors ("123456789" etc.), incremental versus
 * one-shot, and every split point / alignment of a buffer. */
#include "selfcheck.h"
#include <string.h>

static uint32_t crc32_bitwise(uint32_t crc, const unsigned char *p, size_t n, uint32_t poly)
{
    crc = ~crc;
    while (n--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (poly & (0u - (crc & 1)));
    }
    return ~crc;
}

static uint32_t table[4][256];
static void make_tables(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? (c >> 1) ^ 0xedb88320u : c >> 1;
        table[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++)
        for (int t = 1; t < 4; t++)
            table[t][i] = (table[t - 1][i] >> 8) ^ table[0][table[t - 1][i] & 0xff];
}
static uint32_t crc32_table(uint32_t crc, const unsigned char *p, size_t n)
{
    crc = ~crc;
    while (n--)
        crc = (crc >> 8) ^ table[0][(crc ^ *p++) & 0xff];
    return ~crc;
}
static uint32_t crc32_slice4(uint32_t crc, const unsigned char *p, size_t n)
{
    crc = ~crc;
    while (n && ((uintptr_t)p & 3)) {
        crc = (crc >> 8) ^ table[0][(crc ^ *p++) & 0xff];
        n--;
    }
    while (n >= 4) {
        uint32_t w;
        memcpy(&w, p, 4); /* aligned word load (little-endian) */
        crc ^= w;
        crc = table[3][crc & 0xff] ^ table[2][(crc >> 8) & 0xff] ^ table[1][(crc >> 16) & 0xff] ^ table[0][crc >> 24];
        p += 4;
        n -= 4;
    }
    while (n--)
        crc = (crc >> 8) ^ table[0][(crc ^ *p++) & 0xff];
    return ~crc;
}
static uint32_t adler32(uint32_t adler, const unsigned char *p, size_t n)
{
    uint32_t a = adler & 0xffff, b = adler >> 16;
    while (n) {
        size_t chunk = n < 5552 ? n : 5552; /* defer the modulo like zlib */
        n -= chunk;
        while (chunk--) {
            a += *p++;
            b += a;
        }
        a %= 65521;
        b %= 65521;
    }
    return (b << 16) | a;
}
static uint16_t fletcher16(const unsigned char *p, size_t n)
{
    uint16_t s1 = 0, s2 = 0;
    while (n--) {
        s1 = (uint16_t)((s1 + *p++) % 255);
        s2 = (uint16_t)((s2 + s1) % 255);
    }
    return (uint16_t)((s2 << 8) | s1);
}

static unsigned char big[100000 + 8];

int main(void)
{
    make_tables();
    const unsigned char *v = (const unsigned char *)"123456789";
    CHECK_EQ_U(crc32_bitwise(0, v, 9, 0xedb88320u), 0xcbf43926u);
    CHECK_EQ_U(crc32_table(0, v, 9), 0xcbf43926u);
    CHECK_EQ_U(crc32_slice4(0, v, 9), 0xcbf43926u);
    CHECK_EQ_U(crc32_bitwise(0, v, 9, 0x82f63b78u), 0xe3069283u);
    CHECK_EQ_U(crc32_table(0, v, 0), 0);
    const unsigned char *fox = (const unsigned char *)"The quick brown fox jumps over the lazy dog";
    CHECK_EQ_U(crc32_slice4(0, fox, strlen((const char *)fox)), 0x414fa339u);
    CHECK_EQ_U(adler32(1, (const unsigned char *)"Wikipedia", 9), 0x11e60398u);
    CHECK_EQ_U(adler32(1, v, 0), 1);
    CHECK_EQ_U(fletcher16((const unsigned char *)"abcde", 5), 0xc8f0);
    CHECK_EQ_U(fletcher16((const unsigned char *)"abcdef", 6), 0x2057);

    for (size_t i = 0; i < 100000; i++)
        big[i] = (unsigned char)(i * 7 + 3);
    uint32_t c1 = crc32_table(0, big, 100000);
    uint32_t a1 = adler32(1, big, 100000);
    printf("crc32(100000 bytes) = %08x, adler32 = %08x\n", c1, a1);
    CHECK_EQ_U(c1, 0xf730caa8u);
    CHECK_EQ_U(a1, 0x2dfb940fu);
    CHECK_EQ_U(crc32_slice4(0, big, 100000), c1);

    /* every alignment: copy the data to offsets 0..7 */
    static unsigned char shifted[4096 + 8];
    uint32_t ref = crc32_bitwise(0, big, 4096, 0xedb88320u);
    for (int off = 0; off < 8; off++) {
        memcpy(shifted + off, big, 4096);
        CHECK_EQ_U(crc32_slice4(0, shifted + off, 4096), ref);
        CHECK_EQ_U(crc32_table(0, shifted + off, 4096), ref);
    }
    /* incremental at every split point of a short buffer */
    uint32_t whole = crc32_table(0, big, 300), awhole = adler32(1, big, 300);
    for (size_t split = 0; split <= 300; split++) {
        CHECK_EQ_U(crc32_slice4(crc32_table(0, big, split), big + split, 300 - split), whole);
        CHECK_EQ_U(adler32(adler32(1, big, split), big + split, 300 - split), awhole);
    }
    /* table spot values */
    CHECK_EQ_U(table[0][1], 0x77073096u);
    CHECK_EQ_U(table[0][255], 0x2d02ef8du);
    printf("crc table[0][128] = %08x, fletcher16 = %04x\n", table[0][128], fletcher16(big, 5000));
    return finish("crc");
}
