/*
 * Helpers for the syscall test programs (tests/guest_sys, one .c file per family).
 *
 * Each program prints deterministic lines on stdout (compared with what
 * qemu-arm prints, or with pinned text where qemu-arm is wrong) and checks
 * results itself: a failing check prints a "FAIL" line and finish() makes
 * the exit status 1.  Errors are printed by name (errno_name) so that the
 * output says what the kernel answered.
 */
#ifndef GUEST_SYS_CHECK_H
#define GUEST_SYS_CHECK_H
#include <errno.h>
#include <stdio.h>
#include <string.h>

static int ck_checks, ck_failures;

#define CHECK(cond)                                                          \
    do {                                                                     \
        ck_checks++;                                                         \
        if (!(cond)) {                                                       \
            ck_failures++;                                                   \
            printf("FAIL %s:%d: %s (errno %d)\n", __FILE__, __LINE__, #cond, \
                   errno);                                                   \
        }                                                                    \
    } while (0)

#define CHECK_EQ(got, want)                                                  \
    do {                                                                     \
        long long ck_g_ = (long long)(got), ck_w_ = (long long)(want);       \
        ck_checks++;                                                         \
        if (ck_g_ != ck_w_) {                                                \
            ck_failures++;                                                   \
            printf("FAIL %s:%d: %s == %lld, want %lld (errno %d)\n",         \
                   __FILE__, __LINE__, #got, ck_g_, ck_w_, errno);           \
        }                                                                    \
    } while (0)

/* a call that must fail with a given errno */
#define CHECK_ERR(call, err)                                                 \
    do {                                                                     \
        errno = 0;                                                           \
        long ck_r_ = (long)(call);                                           \
        ck_checks++;                                                         \
        if (ck_r_ != -1 || errno != (err)) {                                 \
            ck_failures++;                                                   \
            printf("FAIL %s:%d: %s = %ld errno %d, want -1 errno %d\n",      \
                   __FILE__, __LINE__, #call, ck_r_, errno, (err));          \
        }                                                                    \
    } while (0)

static int finish(const char *name)
{
    printf("%s: %d checks, %d failed\n", name, ck_checks, ck_failures);
    fflush(stdout);
    return ck_failures ? 1 : 0;
}
#endif
