"""Per-process state the syscall layer keeps on the guest's behalf.

Signals are not delivered yet: rt_sigaction / rt_sigprocmask / sigaltstack
only record what the guest asked for here, so that a later signal layer can
take it over (``state_of(proc).sigactions`` etc.).

Usage::

    from usermode.syscalls.state import state_of
    st = state_of(proc)
    st.sigactions[2]          # raw 20-byte ARM struct sigaction for SIGINT, or absent
    st.sigmask                # 64-bit blocked-signal mask
"""
from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Dict, Optional

SS_DISABLE = 2


@dataclass
class SyscallState:
    sigactions: Dict[int, bytes] = field(default_factory=dict)   # signo -> ARM sigaction
    sigmask: int = 0
    altstack: Optional[tuple] = None          # (ss_sp, ss_flags, ss_size) or None
    clear_child_tid: int = 0                  # set_tid_address
    robust_list: tuple = (0, 0)               # (head, len)


_states: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def state_of(proc) -> SyscallState:
    st = _states.get(proc)
    if st is None:
        st = _states[proc] = SyscallState()
    return st
