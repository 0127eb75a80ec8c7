"""Host side of the thunks: raw x86-64 syscalls and guest-pointer checks.

Every host call goes through the runtime's ``rt_syscall`` (returns -errno on
failure, like the kernel).  A guest pointer handed to the host kernel is first
turned into a host pointer with ``hbuf``, which refuses any range that is not
wholly inside the 4 GiB guest region: past that region lies the translator's
own memory, and a huge guest length must never reach it.  Inside the region
unmapped pages are PROT_NONE, so the host kernel itself answers -EFAULT.

Usage::

    from usermode.syscalls.hostsys import H, hsys, hbuf, HostBuf
    n = hsys(H["write"], 1, hbuf(proc, addr, length), length)
    tmp = HostBuf(144)                    # scratch memory for a host struct
    hsys(H["fstat"], fd, tmp.addr); raw = tmp.bytes()
"""
from __future__ import annotations

import errno
import os

from ..memory import GuestFault, PROT_READ, PROT_WRITE
from ..translate import _runtime

ffi, lib = _runtime.ffi, _runtime.lib

# x86-64 host syscall numbers (checked against asm/unistd_64.h by the tests)
H = {
    "read": 0, "write": 1, "open": 2, "close": 3, "stat": 4, "fstat": 5, "lstat": 6,
    "poll": 7, "lseek": 8, "mmap": 9, "mprotect": 10, "munmap": 11, "brk": 12,
    "ioctl": 16, "pread64": 17, "pwrite64": 18, "readv": 19, "writev": 20, "access": 21,
    "pipe": 22, "select": 23, "sched_yield": 24, "mremap": 25, "msync": 26,
    "mincore": 27, "madvise": 28, "dup": 32, "dup2": 33, "pause": 34, "nanosleep": 35,
    "getitimer": 36, "alarm": 37, "setitimer": 38, "getpid": 39, "sendfile": 40,
    "socket": 41, "connect": 42, "accept": 43, "sendto": 44, "recvfrom": 45,
    "sendmsg": 46, "recvmsg": 47, "shutdown": 48, "bind": 49, "listen": 50,
    "getsockname": 51, "getpeername": 52, "socketpair": 53, "setsockopt": 54,
    "getsockopt": 55, "clone": 56, "fork": 57, "vfork": 58, "execve": 59, "exit": 60,
    "wait4": 61, "kill": 62, "uname": 63, "fcntl": 72, "flock": 73, "fsync": 74,
    "fdatasync": 75, "truncate": 76, "ftruncate": 77, "getcwd": 79, "chdir": 80,
    "fchdir": 81, "rename": 82, "mkdir": 83, "rmdir": 84, "link": 86, "unlink": 87,
    "symlink": 88, "readlink": 89, "chmod": 90, "fchmod": 91, "chown": 92, "fchown": 93,
    "lchown": 94, "umask": 95, "gettimeofday": 96, "getrlimit": 97, "getrusage": 98,
    "sysinfo": 99, "times": 100, "getuid": 102, "getgid": 104, "setuid": 105,
    "setgid": 106, "geteuid": 107, "getegid": 108, "setpgid": 109, "getppid": 110,
    "getpgrp": 111, "setsid": 112, "setreuid": 113, "setregid": 114, "getgroups": 115,
    "setgroups": 116, "setresuid": 117, "getresuid": 118, "setresgid": 119,
    "getresgid": 120, "getpgid": 121, "setfsuid": 122, "setfsgid": 123, "getsid": 124,
    "capget": 125, "mknod": 133, "personality": 135, "statfs": 137, "fstatfs": 138,
    "getpriority": 140, "setpriority": 141, "sched_getparam": 143,
    "sched_getscheduler": 145, "sched_get_priority_max": 146,
    "sched_get_priority_min": 147, "mlock": 149, "munlock": 150, "mlockall": 151,
    "munlockall": 152, "prctl": 157, "sync": 162, "gettid": 186, "readahead": 187,
    "tkill": 200, "time": 201, "futex": 202, "sched_setaffinity": 203,
    "sched_getaffinity": 204, "epoll_create": 213, "getdents64": 217,
    "set_tid_address": 218, "fadvise64": 221, "timer_create": 222, "timer_settime": 223,
    "timer_gettime": 224, "timer_getoverrun": 225, "timer_delete": 226,
    "clock_settime": 227, "clock_gettime": 228, "clock_getres": 229,
    "clock_nanosleep": 230, "exit_group": 231, "epoll_wait": 232, "epoll_ctl": 233,
    "tgkill": 234, "utimes": 235, "waitid": 247, "inotify_init": 253,
    "inotify_add_watch": 254, "inotify_rm_watch": 255, "openat": 257, "mkdirat": 258,
    "mknodat": 259, "fchownat": 260, "futimesat": 261, "newfstatat": 262,
    "unlinkat": 263, "renameat": 264, "linkat": 265, "symlinkat": 266,
    "readlinkat": 267, "fchmodat": 268, "faccessat": 269, "pselect6": 270, "ppoll": 271,
    "unshare": 272, "splice": 275, "tee": 276, "utimensat": 280, "epoll_pwait": 281,
    "timerfd_create": 283, "eventfd": 284, "fallocate": 285, "timerfd_settime": 286,
    "timerfd_gettime": 287, "accept4": 288, "eventfd2": 290, "epoll_create1": 291,
    "dup3": 292, "pipe2": 293, "inotify_init1": 294, "preadv": 295, "pwritev": 296,
    "recvmmsg": 299, "prlimit64": 302, "syncfs": 306, "sendmmsg": 307, "getcpu": 309,
    "renameat2": 316, "getrandom": 318, "memfd_create": 319, "execveat": 322,
    "mlock2": 325, "copy_file_range": 326, "preadv2": 327, "pwritev2": 328,
    "statx": 332, "close_range": 436, "faccessat2": 439, "epoll_pwait2": 441,
}

PATH_MAX = 4096


class SysError(Exception):
    """Raised inside a handler to return -errno (e.g. SysError(errno.EINVAL))."""

    def __init__(self, err: int):
        super().__init__(err)
        self.errno = err


def hsys(nr: int, a1: int = 0, a2: int = 0, a3: int = 0, a4: int = 0,
         a5: int = 0, a6: int = 0) -> int:
    """Raw host syscall: result or -errno."""
    return int(lib.rt_syscall(nr, a1, a2, a3, a4, a5, a6))


def hbuf(proc, addr: int, length: int) -> int:
    """Host address of guest [addr, addr+length), or GuestFault if that range
    leaves the guest region.  Mapping and protection are left to the host
    kernel (unmapped guest pages are PROT_NONE on the host)."""
    if length < 0 or addr < 0 or addr + length > proc.mem.size:
        raise GuestFault(addr)
    return proc.mem.g2h(addr)


def hbuf_checked(proc, addr: int, length: int, prot: int) -> int:
    """Like hbuf, but the guest page table must grant `prot` on the range."""
    if length and not proc.mem.check(addr, length, prot):
        raise GuestFault(addr, bool(prot & PROT_WRITE))
    return hbuf(proc, addr, length)


class HostBuf:
    """Zeroed scratch memory owned by cffi, for host structs and strings."""

    def __init__(self, size_or_data):
        if isinstance(size_or_data, (bytes, bytearray)):
            self._c = ffi.new("char[]", bytes(size_or_data))
            self.size = len(size_or_data)
        else:
            self.size = int(size_or_data)
            self._c = ffi.new("char[]", max(self.size, 1))
        self.addr = int(ffi.cast("uintptr_t", self._c))

    def bytes(self, n: int = -1) -> bytes:
        return ffi.buffer(self._c, self.size if n < 0 else n)[:]

    def write(self, data: bytes, off: int = 0) -> None:
        ffi.buffer(self._c, self.size)[off:off + len(data)] = data


def cstr(data: bytes) -> HostBuf:
    """A NUL-terminated host copy of `data`."""
    return HostBuf(bytes(data) + b"\0")


def read_path(proc, addr: int) -> bytes:
    """The guest path string at `addr` (GuestFault if unreadable)."""
    if addr == 0:
        raise GuestFault(0)
    s = proc.mem.read_cstr(addr, PATH_MAX + 1)
    if len(s) >= PATH_MAX:
        raise SysError(errno.ENAMETOOLONG)
    return s


def host_path(proc, path: bytes) -> bytes:
    """qemu's -L rule: an absolute path that exists under the prefix is
    redirected there; anything else is used as is."""
    prefix = getattr(proc.options, "ld_prefix", None)
    if not prefix or not path.startswith(b"/"):
        return path
    cache = _path_cache.setdefault(prefix, {})
    hit = cache.get(path)
    if hit is None:
        full = os.fsencode(prefix).rstrip(b"/") + path
        hit = full if os.path.lexists(full) else path
        cache[path] = hit
    return hit


_path_cache: dict = {}


def guest_path_arg(proc, addr: int) -> HostBuf:
    """Read a guest path, apply the -L prefix, return it as a host C string."""
    return cstr(host_path(proc, read_path(proc, addr)))


def s32(v: int) -> int:
    """The guest register value as a signed 32-bit int."""
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v & 0x80000000 else v


def u64pair(lo: int, hi: int) -> int:
    """A 64-bit value passed in a (low, high) register pair."""
    return (lo & 0xFFFFFFFF) | (hi & 0xFFFFFFFF) << 32


def s64pair(lo: int, hi: int) -> int:
    v = u64pair(lo, hi)
    return v - (1 << 64) if v >> 63 else v


__all__ = ["H", "SysError", "hsys", "hbuf", "hbuf_checked", "HostBuf", "cstr",
           "read_path", "host_path", "guest_path_arg", "s32", "u64pair",
           "s64pair", "GuestFault", "PROT_READ", "PROT_WRITE"]
