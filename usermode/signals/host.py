"""Host side of signal delivery: the host dispositions and mask that mirror
the guest's, the runtime's queue of caught host signals, and the runtime set-up
(safe blocking syscalls, page table for self-modifying code, FP frame).

How a guest signal state maps onto the host (the host kernel then makes the
decisions the guest's kernel would: discarding ignored signals, stopping and
continuing, killing with the default action, restarting interrupted system
calls for SA_RESTART handlers, keeping blocked signals pending):

  guest action                         host action
  SIG_IGN                              SIG_IGN
  SIG_DFL, default term/ign/stop/cont  SIG_DFL (the host kernel acts itself)
  SIG_DFL, default core                caught (pyqemu prints qemu's line, dies)
  a handler                            caught, with SA_RESTART etc. mirrored

  guest mask                           host mask, minus HOST_NEVER_BLOCKED

Usage::

    from usermode.signals import host
    host.init_runtime(proc.mem)
    host.set_action(10, handler=0x10400, flags=SA_RESTART)
    host.set_mask(1 << 9)
    for raw in host.drain(): ...          # 128-byte x86-64 siginfo_t each
"""
from __future__ import annotations

TYPE_CHECKING = False           # typing only for annotations: importing it costs start-up time
if TYPE_CHECKING:
    from typing import List

from ..translate import _runtime
from .tables import (CORE, DEFAULT_ACTION, HOST_MIRRORED_FLAGS, HOST_NEVER_BLOCKED,
                     SIG_DFL, SIG_IGN, UNBLOCKABLE_MASK, guest_to_host_mask, sigbit)

ffi, lib = _runtime.ffi, _runtime.lib

RT_SIG_DFL, RT_SIG_IGN, RT_SIG_CATCH = 0, 1, 2
RT_ERESTARTSYS = 512

# x86-64 host syscall numbers used by the signal layer
HNR = {"rt_sigprocmask": 14, "rt_sigpending": 127, "rt_sigtimedwait": 128,
       "rt_sigqueueinfo": 129, "rt_sigsuspend": 130, "pause": 34, "signalfd4": 289,
       "rt_tgsigqueueinfo": 297, "kill": 62, "getpid": 39, "tgkill": 234, "gettid": 186}
H_SIG_BLOCK, H_SIG_UNBLOCK, H_SIG_SETMASK = 0, 1, 2

# host syscalls that may sleep until a signal comes: rt_syscall makes them
# "safe" (a signal recorded just before the call restarts the guest's call
# instead of being missed until the call returns)
BLOCKING_HOST_SYSCALLS = (
    0, 1, 2, 7, 16, 17, 18, 19, 20, 23, 34, 35, 40, 42, 43, 44, 45, 46, 47, 61, 65,
    69, 70, 72, 73, 128, 130, 202, 220, 230, 232, 242, 243, 247, 257, 270, 271,
    275, 276, 278, 281, 288, 295, 296, 299, 307, 326, 327, 328, 441,
)

NEVER_BLOCKED_MASK = sum(sigbit(s) for s in HOST_NEVER_BLOCKED)


def init_runtime(mem) -> None:
    """Once per process, before guest code runs."""
    from ..translate.x86 import abi
    nrs = ffi.new("uint16_t[]", list(BLOCKING_HOST_SYSCALLS))
    lib.rt_set_blocking_syscalls(nrs, len(BLOCKING_HOST_SYSCALLS))
    pages = ffi.from_buffer("uint8_t[]", mem.pages)
    mem._rt_page_table = pages              # keep the cffi view alive
    lib.rt_set_page_table(pages, len(mem.pages))
    lib.rt_set_fp_frame(abi.FP_FRAME_OFFSET, abi.MXCSR_DEFAULT)


def mode_for(sig: int, handler: int) -> int:
    if handler == SIG_IGN:
        return RT_SIG_IGN
    if handler == SIG_DFL:
        return RT_SIG_CATCH if DEFAULT_ACTION[sig] == CORE else RT_SIG_DFL
    return RT_SIG_CATCH


def set_action(sig: int, handler: int, flags: int) -> int:
    """Mirror guest action (handler, sa_flags) of `sig` onto the host."""
    return int(lib.rt_sig_set_action(sig, mode_for(sig, handler), flags & HOST_MIRRORED_FLAGS))


def disposition(sig: int) -> int:
    """The host's current disposition: 0 SIG_DFL, 1 SIG_IGN, 2 a handler (-1: none)."""
    return int(lib.rt_sig_get_action(sig))


def host_mask_for(guest_mask: int) -> int:
    return guest_to_host_mask(guest_mask) & ~NEVER_BLOCKED_MASK & ~UNBLOCKABLE_MASK


def _sigprocmask(how: int, mask) -> int:
    new = ffi.new("uint64_t[1]", [mask]) if mask is not None else ffi.NULL
    old = ffi.new("uint64_t[1]")
    r = lib.rt_syscall(HNR["rt_sigprocmask"], how, int(ffi.cast("uintptr_t", new)),
                       int(ffi.cast("uintptr_t", old)), 8, 0, 0)
    if r < 0:
        raise OSError(-r, "rt_sigprocmask")
    return int(old[0])


def get_mask() -> int:
    return _sigprocmask(H_SIG_BLOCK, None)


def set_mask(mask: int) -> int:
    """Set the host thread's blocked mask; returns the old one."""
    return _sigprocmask(H_SIG_SETMASK, mask)


def unblock(sig: int) -> None:
    _sigprocmask(H_SIG_UNBLOCK, sigbit(sig))


def pending() -> int:
    buf = ffi.new("uint64_t[1]")
    r = lib.rt_syscall(HNR["rt_sigpending"], int(ffi.cast("uintptr_t", buf)), 8, 0, 0, 0, 0)
    return int(buf[0]) if r == 0 else 0


_DRAIN_N = 64
_drain_buf = None


def drain() -> List[bytes]:
    """The host signals caught since the last call, oldest first."""
    global _drain_buf
    if _drain_buf is None:
        _drain_buf = ffi.new("uint8_t[]", 128 * _DRAIN_N)
    out = []
    while True:
        n = lib.rt_sig_drain(_drain_buf, _DRAIN_N)
        raw = ffi.buffer(_drain_buf, 128 * n)[:]
        out.extend(raw[128 * i:128 * (i + 1)] for i in range(n))
        if n < _DRAIN_N:
            return out
