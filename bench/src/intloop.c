/* Integer loop kernel for the pyqemu benchmark: each round walks and
 * rebuilds a linked list, multiplies two integer matrices, runs a
 * table-driven state machine over a byte stream and CRCs the results.
 * No floating point. Usage: intloop [rounds]  (default sized so that qemu-arm
 * takes about a second). Prints one checksum line, the same for every run
 * with the same rounds, so the benchmark can compare the two emulators'
 * output as well as their time. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define DEFAULT_ROUNDS 500
#define NODES 4096
#define N 48
#define STREAM 16384

struct node {
    struct node *next;
    uint32_t key;
    uint32_t payload;
};

static struct node pool[NODES];
static int32_t A[N][N], B[N][N], C[N][N];
static unsigned char stream[STREAM];
static uint32_t crc_table[256];

static uint32_t rng = 0x12345678u;
static uint32_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static uint32_t crc32(uint32_t crc, const void *data, size_t n)
{
    const unsigned char *p = data;
    crc = ~crc;
    while (n--)
        crc = (crc >> 8) ^ crc_table[(crc ^ *p++) & 0xff];
    return ~crc;
}

/* linked list: build in a shuffled order, then walk, filter and reverse */
static uint32_t list_work(uint32_t round)
{
    struct node *head = NULL;
    for (int i = 0; i < NODES; i++) {
        uint32_t j = (uint32_t)i * 2654435761u % NODES; /* a permutation: NODES is a power of 2 */
        pool[j].key = next_rand() ^ round;
        pool[j].payload = (uint32_t)i;
        pool[j].next = head;
        head = &pool[j];
    }
    uint32_t sum = 0;
    for (int pass = 0; pass < 4; pass++) {
        struct node *prev = NULL, *cur = head;
        while (cur) { /* reverse in place while summing */
            struct node *nx = cur->next;
            sum += cur->key >> (pass * 3) ^ cur->payload;
            if ((cur->key & 7) == (uint32_t)pass)
                sum = (sum << 1) | (sum >> 31);
            cur->next = prev;
            prev = cur;
            cur = nx;
        }
        head = prev;
    }
    return sum;
}

static uint32_t matrix_work(uint32_t round)
{
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            A[i][j] = (int32_t)((uint32_t)(i * 31 + j * 17) ^ round) % 1000 - 500;
            B[i][j] = (int32_t)((uint32_t)(i * 7 + j * 13) + round) % 777 - 300;
        }
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            int32_t s = 0;
            for (int k = 0; k < N; k++)
                s += A[i][k] * B[k][j];
            C[i][j] = s;
        }
    uint32_t h = 0;
    for (int i = 0; i < N; i++)
        h = crc32(h, C[i], sizeof C[i]);
    return h;
}

/* state machine: counts identifiers, numbers and comments in a byte stream */
enum { S_IDLE, S_IDENT, S_NUM, S_SLASH, S_COMMENT, S_STAR, NSTATE };
static uint32_t fsm_work(uint32_t round)
{
    static const char alphabet[] = "abcxyz_019 /*\n+-;()";
    for (int i = 0; i < STREAM; i++)
        stream[i] = (unsigned char)alphabet[(next_rand() + round) % (sizeof alphabet - 1)];
    uint32_t counts[NSTATE] = {0};
    int st = S_IDLE;
    for (int i = 0; i < STREAM; i++) {
        unsigned char c = stream[i];
        int alpha = (c >= 'a' && c <= 'z') || c == '_';
        int digit = c >= '0' && c <= '9';
        switch (st) {
        case S_IDLE:
            st = alpha ? S_IDENT : digit ? S_NUM : c == '/' ? S_SLASH : S_IDLE;
            break;
        case S_IDENT:
            if (!alpha && !digit) {
                counts[S_IDENT]++;
                st = c == '/' ? S_SLASH : S_IDLE;
            }
            break;
        case S_NUM:
            if (!digit) {
                counts[S_NUM]++;
                st = alpha ? S_IDENT : c == '/' ? S_SLASH : S_IDLE;
            }
            break;
        case S_SLASH:
            st = c == '*' ? S_COMMENT : alpha ? S_IDENT : digit ? S_NUM : S_IDLE;
            break;
        case S_COMMENT:
            if (c == '*')
                st = S_STAR;
            break;
        case S_STAR:
            if (c == '/') {
                counts[S_COMMENT]++;
                st = S_IDLE;
            } else if (c != '*') {
                st = S_COMMENT;
            }
            break;
        }
        counts[S_IDLE] += st == S_IDLE;
    }
    return crc32(0, counts, sizeof counts);
}

int main(int argc, char **argv)
{
    long rounds = argc > 1 ? strtol(argv[1], NULL, 10) : DEFAULT_ROUNDS;
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? (c >> 1) ^ 0xedb88320u : c >> 1;
        crc_table[i] = c;
    }
    uint32_t total = 0;
    for (long r = 0; r < rounds; r++) {
        uint32_t l = list_work((uint32_t)r);
        uint32_t m = matrix_work((uint32_t)r);
        uint32_t f = fsm_work((uint32_t)r);
        uint32_t parts[4] = {l, m, f, total};
        total = crc32(total, parts, sizeof parts);
    }
    printf("intloop rounds=%ld checksum=%08x\n", rounds, total);
    return 0;
}
