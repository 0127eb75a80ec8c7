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
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>

#include "runtime.h"

#define EXIT_LOOKUP     0
#define EXIT_EXCEPTION  1
#define EXIT_SYSCALL    2
#define EXIT_HALT       3
#define EXIT_HOT        4       /* a quick block's entry count reached 0 (TB.hot) */
#define RT_NEED_TRANSLATE 16
#define RT_EXIT_INTERRUPT 17    /* env->exit_request was set: Python delivers signals */
#define EXCP_FAULT      4
#define EXCP_SMC        32      /* the running block wrote to its own page: re-run the
                                   insn in a one-insn block (engine.py) */
#define TB_CF_SINGLE    1       /* a one-instruction block: may write its own page */
#define TB_CF_QUICK     2       /* translated without optimization; counts its entries */
#define RT_ERESTARTSYS  512
#define RT_SIG_DFL      0
#define RT_SIG_IGN      1
#define RT_SIG_CATCH    2
#define RT_NSIG         65
#define GPAGE_SHIFT     12
#define GPAGE_SIZE      4096u
#define GPROT_READ      1
#define GPROT_WRITE     2
#define GPAGE_VALID     8

typedef uintptr_t (*enter_fn)(CPUHeader *env, uint8_t *tc);

static uint8_t *guest_base;
static uint64_t guest_size;
static uint8_t *code_buf, *code_next, *code_end;
static uint8_t *code_stubs_end;     /* the first block goes here (again after a flush) */
static enter_fn enter_code;
static uint8_t *epilogue_ret0;
static int chaining = 1;
static uint32_t hot_threshold = 10000;

/* The block hash table: buckets of chains through TB.hash_next.  It doubles
 * when it holds as many blocks as buckets; readers (rt_tb_lookup, from any
 * thread, no lock) load the table pointer once and follow the chains with
 * acquire loads.  A resize (under tb_mutex) relinks the blocks oldest first,
 * so every hash_next, old or new, points to an older block: a reader still
 * walking the old table cannot loop, at worst it misses and the engine finds
 * the block under the lock.  Old tables are never freed (readers may hold
 * them; they add up to less than the current one). */
#define HASH_BITS_MIN 10
typedef struct TBTable {
    uint32_t bits;
    uint32_t count;
    TB *b[];
} TBTable;
static TBTable *tb_table;
static TB *tb_all;
static uint32_t tb_count;
/* Writers of the block table (commit, chaining, invalidation, flush) hold
 * tb_mutex; lookups take no lock (see docs/ARCHITECTURE.md, "Threads"). */
static pthread_mutex_t tb_mutex = PTHREAD_MUTEX_INITIALIZER;
static uint64_t stat_lookups, stat_chains;

static __thread CPUHeader *cur_env;
static __thread sigjmp_buf cur_jmp;

/* self-modifying code: the guest page table and the pages we write-protected */
static uint8_t *page_table;
static uint64_t page_count;
static uint8_t *code_prot;          /* one byte per guest page: 1 = protected by us */
static uint32_t code_prot_pages;

/* the FP area of the block frame (x86/fp.py) */
static int32_t fp_frame_off = -1;
static uint32_t fp_mxcsr_xor;

static void tb_invalidate_range(uint64_t start, uint64_t end);

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

static TBTable *tb_table_new(uint32_t bits)
{
    TBTable *t = calloc(1, sizeof(TBTable) + (sizeof(TB *) << bits));
    if (t)
        t->bits = bits;
    return t;
}

int rt_code_init(uint64_t size)
{
    if (!tb_table && !(tb_table = tb_table_new(HASH_BITS_MIN)))
        return -ENOMEM;
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
    code_stubs_end = code_next;
    return p;
}

void rt_set_entry(uint8_t *prologue, uint8_t *ret0)
{
    enter_code = (enter_fn)prologue;
    epilogue_ret0 = ret0;
}

/* ---------------------------------------------------------------- blocks */

static inline uint32_t tb_hash_fn(uint64_t pc, uint64_t flags, uint32_t bits)
{
    uint64_t h = (pc ^ (flags * 0x9e3779b97f4a7c15ull)) * 0xff51afd7ed558ccdull;
    return (uint32_t)(h >> (64 - bits));
}

/* under tb_mutex: twice the buckets, every block relinked oldest first */
static void tb_table_grow(void)
{
    TBTable *old = tb_table, *t = tb_table_new(old->bits + 1);
    uint32_t n = 0;
    TB **all = malloc(sizeof(TB *) * (old->count + 1));    /* tb_all has count blocks */
    if (!t || !all) {
        free(t);
        free(all);
        return;                             /* keep the old one: longer chains */
    }
    for (TB *tb = tb_all; tb && n < old->count + 1; tb = tb->all_next)
        all[n++] = tb;
    while (n--) {
        TB *tb = all[n];
        uint32_t h = tb_hash_fn(tb->pc, tb->flags, t->bits);
        __atomic_store_n(&tb->hash_next, t->b[h], __ATOMIC_RELEASE);
        t->b[h] = tb;
    }
    free(all);
    t->count = old->count;
    __atomic_store_n(&tb_table, t, __ATOMIC_RELEASE);
}

uint32_t rt_tb_hash_bits(void) { return tb_table ? tb_table->bits : 0; }

TB *rt_tb_alloc(uint64_t pc, uint64_t flags)
{
    TB *tb = aligned_alloc(64, sizeof(TB));
    if (!tb)
        return NULL;
    memset(tb, 0, sizeof(*tb));
    tb->pc = pc;
    tb->flags = flags;
    tb->jmp_insn[0] = tb->jmp_insn[1] = 0xffffffffu;
    tb->hot = hot_threshold;
    return tb;
}

int rt_tb_commit(TB *tb, const uint8_t *code, uint32_t len,
                 uint32_t jmp_insn0, uint32_t jmp_reset0,
                 uint32_t jmp_insn1, uint32_t jmp_reset1, uint64_t guest_end)
{
    pthread_mutex_lock(&tb_mutex);
    if (!tb_table)
        tb_table = tb_table_new(HASH_BITS_MIN);
    if (!tb_table || (uint64_t)(code_end - code_next) < len + 64) {
        pthread_mutex_unlock(&tb_mutex);
        return -1;
    }
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
    if (tb_table->count >= (1u << tb_table->bits))
        tb_table_grow();                    /* (before tb is on tb_all) */
    tb->all_next = tb_all;
    __atomic_store_n(&tb_all, tb, __ATOMIC_RELEASE);
    TBTable *t = tb_table;
    uint32_t h = tb_hash_fn(tb->pc, tb->flags, t->bits);
    tb->hash_next = t->b[h];
    __atomic_store_n(&t->b[h], tb, __ATOMIC_RELEASE);
    t->count++;
    pthread_mutex_unlock(&tb_mutex);
    return 0;
}

/* A block of the persistent translation cache (usermode/translate/tcache.py):
   `body` is one record's body, already checked there (its digest, and its
   guest bytes against guest memory).  Layout, little-endian and unpadded:
     u64 pc, flags, end; u8 align (code address mod 16, | 0x80 for a quick
     block); u16 ninsns, nrelocs; u32 code_len,
     jmp_insn0, jmp_reset0, jmp_insn1, jmp_reset1; u16 nmap, guest_len;
     guest bytes; insn arrays (21 bytes per insn) and map (12 per entry);
     relocations (u8 kind, u32 offset in code, i64 value); the code.
   Protects the guest code, copies and relocates the code, commits the TB.
   Returns the TB's host code address, RT_CACHED_FULL when the code buffer
   is full (flush, then call again) or RT_CACHED_BAD for a record that does
   not fit this runtime (the caller translates instead). */
#define CACHED_HDR 53
#define RT_CACHED_FULL (-1)
#define RT_CACHED_BAD (-2)
#define NO_JMP 0xffffffffu
#define CACHED_QUICK 0x80       /* in the align byte: a quick block (TB_CF_QUICK) */

static inline uint64_t ld64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static inline uint32_t ld32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline uint16_t ld16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }

int64_t rt_tb_install_cached(const uint8_t *body, uint32_t blen, uint64_t so_base,
                             uint64_t epilogue)
{
    if (blen < CACHED_HDR)
        return RT_CACHED_BAD;
    uint64_t pc = ld64(body), flags = ld64(body + 8), end = ld64(body + 16);
    uint32_t align = body[24], n = ld16(body + 25), nrel = ld16(body + 27);
    uint32_t clen = ld32(body + 29), ji0 = ld32(body + 33), jr0 = ld32(body + 37);
    uint32_t ji1 = ld32(body + 41), jr1 = ld32(body + 45);
    uint32_t m = ld16(body + 49), glen = ld16(body + 51);
    uint64_t relocs = CACHED_HDR + (uint64_t)glen + 21ull * n + 12ull * m;
    uint64_t code = relocs + 13ull * nrel;
    if (code + clen != blen || clen == 0)
        return RT_CACHED_BAD;
    pthread_mutex_lock(&tb_mutex);
    uint8_t *dst = code_next;
    int fits = tb_table && (uint64_t)(code_end - code_next) >= clen + 64;
    pthread_mutex_unlock(&tb_mutex);
    if (!fits)
        return tb_table ? RT_CACHED_FULL : RT_CACHED_BAD;
    if (((uintptr_t)dst & 15) != (align & 15))
        return RT_CACHED_BAD;
    TB *tb = rt_tb_alloc(pc, flags);
    if (!tb)
        return RT_CACHED_BAD;
    if (align & CACHED_QUICK)
        tb->cflags = TB_CF_QUICK;
    uint8_t *buf = malloc(clen);
    if (!buf) {
        free(tb);
        return RT_CACHED_BAD;
    }
    memcpy(buf, body + code, clen);
    for (uint32_t i = 0; i < nrel; i++) {
        const uint8_t *r = body + relocs + 13ull * i;
        uint32_t pos = ld32(r + 1);
        int64_t val = (int64_t)ld64(r + 5);
        uint64_t here = (uintptr_t)dst + pos + 4;   /* a rel32's end */
        uint64_t q;
        uint32_t width = 8;                          /* 8: abs64; 4: rel32 */
        switch (r[0]) {
        case 1: q = (uintptr_t)tb | (uint64_t)val; break;              /* R_TB: TB | slot */
        case 2: q = epilogue - here; width = 4; break;                 /* R_EPI */
        case 3: q = so_base + (uint64_t)val; break;                    /* R_SO64 */
        case 4: q = so_base + (uint64_t)val - here; width = 4; break;  /* R_SO32 */
        default: goto bad;
        }
        if ((uint64_t)pos + width > clen)
            goto bad;
        memcpy(buf + pos, &q, width);                /* little-endian: a rel32 is q's low half */
    }
    rt_code_protect(pc, end);
    if (rt_tb_commit(tb, buf, clen, ji0, jr0 == NO_JMP ? 0 : jr0, ji1, jr1 == NO_JMP ? 0 : jr1,
                     end) != 0) {
        free(buf);
        free(tb);
        return RT_CACHED_FULL;
    }
    free(buf);
    if (tb->tc != dst) {            /* another thread committed in between: the
                                       relative relocations are wrong there */
        tb->invalid = 1;
        return RT_CACHED_BAD;
    }
    return (int64_t)(uintptr_t)tb->tc;
bad:
    free(buf);
    free(tb);
    return RT_CACHED_BAD;
}

TB *rt_tb_lookup(uint64_t pc, uint64_t flags)
{
    TBTable *t = __atomic_load_n(&tb_table, __ATOMIC_ACQUIRE);
    if (!t)
        return NULL;
    TB *tb = __atomic_load_n(&t->b[tb_hash_fn(pc, flags, t->bits)], __ATOMIC_ACQUIRE);
    for (; tb; tb = __atomic_load_n(&tb->hash_next, __ATOMIC_ACQUIRE))
        if (tb->pc == pc && tb->flags == flags && !tb->invalid)
            return tb;
    return NULL;
}

TB *rt_tb_find_host_pc(uint64_t host_pc)
{
    for (TB *tb = __atomic_load_n(&tb_all, __ATOMIC_ACQUIRE); tb; tb = tb->all_next)
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
    /* again under the lock: another thread may have chained this exit, or
       invalidated either block, since the unlocked test */
    pthread_mutex_lock(&tb_mutex);
    if (!from->jmp_dest[n] && !from->invalid && !to->invalid) {
        from->jmp_dest[n] = to;
        from->jmp_next[n] = to->jmp_first;
        to->jmp_first = (uintptr_t)from | (uintptr_t)n;
        tb_set_jmp_target(from, n, to->tc);
        stat_chains++;
    }
    pthread_mutex_unlock(&tb_mutex);
}

/* Reset every exit chained to target (under tb_mutex).  An exit is on the
   list of the one block it is chained to, from tb_add_jump until this. */
static void tb_unlink_to(TB *target)
{
    uintptr_t e = target->jmp_first;
    while (e) {
        TB *tb = (TB *)(e & ~(uintptr_t)3);
        int n = (int)(e & 3);
        e = tb->jmp_next[n];
        tb_set_jmp_target(tb, n, tb->tc + tb->jmp_reset[n]);
        tb->jmp_dest[n] = NULL;
        tb->jmp_next[n] = 0;
    }
    target->jmp_first = 0;
}

void rt_set_hot_threshold(uint32_t n) { hot_threshold = n; }

void rt_tb_retire(TB *tb)
{
    pthread_mutex_lock(&tb_mutex);
    if (!tb->invalid) {
        __atomic_store_n(&tb->invalid, 1, __ATOMIC_RELEASE);
        tb_unlink_to(tb);
    }
    pthread_mutex_unlock(&tb_mutex);
}

int rt_tb_invalidate_range(uint64_t start, uint64_t end)
{
    int n = 0;
    pthread_mutex_lock(&tb_mutex);
    for (TB *tb = tb_all; tb; tb = tb->all_next) {
        if (!tb->invalid && tb->pc < end && tb->guest_end > start) {
            __atomic_store_n(&tb->invalid, 1, __ATOMIC_RELEASE);
            tb_unlink_to(tb);
            n++;
        }
    }
    pthread_mutex_unlock(&tb_mutex);
    return n;
}

static void tb_invalidate_range(uint64_t start, uint64_t end)
{
    rt_tb_invalidate_range(start, end);
}

/* fork: the child must not inherit tb_mutex held by a thread it will not have */
static void tb_atfork_prepare(void) { pthread_mutex_lock(&tb_mutex); }
static void tb_atfork_release(void) { pthread_mutex_unlock(&tb_mutex); }

void rt_tb_flush(void)
{
    pthread_mutex_lock(&tb_mutex);
    TB *tb = tb_all;
    while (tb) {
        TB *next = tb->all_next;
        free(tb);
        tb = next;
    }
    tb_all = NULL;
    if (tb_table) {
        memset(tb_table->b, 0, sizeof(TB *) << tb_table->bits);
        tb_table->count = 0;
    }
    tb_count = 0;
    /* keep the stubs installed before the first block */
    code_next = code_stubs_end ? code_stubs_end : code_buf;
    pthread_mutex_unlock(&tb_mutex);
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

/* Exclusive sections (a code-buffer flush while other threads run): the
 * number of threads inside rt_cpu_exec, and the request that keeps new ones
 * out.  Both sides use sequentially consistent atomics: a thread entering
 * counts itself, then checks the request; the requester sets the request,
 * then waits for the count to reach zero (the engine sets every other
 * thread's exit_request so that running ones leave at their next block). */
static volatile uint32_t excl_pending, excl_running;

void rt_exclusive_request(void) { __atomic_store_n(&excl_pending, 1, __ATOMIC_SEQ_CST); }

void rt_exclusive_wait(void)
{
    while (__atomic_load_n(&excl_running, __ATOMIC_SEQ_CST))
        sched_yield();
}

void rt_exclusive_end(void) { __atomic_store_n(&excl_pending, 0, __ATOMIC_SEQ_CST); }

static int cpu_exec(CPUHeader *env);

int rt_cpu_exec(CPUHeader *env)
{
    for (;;) {
        __atomic_fetch_add(&excl_running, 1, __ATOMIC_SEQ_CST);
        if (!__atomic_load_n(&excl_pending, __ATOMIC_SEQ_CST))
            break;
        __atomic_fetch_sub(&excl_running, 1, __ATOMIC_SEQ_CST);
        while (__atomic_load_n(&excl_pending, __ATOMIC_SEQ_CST))
            sched_yield();
    }
    int r = cpu_exec(env);
    __atomic_fetch_sub(&excl_running, 1, __ATOMIC_SEQ_CST);
    return r;
}

static int cpu_exec(CPUHeader *env)
{
    TB *last = NULL;
    int last_n = 0;

    env->guest_base = (uint64_t)(uintptr_t)guest_base;
    cur_env = env;
    if (sigsetjmp(cur_jmp, 0)) {
        /* a fault in translated code: the handler filled env (exception
           EXCP_FAULT or EXCP_SMC).  It ran with SA_NODEFER and an empty
           sa_mask, so the signal mask is as before. */
        env->running = 0;
        return EXIT_EXCEPTION;
    }
    for (;;) {
        if (__atomic_load_n(&env->exit_request, __ATOMIC_ACQUIRE))
            return RT_EXIT_INTERRUPT;
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

/* --------------------------------------------------- host signal queue */

/* Every host signal we catch is recorded here (siginfo and all) by the
 * handler and taken out by rt_sig_drain in Python.  Producers reserve a slot
 * with a CAS on tail and publish it with its ready flag; the one consumer
 * advances head.  A handler interrupting the consumer never touches the slot
 * being read (the queue-full test uses the old head). */
#define SIGQ_LEN 1024
typedef struct SigQueue {
    struct { volatile uint32_t ready; uint32_t pad; siginfo_t info; } slot[SIGQ_LEN];
    volatile uint32_t head, tail;
} SigQueue;
/* The process's queue, and each guest thread's own (rt_thread_init): a
 * signal is recorded in the queue of the host thread it interrupted, which
 * is the guest thread the host kernel chose for it (tgkill: that thread). */
static SigQueue sigq_main;
static __thread SigQueue *cur_sigq;
static volatile uint32_t sigq_dropped;
static uint32_t no_exit_request;          /* flag used before any env exists */

static inline SigQueue *my_sigq(void)
{
    SigQueue *q = cur_sigq;
    return q ? q : &sigq_main;
}

static void sigq_push(const siginfo_t *si)
{
    SigQueue *q = my_sigq();
    uint32_t t = __atomic_load_n(&q->tail, __ATOMIC_ACQUIRE);
    for (;;) {
        if (t - __atomic_load_n(&q->head, __ATOMIC_ACQUIRE) >= SIGQ_LEN) {
            __atomic_fetch_add(&sigq_dropped, 1, __ATOMIC_RELAXED);
            return;
        }
        if (__atomic_compare_exchange_n(&q->tail, &t, t + 1, 0,
                                        __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
            break;
    }
    memcpy(&q->slot[t % SIGQ_LEN].info, si, sizeof(siginfo_t));
    __atomic_store_n(&q->slot[t % SIGQ_LEN].ready, 1, __ATOMIC_RELEASE);
}

int rt_sig_drain(uint8_t *out, int max)
{
    SigQueue *q = my_sigq();
    int n = 0;
    while (n < max) {
        uint32_t h = __atomic_load_n(&q->head, __ATOMIC_ACQUIRE);
        if (h == __atomic_load_n(&q->tail, __ATOMIC_ACQUIRE))
            break;
        if (!__atomic_load_n(&q->slot[h % SIGQ_LEN].ready, __ATOMIC_ACQUIRE))
            break;                              /* being written by a handler */
        memcpy(out + 128 * n, &q->slot[h % SIGQ_LEN].info, 128);
        __atomic_store_n(&q->slot[h % SIGQ_LEN].ready, 0, __ATOMIC_RELAXED);
        __atomic_store_n(&q->head, h + 1, __ATOMIC_RELEASE);
        n++;
    }
    return n;
}

/* A new guest thread (on its host thread, before it runs guest code): its
 * own signal queue, and the TLS block touched outside any signal handler. */
int rt_thread_init(void)
{
    if (!cur_sigq) {
        SigQueue *q = calloc(1, sizeof(SigQueue));
        if (!q)
            return -ENOMEM;
        __atomic_store_n(&cur_sigq, q, __ATOMIC_RELEASE);
    }
    (void)cur_env;
    return 0;
}

/* The thread is done: block every host signal (none may be recorded in a
 * queue nobody will drain), then free its queue. */
void rt_thread_exit(void)
{
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    SigQueue *q = cur_sigq;
    cur_sigq = NULL;
    cur_env = NULL;
    free(q);
}

uint32_t rt_sig_dropped(void) { return sigq_dropped; }

/* ----------------------------------------------------------- safe syscall */

/* rdi = flag, rsi = nr, rdx..r9, [rsp+8], [rsp+16] = a1..a6.  Between
 * rt_safe_syscall_start and rt_safe_syscall_end (the insn after `syscall`)
 * a host signal handler moves rip to rt_safe_syscall_restart: a signal
 * recorded before the kernel was entered, or one after which the kernel
 * restarts the call, makes it return -RT_ERESTARTSYS. */
long rt_safe_syscall_asm(volatile uint32_t *flag, long nr, long a1, long a2, long a3,
                         long a4, long a5, long a6);
extern const char rt_safe_syscall_start[], rt_safe_syscall_end[], rt_safe_syscall_restart[];
__asm__(
    ".text\n"
    ".p2align 4\n"
    ".type rt_safe_syscall_asm, @function\n"
    "rt_safe_syscall_asm:\n"
    "    mov %rdi, %r11\n"
    "    mov %rsi, %rax\n"
    "    mov %rdx, %rdi\n"
    "    mov %rcx, %rsi\n"
    "    mov %r8, %rdx\n"
    "    mov %r9, %r10\n"
    "    mov 8(%rsp), %r8\n"
    "    mov 16(%rsp), %r9\n"
    "rt_safe_syscall_start:\n"
    "    cmpl $0, (%r11)\n"
    "    jne rt_safe_syscall_restart\n"
    "    syscall\n"
    "rt_safe_syscall_end:\n"
    "    ret\n"
    "rt_safe_syscall_restart:\n"
    "    mov $-512, %rax\n"
    "    ret\n"
    ".size rt_safe_syscall_asm, .-rt_safe_syscall_asm\n"
);

static uint8_t blocking_nr[512];

void rt_set_blocking_syscalls(const uint16_t *nrs, int n)
{
    memset(blocking_nr, 0, sizeof(blocking_nr));
    for (int i = 0; i < n; i++)
        if (nrs[i] < sizeof(blocking_nr))
            blocking_nr[nrs[i]] = 1;
}

long rt_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
    if (nr >= 0 && nr < (long)sizeof(blocking_nr) && blocking_nr[nr]) {
        CPUHeader *env = cur_env;
        volatile uint32_t *flag = env ? &env->exit_request : &no_exit_request;
        return rt_safe_syscall_asm(flag, nr, a1, a2, a3, a4, a5, a6);
    }
    long r = syscall(nr, a1, a2, a3, a4, a5, a6);
    return r == -1 ? -errno : r;
}

/* ------------------------------------------------------- host dispositions */

struct ksigaction {                 /* the x86-64 kernel's struct sigaction */
    void *handler;
    unsigned long flags;
    void *restorer;
    uint64_t mask;
};
#define K_SA_RESTORER 0x04000000ul

static void *host_restorer;         /* glibc's __restore_rt, read back from the kernel */
static int host_mode[RT_NSIG];      /* RT_SIG_* per host signal, as the engine set it */

static long raw_sigaction(int sig, const struct ksigaction *act, struct ksigaction *old)
{
    long r = syscall(SYS_rt_sigaction, sig, act, old, 8);
    return r == -1 ? -errno : r;
}

static void async_handler(int sig, siginfo_t *si, void *uc_)
{
    ucontext_t *uc = uc_;
    int saved_errno = errno;
    sigq_push(si);
    CPUHeader *env = cur_env;
    if (env)
        __atomic_store_n(&env->exit_request, 1, __ATOMIC_RELEASE);
    greg_t *rip = &uc->uc_mcontext.gregs[REG_RIP];
    if ((uintptr_t)*rip >= (uintptr_t)rt_safe_syscall_start
        && (uintptr_t)*rip < (uintptr_t)rt_safe_syscall_end)
        *rip = (greg_t)(uintptr_t)rt_safe_syscall_restart;
    errno = saved_errno;
}

/* ---------------------------------------------------------- fault handler */

static struct sigaction old_segv, old_bus;

static inline int in_code_buffer(uintptr_t pc)
{
    return pc >= (uintptr_t)code_buf && pc < (uintptr_t)code_next;
}

static TB *tb_of_host_pc(uintptr_t pc)
{
    for (TB *tb = tb_all; tb; tb = tb->all_next)
        if (pc >= (uintptr_t)tb->tc && pc < (uintptr_t)tb->tc + tb->tc_size)
            return tb;
    return NULL;
}

static int host_prot_of_page(uint64_t p)
{
    uint8_t g = page_table ? page_table[p] : 0;
    if (!(g & GPAGE_VALID))
        return PROT_NONE;
    return (g & GPROT_READ ? PROT_READ : 0) | (g & GPROT_WRITE ? PROT_WRITE : 0);
}

/* give page p its guest protection back and forget the blocks on it */
static void unprotect_page(uint64_t p)
{
    if (!code_prot || !code_prot[p])
        return;
    code_prot[p] = 0;
    code_prot_pages--;
    mprotect(guest_base + (p << GPAGE_SHIFT), GPAGE_SIZE, host_prot_of_page(p));
    tb_invalidate_range(p << GPAGE_SHIFT, (p + 1) << GPAGE_SHIFT);
}

/* the guest MXCSR, if the block had loaded it, back to its env slot */
static void save_guest_fp(CPUHeader *env, ucontext_t *uc)
{
    if (fp_frame_off < 0 || !uc->uc_mcontext.fpregs)
        return;
    uint8_t *frame = (uint8_t *)(uintptr_t)uc->uc_mcontext.gregs[REG_RSP] + fp_frame_off;
    uint32_t slot = *(uint32_t *)(frame + 4);
    if (slot)
        *(uint32_t *)((uint8_t *)env + slot) = uc->uc_mcontext.fpregs->mxcsr ^ fp_mxcsr_xor;
}

static uint64_t stale_prot_page = ~0ull;

static void fault_handler(int sig, siginfo_t *si, void *uc_)
{
    ucontext_t *uc = uc_;
    CPUHeader *env = cur_env;
    uintptr_t addr = (uintptr_t)si->si_addr;
    uintptr_t host_pc = uc->uc_mcontext.gregs[REG_RIP];

    if (si->si_code <= 0) {
        /* sent by kill/tgkill/sigqueue: an asynchronous signal */
        if (host_mode[sig] != RT_SIG_IGN)
            async_handler(sig, si, uc_);
        return;
    }
    if (addr >= (uintptr_t)guest_base && addr < (uintptr_t)guest_base + guest_size + 0x10000) {
        uint64_t g = addr - (uintptr_t)guest_base;
        int write = (uc->uc_mcontext.gregs[REG_ERR] & 2) != 0;
        uint64_t p = g >> GPAGE_SHIFT;
        if (sig == SIGSEGV && write && code_prot && g < guest_size && code_prot[p]) {
            /* a write to a page holding translated code: forget that code */
            unprotect_page(p);
            if (env && env->running && in_code_buffer(host_pc)) {
                TB *tb = tb_of_host_pc(host_pc);
                if (tb && tb->invalid && !(tb->cflags & TB_CF_SINGLE)) {
                    /* the running block itself is gone: redo this insn alone */
                    env->exc_arg = g;
                    env->host_pc = host_pc;
                    env->exception = EXCP_SMC;
                    save_guest_fp(env, uc);
                    siglongjmp(cur_jmp, 1);
                }
            }
            return;                         /* retry the write */
        }
        if (sig == SIGSEGV && write && page_table && g < guest_size && p != stale_prot_page
            && (page_table[p] & (GPAGE_VALID | GPROT_WRITE)) == (GPAGE_VALID | GPROT_WRITE)) {
            /* a page the guest may write that the host will not let it: a
               protection of ours that moved with its pages (mremap): undo it
               once, and retry */
            stale_prot_page = p;
            if (mprotect(guest_base + (p << GPAGE_SHIFT), GPAGE_SIZE, host_prot_of_page(p)) == 0)
                return;
        }
        stale_prot_page = ~0ull;
        if (env && env->running) {
            env->exc_arg = g;
            env->host_pc = host_pc;
            env->fault_signo = sig;
            env->fault_code = si->si_code;
            env->exc_arg2 = write;
            env->exception = EXCP_FAULT;
            save_guest_fp(env, uc);
            siglongjmp(cur_jmp, 1);
        }
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
    (void)cur_env;                      /* touch the TLS block outside any handler */
    (void)cur_sigq;
    pthread_atfork(tb_atfork_prepare, tb_atfork_release, tb_atfork_release);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = fault_handler;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGSEGV, &sa, &old_segv) || sigaction(SIGBUS, &sa, &old_bus))
        return -errno;
    struct ksigaction k;
    if (raw_sigaction(SIGSEGV, NULL, &k) == 0)
        host_restorer = k.restorer;
    for (int i = 0; i < RT_NSIG; i++)
        host_mode[i] = RT_SIG_DFL;
    return 0;
}

int rt_sig_set_action(int sig, int mode, unsigned long flags)
{
    if (sig <= 0 || sig >= RT_NSIG || sig == SIGKILL || sig == SIGSTOP)
        return -EINVAL;
    host_mode[sig] = mode;
    if (sig == SIGSEGV || sig == SIGBUS)
        return 0;                           /* the fault handler stays */
    if (!host_restorer)
        return -EINVAL;                     /* rt_install_fault_handler first */
    struct ksigaction k;
    memset(&k, 0, sizeof(k));
    k.handler = mode == RT_SIG_DFL ? (void *)SIG_DFL
              : mode == RT_SIG_IGN ? (void *)SIG_IGN : (void *)async_handler;
    k.flags = (flags & (SA_RESTART | SA_NOCLDSTOP | SA_NOCLDWAIT)) | K_SA_RESTORER;
    if (mode == RT_SIG_CATCH) {
        k.flags |= SA_SIGINFO | SA_ONSTACK;
        k.mask = ~0ull;                     /* one handler at a time */
    }
    k.restorer = host_restorer;
    return (int)raw_sigaction(sig, &k, NULL);
}

int rt_sig_get_action(int sig)
{
    struct ksigaction k;
    if (raw_sigaction(sig, NULL, &k) < 0)
        return -1;
    if (k.handler == (void *)SIG_DFL)
        return 0;
    if (k.handler == (void *)SIG_IGN)
        return 1;
    return 2;
}

void rt_restore_default_signal(int sig)
{
    if (sig == SIGSEGV || sig == SIGBUS || !host_restorer) {
        signal(sig, SIG_DFL);
        return;
    }
    struct ksigaction k;
    memset(&k, 0, sizeof(k));
    k.handler = (void *)SIG_DFL;
    k.flags = K_SA_RESTORER;
    k.restorer = host_restorer;
    raw_sigaction(sig, &k, NULL);
}

/* --------------------------------------------------- self-modifying code */

void rt_set_page_table(uint8_t *pages, uint64_t npages)
{
    page_table = pages;
    page_count = npages;
    if (!code_prot) {
        code_prot = mmap(NULL, npages, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (code_prot == MAP_FAILED)
            code_prot = NULL;
    }
}

int rt_code_protect(uint64_t start, uint64_t end)
{
    int n = 0;
    if (!code_prot || end <= start)
        return 0;
    for (uint64_t p = start >> GPAGE_SHIFT; p <= (end - 1) >> GPAGE_SHIFT && p < page_count; p++) {
        uint8_t g = page_table[p];
        if ((g & (GPAGE_VALID | GPROT_WRITE)) != (GPAGE_VALID | GPROT_WRITE))
            continue;
        /* (again even if marked: a remapping that did not invalidate may
           have given the page its write permission back) */
        if (mprotect(guest_base + (p << GPAGE_SHIFT), GPAGE_SIZE, PROT_READ) == 0
            && !code_prot[p]) {
            code_prot[p] = 1;
            code_prot_pages++;
            n++;
        }
    }
    return n;
}

int rt_code_unprotect(uint64_t start, uint64_t end, int whole_pages_only)
{
    int n = 0;
    if (!code_prot || !code_prot_pages || end <= start)
        return 0;
    uint64_t first = start >> GPAGE_SHIFT, last = (end - 1) >> GPAGE_SHIFT;
    if (whole_pages_only) {
        first = (start + GPAGE_SIZE - 1) >> GPAGE_SHIFT;
        last = (end >> GPAGE_SHIFT) - 1;
        if ((end >> GPAGE_SHIFT) == 0)
            return 0;
    }
    for (uint64_t p = first; p <= last && p < page_count; p++)
        if (code_prot[p]) {
            unprotect_page(p);
            n++;
        }
    return n;
}

uint32_t rt_code_protected_pages(void) { return code_prot_pages; }

int rt_code_unprotect_near(const uint32_t *addrs, int n, uint32_t window)
{
    int k = 0;
    for (int i = 0; i < n && code_prot_pages; i++) {
        uint64_t a = addrs[i];
        k += rt_code_unprotect(a, a + window, 0);
    }
    return k;
}

void rt_set_fp_frame(int32_t off, uint32_t mxcsr_xor)
{
    fp_frame_off = off;
    fp_mxcsr_xor = mxcsr_xor;
}

/* An atomic compare-and-swap on a host word (robust futexes at thread
 * exit): returns the value found there. */
uint32_t rt_atomic_cmpxchg32(uint64_t host_addr, uint32_t old, uint32_t new_)
{
    __atomic_compare_exchange_n((uint32_t *)(uintptr_t)host_addr, &old, new_, 0,
                                __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    return old;
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
