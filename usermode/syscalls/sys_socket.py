"""Sockets: socket, socketpair, bind, listen, accept(4), connect, getsockname,
getpeername, send(to), recv(from), shutdown, setsockopt, getsockopt for
AF_UNIX, AF_INET, AF_INET6 (and whatever else the host offers).

The socket ABI is nearly the same on ARM EABI and x86-64: the address
families, SOCK_* types and flags, MSG_* flags, struct sockaddr_* and
socklen_t agree, so addresses go to the host as they are (after a range
check).  The option table below lists the options whose value differs:
SO_RCVTIMEO/SO_SNDTIMEO (old form) carry a struct timeval, 8 bytes on ARM;
socket filters carry a pointer and are refused.  sendmsg/recvmsg are in
sys_sockmsg.py.

Usage::

    from usermode.syscalls.sys_socket import sys_socket
    fd = sys_socket(proc, 2, 1, 0, 0, 0, 0)       # AF_INET, SOCK_STREAM
"""
from __future__ import annotations

import errno
import struct

from .hostsys import H, HostBuf, PROT_READ, PROT_WRITE, hbuf_checked, hsys, s32
from .structs import HOST_TIMEVAL, TIMEVAL32, timeval_to_guest32

SOL_SOCKET = 1
SOCKADDR_MAX = 128                     # sizeof(struct sockaddr_storage)
# (level, optname) -> how the value is converted
SOCKOPT_KINDS = {
    (SOL_SOCKET, 20): "timeval",       # SO_RCVTIMEO_OLD
    (SOL_SOCKET, 21): "timeval",       # SO_SNDTIMEO_OLD
    (SOL_SOCKET, 26): "refuse",        # SO_ATTACH_FILTER: struct sock_fprog has a pointer
    (SOL_SOCKET, 51): "refuse",        # SO_ATTACH_REUSEPORT_CBPF: same
}


def _addr_in(proc, addr, length):
    length &= 0xFFFFFFFF
    if not addr:
        return 0, length
    if length > SOCKADDR_MAX:
        return None, length
    return hbuf_checked(proc, addr, length, PROT_READ), length


def _addr_out(proc, addr, lenp):
    """Host pointers for an (address buffer, socklen_t *) output pair."""
    if not addr:
        return 0, 0
    n = proc.mem.read_u32(lenp)
    hbuf_checked(proc, lenp, 4, PROT_WRITE)
    if n & 0x80000000:
        return None, None
    return hbuf_checked(proc, addr, n, PROT_WRITE), hbuf_checked(proc, lenp, 4, PROT_WRITE)


def sys_socket(proc, domain, type_, protocol, *_):
    return hsys(H["socket"], s32(domain), s32(type_), s32(protocol))


def sys_socketpair(proc, domain, type_, protocol, sv, *_):
    tmp = HostBuf(8)
    hbuf_checked(proc, sv, 8, PROT_WRITE)
    r = hsys(H["socketpair"], s32(domain), s32(type_), s32(protocol), tmp.addr)
    if r >= 0:
        proc.mem.write(sv, tmp.bytes())
    return r


def sys_bind(proc, fd, addr, length, *_):
    h, n = _addr_in(proc, addr, length)
    return -errno.EINVAL if h is None else hsys(H["bind"], s32(fd), h, n)


def sys_connect(proc, fd, addr, length, *_):
    h, n = _addr_in(proc, addr, length)
    return -errno.EINVAL if h is None else hsys(H["connect"], s32(fd), h, n)


def sys_listen(proc, fd, backlog, *_):
    return hsys(H["listen"], s32(fd), s32(backlog))


def sys_accept4(proc, fd, addr, lenp, flags, *_):
    ha, hl = _addr_out(proc, addr, lenp)
    if ha is None:
        return -errno.EINVAL
    return hsys(H["accept4"], s32(fd), ha, hl, s32(flags))


def sys_accept(proc, fd, addr, lenp, *_):
    return sys_accept4(proc, fd, addr, lenp, 0)


def _getname(proc, call, fd, addr, lenp):
    if not lenp or not addr:
        return -errno.EFAULT
    ha, hl = _addr_out(proc, addr, lenp)
    if ha is None:
        return -errno.EINVAL
    return hsys(H[call], s32(fd), ha, hl)


def sys_getsockname(proc, fd, addr, lenp, *_):
    return _getname(proc, "getsockname", fd, addr, lenp)


def sys_getpeername(proc, fd, addr, lenp, *_):
    return _getname(proc, "getpeername", fd, addr, lenp)


def sys_sendto(proc, fd, buf, length, flags, addr, alen):
    h, n = _addr_in(proc, addr, alen)
    if h is None:
        return -errno.EINVAL
    data = hbuf_checked(proc, buf, length, PROT_READ)
    return hsys(H["sendto"], s32(fd), data, length, flags, h, n if addr else 0)


def sys_send(proc, fd, buf, length, flags, *_):
    return sys_sendto(proc, fd, buf, length, flags, 0, 0)


def sys_recvfrom(proc, fd, buf, length, flags, addr, lenp):
    ha, hl = _addr_out(proc, addr, lenp)
    if ha is None:
        return -errno.EINVAL
    data = hbuf_checked(proc, buf, length, PROT_WRITE)
    return hsys(H["recvfrom"], s32(fd), data, length, flags, ha, hl)


def sys_recv(proc, fd, buf, length, flags, *_):
    return sys_recvfrom(proc, fd, buf, length, flags, 0, 0)


def sys_shutdown(proc, fd, how, *_):
    return hsys(H["shutdown"], s32(fd), s32(how))


def sys_setsockopt(proc, fd, level, name, val, length, *_):
    kind = SOCKOPT_KINDS.get((s32(level), s32(name)))
    length = s32(length)
    if kind == "refuse":
        return -errno.ENOPROTOOPT
    if kind == "timeval":
        if length < TIMEVAL32.size:
            return -errno.EINVAL
        d = TIMEVAL32.unpack(proc.mem.read(val, TIMEVAL32.size))
        tmp = HostBuf(HOST_TIMEVAL.pack(tv_sec=d["tv_sec"], tv_usec=d["tv_usec"]))
        return hsys(H["setsockopt"], s32(fd), s32(level), s32(name), tmp.addr, HOST_TIMEVAL.size)
    if length < 0:
        return -errno.EINVAL
    h = hbuf_checked(proc, val, length, PROT_READ) if val else 0
    return hsys(H["setsockopt"], s32(fd), s32(level), s32(name), h, length)


def sys_getsockopt(proc, fd, level, name, val, lenp, *_):
    kind = SOCKOPT_KINDS.get((s32(level), s32(name)))
    n = s32(proc.mem.read_u32(lenp))
    hbuf_checked(proc, lenp, 4, PROT_WRITE)
    if n < 0:
        return -errno.EINVAL
    if kind == "timeval":
        tmp, tlen = HostBuf(HOST_TIMEVAL.size), HostBuf(struct.pack("<I", HOST_TIMEVAL.size))
        r = hsys(H["getsockopt"], s32(fd), s32(level), s32(name), tmp.addr, tlen.addr)
        if r < 0:
            return r
        d = HOST_TIMEVAL.unpack(tmp.bytes())
        out = timeval_to_guest32(d["tv_sec"], d["tv_usec"])[:n]
        proc.mem.write(val, out)
        proc.mem.write_u32(lenp, len(out))
        return r
    h = hbuf_checked(proc, val, n, PROT_WRITE) if n else 0
    return hsys(H["getsockopt"], s32(fd), s32(level), s32(name), h,
                hbuf_checked(proc, lenp, 4, PROT_WRITE))
