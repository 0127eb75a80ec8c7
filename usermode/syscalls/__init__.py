"""The syscall thunk layer: guest (ARM EABI) syscalls -> host (x86-64) Linux.

The engine calls ``do_syscall(proc)`` when the guest executes SVC: the
number is in r7, arguments in r0..r5; the result (a value, or -errno as the
kernel returns it) is written to r0.  Everything else is data:

  arm_table.py    one row per syscall: number, name, handler, strace spec
  arm_names.py    qemu 7.2's strace names/specs for the numbers not implemented
  structs.py      guest/host structure layouts and conversions
  xlat.py         flag/command translation tables
  strace.py       -strace output in qemu-user's format (strace_tables.py: names,
                  strace_more.py: the irregular process/network/select printers)
  hostsys.py      raw host syscalls, guest pointer -> host pointer checks, -L paths
  state.py        per-process state kept for the guest (signal dispositions, file
                  mappings for /proc/self/maps...)
  sys_*.py        the handlers, one concern per file:
      sys_io        read/write/open/close/seek/dup/pipe/fcntl/ioctl, p{read,write}v
      sys_fs        stat family, access, cwd, mkdir/unlink/rename/link, readlink
      sys_fsattr    chown family, utime family, mknod, linkat/symlinkat, renameat2, sync
      sys_dirent    getdents64 with directory cookies that fit a 32-bit guest
      sys_xfer      sendfile, copy_file_range, splice, tee, fallocate, readahead, fadvise
      sys_fdkind    eventfd, memfd_create, inotify, timerfd
      sys_mem       brk, mmap2, munmap, mprotect, madvise, mremap, msync, mlock, mincore
      sys_fork      fork, vfork, clone (host fork), wait4, waitid
      sys_exec      execve/execveat: ARM programs re-run this translator
      sys_proc      exit, pids, uname, limits, usage, affinity, kill, prctl
      sys_futex     futex, futex_time64, robust lists (released at thread exit)
      sys_ids       uid/gid calls (16- and 32-bit), priorities, personality
      sys_time      clocks, sleeps, gettimeofday, times
      sys_timer     setitimer/getitimer, timer_create family, clock_settime
      sys_poll      poll, ppoll, select, pselect6, epoll
      sys_socket    socket calls and options; sys_sockmsg: sendmsg/recvmsg/mmsg, cmsgs
      sys_procfs    /proc/self/{exe,cmdline,maps,auxv,stat} and /proc/cpuinfo
      sys_signal    signal state (the signals layer delivers)
      sys_arm       the ARM-private calls (cacheflush, set_tls, get_tls)

Unknown numbers return -ENOSYS.  exit/exit_group raise GuestExit(status): the
engine must let it propagate and end the host process with that status.
A bad guest pointer makes a syscall return -EFAULT (GuestFault is caught
here), never crashes the translator.

Usage::

    from usermode.syscalls import do_syscall
    proc.cpu.set("r", 7, 4)            # write
    proc.cpu.set("r", 0, 1); proc.cpu.set("r", 1, buf); proc.cpu.set("r", 2, n)
    do_syscall(proc)
    proc.cpu.get("r", 0)               # bytes written, or -errno & 0xffffffff
"""
from __future__ import annotations

import errno

from ..memory import GuestFault
from .arm_table import SILENT, Row, lookup
from .hostsys import SysError

__all__ = ["do_syscall", "dispatch", "SYSCALLS", "lookup", "Row"]


def __getattr__(name: str):
    """SYSCALLS: arm_table.SYSCALLS, the whole table as Rows, made on first use."""
    if name == "SYSCALLS":
        from .arm_table import SYSCALLS
        return SYSCALLS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def dispatch(proc, nr: int, args) -> int:
    """Run syscall `nr` with the six raw argument words; returns the guest result
    (negative errno on failure).  Prints the -strace line if enabled."""
    row = lookup(nr)
    trace = proc.options.strace and row.args != SILENT
    if trace:
        from . import strace
        if row.args is None:
            strace.emit(f"{strace.line_prefix()}Unknown syscall {nr}\n")
        else:
            call = strace.format_call(proc, row.name, row.args, args)
            strace.emit(strace.line_prefix() + call + ("\n" if row.result == "exit" else ""))
    try:
        ret = row.handler(proc, *args)
    except GuestFault:
        ret = -errno.EFAULT
    except SysError as e:
        ret = -e.errno
    except OSError as e:                  # a Python-level host call failed
        ret = -(e.errno or errno.EIO)
    if trace and row.args is not None:
        strace.emit(strace.format_result(proc, row.result, ret, args) + "\n")
    return ret


def do_syscall(proc) -> None:
    """Entry point for the engine (ARM EABI): r7 = number, r0..r5 = arguments,
    result -> r0.  GuestExit propagates for exit/exit_group."""
    cpu = proc.cpu
    args = tuple(cpu.get("r", i) for i in range(6))
    ret = dispatch(proc, cpu.get("r", 7), args)
    cpu.set("r", 0, ret & 0xFFFFFFFF)
