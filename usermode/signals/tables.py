"""Signal facts as data: numbers, names, default actions, the guest<->host
number map, sigaction flags, si_code values, and which signals are
synchronous.  ARM EABI and x86-64 Linux both use the asm-generic numbering,
so the guest<->host map is the identity for 1..64 (pyqemu even takes host
signals 32 and 33, which glibc reserves, so the guest sees all of them, as a
real ARM machine does; qemu-arm 7.2 shifts the real-time signals by two and
loses the last two).

Usage::

    from usermode.signals.tables import DEFAULT_ACTION, TERM, SIGNAL_NAMES
    DEFAULT_ACTION[17]          # -> IGN (SIGCHLD)
    SIGNAL_NAMES[11]            # -> "Segmentation fault"
    guest_to_host_sig(34)       # -> 34
"""
from __future__ import annotations

NSIG = 64                       # signals 1..64
SIGRTMIN_KERNEL = 32

# ---------------------------------------------------------------- numbers
SIGHUP, SIGINT, SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE = range(1, 9)
SIGKILL, SIGUSR1, SIGSEGV, SIGUSR2, SIGPIPE, SIGALRM, SIGTERM, SIGSTKFLT = range(9, 17)
SIGCHLD, SIGCONT, SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU, SIGURG, SIGXCPU = range(17, 25)
SIGXFSZ, SIGVTALRM, SIGPROF, SIGWINCH, SIGIO, SIGPWR, SIGSYS = range(25, 32)

# default actions (kernel/signal.c sig_kernel_*); real-time signals terminate
TERM, CORE, IGN, STOP, CONT = "term", "core", "ign", "stop", "cont"
DEFAULT_ACTION = {
    SIGHUP: TERM, SIGINT: TERM, SIGQUIT: CORE, SIGILL: CORE, SIGTRAP: CORE,
    SIGABRT: CORE, SIGBUS: CORE, SIGFPE: CORE, SIGKILL: TERM, SIGUSR1: TERM,
    SIGSEGV: CORE, SIGUSR2: TERM, SIGPIPE: TERM, SIGALRM: TERM, SIGTERM: TERM,
    SIGSTKFLT: TERM, SIGCHLD: IGN, SIGCONT: CONT, SIGSTOP: STOP, SIGTSTP: STOP,
    SIGTTIN: STOP, SIGTTOU: STOP, SIGURG: IGN, SIGXCPU: CORE, SIGXFSZ: CORE,
    SIGVTALRM: TERM, SIGPROF: TERM, SIGWINCH: IGN, SIGIO: TERM, SIGPWR: TERM,
    SIGSYS: CORE,
    **{s: TERM for s in range(SIGRTMIN_KERNEL, NSIG + 1)},
}

# strsignal() texts, for the "uncaught target signal" line
SIGNAL_NAMES = {
    SIGHUP: "Hangup", SIGINT: "Interrupt", SIGQUIT: "Quit", SIGILL: "Illegal instruction",
    SIGTRAP: "Trace/breakpoint trap", SIGABRT: "Aborted", SIGBUS: "Bus error",
    SIGFPE: "Floating point exception", SIGKILL: "Killed", SIGUSR1: "User defined signal 1",
    SIGSEGV: "Segmentation fault", SIGUSR2: "User defined signal 2", SIGPIPE: "Broken pipe",
    SIGALRM: "Alarm clock", SIGTERM: "Terminated", SIGSTKFLT: "Stack fault",
    SIGCHLD: "Child exited", SIGCONT: "Continued", SIGSTOP: "Stopped (signal)",
    SIGTSTP: "Stopped", SIGTTIN: "Stopped (tty input)", SIGTTOU: "Stopped (tty output)",
    SIGURG: "Urgent I/O condition", SIGXCPU: "CPU time limit exceeded",
    SIGXFSZ: "File size limit exceeded", SIGVTALRM: "Virtual timer expired",
    SIGPROF: "Profiling timer expired", SIGWINCH: "Window changed", SIGIO: "I/O possible",
    SIGPWR: "Power failure", SIGSYS: "Bad system call",
}

# qemu-user prints "uncaught target signal N (name) - core dumped" for these
# (linux-user/signal.c core_dump_signal) before dying by them
CORE_MESSAGE_SIGNALS = frozenset({SIGABRT, SIGFPE, SIGILL, SIGQUIT, SIGSEGV, SIGTRAP, SIGBUS})

# taken first by the kernel's next_signal() (SYNCHRONOUS_MASK)
SYNCHRONOUS = frozenset({SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGSYS})
# never blocked on the host: translated code faults with them, and a blocked
# synchronous host signal would kill the translator outright
HOST_NEVER_BLOCKED = frozenset({SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE})
UNBLOCKABLE = frozenset({SIGKILL, SIGSTOP})
# Python itself sets these to SIG_IGN at start-up, so an inherited "ignored"
# cannot be told from Python's own; they start as SIG_DFL for the guest
PYTHON_IGNORES = frozenset({SIGPIPE, SIGXFSZ})


def sigbit(sig: int) -> int:
    return 1 << (sig - 1)


UNBLOCKABLE_MASK = sigbit(SIGKILL) | sigbit(SIGSTOP)
SYNCHRONOUS_MASK = sum(sigbit(s) for s in SYNCHRONOUS)
ALL_MASK = (1 << NSIG) - 1


# guest signal -> host signal (both asm-generic: the same numbers, 1..64)
GUEST_TO_HOST_SIG = {sig: sig for sig in range(1, NSIG + 1)}
HOST_TO_GUEST_SIG = {h: g for g, h in GUEST_TO_HOST_SIG.items()}
_IDENTITY = all(g == h for g, h in GUEST_TO_HOST_SIG.items())


def guest_to_host_sig(sig: int) -> int:
    """Host signal number of guest signal `sig` (0 if it has none)."""
    return GUEST_TO_HOST_SIG.get(sig, 0)


def host_to_guest_sig(sig: int) -> int:
    return HOST_TO_GUEST_SIG.get(sig, 0)


def _map_mask(mask: int, table) -> int:
    out = 0
    for a, b in table.items():
        if mask >> (a - 1) & 1:
            out |= 1 << (b - 1)
    return out


def guest_to_host_mask(mask: int) -> int:
    if _IDENTITY:
        return mask & ALL_MASK                   # no bit shuffling
    return _map_mask(mask, GUEST_TO_HOST_SIG)


def host_to_guest_mask(mask: int) -> int:
    if _IDENTITY:
        return mask & ALL_MASK
    return _map_mask(mask, HOST_TO_GUEST_SIG)


# ----------------------------------------------------- sigaction (ARM = x86-64)
SIG_DFL, SIG_IGN = 0, 1
SA_NOCLDSTOP, SA_NOCLDWAIT, SA_SIGINFO = 0x1, 0x2, 0x4
SA_UNSUPPORTED, SA_EXPOSE_TAGBITS = 0x400, 0x800
SA_THIRTYTWO, SA_RESTORER, SA_ONSTACK = 0x02000000, 0x04000000, 0x08000000
SA_RESTART, SA_NODEFER, SA_RESETHAND = 0x10000000, 0x40000000, 0x80000000
# what the kernel keeps of sa_flags (UAPI_SA_FLAGS, arm's __ARCH_UAPI_SA_FLAGS)
SA_KEPT = (SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_ONSTACK | SA_RESTART | SA_NODEFER
           | SA_RESETHAND | SA_EXPOSE_TAGBITS | SA_THIRTYTWO | SA_RESTORER)
# mirrored onto the host handler: the host kernel then decides restarts
HOST_MIRRORED_FLAGS = SA_RESTART | SA_NOCLDSTOP | SA_NOCLDWAIT

SIG_BLOCK, SIG_UNBLOCK, SIG_SETMASK = 0, 1, 2

# sigreturn trampolines (arch/arm/kernel/sigreturn_codes.S), for handlers
# installed without SA_RESTORER; kept in the vectors page at 0xffff0500 as
# kernels with KERN_SIGRETURN_CODE did.  idx = thumb << 1, + 3 for SA_SIGINFO
SIGRETURN_CODES = (0xE3A07077, 0xEF900077, 0xDF002777,   # mov r7,#119; swi; Thumb
                   0xE3A070AD, 0xEF9000AD, 0xDF0027AD,   # mov r7,#173; swi; Thumb
                   0)
SIGRETURN_PAGE_ADDR = 0xFFFF0500

# sigaltstack
SS_ONSTACK, SS_DISABLE, SS_AUTODISARM = 1, 2, 1 << 31
MINSIGSTKSZ = 2048

# ------------------------------------------------------------------ si_code
SI_USER, SI_KERNEL, SI_QUEUE, SI_TIMER, SI_MESGQ = 0, 0x80, -1, -2, -3
SI_ASYNCIO, SI_SIGIO, SI_TKILL = -4, -5, -6
ILL_ILLOPC, ILL_ILLOPN = 1, 2
SEGV_MAPERR, SEGV_ACCERR = 1, 2
BUS_ADRALN, BUS_ADRERR, BUS_OBJERR = 1, 2, 3
TRAP_BRKPT = 1

# ------------------------------------------------ ARM fault reporting (thread)
# sigcontext trap_no / error_code as arch/arm sets them: data aborts are
# trap 14 with the FSR (short-descriptor format: WnR is bit 11; translation
# fault, section 0x5; permission fault, page 0xf), undefined instructions
# trap 6 with error_code 0
TRAP_DATA_ABORT, TRAP_UNDEF = 14, 6
FSR_WNR = 1 << 11
FSR_OF_SI_CODE = {SEGV_MAPERR: 0x5, SEGV_ACCERR: 0xF}
