"""Signal-state syscalls, recorded but not acted on (signal delivery is a later
layer): rt_sigaction, rt_sigprocmask, sigaltstack.  Nothing is installed on
the host; the values live in usermode.syscalls.state.

Usage::

    from usermode.syscalls.sys_signal import sys_rt_sigaction
    sys_rt_sigaction(proc, 2, act_addr, oldact_addr, 8, 0, 0)     # -> 0
"""
from __future__ import annotations

import errno

from .state import SS_DISABLE, state_of
from .structs import SIGACTION32, STACK32

NSIG = 64
SIGKILL, SIGSTOP = 9, 19
SIG_BLOCK, SIG_UNBLOCK, SIG_SETMASK = 0, 1, 2
UNBLOCKABLE = (1 << (SIGKILL - 1)) | (1 << (SIGSTOP - 1))
MINSIGSTKSZ = 2048
SS_ONSTACK = 1


def sys_rt_sigaction(proc, sig, act, oact, sigsetsize, *_):
    if sigsetsize != 8 or not 1 <= sig <= NSIG:
        return -errno.EINVAL
    if act and sig in (SIGKILL, SIGSTOP):
        return -errno.EINVAL
    st = state_of(proc)
    new = proc.mem.read(act, SIGACTION32.size) if act else None
    if oact:
        proc.mem.write(oact, st.sigactions.get(sig, bytes(SIGACTION32.size)))
    if new is not None:
        st.sigactions[sig] = new
    return 0


def sys_rt_sigprocmask(proc, how, set_, oset, sigsetsize, *_):
    if sigsetsize != 8:
        return -errno.EINVAL
    st = state_of(proc)
    new = None
    if set_:
        if how not in (SIG_BLOCK, SIG_UNBLOCK, SIG_SETMASK):
            return -errno.EINVAL
        new = int.from_bytes(proc.mem.read(set_, 8), "little")
    if oset:
        proc.mem.write(oset, st.sigmask.to_bytes(8, "little"))
    if new is not None:
        if how == SIG_BLOCK:
            st.sigmask |= new
        elif how == SIG_UNBLOCK:
            st.sigmask &= ~new
        else:
            st.sigmask = new
        st.sigmask &= ~UNBLOCKABLE & ((1 << 64) - 1)
    return 0


def sys_sigaltstack(proc, ss, oss, *_):
    st = state_of(proc)
    new = None
    if ss:
        d = STACK32.unpack(proc.mem.read(ss, STACK32.size))
        if d["ss_flags"] & ~(SS_DISABLE | SS_ONSTACK):
            return -errno.EINVAL
        if d["ss_flags"] & SS_DISABLE:
            new = None
        elif d["ss_size"] < MINSIGSTKSZ:
            return -errno.ENOMEM
        else:
            new = (d["ss_sp"], 0, d["ss_size"])
    if oss:
        cur = st.altstack or (0, SS_DISABLE, 0)
        proc.mem.write(oss, STACK32.pack(ss_sp=cur[0], ss_flags=cur[1], ss_size=cur[2]))
    if ss:
        st.altstack = new
    return 0
