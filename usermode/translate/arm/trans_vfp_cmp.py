"""VFP compares and selects: VCMP/VCMPE (register and #0.0, setting
FPSCR.NZCV: equal 0110, less 1000, greater 0010, unordered 0011; VCMPE
raises Invalid for quiet NaNs too), and the ARMv8 VSEL<cc> (eq, vs, ge, gt on
the APSR flags), VMAXNM/VMINNM (IEEE 754-2008 maxNum/minNum).  VMRS APSR_nzcv
(trans_vfp_move) copies FPSCR.NZCV to the flags.

Usage::

    from usermode.translate.arm.translate import A32
    A32.decode(0xEEB40AC1)[0].name           # vcmpe.f32 s0, s2 -> 'VCMP'
"""
from __future__ import annotations

from ..ir import Const
from .gen_table import build, t32_rows
from .gen_vfp import (ARM_FP, ftype, gen_set_nzcv_from_fcmp, vfp_begin, vreg_d, vreg_m,
                      vreg_n, vtmp)

_ROWS = [
    ("VCMP",      "cond:4 1110 1 d:1 11 0100 vd:4 101 sz:1 e:1 1 m:1 0 vm:4"),
    ("VCMP_zero", "cond:4 1110 1 d:1 11 0101 vd:4 101 sz:1 e:1 1 0 0 0000"),
]
_V8_ROWS = [   # unconditional (ARMv8): the same bits in A32 and T32
    ("VSEL",          "1111 1110 0 d:1 cc:2 vn:4 vd:4 101 sz:1 n:1 0 m:1 0 vm:4"),
    ("VMAXNM_VMINNM", "1111 1110 1 d:1 00 vn:4 vd:4 101 sz:1 n:1 op:1 m:1 0 vm:4"),
]
VSEL_COND = (0, 6, 10, 12)          # cc -> ARM condition: EQ, VS, GE, GT


# ---------------------------------------------------------------- lowering
def gen_vcmp(ctx, f, rhs) -> bool:
    code = ctx.tmp()
    vfp_begin(ctx)
    ctx.b.fcmp(code, vreg_d(f), rhs, ARM_FP, bool(f["e"]))
    gen_set_nzcv_from_fcmp(ctx, code)
    return True


def trans_VCMP(ctx, f) -> bool:
    return gen_vcmp(ctx, f, vreg_m(f))


def trans_VCMP_zero(ctx, f) -> bool:
    return gen_vcmp(ctx, f, Const(0, ftype(f["sz"])))


def trans_VSEL(ctx, f) -> bool:
    """Vd = cond ? Vn : Vm (no FP exceptions)."""
    b = ctx.b
    t = vtmp(ctx, f["sz"])
    take_n = b.label()
    b.mov(t, vreg_n(f))
    ctx.gen_test_cc(VSEL_COND[f["cc"]], take_n)
    b.mov(t, vreg_m(f))
    b.set_label(take_n)
    b.mov(vreg_d(f), t)
    return True


def trans_VMAXNM_VMINNM(ctx, f) -> bool:
    vfp_begin(ctx)
    op = ctx.b.fminnum if f["op"] else ctx.b.fmaxnum
    op(vreg_d(f), vreg_n(f), vreg_m(f), ARM_FP)
    return True


A32 = build(_ROWS + _V8_ROWS, globals(), 32)
T32 = build(t32_rows(_ROWS) + _V8_ROWS, globals(), 32)
