"""Signal system calls: dispositions (rt_sigaction, sigaction), the blocked
mask (rt_sigprocmask, sigprocmask), pending signals (rt_sigpending,
sigpending), waiting (rt_sigsuspend, sigsuspend, pause, rt_sigtimedwait and
its time64 twin), queueing (rt_sigqueueinfo, rt_tgsigqueueinfo), the
alternate stack (sigaltstack), returning from handlers (sigreturn,
rt_sigreturn) and signalfd/signalfd4.  Delivery itself is usermode.signals;
the state lives in usermode.syscalls.state (sigactions, sigmask, altstack).

ARM and x86-64 Linux number signals alike and share the sigset layout, so
masks pass to the host as they are; siginfo_t is converted
(usermode.signals.siginfo).  kill, tkill and tgkill need no conversion.

Usage::

    from usermode.syscalls.sys_signal import sys_rt_sigaction
    sys_rt_sigaction(proc, 2, act_addr, oldact_addr, 8, 0, 0)     # -> 0
"""
from __future__ import annotations

import errno
import struct

from ..signals import host
from ..signals.altstack import do_sigaltstack
from ..signals.deliver import Action, signals_of
from ..signals.frame import restore_frame
from ..signals.siginfo import guest_to_host, host_to_guest, make_guest
from ..signals.tables import (NSIG, SI_KERNEL, SIG_BLOCK, SIG_SETMASK, SIG_UNBLOCK, SIGKILL,
                              SIGSEGV, SIGSTOP, UNBLOCKABLE_MASK, guest_to_host_mask,
                              guest_to_host_sig, host_to_guest_sig)
from .hostsys import HostBuf, s32
from .structs import SIGACTION32, STACK32

SIGSET_SIZE = 8
OLD_SIGACTION_FMT = "<IIII"            # handler, mask (32 bits), flags, restorer
SFD_FLAGS = 0o4000 | 0o2000000         # SFD_NONBLOCK | SFD_CLOEXEC (same on both)
RESTART = -host.RT_ERESTARTSYS


def _valid(sig: int) -> bool:
    return 1 <= sig <= NSIG


# ---- dispositions ------------------------------------------------------------------------
def _do_sigaction(proc, sig, new):
    if not _valid(sig) or (new is not None and sig in (SIGKILL, SIGSTOP)):
        return -errno.EINVAL, None
    sg = signals_of(proc)
    old = sg.action(sig)
    if new is not None:
        sg.set_action(sig, new)
    return 0, old


def sys_rt_sigaction(proc, sig, act, oact, sigsetsize, *_):
    if sigsetsize != SIGSET_SIZE:
        return -errno.EINVAL
    new = Action.unpack(proc.mem.read(act, SIGACTION32.size)) if act else None
    r, old = _do_sigaction(proc, s32(sig), new)
    if r == 0 and oact:
        proc.mem.write(oact, old.pack())
    return r


def sys_sigaction(proc, sig, act, oact, *_):
    new = None
    if act:
        handler, mask, flags, restorer = struct.unpack(OLD_SIGACTION_FMT, proc.mem.read(act, 16))
        new = Action(handler, flags, restorer, mask)
    r, old = _do_sigaction(proc, s32(sig), new)
    if r == 0 and oact:
        proc.mem.write(oact, struct.pack(OLD_SIGACTION_FMT, old.handler, old.mask & 0xFFFFFFFF,
                                         old.flags, old.restorer))
    return r


# ---- blocked mask ------------------------------------------------------------------------
def _change_mask(proc, how, new) -> int:
    sg = signals_of(proc)
    cur = sg.mask
    if how == SIG_BLOCK:
        cur |= new
    elif how == SIG_UNBLOCK:
        cur &= ~new
    elif how == SIG_SETMASK:
        cur = new
    else:
        return -errno.EINVAL
    sg.set_mask(cur)
    return 0


def sys_rt_sigprocmask(proc, how, set_, oset, sigsetsize, *_):
    if sigsetsize != SIGSET_SIZE:
        return -errno.EINVAL
    old = signals_of(proc).mask
    if set_:
        r = _change_mask(proc, how, int.from_bytes(proc.mem.read(set_, 8), "little"))
        if r:
            return r
    if oset:
        proc.mem.write(oset, old.to_bytes(8, "little"))
    return 0


def sys_sigprocmask(proc, how, set_, oset, *_):
    sg = signals_of(proc)
    old = sg.mask
    if set_:
        new = int.from_bytes(proc.mem.read(set_, 4), "little")
        if how == SIG_SETMASK:
            new |= old & ~0xFFFFFFFF                  # only the low word is replaced
        r = _change_mask(proc, how, new)
        if r:
            return r
    if oset:
        proc.mem.write(oset, (old & 0xFFFFFFFF).to_bytes(4, "little"))
    return 0


# ---- pending ------------------------------------------------------------------------------
def _pending(proc) -> int:
    sg = signals_of(proc)
    sg.drain()
    return (sg.pending.bits() | (host.pending() if sg.active else 0)) & sg.mask


def sys_rt_sigpending(proc, set_, sigsetsize, *_):
    if sigsetsize > SIGSET_SIZE:
        return -errno.EINVAL
    proc.mem.write(set_, _pending(proc).to_bytes(8, "little")[:sigsetsize])
    return 0


def sys_sigpending(proc, set_, *_):
    proc.mem.write(set_, (_pending(proc) & 0xFFFFFFFF).to_bytes(4, "little"))
    return 0


# ---- waiting ------------------------------------------------------------------------------
def _wait_for_signal(proc, hnr, *args) -> int:
    """Sleep in host call `hnr` until a signal that does something (a
    handler, or a default action that stops or kills) is deliverable."""
    sg = signals_of(proc)
    env = proc.cpu.ptr
    while True:
        env.exit_request = 0
        sg.drain()
        while True:
            sig = sg.deliverable()
            if not sig or sg.wakes(sig):
                break
            sg.pending.take(sig)                      # ignored meanwhile: gone
        if sig:
            env.exit_request = 1                     # the engine delivers it
            return -errno.EINTR
        r = host.lib.rt_syscall(hnr, *args, *(0,) * (6 - len(args)))
        if r not in (-errno.EINTR, RESTART):
            return r


def _sigsuspend(proc, mask: int) -> int:
    sg = signals_of(proc)
    saved = sg.mask
    sg.set_mask(mask)
    hmask = HostBuf(struct.pack("<Q", host.host_mask_for(sg.mask)))
    r = _wait_for_signal(proc, host.HNR["rt_sigsuspend"], hmask.addr, SIGSET_SIZE)
    if sg.saved_mask is None:
        sg.saved_mask = saved                        # restored after the handler
    return r


def sys_rt_sigsuspend(proc, set_, sigsetsize, *_):
    if sigsetsize != SIGSET_SIZE:
        return -errno.EINVAL
    return _sigsuspend(proc, int.from_bytes(proc.mem.read(set_, 8), "little"))


def sys_sigsuspend(proc, _restart, _oldmask, mask, *_):
    """ARM sigsuspend(restart, oldmask, mask): mask replaces the low word."""
    cur = signals_of(proc).mask
    return _sigsuspend(proc, (cur & ~0xFFFFFFFF) | (mask & 0xFFFFFFFF))


def sys_pause(proc, *_):
    return _wait_for_signal(proc, host.HNR["pause"])


def _sigtimedwait(proc, set_, info, timeout, sigsetsize, ts64: bool) -> int:
    if sigsetsize != SIGSET_SIZE:
        return -errno.EINVAL
    wanted = int.from_bytes(proc.mem.read(set_, 8), "little") & ~UNBLOCKABLE_MASK
    hts = 0
    if timeout:
        if ts64:
            sec, nsec = struct.unpack("<qq", proc.mem.read(timeout, 16))
        else:
            sec, nsec = struct.unpack("<ii", proc.mem.read(timeout, 8))
        if not 0 <= nsec < 1_000_000_000 or sec < 0:
            return -errno.EINVAL
        hts = HostBuf(struct.pack("<qq", sec, nsec))
    sg = signals_of(proc)
    env = proc.cpu.ptr
    hset = HostBuf(struct.pack("<Q", guest_to_host_mask(wanted)))
    hinfo = HostBuf(128)
    while True:
        env.exit_request = 0
        sg.drain()
        sig = sg.pending.next(~wanted)
        if sig:
            gi = sg.pending.take(sig)
            break
        r = host.lib.rt_syscall(host.HNR["rt_sigtimedwait"], hset.addr, hinfo.addr,
                                hts.addr if hts else 0, SIGSET_SIZE, 0, 0)
        if r > 0:
            sig, gi = host_to_guest_sig(r), host_to_guest(hinfo.bytes())
            break
        if r == RESTART:
            continue
        if r == -errno.EINTR:
            sg.drain()                    # caught by our handler instead: wanted?
            if sg.pending.next(~wanted):
                continue
        return r
    if info:
        proc.mem.write(info, gi)
    return sig


def sys_rt_sigtimedwait(proc, set_, info, timeout, sigsetsize, *_):
    return _sigtimedwait(proc, set_, info, timeout, sigsetsize, False)


def sys_rt_sigtimedwait_time64(proc, set_, info, timeout, sigsetsize, *_):
    return _sigtimedwait(proc, set_, info, timeout, sigsetsize, True)


# ---- sending with siginfo ----------------------------------------------------------------------
def sys_rt_sigqueueinfo(proc, tgid, sig, uinfo, *_):
    hi = HostBuf(guest_to_host(proc.mem.read(uinfo, 128)))
    return host.lib.rt_syscall(host.HNR["rt_sigqueueinfo"], s32(tgid),
                               guest_to_host_sig(s32(sig)) if _valid(s32(sig)) else s32(sig),
                               hi.addr, 0, 0, 0)


def sys_rt_tgsigqueueinfo(proc, tgid, tid, sig, uinfo, *_):
    hi = HostBuf(guest_to_host(proc.mem.read(uinfo, 128)))
    return host.lib.rt_syscall(host.HNR["rt_tgsigqueueinfo"], s32(tgid), s32(tid),
                               guest_to_host_sig(s32(sig)) if _valid(s32(sig)) else s32(sig),
                               hi.addr, 0, 0)


# ---- alternate stack, handler return ------------------------------------------------------------
def sys_sigaltstack(proc, ss, oss, *_):
    new = None
    if ss:
        d = STACK32.unpack(proc.mem.read(ss, STACK32.size))
        new = (d["ss_sp"], d["ss_flags"] & 0xFFFFFFFF, d["ss_size"])
    old = do_sigaltstack(proc, new, proc.cpu.get("r", 13))
    if isinstance(old, int):
        return old
    if oss:
        proc.mem.write(oss, STACK32.pack(ss_sp=old[0], ss_flags=s32(old[1]), ss_size=old[2]))
    return 0


def _sigreturn(proc, rt: bool) -> int:
    sg = signals_of(proc)
    sg.no_restart = True
    res = restore_frame(proc, rt)
    sg.sync_host_mask()
    if res is None:
        sg.force(SIGSEGV, make_guest(SIGSEGV, 0, SI_KERNEL))
        return 0
    if res.stack is not None:
        do_sigaltstack(proc, tuple(x & 0xFFFFFFFF for x in res.stack), proc.cpu.get("r", 13))
    return proc.cpu.get("r", 0)


def sys_sigreturn(proc, *_):
    return _sigreturn(proc, False)


def sys_rt_sigreturn(proc, *_):
    return _sigreturn(proc, True)


# ---- signalfd --------------------------------------------------------------------------------
def sys_signalfd4(proc, fd, mask, sizemask, flags, *_):
    if sizemask != SIGSET_SIZE or flags & ~SFD_FLAGS:
        return -errno.EINVAL
    try:
        m = int.from_bytes(proc.mem.read(mask, 8), "little")
    except Exception:
        return -errno.EINVAL
    hm = HostBuf(struct.pack("<Q", guest_to_host_mask(m & ~UNBLOCKABLE_MASK)))
    return host.lib.rt_syscall(host.HNR["signalfd4"], s32(fd), hm.addr, SIGSET_SIZE, flags, 0, 0)


def sys_signalfd(proc, fd, mask, sizemask, *_):
    return sys_signalfd4(proc, fd, mask, sizemask, 0)
