/*
 * Loads and stores at register + immediate offset (what the code generator
 * folds into one x86 addressing mode, usermode/translate/x86/addrfold.py),
 * including sums that pass 4 GiB: on ARM the address wraps to a low page,
 * unmapped, so the guest gets SIGSEGV with si_addr = the wrapped address.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static sigjmp_buf env;
static volatile uintptr_t fault_addr;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    fault_addr = (uintptr_t)si->si_addr;
    siglongjmp(env, 1);
}

static uint32_t load8(uintptr_t base)        /* ldr r, [base, #8] */
{
    uint32_t v;
    __asm__ volatile("ldr %0, [%1, #8]" : "=r"(v) : "r"(base) : "memory");
    return v;
}

static void store4092(uintptr_t base, uint32_t v)    /* str v, [base, #4092] */
{
    __asm__ volatile("str %0, [%1, #4092]" : : "r"(v), "r"(base) : "memory");
}

static uint32_t loadb255(uintptr_t base)     /* ldrb r, [base, #255] */
{
    uint32_t v;
    __asm__ volatile("ldrb %0, [%1, #255]" : "=r"(v) : "r"(base) : "memory");
    return v;
}

static void try_load(const char *what, uintptr_t base, uint32_t (*f)(uintptr_t))
{
    if (sigsetjmp(env, 1) == 0) {
        uint32_t v = f(base);
        printf("%s(%#lx) = %#x\n", what, (unsigned long)base, v);
    } else {
        printf("%s(%#lx): SIGSEGV at %#lx\n", what, (unsigned long)base,
               (unsigned long)fault_addr);
    }
}

static void try_store(uintptr_t base)
{
    if (sigsetjmp(env, 1) == 0) {
        store4092(base, 0xabcd);
        printf("store4092(%#lx) done\n", (unsigned long)base);
    } else {
        printf("store4092(%#lx): SIGSEGV at %#lx\n", (unsigned long)base,
               (unsigned long)fault_addr);
    }
}

int main(void)
{
    static uint32_t words[2048];
    static unsigned char bytes[512];
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);

    for (int i = 0; i < 2048; i++)
        words[i] = 0x1000u + (uint32_t)i;
    for (int i = 0; i < 512; i++)
        bytes[i] = (unsigned char)(i * 7);
    try_load("load8", (uintptr_t)&words[0], load8);
    try_load("load8", (uintptr_t)&words[100], load8);
    try_load("loadb255", (uintptr_t)&bytes[1], loadb255);
    store4092((uintptr_t)&words[0], 0x5555);
    printf("words[1023] = %#x\n", words[1023]);
    /* sums past 4 GiB wrap to the first page */
    try_load("load8", 0xfffffffcu, load8);
    try_load("load8", 0xfffffff8u, load8);
    try_load("loadb255", 0xffffff80u, loadb255);
    try_store(0xfffff010u);
    /* and just below 4 GiB: the top page is not mapped either */
    try_load("load8", 0xffffeff0u, load8);
    return 0;
}
