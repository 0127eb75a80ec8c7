"""The ARM EABI syscall table: one row per syscall (data), built into SYSCALLS.

Row fields: number (r7), name, handler(proc, a0..a5) -> result or -errno,
strace argument spec (usermode.syscalls.strace kinds; DEFAULT = qemu's six
signed decimals; None = qemu 7.2 prints "Unknown syscall N"; SILENT = qemu
prints nothing, as for the ARM-private calls), strace result kind.

Numbers are those of arch/arm/tools/syscall.tbl (the cross toolchain's
asm/unistd-eabi.h; checked by the tests).  64-bit arguments arrive in
even/odd register pairs (pread64: r4:r5, ftruncate64: r2:r3).

Usage::

    from usermode.syscalls.arm_table import SYSCALLS, lookup
    row = SYSCALLS[4]            # Row(nr=4, name='write', handler=sys_write, ...)
    lookup(9999)                 # a row with the -ENOSYS handler, spec None
"""
from __future__ import annotations

import errno
from typing import Callable, NamedTuple, Optional

from .arm_names import QEMU_ARM_STRACE
from .strace import DEFAULT
from . import sys_arm as A, sys_fs as F, sys_io as I, sys_mem as M
from . import sys_proc as P, sys_signal as S, sys_time as T

SILENT = "silent"


class Row(NamedTuple):
    nr: int
    name: str
    handler: Callable
    args: object                 # strace spec
    result: Optional[str] = None  # strace result kind


def sys_enosys(proc, *_):
    return -errno.ENOSYS


ROWS = [
    # nr   name                 handler                  strace args                        result
    Row(1, "exit", P.sys_exit, ("d",), "exit"),
    Row(3, "read", I.sys_read, ("d", "x", "d")),
    Row(4, "write", I.sys_write, ("d", "x", "d")),
    Row(5, "open", I.sys_open, "open"),
    Row(6, "close", I.sys_close, ("d",)),
    Row(9, "link", F.sys_link, ("s", "s")),
    Row(10, "unlink", F.sys_unlink, ("s",)),
    Row(12, "chdir", F.sys_chdir, ("s",)),
    Row(15, "chmod", F.sys_chmod, ("s", "mode")),
    Row(19, "lseek", I.sys_lseek, ("d", "d", "whence")),
    Row(20, "getpid", P.sys_getpid, ()),
    Row(24, "getuid", P.sys_getuid, ()),
    Row(33, "access", F.sys_access, ("s", "access")),
    Row(37, "kill", P.sys_kill, ("d", "sig")),
    Row(38, "rename", F.sys_rename, ("s", "s")),
    Row(39, "mkdir", F.sys_mkdir, ("s", "mode")),
    Row(40, "rmdir", F.sys_rmdir, ("s", "")),
    Row(41, "dup", I.sys_dup, ("d",)),
    Row(42, "pipe", I.sys_pipe, DEFAULT),
    Row(43, "times", T.sys_times, DEFAULT),
    Row(45, "brk", M.sys_brk, ("p",), "addr"),
    Row(47, "getgid", P.sys_getgid, ()),
    Row(49, "geteuid", P.sys_geteuid, ()),
    Row(50, "getegid", P.sys_getegid, ()),
    Row(54, "ioctl", I.sys_ioctl, "ioctl", "ioctl"),
    Row(55, "fcntl", I.sys_fcntl64, "fcntl"),
    Row(57, "setpgid", P.sys_setpgid, ("d", "d")),
    Row(60, "umask", F.sys_umask, ("o",)),
    Row(63, "dup2", I.sys_dup2, ("d", "d")),
    Row(64, "getppid", P.sys_getppid, ()),
    Row(65, "getpgrp", P.sys_getpgrp, ()),
    Row(66, "setsid", P.sys_setsid, ()),
    Row(75, "setrlimit", P.sys_setrlimit, DEFAULT),
    Row(77, "getrusage", P.sys_getrusage, DEFAULT),
    Row(78, "gettimeofday", T.sys_gettimeofday, ("p", "p"), "gettimeofday"),
    Row(83, "symlink", F.sys_symlink, ("s", "s")),
    Row(85, "readlink", F.sys_readlink, ("s", "p", "u")),
    Row(91, "munmap", M.sys_munmap, ("p", "d")),
    Row(94, "fchmod", F.sys_fchmod, ("d", "o")),
    Row(116, "sysinfo", P.sys_sysinfo, DEFAULT),
    Row(118, "fsync", I.sys_fsync, ("d",)),
    Row(122, "uname", P.sys_uname, ("P",)),
    Row(125, "mprotect", M.sys_mprotect, ("p", "d", "prot")),
    Row(132, "getpgid", P.sys_getpgid, ("d",)),
    Row(133, "fchdir", F.sys_fchdir, ("d",)),
    Row(140, "_llseek", I.sys_llseek, ("d", "d", "d", "p", "llwhence")),
    Row(145, "readv", I.sys_readv, DEFAULT),
    Row(146, "writev", I.sys_writev, ("d", "P", "x")),
    Row(147, "getsid", P.sys_getsid, ("d",)),
    Row(148, "fdatasync", I.sys_fdatasync, ("d",)),
    Row(158, "sched_yield", P.sys_sched_yield, DEFAULT),
    Row(162, "nanosleep", T.sys_nanosleep, DEFAULT),
    Row(163, "mremap", M.sys_mremap, DEFAULT),
    Row(172, "prctl", P.sys_prctl, DEFAULT),
    Row(174, "rt_sigaction", S.sys_rt_sigaction, ("sig", "p", "p")),
    Row(175, "rt_sigprocmask", S.sys_rt_sigprocmask, ("how", "p", "p")),
    Row(180, "pread64", I.sys_pread64, DEFAULT),
    Row(181, "pwrite64", I.sys_pwrite64, DEFAULT),
    Row(183, "getcwd", F.sys_getcwd, ("P", "d")),
    Row(186, "sigaltstack", S.sys_sigaltstack, ("P", "P")),
    Row(191, "ugetrlimit", P.sys_ugetrlimit, DEFAULT),
    Row(192, "mmap2", M.sys_mmap2, ("p", "d", "prot", "mflags", "d", "x"), "addr"),
    Row(193, "truncate64", I.sys_truncate64, "truncate64"),
    Row(194, "ftruncate64", I.sys_ftruncate64, "ftruncate64"),
    Row(195, "stat64", F.sys_stat64, ("s", "p")),
    Row(196, "lstat64", F.sys_lstat64, ("s", "p")),
    Row(197, "fstat64", F.sys_fstat64, ("d", "p")),
    Row(199, "getuid32", P.sys_getuid32, DEFAULT),
    Row(200, "getgid32", P.sys_getgid32, DEFAULT),
    Row(201, "geteuid32", P.sys_geteuid32, DEFAULT),
    Row(202, "getegid32", P.sys_getegid32, DEFAULT),
    Row(217, "getdents64", I.sys_getdents64, ("d", "p", "d")),
    Row(220, "madvise", M.sys_madvise, ("p", "d", "madv")),
    Row(221, "fcntl64", I.sys_fcntl64, "fcntl"),
    Row(224, "gettid", P.sys_gettid, ()),
    Row(238, "tkill", P.sys_tkill, ("d", "sig")),
    Row(240, "futex", P.sys_futex, "futex"),
    Row(242, "sched_getaffinity", P.sys_sched_getaffinity, DEFAULT),
    Row(248, "exit_group", P.sys_exit_group, ("d",), "exit"),
    Row(256, "set_tid_address", P.sys_set_tid_address, DEFAULT),
    Row(263, "clock_gettime", T.sys_clock_gettime, ("clock", "p"), "timespec"),
    Row(264, "clock_getres", T.sys_clock_getres, ("clock", "p"), "timespec"),
    Row(265, "clock_nanosleep", T.sys_clock_nanosleep,
        ("clock", "d", "timespec", "timespec")),
    Row(266, "statfs64", F.sys_statfs64, ("s", "p")),
    Row(267, "fstatfs64", F.sys_fstatfs64, ("d", "P")),
    Row(268, "tgkill", P.sys_tgkill, ("d", "d", "sig")),
    Row(322, "openat", I.sys_openat, "openat"),
    Row(323, "mkdirat", F.sys_mkdirat, ("at", "s", "mode")),
    Row(327, "fstatat64", F.sys_fstatat64, ("at", "s", "p", "atflags")),
    Row(328, "unlinkat", F.sys_unlinkat, ("at", "s", "unlinkat")),
    Row(329, "renameat", F.sys_renameat, ("at", "s", "at", "s")),
    Row(332, "readlinkat", F.sys_readlinkat, ("at", "s", "p", "u")),
    Row(333, "fchmodat", F.sys_fchmodat, ("at", "s", "mode", "atflags")),
    Row(334, "faccessat", F.sys_faccessat, ("at", "s", "access", "atflags")),
    Row(338, "set_robust_list", P.sys_set_robust_list, DEFAULT),
    Row(358, "dup3", I.sys_dup3, ("d", "d", "d")),
    Row(359, "pipe2", I.sys_pipe2, DEFAULT),
    Row(369, "prlimit64", P.sys_prlimit64, DEFAULT),
    Row(384, "getrandom", P.sys_getrandom, ("P", "d", "d")),
    Row(397, "statx", F.sys_statx, ("at", "s", "statx_flags", "statx_mask", "p")),
    Row(398, "rseq", P.sys_rseq, None),
    Row(403, "clock_gettime64", T.sys_clock_gettime64, ("clock", "p"), "timespec64"),
    Row(406, "clock_getres_time64", T.sys_clock_getres_time64, None),
    Row(407, "clock_nanosleep_time64", T.sys_clock_nanosleep_time64, None),
    Row(422, "futex_time64", P.sys_futex_time64, None),
    Row(439, "faccessat2", F.sys_faccessat2, ("at", "s", "access", "atflags")),
    # ARM-private calls (arch/arm/kernel/traps.c): qemu's strace does not show them
    Row(A.ARM_NR_cacheflush, "cacheflush", A.sys_cacheflush, SILENT),
    Row(A.ARM_NR_set_tls, "set_tls", A.sys_set_tls, SILENT),
    Row(A.ARM_NR_get_tls, "get_tls", A.sys_get_tls, SILENT),
]

SYSCALLS = {row.nr: row for row in ROWS}
assert len(SYSCALLS) == len(ROWS), "duplicate syscall number in ROWS"


def lookup(nr: int) -> Row:
    """The row for `nr`; unimplemented numbers get -ENOSYS with qemu's strace name."""
    row = SYSCALLS.get(nr)
    if row is not None:
        return row
    if A.ARM_NR_BASE < nr <= A.ARM_NR_LAST_PRIVATE:
        return Row(nr, f"arm_private_{nr:#x}", sys_enosys, SILENT)
    known = QEMU_ARM_STRACE.get(nr)
    if known is not None:
        return Row(nr, known[0], sys_enosys, known[1])
    return Row(nr, f"syscall_{nr}", sys_enosys, None)
