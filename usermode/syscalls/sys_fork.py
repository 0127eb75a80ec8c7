"""Process creation and reaping: fork, vfork, clone without CLONE_VM (a host
fork), wait4, waitid.

The child is a host fork of this very process: guest memory, the code
buffer and the translated blocks are inherited, so the child goes on where
the parent was with r0 = 0.  vfork (and clone with CLONE_VM|CLONE_VFORK, as
glibc's posix_spawn does) is a fork whose parent waits until the child has
exec'd or exited (a close-on-exec pipe tells), which is all vfork promises.
clone with CLONE_VM|CLONE_THREAD|CLONE_SIGHAND (and no CLONE_VFORK) is a
guest thread (usermode/threads.py).  A fork from a multithreaded guest is
taken with the translation and memory locks held, so the child (where only
the calling thread lives on) inherits neither locked by a thread it lacks.

Usage::

    from usermode.syscalls.sys_fork import sys_fork, sys_wait4
    pid = sys_fork(proc)            # 0 in the child, the child's pid in the parent
    sys_wait4(proc, pid, status_addr, 0, 0, 0, 0)
"""
from __future__ import annotations

import errno
import os

from .hostsys import H, HostBuf, SysError, hsys, s32
from .state import state_of
from .structs import HOST_RUSAGE, HOST_SIGINFO_CHLD, rusage_to_guest, siginfo_chld_to_guest

CSIGNAL = 0xFF
CLONE_VM, CLONE_FS, CLONE_FILES, CLONE_SIGHAND = 0x100, 0x200, 0x400, 0x800
CLONE_PIDFD, CLONE_PTRACE, CLONE_VFORK, CLONE_PARENT = 0x1000, 0x2000, 0x4000, 0x8000
CLONE_THREAD, CLONE_NEWNS, CLONE_SYSVSEM, CLONE_SETTLS = 0x10000, 0x20000, 0x40000, 0x80000
CLONE_PARENT_SETTID, CLONE_CHILD_CLEARTID = 0x100000, 0x200000
CLONE_DETACHED, CLONE_UNTRACED, CLONE_CHILD_SETTID = 0x400000, 0x800000, 0x1000000
# flags a host fork honours as is, or that only matter for shared memory
FORK_OK = (CSIGNAL | CLONE_VFORK | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID
           | CLONE_CHILD_SETTID | CLONE_DETACHED | CLONE_UNTRACED | CLONE_PTRACE | CLONE_VM
           | CLONE_SYSVSEM)


def _host_fork(exit_signal: int) -> int:
    import signal       # here: the signal module costs ~2 ms of every start-up
    if exit_signal == signal.SIGCHLD:
        try:
            return os.fork()
        except OSError as e:
            raise SysError(e.errno or errno.EAGAIN)
    r = hsys(H["clone"], exit_signal, 0, 0, 0, 0)   # a plain fork with another exit signal
    if r < 0:
        raise SysError(-r)
    return r


THREAD_NEEDS = CLONE_VM | CLONE_THREAD | CLONE_SIGHAND
THREAD_OK = (THREAD_NEEDS | CLONE_FS | CLONE_FILES | CLONE_SYSVSEM | CLONE_SETTLS
             | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | CLONE_DETACHED)


def _fork_locked(proc, exit_signal: int) -> int:
    """The host fork, with no translation or memory-map change under way in
    another thread (lock order: memory map, then translation, as mremap takes them)."""
    from ..translate.engine import TB_LOCK
    with proc.mem.lock, TB_LOCK:
        return _host_fork(exit_signal)


def do_clone(proc, flags, newsp=0, ptid=0, tls=0, ctid=0) -> int:
    flags &= 0xFFFFFFFF
    if flags & CLONE_VM and not flags & CLONE_VFORK:
        if flags & THREAD_NEEDS != THREAD_NEEDS or flags & ~THREAD_OK:
            return -errno.EINVAL            # only threads share memory here
        from ..threads import clone_thread
        return clone_thread(proc, flags, newsp, ptid, tls, ctid)
    if flags & (CLONE_THREAD | CLONE_SIGHAND | CLONE_FS | CLONE_FILES | CLONE_PARENT
                | CLONE_PIDFD):
        return -errno.EINVAL
    if flags & ~FORK_OK:
        return -errno.EINVAL
    if flags & CLONE_PARENT_SETTID:
        proc.mem.read(ptid, 4)
    vfork = flags & CLONE_VFORK
    rfd = wfd = -1
    if vfork:
        rfd, wfd = os.pipe2(os.O_CLOEXEC)
    try:
        pid = _fork_locked(proc, flags & CSIGNAL)
    except SysError:
        if vfork:
            os.close(rfd)
            os.close(wfd)
        raise
    if pid == 0:                                # the child
        from ..threads import after_fork_child
        after_fork_child(proc)
        if vfork:
            os.close(rfd)                       # wfd closes at exec or exit
        cpu = proc.cpu
        if newsp:
            cpu.set("r", 13, newsp)
        if flags & CLONE_SETTLS:
            cpu.set("tpidruro", tls)
        tid = hsys(H["gettid"])
        proc.tid = tid
        st = state_of(proc)
        if flags & CLONE_CHILD_SETTID:
            proc.mem.write_u32(ctid, tid)
        st.clear_child_tid = ctid if flags & CLONE_CHILD_CLEARTID else 0
        return 0
    if flags & CLONE_PARENT_SETTID:
        proc.mem.write_u32(ptid, pid)
    if vfork:
        os.close(wfd)
        while True:                             # EOF: the child exec'd or exited
            try:
                if not os.read(rfd, 1):
                    break
            except InterruptedError:
                continue
        os.close(rfd)
    return pid


def sys_fork(proc, *_):
    import signal
    return do_clone(proc, signal.SIGCHLD)


def sys_vfork(proc, *_):
    import signal
    return do_clone(proc, CLONE_VFORK | CLONE_VM | signal.SIGCHLD)


def sys_clone(proc, flags, newsp, ptid, tls, ctid, *_):
    """ARM order: flags, newsp, parent_tidptr, tls, child_tidptr."""
    return do_clone(proc, flags, newsp, ptid, tls, ctid)


# ---- waiting ----------------------------------------------------------------------------------
def sys_wait4(proc, pid, status, options, rusage, *_):
    st = HostBuf(4)
    ru = HostBuf(HOST_RUSAGE.size)
    r = hsys(H["wait4"], s32(pid), st.addr, s32(options), ru.addr if rusage else 0)
    if r > 0:                       # as the kernel: the child is reaped, then -EFAULT
        if status:
            proc.mem.write(status, st.bytes())
        if rusage:
            proc.mem.write(rusage, rusage_to_guest(HOST_RUSAGE.unpack(ru.bytes())))
    return r


def sys_waitid(proc, idtype, id_, infop, options, rusage, *_):
    si = HostBuf(HOST_SIGINFO_CHLD.size)
    ru = HostBuf(HOST_RUSAGE.size)
    r = hsys(H["waitid"], s32(idtype), s32(id_), si.addr if infop else 0, s32(options),
             ru.addr if rusage else 0)
    if r >= 0:
        if infop:
            proc.mem.write(infop, siginfo_chld_to_guest(si.bytes()))
        if rusage:
            proc.mem.write(rusage, rusage_to_guest(HOST_RUSAGE.unpack(ru.bytes())))
    return r
