"""User and group ids (the 16-bit ARM calls and the *32 ones), scheduling
priority, personality.

The 16-bit calls take old_uid_t: 0xffff means -1 on the way in
(low2highuid) and ids above 65535 read as the overflow id 65534 on the way
out (high2lowuid), as the kernel does.  Setting ids uses raw host syscalls:
this process is single-threaded, so no other thread must follow.

Usage::

    from usermode.syscalls.sys_ids import sys_getresuid32
    sys_getresuid32(proc, ruid_addr, euid_addr, suid_addr, 0, 0, 0)
"""
from __future__ import annotations

import errno
import struct

from .hostsys import H, HostBuf, hsys, s32
from .sys_fsattr import low2high

OVERFLOW_ID = 65534
NGROUPS_MAX = 65536


def high2low(v: int) -> int:
    return OVERFLOW_ID if v & 0xFFFFFFFF > 0xFFFF else v


def _id32(v):
    return v & 0xFFFFFFFF


# ---- set ------------------------------------------------------------------------------------
def sys_setuid(proc, uid, *_):
    return hsys(H["setuid"], low2high(uid))


def sys_setgid(proc, gid, *_):
    return hsys(H["setgid"], low2high(gid))


def sys_setuid32(proc, uid, *_):
    return hsys(H["setuid"], _id32(uid))


def sys_setgid32(proc, gid, *_):
    return hsys(H["setgid"], _id32(gid))


def sys_setreuid(proc, r, e, *_):
    return hsys(H["setreuid"], low2high(r), low2high(e))


def sys_setregid(proc, r, e, *_):
    return hsys(H["setregid"], low2high(r), low2high(e))


def sys_setreuid32(proc, r, e, *_):
    return hsys(H["setreuid"], _id32(r), _id32(e))


def sys_setregid32(proc, r, e, *_):
    return hsys(H["setregid"], _id32(r), _id32(e))


def sys_setresuid(proc, r, e, s, *_):
    return hsys(H["setresuid"], low2high(r), low2high(e), low2high(s))


def sys_setresgid(proc, r, e, s, *_):
    return hsys(H["setresgid"], low2high(r), low2high(e), low2high(s))


def sys_setresuid32(proc, r, e, s, *_):
    return hsys(H["setresuid"], _id32(r), _id32(e), _id32(s))


def sys_setresgid32(proc, r, e, s, *_):
    return hsys(H["setresgid"], _id32(r), _id32(e), _id32(s))


def sys_setfsuid(proc, uid, *_):
    return high2low(hsys(H["setfsuid"], low2high(uid)))


def sys_setfsgid(proc, gid, *_):
    return high2low(hsys(H["setfsgid"], low2high(gid)))


def sys_setfsuid32(proc, uid, *_):
    return hsys(H["setfsuid"], _id32(uid))


def sys_setfsgid32(proc, gid, *_):
    return hsys(H["setfsgid"], _id32(gid))


# ---- get ------------------------------------------------------------------------------------
def _getres(proc, call, a, b, c, narrow):
    tmp = HostBuf(12)
    r = hsys(H[call], tmp.addr, tmp.addr + 4, tmp.addr + 8)
    if r < 0:
        return r
    vals = struct.unpack("<3I", tmp.bytes())
    for addr, v in zip((a, b, c), vals):
        if narrow:
            proc.mem.write(addr, struct.pack("<H", high2low(v)))
        else:
            proc.mem.write_u32(addr, v)
    return r


def sys_getresuid(proc, a, b, c, *_):
    return _getres(proc, "getresuid", a, b, c, True)


def sys_getresgid(proc, a, b, c, *_):
    return _getres(proc, "getresgid", a, b, c, True)


def sys_getresuid32(proc, a, b, c, *_):
    return _getres(proc, "getresuid", a, b, c, False)


def sys_getresgid32(proc, a, b, c, *_):
    return _getres(proc, "getresgid", a, b, c, False)


def _getgroups(proc, size, lst, width):
    size = s32(size)
    if size < 0:
        return -errno.EINVAL
    tmp = HostBuf(4 * min(size, NGROUPS_MAX))
    r = hsys(H["getgroups"], min(size, NGROUPS_MAX), tmp.addr if size else 0)
    if r > 0 and size:
        vals = struct.unpack(f"<{r}I", tmp.bytes(4 * r))
        data = (struct.pack(f"<{r}H", *[high2low(v) for v in vals]) if width == 2
                else tmp.bytes(4 * r))
        proc.mem.write(lst, data)
    return r


def sys_getgroups(proc, size, lst, *_):
    return _getgroups(proc, size, lst, 2)


def sys_getgroups32(proc, size, lst, *_):
    return _getgroups(proc, size, lst, 4)


def _setgroups(proc, size, lst, width):
    size = s32(size)
    if size < 0 or size > NGROUPS_MAX:
        return -errno.EINVAL
    raw = proc.mem.read(lst, size * width) if size else b""
    vals = struct.unpack(f"<{size}{'H' if width == 2 else 'I'}", raw)
    if width == 2:
        vals = [low2high(v) for v in vals]
    tmp = HostBuf(struct.pack(f"<{size}I", *vals))
    return hsys(H["setgroups"], size, tmp.addr if size else 0)


def sys_setgroups(proc, size, lst, *_):
    return _setgroups(proc, size, lst, 2)


def sys_setgroups32(proc, size, lst, *_):
    return _setgroups(proc, size, lst, 4)


# ---- priority, personality -----------------------------------------------------------------------
def sys_getpriority(proc, which, who, *_):
    return hsys(H["getpriority"], s32(which), s32(who))     # the kernel's 40 - nice form


def sys_setpriority(proc, which, who, prio, *_):
    return hsys(H["setpriority"], s32(which), s32(who), s32(prio))


def sys_personality(proc, persona, *_):
    return hsys(H["personality"], persona & 0xFFFFFFFF)
