"""The alternate signal stack (sigaltstack) as the kernel keeps it per thread:
(ss_sp, ss_flags, ss_size) in usermode.syscalls.state (altstack; None when
disabled), and the kernel's on_sig_stack / sas_ss_flags / do_sigaltstack.

Usage::

    from usermode.signals.altstack import do_sigaltstack, sas_ss_flags, signal_stack_top
    old = do_sigaltstack(proc, (0x30000000, 0, 8192), sp)   # -> (sp, flags, size) or -errno
    signal_stack_top(proc, sp, onstack=True)                # where a frame goes
"""
from __future__ import annotations

import errno
TYPE_CHECKING = False           # typing only for annotations: importing it costs start-up time
if TYPE_CHECKING:
    from typing import Optional, Tuple, Union

from .tables import MINSIGSTKSZ, SS_AUTODISARM, SS_DISABLE, SS_ONSTACK


def state_of(proc):
    """usermode.syscalls.state (imported late: that package imports this one)."""
    from ..syscalls.state import state_of as _state_of
    return _state_of(proc)


SS_FLAG_BITS = SS_AUTODISARM


def _current(proc) -> Tuple[int, int, int]:
    return state_of(proc).altstack or (0, 0, 0)


def on_sig_stack(proc, sp: int) -> bool:
    ss_sp, flags, size = _current(proc)
    if flags & SS_AUTODISARM:
        return False
    return sp > ss_sp and sp - ss_sp <= size


def sas_ss_flags(proc, sp: int) -> int:
    if not _current(proc)[2]:
        return SS_DISABLE
    return SS_ONSTACK if on_sig_stack(proc, sp) else 0


def signal_stack_top(proc, sp: int, onstack: bool) -> int:
    """sigsp(): the top of the alternate stack if the handler wants it and we
    are not already on it, else sp."""
    if onstack and sas_ss_flags(proc, sp) == 0:
        ss_sp, _, size = _current(proc)
        return (ss_sp + size) & 0xFFFFFFFF
    return sp


def saved_altstack(proc, sp: int) -> Tuple[int, int, int]:
    """__save_altstack: the uc_stack of a frame; SS_AUTODISARM then disarms."""
    ss_sp, flags, size = _current(proc)
    saved = (ss_sp, sas_ss_flags(proc, sp) | (flags & SS_FLAG_BITS), size)
    if flags & SS_AUTODISARM:
        state_of(proc).altstack = None
    return saved


def do_sigaltstack(proc, new: Optional[Tuple[int, int, int]], sp: int
                   ) -> Union[int, Tuple[int, int, int]]:
    """kernel do_sigaltstack: returns the old (sp, flags, size) or -errno."""
    st = state_of(proc)
    ss_sp, flags, size = _current(proc)
    old = (ss_sp, sas_ss_flags(proc, sp) | (flags & SS_FLAG_BITS), size)
    if new is not None:
        n_sp, n_flags, n_size = new
        if on_sig_stack(proc, sp):
            return -errno.EPERM
        mode = n_flags & ~SS_FLAG_BITS & 0xFFFFFFFF
        if mode not in (SS_DISABLE, SS_ONSTACK, 0):
            return -errno.EINVAL
        if (ss_sp, flags, size) == (n_sp, n_flags, n_size):
            return old
        if mode == SS_DISABLE:
            st.altstack = None
        elif n_size < MINSIGSTKSZ:
            return -errno.ENOMEM
        else:
            st.altstack = (n_sp, n_flags & 0xFFFFFFFF, n_size)
    return old
