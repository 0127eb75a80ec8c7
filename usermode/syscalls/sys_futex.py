"""futex and the robust futex lists.

futex / futex_time64 call the host futex on the host address of the guest
word (guest memory is one host region, so two guest threads waiting on the
same guest word wait on the same host word, and guest tids are host tids,
which the PI operations store in the word).  Only the timeout changes
layout (32-bit or 64-bit guest timespec); for the requeue and WAKE_OP
operations that argument is the integer val2.  A blocking wait goes through
the runtime's safe syscall, with the GIL released by cffi, so other guest
threads run meanwhile and a guest signal interrupts it (-ERESTARTSYS, the
engine restarts the call after the handler).

set_robust_list / get_robust_list keep the guest's list head per thread;
when a thread ends, ``exit_robust_list`` does what the kernel does for it:
every futex on the list still owned by the thread gets FUTEX_OWNER_DIED and
one waiter is woken (pthread robust mutexes then report EOWNERDEAD).

Usage::

    from usermode.syscalls.sys_futex import sys_futex
    sys_futex(proc, uaddr, FUTEX_WAKE, 1, 0, 0, 0)
"""
from __future__ import annotations

import errno

from .hostsys import H, HostBuf, hbuf, hsys, s32
from .state import state_of
from .structs import TIMESPEC32, timespec64_from_guest, timespec_from_guest32

FUTEX_WAIT, FUTEX_WAKE, FUTEX_WAIT_BITSET, FUTEX_LOCK_PI = 0, 1, 9, 6
FUTEX_WAIT_REQUEUE_PI, FUTEX_LOCK_PI2 = 11, 13
FUTEX_TIMEOUT_OPS = {FUTEX_WAIT, FUTEX_WAIT_BITSET, FUTEX_LOCK_PI, FUTEX_WAIT_REQUEUE_PI,
                     FUTEX_LOCK_PI2}
ROBUST_LIST_HEAD_SIZE = 12        # struct robust_list_head on 32-bit ARM
ROBUST_LIST_LIMIT = 2048          # the kernel's bound on a (possibly circular) list
FUTEX_WAITERS, FUTEX_OWNER_DIED, FUTEX_TID_MASK = 0x80000000, 0x40000000, 0x3FFFFFFF


def _futex(proc, uaddr, op, val, timeout, uaddr2, val3, ts64):
    cmd = op & 0x7F
    tmp = None
    if cmd in FUTEX_TIMEOUT_OPS:
        if timeout:
            raw = (timespec64_from_guest(proc.mem.read(timeout, 16)) if ts64
                   else timespec_from_guest32(proc.mem.read(timeout, TIMESPEC32.size)))
            tmp = HostBuf(raw)
        t = tmp.addr if tmp else 0
    else:
        t = timeout                        # val2, an integer for the requeue ops
    return hsys(H["futex"], hbuf(proc, uaddr, 4), op, val, t,
                hbuf(proc, uaddr2, 4) if uaddr2 else 0, val3)


def sys_futex(proc, uaddr, op, val, timeout, uaddr2, val3):
    return _futex(proc, uaddr, op, val, timeout, uaddr2, val3, False)


def sys_futex_time64(proc, uaddr, op, val, timeout, uaddr2, val3):
    return _futex(proc, uaddr, op, val, timeout, uaddr2, val3, True)


def sys_set_robust_list(proc, head, length, *_):
    if length != ROBUST_LIST_HEAD_SIZE:
        return -errno.EINVAL
    state_of(proc).robust_list = (head, length)
    return 0


def sys_get_robust_list(proc, pid, head_ptr, len_ptr, *_):
    from ..threads import thread_by_tid
    pid = s32(pid)
    target = proc if pid == 0 or pid == proc.tid else thread_by_tid(pid)
    if target is None:
        return -errno.ESRCH
    head = state_of(target).robust_list[0]
    proc.mem.write_u32(len_ptr, ROBUST_LIST_HEAD_SIZE)
    proc.mem.write_u32(head_ptr, head)
    return 0


def _futex_death(proc, uaddr: int, tid: int) -> None:
    """The kernel's handle_futex_death for one word the dead thread held."""
    from ..translate import _runtime
    lib = _runtime.lib
    if uaddr & 3 or not proc.mem.check(uaddr, 4, 0):
        return
    host = proc.mem.g2h(uaddr)
    for _ in range(16):
        uval = proc.mem.read_u32(uaddr)
        if uval & FUTEX_TID_MASK != tid:
            return
        new = (uval & FUTEX_WAITERS) | FUTEX_OWNER_DIED
        if int(lib.rt_atomic_cmpxchg32(host, uval, new)) == uval:
            if uval & FUTEX_WAITERS:
                hsys(H["futex"], host, FUTEX_WAKE, 1, 0, 0, 0)
            return


def exit_robust_list(proc) -> None:
    """At thread exit: release the robust futexes it still holds."""
    head, _ = state_of(proc).robust_list
    if not head:
        return
    mem = proc.mem
    try:
        entry, offset, pending = (mem.read_u32(head), s32(mem.read_u32(head + 4)),
                                  mem.read_u32(head + 8))
        n = 0
        while entry & ~1 != head and n < ROBUST_LIST_LIMIT:
            nxt = mem.read_u32(entry & ~1)
            if entry & ~1 != pending & ~1:
                _futex_death(proc, ((entry & ~1) + offset) & 0xFFFFFFFF, proc.tid)
            entry = nxt
            n += 1
        if pending:
            _futex_death(proc, ((pending & ~1) + offset) & 0xFFFFFFFF, proc.tid)
    except Exception:
        return                              # a bad list: the kernel stops there too
