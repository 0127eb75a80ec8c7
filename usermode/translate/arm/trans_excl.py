"""Exclusive and atomic accesses: LDREX/STREX (B, H, D forms), CLREX,
SWP/SWPB, and the ARMv8 acquire/release forms (LDA/STL, LDAEX/STLEX),
in A32 and T32.

The exclusive monitor follows QEMU: LDREX records the address and the value
it read (EXCL_ADDR, EXCL_VAL, both I64).  STREX succeeds (Rd = 0) iff its
address equals EXCL_ADDR and an atomic compare-and-swap from the recorded
value to the new one succeeds; otherwise Rd = 1.  Both STREX and CLREX clear
the monitor (EXCL_ADDR = -1).  SWP is an atomic exchange: a load and a
compare-and-swap, re-executing the instruction when another thread got in
between (the IR has no backward branches).

Fields: ``rn``, ``rt``, ``rt2`` (doubleword forms), ``rd`` (status), ``imm``
(T32 LDREX/STREX offset, scaled).

Usage::

    from usermode.translate.arm.translate import A32
    pat, f = A32.decode(0xE1821F93)      # strex r1, r3, [r2]
    pat.name, f["rd"], f["rt"], f["rn"]   # ('STREX', 1, 3, 2)
"""
from __future__ import annotations

from ..ir import EXIT_LOOKUP, I32, I64, MO_Q, MO_UB, MO_UL, MO_UW, Cond, Const, MemOp
from .cpu import EXCL_ADDR, EXCL_VAL, PC, REG
from .gen_mem import addr_add, gen_load
from .gen_table import build


def _x(**kw):
    return dict(kw)


_RT2 = {"rt2": lambda f: f["rt"] + 1}     # A32 doubleword forms: Rt2 = Rt + 1
_I0 = {"imm": 0}

_A32 = [
    ("LDREX",  "cond:4 0001 1001 rn:4 rt:4 1111 1001 1111", _x(extra=_I0)),
    ("LDREXD", "cond:4 0001 1011 rn:4 rt:4 1111 1001 1111", _x(extra=_I0, xform=_RT2)),
    ("LDREXB", "cond:4 0001 1101 rn:4 rt:4 1111 1001 1111", _x(extra=_I0)),
    ("LDREXH", "cond:4 0001 1111 rn:4 rt:4 1111 1001 1111", _x(extra=_I0)),
    ("STREX",  "cond:4 0001 1000 rn:4 rd:4 1111 1001 rt:4", _x(extra=_I0)),
    ("STREXD", "cond:4 0001 1010 rn:4 rd:4 1111 1001 rt:4", _x(extra=_I0, xform=_RT2)),
    ("STREXB", "cond:4 0001 1100 rn:4 rd:4 1111 1001 rt:4", _x(extra=_I0)),
    ("STREXH", "cond:4 0001 1110 rn:4 rd:4 1111 1001 rt:4", _x(extra=_I0)),
    # ARMv8 acquire/release
    ("LDAEX",  "cond:4 0001 1001 rn:4 rt:4 1110 1001 1111", _x(extra=_I0)),
    ("LDAEXD", "cond:4 0001 1011 rn:4 rt:4 1110 1001 1111", _x(extra=_I0, xform=_RT2)),
    ("LDAEXB", "cond:4 0001 1101 rn:4 rt:4 1110 1001 1111", _x(extra=_I0)),
    ("LDAEXH", "cond:4 0001 1111 rn:4 rt:4 1110 1001 1111", _x(extra=_I0)),
    ("STLEX",  "cond:4 0001 1000 rn:4 rd:4 1110 1001 rt:4", _x(extra=_I0)),
    ("STLEXD", "cond:4 0001 1010 rn:4 rd:4 1110 1001 rt:4", _x(extra=_I0, xform=_RT2)),
    ("STLEXB", "cond:4 0001 1100 rn:4 rd:4 1110 1001 rt:4", _x(extra=_I0)),
    ("STLEXH", "cond:4 0001 1110 rn:4 rd:4 1110 1001 rt:4", _x(extra=_I0)),
    ("LDA",    "cond:4 0001 1001 rn:4 rt:4 1100 1001 1111"),
    ("LDAB",   "cond:4 0001 1101 rn:4 rt:4 1100 1001 1111"),
    ("LDAH",   "cond:4 0001 1111 rn:4 rt:4 1100 1001 1111"),
    ("STL",    "cond:4 0001 1000 rn:4 1111 1100 1001 rt:4"),
    ("STLB",   "cond:4 0001 1100 rn:4 1111 1100 1001 rt:4"),
    ("STLH",   "cond:4 0001 1110 rn:4 1111 1100 1001 rt:4"),
    # swap (deprecated, but HWCAP_SWP is advertised)
    ("SWP",    "cond:4 0001 0000 rn:4 rt:4 0000 1001 rt2:4"),
    ("SWPB",   "cond:4 0001 0100 rn:4 rt:4 0000 1001 rt2:4"),
    ("CLREX",  "1111 0101 0111 1111 1111 0000 0001 1111"),
]

_T32 = [
    ("LDREX",  "1110 1000 0101 rn:4 rt:4 1111 imm:8", _x(xform={"imm": lambda v: v * 4})),
    ("STREX",  "1110 1000 0100 rn:4 rt:4 rd:4 imm:8", _x(xform={"imm": lambda v: v * 4})),
    ("LDREXB", "1110 1000 1101 rn:4 rt:4 1111 0100 1111", _x(extra=_I0)),
    ("LDREXH", "1110 1000 1101 rn:4 rt:4 1111 0101 1111", _x(extra=_I0)),
    ("LDREXD", "1110 1000 1101 rn:4 rt:4 rt2:4 0111 1111", _x(extra=_I0)),
    ("STREXB", "1110 1000 1100 rn:4 rt:4 1111 0100 rd:4", _x(extra=_I0)),
    ("STREXH", "1110 1000 1100 rn:4 rt:4 1111 0101 rd:4", _x(extra=_I0)),
    ("STREXD", "1110 1000 1100 rn:4 rt:4 rt2:4 0111 rd:4", _x(extra=_I0)),
    ("LDAEX",  "1110 1000 1101 rn:4 rt:4 1111 1110 1111", _x(extra=_I0)),
    ("LDAEXB", "1110 1000 1101 rn:4 rt:4 1111 1100 1111", _x(extra=_I0)),
    ("LDAEXH", "1110 1000 1101 rn:4 rt:4 1111 1101 1111", _x(extra=_I0)),
    ("LDAEXD", "1110 1000 1101 rn:4 rt:4 rt2:4 1111 1111", _x(extra=_I0)),
    ("STLEX",  "1110 1000 1100 rn:4 rt:4 1111 1110 rd:4", _x(extra=_I0)),
    ("STLEXB", "1110 1000 1100 rn:4 rt:4 1111 1100 rd:4", _x(extra=_I0)),
    ("STLEXH", "1110 1000 1100 rn:4 rt:4 1111 1101 rd:4", _x(extra=_I0)),
    ("STLEXD", "1110 1000 1100 rn:4 rt:4 rt2:4 1111 rd:4", _x(extra=_I0)),
    ("LDA",    "1110 1000 1101 rn:4 rt:4 1111 1010 1111"),
    ("LDAB",   "1110 1000 1101 rn:4 rt:4 1111 1000 1111"),
    ("LDAH",   "1110 1000 1101 rn:4 rt:4 1111 1001 1111"),
    ("STL",    "1110 1000 1100 rn:4 rt:4 1111 1010 1111"),
    ("STLB",   "1110 1000 1100 rn:4 rt:4 1111 1000 1111"),
    ("STLH",   "1110 1000 1100 rn:4 rt:4 1111 1001 1111"),
    ("CLREX",  "1111 0011 1011 1111 1000 1111 0010 1111"),
]


# ---------------------------------------------------------------- lowering
def _addr(ctx, f):
    return addr_add(ctx, REG[f["rn"]], f.get("imm", 0))


def _bad(f, *regs) -> bool:
    return f["rn"] == 15 or any(f[r] == 15 for r in regs)


def gen_load_exclusive(ctx, f, mo: MemOp, pair: bool = False) -> bool:
    if _bad(f, "rt") or (pair and (f["rt2"] == 15 or f["rt"] == f["rt2"])):
        return False
    if pair and not ctx.thumb and f["rt"] & 1:
        return False
    b = ctx.b
    addr = _addr(ctx, f)
    if pair:
        v = gen_load(ctx, MO_Q, addr)
        b.ext32u(EXCL_ADDR, addr)
        b.mov(EXCL_VAL, v)
        b.extrl(REG[f["rt"]], v)
        b.extrh(REG[f["rt2"]], v)
    else:
        v = gen_load(ctx, mo, addr)
        b.ext32u(EXCL_ADDR, addr)
        b.ext32u(EXCL_VAL, v)
        b.mov(REG[f["rt"]], v)
    return True


def gen_store_exclusive(ctx, f, mo: MemOp, pair: bool = False) -> bool:
    rd, rt, rn = f["rd"], f["rt"], f["rn"]
    if _bad(f, "rd", "rt") or rd in (rt, rn) or (pair and (f["rt2"] == 15 or rd == f["rt2"])):
        return False
    if pair and not ctx.thumb and rt & 1:
        return False
    b = ctx.b
    addr = _addr(ctx, f)
    fail, done = b.label(), b.label()
    a64 = ctx.tmp64()
    b.ext32u(a64, addr)
    b.brcond(Cond.NE, a64, EXCL_ADDR, fail)
    if pair:
        new = ctx.tmp64()
        b.concat(new, REG[rt], REG[f["rt2"]])
        old = ctx.tmp64()
        b.cmpxchg(MO_Q, old, addr, EXCL_VAL, new)
        b.setcond(Cond.NE, REG[rd], old, EXCL_VAL)
    else:
        cmp = ctx.tmp()
        b.extrl(cmp, EXCL_VAL)
        old = ctx.tmp()
        b.cmpxchg(mo, old, addr, cmp, REG[rt])
        b.setcond(Cond.NE, REG[rd], old, cmp)
    b.br(done)
    b.set_label(fail)
    b.mov(REG[rd], 1)
    b.set_label(done)
    b.mov(EXCL_ADDR, Const(-1, I64))
    return True


def trans_LDREX(ctx, f):  return gen_load_exclusive(ctx, f, MO_UL)
def trans_LDREXB(ctx, f): return gen_load_exclusive(ctx, f, MO_UB)
def trans_LDREXH(ctx, f): return gen_load_exclusive(ctx, f, MO_UW)
def trans_LDREXD(ctx, f): return gen_load_exclusive(ctx, f, MO_Q, pair=True)
def trans_STREX(ctx, f):  return gen_store_exclusive(ctx, f, MO_UL)
def trans_STREXB(ctx, f): return gen_store_exclusive(ctx, f, MO_UB)
def trans_STREXH(ctx, f): return gen_store_exclusive(ctx, f, MO_UW)
def trans_STREXD(ctx, f): return gen_store_exclusive(ctx, f, MO_Q, pair=True)


def _acquire(fn):
    def trans(ctx, f):
        if not fn(ctx, f):
            return False
        ctx.b.mb("full")
        return True
    return trans


def _release(fn):
    def trans(ctx, f):
        if _bad(f, "rt"):
            return False
        ctx.b.mb("full")
        return fn(ctx, f)
    return trans


trans_LDAEX, trans_LDAEXB = _acquire(trans_LDREX), _acquire(trans_LDREXB)
trans_LDAEXH, trans_LDAEXD = _acquire(trans_LDREXH), _acquire(trans_LDREXD)
trans_STLEX, trans_STLEXB = _release(trans_STREX), _release(trans_STREXB)
trans_STLEXH, trans_STLEXD = _release(trans_STREXH), _release(trans_STREXD)


def gen_load_acquire(ctx, f, mo: MemOp) -> bool:
    if _bad(f, "rt"):
        return False
    ctx.b.ld(mo, REG[f["rt"]], REG[f["rn"]])
    ctx.b.mb("full")
    return True


def gen_store_release(ctx, f, mo: MemOp) -> bool:
    if _bad(f, "rt"):
        return False
    ctx.b.mb("full")
    ctx.b.st(mo, REG[f["rt"]], REG[f["rn"]])
    return True


def trans_LDA(ctx, f):  return gen_load_acquire(ctx, f, MO_UL)
def trans_LDAB(ctx, f): return gen_load_acquire(ctx, f, MO_UB)
def trans_LDAH(ctx, f): return gen_load_acquire(ctx, f, MO_UW)
def trans_STL(ctx, f):  return gen_store_release(ctx, f, MO_UL)
def trans_STLB(ctx, f): return gen_store_release(ctx, f, MO_UB)
def trans_STLH(ctx, f): return gen_store_release(ctx, f, MO_UW)


def trans_CLREX(ctx, f) -> bool:
    ctx.b.mov(EXCL_ADDR, Const(-1, I64))
    return True


def gen_swap(ctx, f, mo: MemOp) -> bool:
    """Rt = [Rn]; [Rn] = Rt2, atomically."""
    rt, rt2, rn = f["rt"], f["rt2"], f["rn"]
    if 15 in (rt, rt2, rn) or rn in (rt, rt2):
        return False
    b = ctx.b
    addr = ctx.tmp()
    b.mov(addr, REG[rn])
    new = ctx.tmp()
    b.mov(new, REG[rt2])
    old = gen_load(ctx, mo, addr)
    res = ctx.tmp()
    b.cmpxchg(mo, res, addr, old, new)
    ok = b.label()
    b.brcond(Cond.EQ, res, old, ok)
    # lost a race: run this instruction again (nothing was written yet)
    b.mov(PC, Const(ctx.pc, I64))
    b.exit_tb(EXIT_LOOKUP)
    b.set_label(ok)
    b.mov(REG[rt], old)
    return True


def trans_SWP(ctx, f):  return gen_swap(ctx, f, MO_UL)
def trans_SWPB(ctx, f): return gen_swap(ctx, f, MO_UB)


A32 = build(_A32, globals(), 32)
T32 = build(_T32, globals(), 32)
