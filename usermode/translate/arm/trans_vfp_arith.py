"""VFP arithmetic (single and double precision, A32 with cond and the same
encodings in T32): VADD VSUB VMUL VNMUL VDIV, the chained multiply-accumulates
VMLA VMLS VNMLA VNMLS (two roundings: FPMul then FPAdd, as the ARM ARM and
QEMU do), the fused VFMA VFMS VFNMA VFNMS (one rounding), VSQRT, VABS, VNEG.

Fields: vd/d, vn/n, vm/m (S = V:x, D = x:V), sz (1 = double), op (bit 6).
Negated operands (FPNeg) are sign flips applied before the operation, so a
negated NaN operand comes out with its sign flipped, as on ARM.

Usage::

    from usermode.translate.arm.translate import A32
    pat, f = A32.decode(0xEE300A01)          # vadd.f32 s0, s0, s2
    pat.name                                 # 'VADD'
"""
from __future__ import annotations

from .gen_table import build, t32_rows
from .gen_vfp import (ARM_FP, gen_abs, gen_neg, vfp_begin, vreg_d, vreg_m, vreg_n,
                      vtmp)

_THREE = "vn:4 vd:4 101 sz:1 n:1"
_ROWS = [
    ("VMLA_VMLS",   f"cond:4 1110 0 d:1 00 {_THREE} op:1 m:1 0 vm:4"),
    ("VNMLA_VNMLS", f"cond:4 1110 0 d:1 01 {_THREE} op:1 m:1 0 vm:4"),
    ("VMUL",        f"cond:4 1110 0 d:1 10 {_THREE} 0 m:1 0 vm:4"),
    ("VNMUL",       f"cond:4 1110 0 d:1 10 {_THREE} 1 m:1 0 vm:4"),
    ("VADD",        f"cond:4 1110 0 d:1 11 {_THREE} 0 m:1 0 vm:4"),
    ("VSUB",        f"cond:4 1110 0 d:1 11 {_THREE} 1 m:1 0 vm:4"),
    ("VDIV",        f"cond:4 1110 1 d:1 00 {_THREE} 0 m:1 0 vm:4"),
    ("VFNMA_VFNMS", f"cond:4 1110 1 d:1 01 {_THREE} op:1 m:1 0 vm:4"),
    ("VFMA_VFMS",   f"cond:4 1110 1 d:1 10 {_THREE} op:1 m:1 0 vm:4"),
    ("VABS",        "cond:4 1110 1 d:1 11 0000 vd:4 101 sz:1 1 1 m:1 0 vm:4"),
    ("VNEG",        "cond:4 1110 1 d:1 11 0001 vd:4 101 sz:1 0 1 m:1 0 vm:4"),
    ("VSQRT",       "cond:4 1110 1 d:1 11 0001 vd:4 101 sz:1 1 1 m:1 0 vm:4"),
]


# ---------------------------------------------------------------- lowering
def gen_binop(ctx, f, op: str) -> bool:
    vfp_begin(ctx)
    getattr(ctx.b, op)(vreg_d(f), vreg_n(f), vreg_m(f), ARM_FP)
    return True


def trans_VADD(ctx, f) -> bool:
    return gen_binop(ctx, f, "fadd")


def trans_VSUB(ctx, f) -> bool:
    return gen_binop(ctx, f, "fsub")


def trans_VMUL(ctx, f) -> bool:
    return gen_binop(ctx, f, "fmul")


def trans_VDIV(ctx, f) -> bool:
    return gen_binop(ctx, f, "fdiv")


def _product(ctx, f):
    dbl = f["sz"]
    t = vtmp(ctx, dbl)
    vfp_begin(ctx)
    ctx.b.fmul(t, vreg_n(f), vreg_m(f), ARM_FP)
    return t


def trans_VNMUL(ctx, f) -> bool:
    """Vd = FPNeg(FPMul(Vn, Vm))"""
    t = _product(ctx, f)
    ctx.b.mov(vreg_d(f), gen_neg(ctx, t, f["sz"]))
    return True


def trans_VMLA_VMLS(ctx, f) -> bool:
    """VMLA: Vd = FPAdd(Vd, FPMul(Vn, Vm)); VMLS (op=1): the product negated."""
    t = _product(ctx, f)
    if f["op"]:
        t = gen_neg(ctx, t, f["sz"])
    d = vreg_d(f)
    ctx.b.fadd(d, d, t, ARM_FP)
    return True


def trans_VNMLA_VNMLS(ctx, f) -> bool:
    """VNMLA (op=1): Vd = FPAdd(FPNeg(Vd), FPNeg(product));
    VNMLS (op=0): Vd = FPAdd(FPNeg(Vd), product)."""
    t = _product(ctx, f)
    if f["op"]:
        t = gen_neg(ctx, t, f["sz"])
    d = vreg_d(f)
    ctx.b.fadd(d, gen_neg(ctx, d, f["sz"]), t, ARM_FP)
    return True


def gen_fused(ctx, f, neg_addend: bool) -> bool:
    """FPMulAdd(addend, op1, op2) = addend + op1 * op2 rounded once, with
    op1 = Vn negated when op=1 and the addend Vd negated for VFNMA/VFNMS."""
    dbl = f["sz"]
    d, n = vreg_d(f), vreg_n(f)
    vfp_begin(ctx)
    op1 = gen_neg(ctx, n, dbl) if f["op"] else n
    addend = gen_neg(ctx, d, dbl) if neg_addend else d
    ctx.b.fmuladd(d, op1, vreg_m(f), addend, ARM_FP)
    return True


def trans_VFMA_VFMS(ctx, f) -> bool:
    return gen_fused(ctx, f, False)


def trans_VFNMA_VFNMS(ctx, f) -> bool:
    return gen_fused(ctx, f, True)


def trans_VABS(ctx, f) -> bool:
    gen_abs(ctx, vreg_d(f), vreg_m(f), f["sz"])
    return True


def trans_VNEG(ctx, f) -> bool:
    ctx.b.mov(vreg_d(f), gen_neg(ctx, vreg_m(f), f["sz"]))
    return True


def trans_VSQRT(ctx, f) -> bool:
    vfp_begin(ctx)
    ctx.b.fsqrt(vreg_d(f), vreg_m(f), ARM_FP)
    return True


A32 = build(_ROWS, globals(), 32)
T32 = build(t32_rows(_ROWS), globals(), 32)
