"""Time syscalls, 32-bit (ARM timespec/timeval of two int32) and *_time64
(struct __kernel_timespec, the host's own layout, passed through).

Usage::

    from usermode.syscalls.sys_time import sys_clock_gettime
    sys_clock_gettime(proc, 1, ts_addr, 0, 0, 0, 0)    # CLOCK_MONOTONIC -> 8 bytes
"""
from __future__ import annotations

import errno

from .hostsys import H, HostBuf, hbuf, hsys, s32
from .structs import (HOST_TIMEVAL, HOST_TMS, TIMESPEC32, TIMESPEC64, TMS32,
                      timespec64_from_guest, timespec_from_guest32, timespec_to_guest32, timeval_to_guest32)

TIMER_ABSTIME = 1


def _ts_out32(proc, r, tmp, addr):
    if r < 0 or not addr:
        return r
    d = TIMESPEC64.unpack(tmp.bytes())
    proc.mem.write(addr, timespec_to_guest32(d["tv_sec"], d["tv_nsec"]))
    return r


def sys_clock_gettime(proc, clk, ts, *_):
    tmp = HostBuf(16)
    r = hsys(H["clock_gettime"], s32(clk), tmp.addr)
    if r < 0:
        return r
    d = TIMESPEC64.unpack(tmp.bytes())
    proc.mem.write(ts, timespec_to_guest32(d["tv_sec"], d["tv_nsec"]))   # NULL -> EFAULT
    return r


def sys_clock_gettime64(proc, clk, ts, *_):
    return hsys(H["clock_gettime"], s32(clk), hbuf(proc, ts, 16))


def sys_clock_getres(proc, clk, ts, *_):
    tmp = HostBuf(16)
    r = hsys(H["clock_getres"], s32(clk), tmp.addr if ts else 0)
    return _ts_out32(proc, r, tmp, ts)


def sys_clock_getres_time64(proc, clk, ts, *_):
    return hsys(H["clock_getres"], s32(clk), hbuf(proc, ts, 16) if ts else 0)


def sys_gettimeofday(proc, tv, tz, *_):
    tmp = HostBuf(HOST_TIMEVAL.size)
    r = hsys(H["gettimeofday"], tmp.addr, hbuf(proc, tz, 8) if tz else 0)
    if r < 0:
        return r
    if tv:
        d = HOST_TIMEVAL.unpack(tmp.bytes())
        proc.mem.write(tv, timeval_to_guest32(d["tv_sec"], d["tv_usec"]))
    return r


def _sleep32(proc, call, req, rem):
    """Run a sleep with 32-bit timespecs: call(host_req, host_rem) -> result."""
    hreq = HostBuf(timespec_from_guest32(proc.mem.read(req, TIMESPEC32.size)))
    hrem = HostBuf(16)
    r = call(hreq.addr, hrem.addr if rem else 0)
    if r == -errno.EINTR and rem:
        d = TIMESPEC64.unpack(hrem.bytes())
        proc.mem.write(rem, timespec_to_guest32(d["tv_sec"], d["tv_nsec"]))
    return r


def sys_nanosleep(proc, req, rem, *_):
    return _sleep32(proc, lambda q, m: hsys(H["nanosleep"], q, m), req, rem)


def sys_clock_nanosleep(proc, clk, flags, req, rem, *_):
    rem = 0 if flags & TIMER_ABSTIME else rem
    return _sleep32(proc, lambda q, m: hsys(H["clock_nanosleep"], s32(clk), flags, q, m),
                    req, rem)


def sys_clock_nanosleep_time64(proc, clk, flags, req, rem, *_):
    hreq = HostBuf(timespec64_from_guest(proc.mem.read(req, 16)))
    return hsys(H["clock_nanosleep"], s32(clk), flags, hreq.addr,
                hbuf(proc, rem, 16) if rem else 0)


def sys_times(proc, buf, *_):
    tmp = HostBuf(HOST_TMS.size)
    r = hsys(H["times"], tmp.addr)
    if r < 0:
        return r
    if buf:
        proc.mem.write(buf, TMS32.pack(**HOST_TMS.unpack(tmp.bytes())))
    return r & 0xFFFFFFFF
