"""Interval and POSIX timers: setitimer/getitimer, timer_create family (and
the *_time64 twins), clock_settime.

Timer ids are the host kernel's (small ints, as a real ARM kernel gives).
Expiry signals go to this process as host signals; what happens to them is
the signal layer's business (today: the default action).  A sigevent is
converted (sigval is 4 bytes on ARM, 8 on x86-64).

Usage::

    from usermode.syscalls.sys_timer import sys_setitimer
    sys_setitimer(proc, 0, new_itimerval, old_itimerval, 0, 0, 0)   # ITIMER_REAL
"""
from __future__ import annotations

import errno

from .hostsys import H, HostBuf, hsys, s32
from .structs import (HOST_ITIMERVAL, ITIMERVAL32, SIGEVENT32, sigevent_to_host,
                      itimer_to_guest, itimer_to_host, timespec64_from_guest)
from .sys_fdkind import gettime_conv, settime_conv
from .xlat import BitTable, bit

TIMER_FLAGS = BitTable([bit("TIMER_ABSTIME", 1, 1)], "reject")
SIGEV_SIGNAL, SIGEV_NONE, SIGEV_THREAD, SIGEV_THREAD_ID = 0, 1, 2, 4


def sys_setitimer(proc, which, new, old, *_):
    hnew = HostBuf(itimer_to_host(ITIMERVAL32, HOST_ITIMERVAL, proc.mem.read(new, 16))) \
        if new else None
    hold = HostBuf(HOST_ITIMERVAL.size)
    r = hsys(H["setitimer"], s32(which), hnew.addr if hnew else 0, hold.addr if old else 0)
    if r >= 0 and old:
        proc.mem.write(old, itimer_to_guest(ITIMERVAL32, HOST_ITIMERVAL, hold.bytes()))
    return r


def sys_getitimer(proc, which, cur, *_):
    tmp = HostBuf(HOST_ITIMERVAL.size)
    r = hsys(H["getitimer"], s32(which), tmp.addr)
    if r >= 0:
        proc.mem.write(cur, itimer_to_guest(ITIMERVAL32, HOST_ITIMERVAL, tmp.bytes()))
    return r


def sys_timer_create(proc, clock, sevp, timerid, *_):
    hs = None
    if sevp:
        raw = proc.mem.read(sevp, SIGEVENT32.size)
        if SIGEVENT32.unpack(raw)["sigev_notify"] == SIGEV_THREAD:
            return -errno.EINVAL           # userspace-only: glibc never passes it down
        hs = HostBuf(sigevent_to_host(raw))
    proc.mem.write(timerid, proc.mem.read(timerid, 4))      # -EFAULT before creating
    tid = HostBuf(4)
    r = hsys(H["timer_create"], s32(clock), hs.addr if hs else 0, tid.addr)
    if r >= 0:
        proc.mem.write(timerid, tid.bytes())
    return r


def _tset(fd, f, n, o):
    return hsys(H["timer_settime"], fd, f, n, o)


def _tget(fd, c):
    return hsys(H["timer_gettime"], fd, c)


def sys_timer_settime(proc, tid, flags, new, old, *_):
    if not new:
        return -errno.EINVAL
    return settime_conv(proc, s32(tid), flags, new, old, False, _tset, TIMER_FLAGS)


def sys_timer_settime64(proc, tid, flags, new, old, *_):
    if not new:
        return -errno.EINVAL
    return settime_conv(proc, s32(tid), flags, new, old, True, _tset, TIMER_FLAGS)


def sys_timer_gettime(proc, tid, cur, *_):
    return gettime_conv(proc, s32(tid), cur, False, _tget)


def sys_timer_gettime64(proc, tid, cur, *_):
    return gettime_conv(proc, s32(tid), cur, True, _tget)


def sys_timer_getoverrun(proc, tid, *_):
    return hsys(H["timer_getoverrun"], s32(tid))


def sys_timer_delete(proc, tid, *_):
    return hsys(H["timer_delete"], s32(tid))


def sys_clock_settime(proc, clock, ts, *_):
    from .structs import timespec_from_guest32
    t = HostBuf(timespec_from_guest32(proc.mem.read(ts, 8)))
    return hsys(H["clock_settime"], s32(clock), t.addr)


def sys_clock_settime64(proc, clock, ts, *_):
    t = HostBuf(timespec64_from_guest(proc.mem.read(ts, 16)))
    return hsys(H["clock_settime"], s32(clock), t.addr)
