"""The ARM EABI syscall table: one entry per syscall (data), made into Rows
as lookup() needs them.

TABLE: number (r7) -> (name, handler, strace argument spec[, strace result
kind]).  Row fields: number, name, handler(proc, a0..a5) -> result or
-errno, strace argument spec (usermode.syscalls.strace kinds; DEFAULT =
qemu's six signed decimals; None = qemu 7.2 prints "Unknown syscall N";
SILENT = qemu prints nothing, as for the ARM-private calls), strace result
kind.

Numbers are those of arch/arm/tools/syscall.tbl (the cross toolchain's
asm/unistd-eabi.h; checked by the tests).  64-bit arguments arrive in
even/odd register pairs (pread64: r4:r5, ftruncate64: r2:r3).

An entry names its handler by module and function (``"I.sys_write"``:
sys_io.sys_write; MODULES); the module is imported when lookup() first
returns the row, so a run imports only the handler modules of the calls it
makes.  The entries are plain constants, cheap to import; lookup() makes
the Row of a call when it is first made, and ROWS and SYSCALLS (the whole
table as Rows) are made when first used.

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
    from typing import Callable, Dict, Optional

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


# the handler modules of this package, by the names the entries use
MODULES = {"D": "sys_dirent", "F": "sys_fs", "I": "sys_io", "M": "sys_mem",
           "P": "sys_proc", "T": "sys_time", "X": "sys_exec", "K": "sys_fdkind",
           "FK": "sys_fork", "FA": "sys_fsattr", "ID": "sys_ids", "PL": "sys_poll",
           "SM": "sys_sockmsg", "SO": "sys_socket", "TM": "sys_timer", "XF": "sys_xfer",
           "XA": "sys_xattr", "FX": "sys_futex", "S": "sys_signal", "A": "sys_arm"}


def sys_enosys(proc, *_):
    return -errno.ENOSYS


TABLE = {
    # nr   name                 handler                  strace args                        result
    1: ("exit", "P.sys_exit", ("d",), "exit"),
    2: ("fork", "FK.sys_fork", ()),
    3: ("read", "I.sys_read", ("d", "x", "d")),
    4: ("write", "I.sys_write", ("d", "x", "d")),
    5: ("open", "I.sys_open", "open"),
    6: ("close", "I.sys_close", ("d",)),
    9: ("link", "F.sys_link", ("s", "s")),
    10: ("unlink", "F.sys_unlink", ("s",)),
    11: ("execve", "X.sys_execve", "execve"),
    12: ("chdir", "F.sys_chdir", ("s",)),
    14: ("mknod", "FA.sys_mknod", "mknod"),
    15: ("chmod", "F.sys_chmod", ("s", "mode")),
    16: ("lchown", "FA.sys_lchown", ("s", "d", "d")),
    19: ("lseek", "I.sys_lseek", ("d", "d", "whence")),
    20: ("getpid", "P.sys_getpid", ()),
    23: ("setuid", "ID.sys_setuid", DEFAULT),
    24: ("getuid", "P.sys_getuid", ()),
    29: ("pause", "S.sys_pause", ()),
    33: ("access", "F.sys_access", ("s", "access")),
    36: ("sync", "FA.sys_sync", DEFAULT),
    37: ("kill", "P.sys_kill", ("d", "sig")),
    38: ("rename", "F.sys_rename", ("s", "s")),
    39: ("mkdir", "F.sys_mkdir", ("s", "mode")),
    40: ("rmdir", "F.sys_rmdir", ("s", "")),
    41: ("dup", "I.sys_dup", ("d",)),
    42: ("pipe", "I.sys_pipe", DEFAULT),
    43: ("times", "T.sys_times", DEFAULT),
    45: ("brk", "M.sys_brk", ("p",), "addr"),
    46: ("setgid", "ID.sys_setgid", ("u",)),
    47: ("getgid", "P.sys_getgid", ()),
    49: ("geteuid", "P.sys_geteuid", ()),
    50: ("getegid", "P.sys_getegid", ()),
    54: ("ioctl", "I.sys_ioctl", "ioctl", "ioctl"),
    55: ("fcntl", "I.sys_fcntl64", "fcntl"),
    57: ("setpgid", "P.sys_setpgid", ("d", "d")),
    60: ("umask", "F.sys_umask", ("o",)),
    63: ("dup2", "I.sys_dup2", ("d", "d")),
    64: ("getppid", "P.sys_getppid", ()),
    65: ("getpgrp", "P.sys_getpgrp", ()),
    66: ("setsid", "P.sys_setsid", ()),
    67: ("sigaction", "S.sys_sigaction", DEFAULT),
    70: ("setreuid", "ID.sys_setreuid", ("u", "u")),
    71: ("setregid", "ID.sys_setregid", DEFAULT),
    72: ("sigsuspend", "S.sys_sigsuspend", DEFAULT),
    73: ("sigpending", "S.sys_sigpending", DEFAULT),
    75: ("setrlimit", "P.sys_setrlimit", DEFAULT),
    77: ("getrusage", "P.sys_getrusage", DEFAULT),
    78: ("gettimeofday", "T.sys_gettimeofday", ("p", "p"), "gettimeofday"),
    80: ("getgroups", "ID.sys_getgroups", DEFAULT),
    81: ("setgroups", "ID.sys_setgroups", DEFAULT),
    83: ("symlink", "F.sys_symlink", ("s", "s")),
    85: ("readlink", "F.sys_readlink", ("s", "p", "u")),
    91: ("munmap", "M.sys_munmap", ("p", "d")),
    92: ("truncate", "I.sys_truncate", ("s", "d")),
    93: ("ftruncate", "I.sys_ftruncate", ("d", "d")),
    94: ("fchmod", "F.sys_fchmod", ("d", "o")),
    95: ("fchown", "FA.sys_fchown", ("d", "d", "d")),
    96: ("getpriority", "ID.sys_getpriority", ("x", "x")),
    97: ("setpriority", "ID.sys_setpriority", DEFAULT),
    104: ("setitimer", "TM.sys_setitimer", "setitimer", "setitimer"),
    105: ("getitimer", "TM.sys_getitimer", "getitimer", "getitimer"),
    114: ("wait4", "FK.sys_wait4", DEFAULT),
    116: ("sysinfo", "P.sys_sysinfo", DEFAULT),
    118: ("fsync", "I.sys_fsync", ("d",)),
    119: ("sigreturn", "S.sys_sigreturn", DEFAULT, "sigreturn"),
    120: ("clone", "FK.sys_clone", "clone"),
    122: ("uname", "P.sys_uname", ("P",)),
    125: ("mprotect", "M.sys_mprotect", ("p", "d", "prot")),
    126: ("sigprocmask", "S.sys_sigprocmask", DEFAULT),
    132: ("getpgid", "P.sys_getpgid", ("d",)),
    133: ("fchdir", "F.sys_fchdir", ("d",)),
    136: ("personality", "ID.sys_personality", DEFAULT),
    138: ("setfsuid", "ID.sys_setfsuid", ("u",)),
    139: ("setfsgid", "ID.sys_setfsgid", ("u",)),
    140: ("_llseek", "I.sys_llseek", ("d", "u", "u", "p", "llwhence")),
    142: ("_newselect", "PL.sys_newselect", "newselect", "newselect"),
    143: ("flock", "I.sys_flock", DEFAULT),
    144: ("msync", "M.sys_msync", DEFAULT),
    145: ("readv", "I.sys_readv", DEFAULT),
    146: ("writev", "I.sys_writev", ("d", "P", "x")),
    147: ("getsid", "P.sys_getsid", ("d",)),
    148: ("fdatasync", "I.sys_fdatasync", ("d",)),
    150: ("mlock", "M.sys_mlock", ("x", "u")),
    151: ("munlock", "M.sys_munlock", ("x", "u")),
    152: ("mlockall", "M.sys_mlockall", "mlockall"),
    153: ("munlockall", "M.sys_munlockall", ()),
    158: ("sched_yield", "P.sys_sched_yield", DEFAULT),
    162: ("nanosleep", "T.sys_nanosleep", DEFAULT),
    163: ("mremap", "M.sys_mremap", DEFAULT),
    164: ("setresuid", "ID.sys_setresuid", ("u", "u", "u")),
    165: ("getresuid", "ID.sys_getresuid", DEFAULT),
    168: ("poll", "PL.sys_poll", DEFAULT),
    170: ("setresgid", "ID.sys_setresgid", ("u", "u", "u")),
    171: ("getresgid", "ID.sys_getresgid", DEFAULT),
    172: ("prctl", "P.sys_prctl", DEFAULT),
    173: ("rt_sigreturn", "S.sys_rt_sigreturn", DEFAULT, "sigreturn"),
    174: ("rt_sigaction", "S.sys_rt_sigaction", ("sig", "p", "p")),
    175: ("rt_sigprocmask", "S.sys_rt_sigprocmask", ("how", "p", "p")),
    176: ("rt_sigpending", "S.sys_rt_sigpending", DEFAULT),
    177: ("rt_sigtimedwait", "S.sys_rt_sigtimedwait", DEFAULT),
    178: ("rt_sigqueueinfo", "S.sys_rt_sigqueueinfo", ("d", "d", "p")),
    179: ("rt_sigsuspend", "S.sys_rt_sigsuspend", DEFAULT),
    180: ("pread64", "I.sys_pread64", DEFAULT),
    181: ("pwrite64", "I.sys_pwrite64", DEFAULT),
    182: ("chown", "FA.sys_chown", ("s", "d", "d")),
    183: ("getcwd", "F.sys_getcwd", ("P", "d")),
    186: ("sigaltstack", "S.sys_sigaltstack", ("P", "P")),
    187: ("sendfile", "XF.sys_sendfile", DEFAULT),
    190: ("vfork", "FK.sys_vfork", DEFAULT),
    191: ("ugetrlimit", "P.sys_ugetrlimit", DEFAULT),
    192: ("mmap2", "M.sys_mmap2", ("p", "d", "prot", "mflags", "d", "x"), "addr"),
    193: ("truncate64", "I.sys_truncate64", "truncate64"),
    194: ("ftruncate64", "I.sys_ftruncate64", "ftruncate64"),
    195: ("stat64", "F.sys_stat64", ("s", "p")),
    196: ("lstat64", "F.sys_lstat64", ("s", "p")),
    197: ("fstat64", "F.sys_fstat64", ("d", "p")),
    198: ("lchown32", "FA.sys_lchown32", DEFAULT),
    199: ("getuid32", "P.sys_getuid32", DEFAULT),
    200: ("getgid32", "P.sys_getgid32", DEFAULT),
    201: ("geteuid32", "P.sys_geteuid32", DEFAULT),
    202: ("getegid32", "P.sys_getegid32", DEFAULT),
    203: ("setreuid32", "ID.sys_setreuid32", ("u", "u")),
    204: ("setregid32", "ID.sys_setregid32", DEFAULT),
    205: ("getgroups32", "ID.sys_getgroups32", DEFAULT),
    206: ("setgroups32", "ID.sys_setgroups32", DEFAULT),
    207: ("fchown32", "FA.sys_fchown32", DEFAULT),
    208: ("setresuid32", "ID.sys_setresuid32", ("u", "u", "u")),
    209: ("getresuid32", "ID.sys_getresuid32", DEFAULT),
    210: ("setresgid32", "ID.sys_setresgid32", DEFAULT),
    211: ("getresgid32", "ID.sys_getresgid32", DEFAULT),
    212: ("chown32", "FA.sys_chown32", DEFAULT),
    213: ("setuid32", "ID.sys_setuid32", DEFAULT),
    214: ("setgid32", "ID.sys_setgid32", ("u",)),
    215: ("setfsuid32", "ID.sys_setfsuid32", DEFAULT),
    216: ("setfsgid32", "ID.sys_setfsgid32", ("u",)),
    217: ("getdents64", "D.sys_getdents64", ("d", "p", "d")),
    219: ("mincore", "M.sys_mincore", DEFAULT),
    220: ("madvise", "M.sys_madvise", ("p", "d", "madv")),
    221: ("fcntl64", "I.sys_fcntl64", "fcntl"),
    224: ("gettid", "P.sys_gettid", ()),
    225: ("readahead", "XF.sys_readahead", DEFAULT),
    # extended attributes: qemu 7.2's print_getxattr/listxattr/removexattr formats
    226: ("setxattr", "XA.sys_setxattr", DEFAULT),
    227: ("lsetxattr", "XA.sys_lsetxattr", DEFAULT),
    228: ("fsetxattr", "XA.sys_fsetxattr", DEFAULT),
    229: ("getxattr", "XA.sys_getxattr", ("s", "s", "p", "u")),
    230: ("lgetxattr", "XA.sys_lgetxattr", ("s", "s", "p", "u")),
    231: ("fgetxattr", "XA.sys_fgetxattr", ("d", "s", "p", "u")),
    232: ("listxattr", "XA.sys_listxattr", ("s", "p", "u"), "listxattr"),
    233: ("llistxattr", "XA.sys_llistxattr", ("s", "p", "u"), "listxattr"),
    234: ("flistxattr", "XA.sys_flistxattr", ("d", "p", "u"), "listxattr"),
    235: ("removexattr", "XA.sys_removexattr", ("s", "s")),
    236: ("lremovexattr", "XA.sys_lremovexattr", ("s", "s")),
    237: ("fremovexattr", "XA.sys_fremovexattr", ("d", "s")),
    238: ("tkill", "P.sys_tkill", ("d", "sig")),
    239: ("sendfile64", "XF.sys_sendfile64", DEFAULT),
    240: ("futex", "FX.sys_futex", "futex"),
    241: ("sched_setaffinity", "P.sys_sched_setaffinity", DEFAULT),
    242: ("sched_getaffinity", "P.sys_sched_getaffinity", DEFAULT),
    248: ("exit_group", "P.sys_exit_group", ("d",), "exit"),
    250: ("epoll_create", "PL.sys_epoll_create", ("d",)),
    251: ("epoll_ctl", "PL.sys_epoll_ctl", DEFAULT),
    252: ("epoll_wait", "PL.sys_epoll_wait", DEFAULT),
    256: ("set_tid_address", "P.sys_set_tid_address", DEFAULT),
    257: ("timer_create", "TM.sys_timer_create", DEFAULT),
    258: ("timer_settime", "TM.sys_timer_settime", ("d", "d", "P", "P")),
    259: ("timer_gettime", "TM.sys_timer_gettime", DEFAULT),
    260: ("timer_getoverrun", "TM.sys_timer_getoverrun", DEFAULT),
    261: ("timer_delete", "TM.sys_timer_delete", DEFAULT),
    262: ("clock_settime", "TM.sys_clock_settime", ("clock", "timespec")),
    263: ("clock_gettime", "T.sys_clock_gettime", ("clock", "p"), "timespec"),
    264: ("clock_getres", "T.sys_clock_getres", ("clock", "p"), "timespec"),
    265: ("clock_nanosleep", "T.sys_clock_nanosleep", ("clock", "d", "timespec", "timespec")),
    266: ("statfs64", "F.sys_statfs64", ("s", "p")),
    267: ("fstatfs64", "F.sys_fstatfs64", ("d", "P")),
    268: ("tgkill", "P.sys_tgkill", ("d", "d", "sig")),
    269: ("utimes", "FA.sys_utimes", ("s", "p")),
    270: ("arm_fadvise64_64", "XF.sys_arm_fadvise64_64", DEFAULT),
    280: ("waitid", "FK.sys_waitid", ("d", "d", "P", "x")),
    281: ("socket", "SO.sys_socket", "socket"),
    282: ("bind", "SO.sys_bind", "bind"),
    283: ("connect", "SO.sys_connect", ("d", "p", "d")),
    284: ("listen", "SO.sys_listen", ("d", "d")),
    285: ("accept", "SO.sys_accept", ("d", "p", "p")),
    286: ("getsockname", "SO.sys_getsockname", DEFAULT),
    287: ("getpeername", "SO.sys_getpeername", DEFAULT),
    288: ("socketpair", "SO.sys_socketpair", DEFAULT),
    289: ("send", "SO.sys_send", DEFAULT),
    290: ("sendto", "SO.sys_sendto", DEFAULT),
    291: ("recv", "SO.sys_recv", DEFAULT),
    292: ("recvfrom", "SO.sys_recvfrom", DEFAULT),
    293: ("shutdown", "SO.sys_shutdown", DEFAULT),
    294: ("setsockopt", "SO.sys_setsockopt", DEFAULT),
    295: ("getsockopt", "SO.sys_getsockopt", DEFAULT),
    296: ("sendmsg", "SM.sys_sendmsg", DEFAULT),
    297: ("recvmsg", "SM.sys_recvmsg", ("d", "P", "x")),
    316: ("inotify_init", "K.sys_inotify_init", DEFAULT),
    317: ("inotify_add_watch", "K.sys_inotify_add_watch", DEFAULT),
    318: ("inotify_rm_watch", "K.sys_inotify_rm_watch", DEFAULT),
    322: ("openat", "I.sys_openat", "openat"),
    323: ("mkdirat", "F.sys_mkdirat", ("at", "s", "mode")),
    324: ("mknodat", "FA.sys_mknodat", "mknodat"),
    325: ("fchownat", "FA.sys_fchownat", ("at", "s", "d", "d", "atflags")),
    326: ("futimesat", "FA.sys_futimesat", "futimesat"),
    327: ("fstatat64", "F.sys_fstatat64", ("at", "s", "p", "atflags")),
    328: ("unlinkat", "F.sys_unlinkat", ("at", "s", "unlinkat")),
    329: ("renameat", "F.sys_renameat", ("at", "s", "at", "s")),
    330: ("linkat", "FA.sys_linkat", ("at", "s", "at", "s", "atflags")),
    331: ("symlinkat", "FA.sys_symlinkat", ("s", "at", "s")),
    332: ("readlinkat", "F.sys_readlinkat", ("at", "s", "p", "u")),
    333: ("fchmodat", "F.sys_fchmodat", ("at", "s", "mode", "atflags")),
    334: ("faccessat", "F.sys_faccessat", ("at", "s", "access", "atflags")),
    335: ("pselect6", "PL.sys_pselect6", DEFAULT),
    336: ("ppoll", "PL.sys_ppoll", DEFAULT),
    338: ("set_robust_list", "FX.sys_set_robust_list", DEFAULT),
    339: ("get_robust_list", "FX.sys_get_robust_list", DEFAULT),
    340: ("splice", "XF.sys_splice", DEFAULT),
    342: ("tee", "XF.sys_tee", DEFAULT),
    346: ("epoll_pwait", "PL.sys_epoll_pwait", DEFAULT),
    348: ("utimensat", "FA.sys_utimensat", ("at", "s", "p", "atflags")),
    349: ("signalfd", "S.sys_signalfd", DEFAULT),
    350: ("timerfd_create", "K.sys_timerfd_create", DEFAULT),
    351: ("eventfd", "K.sys_eventfd", ("d",)),
    352: ("fallocate", "XF.sys_fallocate", "fallocate"),
    353: ("timerfd_settime", "K.sys_timerfd_settime", DEFAULT),
    354: ("timerfd_gettime", "K.sys_timerfd_gettime", DEFAULT),
    355: ("signalfd4", "S.sys_signalfd4", DEFAULT),
    356: ("eventfd2", "K.sys_eventfd2", ("d", "d")),
    357: ("epoll_create1", "PL.sys_epoll_create1", ("d",)),
    358: ("dup3", "I.sys_dup3", ("d", "d", "d")),
    359: ("pipe2", "I.sys_pipe2", DEFAULT),
    360: ("inotify_init1", "K.sys_inotify_init1", DEFAULT),
    361: ("preadv", "I.sys_preadv", DEFAULT),
    362: ("pwritev", "I.sys_pwritev", DEFAULT),
    363: ("rt_tgsigqueueinfo", "S.sys_rt_tgsigqueueinfo", ("d", "d", "d", "p")),
    365: ("recvmmsg", "SM.sys_recvmmsg", DEFAULT),
    366: ("accept4", "SO.sys_accept4", DEFAULT),
    369: ("prlimit64", "P.sys_prlimit64", DEFAULT),
    373: ("syncfs", "FA.sys_syncfs", ("d",)),
    374: ("sendmmsg", "SM.sys_sendmmsg", DEFAULT),
    382: ("renameat2", "FA.sys_renameat2", DEFAULT),
    384: ("getrandom", "P.sys_getrandom", ("P", "d", "d")),
    385: ("memfd_create", "K.sys_memfd_create", DEFAULT),
    387: ("execveat", "X.sys_execveat", DEFAULT),
    390: ("mlock2", "M.sys_mlock2", DEFAULT),
    391: ("copy_file_range", "XF.sys_copy_file_range", ("d", "P", "d", "P", "d", "d")),
    392: ("preadv2", "I.sys_preadv2", None),
    393: ("pwritev2", "I.sys_pwritev2", None),
    397: ("statx", "F.sys_statx", ("at", "s", "statx_flags", "statx_mask", "p")),
    398: ("rseq", "P.sys_rseq", None),
    403: ("clock_gettime64", "T.sys_clock_gettime64", ("clock", "p"), "timespec64"),
    404: ("clock_settime64", "TM.sys_clock_settime64", None),
    406: ("clock_getres_time64", "T.sys_clock_getres_time64", None),
    407: ("clock_nanosleep_time64", "T.sys_clock_nanosleep_time64", None),
    408: ("timer_gettime64", "TM.sys_timer_gettime64", None),
    409: ("timer_settime64", "TM.sys_timer_settime64", ("d", "d", "P", "P")),
    410: ("timerfd_gettime64", "K.sys_timerfd_gettime64", None),
    411: ("timerfd_settime64", "K.sys_timerfd_settime64", None),
    412: ("utimensat_time64", "FA.sys_utimensat_time64", None),
    413: ("pselect6_time64", "PL.sys_pselect6_time64", None),
    414: ("ppoll_time64", "PL.sys_ppoll_time64", None),
    417: ("recvmmsg_time64", "SM.sys_recvmmsg_time64", None),
    421: ("rt_sigtimedwait_time64", "S.sys_rt_sigtimedwait_time64", None),
    422: ("futex_time64", "FX.sys_futex_time64", None),
    439: ("faccessat2", "F.sys_faccessat2", ("at", "s", "access", "atflags")),
    441: ("epoll_pwait2", "PL.sys_epoll_pwait2", None),
    # ARM-private calls (arch/arm/kernel/traps.c): qemu's strace does not show them
    A.ARM_NR_cacheflush: ("cacheflush", "A.sys_cacheflush", SILENT),
    A.ARM_NR_set_tls: ("set_tls", "A.sys_set_tls", SILENT),
    A.ARM_NR_get_tls: ("get_tls", "A.sys_get_tls", SILENT),
}

# nr -> Row: those lookup() made (handler resolved), every entry's once
# SYSCALLS is used
_ROWS: Dict[int, Row] = {}


def _row(nr: int, entry) -> Row:
    """The Row of TABLE entry nr, its handler not imported yet (a _Handler)."""
    name, handler, *spec = entry
    module, function = handler.split(".")
    return Row(nr, name, _Handler(MODULES[module], function), *spec)


def lookup(nr: int) -> Row:
    """The row for `nr`; unimplemented numbers get -ENOSYS with qemu's strace name."""
    row = _ROWS.get(nr)
    if row is None:
        entry = TABLE.get(nr)
        if entry is not None:
            row = _row(nr, entry)
    if row is not None:
        if row.handler.__class__ is _Handler:
            row = _ROWS[nr] = Row(nr, row.name, row.handler.resolve(), row.args, row.result)
        return row
    if A.ARM_NR_BASE < nr <= A.ARM_NR_LAST_PRIVATE:
        return Row(nr, f"arm_private_{nr:#x}", sys_enosys, SILENT)
    from .arm_names import QEMU_ARM_STRACE
    known = QEMU_ARM_STRACE.get(nr)
    if known is not None:
        return Row(nr, known[0], sys_enosys, known[1])
    return Row(nr, f"syscall_{nr}", sys_enosys, None)


def __getattr__(name: str):
    """SYSCALLS (nr -> Row, every entry in table order; the rows lookup()
    returns from then on are its rows) and ROWS (its rows), made on first use."""
    if name not in ("SYSCALLS", "ROWS"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if "SYSCALLS" not in globals():
        rows = {nr: _ROWS.get(nr) or _row(nr, entry) for nr, entry in TABLE.items()}
        _ROWS.clear()
        _ROWS.update(rows)
        globals()["SYSCALLS"] = _ROWS
    if name == "ROWS":
        globals()["ROWS"] = list(_ROWS.values())
    return globals()[name]
