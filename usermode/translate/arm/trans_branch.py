"""Branches: B, BL, BLX (immediate and register), BX, BXJ in A32; B<c>.W,
B.W, BL, BLX, BXJ, TBB/TBH in T32; B<c>, B, BX, BLX, CBZ/CBNZ in T16.

``imm`` is always the signed byte offset from the PC as read by the
instruction (insn + 8 in ARM, + 4 in Thumb); BLX (immediate) from Thumb
adds it to Align(PC, 4).  Direct targets end the block with a chainable
``gen_goto``; register targets with ``gen_bx`` (bit 0 selects the state).
BL/BLX write LR = next instruction (| 1 in Thumb).  Conditional B<c> (T16,
T32) and CBZ/CBNZ handle their own condition and are UNPREDICTABLE inside
an IT block (rejected); the others may end an IT block, whose condition
the loop applies.

Usage::

    from usermode.translate.arm.translate import T32
    pat, f = T32.decode(0xF000F802)       # bl .+8
    pat.name, f["imm"]                    # ('BL', 4)
"""
from __future__ import annotations

from ..ir import MO_UB, MO_UW, Cond
from .cpu import REG
from .gen_table import build


def _x(**kw):
    return dict(kw)


def _sext(v: int, bits: int) -> int:
    return v - (1 << bits) if v >> (bits - 1) & 1 else v


def _t32_branch24(f) -> int:
    """imm32 = SignExtend(S:I1:I2:imm10:imm11:'0'), Ik = NOT(Jk XOR S)."""
    s = f["s"]
    i1 = 1 ^ (f["j1"] ^ s)
    i2 = 1 ^ (f["j2"] ^ s)
    return _sext(s << 24 | i1 << 23 | i2 << 22 | f["imm10"] << 12 | f["imm11"] << 1, 25)


def _t32_branch20(f) -> int:
    """imm32 = SignExtend(S:J2:J1:imm6:imm11:'0')."""
    return _sext(f["s"] << 20 | f["j2"] << 19 | f["j1"] << 18 | f["imm6"] << 12
                 | f["imm11"] << 1, 21)


_B24 = "11110 s:1 imm10:10 1{} j1:1 {} j2:1 imm11:11"

_A32 = [
    ("B",     "cond:4 1010 imm:s24", _x(xform={"imm": lambda v: v * 4})),
    ("BL",    "cond:4 1011 imm:s24", _x(xform={"imm": lambda v: v * 4})),
    ("BLX_i", "1111 101 h:1 imm24:s24", _x(xform={"imm": lambda f: f["imm24"] * 4 + f["h"] * 2})),
    ("BX",    "cond:4 0001 0010 1111 1111 1111 0001 rm:4"),
    ("BXJ",   "cond:4 0001 0010 1111 1111 1111 0010 rm:4"),
    ("BLX_r", "cond:4 0001 0010 1111 1111 1111 0011 rm:4"),
]

_T32 = [
    ("B",      _B24.format(0, 1), _x(xform={"imm": _t32_branch24})),
    ("BL",     _B24.format(1, 1), _x(xform={"imm": _t32_branch24})),
    ("BLX_i",  _B24.format(1, 0), _x(xform={"imm": _t32_branch24, "h": lambda f: f["imm11"] & 1})),
    ("B_cond", "11110 s:1 cond:4 imm6:6 10 j1:1 0 j2:1 imm11:11",
     _x(xform={"imm": _t32_branch20}, exclude={"cond": {14, 15}})),
    ("BXJ",    "1111 0011 1100 rm:4 1000 1111 0000 0000"),
    ("TBB",    "1110 1000 1101 rn:4 1111 0000 0000 rm:4"),
    ("TBH",    "1110 1000 1101 rn:4 1111 0000 0001 rm:4"),
]

_T16 = [
    ("B_cond", "1101 cond:4 imm:s8", _x(xform={"imm": lambda v: v * 2},
                                        exclude={"cond": {14, 15}})),
    ("B",      "11100 imm:s11", _x(xform={"imm": lambda v: v * 2})),
    ("BX",     "0100 0111 0 rm:4 000"),
    ("BLX_r",  "0100 0111 1 rm:4 000"),
    ("CBZ",    "1011 nz:1 0 i:1 1 imm5:5 rn:3",
     _x(xform={"imm": lambda f: f["i"] << 6 | f["imm5"] << 1})),
]


# ---------------------------------------------------------------- lowering
def _link(ctx) -> None:
    ctx.b.mov(REG[14], ctx.const(ctx.next_pc | (1 if ctx.thumb else 0)))


def trans_B(ctx, f) -> bool:
    ctx.gen_goto(ctx.pc_read + f["imm"])
    return True


def trans_BL(ctx, f) -> bool:
    _link(ctx)
    ctx.gen_goto(ctx.pc_read + f["imm"])
    return True


def trans_BLX_i(ctx, f) -> bool:
    """BL with a state switch: ARM -> Thumb, or Thumb -> ARM (Align(PC, 4))."""
    if ctx.thumb:
        if f["h"]:
            return False                # T32 BLX with H = 1 is UNDEFINED
        _link(ctx)
        ctx.gen_goto((ctx.pc_read & ~3) + f["imm"], thumb=False)
    else:
        _link(ctx)
        ctx.gen_goto(ctx.pc_read + f["imm"], thumb=True)
    return True


def trans_B_cond(ctx, f) -> bool:
    if ctx.itstate:
        return False                    # UNPREDICTABLE in an IT block
    ctx.gen_skip_unless(f["cond"])      # not taken: the loop continues at next_pc
    ctx.gen_goto(ctx.pc_read + f["imm"])
    return True


def trans_BX(ctx, f) -> bool:
    ctx.gen_bx(ctx.load_reg(f["rm"]))
    return True


trans_BXJ = trans_BX                    # no Jazelle: BXJ is BX


def trans_BLX_r(ctx, f) -> bool:
    if f["rm"] == 15:
        return False                    # UNPREDICTABLE
    target = ctx.load_reg_tmp(f["rm"])  # BLX lr: read before writing LR
    _link(ctx)
    ctx.gen_bx(target)
    return True


def trans_CBZ(ctx, f) -> bool:
    """CBZ/CBNZ Rn, label: compare with zero and branch forward."""
    if ctx.itstate:
        return False
    b = ctx.b
    ctx.cond_label = b.label()          # branch not taken: loop goes to next_pc
    b.brcond(Cond.NE if not f["nz"] else Cond.EQ, REG[f["rn"]], 0, ctx.cond_label)
    ctx.gen_goto(ctx.pc_read + f["imm"])
    return True


def gen_table_branch(ctx, f, half: bool) -> bool:
    """TBB/TBH: PC = PC + 2 * table[Rn + Rm (<< 1)]."""
    if f["rn"] == 13 or f["rm"] in (13, 15):
        return False
    b = ctx.b
    addr = ctx.tmp()
    if half:
        b.shl(addr, REG[f["rm"]], 1)
        b.add(addr, addr, ctx.load_reg(f["rn"]))
    else:
        b.add(addr, ctx.load_reg(f["rn"]), REG[f["rm"]])
    off = ctx.tmp()
    b.ld(MO_UW if half else MO_UB, off, addr)
    b.shl(off, off, 1)
    b.add(off, off, ctx.pc_read)
    ctx.gen_branch_reg(off, interwork=False)
    return True


def trans_TBB(ctx, f): return gen_table_branch(ctx, f, False)
def trans_TBH(ctx, f): return gen_table_branch(ctx, f, True)


A32 = build(_A32, globals(), 32)
T32 = build(_T32, globals(), 32)
T16 = build(_T16, globals(), 16)
