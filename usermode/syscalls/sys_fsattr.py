"""File attributes and links: the chown family (16- and 32-bit ids), the
utime family (utimes, futimesat, utimensat and utimensat_time64), mknod(at),
linkat, symlinkat, renameat2, sync/syncfs.

ARM's old 16-bit-id calls (chown, lchown, fchown) take an old_uid_t whose
0xffff means -1 ("leave unchanged"), as the kernel's low2highuid.

Usage::

    from usermode.syscalls.sys_fsattr import sys_fchownat
    sys_fchownat(proc, AT_FDCWD & 0xffffffff, path, 0xffffffff, 0xffffffff, 0, 0)
"""
from __future__ import annotations

from .hostsys import H, HostBuf, cstr, guest_path_arg, hsys, read_path, s32
from .structs import (TIMESPEC32, TIMEVAL32, HOST_TIMEVAL, timespec64_from_guest,
                      timespec_from_guest32)

AT_FDCWD = -100
AT_SYMLINK_NOFOLLOW = 0x100
UTIME_OMIT = (1 << 30) - 2


def low2high(v: int) -> int:
    """16-bit uid/gid argument -> the kernel's 32-bit value (0xffff is -1)."""
    v &= 0xFFFF
    return 0xFFFFFFFF if v == 0xFFFF else v


def _chown(proc, dirfd, path, uid, gid, flags):
    return hsys(H["fchownat"], dirfd, guest_path_arg(proc, path).addr,
                uid & 0xFFFFFFFF, gid & 0xFFFFFFFF, flags)


def sys_chown(proc, path, uid, gid, *_):             # 16-bit ids
    return _chown(proc, AT_FDCWD, path, low2high(uid), low2high(gid), 0)


def sys_lchown(proc, path, uid, gid, *_):
    return _chown(proc, AT_FDCWD, path, low2high(uid), low2high(gid), AT_SYMLINK_NOFOLLOW)


def sys_fchown(proc, fd, uid, gid, *_):
    return hsys(H["fchown"], s32(fd), low2high(uid), low2high(gid))


def sys_chown32(proc, path, uid, gid, *_):
    return _chown(proc, AT_FDCWD, path, uid, gid, 0)


def sys_lchown32(proc, path, uid, gid, *_):
    return _chown(proc, AT_FDCWD, path, uid, gid, AT_SYMLINK_NOFOLLOW)


def sys_fchown32(proc, fd, uid, gid, *_):
    return hsys(H["fchown"], s32(fd), uid & 0xFFFFFFFF, gid & 0xFFFFFFFF)


def sys_fchownat(proc, dirfd, path, uid, gid, flags, *_):
    return _chown(proc, s32(dirfd), path, uid, gid, flags)


# ---- times ----------------------------------------------------------------------------
def _timespecs32(proc, addr):
    if not addr:
        return None
    raw = proc.mem.read(addr, 2 * TIMESPEC32.size)
    return HostBuf(timespec_from_guest32(raw[:8]) + timespec_from_guest32(raw[8:]))


def sys_utimensat(proc, dirfd, path, times, flags, *_):
    hp = guest_path_arg(proc, path) if path else None
    t = _timespecs32(proc, times)
    return hsys(H["utimensat"], s32(dirfd), hp.addr if hp else 0,
                t.addr if t else 0, flags)


def sys_utimensat_time64(proc, dirfd, path, times, flags, *_):
    hp = guest_path_arg(proc, path) if path else None
    t = HostBuf(timespec64_from_guest(proc.mem.read(times, 32))) if times else None
    return hsys(H["utimensat"], s32(dirfd), hp.addr if hp else 0,
                t.addr if t else 0, flags)


def _timevals32(proc, addr):
    if not addr:
        return None
    raw = proc.mem.read(addr, 2 * TIMEVAL32.size)
    out = b""
    for i in (0, 8):
        d = TIMEVAL32.unpack(raw[i:i + 8])
        out += HOST_TIMEVAL.pack(tv_sec=d["tv_sec"], tv_usec=d["tv_usec"])
    return HostBuf(out)


def sys_utimes(proc, path, times, *_):
    hp = guest_path_arg(proc, path)
    t = _timevals32(proc, times)
    return hsys(H["futimesat"], AT_FDCWD, hp.addr, t.addr if t else 0)


def sys_futimesat(proc, dirfd, path, times, *_):
    hp = guest_path_arg(proc, path) if path else None
    t = _timevals32(proc, times)
    return hsys(H["futimesat"], s32(dirfd), hp.addr if hp else 0, t.addr if t else 0)


# ---- nodes and links -----------------------------------------------------------------------
def sys_mknod(proc, path, mode, dev, *_):
    return hsys(H["mknodat"], AT_FDCWD, guest_path_arg(proc, path).addr, mode, dev)


def sys_mknodat(proc, dirfd, path, mode, dev, *_):
    return hsys(H["mknodat"], s32(dirfd), guest_path_arg(proc, path).addr, mode, dev)


def sys_linkat(proc, olddir, old, newdir, new, flags, *_):
    a, b = guest_path_arg(proc, old), guest_path_arg(proc, new)
    return hsys(H["linkat"], s32(olddir), a.addr, s32(newdir), b.addr, flags)


def sys_symlinkat(proc, target, newdir, linkpath, *_):
    a = cstr(read_path(proc, target))          # the link's text is not remapped
    b = guest_path_arg(proc, linkpath)
    return hsys(H["symlinkat"], a.addr, s32(newdir), b.addr)


def sys_renameat2(proc, olddir, old, newdir, new, flags, *_):
    a, b = guest_path_arg(proc, old), guest_path_arg(proc, new)
    return hsys(H["renameat2"], s32(olddir), a.addr, s32(newdir), b.addr, flags)


def sys_sync(proc, *_):
    return hsys(H["sync"])


def sys_syncfs(proc, fd, *_):
    return hsys(H["syncfs"], s32(fd))
