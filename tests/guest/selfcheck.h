/*
 * Shared self-check helpers for the pyqemu guest test corpus.
 *
 * Every program counts its checks; a failing check prints a "FAIL" line on
 * stdout (so the differential test sees it) and finish() turns the result
 * into the exit status: 0 when every check passed, 1 otherwise.
 * No floating point anywhere: the corpus is integer-only on purpose.
 */
#ifndef PYQEMU_SELFCHECK_H
#define PYQEMU_SELFCHECK_H

#include <stdio.h>
#include <stdint.h>
#include <inttypes.h>

static int sc_checks;
static int sc_failures;

#define CHECK(cond)                                                        \
    do {                                                                   \
        sc_checks++;                                                       \
        if (!(cond)) {                                                     \
            sc_failures++;                                                 \
            printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);         \
        }                                                                  \
    } while (0)

#define CHECK_EQ_U(got, want)                                              \
    do {                                                                   \
        unsigned long long sc_g_ = (unsigned long long)(got);              \
        unsigned long long sc_w_ = (unsigned long long)(want);             \
        sc_checks++;                                                       \
        if (sc_g_ != sc_w_) {                                              \
            sc_failures++;                                                 \
            printf("FAIL %s:%d: %s == 0x%llx, want 0x%llx\n", __FILE__,    \
                   __LINE__, #got, sc_g_, sc_w_);                          \
        }                                                                  \
    } while (0)

#define CHECK_EQ_S(got, want)                                              \
    do {                                                                   \
        long long sc_g_ = (long long)(got);                                \
        long long sc_w_ = (long long)(want);                               \
        sc_checks++;                                                       \
        if (sc_g_ != sc_w_) {                                              \
            sc_failures++;                                                 \
            printf("FAIL %s:%d: %s == %lld, want %lld\n", __FILE__,        \
                   __LINE__, #got, sc_g_, sc_w_);                          \
        }                                                                  \
    } while (0)

#define CHECK_STR(got, want)                                               \
    do {                                                                   \
        const char *sc_g_ = (got);                                         \
        const char *sc_w_ = (want);                                        \
        sc_checks++;                                                       \
        if (sc_strcmp_(sc_g_, sc_w_) != 0) {                               \
            sc_failures++;                                                 \
            printf("FAIL %s:%d: %s == \"%s\", want \"%s\"\n", __FILE__,    \
                   __LINE__, #got, sc_g_, sc_w_);                          \
        }                                                                  \
    } while (0)

/* Independent of libc's strcmp so string tests do not check libc with itself. */
static __attribute__((unused)) int sc_strcmp_(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

/* Keep the compiler from folding a value into a constant. */
#define OPAQUE(x) (*(volatile __typeof__(x) *)&(x))

static inline uint32_t sc_opaque_u32(uint32_t v)
{
    volatile uint32_t t = v;
    return t;
}
static inline int32_t sc_opaque_s32(int32_t v)
{
    volatile int32_t t = v;
    return t;
}
static inline uint64_t sc_opaque_u64(uint64_t v)
{
    volatile uint64_t t = v;
    return t;
}
static inline int64_t sc_opaque_s64(int64_t v)
{
    volatile int64_t t = v;
    return t;
}

static __attribute__((unused)) int finish(const char *name)
{
    fflush(stdout);
    if (sc_failures) {
        printf("%s: %d of %d checks FAILED\n", name, sc_failures, sc_checks);
        fprintf(stderr, "%s: self-check failed\n", name);
        return 1;
    }
    printf("%s: all %d checks passed\n", name, sc_checks);
    return 0;
}

#endif
