"""Shared helpers for the ARM load/store lowering (trans_ldst, trans_ldm,
trans_excl, trans_vfp_move): base registers, address arithmetic, the
single-precision VFP register views, and loads into fresh temps.

Usage::

    from .gen_mem import base_reg, addr_add, gen_load, sreg
    addr = addr_add(ctx, base_reg(ctx, rn), -8)    # [rn, #-8]; Thumb r15 = Align(PC,4)
    v = gen_load(ctx, MO_UL, addr)                  # a new I32 temp
    ctx.b.mov(sreg(3), v)                           # S3 = high half of D1
"""
from __future__ import annotations

TYPE_CHECKING = False           # typing only for annotations: importing it costs start-up time
if TYPE_CHECKING:
    from typing import Union

from ..ir import I32, I64, Const, Global, MemOp, Value, const
from .cpu import DREG, LAYOUT

# Single-precision views: S2n is the low word of Dn, S2n+1 the high word.
SREG = [Global(f"s{i}", LAYOUT.offset("d", i >> 1) + 4 * (i & 1), I32) for i in range(64)]


def sreg(n: int) -> Global:
    return SREG[n]


def dreg(n: int) -> Global:
    return DREG[n]


def base_reg(ctx, rn: int) -> Value:
    """Rn used as a base address.  r15 reads as the instruction address + 8
    in ARM state and as Align(PC, 4) in Thumb (the literal rule)."""
    return ctx.load_reg_align_pc(rn) if ctx.thumb else ctx.load_reg(rn)


def addr_add(ctx, base: Value, off: int) -> Value:
    """base + off as a value (a Const folds; otherwise a new temp)."""
    if isinstance(base, Const):
        return const((base.value + off) & 0xFFFFFFFF, I32)
    t = ctx.tmp()
    if off:
        ctx.b.add(t, base, off & 0xFFFFFFFF)
    else:
        ctx.b.mov(t, base)
    return t


def gen_load(ctx, mo: MemOp, addr: Union[Value, int]) -> Value:
    t = ctx.tmp64() if mo.size == 8 else ctx.tmp()
    ctx.b.ld(mo, t, addr)
    return t


def gen_store(ctx, mo: MemOp, val: Union[Value, int], addr: Union[Value, int]) -> None:
    ctx.b.st(mo, val, addr)
