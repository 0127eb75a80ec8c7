"""Path and metadata syscalls: stat64 family, statx, statfs64, access, cwd,
mkdir/unlink/rename, readlink (with /proc/self/exe -> the guest program).

Paths are read from guest memory, then mapped through the -L prefix rule
(hostsys.host_path) like qemu does.

Usage::

    from usermode.syscalls.sys_fs import sys_fstat64
    sys_fstat64(proc, fd, statbuf, 0, 0, 0, 0)    # writes an ARM struct stat64
"""
from __future__ import annotations

import errno
import os

from .hostsys import (H, HostBuf, cstr, guest_path_arg, hbuf, hsys, read_path, s32)
from .state import exe_realpath
from .sys_procfs import is_self_exe
from .structs import (HOST_STAT, HOST_STATFS, STATFS64, stat_to_guest, statfs_to_guest)

AT_FDCWD = -100
AT_SYMLINK_NOFOLLOW = 0x100
AT_EMPTY_PATH = 0x1000


def _stat_out(proc, r, tmp, buf):
    if r < 0:
        return r
    proc.mem.write(buf, stat_to_guest(HOST_STAT.unpack(tmp.bytes())))
    return 0


def sys_fstat64(proc, fd, buf, *_):
    tmp = HostBuf(HOST_STAT.size)
    return _stat_out(proc, hsys(H["fstat"], s32(fd), tmp.addr), tmp, buf)


def _fstatat(proc, dirfd, path, buf, flags):
    hp = _stat_path(proc, path)
    tmp = HostBuf(HOST_STAT.size)
    return _stat_out(proc, hsys(H["newfstatat"], dirfd, hp.addr, tmp.addr, flags), tmp, buf)


def sys_stat64(proc, path, buf, *_):
    return _fstatat(proc, AT_FDCWD, path, buf, 0)


def sys_lstat64(proc, path, buf, *_):
    return _fstatat(proc, AT_FDCWD, path, buf, AT_SYMLINK_NOFOLLOW)


def sys_fstatat64(proc, dirfd, path, buf, flags, *_):
    return _fstatat(proc, s32(dirfd), path, buf, flags)


def _stat_path(proc, path):
    """A path argument for the stat family: /proc/self/exe is the guest program."""
    p = read_path(proc, path)
    if is_self_exe(p):
        return cstr(os.fsencode(exe_realpath(proc)))
    return guest_path_arg(proc, path)


def sys_statx(proc, dirfd, path, flags, mask, buf, *_):
    hp = _stat_path(proc, path)
    return hsys(H["statx"], s32(dirfd), hp.addr, flags, mask, hbuf(proc, buf, 256))


def _statfs_out(proc, r, tmp, size, buf):
    if r < 0:
        return r
    proc.mem.write(buf, statfs_to_guest(HOST_STATFS.unpack(tmp.bytes())))
    return 0


# the ARM kernel's sys_statfs64_wrapper takes 88 (the EABI padded size) as 84
STATFS64_SIZES = (STATFS64.size, 88)


def sys_statfs64(proc, path, size, buf, *_):
    if size not in STATFS64_SIZES:
        return -errno.EINVAL
    hp = guest_path_arg(proc, path)
    tmp = HostBuf(HOST_STATFS.size)
    return _statfs_out(proc, hsys(H["statfs"], hp.addr, tmp.addr), tmp, size, buf)


def sys_fstatfs64(proc, fd, size, buf, *_):
    if size not in STATFS64_SIZES:
        return -errno.EINVAL
    tmp = HostBuf(HOST_STATFS.size)
    return _statfs_out(proc, hsys(H["fstatfs"], s32(fd), tmp.addr), tmp, size, buf)


# ---- access / cwd ---------------------------------------------------------------------
def sys_access(proc, path, mode, *_):
    hp = guest_path_arg(proc, path)
    return hsys(H["faccessat"], AT_FDCWD, hp.addr, mode)


def sys_faccessat(proc, dirfd, path, mode, *_):
    hp = guest_path_arg(proc, path)
    return hsys(H["faccessat"], s32(dirfd), hp.addr, mode)


def sys_faccessat2(proc, dirfd, path, mode, flags, *_):
    hp = guest_path_arg(proc, path)
    return hsys(H["faccessat2"], s32(dirfd), hp.addr, mode, flags)


def sys_getcwd(proc, buf, size, *_):
    return hsys(H["getcwd"], hbuf(proc, buf, size), size)


def sys_chdir(proc, path, *_):
    exe_realpath(proc)                  # resolve a relative program path first
    return hsys(H["chdir"], guest_path_arg(proc, path).addr)


def sys_fchdir(proc, fd, *_):
    exe_realpath(proc)
    return hsys(H["fchdir"], s32(fd))


def sys_umask(proc, mask, *_):
    return hsys(H["umask"], mask & 0o777)


# ---- directory entries -----------------------------------------------------------------
def sys_unlink(proc, path, *_):
    return hsys(H["unlinkat"], AT_FDCWD, guest_path_arg(proc, path).addr, 0)


def sys_unlinkat(proc, dirfd, path, flags, *_):
    return hsys(H["unlinkat"], s32(dirfd), guest_path_arg(proc, path).addr, flags)


def sys_mkdir(proc, path, mode, *_):
    return hsys(H["mkdirat"], AT_FDCWD, guest_path_arg(proc, path).addr, mode)


def sys_mkdirat(proc, dirfd, path, mode, *_):
    return hsys(H["mkdirat"], s32(dirfd), guest_path_arg(proc, path).addr, mode)


def sys_rmdir(proc, path, *_):
    return hsys(H["rmdir"], guest_path_arg(proc, path).addr)


def sys_rename(proc, old, new, *_):
    a, b = guest_path_arg(proc, old), guest_path_arg(proc, new)
    return hsys(H["renameat"], AT_FDCWD, a.addr, AT_FDCWD, b.addr)


def sys_renameat(proc, olddir, old, newdir, new, *_):
    a, b = guest_path_arg(proc, old), guest_path_arg(proc, new)
    return hsys(H["renameat"], s32(olddir), a.addr, s32(newdir), b.addr)


def sys_symlink(proc, target, linkpath, *_):
    a = cstr(read_path(proc, target))          # the link's text is not remapped
    b = guest_path_arg(proc, linkpath)
    return hsys(H["symlinkat"], a.addr, AT_FDCWD, b.addr)


def sys_link(proc, old, new, *_):
    a, b = guest_path_arg(proc, old), guest_path_arg(proc, new)
    return hsys(H["linkat"], AT_FDCWD, a.addr, AT_FDCWD, b.addr, 0)


def sys_chmod(proc, path, mode, *_):
    return hsys(H["fchmodat"], AT_FDCWD, guest_path_arg(proc, path).addr, mode)


def sys_fchmod(proc, fd, mode, *_):
    return hsys(H["fchmod"], s32(fd), mode)


def sys_fchmodat(proc, dirfd, path, mode, *_):
    return hsys(H["fchmodat"], s32(dirfd), guest_path_arg(proc, path).addr, mode)


# ---- readlink ------------------------------------------------------------------------------
def _readlink(proc, dirfd, path, buf, size):
    size = s32(size)
    if size <= 0:
        return -errno.EINVAL
    p = read_path(proc, path)
    if is_self_exe(p):
        target = os.fsencode(exe_realpath(proc))[:size]
        proc.mem.write(buf, target)
        return len(target)
    hp = guest_path_arg(proc, path)
    return hsys(H["readlinkat"], dirfd, hp.addr, hbuf(proc, buf, size), size)


def sys_readlink(proc, path, buf, size, *_):
    return _readlink(proc, AT_FDCWD, path, buf, size)


def sys_readlinkat(proc, dirfd, path, buf, size, *_):
    return _readlink(proc, s32(dirfd), path, buf, size)
