"""File-descriptor syscalls: read/write/open/close/seek/dup/pipe/fcntl/ioctl.

Guest file descriptors are host file descriptors.  Buffers with the same
layout on both sides are handed to the host kernel as host pointers (hbuf),
iovec arrays and 32-bit structs are converted.

Usage (handlers take the process and the six raw argument registers)::

    from usermode.syscalls.sys_io import sys_write
    n = sys_write(proc, 1, buf_addr, 5, 0, 0, 0)      # -> 5 or -errno
"""
from __future__ import annotations

import errno

from .hostsys import (H, HostBuf, SysError, guest_path_arg, hbuf, hbuf_checked, hsys, read_path,
                      s32, s64pair, GuestFault, PROT_READ, PROT_WRITE)
from .structs import FLOCK32, FLOCK64, IOVEC32, HOST_IOVEC, flock_from_guest32, flock_to_guest32
from .xlat import FCNTL_CMDS, IOCTL_CMDS, OPEN_FLAGS, PIPE2_FLAGS
from .strace_tables import IOCTLS
from .sys_dirent import COOKIES
from .sys_procfs import proc_file

AT_FDCWD = -100
IOV_MAX = 1024
IOCTL_SIZES = {"termios": 36, "winsize": 8, "int": 4}


# Data buffers are checked against the guest page table first, as qemu does
# (so write(fd_of_dev_null, bad_pointer, n) is -EFAULT here too).
def inbuf(proc, addr, n):
    return hbuf_checked(proc, addr, n, PROT_READ)


def outbuf(proc, addr, n):
    return hbuf_checked(proc, addr, n, PROT_WRITE)


def sys_read(proc, fd, buf, count, *_):
    return hsys(H["read"], s32(fd), outbuf(proc, buf, count), count)


def sys_write(proc, fd, buf, count, *_):
    return hsys(H["write"], s32(fd), inbuf(proc, buf, count), count)


def sys_pread64(proc, fd, buf, count, _pad, lo, hi):
    return hsys(H["pread64"], s32(fd), outbuf(proc, buf, count), count, s64pair(lo, hi))


def sys_pwrite64(proc, fd, buf, count, _pad, lo, hi):
    return hsys(H["pwrite64"], s32(fd), inbuf(proc, buf, count), count, s64pair(lo, hi))


def host_iovec(proc, iov, cnt, check):
    """Convert the guest's 8-byte iovec array into a host 16-byte one."""
    cnt = s32(cnt)
    if cnt < 0 or cnt > IOV_MAX:
        raise SysError(errno.EINVAL)
    raw = proc.mem.read(iov, cnt * IOVEC32.size) if cnt else b""
    out = HostBuf(cnt * HOST_IOVEC.size)
    total = 0
    for i in range(cnt):
        ent = IOVEC32.unpack(raw[i * 8:i * 8 + 8])
        base, length = ent["iov_base"], ent["iov_len"]
        if length & 0x80000000:
            raise SysError(errno.EINVAL)
        total += length
        out.write(HOST_IOVEC.pack(iov_base=check(proc, base, length) if length else 0,
                                  iov_len=length), i * HOST_IOVEC.size)
    if total > 0x7FFFFFFF:
        raise SysError(errno.EINVAL)
    return out, cnt


def sys_readv(proc, fd, iov, cnt, *_):
    hv, n = host_iovec(proc, iov, cnt, outbuf)
    return hsys(H["readv"], s32(fd), hv.addr, n)


def sys_writev(proc, fd, iov, cnt, *_):
    hv, n = host_iovec(proc, iov, cnt, inbuf)
    return hsys(H["writev"], s32(fd), hv.addr, n)


# ---- open / close --------------------------------------------------------------------
def do_openat(proc, dirfd, path_addr, flags, mode):
    path = read_path(proc, path_addr)
    hflags = OPEN_FLAGS.to_host(flags)
    fake = proc_file(proc, path, hflags)
    if fake is not None:
        return fake
    hp = guest_path_arg(proc, path_addr)
    return hsys(H["openat"], dirfd, hp.addr, hflags, mode & 0o7777)


def sys_open(proc, path, flags, mode, *_):
    return do_openat(proc, AT_FDCWD, path, flags, mode)


def sys_openat(proc, dirfd, path, flags, mode, *_):
    return do_openat(proc, s32(dirfd), path, flags, mode)


def sys_close(proc, fd, *_):
    return hsys(H["close"], s32(fd))


SEEK_SET = 0


def _seek(fd, off, whence):
    """Host lseek with the directory cookie translation of sys_dirent."""
    if whence == SEEK_SET:
        off = COOKIES.to_host(fd, off)
    r = hsys(H["lseek"], fd, off, whence)
    return r if r < 0 else COOKIES.result_to_guest(fd, r)


def sys_lseek(proc, fd, off, whence, *_):
    r = _seek(s32(fd), s32(off), whence)
    if r > 0x7FFFFFFF:
        return -errno.EOVERFLOW
    return r


def sys_llseek(proc, fd, hi, lo, result, whence, *_):
    off = s64pair(lo, hi)
    r = _seek(s32(fd), off, whence)
    if r < 0:
        return r
    proc.mem.write(result, r.to_bytes(8, "little"))
    return 0


def sys_fsync(proc, fd, *_):
    return hsys(H["fsync"], s32(fd))


def sys_fdatasync(proc, fd, *_):
    return hsys(H["fdatasync"], s32(fd))


def sys_ftruncate64(proc, fd, _pad, lo, hi, *_):
    return hsys(H["ftruncate"], s32(fd), s64pair(lo, hi))


def sys_ftruncate(proc, fd, length, *_):
    return hsys(H["ftruncate"], s32(fd), s32(length))


def sys_truncate(proc, path, length, *_):
    return hsys(H["truncate"], guest_path_arg(proc, path).addr, s32(length))


def sys_truncate64(proc, path, _pad, lo, hi, *_):
    hp = guest_path_arg(proc, path)
    return hsys(H["truncate"], hp.addr, s64pair(lo, hi))


# ---- dup / pipe ------------------------------------------------------------------------------
def sys_dup(proc, fd, *_):
    return hsys(H["dup"], s32(fd))


def sys_dup2(proc, old, new, *_):
    return hsys(H["dup2"], s32(old), s32(new))


def sys_dup3(proc, old, new, flags, *_):
    return hsys(H["dup3"], s32(old), s32(new), _pipe_flags(flags))


def _pipe_flags(flags):
    try:
        return PIPE2_FLAGS.to_host(flags)
    except ValueError:
        raise SysError(errno.EINVAL)


def sys_pipe2(proc, fds, flags, *_):
    tmp = HostBuf(8)
    r = hsys(H["pipe2"], tmp.addr, _pipe_flags(flags))
    if r < 0:
        return r
    try:
        proc.mem.write(fds, tmp.bytes())
    except GuestFault:
        a, b = int.from_bytes(tmp.bytes()[:4], "little"), int.from_bytes(tmp.bytes()[4:], "little")
        hsys(H["close"], a)
        hsys(H["close"], b)
        raise
    return 0


def sys_pipe(proc, fds, *_):
    return sys_pipe2(proc, fds, 0)


# ---- fcntl / ioctl ------------------------------------------------------------------
def sys_fcntl64(proc, fd, cmd, arg, *_):
    ent = FCNTL_CMDS.get(cmd)
    if ent is None:
        return -errno.EINVAL
    hcmd, kind = ent
    fd = s32(fd)
    if kind == "int":
        return hsys(H["fcntl"], fd, hcmd, s32(arg))
    if kind == "getfl":
        r = hsys(H["fcntl"], fd, hcmd, 0)
        return r if r < 0 else OPEN_FLAGS.to_guest(r)
    if kind == "flags":
        return hsys(H["fcntl"], fd, hcmd, OPEN_FLAGS.to_host(arg))
    if kind == "flock":
        tmp = HostBuf(flock_from_guest32(proc.mem.read(arg, FLOCK32.size)))
        r = hsys(H["fcntl"], fd, hcmd, tmp.addr)
        if r >= 0 and hcmd == 5:
            proc.mem.write(arg, flock_to_guest32(tmp.bytes()))
        return r
    if kind == "flock64":
        proc.mem.read(arg, FLOCK64.size)           # qemu checks the struct before the fd
        return hsys(H["fcntl"], fd, hcmd, hbuf(proc, arg, FLOCK64.size))
    size = int(kind.split(":")[1])
    return hsys(H["fcntl"], fd, hcmd, hbuf(proc, arg, size))


def sys_ioctl(proc, fd, req, arg, *_):
    ent = IOCTL_CMDS.get(req)
    if ent is None:
        return -errno.ENOTTY
    kind, _name = ent
    if kind == "none":
        return hsys(H["ioctl"], s32(fd), req, 0)
    if kind == "int":
        return hsys(H["ioctl"], s32(fd), req, s32(arg))
    size = int(kind.split(":")[1])
    return hsys(H["ioctl"], s32(fd), req, hbuf(proc, arg, size))


assert set(IOCTL_CMDS) == set(IOCTLS), "ioctl handler and strace tables disagree"


# ---- positional vectored I/O: ARM passes the offset as (pos_l, pos_h) in r3, r4 ----------
def sys_preadv(proc, fd, iov, cnt, lo, hi, *_):
    hv, n = host_iovec(proc, iov, cnt, outbuf)
    return hsys(H["preadv"], s32(fd), hv.addr, n, s64pair(lo, hi), 0)


def sys_pwritev(proc, fd, iov, cnt, lo, hi, *_):
    hv, n = host_iovec(proc, iov, cnt, inbuf)
    return hsys(H["pwritev"], s32(fd), hv.addr, n, s64pair(lo, hi), 0)


def sys_preadv2(proc, fd, iov, cnt, lo, hi, flags):
    hv, n = host_iovec(proc, iov, cnt, outbuf)
    return hsys(H["preadv2"], s32(fd), hv.addr, n, s64pair(lo, hi), 0, flags)


def sys_pwritev2(proc, fd, iov, cnt, lo, hi, flags):
    hv, n = host_iovec(proc, iov, cnt, inbuf)
    return hsys(H["pwritev2"], s32(fd), hv.addr, n, s64pair(lo, hi), 0, flags)


def sys_flock(proc, fd, op, *_):
    return hsys(H["flock"], s32(fd), s32(op))
