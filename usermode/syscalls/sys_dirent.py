"""getdents64 with directory cookies a 32-bit guest can hold.

ext4 (and others) hand a 64-bit process 64-bit hash cookies in d_off; a
32-bit ARM kernel would hand out 32-bit ones.  glibc's 32-bit readdir()
fails with EOVERFLOW on a d_off that does not fit in 31 bits, so under
qemu-arm such a directory reads as empty.  We do what the real machine does:
every cookie the guest sees fits.  Small cookies (below COOKIE_BASE: tmpfs
counters, byte offsets of linear directories) pass through unchanged; larger
ones are replaced by COOKIE_BASE + n, one n per distinct cookie of that
directory (keyed by device and inode, so dup'ed and re-opened descriptors
agree), and lseek/_llseek on a directory map them back.

Usage::

    from usermode.syscalls.sys_dirent import sys_getdents64, COOKIES
    n = sys_getdents64(proc, fd, buf, 4096)     # linux_dirent64 records, d_off < 2**31
    COOKIES.to_host(fd, 0x40000001)             # the real cookie behind a mapped one
"""
from __future__ import annotations

import struct
TYPE_CHECKING = False           # typing only for annotations: importing it costs start-up time
if TYPE_CHECKING:
    from typing import Dict, List, Optional, Tuple

from .hostsys import H, HostBuf, hbuf_checked, hsys, s32, PROT_WRITE
from .structs import HOST_STAT

COOKIE_BASE = 0x40000000          # cookies >= this are ours (up to 0x7fffffff)
COOKIE_MAX = 0x7FFFFFFF
# struct linux_dirent64 (same on ARM and x86-64): u64 d_ino, s64 d_off,
# u16 d_reclen, u8 d_type, char d_name[]
D_OFF, D_RECLEN = 8, 16


class CookieMap:
    """Per-directory translation between host cookies and guest cookies."""

    def __init__(self):
        self.dirs: Dict[Tuple[int, int], Tuple[Dict[int, int], List[int]]] = {}

    @staticmethod
    def key_of(fd: int) -> Optional[Tuple[int, int]]:
        tmp = HostBuf(HOST_STAT.size)
        if hsys(H["fstat"], fd, tmp.addr) < 0:
            return None
        st = HOST_STAT.unpack(tmp.bytes())
        return st["st_dev"], st["st_ino"]

    def to_guest(self, key, real: int) -> int:
        if 0 <= real < COOKIE_BASE:
            return real
        fwd, back = self.dirs.setdefault(key, ({}, []))
        small = fwd.get(real)
        if small is None:
            if COOKIE_BASE + len(back) > COOKIE_MAX:    # 1 G cookies: start afresh
                fwd.clear()
                back.clear()
            small = fwd[real] = COOKIE_BASE + len(back)
            back.append(real)
        return small

    def to_host(self, fd: int, guest: int) -> int:
        """The host offset for a guest lseek(SEEK_SET) offset on `fd`."""
        if guest < COOKIE_BASE or not self.dirs:
            return guest
        ent = self.dirs.get(self.key_of(fd))
        if ent is None or guest - COOKIE_BASE >= len(ent[1]):
            return guest
        return ent[1][guest - COOKIE_BASE]

    def result_to_guest(self, fd: int, real: int) -> int:
        """lseek's result on a directory: the guest's name for that position."""
        if real < COOKIE_BASE:
            return real
        key = self.key_of(fd)
        return self.to_guest(key, real) if key in self.dirs else real


COOKIES = CookieMap()


def sys_getdents64(proc, fd, dirp, count, *_):
    fd, count = s32(fd), count & 0xFFFFFFFF
    count = min(count, 1 << 20)
    hbuf_checked(proc, dirp, count, PROT_WRITE)       # -EFAULT before consuming entries
    tmp = HostBuf(count)
    r = hsys(H["getdents64"], fd, tmp.addr, count)
    if r <= 0:
        return r
    data = bytearray(tmp.bytes(r))
    key = CookieMap.key_of(fd)
    pos = 0
    while pos < r:
        real = struct.unpack_from("<q", data, pos + D_OFF)[0]
        struct.pack_into("<q", data, pos + D_OFF, COOKIES.to_guest(key, real))
        reclen = struct.unpack_from("<H", data, pos + D_RECLEN)[0]
        if reclen == 0:
            break
        pos += reclen
    proc.mem.write(dirp, bytes(data))
    return r
