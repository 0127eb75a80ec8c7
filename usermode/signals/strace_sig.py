"""-strace lines for signals, in qemu-user 7.2's format:

    --- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_TKILL, si_pid=20721, si_uid=0} ---
    --- SIGSEGV {si_signo=SIGSEGV, si_code=1, si_addr=NULL} ---

printed as a signal is taken, and what qemu prints as the result of
sigreturn / rt_sigreturn.  The union part shown follows qemu's guess from
si_code and the signal (linux-user/signal.c host_to_target_siginfo_noswap):
kill-like codes show pid/uid, SIGCHLD its child fields, SIGIO band/fd,
anything else the sigqueue fields; faults raised by guest code show si_addr.

Usage::

    from usermode.signals.strace_sig import taken_line
    taken_line(proc, 11, info, fault=True)   # -> "--- SIGSEGV {...} ---\\n"
"""
from __future__ import annotations

import struct

from .siginfo import GUEST_UNION

# generic si_code names qemu prints (others as numbers)
SI_CODE_NAMES = {0: "SI_USER", 0x80: "SI_KERNEL", -1: "SI_QUEUE", -2: "SI_TIMER",
                 -3: "SI_MESGQ", -4: "SI_ASYNCIO", -5: "SI_SIGIO", -6: "SI_TKILL"}
KILL_CODES = (0, -6, 0x80)                 # SI_USER, SI_TKILL, SI_KERNEL
SIGCHLD, SIGIO = 17, 29
SIGRETURN_RESULT = " = -1 errno=513 (Successful exit from sigreturn)"


def _union(info: bytes, fmt: str):
    return struct.unpack_from("<" + fmt, info, GUEST_UNION)


def taken_line(proc, sig: int, info: bytes, fault: bool = False) -> str:
    from ..syscalls.strace import fmt_signal
    signo, _, code = struct.unpack_from("<iii", info)
    text = f"{{si_signo={fmt_signal(proc, signo)}, si_code={SI_CODE_NAMES.get(code, code)}"
    if fault:
        addr = _union(info, "I")[0]
        text += ", si_addr=" + ("NULL" if addr == 0 else f"0x{addr:x}")
    elif code in KILL_CODES:
        text += ", si_pid=%u, si_uid=%u" % _union(info, "II")
    elif sig == SIGCHLD:
        text += ", si_pid=%u, si_uid=%u, si_status=%d, si_utime=%d, si_stime=%d" % \
            _union(info, "IIiii")
    elif sig == SIGIO:
        text += ", si_band=%d, si_fd=%d" % _union(info, "ii")
    else:
        text += ", si_pid=%u, si_uid=%u, si_sigval=%d" % _union(info, "IIi")
    return f"--- {fmt_signal(proc, sig)} {text}}} ---\n"


def emit_taken(proc, sig: int, info: bytes, fault: bool = False) -> None:
    from ..syscalls.strace import emit
    emit(taken_line(proc, sig, info, fault))


def result_sigreturn(proc, ret, args) -> str:
    return SIGRETURN_RESULT
