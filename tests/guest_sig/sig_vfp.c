/* The VFP block of the signal frame: a handler finds the magic and size in
 * uc_regspace, the D registers and FPSCR (rounding mode, cumulative flags) of
 * the interrupted code, edits a D register there, and whatever FP work it
 * does itself (other rounding mode, new exception flags, clobbered
 * registers) is gone after sigreturn.  Also a handler in Thumb state called
 * from ARM code and back (and the other way round in the Thumb build). */
#include "sigcheck.h"
#include <fenv.h>
#include <ucontext.h>

#ifdef __thumb__
#define FUNC(name) \
    ".thumb\n.thumb_func\n.global " #name "\n.type " #name ", %function\n" #name ":\n"
#define INSN_SIZE 2
#else
#define FUNC(name) ".arm\n.global " #name "\n.type " #name ", %function\n" #name ":\n"
#define INSN_SIZE 4
#endif
/* void vfp_fn(uint32_t *bad, uint64_t out[3]):
   d0 = 1.0, d1 = 2.0, FPSCR.RMode = towards zero, d2 = 1/3 (inexact);
   fault (the handler skips the load and sets the frame's d1 to 5.0);
   out[0] = d0 + d1, out[1] = 1/3 again (rounded towards zero), out[2] = FPSCR */
__asm__(".text\n.syntax unified\n.fpu vfpv3-d16\n.p2align 2\n"
        FUNC(vfp_fn)
        "push {r4, lr}\n"
        "vmrs r4, fpscr\n"
        "orr r3, r4, #0x00c00000\n"
        "bic r3, r3, #0x1f\n"
        "vmsr fpscr, r3\n"
        "vmov.f64 d0, #1.0\n"
        "vmov.f64 d1, #2.0\n"
        "vmov.f64 d3, #3.0\n"
        "vdiv.f64 d2, d0, d3\n"
        ".global vfp_insn\nvfp_insn:\n"
        "ldr r2, [r0]\n"
        "vadd.f64 d4, d0, d1\n"
        "vstr d4, [r1]\n"
        "vdiv.f64 d5, d0, d3\n"
        "vstr d5, [r1, #8]\n"
        "vmrs r3, fpscr\n"
        "str r3, [r1, #16]\n"
        "vmsr fpscr, r4\n"
        "pop {r4, pc}\n");

void vfp_fn(uint32_t *bad, uint64_t out[3]);
extern char vfp_insn[];

static volatile uint32_t magic, size, frame_fpscr;
static volatile uint64_t frame_d0, frame_d1, frame_d2;
static volatile double junk;

static uint64_t bits(double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    return u;
}

static void on_segv(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    (void)sig, (void)si;
    uint32_t *rs = (uint32_t *)uc->uc_regspace;
    magic = rs[0];
    size = rs[1];
    uint64_t *d = (uint64_t *)(rs + 2);
    frame_d0 = d[0], frame_d1 = d[1], frame_d2 = d[2];
    frame_fpscr = rs[2 + 64];
    d[1] = bits(5.0);                       /* the interrupted code sees 5.0 */
    uc->uc_mcontext.arm_pc += INSN_SIZE;    /* skip the faulting load */
    /* FP work of our own: another rounding mode, divide by zero */
    fesetround(FE_UPWARD);
    volatile double z = 0.0;
    junk = 1.0 / z + 1.0 / 3.0;
}

/* a handler compiled for the other instruction set */
static volatile int other_ran;
#ifdef __thumb__
__attribute__((target("arm")))
#else
__attribute__((target("thumb")))
#endif
static void on_usr1_other(int sig)
{
    other_ran = sig;
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    uint64_t out[3];
    vfp_fn((uint32_t *)0x40, out);
    SAY("vfp frame: magic=%#x size=%u\n", magic, size);
    SAY("frame d0=%#llx d1=%#llx d2_ok=%d\n", (unsigned long long)frame_d0,
        (unsigned long long)frame_d1, frame_d2 == 0x3fd5555555555555ull);
    SAY("frame fpscr: rmode=%u ixc=%u dzc=%u\n", (frame_fpscr >> 22) & 3, (frame_fpscr >> 4) & 1,
        (frame_fpscr >> 1) & 1);
    SAY("after return: d0+d1=%#llx third=%#llx rmode=%u ixc=%u dzc=%u\n",
        (unsigned long long)out[0], (unsigned long long)out[1], (unsigned)(out[2] >> 22) & 3,
        (unsigned)(out[2] >> 4) & 1, (unsigned)(out[2] >> 1) & 1);
    SAY("main rounding after: %s\n", fegetround() == FE_TONEAREST ? "nearest" : "other");

    signal(SIGUSR1, on_usr1_other);
    raise(SIGUSR1);
    SAY("other-ISA handler: ran=%d\n", other_ran);
    return done("sig_vfp");
}
