/* A small stack-machine interpreter and a table-driven state machine.
 * The VM runs three bytecode programs (sum loop, iterative fibonacci, a
 * sieve of Eratosthenes in VM memory) whose answers are computed natively as
 * well; the state machine is a DFA that validates and evaluates C-style
 * integer literals (decimal, octal, hex, with u/l suffixes). */
#include "selfcheck.h"
#include <string.h>

enum op { PUSH, POP, DUP, SWAP, OVER, ADD, SUB, MUL, DIVU, MODU, LT, EQ, JMP, JZ, JNZ, LOAD, STORE, PRINT, HALT };
static const char *const opnames[] = {"PUSH", "POP", "DUP", "SWAP", "OVER", "ADD", "SUB", "MUL", "DIVU", "MODU",
                                      "LT", "EQ", "JMP", "JZ", "JNZ", "LOAD", "STORE", "PRINT", "HALT"};

struct vm {
    int32_t stack[64];
    int sp;
    int32_t mem[256];
    unsigned long steps;
    uint32_t out_hash;
    int outputs;
};

static int run(struct vm *m, const int32_t *code, int verbose)
{
    int pc = 0;
    m->sp = 0;
    for (;;) {
        int32_t op = code[pc++], a, b;
        m->steps++;
        if (m->sp < 0 || m->sp > 62)
            return -1;
        switch (op) {
        case PUSH: m->stack[m->sp++] = code[pc++]; break;
        case POP: m->sp--; break;
        case DUP: m->stack[m->sp] = m->stack[m->sp - 1]; m->sp++; break;
        case SWAP: a = m->stack[m->sp - 1]; m->stack[m->sp - 1] = m->stack[m->sp - 2]; m->stack[m->sp - 2] = a; break;
        case OVER: m->stack[m->sp] = m->stack[m->sp - 2]; m->sp++; break;
        case ADD: b = m->stack[--m->sp]; a = m->stack[--m->sp]; m->stack[m->sp++] = (int32_t)((uint32_t)a + (uint32_t)b); break;
        case SUB: b = m->stack[--m->sp]; a = m->stack[--m->sp]; m->stack[m->sp++] = (int32_t)((uint32_t)a - (uint32_t)b); break;
        case MUL: b = m->stack[--m->sp]; a = m->stack[--m->sp]; m->stack[m->sp++] = (int32_t)((uint32_t)a * (uint32_t)b); break;
        case DIVU: b = m->stack[--m->sp]; a = m->stack[--m->sp]; m->stack[m->sp++] = b ? (int32_t)((uint32_t)a / (uint32_t)b) : 0; break;
        case MODU: b = m->stack[--m->sp]; a = m->stack[--m->sp]; m->stack[m->sp++] = b ? (int32_t)((uint32_t)a % (uint32_t)b) : 0; break;
        case LT: b = m->stack[--m->sp]; a = m->stack[--m->sp]; m->stack[m->sp++] = a < b; break;
        case EQ: b = m->stack[--m->sp]; a = m->stack[--m->sp]; m->stack[m->sp++] = a == b; break;
        case JMP: pc = code[pc]; break;
        case JZ: a = m->stack[--m->sp]; pc = a ? pc + 1 : code[pc]; break;
        case JNZ: a = m->stack[--m->sp]; pc = a ? code[pc] : pc + 1; break;
        case LOAD: a = m->stack[--m->sp]; m->stack[m->sp++] = m->mem[a & 255]; break;
        case STORE: a = m->stack[--m->sp]; b = m->stack[--m->sp]; m->mem[a & 255] = b; break;
        case PRINT:
            a = m->stack[--m->sp];
            m->out_hash = m->out_hash * 31 + (uint32_t)a;
            m->outputs++;
            if (verbose)
                printf("vm: %d\n", a);
            break;
        case HALT: return m->sp ? m->stack[m->sp - 1] : 0;
        default: printf("bad opcode %d\n", op); return -2;
        }
    }
}

/* DFA for integer literals */
enum st { S_START, S_ZERO, S_DEC, S_OCT, S_HEXPFX, S_HEX, S_U, S_L, S_UL, S_ERR, NSTATES };
enum cls { C_ZERO, C_OCT, C_DEC, C_HEXL, C_X, C_U, C_L, C_OTHER, NCLS };
static int cls_of(char c)
{
    if (c == '0') return C_ZERO;
    if (c >= '1' && c <= '7') return C_OCT;
    if (c == '8' || c == '9') return C_DEC;
    if (c == 'x' || c == 'X') return C_X;
    if (c == 'u' || c == 'U') return C_U;
    if (c == 'l' || c == 'L') return C_L;
    if ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) return C_HEXL;
    return C_OTHER;
}
static const unsigned char dfa[NSTATES][NCLS] = {
    /*            0       1-7     8-9     a-f     x         u      l      other */
    [S_START] = {S_ZERO, S_DEC, S_DEC, S_ERR, S_ERR, S_ERR, S_ERR, S_ERR},
    [S_ZERO] = {S_OCT, S_OCT, S_ERR, S_ERR, S_HEXPFX, S_U, S_L, S_ERR},
    [S_DEC] = {S_DEC, S_DEC, S_DEC, S_ERR, S_ERR, S_U, S_L, S_ERR},
    [S_OCT] = {S_OCT, S_OCT, S_ERR, S_ERR, S_ERR, S_U, S_L, S_ERR},
    [S_HEXPFX] = {S_HEX, S_HEX, S_HEX, S_HEX, S_ERR, S_ERR, S_ERR, S_ERR},
    [S_HEX] = {S_HEX, S_HEX, S_HEX, S_HEX, S_ERR, S_U, S_L, S_ERR},
    [S_U] = {S_ERR, S_ERR, S_ERR, S_ERR, S_ERR, S_ERR, S_UL, S_ERR},
    [S_L] = {S_ERR, S_ERR, S_ERR, S_ERR, S_ERR, S_UL, S_ERR, S_ERR},
    [S_UL] = {S_ERR, S_ERR, S_ERR, S_ERR, S_ERR, S_ERR, S_ERR, S_ERR},
    [S_ERR] = {S_ERR, S_ERR, S_ERR, S_ERR, S_ERR, S_ERR, S_ERR, S_ERR},
};
static int accepting(int s) { return s == S_ZERO || s == S_DEC || s == S_OCT || s == S_HEX || s == S_U || s == S_L || s == S_UL; }

/* returns 1 and the value if the literal is valid */
static int literal(const char *s, uint64_t *value)
{
    int st = S_START;
    uint64_t v = 0;
    for (const char *p = s; *p; p++) {
        int c = cls_of(*p);
        int next = dfa[st][c];
        if (next == S_OCT)
            v = v * 8 + (uint64_t)(*p - '0');
        else if (next == S_DEC)
            v = v * 10 + (uint64_t)(*p - '0');
        else if (next == S_HEX)
            v = v * 16 + (uint64_t)(*p <= '9' ? *p - '0' : (*p | 0x20) - 'a' + 10);
        st = next;
    }
    *value = v;
    return accepting(st);
}

/* a tiny assembler with forward labels */
static int32_t code[512];
static int ncode;
static int label_at[16];
static int fixups[64][2], nfix;
static void emit(int32_t v) { code[ncode++] = v; }
static void emit2(int32_t op, int32_t arg)
{
    emit(op);
    emit(arg);
}
static void jump(int32_t op, int label)
{
    emit(op);
    fixups[nfix][0] = ncode;
    fixups[nfix++][1] = label;
    emit(-1);
}
static void label(int l) { label_at[l] = ncode; }
static void assemble_begin(void)
{
    ncode = nfix = 0;
    for (int i = 0; i < 16; i++)
        label_at[i] = -1;
}
static void assemble_end(void)
{
    for (int i = 0; i < nfix; i++)
        code[fixups[i][0]] = label_at[fixups[i][1]];
}

int main(void)
{
    static struct vm m;
    enum { L_LOOP, L_DONE, L_NEXT, L_INNER };

    /* sum 1..1000: mem[0] = i, mem[1] = acc */
    assemble_begin();
    emit2(PUSH, 1), emit2(PUSH, 0), emit(STORE);
    emit2(PUSH, 0), emit2(PUSH, 1), emit(STORE);
    label(L_LOOP);
    emit2(PUSH, 0), emit(LOAD), emit2(PUSH, 1001), emit(LT), jump(JZ, L_DONE);
    emit2(PUSH, 1), emit(LOAD), emit2(PUSH, 0), emit(LOAD), emit(ADD), emit2(PUSH, 1), emit(STORE);
    emit2(PUSH, 0), emit(LOAD), emit2(PUSH, 1), emit(ADD), emit2(PUSH, 0), emit(STORE);
    jump(JMP, L_LOOP);
    label(L_DONE);
    emit2(PUSH, 1), emit(LOAD), emit(DUP), emit(PRINT), emit(HALT);
    assemble_end();
    CHECK_EQ_S(run(&m, code, 1), 500500);

    /* fibonacci: print fib(0..29); stack holds (a, b); counter in mem[5] */
    assemble_begin();
    emit2(PUSH, 30), emit2(PUSH, 5), emit(STORE);
    emit2(PUSH, 0), emit2(PUSH, 1);
    label(L_LOOP);
    emit(OVER), emit(PRINT);                          /* print a */
    emit(DUP), emit2(PUSH, 2), emit(STORE);           /* mem[2] = b */
    emit(ADD), emit2(PUSH, 2), emit(LOAD), emit(SWAP); /* (b, a + b) */
    emit2(PUSH, 5), emit(LOAD), emit2(PUSH, 1), emit(SUB), emit(DUP), emit2(PUSH, 5), emit(STORE);
    jump(JNZ, L_LOOP);
    emit(POP), emit(HALT);
    assemble_end();
    m.out_hash = 0;
    m.outputs = 0;
    int32_t r = run(&m, code, 0);
    uint32_t fh = 0, fa = 0, fb = 1;
    for (int i = 0; i < 30; i++) {
        fh = fh * 31 + fa;
        uint32_t t = fa + fb;
        fa = fb;
        fb = t;
    }
    CHECK_EQ_S(m.outputs, 30);
    CHECK_EQ_U(m.out_hash, fh);
    CHECK_EQ_S(r, 832040); /* fib(30) is left on the stack */

    /* sieve: mem[10 + n] = composite flag for n < 200, mem[0] = n, mem[1] = count, mem[2] = multiple */
    assemble_begin();
    emit2(PUSH, 2), emit2(PUSH, 0), emit(STORE);
    emit2(PUSH, 0), emit2(PUSH, 1), emit(STORE);
    label(L_LOOP);
    emit2(PUSH, 0), emit(LOAD), emit2(PUSH, 200), emit(LT), jump(JZ, L_DONE);
    emit2(PUSH, 0), emit(LOAD), emit2(PUSH, 10), emit(ADD), emit(LOAD), jump(JNZ, L_NEXT);
    emit2(PUSH, 1), emit(LOAD), emit2(PUSH, 1), emit(ADD), emit2(PUSH, 1), emit(STORE);
    emit2(PUSH, 0), emit(LOAD), emit(DUP), emit(ADD), emit2(PUSH, 2), emit(STORE);
    label(L_INNER);
    emit2(PUSH, 2), emit(LOAD), emit2(PUSH, 200), emit(LT), jump(JZ, L_NEXT);
    emit2(PUSH, 1), emit2(PUSH, 2), emit(LOAD), emit2(PUSH, 10), emit(ADD), emit(STORE);
    emit2(PUSH, 2), emit(LOAD), emit2(PUSH, 0), emit(LOAD), emit(ADD), emit2(PUSH, 2), emit(STORE);
    jump(JMP, L_INNER);
    label(L_NEXT);
    emit2(PUSH, 0), emit(LOAD), emit2(PUSH, 1), emit(ADD), emit2(PUSH, 0), emit(STORE);
    jump(JMP, L_LOOP);
    label(L_DONE);
    emit2(PUSH, 1), emit(LOAD), emit(HALT);
    assemble_end();
    memset(m.mem, 0, sizeof m.mem);
    int32_t primes = run(&m, code, 0);
    printf("vm sieve: %d primes below 200, %lu steps in total\n", primes, m.steps);
    CHECK_EQ_S(primes, 46);
    for (int n = 2; n < 200; n++) {
        int composite = 0;
        for (int d = 2; d * d <= n; d++)
            composite |= n % d == 0;
        CHECK_EQ_S(m.mem[10 + n], composite);
    }
    for (int i = 0; i < 19; i++)
        printf("%s%c", opnames[i], i == 18 ? '\n' : ' ');

    static const struct {
        const char *s;
        int ok;
        uint64_t v;
    } lits[] = {
        {"0", 1, 0}, {"123", 1, 123}, {"0755", 1, 493}, {"0x1F", 1, 31}, {"0XdeadBEEF", 1, 0xdeadbeef},
        {"42u", 1, 42}, {"42UL", 1, 42}, {"7lu", 1, 7}, {"0x", 0, 0}, {"08", 0, 0}, {"12a", 0, 0},
        {"", 0, 0}, {"u", 0, 0}, {"42uu", 0, 0}, {"0xffffffffffffffff", 1, UINT64_MAX},
        {"18446744073709551615", 1, UINT64_MAX}, {"0x12g", 0, 0}, {"00", 1, 0},
    };
    int valid = 0;
    for (unsigned i = 0; i < sizeof lits / sizeof lits[0]; i++) {
        uint64_t v;
        int ok = literal(lits[i].s, &v);
        CHECK_EQ_S(ok, lits[i].ok);
        if (ok && lits[i].ok)
            CHECK_EQ_U(v, lits[i].v);
        valid += ok;
        printf("literal %-22s %s", lits[i].s, ok ? "valid" : "invalid");
        if (ok)
            printf(" = %llu", (unsigned long long)v);
        printf("\n");
    }
    CHECK_EQ_S(valid, 11);
    return finish("interp");
}
