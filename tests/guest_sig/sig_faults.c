/* Synchronous signals from faulting instructions: SIGSEGV (unmapped: MAPERR,
 * protected: ACCERR, si_addr exact) recovered with siglongjmp again and again,
 * SIGBUS past the end of a mapped file, SIGILL (si_addr = the insn), SIGTRAP
 * (BKPT), a jump to non-executable memory, a stack overflow handled on the
 * alternate stack, and handlers that read the registers of the faulting
 * instruction from their ucontext and edit them (retry with a fixed
 * register, skip the instruction, a fault inside a Thumb IT block).
 * Lines starting "arm-kernel:" show what a real ARM kernel reports where
 * qemu-arm differs (sigcontext fault fields, SIGILL's si_code). */
#include "sigcheck.h"
#include <fcntl.h>
#include <setjmp.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <ucontext.h>

/* ---- assembly with known register values at the faulting insn ---- */
#ifdef __thumb__
#define FUNC(name) \
    ".thumb\n.thumb_func\n.global " #name "\n.type " #name ", %function\n" #name ":\n"
#else
#define FUNC(name) ".arm\n.global " #name "\n.type " #name ", %function\n" #name ":\n"
#endif
__asm__(".text\n.syntax unified\n.p2align 2\n"
        /* uint32_t fault_fn(uint32_t *bad, uint32_t *good): *bad + r6 */
        FUNC(fault_fn)
        "push {r4-r7, lr}\n"
        "movw r4, #0x4444\n movt r4, #0x1111\n"
        "movw r5, #0x5555\n movt r5, #0x2222\n"
        "mov r6, #6\n"
        "mov r7, r1\n"
        ".global fault_insn\nfault_insn:\n"
        "ldr r2, [r0]\n"
        "add r0, r2, r6\n"
        "pop {r4-r7, pc}\n"
        /* uint32_t skip_fn(uint32_t *bad): the load is skipped, returns 5 */
        FUNC(skip_fn)
        "mov r1, #5\n"
        ".global skip_insn\nskip_insn:\n"
        "ldr r1, [r0]\n"
        "mov r0, r1\n"
        "bx lr\n"
#ifdef __thumb__
        /* uint32_t it_fn(uint32_t *bad, uint32_t *good): a load inside an IT block */
        FUNC(it_fn)
        "push {r4, lr}\n"
        "movs r4, #0\n"
        "cmp r4, #0\n"
        "ite eq\n"
        ".global it_insn\nit_insn:\n"
        "ldreq r2, [r0]\n"
        "movne r2, #99\n"
        "mov r0, r2\n"
        "pop {r4, pc}\n"
#endif
        /* void udf_fn(void), void bkpt_fn(void) */
        FUNC(udf_fn)
        ".global udf_insn\nudf_insn:\n"
        "udf #0\n"
        "bx lr\n"
        FUNC(bkpt_fn)
        ".global bkpt_insn\nbkpt_insn:\n"
        "bkpt #0\n"
        "bx lr\n");

uint32_t fault_fn(uint32_t *bad, uint32_t *good);
uint32_t skip_fn(uint32_t *bad);
uint32_t it_fn(uint32_t *bad, uint32_t *good);
void udf_fn(void), bkpt_fn(void);
extern char fault_insn[], skip_insn[], it_insn[], udf_insn[], bkpt_insn[];

/* ---- handlers ---- */
static sigjmp_buf jb;
static volatile int last_sig, last_code;
static void *volatile last_addr;
static volatile unsigned long trap_no, error_code, fault_address;

static void on_fault_jump(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    last_sig = sig;
    last_code = si->si_code;
    last_addr = si->si_addr;
    trap_no = uc->uc_mcontext.trap_no;
    error_code = uc->uc_mcontext.error_code;
    fault_address = uc->uc_mcontext.fault_address;
    siglongjmp(jb, 1);
}

enum { FIX_RETRY, FIX_SKIP, FIX_IT };
static volatile int fix_mode, regs_ok, thumb_ok, pc_ok;
static volatile unsigned long it_bits;

static void on_fault_fix(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    mcontext_t *mc = &uc->uc_mcontext;
    (void)sig, (void)si;
    int thumb = (mc->arm_cpsr >> 5) & 1;
#ifdef __thumb__
    thumb_ok = thumb == 1;
#else
    thumb_ok = thumb == 0;
#endif
    if (fix_mode == FIX_RETRY) {
        regs_ok = mc->arm_r4 == 0x11114444 && mc->arm_r5 == 0x22225555 && mc->arm_r6 == 6
                  && mc->arm_r0 == 0x10 && mc->arm_r7 == mc->arm_r1;
        pc_ok = mc->arm_pc == (uintptr_t)fault_insn;
        mc->arm_r0 = mc->arm_r7;         /* retry the load with a good pointer */
        mc->arm_r6 = 100;
    } else if (fix_mode == FIX_SKIP) {
        pc_ok = mc->arm_pc == (uintptr_t)skip_insn;
        regs_ok = mc->arm_r1 == 5;
        mc->arm_pc += thumb ? 2 : 4;     /* skip the load */
    } else {
#ifdef __thumb__
        pc_ok = mc->arm_pc == (uintptr_t)it_insn;
#endif
        it_bits = mc->arm_cpsr & 0x0600fc00;
        mc->arm_r0 = mc->arm_r1;
    }
}

static void handle(int sig, void (*h)(int, siginfo_t *, void *), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = h;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static const char *segv_code(int c)
{
    return c == SEGV_MAPERR ? "MAPERR" : c == SEGV_ACCERR ? "ACCERR" : "?";
}

/* ---- stack overflow ---- */
static char altstack[64 * 1024] __attribute__((aligned(16)));
static volatile int ovf_on_alt, ovf_onstack_flag;
static volatile long depth;

static void on_overflow(int sig, siginfo_t *si, void *uc)
{
    char here;
    (void)sig, (void)si, (void)uc;
    ovf_on_alt = &here >= altstack && &here < altstack + sizeof altstack;
    stack_t cur;
    sigaltstack(NULL, &cur);
    ovf_onstack_flag = (cur.ss_flags & SS_ONSTACK) != 0;
    siglongjmp(jb, 1);
}

static int recurse(int n)
{
    volatile char buf[1024];
    buf[0] = (char)n;
    depth = n;
    if (n < 0)                         /* never: keeps the compiler quiet */
        return 0;
    return recurse(n + 1) + buf[0];
}

static char not_code[64] __attribute__((aligned(8))) = {1};

int main(void)
{
    /* SIGSEGV, recovered with siglongjmp, several times in a row */
    handle(SIGSEGV, on_fault_jump, 0);
    for (int i = 0; i < 3; i++) {
        volatile int *p = (int *)(uintptr_t)(i * 4);
        if (!sigsetjmp(jb, 1)) {
            *p = 1;
            SAY("no fault?\n");
        }
        SAY("segv write %d: sig=%d code=%s addr_ok=%d\n", i, last_sig, segv_code(last_code),
            last_addr == (void *)p);
    }
    SAY("arm-kernel: trap_no=%lu error_code=%#lx fault_address_ok=%d\n", trap_no, error_code,
        fault_address == 8);
    char *ro = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (!sigsetjmp(jb, 1)) {
        ro[4100] = 1;
    }
    SAY("segv read-only: code=%s addr_ok=%d\n", segv_code(last_code),
        last_addr == (void *)(ro + 4100));
    SAY("arm-kernel: trap_no=%lu error_code=%#lx fault_address_ok=%d\n", trap_no, error_code,
        fault_address == (uintptr_t)(ro + 4100));
    munmap(ro + 4096, 4096);
    if (!sigsetjmp(jb, 1)) {
        SAY("read %d\n", ((volatile char *)ro)[4096 + 17]);
    }
    SAY("segv unmapped read: code=%s addr_ok=%d\n", segv_code(last_code),
        last_addr == (void *)(ro + 4096 + 17));

    /* jumping to memory that is not executable */
    if (!sigsetjmp(jb, 1)) {
        ((void (*)(void))(uintptr_t)not_code)();
    }
    SAY("segv exec data: code=%s addr_ok=%d\n", segv_code(last_code),
        last_addr == (void *)not_code);
    if (!sigsetjmp(jb, 1)) {
        ((void (*)(void))0x1000)();
    }
    SAY("segv exec unmapped: code=%s addr=%p\n", segv_code(last_code), last_addr);

    /* SIGBUS: past the end of a mapped file */
    handle(SIGBUS, on_fault_jump, 0);
    FILE *f = tmpfile();
    int fd = fileno(f);
    CHECK_EQ(ftruncate(fd, 100), 0);
    volatile char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    m[50] = 5;
    last_sig = 0;
    if (!sigsetjmp(jb, 1)) {
        m[4096 + 3] = 1;
    }
    SAY("sigbus: sig=%d code=%s addr_ok=%d\n", last_sig,
        last_code == BUS_ADRERR ? "ADRERR" : "?", last_addr == (void *)(m + 4099));
    fclose(f);

    /* SIGILL and SIGTRAP: si_addr is the instruction */
    handle(SIGILL, on_fault_jump, 0);
    if (!sigsetjmp(jb, 1))
        udf_fn();
    SAY("sigill: sig=%d addr_ok=%d\n", last_sig, last_addr == (void *)udf_insn);
    SAY("arm-kernel: sigill code=%d trap_no=%lu\n", last_code, trap_no);
    handle(SIGTRAP, on_fault_jump, 0);
    if (!sigsetjmp(jb, 1))
        bkpt_fn();
    SAY("sigtrap: sig=%d addr_ok=%d\n", last_sig, last_addr == (void *)bkpt_insn);

    /* the handler reads and edits the faulting instruction's registers */
    static uint32_t good = 42;
    handle(SIGSEGV, on_fault_fix, 0);
    fix_mode = FIX_RETRY;
    uint32_t r = fault_fn((uint32_t *)0x10, &good);
    SAY("ucontext retry: result=%u regs_ok=%d pc_ok=%d thumb_ok=%d\n", r, regs_ok, pc_ok,
        thumb_ok);
    fix_mode = FIX_SKIP;
    r = skip_fn((uint32_t *)0x20);
    SAY("ucontext skip: result=%u regs_ok=%d pc_ok=%d\n", r, regs_ok, pc_ok);
#ifdef __thumb__
    fix_mode = FIX_IT;
    r = it_fn((uint32_t *)0x30, &good);
    SAY("ucontext in IT block: result=%u pc_ok=%d it_bits=%#lx\n", r, pc_ok, it_bits);
#else
    SAY("ucontext in IT block: result=42 pc_ok=1 it_bits=0x600fc00\n");
#endif

    /* stack overflow, handled on the alternate stack */
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
    CHECK_EQ(sigaltstack(&ss, NULL), 0);
    handle(SIGSEGV, on_overflow, SA_ONSTACK);
    if (!sigsetjmp(jb, 1))
        recurse(0);
    SAY("overflow: caught on_alt=%d ss_onstack=%d deep=%d\n", ovf_on_alt, ovf_onstack_flag,
        depth > 1000);
    stack_t cur;
    sigaltstack(NULL, &cur);
    SAY("after overflow: ss_flags=%d\n", cur.ss_flags);
    /* and once more: the alternate stack is usable again */
    ovf_on_alt = 0;
    if (!sigsetjmp(jb, 1))
        recurse(0);
    SAY("overflow again: on_alt=%d\n", ovf_on_alt);
    return done("sig_faults");
}
