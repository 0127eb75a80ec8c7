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

TYPE_CHECKING = False           # typing only for annotations: importing it costs start-up time
if TYPE_CHECKING:
    from typing import Dict, Optional

from .._record import Record, WeakKeyTable

SS_DISABLE = 2


_NEW = object()


class SyscallState(Record):
    _fields = ("sigactions", "sigmask", "altstack", "clear_child_tid", "robust_list",
               "file_maps", "exe_abs")

    def __init__(self, sigactions: Dict[int, bytes] = _NEW,   # signo -> ARM sigaction
                 sigmask: int = 0,
                 altstack: Optional[tuple] = None,        # (ss_sp, ss_flags, ss_size) or None
                 clear_child_tid: int = 0,                # set_tid_address
                 robust_list: tuple = (0, 0),             # (head, len)
                 # mmap2's file mappings, for /proc/self/maps: start -> (end, path, offset,
                 # dev, ino)
                 file_maps: Dict[int, tuple] = _NEW,
                 exe_abs: Optional[str] = None):          # the guest program's real path
        self.sigactions = {} if sigactions is _NEW else sigactions
        self.sigmask = sigmask
        self.altstack = altstack
        self.clear_child_tid = clear_child_tid
        self.robust_list = robust_list
        self.file_maps = {} if file_maps is _NEW else file_maps
        self.exe_abs = exe_abs


_states = WeakKeyTable()


def state_of(proc) -> SyscallState:
    st = _states.get(proc)
    if st is None:
        st = _states[proc] = SyscallState()
    return st


def new_thread_state(child, parent, clear_child_tid: int) -> SyscallState:
    """A new thread's state: the process's dispositions and file mappings
    (shared objects), the creating thread's signal mask, its own alternate
    stack (none), clear-tid and robust-list pointers."""
    p = state_of(parent)
    st = _states[child] = SyscallState(sigactions=p.sigactions, sigmask=p.sigmask,
                                       clear_child_tid=clear_child_tid,
                                       file_maps=p.file_maps, exe_abs=p.exe_abs)
    return st


def exe_realpath(proc) -> str:
    """Absolute real path of the guest program, taken before the guest's first
    chdir (proc.exe_path may be relative to the starting directory)."""
    st = state_of(proc)
    if st.exe_abs is None:
        import os
        st.exe_abs = os.path.realpath(proc.exe_path)
    return st.exe_abs


def note_file_map(proc, start: int, end: int, info: tuple) -> None:
    """Record [start, end) as a mapping of a file (info: path, offset, dev, ino)."""
    forget_maps(proc, start, end)
    state_of(proc).file_maps[start] = (end,) + info


def forget_maps(proc, start: int, end: int) -> None:
    """Drop (or trim) file-mapping records overlapping [start, end)."""
    maps = state_of(proc).file_maps
    for s0, (e0, path, off, dev, ino) in list(maps.items()):
        if e0 <= start or s0 >= end:
            continue
        del maps[s0]
        if s0 < start:
            maps[s0] = (start, path, off, dev, ino)
        if e0 > end:
            maps[end] = (e0, path, off + (end - s0), dev, ino)
