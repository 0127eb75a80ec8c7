/* qsort and bsearch from libc: ints, 64-bit keys, strings, structs with a
 * secondary key, element sizes that are not a multiple of 4, already sorted
 * and reversed input, and bsearch hits and misses. */
#include "selfcheck.h"
#include <stdlib.h>
#include <string.h>

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}
static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}
static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

struct rec {
    char tag[3]; /* 7-byte records: odd element size */
    uint16_t key;
    uint16_t seq;
} __attribute__((packed));
static int cmp_rec(const void *a, const void *b)
{
    const struct rec *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

static uint32_t seed = 2463534242u;
static uint32_t rnd(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 17;
    seed ^= seed << 5;
    return seed;
}

int main(void)
{
    enum { N = 1000 };
    static int v[N];
    long long sum_before = 0, sum_after = 0;
    for (int i = 0; i < N; i++) {
        v[i] = (int)(rnd() % 20001) - 10000;
        sum_before += v[i];
    }
    qsort(v, N, sizeof v[0], cmp_int);
    for (int i = 0; i < N; i++) {
        sum_after += v[i];
        if (i)
            CHECK(v[i - 1] <= v[i]);
    }
    CHECK_EQ_S(sum_after, sum_before);
    printf("ints: min %d median %d max %d\n", v[0], v[N / 2], v[N - 1]);

    /* bsearch every element that is present, and values that are not */
    int hits = 0, misses = 0;
    for (int probe = -10050; probe <= 10050; probe += 7) {
        int *p = bsearch(&probe, v, N, sizeof v[0], cmp_int);
        int present = 0;
        for (int i = 0; i < N; i++)
            present |= v[i] == probe;
        CHECK_EQ_S(p != NULL, present);
        if (p) {
            CHECK_EQ_S(*p, probe);
            hits++;
        } else {
            misses++;
        }
    }
    printf("bsearch: %d hits %d misses\n", hits, misses);

    /* sorted and reversed input */
    for (int i = 0; i < N; i++)
        v[i] = N - i;
    qsort(v, N, sizeof v[0], cmp_int);
    for (int i = 0; i < N; i++)
        CHECK_EQ_S(v[i], i + 1);
    qsort(v, N, sizeof v[0], cmp_int);
    for (int i = 0; i < N; i++)
        CHECK_EQ_S(v[i], i + 1);

    static uint64_t w[300];
    for (int i = 0; i < 300; i++)
        w[i] = ((uint64_t)rnd() << 32) | rnd();
    w[7] = 0;
    w[8] = UINT64_MAX;
    qsort(w, 300, sizeof w[0], cmp_u64);
    for (int i = 1; i < 300; i++)
        CHECK(w[i - 1] <= w[i]);
    CHECK_EQ_U(w[0], 0);
    CHECK_EQ_U(w[299], UINT64_MAX);
    uint64_t key = w[123];
    uint64_t *found = bsearch(&key, w, 300, sizeof w[0], cmp_u64);
    CHECK(found && *found == key);

    const char *words[] = {"pear", "apple", "fig", "banana", "kiwi", "apple", "cherry", "date", "", "Zebra"};
    enum { NW = sizeof words / sizeof words[0] };
    qsort(words, NW, sizeof words[0], cmp_str);
    for (int i = 0; i < NW; i++)
        printf("%s%s", words[i], i + 1 < NW ? "," : "\n");
    CHECK_STR(words[0], "");
    CHECK_STR(words[1], "Zebra");
    CHECK_STR(words[2], "apple");
    CHECK_STR(words[NW - 1], "pear");
    const char *needle = "fig";
    const char **wf = bsearch(&needle, words, NW, sizeof words[0], cmp_str);
    CHECK(wf && strcmp(*wf, "fig") == 0);
    needle = "grape";
    CHECK(bsearch(&needle, words, NW, sizeof words[0], cmp_str) == NULL);

    static struct rec recs[500];
    CHECK_EQ_S(sizeof(struct rec), 7);
    for (int i = 0; i < 500; i++) {
        recs[i].tag[0] = (char)('a' + i % 26);
        recs[i].tag[1] = (char)('A' + i % 7);
        recs[i].tag[2] = 0;
        recs[i].key = (uint16_t)(rnd() % 50);
        recs[i].seq = (uint16_t)i;
    }
    qsort(recs, 500, sizeof recs[0], cmp_rec);
    uint32_t h = 0;
    for (int i = 0; i < 500; i++) {
        if (i)
            CHECK(cmp_rec(&recs[i - 1], &recs[i]) < 0);
        CHECK_EQ_S(recs[i].tag[0], 'a' + recs[i].seq % 26);
        h = h * 31 + recs[i].key * 1000u + recs[i].seq;
    }
    printf("records hash %08x\n", h);
    return finish("qsort");
}
