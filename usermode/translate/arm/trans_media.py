"""ARM media / miscellaneous integer instructions, A32, T32 and T16:
CLZ, RBIT, REV, REV16, REVSH; BFI, BFC, UBFX, SBFX; SSAT, USAT, SSAT16,
USAT16; QADD, QSUB, QDADD, QDSUB; SEL; PKHBT/PKHTB; the extends SXTB SXTH
UXTB UXTH SXTB16 UXTB16 and their accumulating forms SXTAB SXTAH UXTAB
UXTAH SXTAB16 UXTAB16 (Rm rotated by 0/8/16/24).  The parallel add/subtract
family (SADD16 ... UHSUB8) is in trans_parallel.py; USAD8 in trans_mul.py.

Fields: rd rn rm; rot (extend rotation, in bytes); lsb/msb/widthm1 (bit
fields); rmx (T32's second copy of Rm); satimm/sh/shimm (saturate: bit position, shift type LSL/ASR and
amount); tb (PKH: 0 = PKHBT, 1 = PKHTB).  The Q flag is set by the
saturating instructions when they saturate.

UNPREDICTABLE choices: PC as any operand, BFI/BFC with msb < lsb and
UBFX/SBFX with lsb + width > 32 are rejected (SIGILL).

Usage::

    from usermode.translate.arm.translate import translate_block
    blk = translate_block(lambda a, n: bytes.fromhex("110f6fe1")[:n], 0x1000, 0, max_insns=1)
    print(blk.ir.dump())        # clz r0, r1
"""
from __future__ import annotations

from ..decodetree import pattern as P
from .cpu import FLAG_GE
from .gen_alu import (bind, gen_ext64s, gen_rotate, gen_ssat, gen_ssat64_32, gen_usat)

NOT_F = {"exclude": {"cond": 0xF}}
R0 = {"rot": 0}

# ---- A32 ---------------------------------------------------------------------------------
A32 = [P(name, spec, **NOT_F) for name, spec in [
    ("CLZ",     "cond:4 0001 0110 .... rd:4 .... 0001 rm:4"),
    ("QADD",    "cond:4 0001 0000 rn:4 rd:4 .... 0101 rm:4"),
    ("QSUB",    "cond:4 0001 0010 rn:4 rd:4 .... 0101 rm:4"),
    ("QDADD",   "cond:4 0001 0100 rn:4 rd:4 .... 0101 rm:4"),
    ("QDSUB",   "cond:4 0001 0110 rn:4 rd:4 .... 0101 rm:4"),
    ("PKH",     "cond:4 0110 1000 rn:4 rd:4 shimm:5 tb:1 01 rm:4"),
    ("SEL",     "cond:4 0110 1000 rn:4 rd:4 .... 1011 rm:4"),
    ("SSAT",    "cond:4 0110 101 satimm:5 rd:4 shimm:5 sh:1 01 rn:4"),
    ("USAT",    "cond:4 0110 111 satimm:5 rd:4 shimm:5 sh:1 01 rn:4"),
    ("SSAT16",  "cond:4 0110 1010 satimm:4 rd:4 .... 0011 rn:4"),
    ("USAT16",  "cond:4 0110 1110 satimm:4 rd:4 .... 0011 rn:4"),
    ("REV",     "cond:4 0110 1011 .... rd:4 .... 0011 rm:4"),
    ("REV16",   "cond:4 0110 1011 .... rd:4 .... 1011 rm:4"),
    ("RBIT",    "cond:4 0110 1111 .... rd:4 .... 0011 rm:4"),
    ("REVSH",   "cond:4 0110 1111 .... rd:4 .... 1011 rm:4"),
    ("SXTAB16", "cond:4 0110 1000 rn:4 rd:4 rot:2 .. 0111 rm:4"),
    ("SXTB16",  "cond:4 0110 1000 1111 rd:4 rot:2 .. 0111 rm:4"),
    ("SXTAB",   "cond:4 0110 1010 rn:4 rd:4 rot:2 .. 0111 rm:4"),
    ("SXTB",    "cond:4 0110 1010 1111 rd:4 rot:2 .. 0111 rm:4"),
    ("SXTAH",   "cond:4 0110 1011 rn:4 rd:4 rot:2 .. 0111 rm:4"),
    ("SXTH",    "cond:4 0110 1011 1111 rd:4 rot:2 .. 0111 rm:4"),
    ("UXTAB16", "cond:4 0110 1100 rn:4 rd:4 rot:2 .. 0111 rm:4"),
    ("UXTB16",  "cond:4 0110 1100 1111 rd:4 rot:2 .. 0111 rm:4"),
    ("UXTAB",   "cond:4 0110 1110 rn:4 rd:4 rot:2 .. 0111 rm:4"),
    ("UXTB",    "cond:4 0110 1110 1111 rd:4 rot:2 .. 0111 rm:4"),
    ("UXTAH",   "cond:4 0110 1111 rn:4 rd:4 rot:2 .. 0111 rm:4"),
    ("UXTH",    "cond:4 0110 1111 1111 rd:4 rot:2 .. 0111 rm:4"),
    ("SBFX",    "cond:4 0111 101 widthm1:5 rd:4 lsb:5 101 rn:4"),
    ("BFI",     "cond:4 0111 110 msb:5 rd:4 lsb:5 001 rn:4"),
    ("BFC",     "cond:4 0111 110 msb:5 rd:4 lsb:5 001 1111"),
    ("UBFX",    "cond:4 0111 111 widthm1:5 rd:4 lsb:5 101 rn:4"),
]]

# ---- T32 ---------------------------------------------------------------------------------
T32 = [P(name, spec) for name, spec in [
    ("SSAT",    "11110 0 11 00 sh:1 0 rn:4 0 shimm:3 rd:4 shimm:2 0 satimm:5"),
    ("SSAT16",  "11110 0 11 0010 rn:4 0000 rd:4 00 00 satimm:4"),
    ("SBFX",    "11110 0 11 0100 rn:4 0 lsb:3 rd:4 lsb:2 0 widthm1:5"),
    ("BFI",     "11110 0 11 0110 rn:4 0 lsb:3 rd:4 lsb:2 0 msb:5"),
    ("BFC",     "11110 0 11 0110 1111 0 lsb:3 rd:4 lsb:2 0 msb:5"),
    ("USAT",    "11110 0 11 10 sh:1 0 rn:4 0 shimm:3 rd:4 shimm:2 0 satimm:5"),
    ("USAT16",  "11110 0 11 1010 rn:4 0000 rd:4 00 00 satimm:4"),
    ("UBFX",    "11110 0 11 1100 rn:4 0 lsb:3 rd:4 lsb:2 0 widthm1:5"),
    ("PKH",     "11101010 110 0 rn:4 0 shimm:3 rd:4 shimm:2 tb:1 0 rm:4"),
    ("SXTAH",   "11111010 0000 rn:4 1111 rd:4 1 . rot:2 rm:4"),
    ("SXTH",    "11111010 0000 1111 1111 rd:4 1 . rot:2 rm:4"),
    ("UXTAH",   "11111010 0001 rn:4 1111 rd:4 1 . rot:2 rm:4"),
    ("UXTH",    "11111010 0001 1111 1111 rd:4 1 . rot:2 rm:4"),
    ("SXTAB16", "11111010 0010 rn:4 1111 rd:4 1 . rot:2 rm:4"),
    ("SXTB16",  "11111010 0010 1111 1111 rd:4 1 . rot:2 rm:4"),
    ("UXTAB16", "11111010 0011 rn:4 1111 rd:4 1 . rot:2 rm:4"),
    ("UXTB16",  "11111010 0011 1111 1111 rd:4 1 . rot:2 rm:4"),
    ("SXTAB",   "11111010 0100 rn:4 1111 rd:4 1 . rot:2 rm:4"),
    ("SXTB",    "11111010 0100 1111 1111 rd:4 1 . rot:2 rm:4"),
    ("UXTAB",   "11111010 0101 rn:4 1111 rd:4 1 . rot:2 rm:4"),
    ("UXTB",    "11111010 0101 1111 1111 rd:4 1 . rot:2 rm:4"),
    ("QADD",    "11111010 1000 rn:4 1111 rd:4 1000 rm:4"),
    ("QDADD",   "11111010 1000 rn:4 1111 rd:4 1001 rm:4"),
    ("QSUB",    "11111010 1000 rn:4 1111 rd:4 1010 rm:4"),
    ("QDSUB",   "11111010 1000 rn:4 1111 rd:4 1011 rm:4"),
    ("REV",     "11111010 1001 rmx:4 1111 rd:4 1000 rm:4"),
    ("REV16",   "11111010 1001 rmx:4 1111 rd:4 1001 rm:4"),
    ("RBIT",    "11111010 1001 rmx:4 1111 rd:4 1010 rm:4"),
    ("REVSH",   "11111010 1001 rmx:4 1111 rd:4 1011 rm:4"),
    ("SEL",     "11111010 1010 rn:4 1111 rd:4 1000 rm:4"),
    ("CLZ",     "11111010 1011 rmx:4 1111 rd:4 1000 rm:4"),
]]

# ---- T16 ---------------------------------------------------------------------------------
T16 = [P(name, spec, width=16, extra=R0) for name, spec in [
    ("SXTH",    "1011 0010 00 rm:3 rd:3"),
    ("SXTB",    "1011 0010 01 rm:3 rd:3"),
    ("UXTH",    "1011 0010 10 rm:3 rd:3"),
    ("UXTB",    "1011 0010 11 rm:3 rd:3"),
    ("REV",     "1011 1010 00 rm:3 rd:3"),
    ("REV16",   "1011 1010 01 rm:3 rd:3"),
    ("REVSH",   "1011 1010 11 rm:3 rd:3"),
]]


def _ok(f) -> bool:
    return all(f[k] != 15 for k in ("rd", "rn", "rm") if k in f)


def _r(ctx, f, k):
    return ctx.load_reg(f[k])


def _unary(ctx, f, fn) -> bool:
    """Rd = fn(Rm) for the bit/byte-order instructions (T32 encodes Rm twice:
    copies that differ are UNPREDICTABLE, rejected)."""
    if not _ok(f) or f.get("rmx", f["rm"]) != f["rm"]:
        return False
    t = ctx.tmp()
    fn(ctx, t, _r(ctx, f, "rm"))
    ctx.store_reg(f["rd"], t)
    return True


# ---- bit and byte order ---------------------------------------------------------------------
def gen_rbit(ctx, d, v):
    b = ctx.b
    b.mov(d, v)
    t1, t2 = ctx.tmp(), ctx.tmp()
    for sh, m in ((1, 0x55555555), (2, 0x33333333), (4, 0x0F0F0F0F)):
        b.shr(t1, d, sh)
        b.and_(t1, t1, m)
        b.and_(t2, d, m)
        b.shl(t2, t2, sh)
        b.or_(d, t1, t2)
    b.bswap32(d, d)


def gen_rev16(ctx, d, v):
    b = ctx.b
    t1, t2 = ctx.tmp(), ctx.tmp()
    b.shr(t1, v, 8)
    b.and_(t1, t1, 0x00FF00FF)
    b.and_(t2, v, 0x00FF00FF)
    b.shl(t2, t2, 8)
    b.or_(d, t1, t2)


def gen_revsh(ctx, d, v):
    ctx.b.bswap16(d, v)
    ctx.b.ext16s(d, d)


def trans_CLZ(ctx, f): return _unary(ctx, f, lambda c, d, v: c.b.clz(d, v))
def trans_REV(ctx, f): return _unary(ctx, f, lambda c, d, v: c.b.bswap32(d, v))
def trans_REV16(ctx, f): return _unary(ctx, f, gen_rev16)
def trans_REVSH(ctx, f): return _unary(ctx, f, gen_revsh)
def trans_RBIT(ctx, f): return _unary(ctx, f, gen_rbit)


# ---- bit fields ---------------------------------------------------------------------------
def gen_bfi(ctx, f, src) -> bool:
    """Rd<msb:lsb> = src<msb-lsb:0> (src None: zeros, BFC)."""
    lsb, msb = f["lsb"], f["msb"]
    if msb < lsb or f["rd"] == 15 or (src is not None and f["rn"] == 15):
        return False
    mask = ((1 << (msb - lsb + 1)) - 1) << lsb
    b = ctx.b
    t = ctx.tmp()
    b.and_(t, _r(ctx, f, "rd"), ~mask & 0xFFFFFFFF)
    if src is not None:
        s = ctx.tmp()
        b.shl(s, src, lsb)
        b.and_(s, s, mask)
        b.or_(t, t, s)
    ctx.store_reg(f["rd"], t)
    return True


def gen_bfx(ctx, f, signed: bool) -> bool:
    lsb, width = f["lsb"], f["widthm1"] + 1
    if lsb + width > 32 or not _ok(f):
        return False
    b = ctx.b
    t = ctx.tmp()
    if signed:
        b.shl(t, _r(ctx, f, "rn"), 32 - lsb - width)
        b.sar(t, t, 32 - width)
    else:
        b.shr(t, _r(ctx, f, "rn"), lsb)
        if width < 32:
            b.and_(t, t, (1 << width) - 1)
    ctx.store_reg(f["rd"], t)
    return True


def trans_BFI(ctx, f): return gen_bfi(ctx, f, _r(ctx, f, "rn"))
def trans_BFC(ctx, f): return gen_bfi(ctx, f, None)
def trans_UBFX(ctx, f): return gen_bfx(ctx, f, signed=False)
def trans_SBFX(ctx, f): return gen_bfx(ctx, f, signed=True)


# ---- saturation -----------------------------------------------------------------------------
def gen_sat(ctx, f, signed: bool) -> bool:
    """SSAT/USAT Rd, #n, Rn {, LSL/ASR #shimm}."""
    if not _ok(f):
        return False
    b = ctx.b
    v = ctx.tmp()
    if f["sh"]:
        b.sar(v, _r(ctx, f, "rn"), min(f["shimm"] or 32, 31))
    else:
        b.shl(v, _r(ctx, f, "rn"), f["shimm"])
    r = gen_ssat(ctx, v, f["satimm"] + 1) if signed else gen_usat(ctx, v, f["satimm"])
    ctx.store_reg(f["rd"], r)
    return True


def gen_sat16(ctx, f, signed: bool) -> bool:
    """SSAT16/USAT16: saturate both signed halfwords."""
    if not _ok(f):
        return False
    b = ctx.b
    rn = _r(ctx, f, "rn")
    lo, hi = ctx.tmp(), ctx.tmp()
    b.ext16s(lo, rn)
    b.sar(hi, rn, 16)
    sat = (lambda v: gen_ssat(ctx, v, f["satimm"] + 1)) if signed else \
        (lambda v: gen_usat(ctx, v, f["satimm"]))
    lo, hi = sat(lo), sat(hi)
    r = ctx.tmp()
    b.and_(r, lo, 0xFFFF)
    b.shl(hi, hi, 16)
    b.or_(r, r, hi)
    ctx.store_reg(f["rd"], r)
    return True


def gen_qaddsub(ctx, f, sub: bool, double: bool) -> bool:
    """Rd = SignedSat(Rm +/- (double ? SignedSat(2 * Rn) : Rn)), Q on saturation."""
    if not _ok(f):
        return False
    b = ctx.b
    n = gen_ext64s(ctx, _r(ctx, f, "rn"))
    if double:
        b.add(n, n, n)
        n = gen_ext64s(ctx, gen_ssat64_32(ctx, n))
    w = gen_ext64s(ctx, _r(ctx, f, "rm"))
    (b.sub if sub else b.add)(w, w, n)
    ctx.store_reg(f["rd"], gen_ssat64_32(ctx, w))
    return True


def trans_SSAT(ctx, f): return gen_sat(ctx, f, signed=True)
def trans_USAT(ctx, f): return gen_sat(ctx, f, signed=False)
def trans_SSAT16(ctx, f): return gen_sat16(ctx, f, signed=True)
def trans_USAT16(ctx, f): return gen_sat16(ctx, f, signed=False)
def trans_QADD(ctx, f): return gen_qaddsub(ctx, f, sub=False, double=False)
def trans_QSUB(ctx, f): return gen_qaddsub(ctx, f, sub=True, double=False)
def trans_QDADD(ctx, f): return gen_qaddsub(ctx, f, sub=False, double=True)
def trans_QDSUB(ctx, f): return gen_qaddsub(ctx, f, sub=True, double=True)


# ---- select and pack ----------------------------------------------------------------------------
def trans_SEL(ctx, f):
    """Rd byte i = GE[i] ? Rn byte i : Rm byte i."""
    if not _ok(f):
        return False
    b = ctx.b
    m, t = ctx.tmp(), ctx.tmp()
    b.and_(m, FLAG_GE, 1)
    for i in (1, 2, 3):                    # spread GE[i] to bit 8 * i
        b.and_(t, FLAG_GE, 1 << i)
        b.shl(t, t, 7 * i)
        b.or_(m, m, t)
    b.mul(m, m, 0xFF)
    r, r2 = ctx.tmp(), ctx.tmp()
    b.and_(r, _r(ctx, f, "rn"), m)
    b.andc(r2, _r(ctx, f, "rm"), m)
    b.or_(r, r, r2)
    ctx.store_reg(f["rd"], r)
    return True


def trans_PKH(ctx, f):
    """PKHBT: Rn<15:0> with (Rm LSL n)<31:16>; PKHTB: Rn<31:16> with (Rm ASR n)<15:0>."""
    if not _ok(f):
        return False
    b = ctx.b
    sh, lo, hi = ctx.tmp(), ctx.tmp(), ctx.tmp()
    rn, rm = _r(ctx, f, "rn"), _r(ctx, f, "rm")
    if f["tb"]:
        b.sar(sh, rm, min(f["shimm"] or 32, 31))
        b.and_(lo, sh, 0xFFFF)
        b.and_(hi, rn, 0xFFFF0000)
    else:
        b.shl(sh, rm, f["shimm"])
        b.and_(hi, sh, 0xFFFF0000)
        b.and_(lo, rn, 0xFFFF)
    b.or_(lo, lo, hi)
    ctx.store_reg(f["rd"], lo)
    return True


# ---- extends ------------------------------------------------------------------------------------
def gen_extend(ctx, f, ext: str, acc: bool) -> bool:
    """Rd = (Rn +) ext(Rm ROR 8*rot) for ext in ext8s/ext8u/ext16s/ext16u."""
    if not _ok(f):
        return False
    b = ctx.b
    t = ctx.tmp()
    getattr(b, ext)(t, gen_rotate(ctx, _r(ctx, f, "rm"), f["rot"]))
    if acc:
        b.add(t, t, _r(ctx, f, "rn"))
    ctx.store_reg(f["rd"], t)
    return True


def gen_extend16(ctx, f, signed: bool, acc: bool) -> bool:
    """XTB16: bytes 0 and 2 of the rotated Rm extended into the two halfwords
    (added halfword-wise to Rn for the accumulating forms)."""
    if not _ok(f):
        return False
    b = ctx.b
    v = gen_rotate(ctx, _r(ctx, f, "rm"), f["rot"])
    lo, hi = ctx.tmp(), ctx.tmp()
    (b.ext8s if signed else b.ext8u)(lo, v)
    b.shr(hi, v, 16)
    (b.ext8s if signed else b.ext8u)(hi, hi)
    if acc:
        rn = _r(ctx, f, "rn")
        t = ctx.tmp()
        b.add(lo, lo, rn)
        b.shr(t, rn, 16)
        b.add(hi, hi, t)
    b.and_(lo, lo, 0xFFFF)
    b.shl(hi, hi, 16)
    b.or_(lo, lo, hi)
    ctx.store_reg(f["rd"], lo)
    return True


def trans_SXTB(ctx, f): return gen_extend(ctx, f, "ext8s", acc=False)
def trans_SXTH(ctx, f): return gen_extend(ctx, f, "ext16s", acc=False)
def trans_UXTB(ctx, f): return gen_extend(ctx, f, "ext8u", acc=False)
def trans_UXTH(ctx, f): return gen_extend(ctx, f, "ext16u", acc=False)
def trans_SXTAB(ctx, f): return gen_extend(ctx, f, "ext8s", acc=True)
def trans_SXTAH(ctx, f): return gen_extend(ctx, f, "ext16s", acc=True)
def trans_UXTAB(ctx, f): return gen_extend(ctx, f, "ext8u", acc=True)
def trans_UXTAH(ctx, f): return gen_extend(ctx, f, "ext16u", acc=True)
def trans_SXTB16(ctx, f): return gen_extend16(ctx, f, signed=True, acc=False)
def trans_UXTB16(ctx, f): return gen_extend16(ctx, f, signed=False, acc=False)
def trans_SXTAB16(ctx, f): return gen_extend16(ctx, f, signed=True, acc=True)
def trans_UXTAB16(ctx, f): return gen_extend16(ctx, f, signed=False, acc=True)


bind(globals(), A32, T32, T16)
