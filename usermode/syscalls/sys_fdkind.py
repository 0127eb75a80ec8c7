"""Special file descriptors: eventfd(2), memfd_create, inotify, timerfd.

Their flag values (EFD_*, MFD_*, IN_*, TFD_*) are the same on ARM EABI and
x86-64 (all derive from O_CLOEXEC/O_NONBLOCK, which agree), so the flag
tables below only validate; what is read from them (the eventfd counter,
struct inotify_event) has one layout on both.  timerfd's itimerspec is
converted (four int32 on ARM, or four int64 for the *_time64 calls).

Usage::

    from usermode.syscalls.sys_fdkind import sys_eventfd2
    fd = sys_eventfd2(proc, 0, 0, 0, 0, 0, 0)
"""
from __future__ import annotations

import errno

from .hostsys import H, HostBuf, cstr, guest_path_arg, hbuf_checked, hsys, s32, PROT_WRITE
from .structs import (HOST_ITIMERSPEC, ITIMERSPEC32, itimer_to_guest, itimer_to_host,
                      timespec64_from_guest)
from .xlat import BitTable, bit

O_NONBLOCK, O_CLOEXEC = 0o4000, 0o2000000
EFD_FLAGS = BitTable([bit("EFD_SEMAPHORE", 1, 1), bit("EFD_NONBLOCK", O_NONBLOCK, O_NONBLOCK),
                      bit("EFD_CLOEXEC", O_CLOEXEC, O_CLOEXEC)], "reject")
MFD_FLAGS = BitTable([bit("MFD_CLOEXEC", 1, 1), bit("MFD_ALLOW_SEALING", 2, 2),
                      bit("MFD_HUGETLB", 4, 4), bit("MFD_NOEXEC_SEAL", 8, 8),
                      bit("MFD_EXEC", 0x10, 0x10), ("MFD_HUGE_SHIFT", 0xFC000000, 0, 0xFC000000, 0)],
                     "reject")
IN_INIT_FLAGS = BitTable([bit("IN_NONBLOCK", O_NONBLOCK, O_NONBLOCK),
                          bit("IN_CLOEXEC", O_CLOEXEC, O_CLOEXEC)], "reject")
TFD_FLAGS = IN_INIT_FLAGS
TFD_SETTIME_FLAGS = BitTable([bit("TFD_TIMER_ABSTIME", 1, 1),
                              bit("TFD_TIMER_CANCEL_ON_SET", 2, 2)], "reject")


def _flags(table, v):
    try:
        return table.to_host(v)
    except ValueError:
        return None


def sys_eventfd(proc, initval, *_):
    return hsys(H["eventfd"], initval)


def sys_eventfd2(proc, initval, flags, *_):
    f = _flags(EFD_FLAGS, flags)
    return -errno.EINVAL if f is None else hsys(H["eventfd2"], initval, f)


def sys_memfd_create(proc, name, flags, *_):
    n = proc.mem.read_cstr(name, 4096)
    if len(n) > 249:
        return -errno.EINVAL
    f = _flags(MFD_FLAGS, flags)
    return -errno.EINVAL if f is None else hsys(H["memfd_create"], cstr(n).addr, f)


def sys_inotify_init(proc, *_):
    return hsys(H["inotify_init1"], 0)


def sys_inotify_init1(proc, flags, *_):
    f = _flags(IN_INIT_FLAGS, flags)
    return -errno.EINVAL if f is None else hsys(H["inotify_init1"], f)


def sys_inotify_add_watch(proc, fd, path, mask, *_):
    return hsys(H["inotify_add_watch"], s32(fd), guest_path_arg(proc, path).addr, mask)


def sys_inotify_rm_watch(proc, fd, wd, *_):
    return hsys(H["inotify_rm_watch"], s32(fd), s32(wd))


# ---- timerfd ---------------------------------------------------------------------------
def sys_timerfd_create(proc, clock, flags, *_):
    f = _flags(TFD_FLAGS, flags)
    return -errno.EINVAL if f is None else hsys(H["timerfd_create"], s32(clock), f)


def settime_conv(proc, fd, flags, new, old, time64, call, table=TFD_SETTIME_FLAGS):
    """Run call(fd, flags, host_new, host_old) with itimerspecs converted."""
    f = _flags(table, flags)
    if f is None:
        return -errno.EINVAL
    if time64:
        hnew = HostBuf(timespec64_from_guest(proc.mem.read(new, HOST_ITIMERSPEC.size)))
        hold = hbuf_checked(proc, old, HOST_ITIMERSPEC.size, PROT_WRITE) if old else 0
        return call(fd, f, hnew.addr, hold)
    hnew = HostBuf(itimer_to_host(ITIMERSPEC32, HOST_ITIMERSPEC,
                                  proc.mem.read(new, ITIMERSPEC32.size)))
    hold = HostBuf(HOST_ITIMERSPEC.size)
    r = call(fd, f, hnew.addr, hold.addr if old else 0)
    if r >= 0 and old:
        proc.mem.write(old, itimer_to_guest(ITIMERSPEC32, HOST_ITIMERSPEC, hold.bytes()))
    return r


def gettime_conv(proc, fd, cur, time64, call):
    if time64:
        return call(fd, hbuf_checked(proc, cur, HOST_ITIMERSPEC.size, PROT_WRITE))
    tmp = HostBuf(HOST_ITIMERSPEC.size)
    r = call(fd, tmp.addr)
    if r >= 0:
        proc.mem.write(cur, itimer_to_guest(ITIMERSPEC32, HOST_ITIMERSPEC, tmp.bytes()))
    return r


def _tfd_set(fd, f, n, o):
    return hsys(H["timerfd_settime"], fd, f, n, o)


def _tfd_get(fd, c):
    return hsys(H["timerfd_gettime"], fd, c)


def sys_timerfd_settime(proc, fd, flags, new, old, *_):
    return settime_conv(proc, s32(fd), flags, new, old, False, _tfd_set)


def sys_timerfd_settime64(proc, fd, flags, new, old, *_):
    return settime_conv(proc, s32(fd), flags, new, old, True, _tfd_set)


def sys_timerfd_gettime(proc, fd, cur, *_):
    return gettime_conv(proc, s32(fd), cur, False, _tfd_get)


def sys_timerfd_gettime64(proc, fd, cur, *_):
    return gettime_conv(proc, s32(fd), cur, True, _tfd_get)
