"""Native fast path for system calls that need no conversion (no Python).

A guest system call normally leaves translated code for the Python engine
(usermode/syscalls/).  For the few calls whose arguments and result mean the
same on guest and host -- identity queries (getpid, getppid, gettid, the
uid/gid getters), sched_yield, write -- a front end may instead call the
host kernel from translated code through the runtime's ``rt_syscall`` (which
runs calls the signal code marked blocking as "safe" syscalls: a guest
signal arriving first makes it return -ERESTARTSYS, and the front end then
takes the ordinary path so Python restarts it properly).  Differences from
the Python path: none visible to the guest except that a 1-byte write from
an unreadable guest buffer to a sink that never reads it (/dev/null) succeeds
as on real Linux instead of failing with EFAULT as under qemu-arm.

Off until the engine calls `configure` (the front ends read `enabled()` at
translation time, and the translation cache keys on it): -strace needs every
call in Python.  ``PYQEMU_FASTSYS=0`` keeps it off; ``PYQEMU_FASTSYS=1`` turns
it on before (or without) `configure` -- for tests and measurements only: it
ignores -strace.

Usage (engine, once the options are known)::

    from usermode.translate import fastsys
    fastsys.configure(strace=proc.options.strace)
    fastsys.enabled()           # -> True
    h = fastsys.syscall_helper(4)   # Helper: rt_syscall(nr, a1..a3) -> I64 (-errno on error)
"""
from __future__ import annotations

import os
from .helpers import HF_NO_GLOBALS, Helper
from .ir import I64

ERESTARTSYS = 512               # runtime.c: a safe syscall cut short by a signal
_state = {"enabled": False}
_helpers = {}


def reset() -> None:
    """Back to the start-up state: off, unless PYQEMU_FASTSYS=1 (read here)."""
    _state["enabled"] = False
    _state["forced"] = os.environ.get("PYQEMU_FASTSYS") == "1"


def configure(strace: bool = False) -> None:
    """Turn the fast path on (unless -strace or PYQEMU_FASTSYS=0)."""
    _state["enabled"] = not strace and os.environ.get("PYQEMU_FASTSYS", "1") != "0"


def enabled() -> bool:
    return _state["enabled"] or _state["forced"]


reset()


def syscall_helper(nargs: int) -> Helper:
    """rt_syscall of the native runtime (in its .so: relocatable by the
    translation cache) as a plain helper taking the host number and nargs
    arguments, all I64."""
    h = _helpers.get(nargs)
    if h is None:
        from . import _runtime
        addr = int(_runtime.ffi.cast("uintptr_t", _runtime.ffi.addressof(_runtime.lib,
                                                                          "rt_syscall")))
        h = _helpers[nargs] = Helper("rt_syscall", I64, (I64,) * (1 + nargs), addr=addr,
                                     flags=HF_NO_GLOBALS, pass_env=False)
    return h


def mode() -> int:
    """What translations depend on here (a part of the translation cache's key)."""
    return 1 if enabled() else 0
