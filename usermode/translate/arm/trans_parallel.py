"""ARM parallel add/subtract (A32 and T32): {S,Q,SH,U,UQ,UH} x {ADD16, ASX,
SAX, SUB16, ADD8, SUB8}, e.g. SADD16, UQSUB8, SHASX.

One pattern per operation; the prefix is the field ``kind``, coded as the
A32 op1 field: 1 S, 2 Q, 3 SH (signed), 5 U, 6 UQ, 7 UH (unsigned); the T32
encodings are mapped to the same codes by an xform.  S and U set the GE
bits (per lane: signed result >= 0; unsigned: carry out of an add, no
borrow from a subtract); Q/UQ saturate each lane; SH/UH halve each lane.
None of them touches the Q flag.  PC as an operand is rejected.

Usage::

    from usermode.translate.arm.translate import translate_block
    blk = translate_block(lambda a, n: bytes.fromhex("120f11e6")[:n], 0x1000, 0, max_insns=1)
    print(blk.ir.dump())        # sadd16 r0, r1, r2
"""
from __future__ import annotations

from ..decodetree import pattern as P
from ..ir import Cond
from .cpu import FLAG_GE
from .gen_alu import bind

SIGNED = {1, 2, 3}
A_BAD = {"cond": 0xF, "kind": {0, 4}}
T_KIND = {"kind": lambda v: v + 1}            # T32 op2 000 S ... 110 UH -> A32 codes
T_BAD = {"kind": {4, 8}}                      # T32 op2 011 and 111 are not allocated

# ---- A32: cond 0110 0 kind rn rd (1111) op2 1 rm -------------------------------------------
A32 = [P(name, f"cond:4 0110 0 kind:3 rn:4 rd:4 .... {op2} 1 rm:4", exclude=A_BAD)
       for name, op2 in [("ADD16", "000"), ("ASX", "001"), ("SAX", "010"),
                         ("SUB16", "011"), ("ADD8", "100"), ("SUB8", "111")]]

# ---- T32: 11111010 1 op1 rn 1111 rd 0 kind rm ----------------------------------------------
T32 = [P(name, f"11111010 1 {op1} rn:4 1111 rd:4 0 kind:3 rm:4", xform=T_KIND, exclude=T_BAD)
       for name, op1 in [("ADD16", "001"), ("ASX", "010"), ("SAX", "110"),
                         ("SUB16", "101"), ("ADD8", "000"), ("SUB8", "100")]]

# lanes of each operation: (Rn lane, Rm lane, subtract?) per result lane
LANES16 = {
    "ADD16": [(0, 0, False), (1, 1, False)],
    "ASX": [(0, 1, True), (1, 0, False)],
    "SAX": [(0, 1, False), (1, 0, True)],
    "SUB16": [(0, 0, True), (1, 1, True)],
}


def _lane(ctx, v, i: int, esize: int, signed: bool):
    b = ctx.b
    t = ctx.tmp()
    if i == 32 // esize - 1:
        (b.sar if signed else b.shr)(t, v, 32 - esize)
        return t
    src = v
    if i:
        b.shr(t, v, i * esize)
        src = t
    getattr(b, f"ext{esize}{'s' if signed else 'u'}")(t, src)
    return t


def gen_parallel(ctx, f, lanes, esize: int) -> bool:
    if any(f[k] == 15 for k in ("rd", "rn", "rm")):
        return False
    b = ctx.b
    kind = f["kind"]
    signed = kind in SIGNED
    mode = kind & 3                  # 1 modular (sets GE), 2 saturating, 3 halving
    rn, rm = ctx.load_reg(f["rn"]), ctx.load_reg(f["rm"])
    res = ctx.tmp()
    b.mov(res, 0)
    ge = ctx.tmp()
    b.mov(ge, 0)
    lmask = (1 << esize) - 1
    gebits = (1 << (esize // 8)) - 1          # 0b11 per 16-bit lane, 0b1 per byte lane
    for i, (na, nb, sub) in enumerate(lanes):
        a = _lane(ctx, rn, na, esize, signed)
        bb = _lane(ctx, rm, nb, esize, signed)
        r = ctx.tmp()
        (b.sub if sub else b.add)(r, a, bb)
        if mode == 1:
            g = ctx.tmp()
            if signed or sub:
                b.setcond(Cond.GE, g, r, 0)
            else:
                b.setcond(Cond.GEU, g, r, 1 << esize)
            b.mul(g, g, gebits << (i * esize // 8))
            b.or_(ge, ge, g)
        elif mode == 2:
            lo, hi = (-(1 << (esize - 1)), (1 << (esize - 1)) - 1) if signed else (0, lmask)
            b.movcond(Cond.GT, r, r, hi, hi, r)
            b.movcond(Cond.LT, r, r, lo, lo, r)
        else:
            b.sar(r, r, 1)
        b.and_(r, r, lmask)
        if i:
            b.shl(r, r, i * esize)
        b.or_(res, res, r)
    if mode == 1:
        b.mov(FLAG_GE, ge)
    ctx.store_reg(f["rd"], res)
    return True


def trans_ADD16(ctx, f): return gen_parallel(ctx, f, LANES16["ADD16"], 16)
def trans_ASX(ctx, f): return gen_parallel(ctx, f, LANES16["ASX"], 16)
def trans_SAX(ctx, f): return gen_parallel(ctx, f, LANES16["SAX"], 16)
def trans_SUB16(ctx, f): return gen_parallel(ctx, f, LANES16["SUB16"], 16)
def trans_ADD8(ctx, f): return gen_parallel(ctx, f, [(i, i, False) for i in range(4)], 8)
def trans_SUB8(ctx, f): return gen_parallel(ctx, f, [(i, i, True) for i in range(4)], 8)


bind(globals(), A32, T32)
