"""Memory syscalls: brk, mmap2, munmap, mprotect, madvise, mremap.

All mappings go through GuestMemory (usermode/memory.py), which keeps the
guest page table; every change that can remove or re-protect guest code
also tells the engine (proc.invalidate_code).

mremap grows in place when the pages after the mapping are free, otherwise
(MREMAP_MAYMOVE) moves it with the host's mremap, so file-backed and shared
mappings keep their meaning; the vacated range becomes reserved PROT_NONE again.

msync, mlock/munlock, mincore act on the host pages behind the guest range
after checking it is mapped (-ENOMEM otherwise, as the kernel); mlockall and
munlockall are accepted without locking anything: locking every current
host mapping would pin the translator's 4 GiB reservation and code buffer.

Usage::

    from usermode.syscalls.sys_mem import sys_mmap2
    addr = sys_mmap2(proc, 0, 8192, 3, 0x22, 0xFFFFFFFF, 0)   # anonymous RW
"""
from __future__ import annotations

import errno
import os

from ..memory import (MAP_ANONYMOUS, MAP_FIXED, MAP_NORESERVE, MAP_PRIVATE,
                      PAGE_MASK, PAGE_SIZE, PAGE_VALID, PROT_EXEC, PROT_NONE, page_align)
from .hostsys import H, HostBuf, hsys, s32
from .state import forget_maps, note_file_map, state_of
from .xlat import MMAP_FLAGS, PROT_FLAGS

MREMAP_MAYMOVE, MREMAP_FIXED, MREMAP_DONTUNMAP = 1, 2, 4
MAP_TYPE = 0x0F

# madvise: advice passed to the host; others are hints the translator must not
# apply to its region (fork behaviour, page poisoning) and are accepted as no-ops.
MADV_PASS = {0, 1, 2, 3, 4, 8, 9, 12, 13, 14, 15, 16, 17, 20, 21, 22, 23, 24}
MADV_IGNORE = {10, 11, 18, 19}           # DONTFORK, DOFORK, WIPEONFORK, KEEPONFORK
MADV_DENY = {100, 101}                   # HWPOISON, SOFT_OFFLINE


def _has_exec(mem, addr, length):
    first, last = addr // PAGE_SIZE, page_align(addr + length) // PAGE_SIZE
    return any(p & PROT_EXEC for p in mem.pages[first:last])


def sys_brk(proc, new, *_):
    return proc.mem.brk(new)


def sys_mmap2(proc, addr, length, prot, flags, fd, pgoff):
    try:
        PROT_FLAGS.to_host(prot)
    except ValueError:
        return -errno.EINVAL
    if flags & MAP_TYPE not in (1, 2, 3) or length == 0:
        return -errno.EINVAL
    hflags = MMAP_FLAGS.to_host(flags)
    if flags & MAP_ANONYMOUS:
        fd, offset = -1, 0
    else:
        fd, offset = s32(fd), pgoff * PAGE_SIZE
    r = proc.mem.mmap(addr, length, prot & 7, hflags, fd, offset)
    if r >= 0:
        if flags & MAP_FIXED:
            proc.invalidate_code(r, r + page_align(length))
        if flags & MAP_ANONYMOUS:
            forget_maps(proc, r, r + page_align(length))
        else:
            note_file_map(proc, r, r + page_align(length), _file_info(fd, offset))
    return r


def _file_info(fd, offset):
    """(path, offset, dev, ino) of a mapped file, for /proc/self/maps."""
    try:
        path = os.readlink(f"/proc/self/fd/{fd}")
        st = os.fstat(fd)
        return (path, offset, st.st_dev, st.st_ino)
    except OSError:
        return ("", offset, 0, 0)


def sys_munmap(proc, addr, length, *_):
    r = proc.mem.munmap(addr, length)
    if r == 0:
        proc.invalidate_code(addr, addr + page_align(length))
        forget_maps(proc, addr, addr + page_align(length))
    return r


def sys_mprotect(proc, addr, length, prot, *_):
    try:
        PROT_FLAGS.to_host(prot)
    except ValueError:
        return -errno.EINVAL
    if addr & ~PAGE_MASK:
        return -errno.EINVAL
    mem = proc.mem
    if addr + page_align(length) > mem.size:
        return -errno.ENOMEM
    had_exec = _has_exec(mem, addr, length)
    r = mem.mprotect(addr, length, prot & 7)
    if r == 0 and (had_exec or prot & PROT_EXEC):
        proc.invalidate_code(addr, addr + page_align(length))
    return r


def sys_madvise(proc, addr, length, advice, *_):
    mem = proc.mem
    if addr & ~PAGE_MASK:
        return -errno.EINVAL
    length = page_align(length)
    if addr + length > mem.size:
        return -errno.ENOMEM
    if advice in MADV_DENY:
        return -errno.EPERM
    if advice not in MADV_PASS and advice not in MADV_IGNORE:
        return -errno.EINVAL
    if length and not mem.is_mapped(addr, length):
        return -errno.ENOMEM
    if advice in MADV_IGNORE or not length:
        return 0
    return hsys(H["madvise"], mem.g2h(addr), length, advice)


def _reserve(mem, addr, length):
    """Put the PROT_NONE reservation back over a host hole."""
    hsys(H["mmap"], mem.g2h(addr), length, PROT_NONE,
         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0)


def _move(proc, old, old_size, new_size, dest):
    mem = proc.mem
    pages = bytes(mem.pages[old // PAGE_SIZE:(old + old_size) // PAGE_SIZE])
    ext = (new_size - old_size) // PAGE_SIZE
    if ext > 0:
        pages += pages[-1:] * ext
    pages = pages[:new_size // PAGE_SIZE]
    hsys(H["munmap"], mem.g2h(dest), new_size)
    r = hsys(H["mremap"], mem.g2h(old), old_size, new_size,
             MREMAP_MAYMOVE | MREMAP_FIXED, mem.g2h(dest))
    if r < 0:
        _reserve(mem, dest, new_size)
        return r
    mem.munmap(old, old_size)            # re-reserve the vacated range, clear its pages
    info = state_of(proc).file_maps.get(old)
    forget_maps(proc, old, old + old_size)
    forget_maps(proc, dest, dest + new_size)
    if info is not None:
        note_file_map(proc, dest, dest + new_size, info[1:])
    mem.pages[dest // PAGE_SIZE:(dest + new_size) // PAGE_SIZE] = pages
    proc.invalidate_code(old, old + old_size)
    return dest


def sys_mremap(proc, old, old_size, new_size, flags, new_addr, *_):
    mem = proc.mem
    if old & ~PAGE_MASK or flags & ~7 or flags & MREMAP_DONTUNMAP:
        return -errno.EINVAL
    if flags & MREMAP_FIXED and not flags & MREMAP_MAYMOVE:
        return -errno.EINVAL
    old_size, new_size = page_align(old_size), page_align(new_size)
    if not new_size or not old_size:
        return -errno.EINVAL
    if old + old_size > mem.size or not mem.is_mapped(old, old_size):
        return -errno.EFAULT
    with mem.lock:
        if flags & MREMAP_FIXED:
            if new_addr & ~PAGE_MASK or new_addr + new_size > mem.size:
                return -errno.EINVAL
            if new_addr < old + old_size and old < new_addr + new_size:
                return -errno.EINVAL
            mem.munmap(new_addr, new_size)
            proc.invalidate_code(new_addr, new_addr + new_size)
            return _move(proc, old, old_size, new_size, new_addr)
        if new_size <= old_size:
            if new_size < old_size:
                mem.munmap(old + new_size, old_size - new_size)
                proc.invalidate_code(old + new_size, old + old_size)
            return old
        end = old + new_size
        tail = mem.pages[(old + old_size) // PAGE_SIZE:end // PAGE_SIZE]
        if end <= mem.size and not any(tail):
            # grow in place: punch a hole in the reservation, let the host extend
            hsys(H["munmap"], mem.g2h(old + old_size), new_size - old_size)
            r = hsys(H["mremap"], mem.g2h(old), old_size, new_size, 0, 0)
            if r == mem.g2h(old):
                last = mem.pages[(old + old_size) // PAGE_SIZE - 1]
                mem.pages[(old + old_size) // PAGE_SIZE:end // PAGE_SIZE] = \
                    bytes([last | PAGE_VALID]) * ((new_size - old_size) // PAGE_SIZE)
                return old
            _reserve(mem, old + old_size, new_size - old_size)
        if not flags & MREMAP_MAYMOVE:
            return -errno.ENOMEM
        dest = mem.find_free(new_size)
        if dest < 0:
            return -errno.ENOMEM
        return _move(proc, old, old_size, new_size, dest)


MS_ASYNC, MS_INVALIDATE, MS_SYNC = 1, 2, 4
MCL_CURRENT, MCL_FUTURE, MCL_ONFAULT = 1, 2, 4
MLOCK_ONFAULT = 1


def _mapped_range(mem, addr, length):
    """Page-aligned (addr, length) of a mapped guest range, or -errno."""
    if addr & ~PAGE_MASK:
        return -errno.EINVAL
    length = page_align(length)
    if addr + length > mem.size or length and not mem.is_mapped(addr, length):
        return -errno.ENOMEM
    return length


def sys_msync(proc, addr, length, flags, *_):
    if flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC) or \
            flags & MS_ASYNC and flags & MS_SYNC:
        return -errno.EINVAL
    n = _mapped_range(proc.mem, addr, length)
    if n <= 0:
        return n
    return hsys(H["msync"], proc.mem.g2h(addr), n, flags)


def _lock(proc, call, addr, length, *extra):
    start = addr & PAGE_MASK
    n = _mapped_range(proc.mem, start, length + (addr - start))
    if n <= 0:
        return n
    return hsys(H[call], proc.mem.g2h(start), n, *extra)


def sys_mlock(proc, addr, length, *_):
    return _lock(proc, "mlock", addr, length)


def sys_munlock(proc, addr, length, *_):
    return _lock(proc, "munlock", addr, length)


def sys_mlock2(proc, addr, length, flags, *_):
    if flags & ~MLOCK_ONFAULT:
        return -errno.EINVAL
    return _lock(proc, "mlock2", addr, length, flags)


def sys_mlockall(proc, flags, *_):
    if not flags or flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) or \
            flags == MCL_ONFAULT:
        return -errno.EINVAL
    return 0


def sys_munlockall(proc, *_):
    return 0


def sys_mincore(proc, addr, length, vec, *_):
    mem = proc.mem
    n = _mapped_range(mem, addr, length)
    if n < 0:
        return n
    pages = n // PAGE_SIZE
    tmp = HostBuf(max(pages, 1))
    r = hsys(H["mincore"], mem.g2h(addr), n, tmp.addr)
    if r >= 0 and pages:
        mem.write(vec, tmp.bytes(pages))
    return r
