"""Guest threads: each guest thread is a host thread running translated code.

clone(CLONE_VM | CLONE_THREAD | ...) (what glibc's pthread_create asks for)
starts a Python ``threading.Thread`` whose engine loop calls the runtime's
``rt_cpu_exec`` with the thread's own CPU state; cffi releases the GIL around
that call, so guest threads run translated code in parallel and share the
one translation cache (engine.py: translation under ``TB_LOCK``).  The guest
thread id is the host thread's own tid, so gettid, tkill, tgkill and the PI
futexes need no translation.

A thread's view of the process is a ``ThreadProc``: its own CPU state, tid,
engine and per-thread syscall state (signal mask, alternate stack, clear-tid
and robust-list pointers); everything else (memory, options, signal
dispositions, file mappings) is the process's, reached through the view.

Ending: ``exit`` ends one thread (its clear-tid word is zeroed and woken with
FUTEX_WAKE, as the kernel does; pthread_join waits on it); when the last
thread ends that way the process exits with that status.  ``exit_group``
ends the process from any thread.

Usage::

    from usermode import threads
    tid = threads.clone_thread(proc, flags, newsp, ptid, tls, ctid)
    threads.thread_exit(proc, status)        # raises ThreadExit or GuestExit
"""
from __future__ import annotations

import os
import sys
import threading
from typing import Dict

from .process import GuestExit

CLONE_SETTLS, CLONE_PARENT_SETTID = 0x80000, 0x100000
CLONE_CHILD_CLEARTID, CLONE_CHILD_SETTID = 0x200000, 0x1000000
FUTEX_WAKE = 1
H_FUTEX, H_GETTID = 202, 186
THREAD_STACK = 1 << 20          # host stack of a guest thread (Python frames + runtime)


class ThreadExit(Exception):
    """Raised by exit in a guest thread that is not the last one."""


class ThreadProc:
    """One guest thread's view of the shared GuestProcess."""

    def __init__(self, shared, cpu):
        self.shared = shared
        self.cpu = cpu
        self.tid = 0
        self.engine = None

    def __getattr__(self, name):
        return getattr(self.shared, name)


def shared_of(proc):
    return getattr(proc, "shared", proc)


class _Registry:
    """The guest threads alive besides the main one."""

    def __init__(self):
        self.cond = threading.Condition()
        self.live: Dict[int, ThreadProc] = {}
        self.starting = 0

    def others_alive(self) -> bool:
        return bool(self.live) or self.starting > 0


_reg = _Registry()


def live_threads() -> int:
    """Guest threads alive besides the main one (tests, fork)."""
    with _reg.cond:
        return len(_reg.live) + _reg.starting


def thread_by_tid(tid: int):
    """The live guest thread with host tid `tid` (not the main one), or None."""
    with _reg.cond:
        return _reg.live.get(tid)


def other_envs(proc):
    """The CPU states of every guest thread but the caller's."""
    shared = shared_of(proc)
    with _reg.cond:
        cpus = [t.cpu for t in _reg.live.values()]
    if not _main_gone:
        cpus.append(shared.cpu)
    return [c.ptr for c in cpus if c is not proc.cpu]


def clone_thread(proc, flags: int, newsp: int, ptid: int, tls: int, ctid: int) -> int:
    """Start a guest thread copying the caller's CPU state (r0 = 0, sp = newsp,
    TPIDRURO = tls); returns its tid."""
    from .syscalls.state import new_thread_state
    shared = shared_of(proc)
    if flags & CLONE_PARENT_SETTID:
        proc.mem.read(ptid, 4)                  # -EFAULT before anything starts
    cpu = shared.layout.new_state()
    cpu.buf[:] = proc.cpu.buf
    env = cpu.ptr
    env.exit_request = 0
    env.running = 0
    env.exception = 0
    cpu.set("r", 0, 0)
    if newsp:
        cpu.set("r", 13, newsp)
    if flags & CLONE_SETTLS:
        cpu.set("tpidruro", tls)
    cpu.set("excl_addr", (1 << 64) - 1)       # monitor open
    child = ThreadProc(shared, cpu)
    new_thread_state(child, proc, ctid if flags & CLONE_CHILD_CLEARTID else 0)
    started = threading.Event()
    parent_engine = proc.engine
    with _reg.cond:
        _reg.starting += 1
    th = threading.Thread(target=_thread_main, name="guest",
                          args=(child, parent_engine, flags, ptid, ctid, started), daemon=True)
    old = threading.stack_size()
    try:
        threading.stack_size(THREAD_STACK)
        th.start()
    except RuntimeError:
        with _reg.cond:
            _reg.starting -= 1
        return -11                              # -EAGAIN
    finally:
        threading.stack_size(old)
    started.wait()
    return child.tid


def _thread_main(child, parent_engine, flags, ptid, ctid, started) -> None:
    from .translate import _runtime
    lib = _runtime.lib
    lib.rt_thread_init()
    child.tid = int(lib.rt_syscall(H_GETTID, 0, 0, 0, 0, 0, 0))
    with _reg.cond:
        _reg.starting -= 1
        _reg.live[child.tid] = child
    # both tid words are written before either thread runs guest code again
    # (glibc passes the same word as ptid and ctid: the child's exit zeroes it)
    for flag, addr in ((CLONE_PARENT_SETTID, ptid), (CLONE_CHILD_SETTID, ctid)):
        if flags & flag:
            try:
                child.mem.write_u32(addr, child.tid)
            except Exception:
                pass
    started.set()
    engine = parent_engine.for_thread(child)
    status = 0
    try:
        engine.run_thread()
    except ThreadExit:
        pass
    except GuestExit as e:                      # exit_group, or the last thread's exit
        exit_process(e.status)
    except BaseException:
        import traceback
        traceback.print_exc()
        exit_process(1)
    _finish(child, status)


def _clear_tid(proc) -> None:
    """CLONE_CHILD_CLEARTID / set_tid_address: *ctid = 0, FUTEX_WAKE it."""
    from .syscalls.state import state_of
    from .translate import _runtime
    st = state_of(proc)
    addr, st.clear_child_tid = st.clear_child_tid, 0
    if not addr:
        return
    try:
        proc.mem.write_u32(addr, 0)
    except Exception:
        return
    _runtime.lib.rt_syscall(H_FUTEX, proc.mem.g2h(addr), FUTEX_WAKE, 1, 0, 0, 0)


def _finish(child, status: int) -> None:
    from .syscalls.sys_futex import exit_robust_list
    from .translate import _runtime
    _runtime.lib.rt_thread_exit()
    exit_robust_list(child)
    _clear_tid(child)
    with _reg.cond:
        _reg.live.pop(child.tid, None)
        _reg.cond.notify_all()


def thread_exit(proc, status: int) -> None:
    """The exit system call: end the calling thread only."""
    status &= 0xFF
    if isinstance(proc, ThreadProc):
        with _reg.cond:
            last = len(_reg.live) <= 1 and _reg.starting == 0 and _main_gone
        if last:
            _clear_tid(proc)
            raise GuestExit(status)
        raise ThreadExit()
    # the main thread: the process lives on while other threads do
    with _reg.cond:
        others = _reg.others_alive()
    if not others:
        raise GuestExit(status)
    _main_exits(proc, status)


_main_gone = False


def _main_exits(proc, status: int) -> None:
    global _main_gone
    from .syscalls.sys_futex import exit_robust_list
    from .translate import _runtime
    _runtime.lib.rt_thread_exit()
    exit_robust_list(proc)
    _clear_tid(proc)
    with _reg.cond:
        _main_gone = True
        while _reg.others_alive():
            _reg.cond.wait()
    raise GuestExit(status)


def exit_process(status: int) -> None:
    """exit_group from a thread that is not the main one: end everything now."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:
        pass
    os._exit(status & 0xFF)


def after_fork_child(proc) -> None:
    """fork in a multithreaded guest: only the calling thread lives on in the
    child (the host kernel copied only it)."""
    global _main_gone, _reg
    from .translate import _runtime
    _reg = _Registry()
    if isinstance(proc, ThreadProc):
        # the thread that forked is the child's only one (with a new tid)
        proc.tid = int(_runtime.lib.rt_syscall(H_GETTID, 0, 0, 0, 0, 0, 0))
        _reg.live[proc.tid] = proc
        _main_gone = True
