"""sendmsg, recvmsg, sendmmsg, recvmmsg (and recvmmsg_time64), with
ancillary data (SCM_RIGHTS, SCM_CREDENTIALS, timestamps) converted.

ARM struct msghdr is seven 32-bit words; x86-64's has 64-bit pointers and
lengths.  Control messages differ in header size and alignment:

    ARM     cmsghdr 12 bytes (u32 len, level, type), data 4-aligned
    x86-64  cmsghdr 16 bytes (u64 len, level, type), data 8-aligned

Payloads are copied as they are, except the ones in CMSG_PAYLOADS whose
layout differs (old-style timestamps: struct timeval / timespec).

Usage::

    from usermode.syscalls.sys_sockmsg import cmsgs_to_host, cmsgs_to_guest
    host = cmsgs_to_host(guest_control_bytes)
    guest, truncated = cmsgs_to_guest(host_control_bytes, guest_space)
"""
from __future__ import annotations

import errno
import struct
TYPE_CHECKING = False           # typing only for annotations: importing it costs start-up time
if TYPE_CHECKING:
    from typing import List, Tuple

from .hostsys import H, HostBuf, PROT_READ, PROT_WRITE, SysError, hbuf_checked, hsys, s32
from .structs import (CMSGHDR32, HOST_CMSGHDR, HOST_MMSGHDR, HOST_MSGHDR, MMSGHDR32, MSGHDR32,
                      TIMESPEC64, timespec64_from_guest, timespec_from_guest32)
from .sys_io import host_iovec, inbuf, outbuf

SOL_SOCKET = 1
MSG_CTRUNC = 0x8
UIO_MAXIOV = 1024


def _tv_to_guest(b):
    sec, frac = struct.unpack("<qq", b[:16])
    return struct.pack("<ii", ((sec + (1 << 31)) % (1 << 32)) - (1 << 31), frac)


def _tv_to_host(b):
    sec, frac = struct.unpack("<ii", b[:8])
    return struct.pack("<qq", sec, frac)


# (level, type) -> (guest payload -> host payload, host payload -> guest payload)
CMSG_PAYLOADS = {
    (SOL_SOCKET, 29): (_tv_to_host, _tv_to_guest),     # SO_TIMESTAMP_OLD: timeval
    (SOL_SOCKET, 35): (_tv_to_host, _tv_to_guest),     # SO_TIMESTAMPNS_OLD: timespec
}


def _align(n, a):
    return (n + a - 1) & ~(a - 1)


def _walk(raw: bytes, hdr, align) -> List[Tuple[int, int, bytes]]:
    """(level, type, payload) of every complete control message in raw."""
    out, pos = [], 0
    while pos + hdr.size <= len(raw):
        d = hdr.unpack(raw[pos:pos + hdr.size])
        ln = d["cmsg_len"]
        if ln < hdr.size or pos + ln > len(raw):
            break
        out.append((d["cmsg_level"], d["cmsg_type"], raw[pos + hdr.size:pos + ln]))
        pos += _align(ln, align)
    return out


def cmsgs_to_host(raw: bytes) -> bytes:
    out = b""
    for level, typ, data in _walk(raw, CMSGHDR32, 4):
        conv = CMSG_PAYLOADS.get((level, typ))
        if conv:
            data = conv[0](data)
        msg = HOST_CMSGHDR.pack(cmsg_len=HOST_CMSGHDR.size + len(data), cmsg_level=level,
                                cmsg_type=typ) + data
        out += msg + bytes(_align(len(msg), 8) - len(msg))
    return out


def cmsgs_to_guest(raw: bytes, space: int) -> Tuple[bytes, bool]:
    """Guest control bytes fitting in `space`, and whether some were cut."""
    out, cut = b"", False
    for level, typ, data in _walk(raw, HOST_CMSGHDR, 8):
        conv = CMSG_PAYLOADS.get((level, typ))
        if conv:
            data = conv[1](data)
        msg = CMSGHDR32.pack(cmsg_len=CMSGHDR32.size + len(data), cmsg_level=level,
                             cmsg_type=typ) + data
        if len(out) + len(msg) > space:
            if (level, typ) == (SOL_SOCKET, 1) and space - len(out) >= CMSGHDR32.size + 4:
                n = (space - len(out) - CMSGHDR32.size) // 4          # as many fds as fit
                msg = CMSGHDR32.pack(cmsg_len=CMSGHDR32.size + 4 * n, cmsg_level=level,
                                     cmsg_type=typ) + data[:4 * n]
                out += msg
            cut = True
            break
        out += msg + bytes(_align(len(msg), 4) - len(msg))
    return out[:space], cut


class HostMsg:
    """A host struct msghdr built from a guest one (keeps its buffers alive)."""

    def __init__(self, proc, addr, receiving, hdr=MSGHDR32):
        d = hdr.unpack(proc.mem.read(addr, hdr.size))
        self.guest = d
        self.name = 0
        if d["msg_name"] and d["msg_namelen"]:
            if d["msg_namelen"] & 0x80000000:
                raise SysError(errno.EINVAL)
            self.name = hbuf_checked(proc, d["msg_name"], d["msg_namelen"],
                                     PROT_WRITE if receiving else PROT_READ)
        if d["msg_iovlen"] > UIO_MAXIOV:
            raise SysError(errno.EMSGSIZE)
        self.iov, n = host_iovec(proc, d["msg_iov"], d["msg_iovlen"],
                                 outbuf if receiving else inbuf)
        clen = d["msg_controllen"] if d["msg_control"] else 0
        if receiving:
            self.control = HostBuf(clen * 2 + 64 if clen else 0)
            hbuf_checked(proc, d["msg_control"], clen, PROT_WRITE)
            hclen = self.control.size
        else:
            raw = proc.mem.read(d["msg_control"], clen) if clen else b""
            self.control = HostBuf(cmsgs_to_host(raw))
            hclen = self.control.size
        self.fields = dict(msg_name=self.name, msg_namelen=d["msg_namelen"] if self.name else 0,
                           msg_iov=self.iov.addr, msg_iovlen=n,
                           msg_control=self.control.addr if hclen else 0,
                           msg_controllen=hclen, msg_flags=0)
        self.buf = HostBuf(HOST_MSGHDR.pack(**self.fields))

    def finish(self, proc, addr, raw_host_hdr: bytes) -> None:
        """After recvmsg: name length, control messages and flags back to the guest."""
        h = HOST_MSGHDR.unpack(raw_host_hdr)
        g = dict(self.guest)
        flags = h["msg_flags"]
        if self.name:
            g["msg_namelen"] = h["msg_namelen"]
        if g["msg_control"] and g["msg_controllen"]:
            ctl, cut = cmsgs_to_guest(self.control.bytes(h["msg_controllen"]),
                                      g["msg_controllen"])
            proc.mem.write(g["msg_control"], ctl)
            g["msg_controllen"] = len(ctl)
            if cut:
                flags |= MSG_CTRUNC
        else:
            g["msg_controllen"] = 0
        g["msg_flags"] = flags
        proc.mem.write(addr, MSGHDR32.pack(**{k: g[k] for k in (
            "msg_name", "msg_namelen", "msg_iov", "msg_iovlen", "msg_control",
            "msg_controllen", "msg_flags")}))


def sys_sendmsg(proc, fd, msg, flags, *_):
    m = HostMsg(proc, msg, False)
    return hsys(H["sendmsg"], s32(fd), m.buf.addr, flags)


def sys_recvmsg(proc, fd, msg, flags, *_):
    m = HostMsg(proc, msg, True)
    r = hsys(H["recvmsg"], s32(fd), m.buf.addr, flags)
    if r >= 0:
        m.finish(proc, msg, m.buf.bytes())
    return r


def _mmsgs(proc, vec, vlen, receiving):
    vlen = min(vlen & 0xFFFFFFFF, UIO_MAXIOV)
    msgs = [HostMsg(proc, vec + i * MMSGHDR32.size, receiving, MMSGHDR32) for i in range(vlen)]
    arr = HostBuf(b"".join(HOST_MMSGHDR.pack(msg_len=0, **m.fields) for m in msgs))
    return msgs, arr


def sys_sendmmsg(proc, fd, vec, vlen, flags, *_):
    msgs, arr = _mmsgs(proc, vec, vlen, False)
    r = hsys(H["sendmmsg"], s32(fd), arr.addr, len(msgs), flags)
    for i in range(max(r, 0)):
        ln = HOST_MMSGHDR.unpack(arr.bytes()[i * HOST_MMSGHDR.size:(i + 1) * HOST_MMSGHDR.size])
        proc.mem.write_u32(vec + i * MMSGHDR32.size + MMSGHDR32.offset("msg_len"), ln["msg_len"])
    return r


def _recvmmsg(proc, fd, vec, vlen, flags, tsp, ts64):
    msgs, arr = _mmsgs(proc, vec, vlen, True)
    ts = None
    if tsp:
        raw = proc.mem.read(tsp, 16 if ts64 else 8)
        ts = HostBuf(timespec64_from_guest(raw) if ts64 else timespec_from_guest32(raw))
    r = hsys(H["recvmmsg"], s32(fd), arr.addr, len(msgs), flags, ts.addr if ts else 0)
    raw = arr.bytes()
    for i in range(max(r, 0)):
        one = raw[i * HOST_MMSGHDR.size:(i + 1) * HOST_MMSGHDR.size]
        base = vec + i * MMSGHDR32.size
        msgs[i].finish(proc, base, one[:HOST_MSGHDR.size])
        proc.mem.write_u32(base + MMSGHDR32.offset("msg_len"),
                           HOST_MMSGHDR.unpack(one)["msg_len"])
    if ts is not None and r >= 0:
        if ts64:
            proc.mem.write(tsp, ts.bytes())
        else:
            d = TIMESPEC64.unpack(ts.bytes())
            proc.mem.write(tsp, struct.pack("<ii", d["tv_sec"], d["tv_nsec"]))
    return r


def sys_recvmmsg(proc, fd, vec, vlen, flags, tsp, *_):
    return _recvmmsg(proc, fd, vec, vlen, flags, tsp, False)


def sys_recvmmsg_time64(proc, fd, vec, vlen, flags, tsp, *_):
    return _recvmmsg(proc, fd, vec, vlen, flags, tsp, True)
