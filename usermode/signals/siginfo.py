"""siginfo_t between the x86-64 host (128 bytes, union at offset 16, 8-byte
longs and pointers) and the ARM guest (128 bytes, union at offset 12, 4-byte
longs and pointers), converted field by field according to the layout the
kernel picks from (signo, si_code) (kernel/signal.c siginfo_layout).

Usage::

    from usermode.signals.siginfo import host_to_guest, guest_to_host, make_guest
    g = host_to_guest(raw128)                          # bytes from the host queue
    make_guest(11, 0, 1, addr=0x1000)                  # a SIGSEGV/SEGV_MAPERR siginfo
    fields(g)                                          # {'signo': 11, 'code': 1, 'addr': ...}
"""
from __future__ import annotations

import struct
TYPE_CHECKING = False           # typing only for annotations: importing it costs start-up time
if TYPE_CHECKING:
    from typing import Dict

SIGINFO_SIZE = 128
HOST_UNION, GUEST_UNION = 16, 12

KILL, TIMER, POLL, FAULT, CHLD, RT, SYS = "kill", "timer", "poll", "fault", "chld", "rt", "sys"

# layout -> [(field, host offset, host size, guest offset, guest size, signed)],
# offsets inside the union
LAYOUTS = {
    KILL: [("pid", 0, 4, 0, 4, True), ("uid", 4, 4, 4, 4, False)],
    TIMER: [("tid", 0, 4, 0, 4, True), ("overrun", 4, 4, 4, 4, True),
            ("value", 8, 8, 8, 4, False)],
    POLL: [("band", 0, 8, 0, 4, True), ("fd", 8, 4, 4, 4, True)],
    FAULT: [("addr", 0, 8, 0, 4, False), ("addr_lsb", 8, 2, 4, 2, True)],
    CHLD: [("pid", 0, 4, 0, 4, True), ("uid", 4, 4, 4, 4, False),
           ("status", 8, 4, 8, 4, True), ("utime", 16, 8, 12, 4, True),
           ("stime", 24, 8, 16, 4, True)],
    RT: [("pid", 0, 4, 0, 4, True), ("uid", 4, 4, 4, 4, False),
         ("value", 8, 8, 8, 4, False)],
    SYS: [("call_addr", 0, 8, 0, 4, False), ("syscall", 8, 4, 4, 4, True),
          ("arch", 12, 4, 8, 4, False)],
}

SI_USER, SI_KERNEL, SI_TIMER, SI_SIGIO = 0, 0x80, -2, -5
# sig -> (highest si_code of its own, layout) (kernel/signal.c sig_sicodes)
SIG_SICODES = {4: (11, FAULT), 8: (15, FAULT), 11: (9, FAULT), 7: (5, FAULT), 5: (6, FAULT),
               17: (6, CHLD), 29: (6, POLL), 31: (2, SYS)}
NSIGPOLL = 6

_FMT = {(1, True): "b", (2, True): "h", (4, True): "i", (8, True): "q",
        (1, False): "B", (2, False): "H", (4, False): "I", (8, False): "Q"}


def layout_of(sig: int, code: int) -> str:
    if SI_USER < code < SI_KERNEL:
        limit = SIG_SICODES.get(sig)
        if limit and code <= limit[0]:
            return limit[1]
        if code <= NSIGPOLL:
            return POLL
        return KILL
    if code == SI_TIMER:
        return TIMER
    if code == SI_SIGIO:
        return POLL
    if code < 0:
        return RT
    return KILL


def _convert(src: bytes, src_union: int, dst_union: int, to_guest: bool) -> bytes:
    signo, errno_, code = struct.unpack_from("<iii", src, 0)
    out = bytearray(SIGINFO_SIZE)
    struct.pack_into("<iii", out, 0, signo, errno_, code)
    for name, ho, hs, go, gs, signed in LAYOUTS[layout_of(signo, code)]:
        so, ss, do, ds = (ho, hs, go, gs) if to_guest else (go, gs, ho, hs)
        v = struct.unpack_from("<" + _FMT[(ss, signed)], src, src_union + so)[0]
        v &= (1 << (8 * ds)) - 1
        if signed and v >> (8 * ds - 1):
            v -= 1 << (8 * ds)
        struct.pack_into("<" + _FMT[(ds, signed)], out, dst_union + do, v)
    return bytes(out)


def host_to_guest(raw: bytes) -> bytes:
    """x86-64 siginfo_t -> ARM siginfo_t."""
    return _convert(raw, HOST_UNION, GUEST_UNION, True)


def guest_to_host(raw: bytes) -> bytes:
    """ARM siginfo_t -> x86-64 siginfo_t."""
    return _convert(raw, GUEST_UNION, HOST_UNION, False)


def make_guest(signo: int, errno_: int, code: int, **values) -> bytes:
    """An ARM siginfo_t with the given union fields (names as in LAYOUTS)."""
    out = bytearray(SIGINFO_SIZE)
    struct.pack_into("<iii", out, 0, signo, errno_, code)
    spec = {f[0]: f for f in LAYOUTS[layout_of(signo, code)]}
    for name, v in values.items():
        _, _, _, go, gs, signed = spec[name]
        v &= (1 << (8 * gs)) - 1
        if signed and v >> (8 * gs - 1):
            v -= 1 << (8 * gs)
        struct.pack_into("<" + _FMT[(gs, signed)], out, GUEST_UNION + go, v)
    return bytes(out)


def fields(raw: bytes) -> Dict[str, int]:
    """The fields of an ARM siginfo_t (signo, errno, code, then its layout's)."""
    signo, errno_, code = struct.unpack_from("<iii", raw, 0)
    d = {"signo": signo, "errno": errno_, "code": code}
    for name, _, _, go, gs, signed in LAYOUTS[layout_of(signo, code)]:
        d[name] = struct.unpack_from("<" + _FMT[(gs, signed)], raw, GUEST_UNION + go)[0]
    return d
