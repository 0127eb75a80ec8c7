"""I/O multiplexing: poll, ppoll, _newselect, pselect6 (and the *_time64
twins), epoll.

struct pollfd is the same on both sides and goes to the host as is.  An ARM
fd_set is an array of 32-bit words, x86-64's of 64-bit words: the bit order
is the same on little-endian, only the length differs, so sets are copied
through host buffers rounded up to 64 bits.  The ARM struct epoll_event is
16 bytes (the u64 data is 8-aligned), x86-64's is packed to 12.

Signal masks given to ppoll/pselect6/epoll_pwait are read (so a bad pointer
is -EFAULT) but not applied to the host: guest signals are not delivered
through host signal masks (see the signals issue).  The calls block in the
host kernel, so a host signal interrupts them with -EINTR.

Usage::

    from usermode.syscalls.sys_poll import sys_poll
    n = sys_poll(proc, fds_addr, 2, 1000, 0, 0, 0)
"""
from __future__ import annotations

import errno

from .hostsys import H, HostBuf, PROT_READ, PROT_WRITE, SysError, hbuf_checked, hsys, s32
from .structs import (EPOLL_EVENT32, HOST_EPOLL_EVENT, HOST_TIMEVAL, TIMESPEC64,
                      TIMEVAL32, epoll_events_to_guest, epoll_events_to_host,
                      timespec64_from_guest, timespec_from_guest32, timespec_to_guest32, timeval_to_guest32)

POLLFD_SIZE = 8
FD_SETSIZE_MAX = 1 << 20
SIGSET_SIZE = 8
EP_MAX_EVENTS = 0x7FFFFFFF // 16


def sys_poll(proc, fds, nfds, timeout, *_):
    n = nfds & 0xFFFFFFFF
    if n > FD_SETSIZE_MAX:
        return -errno.EINVAL
    h = hbuf_checked(proc, fds, n * POLLFD_SIZE, PROT_READ | PROT_WRITE) if n else 0
    return hsys(H["poll"], h, n, s32(timeout))


def _check_sigmask(proc, mask, size):
    if mask:
        if size != SIGSET_SIZE:
            raise SysError(errno.EINVAL)
        proc.mem.read(mask, SIGSET_SIZE)


def _ppoll(proc, fds, nfds, tsp, mask, size, ts64):
    n = nfds & 0xFFFFFFFF
    if n > FD_SETSIZE_MAX:
        return -errno.EINVAL
    _check_sigmask(proc, mask, size)
    h = hbuf_checked(proc, fds, n * POLLFD_SIZE, PROT_READ | PROT_WRITE) if n else 0
    ts = None
    if tsp:
        raw = proc.mem.read(tsp, 16 if ts64 else 8)
        ts = HostBuf(timespec64_from_guest(raw) if ts64 else timespec_from_guest32(raw))
    r = hsys(H["ppoll"], h, n, ts.addr if ts else 0, 0, SIGSET_SIZE)
    if ts is not None and r != -errno.EFAULT:
        _write_ts(proc, tsp, ts, ts64)
    return r


def _write_ts(proc, addr, ts, ts64):
    if ts64:
        proc.mem.write(addr, ts.bytes())
    else:
        d = TIMESPEC64.unpack(ts.bytes())
        proc.mem.write(addr, timespec_to_guest32(d["tv_sec"], d["tv_nsec"]))


def sys_ppoll(proc, fds, nfds, tsp, mask, size, *_):
    return _ppoll(proc, fds, nfds, tsp, mask, size, False)


def sys_ppoll_time64(proc, fds, nfds, tsp, mask, size, *_):
    return _ppoll(proc, fds, nfds, tsp, mask, size, True)


# ---- select -------------------------------------------------------------------------------
def _fdsets_in(proc, nfds, sets):
    glen = ((nfds + 31) // 32) * 4
    hlen = ((nfds + 63) // 64) * 8
    out = []
    for addr in sets:
        if not addr:
            out.append(None)
            continue
        raw = proc.mem.read(addr, glen) if glen else b""
        proc.mem.write(addr, raw)                     # must be writable as well
        out.append(HostBuf(raw + bytes(hlen - glen)) if hlen else HostBuf(8))
    return out, glen


def _fdsets_out(proc, sets, hsets, glen):
    for addr, h in zip(sets, hsets):
        if h is not None and glen:
            proc.mem.write(addr, h.bytes(glen))


def _select(proc, nfds, sets, timeout_fn):
    nfds = s32(nfds)
    if nfds < 0:
        return -errno.EINVAL
    nfds = min(nfds, FD_SETSIZE_MAX)
    hsets, glen = _fdsets_in(proc, nfds, sets)
    r = timeout_fn(nfds, *[h.addr if h else 0 for h in hsets])
    if r >= 0:
        _fdsets_out(proc, sets, hsets, glen)
    return r


def sys_newselect(proc, nfds, rd, wr, ex, tvp, *_):
    tv = None
    if tvp:
        d = TIMEVAL32.unpack(proc.mem.read(tvp, 8))
        tv = HostBuf(HOST_TIMEVAL.pack(tv_sec=d["tv_sec"], tv_usec=d["tv_usec"]))

    def call(n, r, w, e):
        res = hsys(H["select"], n, r, w, e, tv.addr if tv else 0)
        if tv is not None and res != -errno.EINVAL:
            d2 = HOST_TIMEVAL.unpack(tv.bytes())
            proc.mem.write(tvp, timeval_to_guest32(d2["tv_sec"], d2["tv_usec"]))
        return res
    return _select(proc, nfds, (rd, wr, ex), call)


def _pselect(proc, nfds, rd, wr, ex, tsp, sig, ts64):
    if sig:
        mask, size = proc.mem.read_u32(sig), proc.mem.read_u32(sig + 4)
        _check_sigmask(proc, mask, size)
    ts = None
    if tsp:
        raw = proc.mem.read(tsp, 16 if ts64 else 8)
        ts = HostBuf(timespec64_from_guest(raw) if ts64 else timespec_from_guest32(raw))

    def call(n, r, w, e):
        res = hsys(H["pselect6"], n, r, w, e, ts.addr if ts else 0, 0)
        if ts is not None and res != -errno.EINVAL:
            _write_ts(proc, tsp, ts, ts64)
        return res
    return _select(proc, nfds, (rd, wr, ex), call)


def sys_pselect6(proc, nfds, rd, wr, ex, tsp, sig):
    return _pselect(proc, nfds, rd, wr, ex, tsp, sig, False)


def sys_pselect6_time64(proc, nfds, rd, wr, ex, tsp, sig):
    return _pselect(proc, nfds, rd, wr, ex, tsp, sig, True)


# ---- epoll ----------------------------------------------------------------------------------
EPOLL_CLOEXEC = 0o2000000


def sys_epoll_create(proc, size, *_):
    return -errno.EINVAL if s32(size) <= 0 else hsys(H["epoll_create1"], 0)


def sys_epoll_create1(proc, flags, *_):
    return -errno.EINVAL if flags & ~EPOLL_CLOEXEC else hsys(H["epoll_create1"], flags)


def sys_epoll_ctl(proc, epfd, op, fd, event, *_):
    ev = None
    if event and op != 2:                        # EPOLL_CTL_DEL ignores the event
        ev = HostBuf(epoll_events_to_host(proc.mem.read(event, EPOLL_EVENT32.size), 1))
    return hsys(H["epoll_ctl"], s32(epfd), s32(op), s32(fd), ev.addr if ev else 0)


def _epoll_wait(proc, epfd, events, maxevents, call):
    n = s32(maxevents)
    if n <= 0 or n > EP_MAX_EVENTS:
        return -errno.EINVAL
    hbuf_checked(proc, events, n * EPOLL_EVENT32.size, PROT_WRITE)
    tmp = HostBuf(n * HOST_EPOLL_EVENT.size)
    r = call(s32(epfd), tmp.addr, n)
    if r > 0:
        proc.mem.write(events, epoll_events_to_guest(tmp.bytes(), r))
    return r


def sys_epoll_wait(proc, epfd, events, maxevents, timeout, *_):
    return _epoll_wait(proc, epfd, events, maxevents,
                       lambda e, b, n: hsys(H["epoll_wait"], e, b, n, s32(timeout)))


def sys_epoll_pwait(proc, epfd, events, maxevents, timeout, mask, size):
    _check_sigmask(proc, mask, size)
    return _epoll_wait(proc, epfd, events, maxevents,
                       lambda e, b, n: hsys(H["epoll_wait"], e, b, n, s32(timeout)))


def sys_epoll_pwait2(proc, epfd, events, maxevents, tsp, mask, size):
    _check_sigmask(proc, mask, size)
    ts = HostBuf(timespec64_from_guest(proc.mem.read(tsp, 16))) if tsp else None
    return _epoll_wait(proc, epfd, events, maxevents,
                       lambda e, b, n: hsys(H["epoll_pwait2"], e, b, n, ts.addr if ts else 0,
                                            0, SIGSET_SIZE))
