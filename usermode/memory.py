"""Guest address space: one reserved host region, guest pages mapped into it.

A 32-bit guest sees addresses 0..4 GiB; guest address ``g`` lives at host
address ``base + g``.  The whole region is reserved PROT_NONE up front, so a
guest access that hits no mapping faults inside the region (and becomes a
guest SIGSEGV), and no guest access can reach the translator's own memory.

A page table (one byte of PROT_* bits per 4 KiB page) mirrors what the guest
has mapped; Python code checks it before touching guest memory, so a bad guest
pointer handed to a syscall becomes -EFAULT, never a crash of the translator.

Usage::

    mem = GuestMemory()                        # reserves 4 GiB
    addr = mem.mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS)
    mem.write(addr, b"hello")
    assert mem.read(addr, 5) == b"hello"
    mem.read_cstr(addr)                        # -> b"hello"
    mem.read(0, 4)                             # raises GuestFault (unmapped)
"""
from __future__ import annotations

import errno
import mmap as _mmap
import os
import struct
try:                        # the C lock RLock() returns, without importing
    from _thread import RLock   # threading (~5 ms of start-up)
except ImportError:         # pragma: no cover - not CPython
    from threading import RLock
TYPE_CHECKING = False           # typing only for annotations: importing it costs start-up time
if TYPE_CHECKING:
    from typing import Optional

from .translate import _runtime

ffi, lib = _runtime.ffi, _runtime.lib

PAGE_SIZE = 4096
PAGE_MASK = ~(PAGE_SIZE - 1)

PROT_NONE, PROT_READ, PROT_WRITE, PROT_EXEC = 0, 1, 2, 4
PAGE_VALID = 8           # page table bit: mapped at all
MAP_SHARED, MAP_PRIVATE, MAP_FIXED, MAP_ANONYMOUS = 0x01, 0x02, 0x10, 0x20
MAP_NORESERVE, MAP_FIXED_NOREPLACE = 0x4000, 0x100000

SYS_mmap, SYS_mprotect, SYS_munmap, SYS_madvise = 9, 10, 11, 28

MMAP_BASE = 0x40000000   # where guest mmap() without a hint starts looking


class GuestFault(Exception):
    """A Python-side access to guest memory that the guest may not make."""

    def __init__(self, addr: int, write: bool = False):
        super().__init__(f"guest {'write' if write else 'read'} fault at {addr:#x}")
        self.addr = addr
        self.write = write


def page_align(x: int) -> int:
    return (x + PAGE_SIZE - 1) & PAGE_MASK


class GuestMemory:
    def __init__(self, size: int = 1 << 32):
        base = lib.rt_guest_base()
        if base == ffi.NULL:
            base = lib.rt_reserve_guest(size)
            if base == ffi.NULL:
                raise MemoryError("cannot reserve the guest address space")
        self.size = int(lib.rt_guest_size())
        self.base = int(ffi.cast("uintptr_t", base))
        self.pages = bytearray(self.size // PAGE_SIZE)
        self.buf = ffi.buffer(base, self.size)
        self.lock = RLock()
        self.brk_start = self.brk_cur = 0
        self.mmap_next = MMAP_BASE

    # ---- address translation -----------------------------------------------
    def g2h(self, addr: int) -> int:
        return self.base + addr

    def h2g(self, host: int) -> int:
        return host - self.base

    # ---- page table -----------------------------------------------------------
    def prot_of(self, addr: int) -> int:
        if not 0 <= addr < self.size:
            return 0
        return self.pages[addr // PAGE_SIZE]

    def is_mapped(self, addr: int, length: int = 1) -> bool:
        return self.check(addr, length, 0)

    def check(self, addr: int, length: int, prot: int) -> bool:
        """True if [addr, addr+length) is mapped with at least `prot`."""
        if length <= 0:
            return 0 <= addr <= self.size
        if addr < 0 or addr + length > self.size:
            return False
        need = prot | PAGE_VALID
        pages = self.pages
        for p in range(addr // PAGE_SIZE, (addr + length - 1) // PAGE_SIZE + 1):
            if pages[p] & need != need:
                return False
        return True

    def _set_pages(self, addr: int, length: int, value: int) -> None:
        first, last = addr // PAGE_SIZE, page_align(addr + length) // PAGE_SIZE
        self.pages[first:last] = bytes([value]) * (last - first)

    # ---- mapping --------------------------------------------------------------------
    def find_free(self, length: int, start: Optional[int] = None) -> int:
        """Lowest free page-aligned range of `length` bytes at or above start (or -1)."""
        npages = page_align(length) // PAGE_SIZE
        zero = bytes(npages)
        starts = [start] if start is not None else [self.mmap_next, MMAP_BASE, PAGE_SIZE * 16]
        for lo in starts:
            p = self.pages.find(zero, lo // PAGE_SIZE)
            if p != -1:
                return p * PAGE_SIZE
        return -1

    def mmap(self, addr: int, length: int, prot: int, flags: int,
             fd: int = -1, offset: int = 0) -> int:
        """Map guest memory; returns the guest address or -errno (kernel style)."""
        if length <= 0:
            return -errno.EINVAL
        if addr & ~PAGE_MASK or offset & ~PAGE_MASK:
            return -errno.EINVAL
        length = page_align(length)
        with self.lock:
            if flags & (MAP_FIXED | MAP_FIXED_NOREPLACE):
                if addr + length > self.size or addr < 0:
                    return -errno.ENOMEM
                if flags & MAP_FIXED_NOREPLACE and any(
                        self.pages[addr // PAGE_SIZE:(addr + length) // PAGE_SIZE]):
                    return -errno.EEXIST
            else:
                hint = addr if addr and self.find_free(length, addr) == addr else None
                addr = hint if hint is not None else self.find_free(length)
                if addr < 0:
                    return -errno.ENOMEM
            hflags = (flags & ~(MAP_FIXED_NOREPLACE)) | MAP_FIXED
            hprot = prot & (PROT_READ | PROT_WRITE)   # guest code never runs natively
            r = lib.rt_syscall(SYS_mmap, self.base + addr, length, hprot, hflags, fd, offset)
            if r < 0:
                return r
            self._set_pages(addr, length, (prot & 7) | PAGE_VALID)
            if not flags & (MAP_FIXED | MAP_FIXED_NOREPLACE) and addr >= self.mmap_next:
                self.mmap_next = addr + length
            return addr

    def munmap(self, addr: int, length: int) -> int:
        if addr & ~PAGE_MASK or length <= 0:
            return -errno.EINVAL
        length = page_align(length)
        if addr + length > self.size:
            return -errno.EINVAL
        with self.lock:
            # put the reservation back, so the range faults again
            r = lib.rt_syscall(SYS_mmap, self.base + addr, length, PROT_NONE,
                               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0)
            if r < 0:
                return r
            self._set_pages(addr, length, 0)
            if addr < self.mmap_next and addr >= MMAP_BASE:
                self.mmap_next = addr
            return 0

    def mprotect(self, addr: int, length: int, prot: int) -> int:
        if addr & ~PAGE_MASK:
            return -errno.EINVAL
        length = page_align(length)
        if not self.is_mapped(addr, length):
            return -errno.ENOMEM
        with self.lock:
            r = lib.rt_syscall(SYS_mprotect, self.base + addr, length,
                               prot & (PROT_READ | PROT_WRITE), 0, 0, 0)
            if r < 0:
                return r
            self._set_pages(addr, length, (prot & 7) | PAGE_VALID)
            return 0

    # ---- brk ------------------------------------------------------------------------
    def set_brk(self, start: int) -> None:
        self.brk_start = self.brk_cur = start

    def brk(self, new: int) -> int:
        """Linux brk semantics: returns the (possibly unchanged) break."""
        with self.lock:
            if new < self.brk_start:
                return self.brk_cur
            old_top, new_top = page_align(self.brk_cur), page_align(new)
            if new_top > old_top:
                if any(self.pages[old_top // PAGE_SIZE:new_top // PAGE_SIZE]):
                    return self.brk_cur
                r = self.mmap(old_top, new_top - old_top, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED)
                if r < 0:
                    return self.brk_cur
            elif new_top < old_top:
                self.munmap(new_top, old_top - new_top)
            elif new > self.brk_cur:
                # same page: memory past the old break must read as zero
                pass
            if new > self.brk_cur and self.brk_cur & ~PAGE_MASK:
                end = min(new, page_align(self.brk_cur))
                self.buf[self.brk_cur:end] = bytes(end - self.brk_cur)
            self.brk_cur = new
            return new

    # ---- access from Python ----------------------------------------------------------
    def read(self, addr: int, length: int) -> bytes:
        if not self.check(addr, length, PROT_READ):
            raise GuestFault(addr)
        return bytes(self.buf[addr:addr + length])

    def write(self, addr: int, data: bytes) -> None:
        if not self.check(addr, len(data), PROT_WRITE):
            raise GuestFault(addr, True)
        self.buf[addr:addr + len(data)] = data

    def poke(self, addr: int, data: bytes) -> None:
        """Write regardless of guest protection (loader use).  Must be mapped."""
        if not self.is_mapped(addr, len(data)):
            raise GuestFault(addr, True)
        if self.check(addr, len(data), PROT_WRITE):
            self.buf[addr:addr + len(data)] = data
            return
        start, end = addr & PAGE_MASK, page_align(addr + len(data))
        lib.rt_syscall(SYS_mprotect, self.base + start, end - start,
                       PROT_READ | PROT_WRITE, 0, 0, 0)
        self.buf[addr:addr + len(data)] = data
        for p in range(start, end, PAGE_SIZE):
            lib.rt_syscall(SYS_mprotect, self.base + p, PAGE_SIZE,
                           self.pages[p // PAGE_SIZE] & (PROT_READ | PROT_WRITE), 0, 0, 0)

    def read_u32(self, addr: int) -> int:
        return struct.unpack("<I", self.read(addr, 4))[0]

    def write_u32(self, addr: int, v: int) -> None:
        self.write(addr, struct.pack("<I", v & 0xFFFFFFFF))

    def read_u16(self, addr: int) -> int:
        return struct.unpack("<H", self.read(addr, 2))[0]

    def read_cstr(self, addr: int, limit: int = 1 << 20) -> bytes:
        """NUL-terminated string (without the NUL); GuestFault if it runs off the map."""
        out = bytearray()
        while len(out) < limit:
            if not self.check(addr, 1, PROT_READ):
                raise GuestFault(addr)
            page_end = (addr & PAGE_MASK) + PAGE_SIZE
            chunk = self.buf[addr:page_end]
            i = bytes(chunk).find(b"\0")
            if i >= 0:
                out += chunk[:i]
                return bytes(out)
            out += chunk
            addr = page_end
        raise GuestFault(addr)
