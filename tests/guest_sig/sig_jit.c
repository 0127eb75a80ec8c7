/* Code generated at run time: ARM and Thumb functions written into an
 * mmap'd buffer, run, rewritten in place and run again (with and without
 * __builtin___clear_cache, i.e. the ARM cacheflush system call), many
 * versions of one function at one address, code that patches a function
 * on its own page, and an instruction patched by the code just before it
 * (followed by a cacheflush), as a JIT or a trampoline would; and a
 * function written, run, rewritten and run again 200 times. */
#include "sigcheck.h"
#include <sys/mman.h>
#include <stdlib.h>

#define ARM_MOV_R0(imm) (0xe3a00000u | (imm))         /* mov r0, #imm (imm < 256) */
#define ARM_ADD_R0(imm) (0xe2800000u | (imm))         /* add r0, r0, #imm */
#define ARM_BX_LR 0xe12fff1eu
#define T_MOVS_R0(imm) (0x2000u | (imm))              /* movs r0, #imm */
#define T_BX_LR 0x4770u

typedef int (*fn0)(void);
typedef int (*fn1)(int);

static void flush(void *p, size_t n)
{
    __builtin___clear_cache((char *)p, (char *)p + n);
}

int main(void)
{
    uint32_t *code = mmap(NULL, 8192, PROT_READ | PROT_WRITE | PROT_EXEC,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(code != MAP_FAILED);

    /* write, run, rewrite in place (no cache flush), run again */
    code[0] = ARM_MOV_R0(1);
    code[1] = ARM_BX_LR;
    flush(code, 8);
    int a = ((fn0)code)();
    code[0] = ARM_MOV_R0(2);
    int b = ((fn0)code)();
    code[0] = ARM_MOV_R0(3);
    flush(code, 8);
    int c = ((fn0)code)();
    SAY("arm jit: %d %d %d\n", a, b, c);

    /* one address, many versions */
    int sum = 0;
    for (int i = 0; i < 50; i++) {
        code[0] = ARM_MOV_R0(i);
        sum += ((fn0)code)();
    }
    SAY("versions: sum=%d\n", sum);

    /* Thumb code (called with bit 0 set) */
    uint16_t *t = (uint16_t *)(code + 64);
    t[0] = T_MOVS_R0(7);
    t[1] = T_BX_LR;
    flush(t, 4);
    int d = ((fn0)((uintptr_t)t | 1))();
    t[0] = T_MOVS_R0(9);
    int e = ((fn0)((uintptr_t)t | 1))();
    SAY("thumb jit: %d %d\n", d, e);

    /* a generated function that patches another one on its own page:
         str r1, [r2]; bx lr      (r0 unused, r1 = new insn, r2 = where) */
    uint32_t *patcher = code + 128, *target = code + 136;
    patcher[0] = 0xe5821000u;                            /* str r1, [r2] */
    patcher[1] = ARM_BX_LR;
    target[0] = ARM_MOV_R0(10);
    target[1] = ARM_BX_LR;
    flush(code + 128, 64);
    int f = ((fn0)target)();
    ((void (*)(int, uint32_t, uint32_t *))patcher)(0, ARM_MOV_R0(20), target);
    int g = ((fn0)target)();
    ((void (*)(int, uint32_t, uint32_t *))patcher)(0, ARM_MOV_R0(30), target);
    int h = ((fn0)target)();
    SAY("patch on own page: %d %d %d\n", f, g, h);

    /* an instruction patched by the code right before it, then a cacheflush
       system call (r7 = 0xf0002), as self-modifying code must:
         mov r4, r7            push {r4, r7}? kept simple: r4-r7 saved by us
         str r1, [r2]          patch the "add" below
         mov r0, r2            cacheflush(start, end, 0)
         add r1, r2, #4
         mov r2, #0
         movw r7, #2; movt r7, #0xf
         svc #0
         mov r0, #0
         add r0, r0, #1        <- patched to "add r0, r0, #100"
         ...restore r7, bx lr  */
    uint32_t *s = code + 256;
    uint32_t *slot = s + 10;
    s[0] = 0xe92d0080u;           /* push {r7} */
    s[1] = 0xe5821000u;           /* str r1, [r2] */
    s[2] = 0xe1a00002u;           /* mov r0, r2 */
    s[3] = 0xe2821004u;           /* add r1, r2, #4 */
    s[4] = 0xe3a02000u;           /* mov r2, #0 */
    s[5] = 0xe3007002u;           /* movw r7, #2 */
    s[6] = 0xe340700fu;           /* movt r7, #0xf */
    s[7] = 0xef000000u;           /* svc #0 */
    s[8] = 0xe3a00000u;           /* mov r0, #0 */
    s[9] = 0xe1a00000u;           /* nop (mov r0, r0) */
    s[10] = ARM_ADD_R0(1);        /* add r0, r0, #1 (patched) */
    s[11] = 0xe8bd0080u;          /* pop {r7} */
    s[12] = ARM_BX_LR;
    flush(s, 64);
    int k = ((int (*)(int, uint32_t, uint32_t *))s)(0, ARM_ADD_R0(100), slot);
    int l = ((int (*)(int, uint32_t, uint32_t *))s)(0, ARM_ADD_R0(55), slot);
    SAY("patch ahead + cacheflush: %d %d\n", k, l);

    /* 200 rounds of: write a function into the RWX page, run it, rewrite
       it in place (no cacheflush), run it again; its length changes too */
    uint32_t *w = code + 512;
    int rounds_ok = 0;
    long total = 0;
    for (int i = 0; i < 200; i++) {
        int n = 0;
        w[n++] = ARM_MOV_R0(i);
        for (int j = 0; j < i % 4; j++)
            w[n++] = ARM_ADD_R0(j + 1);
        w[n++] = ARM_BX_LR;
        int r1 = ((fn0)w)();
        w[1] = ARM_ADD_R0(200);
        w[2] = ARM_BX_LR;
        int r2 = ((fn0)w)();
        int want1 = i + (i % 4) * (i % 4 + 1) / 2;
        rounds_ok += r1 == want1 && r2 == i + 200;
        total += r1 + r2;
    }
    CHECK_EQ(rounds_ok, 200);
    SAY("rewritten 200 times: ok=%d total=%ld\n", rounds_ok, total);

    /* the buffer moves (mremap) after its code ran: it stays writable and
       the code written at the new place runs */
    uint32_t *mv = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    void *after = mmap((char *)mv + 4096, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    mv[0] = ARM_MOV_R0(40);
    mv[1] = ARM_BX_LR;
    flush(mv, 8);
    int m1 = ((fn0)mv)();
    uint32_t *moved = mremap(mv, 4096, 8192, MREMAP_MAYMOVE);
    CHECK(moved != MAP_FAILED);
    moved[0] = ARM_MOV_R0(41);
    int m2 = ((fn0)moved)();
    moved[1024] = ARM_MOV_R0(42);
    moved[1025] = ARM_BX_LR;
    int m3 = ((fn0)(moved + 1024))();
    SAY("after mremap: %d %d %d moved=%d\n", m1, m2, m3, moved != mv);
    munmap(moved, 8192);
    munmap(after, 4096);

    /* a buffer that later holds data again: no stale code, writes work */
    memset(code, 0xab, 64);
    SAY("data again: %#x\n", code[3]);
    munmap(code, 8192);
    return done("sig_jit");
}
