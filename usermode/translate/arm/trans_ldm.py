"""Load/store multiple: LDM/STM (IA, IB, DA, DB, with writeback) in A32, T32
and T16, and PUSH/POP (T16 PUSH {..,lr} / POP {..,pc}; the A32/T32 forms are
STMDB sp! / LDMIA sp!, which these rows cover too).

Fields, shared by all encodings: ``rn``, ``list`` (bit i = register i),
``p`` (before: IB/DB), ``u`` (increment: IA/IB), ``w`` (writeback), and
``s`` (A32 user-bank/exception-return form, rejected in user mode).
Registers are transferred lowest-numbered at the lowest address.  A loaded
PC is an interworking branch (LoadWritePC); when the base is in the list of
an LDM, the loaded value wins over the writeback.  Writeback and the PC
branch happen after every access, so a faulting access leaves the base
unchanged and the instruction restartable.

Usage::

    from usermode.translate.arm.translate import T16
    pat, f = T16.decode(0xBD10)           # pop {r4, pc}
    pat.name, hex(f["list"]), f["w"]      # ('LDM', '0x8010', 1)
"""
from __future__ import annotations

from ..ir import MO_UL
from .cpu import REG
from .gen_mem import addr_add
from .gen_table import build


def _x(**kw):
    return dict(kw)


_A32 = [
    ("STM", "cond:4 100 p:1 u:1 s:1 w:1 0 rn:4 list:16"),
    ("LDM", "cond:4 100 p:1 u:1 s:1 w:1 1 rn:4 list:16"),
]

_T32 = [
    ("STM", "1110 1000 10 w:1 0 rn:4 list:16", _x(extra={"p": 0, "u": 1, "s": 0})),   # STMIA
    ("LDM", "1110 1000 10 w:1 1 rn:4 list:16", _x(extra={"p": 0, "u": 1, "s": 0})),   # LDMIA
    ("STM", "1110 1001 00 w:1 0 rn:4 list:16", _x(extra={"p": 1, "u": 0, "s": 0})),   # STMDB
    ("LDM", "1110 1001 00 w:1 1 rn:4 list:16", _x(extra={"p": 1, "u": 0, "s": 0})),   # LDMDB
]

_IA = {"p": 0, "u": 1, "s": 0}
_T16 = [
    ("STM", "11000 rn:3 list:8", _x(extra=dict(_IA, w=1))),
    # LDM Rn!, {list}: writeback unless Rn is in the list
    ("LDM", "11001 rn:3 list:8",
     _x(extra=_IA, xform={"w": lambda f: 0 if f["list"] >> f["rn"] & 1 else 1})),
    ("STM", "1011 010 m:1 rlist:8",          # PUSH {rlist, lr if m}
     _x(extra={"p": 1, "u": 0, "s": 0, "w": 1, "rn": 13},
        xform={"list": lambda f: f["rlist"] | f["m"] << 14})),
    ("LDM", "1011 110 pc:1 rlist:8",         # POP {rlist, pc if pc}
     _x(extra=dict(_IA, w=1, rn=13), xform={"list": lambda f: f["rlist"] | f["pc"] << 15})),
]


def _block_addrs(ctx, f):
    """(start address, writeback value, n) for the block of f."""
    n = bin(f["list"]).count("1")
    base = ctx.load_reg(f["rn"])
    if f["u"]:
        start = 4 if f["p"] else 0
        final = 4 * n
    else:
        start = -4 * n if f["p"] else -4 * (n - 1)
        final = -4 * n
    b = ctx.b
    addr = ctx.tmp()
    b.add(addr, base, start & 0xFFFFFFFF) if start else b.mov(addr, base)
    wb = None
    if f["w"]:
        wb = ctx.tmp()
        b.add(wb, base, final & 0xFFFFFFFF)
    return addr, wb, n


def _common_ok(ctx, f) -> bool:
    if f["list"] == 0 or f["rn"] == 15 or f["s"]:
        return False                    # UNPREDICTABLE / not in user mode
    if ctx.thumb and ctx.insn_len == 4 and f["w"] and f["list"] >> f["rn"] & 1:
        return False                    # T32: writeback with Rn in the list
    return True


def trans_STM(ctx, f) -> bool:
    if not _common_ok(ctx, f) or (ctx.thumb and f["list"] & 0x8000):
        return False
    addr, wb, n = _block_addrs(ctx, f)
    k = 0
    for i in range(16):
        if f["list"] >> i & 1:
            ctx.b.st(MO_UL, ctx.load_reg(i), addr_add(ctx, addr, 4 * k))
            k += 1
    if wb is not None:
        ctx.b.mov(REG[f["rn"]], wb)
    return True


def trans_LDM(ctx, f) -> bool:
    if not _common_ok(ctx, f):
        return False
    rn, lst = f["rn"], f["list"]
    addr, wb, n = _block_addrs(ctx, f)
    deferred = {}
    k = 0
    for i in range(16):
        if lst >> i & 1:
            a = addr_add(ctx, addr, 4 * k)
            if i == rn or i == 15:
                t = ctx.tmp()
                ctx.b.ld(MO_UL, t, a)
                deferred[i] = t
            else:
                ctx.b.ld(MO_UL, REG[i], a)
            k += 1
    if wb is not None and rn not in deferred:
        ctx.b.mov(REG[rn], wb)
    if rn in deferred:
        ctx.b.mov(REG[rn], deferred[rn])
    if 15 in deferred:
        ctx.store_reg_bx(15, deferred[15])
    return True


A32 = build(_A32, globals(), 32)
T32 = build(_T32, globals(), 32)
T16 = build(_T16, globals(), 16)
