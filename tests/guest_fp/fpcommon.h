/* Shared helpers of the floating-point guest programs in tests/guest_fp:
 * bit patterns <-> values, the special values, and the exception flags as
 * letters.  Every program prints exact bit patterns, so any difference from
 * qemu-arm shows. */
#include <fenv.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static inline float f_of(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static inline uint32_t bits_f(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static inline double d_of(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }
static inline uint64_t bits_d(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }

static const uint32_t SPECIAL_F[] = {
    0x00000000, 0x80000000, 0x3f800000, 0xbfc00000, 0x40400000, 0x3eaaaaab, 0x7f7fffff,
    0xff7fffff, 0x00800000, 0x80800000, 0x00000001, 0x807fffff, 0x7f800000, 0xff800000,
    0x7fc00000, 0xffc12345, 0x7f800001, 0xff812345, 0x3f7ffffe, 0x00800001, 0x4b800001,
    0x5f000000, 0x4f000000, 0xcf000000, 0x4f800000,
};
static const uint64_t SPECIAL_D[] = {
    0, 0x8000000000000000ull, 0x3ff0000000000000ull, 0xbff8000000000000ull,
    0x4008000000000000ull, 0x3fd5555555555555ull, 0x7fefffffffffffffull, 0xffefffffffffffffull,
    0x0010000000000000ull, 0x8010000000000000ull, 1, 0x800fffffffffffffull,
    0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000000000000ull,
    0xfff8000012345678ull, 0x7ff0000000000001ull, 0xfff0000012345678ull,
    0x3feffffffffffffeull, 0x0010000000000001ull,
    0x4340000000000001ull, 0x43e0000000000000ull, 0x41e0000000000000ull,
    0xc1e0000000000000ull, 0x41f0000000000000ull, 0x41dfffffffe00000ull,
};
#define NF (sizeof(SPECIAL_F) / sizeof(SPECIAL_F[0]))
#define ND (sizeof(SPECIAL_D) / sizeof(SPECIAL_D[0]))

/* the cumulative flags raised since the last call, as letters (and cleared) */
static inline const char *flags(void)
{
    static char buf[8];
    int f = fetestexcept(FE_ALL_EXCEPT), n = 0;
    if (f & FE_INVALID) buf[n++] = 'i';
    if (f & FE_DIVBYZERO) buf[n++] = 'z';
    if (f & FE_OVERFLOW) buf[n++] = 'o';
    if (f & FE_UNDERFLOW) buf[n++] = 'u';
    if (f & FE_INEXACT) buf[n++] = 'x';
    if (!n) buf[n++] = '-';
    buf[n] = 0;
    feclearexcept(FE_ALL_EXCEPT);
    return buf;
}

static inline unsigned get_fpscr(void)
{
    unsigned v;
    __asm__ volatile("vmrs %0, fpscr" : "=r"(v));
    return v;
}

static inline void set_fpscr(unsigned v)
{
    __asm__ volatile("vmsr fpscr, %0" : : "r"(v));
}
