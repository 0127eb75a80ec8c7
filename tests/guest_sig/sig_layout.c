/* Offsets and sizes of the structures a signal frame is made of, as the
 * ARM toolchain's headers lay them out (checked against
 * usermode/signals/frame.py and siginfo.py). */
#define _GNU_SOURCE
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <ucontext.h>

#define P(name, value) printf("%s %u\n", name, (unsigned)(value))
int main(void)
{
    P("uc_flags", offsetof(ucontext_t, uc_flags));
    P("uc_link", offsetof(ucontext_t, uc_link));
    P("uc_stack", offsetof(ucontext_t, uc_stack));
    P("uc_mcontext", offsetof(ucontext_t, uc_mcontext));
    P("uc_sigmask", offsetof(ucontext_t, uc_sigmask));
    P("uc_regspace", offsetof(ucontext_t, uc_regspace));
    P("sizeof_ucontext", sizeof(ucontext_t));
    P("sc_trap_no", offsetof(mcontext_t, trap_no));
    P("sc_error_code", offsetof(mcontext_t, error_code));
    P("sc_oldmask", offsetof(mcontext_t, oldmask));
    P("sc_r0", offsetof(mcontext_t, arm_r0));
    P("sc_pc", offsetof(mcontext_t, arm_pc));
    P("sc_cpsr", offsetof(mcontext_t, arm_cpsr));
    P("sc_fault_address", offsetof(mcontext_t, fault_address));
    P("sizeof_siginfo", sizeof(siginfo_t));
    P("si_pid", offsetof(siginfo_t, si_pid));
    P("si_uid", offsetof(siginfo_t, si_uid));
    P("si_status", offsetof(siginfo_t, si_status));
    P("si_utime", offsetof(siginfo_t, si_utime));
    P("si_stime", offsetof(siginfo_t, si_stime));
    P("si_value", offsetof(siginfo_t, si_value));
    P("si_timerid", offsetof(siginfo_t, si_timerid));
    P("si_overrun", offsetof(siginfo_t, si_overrun));
    P("si_addr", offsetof(siginfo_t, si_addr));
    P("si_addr_lsb", offsetof(siginfo_t, si_addr_lsb));
    P("si_band", offsetof(siginfo_t, si_band));
    P("si_fd", offsetof(siginfo_t, si_fd));
    P("si_call_addr", offsetof(siginfo_t, si_call_addr));
    P("si_syscall", offsetof(siginfo_t, si_syscall));
    P("si_arch", offsetof(siginfo_t, si_arch));
    P("sizeof_stack_t", sizeof(stack_t));
    return 0;
}
