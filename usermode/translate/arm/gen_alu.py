"""Shared IR helpers for the ARM integer ALU modules (trans_dp, trans_mul,
trans_media, trans_parallel): immediate expansion, shifts by register,
saturation, the sticky Q flag, halfword/byte lane extraction.

Every helper takes the DisasContext and returns a fresh temp; none writes a
guest register (the trans functions do that through ctx.store_reg).

Usage::

    from usermode.translate.arm.gen_alu import a32_expand_imm, gen_shift_reg, gen_ssat
    a32_expand_imm(0x4FF)                       # -> 0xFF000000 (rot 4: ROR #8)
    r = gen_shift_reg(ctx, ctx.load_reg(1), 0, ctx.load_reg(2), set_carry=True)
    q = gen_ssat(ctx, r, 16)                    # saturate to 16 bits, sets Q
"""
from __future__ import annotations

from ..ir import Cond
from .cpu import FLAG_CF, FLAG_QF

M32 = 0xFFFFFFFF

# T16 "S" field value: flags are set only outside an IT block
S_IT = 2


def s_bit(ctx, f) -> bool:
    """The S bit of a decoded instruction (resolving the T16 IT-dependent form)."""
    s = f.get("s", 0)
    if s == S_IT:
        return ctx.itstate == 0
    return bool(s)


def is_t32(ctx) -> bool:
    return ctx.thumb and ctx.insn_len == 4


def is_t16(ctx) -> bool:
    return ctx.thumb and ctx.insn_len == 2


def ror32(v: int, n: int) -> int:
    n &= 31
    v &= M32
    return ((v >> n) | (v << (32 - n))) & M32 if n else v


# ---- immediate expansion (used as decodetree xforms) ------------------------------
def a32_expand_imm(imm12: int) -> int:
    """ARMExpandImm: imm8 rotated right by 2 * rot."""
    return ror32(imm12 & 0xFF, 2 * (imm12 >> 8))


def t32_expand_imm(imm12: int) -> int:
    """ThumbExpandImm: replicated byte patterns or a rotated 1:imm7."""
    imm8 = imm12 & 0xFF
    if imm12 >> 10 == 0:
        kind = (imm12 >> 8) & 3
        return (imm8, imm8 * 0x00010001, imm8 * 0x01000100, imm8 * 0x01010101)[kind]
    return ror32(0x80 | (imm12 & 0x7F), imm12 >> 7)


def t32_imm_rot(imm12: int) -> int:
    """Nonzero when ThumbExpandImm_C produces a carry-out (bit 31 of the value)."""
    return 0 if imm12 >> 10 == 0 else imm12 >> 7


# ---- shifts -------------------------------------------------------------------------
def gen_shift_reg(ctx, v, shtype: int, rs, set_carry: bool):
    """v shifted by Rs[7:0] with the A32 register-shift rules (0: unchanged and
    carry unchanged; LSL/LSR by 32 give 0 with carry = bit 0/31; more than 32
    give 0 with carry 0; ASR by >= 32 gives the sign; ROR by multiples of 32
    leaves the value and sets carry = bit 31).  With set_carry, CF gets the
    shifter carry-out.  Returns a new temp."""
    b = ctx.b
    amt = ctx.tmp()
    b.and_(amt, rs, 0xFF)
    r = ctx.tmp()
    if shtype == 3:
        b.rotr(r, v, amt)
        if set_carry:
            c = ctx.tmp()
            b.shr(c, r, 31)
            b.movcond(Cond.EQ, FLAG_CF, amt, 0, FLAG_CF, c)
        return r
    w = ctx.tmp64()
    cl = ctx.tmp()
    cl64 = ctx.tmp64()
    if shtype == 0:
        # (zero-extended v) << min(amt, 33): result in the low half, carry in bit 32
        b.ext32u(w, v)
        b.movcond(Cond.GTU, cl, amt, 33, 33, amt)
        b.ext32u(cl64, cl)
        b.shl(w, w, cl64)
        b.extrl(r, w)
        if set_carry:
            c = ctx.tmp()
            b.extrh(c, w)
            b.and_(c, c, 1)
            b.movcond(Cond.EQ, FLAG_CF, amt, 0, FLAG_CF, c)
        return r
    # LSR / ASR: (v << 1) >> min(amt, 33|32): carry in bit 0, result above it
    lim = 33 if shtype == 1 else 32
    if shtype == 1:
        b.ext32u(w, v)
    else:
        b.ext32s(w, v)
    b.shl(w, w, 1)
    b.movcond(Cond.GTU, cl, amt, lim, lim, amt)
    b.ext32u(cl64, cl)
    if shtype == 1:
        b.shr(w, w, cl64)
    else:
        b.sar(w, w, cl64)
    if set_carry:
        c = ctx.tmp()
        b.extrl(c, w)
        b.and_(c, c, 1)
        b.movcond(Cond.EQ, FLAG_CF, amt, 0, FLAG_CF, c)
    b.shr(w, w, 1)
    b.extrl(r, w)
    return r


# ---- Q flag and saturation -------------------------------------------------------------
def gen_set_q_if(ctx, cond: Cond, a, b_) -> None:
    """QF |= (a cond b_) (values of one type)."""
    t = ctx.tmp()
    ctx.b.setcond(cond, t, a, b_)
    ctx.b.or_(FLAG_QF, FLAG_QF, t)


def gen_ssat(ctx, v, bits: int, set_q: bool = True):
    """SignedSatQ(SInt(v), bits) for an I32 v (1 <= bits <= 32); QF on saturation."""
    b = ctx.b
    r = ctx.tmp()
    if bits >= 32:
        b.mov(r, v)
        return r
    hi = (1 << (bits - 1)) - 1
    lo = -(1 << (bits - 1)) & M32
    b.movcond(Cond.GT, r, v, hi, hi, v)
    b.movcond(Cond.LT, r, r, lo, lo, r)
    if set_q:
        gen_set_q_if(ctx, Cond.NE, r, v)
    return r


def gen_usat(ctx, v, bits: int, set_q: bool = True):
    """UnsignedSatQ(SInt(v), bits) for an I32 v (0 <= bits <= 31); QF on saturation."""
    b = ctx.b
    r = ctx.tmp()
    hi = (1 << bits) - 1
    b.movcond(Cond.GT, r, v, hi, hi, v)
    b.movcond(Cond.LT, r, r, 0, 0, r)
    if set_q:
        gen_set_q_if(ctx, Cond.NE, r, v)
    return r


def gen_ssat64_32(ctx, w, set_q: bool = True):
    """Saturate a signed I64 value to the signed 32-bit range; QF on saturation."""
    b = ctx.b
    s = ctx.tmp64()
    b.movcond(Cond.GT, s, w, 0x7FFFFFFF, 0x7FFFFFFF, w)
    b.movcond(Cond.LT, s, s, -0x80000000, -0x80000000, s)   # Const masks to 64 bits
    if set_q:
        gen_set_q_if(ctx, Cond.NE, s, w)
    r = ctx.tmp()
    b.extrl(r, s)
    return r


def gen_ext64s(ctx, v):
    w = ctx.tmp64()
    ctx.b.ext32s(w, v)
    return w


def gen_ext64u(ctx, v):
    w = ctx.tmp64()
    ctx.b.ext32u(w, v)
    return w


def gen_add_q(ctx, a, b_):
    """a + b_ (I32) with signed overflow setting QF (result wraps, like SMLAxy)."""
    b = ctx.b
    r, t1, t2 = ctx.tmp(), ctx.tmp(), ctx.tmp()
    b.add(r, a, b_)
    b.xor(t1, r, a)
    b.xor(t2, a, b_)
    b.andc(t1, t1, t2)
    b.shr(t1, t1, 31)
    b.or_(FLAG_QF, FLAG_QF, t1)
    return r


# ---- lanes ------------------------------------------------------------------------------
def gen_half(ctx, v, top: bool, signed: bool = True):
    """The bottom or top halfword of v, sign- or zero-extended to 32 bits."""
    b = ctx.b
    r = ctx.tmp()
    if top:
        (b.sar if signed else b.shr)(r, v, 16)
    elif signed:
        b.ext16s(r, v)
    else:
        b.ext16u(r, v)
    return r


def gen_byte(ctx, v, n: int, signed: bool = False):
    """Byte n (0..3) of v, sign- or zero-extended to 32 bits."""
    b = ctx.b
    r = ctx.tmp()
    if n == 3:
        (b.sar if signed else b.shr)(r, v, 24)
        return r
    if n:
        b.shr(r, v, 8 * n)
        src = r
    else:
        src = v
    (b.ext8s if signed else b.ext8u)(r, src)
    return r


def gen_rotate(ctx, v, rot: int):
    """v ROR (8 * rot), for the extend instructions."""
    if rot == 0:
        return v
    r = ctx.tmp()
    ctx.b.rotr(r, v, 8 * rot)
    return r



# ---- pattern tables -------------------------------------------------------------------------
def bind(namespace: dict, *tables) -> None:
    """Attach trans_<NAME> from `namespace` to every pattern named NAME (so the
    pattern tables can sit at the top of a module, before the functions)."""
    for table in tables:
        for p in table:
            p.trans = namespace["trans_" + p.name]
