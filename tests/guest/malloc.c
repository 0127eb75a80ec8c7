/* malloc/calloc/realloc/free churn driven by a deterministic PRNG: many
 * small blocks, blocks above the mmap threshold (> 128 KiB, mmap-backed), a
 * realloc chain that grows one block past 1 MiB (mremap or copy) and shrinks
 * it again, and content checks on every block before it is freed. */
#include "selfcheck.h"
#include <stdlib.h>
#include <string.h>

static uint64_t s = 0x853c49e6748fea9bULL;
static uint32_t rnd(void)
{
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    uint32_t x = (uint32_t)(((s >> 18) ^ s) >> 27);
    uint32_t r = (uint32_t)(s >> 59);
    return (x >> r) | (x << ((32 - r) & 31));
}

struct slot {
    unsigned char *p;
    size_t size;
    unsigned char tag;
};

static int block_ok(const struct slot *b)
{
    for (size_t i = 0; i < b->size; i += (b->size > 4096 ? 509 : 1))
        if (b->p[i] != (unsigned char)(b->tag + i))
            return 0;
    return b->size == 0 || b->p[b->size - 1] == (unsigned char)(b->tag + b->size - 1);
}
static void block_fill(struct slot *b)
{
    for (size_t i = 0; i < b->size; i++)
        b->p[i] = (unsigned char)(b->tag + i);
}

int main(void)
{
    enum { SLOTS = 256, ROUNDS = 6000 };
    static struct slot slots[SLOTS];
    unsigned long allocs = 0, frees = 0, reallocs = 0, bigs = 0;
    unsigned long long bytes = 0;

    for (int round = 0; round < ROUNDS; round++) {
        struct slot *b = &slots[rnd() % SLOTS];
        uint32_t action = rnd() % 10;
        if (b->p && !block_ok(b)) {
            printf("FAIL corrupted block in round %d\n", round);
            CHECK(0);
        }
        if (!b->p || action < 3) {
            free(b->p);
            if (b->p)
                frees++;
            size_t size;
            uint32_t kind = rnd() % 100;
            if (kind < 2) {
                size = 128 * 1024 + rnd() % (256 * 1024); /* mmap-backed */
                bigs++;
            } else if (kind < 20) {
                size = rnd() % 4096;
            } else {
                size = rnd() % 96;
            }
            if (rnd() & 1) {
                b->p = malloc(size);
            } else {
                b->p = calloc(size, 1);
                int zero = 1;
                for (size_t i = 0; i < size; i++)
                    zero &= b->p[i] == 0;
                CHECK(zero);
            }
            CHECK(b->p != NULL || size == 0);
            CHECK(((uintptr_t)b->p & 7) == 0); /* 8-byte alignment */
            b->size = b->p ? size : 0;
            b->tag = (unsigned char)rnd();
            block_fill(b);
            allocs++;
            bytes += size;
        } else if (action < 6) {
            size_t newsize = (size_t)(rnd() % 2048);
            if (rnd() % 50 == 0)
                newsize = 200 * 1024 + rnd() % 4096;
            unsigned char *np = realloc(b->p, newsize);
            CHECK(np != NULL || newsize == 0);
            if (!np && newsize == 0) {
                b->p = NULL;
                b->size = 0;
                frees++;
                continue;
            }
            size_t keep = newsize < b->size ? newsize : b->size;
            int same = 1;
            for (size_t i = 0; i < keep; i++)
                same &= np[i] == (unsigned char)(b->tag + i);
            CHECK(same);
            b->p = np;
            b->size = newsize;
            block_fill(b);
            reallocs++;
        } else if (action == 9) {
            free(b->p);
            b->p = NULL;
            b->size = 0;
            frees++;
        }
    }
    for (int i = 0; i < SLOTS; i++) {
        if (slots[i].p) {
            CHECK(block_ok(&slots[i]));
            free(slots[i].p);
            frees++;
        }
    }
    printf("churn: %lu allocs, %lu reallocs, %lu frees, %lu big, %llu bytes\n", allocs, reallocs, frees, bigs,
           bytes);

    /* realloc growth past 1 MiB, doubling, contents preserved each step */
    size_t size = 1000;
    unsigned char *p = malloc(size);
    for (size_t i = 0; i < size; i++)
        p[i] = (unsigned char)(i * 7);
    int steps = 0;
    while (size < 3 * 1024 * 1024) {
        size_t ns = size * 2 + 123;
        unsigned char *np = realloc(p, ns);
        CHECK(np != NULL);
        int same = 1;
        for (size_t i = 0; i < size; i += 97)
            same &= np[i] == (unsigned char)(i * 7);
        same &= np[size - 1] == (unsigned char)((size - 1) * 7);
        CHECK(same);
        for (size_t i = size; i < ns; i++)
            np[i] = (unsigned char)(i * 7);
        p = np;
        size = ns;
        steps++;
    }
    /* shrink back below the mmap threshold */
    p = realloc(p, 5000);
    CHECK(p != NULL);
    int same = 1;
    for (size_t i = 0; i < 5000; i++)
        same &= p[i] == (unsigned char)(i * 7);
    CHECK(same);
    free(p);
    printf("realloc growth: %d steps up to %zu bytes\n", steps, size);
    CHECK_EQ_S(steps, 12);

    /* a few large blocks alive at once, touched on every page */
    unsigned char *bigblocks[6];
    for (int i = 0; i < 6; i++) {
        size_t n = (size_t)(i + 1) * 300 * 1024;
        bigblocks[i] = malloc(n);
        CHECK(bigblocks[i] != NULL);
        for (size_t j = 0; j < n; j += 4096)
            bigblocks[i][j] = (unsigned char)(i + j / 4096);
    }
    uint32_t sum = 0;
    for (int i = 0; i < 6; i++) {
        size_t n = (size_t)(i + 1) * 300 * 1024;
        for (size_t j = 0; j < n; j += 4096) {
            CHECK_EQ_U(bigblocks[i][j], (unsigned char)(i + j / 4096));
            sum += bigblocks[i][j];
        }
        free(bigblocks[i]);
    }
    printf("big blocks checksum %u\n", sum);
    return finish("malloc");
}
