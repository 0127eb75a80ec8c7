"""The ARM EABI syscall table: one row per syscall (data), built into SYSCALLS.

Row fields: number (r7), name, handler(proc, a0..a5) -> result or -errno,
strace argument spec (usermode.syscalls.strace kinds; DEFAULT = qemu's six
signed decimals; None = qemu 7.2 prints "Unknown syscall N"; SILENT = qemu
prints nothing, as for the ARM-private calls), strace result kind.

Numbers are those of arch/arm/tools/syscall.tbl (the cross toolchain's
asm/unistd-eabi.h; checked by the tests).  64-bit arguments arrive in
even/odd register pairs (pread64: r4:r5, ftruncate64: r2:r3).

A row names its handler by module (``I.sys_write``: sys_io.sys_write); the
module is imported when lookup() first returns the row, so a run imports only
the handler modules of the calls it makes.

Usage::

    from usermode.syscalls.arm_table import SYSCALLS, lookup
    row = lookup(4)              # Row(nr=4, name='write', handler=sys_write, ...)
    SYSCALLS[4].name             # 'write'
    lookup(9999)                 # a row with the -ENOSYS handler, spec None
"""
from __future__ import annotations

import errno
TYPE_CHECKING = False           # typing only for annotations: importing it costs start-up time
if TYPE_CHECKING:
    from typing import Callable, Optional

from . import sys_arm as A
from .._record import Record

DEFAULT = "default"             # strace spec: qemu's generic six signed decimals
SILENT = "silent"               # strace spec: qemu prints nothing


class Row(Record):
    """nr, name, handler, args (strace spec), result (strace result kind or None)."""
    __slots__ = _fields = ("nr", "name", "handler", "args", "result")

    def __init__(self, nr: int, name: str, handler, args, result: Optional[str] = None):
        self.nr, self.name, self.handler, self.args, self.result = nr, name, handler, args, result


class _Handler:
    """A handler named by module and function, imported on first use: a run
    imports only the handler modules of the calls it makes (lookup() puts
    the function itself in the row)."""
    __slots__ = ("module", "name")

    def __init__(self, module: str, name: str):
        self.module, self.name = module, name

    def resolve(self) -> Callable:
        return getattr(__import__(f"{__package__}.{self.module}", fromlist=[self.name]), self.name)

    def __call__(self, *args):
        return self.resolve()(*args)


class _Handlers:
    """A handler module of this package: ``I.sys_write`` is a _Handler."""
    __slots__ = ("module",)

    def __init__(self, module: str):
        self.module = module

    def __getattr__(self, name: str) -> _Handler:
        return _Handler(self.module, name)


# the handler modules, by the names the rows use
D, F, I, M = (_Handlers(m) for m in ("sys_dirent", "sys_fs", "sys_io", "sys_mem"))
P, T, X, K = (_Handlers(m) for m in ("sys_proc", "sys_time", "sys_exec", "sys_fdkind"))
FK, FA, ID, PL = (_Handlers(m) for m in ("sys_fork", "sys_fsattr", "sys_ids", "sys_poll"))
SM, SO, TM, XF = (_Handlers(m) for m in ("sys_sockmsg", "sys_socket", "sys_timer", "sys_xfer"))
XA, FX, S = (_Handlers(m) for m in ("sys_xattr", "sys_futex", "sys_signal"))


def sys_enosys(proc, *_):
    return -errno.ENOSYS


ROWS = [
    # nr   name                 handler                  strace args                        result
    Row(1, "exit", P.sys_exit, ("d",), "exit"),
    Row(2, "fork", FK.sys_fork, ()),
    Row(3, "read", I.sys_read, ("d", "x", "d")),
    Row(4, "write", I.sys_write, ("d", "x", "d")),
    Row(5, "open", I.sys_open, "open"),
    Row(6, "close", I.sys_close, ("d",)),
    Row(9, "link", F.sys_link, ("s", "s")),
    Row(10, "unlink", F.sys_unlink, ("s",)),
    Row(11, "execve", X.sys_execve, "execve"),
    Row(12, "chdir", F.sys_chdir, ("s",)),
    Row(14, "mknod", FA.sys_mknod, "mknod"),
    Row(15, "chmod", F.sys_chmod, ("s", "mode")),
    Row(16, "lchown", FA.sys_lchown, ("s", "d", "d")),
    Row(19, "lseek", I.sys_lseek, ("d", "d", "whence")),
    Row(20, "getpid", P.sys_getpid, ()),
    Row(23, "setuid", ID.sys_setuid, DEFAULT),
    Row(24, "getuid", P.sys_getuid, ()),
    Row(29, "pause", S.sys_pause, ()),
    Row(33, "access", F.sys_access, ("s", "access")),
    Row(36, "sync", FA.sys_sync, DEFAULT),
    Row(37, "kill", P.sys_kill, ("d", "sig")),
    Row(38, "rename", F.sys_rename, ("s", "s")),
    Row(39, "mkdir", F.sys_mkdir, ("s", "mode")),
    Row(40, "rmdir", F.sys_rmdir, ("s", "")),
    Row(41, "dup", I.sys_dup, ("d",)),
    Row(42, "pipe", I.sys_pipe, DEFAULT),
    Row(43, "times", T.sys_times, DEFAULT),
    Row(45, "brk", M.sys_brk, ("p",), "addr"),
    Row(46, "setgid", ID.sys_setgid, ("u",)),
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
    Row(67, "sigaction", S.sys_sigaction, DEFAULT),
    Row(70, "setreuid", ID.sys_setreuid, ("u", "u")),
    Row(71, "setregid", ID.sys_setregid, DEFAULT),
    Row(72, "sigsuspend", S.sys_sigsuspend, DEFAULT),
    Row(73, "sigpending", S.sys_sigpending, DEFAULT),
    Row(75, "setrlimit", P.sys_setrlimit, DEFAULT),
    Row(77, "getrusage", P.sys_getrusage, DEFAULT),
    Row(78, "gettimeofday", T.sys_gettimeofday, ("p", "p"), "gettimeofday"),
    Row(80, "getgroups", ID.sys_getgroups, DEFAULT),
    Row(81, "setgroups", ID.sys_setgroups, DEFAULT),
    Row(83, "symlink", F.sys_symlink, ("s", "s")),
    Row(85, "readlink", F.sys_readlink, ("s", "p", "u")),
    Row(91, "munmap", M.sys_munmap, ("p", "d")),
    Row(92, "truncate", I.sys_truncate, ("s", "d")),
    Row(93, "ftruncate", I.sys_ftruncate, ("d", "d")),
    Row(94, "fchmod", F.sys_fchmod, ("d", "o")),
    Row(95, "fchown", FA.sys_fchown, ("d", "d", "d")),
    Row(96, "getpriority", ID.sys_getpriority, ("x", "x")),
    Row(97, "setpriority", ID.sys_setpriority, DEFAULT),
    Row(104, "setitimer", TM.sys_setitimer, "setitimer", "setitimer"),
    Row(105, "getitimer", TM.sys_getitimer, "getitimer", "getitimer"),
    Row(114, "wait4", FK.sys_wait4, DEFAULT),
    Row(116, "sysinfo", P.sys_sysinfo, DEFAULT),
    Row(118, "fsync", I.sys_fsync, ("d",)),
    Row(119, "sigreturn", S.sys_sigreturn, DEFAULT, "sigreturn"),
    Row(120, "clone", FK.sys_clone, "clone"),
    Row(122, "uname", P.sys_uname, ("P",)),
    Row(125, "mprotect", M.sys_mprotect, ("p", "d", "prot")),
    Row(126, "sigprocmask", S.sys_sigprocmask, DEFAULT),
    Row(132, "getpgid", P.sys_getpgid, ("d",)),
    Row(133, "fchdir", F.sys_fchdir, ("d",)),
    Row(136, "personality", ID.sys_personality, DEFAULT),
    Row(138, "setfsuid", ID.sys_setfsuid, ("u",)),
    Row(139, "setfsgid", ID.sys_setfsgid, ("u",)),
    Row(140, "_llseek", I.sys_llseek, ("d", "u", "u", "p", "llwhence")),
    Row(142, "_newselect", PL.sys_newselect, "newselect", "newselect"),
    Row(143, "flock", I.sys_flock, DEFAULT),
    Row(144, "msync", M.sys_msync, DEFAULT),
    Row(145, "readv", I.sys_readv, DEFAULT),
    Row(146, "writev", I.sys_writev, ("d", "P", "x")),
    Row(147, "getsid", P.sys_getsid, ("d",)),
    Row(148, "fdatasync", I.sys_fdatasync, ("d",)),
    Row(150, "mlock", M.sys_mlock, ("x", "u")),
    Row(151, "munlock", M.sys_munlock, ("x", "u")),
    Row(152, "mlockall", M.sys_mlockall, "mlockall"),
    Row(153, "munlockall", M.sys_munlockall, ()),
    Row(158, "sched_yield", P.sys_sched_yield, DEFAULT),
    Row(162, "nanosleep", T.sys_nanosleep, DEFAULT),
    Row(163, "mremap", M.sys_mremap, DEFAULT),
    Row(164, "setresuid", ID.sys_setresuid, ("u", "u", "u")),
    Row(165, "getresuid", ID.sys_getresuid, DEFAULT),
    Row(168, "poll", PL.sys_poll, DEFAULT),
    Row(170, "setresgid", ID.sys_setresgid, ("u", "u", "u")),
    Row(171, "getresgid", ID.sys_getresgid, DEFAULT),
    Row(172, "prctl", P.sys_prctl, DEFAULT),
    Row(173, "rt_sigreturn", S.sys_rt_sigreturn, DEFAULT, "sigreturn"),
    Row(174, "rt_sigaction", S.sys_rt_sigaction, ("sig", "p", "p")),
    Row(175, "rt_sigprocmask", S.sys_rt_sigprocmask, ("how", "p", "p")),
    Row(176, "rt_sigpending", S.sys_rt_sigpending, DEFAULT),
    Row(177, "rt_sigtimedwait", S.sys_rt_sigtimedwait, DEFAULT),
    Row(178, "rt_sigqueueinfo", S.sys_rt_sigqueueinfo, ("d", "d", "p")),
    Row(179, "rt_sigsuspend", S.sys_rt_sigsuspend, DEFAULT),
    Row(180, "pread64", I.sys_pread64, DEFAULT),
    Row(181, "pwrite64", I.sys_pwrite64, DEFAULT),
    Row(182, "chown", FA.sys_chown, ("s", "d", "d")),
    Row(183, "getcwd", F.sys_getcwd, ("P", "d")),
    Row(186, "sigaltstack", S.sys_sigaltstack, ("P", "P")),
    Row(187, "sendfile", XF.sys_sendfile, DEFAULT),
    Row(190, "vfork", FK.sys_vfork, DEFAULT),
    Row(191, "ugetrlimit", P.sys_ugetrlimit, DEFAULT),
    Row(192, "mmap2", M.sys_mmap2, ("p", "d", "prot", "mflags", "d", "x"), "addr"),
    Row(193, "truncate64", I.sys_truncate64, "truncate64"),
    Row(194, "ftruncate64", I.sys_ftruncate64, "ftruncate64"),
    Row(195, "stat64", F.sys_stat64, ("s", "p")),
    Row(196, "lstat64", F.sys_lstat64, ("s", "p")),
    Row(197, "fstat64", F.sys_fstat64, ("d", "p")),
    Row(198, "lchown32", FA.sys_lchown32, DEFAULT),
    Row(199, "getuid32", P.sys_getuid32, DEFAULT),
    Row(200, "getgid32", P.sys_getgid32, DEFAULT),
    Row(201, "geteuid32", P.sys_geteuid32, DEFAULT),
    Row(202, "getegid32", P.sys_getegid32, DEFAULT),
    Row(203, "setreuid32", ID.sys_setreuid32, ("u", "u")),
    Row(204, "setregid32", ID.sys_setregid32, DEFAULT),
    Row(205, "getgroups32", ID.sys_getgroups32, DEFAULT),
    Row(206, "setgroups32", ID.sys_setgroups32, DEFAULT),
    Row(207, "fchown32", FA.sys_fchown32, DEFAULT),
    Row(208, "setresuid32", ID.sys_setresuid32, ("u", "u", "u")),
    Row(209, "getresuid32", ID.sys_getresuid32, DEFAULT),
    Row(210, "setresgid32", ID.sys_setresgid32, DEFAULT),
    Row(211, "getresgid32", ID.sys_getresgid32, DEFAULT),
    Row(212, "chown32", FA.sys_chown32, DEFAULT),
    Row(213, "setuid32", ID.sys_setuid32, DEFAULT),
    Row(214, "setgid32", ID.sys_setgid32, ("u",)),
    Row(215, "setfsuid32", ID.sys_setfsuid32, DEFAULT),
    Row(216, "setfsgid32", ID.sys_setfsgid32, ("u",)),
    Row(217, "getdents64", D.sys_getdents64, ("d", "p", "d")),
    Row(219, "mincore", M.sys_mincore, DEFAULT),
    Row(220, "madvise", M.sys_madvise, ("p", "d", "madv")),
    Row(221, "fcntl64", I.sys_fcntl64, "fcntl"),
    Row(224, "gettid", P.sys_gettid, ()),
    Row(225, "readahead", XF.sys_readahead, DEFAULT),
    # extended attributes: qemu 7.2's print_getxattr/listxattr/removexattr formats
    Row(226, "setxattr", XA.sys_setxattr, DEFAULT),
    Row(227, "lsetxattr", XA.sys_lsetxattr, DEFAULT),
    Row(228, "fsetxattr", XA.sys_fsetxattr, DEFAULT),
    Row(229, "getxattr", XA.sys_getxattr, ("s", "s", "p", "u")),
    Row(230, "lgetxattr", XA.sys_lgetxattr, ("s", "s", "p", "u")),
    Row(231, "fgetxattr", XA.sys_fgetxattr, ("d", "s", "p", "u")),
    Row(232, "listxattr", XA.sys_listxattr, ("s", "p", "u"), "listxattr"),
    Row(233, "llistxattr", XA.sys_llistxattr, ("s", "p", "u"), "listxattr"),
    Row(234, "flistxattr", XA.sys_flistxattr, ("d", "p", "u"), "listxattr"),
    Row(235, "removexattr", XA.sys_removexattr, ("s", "s")),
    Row(236, "lremovexattr", XA.sys_lremovexattr, ("s", "s")),
    Row(237, "fremovexattr", XA.sys_fremovexattr, ("d", "s")),
    Row(238, "tkill", P.sys_tkill, ("d", "sig")),
    Row(239, "sendfile64", XF.sys_sendfile64, DEFAULT),
    Row(240, "futex", FX.sys_futex, "futex"),
    Row(241, "sched_setaffinity", P.sys_sched_setaffinity, DEFAULT),
    Row(242, "sched_getaffinity", P.sys_sched_getaffinity, DEFAULT),
    Row(248, "exit_group", P.sys_exit_group, ("d",), "exit"),
    Row(250, "epoll_create", PL.sys_epoll_create, ("d",)),
    Row(251, "epoll_ctl", PL.sys_epoll_ctl, DEFAULT),
    Row(252, "epoll_wait", PL.sys_epoll_wait, DEFAULT),
    Row(256, "set_tid_address", P.sys_set_tid_address, DEFAULT),
    Row(257, "timer_create", TM.sys_timer_create, DEFAULT),
    Row(258, "timer_settime", TM.sys_timer_settime, ("d", "d", "P", "P")),
    Row(259, "timer_gettime", TM.sys_timer_gettime, DEFAULT),
    Row(260, "timer_getoverrun", TM.sys_timer_getoverrun, DEFAULT),
    Row(261, "timer_delete", TM.sys_timer_delete, DEFAULT),
    Row(262, "clock_settime", TM.sys_clock_settime, ("clock", "timespec")),
    Row(263, "clock_gettime", T.sys_clock_gettime, ("clock", "p"), "timespec"),
    Row(264, "clock_getres", T.sys_clock_getres, ("clock", "p"), "timespec"),
    Row(265, "clock_nanosleep", T.sys_clock_nanosleep,
        ("clock", "d", "timespec", "timespec")),
    Row(266, "statfs64", F.sys_statfs64, ("s", "p")),
    Row(267, "fstatfs64", F.sys_fstatfs64, ("d", "P")),
    Row(268, "tgkill", P.sys_tgkill, ("d", "d", "sig")),
    Row(269, "utimes", FA.sys_utimes, ("s", "p")),
    Row(270, "arm_fadvise64_64", XF.sys_arm_fadvise64_64, DEFAULT),
    Row(280, "waitid", FK.sys_waitid, ("d", "d", "P", "x")),
    Row(281, "socket", SO.sys_socket, "socket"),
    Row(282, "bind", SO.sys_bind, "bind"),
    Row(283, "connect", SO.sys_connect, ("d", "p", "d")),
    Row(284, "listen", SO.sys_listen, ("d", "d")),
    Row(285, "accept", SO.sys_accept, ("d", "p", "p")),
    Row(286, "getsockname", SO.sys_getsockname, DEFAULT),
    Row(287, "getpeername", SO.sys_getpeername, DEFAULT),
    Row(288, "socketpair", SO.sys_socketpair, DEFAULT),
    Row(289, "send", SO.sys_send, DEFAULT),
    Row(290, "sendto", SO.sys_sendto, DEFAULT),
    Row(291, "recv", SO.sys_recv, DEFAULT),
    Row(292, "recvfrom", SO.sys_recvfrom, DEFAULT),
    Row(293, "shutdown", SO.sys_shutdown, DEFAULT),
    Row(294, "setsockopt", SO.sys_setsockopt, DEFAULT),
    Row(295, "getsockopt", SO.sys_getsockopt, DEFAULT),
    Row(296, "sendmsg", SM.sys_sendmsg, DEFAULT),
    Row(297, "recvmsg", SM.sys_recvmsg, ("d", "P", "x")),
    Row(316, "inotify_init", K.sys_inotify_init, DEFAULT),
    Row(317, "inotify_add_watch", K.sys_inotify_add_watch, DEFAULT),
    Row(318, "inotify_rm_watch", K.sys_inotify_rm_watch, DEFAULT),
    Row(322, "openat", I.sys_openat, "openat"),
    Row(323, "mkdirat", F.sys_mkdirat, ("at", "s", "mode")),
    Row(324, "mknodat", FA.sys_mknodat, "mknodat"),
    Row(325, "fchownat", FA.sys_fchownat, ("at", "s", "d", "d", "atflags")),
    Row(326, "futimesat", FA.sys_futimesat, "futimesat"),
    Row(327, "fstatat64", F.sys_fstatat64, ("at", "s", "p", "atflags")),
    Row(328, "unlinkat", F.sys_unlinkat, ("at", "s", "unlinkat")),
    Row(329, "renameat", F.sys_renameat, ("at", "s", "at", "s")),
    Row(330, "linkat", FA.sys_linkat, ("at", "s", "at", "s", "atflags")),
    Row(331, "symlinkat", FA.sys_symlinkat, ("s", "at", "s")),
    Row(332, "readlinkat", F.sys_readlinkat, ("at", "s", "p", "u")),
    Row(333, "fchmodat", F.sys_fchmodat, ("at", "s", "mode", "atflags")),
    Row(334, "faccessat", F.sys_faccessat, ("at", "s", "access", "atflags")),
    Row(335, "pselect6", PL.sys_pselect6, DEFAULT),
    Row(336, "ppoll", PL.sys_ppoll, DEFAULT),
    Row(338, "set_robust_list", FX.sys_set_robust_list, DEFAULT),
    Row(339, "get_robust_list", FX.sys_get_robust_list, DEFAULT),
    Row(340, "splice", XF.sys_splice, DEFAULT),
    Row(342, "tee", XF.sys_tee, DEFAULT),
    Row(346, "epoll_pwait", PL.sys_epoll_pwait, DEFAULT),
    Row(348, "utimensat", FA.sys_utimensat, ("at", "s", "p", "atflags")),
    Row(349, "signalfd", S.sys_signalfd, DEFAULT),
    Row(350, "timerfd_create", K.sys_timerfd_create, DEFAULT),
    Row(351, "eventfd", K.sys_eventfd, ("d",)),
    Row(352, "fallocate", XF.sys_fallocate, "fallocate"),
    Row(353, "timerfd_settime", K.sys_timerfd_settime, DEFAULT),
    Row(354, "timerfd_gettime", K.sys_timerfd_gettime, DEFAULT),
    Row(355, "signalfd4", S.sys_signalfd4, DEFAULT),
    Row(356, "eventfd2", K.sys_eventfd2, ("d", "d")),
    Row(357, "epoll_create1", PL.sys_epoll_create1, ("d",)),
    Row(358, "dup3", I.sys_dup3, ("d", "d", "d")),
    Row(359, "pipe2", I.sys_pipe2, DEFAULT),
    Row(360, "inotify_init1", K.sys_inotify_init1, DEFAULT),
    Row(361, "preadv", I.sys_preadv, DEFAULT),
    Row(362, "pwritev", I.sys_pwritev, DEFAULT),
    Row(363, "rt_tgsigqueueinfo", S.sys_rt_tgsigqueueinfo, ("d", "d", "d", "p")),
    Row(365, "recvmmsg", SM.sys_recvmmsg, DEFAULT),
    Row(366, "accept4", SO.sys_accept4, DEFAULT),
    Row(369, "prlimit64", P.sys_prlimit64, DEFAULT),
    Row(373, "syncfs", FA.sys_syncfs, ("d",)),
    Row(374, "sendmmsg", SM.sys_sendmmsg, DEFAULT),
    Row(382, "renameat2", FA.sys_renameat2, DEFAULT),
    Row(384, "getrandom", P.sys_getrandom, ("P", "d", "d")),
    Row(385, "memfd_create", K.sys_memfd_create, DEFAULT),
    Row(387, "execveat", X.sys_execveat, DEFAULT),
    Row(390, "mlock2", M.sys_mlock2, DEFAULT),
    Row(391, "copy_file_range", XF.sys_copy_file_range, ("d", "P", "d", "P", "d", "d")),
    Row(392, "preadv2", I.sys_preadv2, None),
    Row(393, "pwritev2", I.sys_pwritev2, None),
    Row(397, "statx", F.sys_statx, ("at", "s", "statx_flags", "statx_mask", "p")),
    Row(398, "rseq", P.sys_rseq, None),
    Row(403, "clock_gettime64", T.sys_clock_gettime64, ("clock", "p"), "timespec64"),
    Row(404, "clock_settime64", TM.sys_clock_settime64, None),
    Row(406, "clock_getres_time64", T.sys_clock_getres_time64, None),
    Row(407, "clock_nanosleep_time64", T.sys_clock_nanosleep_time64, None),
    Row(408, "timer_gettime64", TM.sys_timer_gettime64, None),
    Row(409, "timer_settime64", TM.sys_timer_settime64, ("d", "d", "P", "P")),
    Row(410, "timerfd_gettime64", K.sys_timerfd_gettime64, None),
    Row(411, "timerfd_settime64", K.sys_timerfd_settime64, None),
    Row(412, "utimensat_time64", FA.sys_utimensat_time64, None),
    Row(413, "pselect6_time64", PL.sys_pselect6_time64, None),
    Row(414, "ppoll_time64", PL.sys_ppoll_time64, None),
    Row(417, "recvmmsg_time64", SM.sys_recvmmsg_time64, None),
    Row(421, "rt_sigtimedwait_time64", S.sys_rt_sigtimedwait_time64, None),
    Row(422, "futex_time64", FX.sys_futex_time64, None),
    Row(439, "faccessat2", F.sys_faccessat2, ("at", "s", "access", "atflags")),
    Row(441, "epoll_pwait2", PL.sys_epoll_pwait2, None),
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
        if row.handler.__class__ is _Handler:
            row = SYSCALLS[nr] = Row(nr, row.name, row.handler.resolve(), row.args, row.result)
        return row
    if A.ARM_NR_BASE < nr <= A.ARM_NR_LAST_PRIVATE:
        return Row(nr, f"arm_private_{nr:#x}", sys_enosys, SILENT)
    from .arm_names import QEMU_ARM_STRACE
    known = QEMU_ARM_STRACE.get(nr)
    if known is not None:
        return Row(nr, known[0], sys_enosys, known[1])
    return Row(nr, f"syscall_{nr}", sys_enosys, None)
