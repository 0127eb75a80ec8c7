"""Shared lowering for the VFP data-processing translators (trans_vfp_*.py):
the ARM floating-point mode (`ARM_FP`), register operands, FPSCR access.

How ARM VFP maps onto the IR's fp ops (see docs/FLOATING_POINT.md):

* Every VFP instruction that computes starts with ``vfp_begin(ctx)`` (the
  IR's ``fpenv``): translated code then runs with the guest's MXCSR image,
  kept between runs in the word ``HOST_FP_SLOT``.
* The FPSCR word in the CPU state holds everything but the five IEEE
  cumulative flags, which accumulate in the host status (IR fpflags_*):
  FPSCR as read = word | fpflags.  IDC (bit 7) is only ever set in the word,
  by the slow path.  RMode lives in the word and in the host status.
* ``ARM_FP`` gives every op the exact ARM slow path (runtime fp_helpers.c,
  fp_arm_slow) and guards on FPSCR.FZ|DN: in those modes every op is done by
  the slow path; otherwise natively, with the slow path only for NaN results,
  tininess and conversion corner cases.
* FPNeg/FPAbs are sign-bit operations (no flags, NaNs keep their payload), so
  VNEG/VABS/VNMUL/VMLS... are integer xor/and around the fp op, which is
  exactly ARM's operand order for NaN propagation.

Usage::

    from .gen_vfp import ARM_FP, vfp_begin, vreg_d, vreg_n, vreg_m
    def trans_VADD(ctx, f):
        vfp_begin(ctx)
        ctx.b.fadd(vreg_d(f), vreg_n(f), vreg_m(f), ARM_FP)
        return True
"""
from __future__ import annotations

from ..helpers import HF_DEFAULT, Helper
from ..ir import I32, I64, Const, FPMode
from .cpu import FPEXC, FPSCR, LAYOUT
from .gen_mem import dreg, sreg

# ---------------------------------------------------------------- tables
FPSCR_IDC, FPSCR_FZ, FPSCR_DN, FPSCR_AHP = 1 << 7, 1 << 24, 1 << 25, 1 << 26
FPSCR_RMODE_SHIFT = 22            # 00 nearest, 01 +inf, 10 -inf, 11 zero == ir.FPR_*
FPSCR_NZCV = 0xF0000000
# bits a VMSR can set (qemu-arm's "max" CPU: no trap enables, Len/Stride kept)
FPSCR_WRITABLE = 0xFFFF009F
# NZCV nibble per ir.FCMP_* code (EQ 0110, LT 1000, GT 0010, UN 0011), 4 bits each
FCMP_NZCV_TABLE = 0x3286
SIGN = {I32: 0x80000000, I64: 0x8000000000000000}

# The guest MXCSR image between runs.  FPEXC is not accessible at PL0, so its
# word in the CPU state is free for this (a dedicated field would be nicer:
# change this one line).
HOST_FP_SLOT = FPEXC

FP_SLOW = Helper("fp_arm_slow", I64, (I32, I64, I64, I64), flags=HF_DEFAULT)
# fp_arm_slow writes no CPU state but the FPSCR word (IDC)
ARM_FP = FPMode("arm", FP_SLOW, guard=FPSCR, guard_mask=FPSCR_FZ | FPSCR_DN, writes=FPSCR)



# ------------------------------------------------------------- registers
def sreg_of(v: int, x: int):
    """S register Vx:X (x is the D/N/M bit)."""
    return sreg(v << 1 | x)


def dreg_of(v: int, x: int):
    """D register X:Vx."""
    return dreg(x << 4 | v)


def vreg(double: bool, v: int, x: int):
    return dreg_of(v, x) if double else sreg_of(v, x)


def vreg_d(f, double=None):
    return vreg(f["sz"] if double is None else double, f["vd"], f["d"])


def vreg_n(f, double=None):
    return vreg(f["sz"] if double is None else double, f["vn"], f["n"])


def vreg_m(f, double=None):
    return vreg(f["sz"] if double is None else double, f["vm"], f["m"])


def vtmp(ctx, double: bool):
    return ctx.tmp64() if double else ctx.tmp()


def ftype(double: bool):
    return I64 if double else I32


# ------------------------------------------------------------- operations
def vfp_begin(ctx) -> None:
    """Start of a VFP instruction that uses the FP environment."""
    ctx.b.fpenv(HOST_FP_SLOT)


def gen_neg(ctx, v, double: bool):
    """FPNeg(v) in a new temp (sign flip, no flags)."""
    t = vtmp(ctx, double)
    ctx.b.xor(t, v, Const(SIGN[ftype(double)], ftype(double)))
    return t


def gen_abs(ctx, d, v, double: bool) -> None:
    ty = ftype(double)
    ctx.b.and_(d, v, Const(~SIGN[ty] & ty.mask, ty))


def gen_set_nzcv_from_fcmp(ctx, code) -> None:
    """FPSCR.NZCV = the ARM flags of an ir.FCMP_* code."""
    b = ctx.b
    sh, nz, w = ctx.tmp(), ctx.tmp(), ctx.tmp()
    b.shl(sh, code, 2)
    b.shr(nz, Const(FCMP_NZCV_TABLE, I32), sh)
    b.shl(nz, nz, 28)
    b.and_(w, FPSCR, ~FPSCR_NZCV & 0xFFFFFFFF)
    b.or_(FPSCR, w, nz)


def gen_vmrs_fpscr(ctx, dest) -> None:
    """dest (an I32 value) = FPSCR: the word plus the accumulated IEEE flags.
    For trans_vfp_move's VMRS Rt, FPSCR."""
    vfp_begin(ctx)
    t = ctx.tmp()
    ctx.b.fpflags_get(t)
    ctx.b.or_(dest, FPSCR, t)


def gen_vmsr_fpscr(ctx, src) -> None:
    """FPSCR = src: the writable bits to the word, the host's flags cleared,
    its rounding mode set.  For trans_vfp_move's VMSR FPSCR, Rt."""
    b = ctx.b
    vfp_begin(ctx)
    v, rm = ctx.tmp(), ctx.tmp()
    b.and_(v, src, FPSCR_WRITABLE)
    b.mov(FPSCR, v)
    b.fpflags_set(0)
    b.shr(rm, v, FPSCR_RMODE_SHIFT)
    b.and_(rm, rm, 3)
    b.fpround_set(rm)
