"""ARM multiplies and divides, A32/T32/T16: MUL MLA MLS, UMULL UMLAL SMULL
SMLAL UMAAL, the halfword multiplies SMUL<x><y> SMLA<x><y> SMULW<y> SMLAW<y>
SMLAL<x><y>, the dual multiplies SMUAD SMUSD SMLAD SMLSD SMLALD SMLSLD (X:
swap Rm's halves), SMMUL SMMLA SMMLS (R: round), USAD8 USADA8, SDIV UDIV.

Fields: rd rn rm ra (accumulator), rdlo rdhi (long forms), s (MULS/UMULLS...;
S_IT for T16 MULS), x/y (which halfword of Rn/Rm, 1 = top), x also the X
swap of the dual forms, r the rounding bit of SMMUL/SMMLA/SMMLS.
The "Ra = 1111" encodings (SMUAD, SMMUL, USAD8, T32 MUL, ...) have patterns
of their own; they are more specific so they win over the accumulating ones.

Flags: MULS and the long <op>S set N and Z only (C, V unchanged, ARMv6+).
Q is set by SMLA<x><y>, SMLAW<y>, SMUAD, SMLAD, SMLSD on signed overflow of
the 32-bit result.  UNPREDICTABLE choices: PC as any operand and
RdLo == RdHi are rejected (SIGILL).

Usage::

    from usermode.translate.arm.translate import translate_block
    blk = translate_block(lambda a, n: bytes.fromhex("910203e0")[:n], 0x1000, 0, max_insns=1)
    print(blk.ir.dump())        # mul r3, r1, r2
"""
from __future__ import annotations

from ..decodetree import pattern as P
from ..ir import Cond
from .cpu import FLAG_NF, FLAG_QF, FLAG_ZF
from .gen_alu import (S_IT, bind, gen_byte, gen_ext64s, gen_ext64u, gen_add_q, gen_half,
                      s_bit)

NOT_F = {"exclude": {"cond": 0xF}}

# ---- A32 ---------------------------------------------------------------------------------
A32 = [P(name, spec, **NOT_F) for name, spec in [
    ("MUL",     "cond:4 0000 000 s:1 rd:4 .... rm:4 1001 rn:4"),
    ("MLA",     "cond:4 0000 001 s:1 rd:4 ra:4 rm:4 1001 rn:4"),
    ("UMAAL",   "cond:4 0000 0100 rdhi:4 rdlo:4 rm:4 1001 rn:4"),
    ("MLS",     "cond:4 0000 0110 rd:4 ra:4 rm:4 1001 rn:4"),
    ("UMULL",   "cond:4 0000 100 s:1 rdhi:4 rdlo:4 rm:4 1001 rn:4"),
    ("UMLAL",   "cond:4 0000 101 s:1 rdhi:4 rdlo:4 rm:4 1001 rn:4"),
    ("SMULL",   "cond:4 0000 110 s:1 rdhi:4 rdlo:4 rm:4 1001 rn:4"),
    ("SMLAL",   "cond:4 0000 111 s:1 rdhi:4 rdlo:4 rm:4 1001 rn:4"),
    ("SMLAxy",  "cond:4 0001 0000 rd:4 ra:4 rm:4 1 y:1 x:1 0 rn:4"),
    ("SMLAWy",  "cond:4 0001 0010 rd:4 ra:4 rm:4 1 y:1 0 0 rn:4"),
    ("SMULWy",  "cond:4 0001 0010 rd:4 .... rm:4 1 y:1 1 0 rn:4"),
    ("SMLALxy", "cond:4 0001 0100 rdhi:4 rdlo:4 rm:4 1 y:1 x:1 0 rn:4"),
    ("SMULxy",  "cond:4 0001 0110 rd:4 .... rm:4 1 y:1 x:1 0 rn:4"),
    ("SMLAD",   "cond:4 0111 0000 rd:4 ra:4 rm:4 00 x:1 1 rn:4"),
    ("SMUAD",   "cond:4 0111 0000 rd:4 1111 rm:4 00 x:1 1 rn:4"),
    ("SMLSD",   "cond:4 0111 0000 rd:4 ra:4 rm:4 01 x:1 1 rn:4"),
    ("SMUSD",   "cond:4 0111 0000 rd:4 1111 rm:4 01 x:1 1 rn:4"),
    ("SDIV",    "cond:4 0111 0001 rd:4 1111 rm:4 0001 rn:4"),
    ("UDIV",    "cond:4 0111 0011 rd:4 1111 rm:4 0001 rn:4"),
    ("SMLALD",  "cond:4 0111 0100 rdhi:4 rdlo:4 rm:4 00 x:1 1 rn:4"),
    ("SMLSLD",  "cond:4 0111 0100 rdhi:4 rdlo:4 rm:4 01 x:1 1 rn:4"),
    ("SMMLA",   "cond:4 0111 0101 rd:4 ra:4 rm:4 00 r:1 1 rn:4"),
    ("SMMUL",   "cond:4 0111 0101 rd:4 1111 rm:4 00 r:1 1 rn:4"),
    ("SMMLS",   "cond:4 0111 0101 rd:4 ra:4 rm:4 11 r:1 1 rn:4"),
    ("USADA8",  "cond:4 0111 1000 rd:4 ra:4 rm:4 0001 rn:4"),
    ("USAD8",   "cond:4 0111 1000 rd:4 1111 rm:4 0001 rn:4"),
]]

# ---- T32 ---------------------------------------------------------------------------------
T32 = [P(name, spec, extra=extra) for name, spec, extra in [
    ("MLA",     "11111011 0000 rn:4 ra:4 rd:4 0000 rm:4", {"s": 0}),
    ("MUL",     "11111011 0000 rn:4 1111 rd:4 0000 rm:4", {"s": 0}),
    ("MLS",     "11111011 0000 rn:4 ra:4 rd:4 0001 rm:4", None),
    ("SMLAxy",  "11111011 0001 rn:4 ra:4 rd:4 00 x:1 y:1 rm:4", None),
    ("SMULxy",  "11111011 0001 rn:4 1111 rd:4 00 x:1 y:1 rm:4", None),
    ("SMLAD",   "11111011 0010 rn:4 ra:4 rd:4 000 x:1 rm:4", None),
    ("SMUAD",   "11111011 0010 rn:4 1111 rd:4 000 x:1 rm:4", None),
    ("SMLAWy",  "11111011 0011 rn:4 ra:4 rd:4 000 y:1 rm:4", None),
    ("SMULWy",  "11111011 0011 rn:4 1111 rd:4 000 y:1 rm:4", None),
    ("SMLSD",   "11111011 0100 rn:4 ra:4 rd:4 000 x:1 rm:4", None),
    ("SMUSD",   "11111011 0100 rn:4 1111 rd:4 000 x:1 rm:4", None),
    ("SMMLA",   "11111011 0101 rn:4 ra:4 rd:4 000 r:1 rm:4", None),
    ("SMMUL",   "11111011 0101 rn:4 1111 rd:4 000 r:1 rm:4", None),
    ("SMMLS",   "11111011 0110 rn:4 ra:4 rd:4 000 r:1 rm:4", None),
    ("USADA8",  "11111011 0111 rn:4 ra:4 rd:4 0000 rm:4", None),
    ("USAD8",   "11111011 0111 rn:4 1111 rd:4 0000 rm:4", None),
    ("SMULL",   "11111011 1000 rn:4 rdlo:4 rdhi:4 0000 rm:4", {"s": 0}),
    ("SDIV",    "11111011 1001 rn:4 1111 rd:4 1111 rm:4", None),
    ("UMULL",   "11111011 1010 rn:4 rdlo:4 rdhi:4 0000 rm:4", {"s": 0}),
    ("UDIV",    "11111011 1011 rn:4 1111 rd:4 1111 rm:4", None),
    ("SMLAL",   "11111011 1100 rn:4 rdlo:4 rdhi:4 0000 rm:4", {"s": 0}),
    ("SMLALxy", "11111011 1100 rn:4 rdlo:4 rdhi:4 10 x:1 y:1 rm:4", None),
    ("SMLALD",  "11111011 1100 rn:4 rdlo:4 rdhi:4 110 x:1 rm:4", None),
    ("SMLSLD",  "11111011 1101 rn:4 rdlo:4 rdhi:4 110 x:1 rm:4", None),
    ("UMLAL",   "11111011 1110 rn:4 rdlo:4 rdhi:4 0000 rm:4", {"s": 0}),
    ("UMAAL",   "11111011 1110 rn:4 rdlo:4 rdhi:4 0110 rm:4", None),
]]

# ---- T16 ---------------------------------------------------------------------------------
T16 = [
    P("MUL", "010000 1101 rn:3 rd:3", width=16, extra={"s": S_IT},
      xform={"rm": lambda d: d["rd"]}),
]


# ---- shared generators ---------------------------------------------------------------------
def _ok(f) -> bool:
    regs = [f[k] for k in ("rd", "rn", "rm", "ra", "rdlo", "rdhi") if k in f]
    if 15 in regs:
        return False
    return not ("rdlo" in f and f["rdlo"] == f["rdhi"])


def _r(ctx, f, k):
    return ctx.load_reg(f[k])


def gen_mul(ctx, f, acc=None) -> bool:
    """Rd = Rn * Rm, +Ra (acc='add') or Ra - (acc='sub'); MULS sets N, Z."""
    if not _ok(f):
        return False
    b = ctx.b
    t = ctx.tmp()
    b.mul(t, _r(ctx, f, "rn"), _r(ctx, f, "rm"))
    if acc == "add":
        b.add(t, t, _r(ctx, f, "ra"))
    elif acc == "sub":
        b.sub(t, _r(ctx, f, "ra"), t)
    if s_bit(ctx, f):
        ctx.gen_logic_cc(t)
    ctx.store_reg(f["rd"], t)
    return True


def _store64(ctx, f, w, set_nz: bool = False) -> None:
    b = ctx.b
    lo, hi = ctx.tmp(), ctx.tmp()
    b.extrl(lo, w)
    b.extrh(hi, w)
    if set_nz:
        b.mov(FLAG_NF, hi)
        b.or_(FLAG_ZF, lo, hi)
    ctx.store_reg(f["rdlo"], lo)
    ctx.store_reg(f["rdhi"], hi)


def _acc64(ctx, f):
    w = ctx.tmp64()
    ctx.b.concat(w, _r(ctx, f, "rdlo"), _r(ctx, f, "rdhi"))
    return w


def gen_mull(ctx, f, signed: bool, acc: bool) -> bool:
    """RdHi:RdLo = Rn * Rm (+ RdHi:RdLo), 64-bit; <op>S sets N, Z."""
    if not _ok(f):
        return False
    b = ctx.b
    lo, hi = ctx.tmp(), ctx.tmp()
    (b.muls2 if signed else b.mulu2)(lo, hi, _r(ctx, f, "rn"), _r(ctx, f, "rm"))
    w = ctx.tmp64()
    b.concat(w, lo, hi)
    if acc:
        b.add(w, w, _acc64(ctx, f))
    _store64(ctx, f, w, s_bit(ctx, f))
    return True


def trans_UMAAL(ctx, f):
    """RdHi:RdLo = Rn * Rm + RdLo + RdHi (cannot overflow 64 bits)."""
    if not _ok(f):
        return False
    b = ctx.b
    w = gen_ext64u(ctx, _r(ctx, f, "rn"))
    b.mul(w, w, gen_ext64u(ctx, _r(ctx, f, "rm")))
    b.add(w, w, gen_ext64u(ctx, _r(ctx, f, "rdlo")))
    b.add(w, w, gen_ext64u(ctx, _r(ctx, f, "rdhi")))
    _store64(ctx, f, w)
    return True


def _halfprod(ctx, f):
    """SInt(Rn half x) * SInt(Rm half y), exact in 32 bits."""
    p = ctx.tmp()
    ctx.b.mul(p, gen_half(ctx, _r(ctx, f, "rn"), f["x"]), gen_half(ctx, _r(ctx, f, "rm"), f["y"]))
    return p


def gen_smulxy(ctx, f, acc: bool) -> bool:
    if not _ok(f):
        return False
    p = _halfprod(ctx, f)
    if acc:
        p = gen_add_q(ctx, p, _r(ctx, f, "ra"))
    ctx.store_reg(f["rd"], p)
    return True


def gen_smulwy(ctx, f, acc: bool) -> bool:
    """(SInt(Rn) * SInt(Rm half y)) >> 16 (+ Ra, Q on overflow)."""
    if not _ok(f):
        return False
    b = ctx.b
    w = gen_ext64s(ctx, _r(ctx, f, "rn"))
    b.mul(w, w, gen_ext64s(ctx, gen_half(ctx, _r(ctx, f, "rm"), f["y"])))
    b.sar(w, w, 16)
    t = ctx.tmp()
    b.extrl(t, w)
    if acc:
        t = gen_add_q(ctx, t, _r(ctx, f, "ra"))
    ctx.store_reg(f["rd"], t)
    return True


def trans_SMLALxy(ctx, f):
    if not _ok(f):
        return False
    w = _acc64(ctx, f)
    ctx.b.add(w, w, gen_ext64s(ctx, _halfprod(ctx, f)))
    _store64(ctx, f, w)
    return True


def _dual(ctx, f, sub: bool):
    """64-bit SInt products of the bottom and top halves (Rm halves swapped
    with X): returns (p1 + p2 or p1 - p2) as an I64."""
    b = ctx.b
    rn, rm = _r(ctx, f, "rn"), _r(ctx, f, "rm")
    if f["x"]:
        t = ctx.tmp()
        b.rotr(t, rm, 16)
        rm = t
    p1, p2 = ctx.tmp(), ctx.tmp()
    b.mul(p1, gen_half(ctx, rn, False), gen_half(ctx, rm, False))
    b.mul(p2, gen_half(ctx, rn, True), gen_half(ctx, rm, True))
    w = gen_ext64s(ctx, p1)
    (b.sub if sub else b.add)(w, w, gen_ext64s(ctx, p2))
    return w


def gen_smlad(ctx, f, sub: bool, acc: bool) -> bool:
    """Rd = p1 +/- p2 (+ Ra); Q when the exact result does not fit 32 bits."""
    if not _ok(f):
        return False
    b = ctx.b
    w = _dual(ctx, f, sub)
    if acc:
        b.add(w, w, gen_ext64s(ctx, _r(ctx, f, "ra")))
    r = ctx.tmp()
    b.extrl(r, w)
    chk = gen_ext64s(ctx, r)
    q = ctx.tmp()
    b.setcond(Cond.NE, q, chk, w)
    b.or_(FLAG_QF, FLAG_QF, q)
    ctx.store_reg(f["rd"], r)
    return True


def gen_smlald(ctx, f, sub: bool) -> bool:
    if not _ok(f):
        return False
    w = _dual(ctx, f, sub)
    ctx.b.add(w, w, _acc64(ctx, f))
    _store64(ctx, f, w)
    return True


def gen_smmul(ctx, f, acc=None) -> bool:
    """Rd = ((Ra << 32) +/- SInt(Rn) * SInt(Rm) (+ 0x80000000 with R))[63:32]."""
    if not _ok(f):
        return False
    b = ctx.b
    w = gen_ext64s(ctx, _r(ctx, f, "rn"))
    b.mul(w, w, gen_ext64s(ctx, _r(ctx, f, "rm")))
    if acc:
        a = ctx.tmp64()
        b.concat(a, 0, _r(ctx, f, "ra"))
        (b.add if acc == "add" else b.sub)(w, a, w)
    if f["r"]:
        b.add(w, w, 0x80000000)
    r = ctx.tmp()
    b.extrh(r, w)
    ctx.store_reg(f["rd"], r)
    return True


def gen_usad8(ctx, f, acc: bool) -> bool:
    """Sum of the absolute differences of the four unsigned bytes (+ Ra)."""
    if not _ok(f):
        return False
    b = ctx.b
    rn, rm = _r(ctx, f, "rn"), _r(ctx, f, "rm")
    total = ctx.tmp()
    b.mov(total, _r(ctx, f, "ra") if acc else 0)
    for i in range(4):
        d, nd = ctx.tmp(), ctx.tmp()
        b.sub(d, gen_byte(ctx, rn, i), gen_byte(ctx, rm, i))
        b.neg(nd, d)
        b.movcond(Cond.LT, d, d, 0, nd, d)
        b.add(total, total, d)
    ctx.store_reg(f["rd"], total)
    return True


def gen_div(ctx, f, signed: bool) -> bool:
    """SDIV/UDIV: quotient rounded to zero; x/0 = 0 (IR divs/divu match ARM)."""
    if not _ok(f):
        return False
    t = ctx.tmp()
    (ctx.b.divs if signed else ctx.b.divu)(t, _r(ctx, f, "rn"), _r(ctx, f, "rm"))
    ctx.store_reg(f["rd"], t)
    return True


# ---- trans functions ---------------------------------------------------------------------
def trans_MUL(ctx, f): return gen_mul(ctx, f)
def trans_MLA(ctx, f): return gen_mul(ctx, f, "add")
def trans_MLS(ctx, f): return gen_mul(ctx, f, "sub")
def trans_UMULL(ctx, f): return gen_mull(ctx, f, signed=False, acc=False)
def trans_UMLAL(ctx, f): return gen_mull(ctx, f, signed=False, acc=True)
def trans_SMULL(ctx, f): return gen_mull(ctx, f, signed=True, acc=False)
def trans_SMLAL(ctx, f): return gen_mull(ctx, f, signed=True, acc=True)
def trans_SMULxy(ctx, f): return gen_smulxy(ctx, f, acc=False)
def trans_SMLAxy(ctx, f): return gen_smulxy(ctx, f, acc=True)
def trans_SMULWy(ctx, f): return gen_smulwy(ctx, f, acc=False)
def trans_SMLAWy(ctx, f): return gen_smulwy(ctx, f, acc=True)
def trans_SMUAD(ctx, f): return gen_smlad(ctx, f, sub=False, acc=False)
def trans_SMLAD(ctx, f): return gen_smlad(ctx, f, sub=False, acc=True)
def trans_SMUSD(ctx, f): return gen_smlad(ctx, f, sub=True, acc=False)
def trans_SMLSD(ctx, f): return gen_smlad(ctx, f, sub=True, acc=True)
def trans_SMLALD(ctx, f): return gen_smlald(ctx, f, sub=False)
def trans_SMLSLD(ctx, f): return gen_smlald(ctx, f, sub=True)
def trans_SMMUL(ctx, f): return gen_smmul(ctx, f)
def trans_SMMLA(ctx, f): return gen_smmul(ctx, f, "add")
def trans_SMMLS(ctx, f): return gen_smmul(ctx, f, "sub")
def trans_USAD8(ctx, f): return gen_usad8(ctx, f, acc=False)
def trans_USADA8(ctx, f): return gen_usad8(ctx, f, acc=True)
def trans_SDIV(ctx, f): return gen_div(ctx, f, signed=True)
def trans_UDIV(ctx, f): return gen_div(ctx, f, signed=False)


bind(globals(), A32, T32, T16)
