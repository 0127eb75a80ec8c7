"""VFP conversions and rounding to integral:

* VCVT.F64.F32 / .F32.F64 (precision change),
* VCVT.F32|F64.S32|U32 (integer to float, FPSCR rounding),
* VCVT[R].S32|U32.F32|F64 (float to integer: round to zero, or VCVTR with the
  FPSCR rounding; saturating, NaN gives 0, Invalid on both),
* VCVT between float and fixed point (16/32-bit, #fbits; to fixed rounds to
  zero, from fixed uses FPSCR rounding; the register is both operands),
* VCVTB/VCVTT half precision <-> single (and double, ARMv8), honouring AHP,
* VRINTR/VRINTZ/VRINTX and the ARMv8 VRINTA/N/P/M, VCVTA/N/P/M.

Usage::

    from usermode.translate.arm.translate import A32
    pat, f = A32.decode(0xEEBD0AE0)          # vcvt.s32.f32 s0, s1
    pat.name, f["s"], f["op"]                # ('VCVT_fp_int', 1, 1)
"""
from __future__ import annotations

from ..ir import FPR_DOWN, FPR_DYNAMIC, FPR_NEAREST_AWAY, FPR_NEAREST_EVEN, FPR_UP, FPR_ZERO
from ..ir import FCvt
from .gen_table import build, t32_rows
from .gen_vfp import (ARM_FP, dreg_of, sreg_of, vfp_begin, vreg_d, vreg_m)

_ROWS = [
    ("VCVT_F64_F32",  "cond:4 1110 1 d:1 11 0111 vd:4 101 sz:1 1 1 m:1 0 vm:4"),
    ("VCVT_int_fp",   "cond:4 1110 1 d:1 11 1000 vd:4 101 sz:1 op:1 1 m:1 0 vm:4"),
    ("VCVT_fp_int",   "cond:4 1110 1 d:1 11 110 s:1 vd:4 101 sz:1 op:1 1 m:1 0 vm:4"),
    ("VCVT_fix",      "cond:4 1110 1 d:1 11 1 op:1 1 u:1 vd:4 101 sz:1 sx:1 1 i:1 0 imm4:4"),
    ("VCVT_half",     "cond:4 1110 1 d:1 11 001 op:1 vd:4 101 sz:1 t:1 1 m:1 0 vm:4"),
    ("VRINTR_VRINTZ", "cond:4 1110 1 d:1 11 0110 vd:4 101 sz:1 op:1 1 m:1 0 vm:4"),
    ("VRINTX",        "cond:4 1110 1 d:1 11 0111 vd:4 101 sz:1 0 1 m:1 0 vm:4"),
]
_V8_ROWS = [   # unconditional (ARMv8): the same bits in A32 and T32
    ("VRINT_rm", "1111 1110 1 d:1 11 10 rm:2 vd:4 101 sz:1 0 1 m:1 0 vm:4"),
    ("VCVT_rm",  "1111 1110 1 d:1 11 11 rm:2 vd:4 101 sz:1 op:1 1 m:1 0 vm:4"),
]
RM_MODE = (FPR_NEAREST_AWAY, FPR_NEAREST_EVEN, FPR_UP, FPR_DOWN)   # rm: A N P M


# ---------------------------------------------------------------- lowering
def trans_VCVT_F64_F32(ctx, f) -> bool:
    """sz=0: Dd = Sm as double; sz=1: Sd = Dm as single."""
    dbl = f["sz"]
    vfp_begin(ctx)
    ctx.b.fcvt(vreg_d(f, not dbl), vreg_m(f, dbl), ARM_FP)
    return True


def trans_VCVT_int_fp(ctx, f) -> bool:
    """Sd/Dd = the integer in Sm (op: signed), FPSCR rounding."""
    vfp_begin(ctx)
    ctx.b.itof(vreg_d(f), vreg_m(f, False), ARM_FP, FCvt(bool(f["op"]), FPR_DYNAMIC))
    return True


def gen_ftoi(ctx, f, signed: bool, rmode: int) -> bool:
    vfp_begin(ctx)
    ctx.b.ftoi(vreg_d(f, False), vreg_m(f), ARM_FP, FCvt(signed, rmode))
    return True


def trans_VCVT_fp_int(ctx, f) -> bool:
    """Sd = Sm/Dm as an integer (s: signed); op=1 rounds to zero, 0 (VCVTR) by FPSCR."""
    return gen_ftoi(ctx, f, bool(f["s"]), FPR_ZERO if f["op"] else FPR_DYNAMIC)


def trans_VCVT_rm(ctx, f) -> bool:
    """VCVTA/N/P/M: Sd = Sm/Dm as an integer, explicit rounding (op: signed)."""
    return gen_ftoi(ctx, f, bool(f["op"]), RM_MODE[f["rm"]])


def trans_VCVT_fix(ctx, f) -> bool:
    """Vd <-> fixed point in Vd: size 16 (sx=0) or 32 bits, fbits = size - imm4:i."""
    size = 32 if f["sx"] else 16
    fbits = size - (f["imm4"] << 1 | f["i"])
    if fbits < 0:
        return False
    dbl, signed, b = f["sz"], not f["u"], ctx.b
    reg = vreg_d(f)
    vfp_begin(ctx)
    if f["op"]:                                   # to fixed: round toward zero
        t = ctx.tmp()
        b.ftoi(t, reg, ARM_FP, FCvt(signed, FPR_ZERO, fbits, size))
        if size == 16:                            # Extend(result, unsigned): the whole register
            (b.ext16s if signed else b.ext16u)(t, t)
        if dbl:
            (b.ext32s if signed else b.ext32u)(reg, t)
        else:
            b.mov(reg, t)
        return True
    src = ctx.tmp()                               # from fixed: the low `size` bits
    if dbl:
        b.extrl(src, reg)
    else:
        b.mov(src, reg)
    if size == 16:
        (b.ext16s if signed else b.ext16u)(src, src)
    b.itof(reg, src, ARM_FP, FCvt(signed, FPR_NEAREST_EVEN, fbits))   # FixedToFP: TIEEVEN
    return True


def trans_VCVT_half(ctx, f) -> bool:
    """op=0: Sd/Dd = the half in Sm's bottom (t=0) or top half;
    op=1: that half of Sd = Sm/Dm as a half, the other half kept."""
    b, dbl, top = ctx.b, f["sz"], f["t"]
    vfp_begin(ctx)
    if not f["op"]:
        h = ctx.tmp()
        src = sreg_of(f["vm"], f["m"])
        if top:
            b.shr(h, src, 16)
        else:
            b.and_(h, src, 0xFFFF)
        b.htof(vreg_d(f), h, ARM_FP)
        return True
    src = dreg_of(f["vm"], f["m"]) if dbl else sreg_of(f["vm"], f["m"])
    h, keep = ctx.tmp(), ctx.tmp()
    b.ftoh(h, src, ARM_FP)
    d = sreg_of(f["vd"], f["d"])
    if top:
        b.shl(h, h, 16)
        b.and_(keep, d, 0xFFFF)
    else:
        b.and_(keep, d, 0xFFFF0000)
    b.or_(d, keep, h)
    return True


def gen_vrint(ctx, f, rmode: int, exact: bool) -> bool:
    vfp_begin(ctx)
    ctx.b.fround(vreg_d(f), vreg_m(f), ARM_FP, rmode, exact)
    return True


def trans_VRINTR_VRINTZ(ctx, f) -> bool:
    return gen_vrint(ctx, f, FPR_ZERO if f["op"] else FPR_DYNAMIC, False)


def trans_VRINTX(ctx, f) -> bool:
    return gen_vrint(ctx, f, FPR_DYNAMIC, True)


def trans_VRINT_rm(ctx, f) -> bool:
    return gen_vrint(ctx, f, RM_MODE[f["rm"]], False)


A32 = build(_ROWS + _V8_ROWS, globals(), 32)
T32 = build(t32_rows(_ROWS) + _V8_ROWS, globals(), 32)
