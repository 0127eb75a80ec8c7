/* pyqemu native runtime (see runtime.h).  Built by cffi at install time
 * (usermode/translate/runtime/build.py) into usermode.translate._runtime.
 *
 * Block exits: translated code returns to rt_cpu_exec (through the epilogue)
 * with a value in rax:
 *    0..15            an exit code (EXIT_LOOKUP, EXIT_EXCEPTION, ...)
 *    (TB *) | n       "left through goto_tb slot n of that block": the
 *                     dispatcher looks up env->pc and patches the slot's
 *                     jmp so the next time the blocks run back to back.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <signal.h>
#include <setjmp.h>
#include <unistd.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>

#include "runtime.h"

#define EXIT_LOOKUP     0
#define EXIT_EXCEPTION  1
#define EXIT_SYSCALL    2
#define EXIT_HALT       3
#define RT_NEED_TRANSLATE 16
#define EXCP_FAULT      4

typedef uintptr_t (*enter_fn)(CPUHeader *env, uint8_t *tc);

static uint8_t *guest_base;
static uint64_t guest_size;
static uint8_t *code_buf, *code_next, *code_end;
static enter_fn enter_code;
static uint8_t *epilogue_ret0;
static int chaining = 1;

#define HASH_BITS 16
#define HASH_SIZE (1u << HASH_BITS)
static TB *tb_hash[HASH_SIZE];
static TB *tb_all;
static uint32_t tb_count;
static uint64_t stat_lookups, stat_chains;

static __thread CPUHeader *cur_env;
static __thread sigjmp_buf cur_jmp;

/* ---------------------------------------------------------------- memory */

uint8_t *rt_reserve_guest(uint64_t size)
{
    /* One guard page past the end catches accesses that straddle 4 GiB. */
    void *p = mmap(NULL, size + 0x10000, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    guest_base = p;
    guest_size = size;
    return p;
}

uint8_t *rt_guest_base(void) { return guest_base; }
uint64_t rt_guest_size(void) { return guest_size; }

int rt_code_init(uint64_t size)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE | PROT_EXEC,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return -errno;
    code_buf = code_next = p;
    code_end = code_buf + size;
    return 0;
}

uint8_t *rt_code_ptr(void) { return code_next; }
uint64_t rt_code_free(void) { return code_end - code_next; }
uint8_t *rt_code_start(void) { return code_buf; }
uint64_t rt_code_used(void) { return code_next - code_buf; }

uint8_t *rt_install_stub(const uint8_t *code, uint32_t len)
{
    uint8_t *p = code_next;
    if ((uint64_t)(code_end - p) < len + 16)
        return NULL;
    memcpy(p, code, len);
    code_next = (uint8_t *)(((uintptr_t)(p + len) + 15) & ~(uintptr_t)15);
    return p;
}

void rt_set_entry(uint8_t *prologue, uint8_t *ret0)
{
    enter_code = (enter_fn)prologue;
    epilogue_ret0 = ret0;
}

/* ---------------------------------------------------------------- blocks */

static inline uint32_t tb_hash_fn(uint64_t pc, uint64_t flags)
{
    uint64_t h = (pc ^ (flags * 0x9e3779b97f4a7c15ull)) * 0xff51afd7ed558ccdull;
    return (uint32_t)(h >> (64 - HASH_BITS));
}

TB *rt_tb_alloc(uint64_t pc, uint64_t flags)
{
    TB *tb = aligned_alloc(64, sizeof(TB));
    if (!tb)
        return NULL;
    memset(tb, 0, sizeof(*tb));
    tb->pc = pc;
    tb->flags = flags;
    tb->jmp_insn[0] = tb->jmp_insn[1] = 0xffffffffu;
    return tb;
}

int rt_tb_commit(TB *tb, const uint8_t *code, uint32_t len,
                 uint32_t jmp_insn0, uint32_t jmp_reset0,
                 uint32_t jmp_insn1, uint32_t jmp_reset1, uint64_t guest_end)
{
    if ((uint64_t)(code_end - code_next) < len + 64)
        return -1;
    tb->tc = code_next;
    tb->tc_size = len;
    memcpy(tb->tc, code, len);
    code_next = (uint8_t *)(((uintptr_t)(code_next + len) + 15) & ~(uintptr_t)15);
    tb->jmp_insn[0] = jmp_insn0;
    tb->jmp_reset[0] = jmp_reset0;
    tb->jmp_insn[1] = jmp_insn1;
    tb->jmp_reset[1] = jmp_reset1;
    tb->guest_end = guest_end;
    tb->id = tb_count++;
    uint32_t h = tb_hash_fn(tb->pc, tb->flags);
    tb->hash_next = tb_hash[h];
    tb->all_next = tb_all;
    tb_all = tb;
    __atomic_store_n(&tb_hash[h], tb, __ATOMIC_RELEASE);
    return 0;
}

TB *rt_tb_lookup(uint64_t pc, uint64_t flags)
{
    TB *tb = __atomic_load_n(&tb_hash[tb_hash_fn(pc, flags)], __ATOMIC_ACQUIRE);
    for (; tb; tb = tb->hash_next)
        if (tb->pc == pc && tb->flags == flags && !tb->invalid)
            return tb;
    return NULL;
}

TB *rt_tb_find_host_pc(uint64_t host_pc)
{
    for (TB *tb = tb_all; tb; tb = tb->all_next)
        if (host_pc >= (uintptr_t)tb->tc && host_pc < (uintptr_t)tb->tc + tb->tc_size)
            return tb;
    return NULL;
}

static void tb_set_jmp_target(TB *tb, int n, uint8_t *target)
{
    uint8_t *insn = tb->tc + tb->jmp_insn[n];
    int32_t rel = (int32_t)(target - (insn + 5));
    /* the rel32 field is 4-byte aligned by the generator: one atomic store */
    __atomic_store_n((int32_t *)(insn + 1), rel, __ATOMIC_RELEASE);
}

static void tb_add_jump(TB *from, int n, TB *to)
{
    if (from->jmp_insn[n] == 0xffffffffu || from->jmp_dest[n] || from->invalid)
        return;
    from->jmp_dest[n] = to;
    tb_set_jmp_target(from, n, to->tc);
    stat_chains++;
}

static void tb_unlink_to(TB *target)
{
    for (TB *tb = tb_all; tb; tb = tb->all_next)
        for (int n = 0; n < 2; n++)
            if (tb->jmp_dest[n] == target) {
                tb_set_jmp_target(tb, n, tb->tc + tb->jmp_reset[n]);
                tb->jmp_dest[n] = NULL;
            }
}

int rt_tb_invalidate_range(uint64_t start, uint64_t end)
{
    int n = 0;
    for (TB *tb = tb_all; tb; tb = tb->all_next) {
        if (!tb->invalid && tb->pc < end && tb->guest_end > start) {
            tb->invalid = 1;
            tb_unlink_to(tb);
            n++;
        }
    }
    return n;
}

void rt_tb_flush(void)
{
    TB *tb = tb_all;
    while (tb) {
        TB *next = tb->all_next;
        free(tb);
        tb = next;
    }
    tb_all = NULL;
    memset(tb_hash, 0, sizeof(tb_hash));
    tb_count = 0;
    /* keep the stubs installed before the first block */
}

uint32_t rt_tb_count(void) { return tb_count; }
void rt_set_chaining(int on) { chaining = on; }
uint64_t rt_stat_lookups(void) { return stat_lookups; }
uint64_t rt_stat_chains(void) { return stat_chains; }

uint8_t *rt_helper_lookup_tb(CPUHeader *env)
{
    TB *tb = rt_tb_lookup(env->pc, env->tb_flags);
    return tb ? tb->tc : epilogue_ret0;
}

/* ------------------------------------------------------------ dispatcher */

int rt_cpu_exec(CPUHeader *env)
{
    TB *last = NULL;
    int last_n = 0;

    env->guest_base = (uint64_t)(uintptr_t)guest_base;
    cur_env = env;
    if (sigsetjmp(cur_jmp, 0)) {
        /* a fault in translated code: the handler filled env */
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, env->fault_signo);
        pthread_sigmask(SIG_UNBLOCK, &s, NULL);
        env->running = 0;
        env->exception = EXCP_FAULT;
        return EXIT_EXCEPTION;
    }
    for (;;) {
        stat_lookups++;
        TB *tb = rt_tb_lookup(env->pc, env->tb_flags);
        if (!tb) {
            return RT_NEED_TRANSLATE;
        }
        if (last && chaining)
            tb_add_jump(last, last_n, tb);
        env->running = 1;
        uintptr_t r = enter_code(env, tb->tc);
        env->running = 0;
        if (r < 16) {
            last = NULL;
            if (r == EXIT_LOOKUP)
                continue;
            return (int)r;
        }
        last = (TB *)(r & ~(uintptr_t)3);
        last_n = (int)(r & 3);
    }
}

/* ---------------------------------------------------------- fault handler */

static struct sigaction old_segv, old_bus;

static void fault_handler(int sig, siginfo_t *si, void *uc_)
{
    ucontext_t *uc = uc_;
    CPUHeader *env = cur_env;
    uintptr_t addr = (uintptr_t)si->si_addr;
    uintptr_t host_pc = uc->uc_mcontext.gregs[REG_RIP];

    if (env && env->running && addr >= (uintptr_t)guest_base
        && addr < (uintptr_t)guest_base + guest_size + 0x10000) {
        env->exc_arg = addr - (uintptr_t)guest_base;
        env->host_pc = host_pc;
        env->fault_signo = sig;
        env->fault_code = si->si_code;
        siglongjmp(cur_jmp, 1);
    }
    /* Not ours: hand it to whoever was there before (or die by it). */
    struct sigaction *old = sig == SIGSEGV ? &old_segv : &old_bus;
    if (old->sa_flags & SA_SIGINFO) {
        if (old->sa_sigaction) {
            old->sa_sigaction(sig, si, uc_);
            return;
        }
    } else if (old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN) {
        old->sa_handler(sig);
        return;
    }
    signal(sig, SIG_DFL);   /* returning re-executes the faulting access */
}

int rt_install_fault_handler(void)
{
    static char altstack[65536];
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack), .ss_flags = 0 };
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = fault_handler;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGSEGV, &sa, &old_segv) || sigaction(SIGBUS, &sa, &old_bus))
        return -errno;
    return 0;
}

void rt_restore_default_signal(int sig)
{
    signal(sig, SIG_DFL);
}

/* ------------------------------------------------------------ host calls */

long rt_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
    long r = syscall(nr, a1, a2, a3, a4, a5, a6);
    return r == -1 ? -errno : r;
}

/* ---------------------------------------------- helpers for generated code */

static uint64_t helper_udiv64(uint64_t a, uint64_t b) { return b ? a / b : 0; }

static const struct { const char *name; void *addr; } helpers[] = {
    { "lookup_tb", (void *)rt_helper_lookup_tb },
    { "udiv64", (void *)helper_udiv64 },
};

void *rt_helper_addr(const char *name)
{
    for (size_t i = 0; i < sizeof(helpers) / sizeof(helpers[0]); i++)
        if (!strcmp(helpers[i].name, name))
            return helpers[i].addr;
    return NULL;
}
