/* Function pointers and callbacks: dispatch tables, callbacks with context,
 * functions returning function pointers, pointers through structs, a
 * compose/fold pipeline, and indirect calls through volatile pointers. */
#include "selfcheck.h"
#include <stddef.h>

typedef int32_t (*binop)(int32_t, int32_t);
static int32_t op_add(int32_t a, int32_t b) { return a + b; }
static int32_t op_sub(int32_t a, int32_t b) { return a - b; }
static int32_t op_mul(int32_t a, int32_t b) { return a * b; }
static int32_t op_max(int32_t a, int32_t b) { return a > b ? a : b; }
static int32_t op_xor(int32_t a, int32_t b) { return a ^ b; }
static const binop table[] = {op_add, op_sub, op_mul, op_max, op_xor};

static int32_t fold(const int32_t *v, size_t n, int32_t init, binop f)
{
    for (size_t i = 0; i < n; i++)
        init = f(init, v[i]);
    return init;
}

typedef void (*visit_fn)(void *ctx, int value);
struct stats {
    int count;
    long sum;
    int min, max;
};
static void visit_stats(void *ctx, int value)
{
    struct stats *s = ctx;
    if (s->count == 0 || value < s->min)
        s->min = value;
    if (s->count == 0 || value > s->max)
        s->max = value;
    s->count++;
    s->sum += value;
}
static void visit_hash(void *ctx, int value)
{
    uint32_t *h = ctx;
    *h = (*h ^ (uint32_t)value) * 16777619u;
}

struct node {
    int value;
    struct node *left, *right;
};
static void walk(const struct node *n, visit_fn fn, void *ctx)
{
    if (!n)
        return;
    walk(n->left, fn, ctx);
    fn(ctx, n->value);
    walk(n->right, fn, ctx);
}
static struct node *insert(struct node *root, struct node *fresh)
{
    if (!root)
        return fresh;
    if (fresh->value < root->value)
        root->left = insert(root->left, fresh);
    else
        root->right = insert(root->right, fresh);
    return root;
}

/* functions returning function pointers */
typedef int (*unary)(int);
static int inc(int x) { return x + 1; }
static int dbl(int x) { return x * 2; }
static int sqr(int x) { return x * x; }
static int neg(int x) { return -x; }
static unary pick(char c)
{
    switch (c) {
    case '+': return inc;
    case '*': return dbl;
    case '^': return sqr;
    case '-': return neg;
    default: return NULL;
    }
}
static int run_pipeline(const char *ops, int x)
{
    for (; *ops; ops++) {
        unary f = pick(*ops);
        if (f)
            x = f(x);
    }
    return x;
}

struct shape_ops {
    const char *name;
    int (*area)(const void *self);
    int (*perimeter)(const void *self);
};
struct rect {
    const struct shape_ops *ops;
    int w, h;
};
struct square {
    const struct shape_ops *ops;
    int side;
};
static int rect_area(const void *s) { return ((const struct rect *)s)->w * ((const struct rect *)s)->h; }
static int rect_perim(const void *s) { return 2 * (((const struct rect *)s)->w + ((const struct rect *)s)->h); }
static int sq_area(const void *s) { return ((const struct square *)s)->side * ((const struct square *)s)->side; }
static int sq_perim(const void *s) { return 4 * ((const struct square *)s)->side; }
static const struct shape_ops rect_ops = {"rect", rect_area, rect_perim};
static const struct shape_ops sq_ops = {"square", sq_area, sq_perim};

int main(void)
{
    static const int32_t v[] = {5, -3, 12, 7, -20, 4, 9, 1};
    static const int32_t want[] = {15, -125, 907200, 12, 19};
    static const int32_t init[] = {0, -110, 1, -1000, 0};
    for (int i = 0; i < 5; i++) {
        binop volatile f = table[i];
        int32_t r = fold(v, 8, init[i], f);
        printf("fold op%d = %d\n", i, r);
        CHECK_EQ_S(r, want[i]);
    }

    struct node nodes[64];
    struct node *root = NULL;
    uint32_t seed = 7;
    for (int i = 0; i < 64; i++) {
        seed = seed * 1664525u + 1013904223u;
        nodes[i].value = (int)(seed >> 20) - 2048;
        nodes[i].left = nodes[i].right = NULL;
        root = insert(root, &nodes[i]);
    }
    struct stats st = {0, 0, 0, 0};
    walk(root, visit_stats, &st);
    uint32_t h = 2166136261u;
    walk(root, visit_hash, &h);
    printf("tree: count=%d sum=%ld min=%d max=%d hash=%08x\n", st.count, st.sum, st.min, st.max, h);
    CHECK_EQ_S(st.count, 64);
    long sum = 0;
    int mn = nodes[0].value, mx = nodes[0].value;
    for (int i = 0; i < 64; i++) {
        sum += nodes[i].value;
        mn = nodes[i].value < mn ? nodes[i].value : mn;
        mx = nodes[i].value > mx ? nodes[i].value : mx;
    }
    CHECK_EQ_S(st.sum, sum);
    CHECK_EQ_S(st.min, mn);
    CHECK_EQ_S(st.max, mx);

    CHECK_EQ_S(run_pipeline("+*^-", 3), -64);
    CHECK_EQ_S(run_pipeline("", 3), 3);
    CHECK_EQ_S(run_pipeline("x+y*", 3), 8);
    CHECK(pick('?') == NULL);
    CHECK(pick('+') == inc);

    struct rect r = {&rect_ops, 3, 4};
    struct square s = {&sq_ops, 5};
    const void *shapes[] = {&r, &s, &r};
    int total_area = 0, total_perim = 0;
    for (int i = 0; i < 3; i++) {
        const struct shape_ops *ops = *(const struct shape_ops *const *)shapes[i];
        total_area += ops->area(shapes[i]);
        total_perim += ops->perimeter(shapes[i]);
        printf("%s area=%d perimeter=%d\n", ops->name, ops->area(shapes[i]), ops->perimeter(shapes[i]));
    }
    CHECK_EQ_S(total_area, 49);
    CHECK_EQ_S(total_perim, 48);
    return finish("funcptr");
}
