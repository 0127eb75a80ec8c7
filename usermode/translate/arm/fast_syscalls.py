"""ARM EABI system calls served natively by translated code (see
usermode/translate/fastsys.py): the guest number, the x86-64 number, and how
each argument register becomes a host argument.

Argument kinds: ``i`` a signed int (fd), ``u`` an unsigned 32-bit count,
``p`` a guest pointer (host address = guest_base + the zero-extended value).

Usage (the SVC translation)::

    from usermode.translate.arm.fast_syscalls import gen_fast_syscalls
    gen_fast_syscalls(ctx, slow_label, done_label)
"""
from __future__ import annotations

from ..fastsys import ERESTARTSYS, syscall_helper
from ..ir import I32, I64, Cond, Const
from .cpu import LAYOUT, REG

GUEST_BASE = LAYOUT.glob("guest_base")

# guest nr: (name, host nr, argument kinds)
FAST = {
    20: ("getpid", 39, ""),
    64: ("getppid", 110, ""),
    224: ("gettid", 186, ""),
    199: ("getuid32", 102, ""),
    200: ("getgid32", 104, ""),
    201: ("geteuid32", 107, ""),
    202: ("getegid32", 108, ""),
    158: ("sched_yield", 24, ""),
    4: ("write", 1, "ipu"),
}


def _arg(b, kind: str, n: int):
    t = b.temp(I64)
    if kind == "i":
        b.ext32s(t, REG[n])
    else:
        b.ext32u(t, REG[n])
        if kind == "p":
            b.add(t, t, GUEST_BASE)
    return t


def gen_fast_syscalls(ctx, slow, done) -> None:
    """For each fast call: if r7 is its number, call the host and branch to
    `done` with r0 = the result, or to `slow` if a signal cut it short."""
    b = ctx.b
    for nr, (_, host, kinds) in FAST.items():
        other = b.label()
        b.brcond(Cond.NE, REG[7], Const(nr, I32), other)
        args = [_arg(b, k, i) for i, k in enumerate(kinds)]
        res = b.temp(I64)
        b.call(syscall_helper(len(args)), res, Const(host, I64), *args)
        b.brcond(Cond.EQ, res, Const(-ERESTARTSYS, I64), slow)
        r0 = b.temp(I32)
        b.extrl(r0, res)
        b.mov(REG[0], r0)
        b.br(done)
        b.set_label(other)
