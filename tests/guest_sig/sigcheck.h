/* Shared helpers for the signal test programs (tests/guest_sig/NAME.c).
 * CHECK prints a FAIL line on stdout when a condition does not hold;
 * done() prints "NAME: N checks, F failed" and returns the exit status. */
#ifndef SIGCHECK_H
#define SIGCHECK_H
#define _GNU_SOURCE
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <signal.h>
#include <unistd.h>

static int n_checks, n_failed;

#define CHECK(c) do { n_checks++; if (!(c)) { n_failed++; \
    printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #c); fflush(stdout); } } while (0)
#define CHECK_EQ(got, want) do { long long g_ = (long long)(got), w_ = (long long)(want); \
    n_checks++; if (g_ != w_) { n_failed++; \
    printf("FAIL %s:%d: %s == %lld (0x%llx), want %lld\n", __FILE__, __LINE__, #got, g_, \
           (unsigned long long)g_, w_); fflush(stdout); } } while (0)

static int done(const char *name)
{
    printf("%s: %d checks, %d failed\n", name, n_checks, n_failed);
    return n_failed != 0;
}

#define SAY(...) do { printf(__VA_ARGS__); fflush(stdout); } while (0)
#endif
