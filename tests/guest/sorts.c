/* Sorting algorithms checked against each other: bubble, insertion,
 * selection, shell, heap, merge (top-down, with a buffer), quick (Hoare,
 * median of three), LSD radix (bytes), counting sort, plus libc qsort — on
 * random, sorted, reversed, all-equal and few-distinct inputs of several
 * sizes. Every result must be sorted and a permutation of the input. */
#include "selfcheck.h"
#include <stdlib.h>
#include <string.h>

typedef void (*sorter)(int32_t *, int);

static void bubble(int32_t *a, int n)
{
    for (int i = 0; i < n; i++) {
        int swapped = 0;
        for (int j = 0; j + 1 < n - i; j++)
            if (a[j] > a[j + 1]) {
                int32_t t = a[j];
                a[j] = a[j + 1];
                a[j + 1] = t;
                swapped = 1;
            }
        if (!swapped)
            break;
    }
}
static void insertion(int32_t *a, int n)
{
    for (int i = 1; i < n; i++) {
        int32_t x = a[i];
        int j = i - 1;
        while (j >= 0 && a[j] > x) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = x;
    }
}
static void selection(int32_t *a, int n)
{
    for (int i = 0; i < n; i++) {
        int m = i;
        for (int j = i + 1; j < n; j++)
            if (a[j] < a[m])
                m = j;
        int32_t t = a[i];
        a[i] = a[m];
        a[m] = t;
    }
}
static void shell(int32_t *a, int n)
{
    static const int gaps[] = {701, 301, 132, 57, 23, 10, 4, 1};
    for (int g = 0; g < 8; g++) {
        int gap = gaps[g];
        for (int i = gap; i < n; i++) {
            int32_t x = a[i];
            int j = i;
            while (j >= gap && a[j - gap] > x) {
                a[j] = a[j - gap];
                j -= gap;
            }
            a[j] = x;
        }
    }
}
static void sift(int32_t *a, int root, int n)
{
    for (;;) {
        int c = 2 * root + 1;
        if (c >= n)
            return;
        if (c + 1 < n && a[c + 1] > a[c])
            c++;
        if (a[root] >= a[c])
            return;
        int32_t t = a[root];
        a[root] = a[c];
        a[c] = t;
        root = c;
    }
}
static void heap(int32_t *a, int n)
{
    for (int i = n / 2 - 1; i >= 0; i--)
        sift(a, i, n);
    for (int end = n - 1; end > 0; end--) {
        int32_t t = a[0];
        a[0] = a[end];
        a[end] = t;
        sift(a, 0, end);
    }
}
static int32_t *tmpbuf;
static void merge_rec(int32_t *a, int lo, int hi)
{
    if (hi - lo < 2)
        return;
    int mid = lo + (hi - lo) / 2;
    merge_rec(a, lo, mid);
    merge_rec(a, mid, hi);
    int i = lo, j = mid, k = lo;
    while (i < mid && j < hi)
        tmpbuf[k++] = a[j] < a[i] ? a[j++] : a[i++];
    while (i < mid)
        tmpbuf[k++] = a[i++];
    while (j < hi)
        tmpbuf[k++] = a[j++];
    memcpy(a + lo, tmpbuf + lo, (size_t)(hi - lo) * sizeof *a);
}
static void merge(int32_t *a, int n)
{
    tmpbuf = malloc((size_t)n * sizeof *a + 1);
    merge_rec(a, 0, n);
    free(tmpbuf);
}
static void quick_rec(int32_t *a, int lo, int hi) /* inclusive bounds */
{
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        /* median of three into a[mid] */
        if (a[mid] < a[lo]) { int32_t t = a[mid]; a[mid] = a[lo]; a[lo] = t; }
        if (a[hi] < a[lo]) { int32_t t = a[hi]; a[hi] = a[lo]; a[lo] = t; }
        if (a[hi] < a[mid]) { int32_t t = a[hi]; a[hi] = a[mid]; a[mid] = t; }
        int32_t pivot = a[mid];
        int i = lo - 1, j = hi + 1;
        for (;;) {
            do i++; while (a[i] < pivot);
            do j--; while (a[j] > pivot);
            if (i >= j)
                break;
            int32_t t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        /* recurse into the smaller half, loop on the larger */
        if (j - lo < hi - j) {
            quick_rec(a, lo, j);
            lo = j + 1;
        } else {
            quick_rec(a, j + 1, hi);
            hi = j;
        }
    }
}
static void quick(int32_t *a, int n) { quick_rec(a, 0, n - 1); }
static void radix(int32_t *a, int n)
{
    uint32_t *src = malloc((size_t)n * 4 + 4), *dst = malloc((size_t)n * 4 + 4);
    for (int i = 0; i < n; i++)
        src[i] = (uint32_t)a[i] ^ 0x80000000u; /* signed order */
    for (int shift = 0; shift < 32; shift += 8) {
        int count[257] = {0};
        for (int i = 0; i < n; i++)
            count[((src[i] >> shift) & 0xff) + 1]++;
        for (int b = 0; b < 256; b++)
            count[b + 1] += count[b];
        for (int i = 0; i < n; i++)
            dst[count[(src[i] >> shift) & 0xff]++] = src[i];
        uint32_t *t = src;
        src = dst;
        dst = t;
    }
    for (int i = 0; i < n; i++)
        a[i] = (int32_t)(src[i] ^ 0x80000000u);
    free(src);
    free(dst);
}
static void counting(int32_t *a, int n) /* values known to lie in [-5000, 5000] */
{
    static int count[10001];
    memset(count, 0, sizeof count);
    for (int i = 0; i < n; i++)
        count[a[i] + 5000]++;
    int k = 0;
    for (int v = 0; v <= 10000; v++)
        while (count[v]--)
            a[k++] = v - 5000;
}
static int cmp(const void *x, const void *y)
{
    int32_t a = *(const int32_t *)x, b = *(const int32_t *)y;
    return (a > b) - (a < b);
}
static void libc_qsort(int32_t *a, int n) { qsort(a, (size_t)n, sizeof *a, cmp); }

static const struct {
    const char *name;
    sorter fn;
    int max_n;
} sorters[] = {
    {"bubble", bubble, 600},  {"insertion", insertion, 1200}, {"selection", selection, 1200},
    {"shell", shell, 5000},   {"heap", heap, 5000},           {"merge", merge, 5000},
    {"quick", quick, 5000},   {"radix", radix, 5000},         {"counting", counting, 5000},
    {"qsort", libc_qsort, 5000},
};

static uint32_t seed = 1;
static uint32_t rnd(void)
{
    seed = seed * 1664525u + 1013904223u;
    return seed >> 8;
}

int main(void)
{
    static int32_t input[5000], work[5000], expect[5000];
    static const int sizes[] = {0, 1, 2, 3, 7, 16, 100, 600, 1200, 5000};
    uint32_t digest = 0;
    for (int kind = 0; kind < 5; kind++) {
        for (unsigned si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
            int n = sizes[si];
            for (int i = 0; i < n; i++) {
                switch (kind) {
                case 0: input[i] = (int32_t)(rnd() % 10001) - 5000; break;
                case 1: input[i] = i - n / 2; break;
                case 2: input[i] = n - i; break;
                case 3: input[i] = 17; break;
                default: input[i] = (int32_t)(rnd() % 4) * 1000 - 1500; break;
                }
            }
            /* the expected order from insertion into a counting histogram */
            memcpy(expect, input, (size_t)n * sizeof *input);
            counting(expect, n);
            for (unsigned s = 0; s < sizeof sorters / sizeof sorters[0]; s++) {
                if (n > sorters[s].max_n)
                    continue;
                memcpy(work, input, (size_t)n * sizeof *input);
                sorters[s].fn(work, n);
                int ok = memcmp(work, expect, (size_t)n * sizeof *work) == 0;
                if (!ok)
                    printf("FAIL %s kind %d n %d\n", sorters[s].name, kind, n);
                CHECK(ok);
                for (int i = 1; i < n; i++)
                    CHECK(work[i - 1] <= work[i]);
            }
            for (int i = 0; i < n; i++)
                digest = digest * 31 + (uint32_t)expect[i];
        }
    }
    printf("sorted digest %08x\n", digest);
    for (int i = 0; i < 5000; i += 625)
        printf("%d ", expect[i]);
    printf("\n");
    return finish("sorts");
}
