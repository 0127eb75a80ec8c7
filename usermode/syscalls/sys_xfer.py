"""In-kernel data transfer and file space: sendfile/sendfile64, copy_file_range,
splice, tee, fallocate, readahead, arm_fadvise64_64.

64-bit offsets arrive either through pointers (loff_t*, the same 8 bytes on
both sides; sendfile's off_t* is 4 bytes on ARM) or in aligned register
pairs (fallocate: r2:r3 and r4:r5).

Usage::

    from usermode.syscalls.sys_xfer import sys_sendfile64
    n = sys_sendfile64(proc, out_fd, in_fd, off_ptr, count, 0, 0)
"""
from __future__ import annotations

import errno
import struct

from .hostsys import H, HostBuf, PROT_READ, PROT_WRITE, hbuf_checked, hsys, s32, s64pair

def _loff_ptr(proc, addr):
    """Host pointer to a guest loff_t (or 0 for NULL)."""
    if not addr:
        return 0
    return hbuf_checked(proc, addr, 8, PROT_READ | PROT_WRITE)


def sys_sendfile(proc, out_fd, in_fd, offp, count, *_):
    if not offp:
        return hsys(H["sendfile"], s32(out_fd), s32(in_fd), 0, count)
    off = struct.unpack("<i", proc.mem.read(offp, 4))[0]
    tmp = HostBuf(struct.pack("<q", off))
    r = hsys(H["sendfile"], s32(out_fd), s32(in_fd), tmp.addr, count)
    if r >= 0:
        new = struct.unpack("<q", tmp.bytes())[0]
        if new > 0x7FFFFFFF:
            return -errno.EOVERFLOW
        proc.mem.write(offp, struct.pack("<i", new))
    return r


def sys_sendfile64(proc, out_fd, in_fd, offp, count, *_):
    return hsys(H["sendfile"], s32(out_fd), s32(in_fd), _loff_ptr(proc, offp), count)


def sys_copy_file_range(proc, fd_in, off_in, fd_out, off_out, length, flags):
    return hsys(H["copy_file_range"], s32(fd_in), _loff_ptr(proc, off_in), s32(fd_out),
                _loff_ptr(proc, off_out), length, flags)


def sys_splice(proc, fd_in, off_in, fd_out, off_out, length, flags):
    return hsys(H["splice"], s32(fd_in), _loff_ptr(proc, off_in), s32(fd_out),
                _loff_ptr(proc, off_out), length, flags)


def sys_tee(proc, fd_in, fd_out, length, flags, *_):
    return hsys(H["tee"], s32(fd_in), s32(fd_out), length, flags)


def sys_fallocate(proc, fd, mode, off_lo, off_hi, len_lo, len_hi):
    return hsys(H["fallocate"], s32(fd), s32(mode), s64pair(off_lo, off_hi),
                s64pair(len_lo, len_hi))


def sys_readahead(proc, fd, _pad, off_lo, off_hi, count, *_):
    return hsys(H["readahead"], s32(fd), s64pair(off_lo, off_hi), count)


def sys_arm_fadvise64_64(proc, fd, advice, off_lo, off_hi, len_lo, len_hi):
    return hsys(H["fadvise64"], s32(fd), s64pair(off_lo, off_hi), s64pair(len_lo, len_hi),
                s32(advice))
