"""Single loads and stores: LDR/STR, LDRB/STRB, LDRH/STRH, LDRSB/LDRSH,
LDRD/STRD and the unprivileged T forms, in A32, T32 and T16.

Every addressing mode is described by the same fields in all three sets:
``rn``, ``rt`` (and ``rt2`` for the dual forms), ``p`` (index before the
access), ``u`` (add the offset), ``w`` (write the address back), and either
``imm`` (an unsigned byte offset, already scaled) or ``rm`` + ``shtype`` +
``shimm`` (a shifted register offset).  Post-indexed accesses (p=0) always
write back.  The unprivileged forms (LDRT...) behave as the normal ones in
user mode.  r15 as the base reads PC+8 in ARM state and Align(PC, 4) in
Thumb (literal loads).  A load into r15 is an interworking branch
(LoadWritePC).  With writeback and Rt == Rn the loaded value wins.

Usage::

    from usermode.translate.arm.translate import T32
    pat, f = T32.decode(0xF85D0B04)       # ldr.w r0, [sp], #4  (pop {r0})
    pat.name, f["p"], f["w"], f["imm"]     # ('LDR_ri', 0, 1, 4)
"""
from __future__ import annotations

from ..ir import MO_SB, MO_SW, MO_UB, MO_UL, MO_UW, Value
from .cpu import REG
from .gen_mem import addr_add, base_reg, gen_load
from .gen_table import build

_X4 = {"imm": lambda v: v * 4}
_X2 = {"imm": lambda v: v * 2}
_RR = {"shimm": 0, "shtype": 0}          # halfword/dual register forms: no shift
_OFF = {"p": 1, "w": 0, "u": 1}          # plain [rn, offset]


def _x(**kw):
    return dict(kw)


# ---------------------------------------------------------------- A32 encodings
_A32 = [
    # word and unsigned byte, immediate offset (P=0 W=1 is the T form)
    ("STR_ri",    "cond:4 010 p:1 u:1 0 w:1 0 rn:4 rt:4 imm:12"),
    ("STRB_ri",   "cond:4 010 p:1 u:1 1 w:1 0 rn:4 rt:4 imm:12"),
    ("LDR_ri",    "cond:4 010 p:1 u:1 0 w:1 1 rn:4 rt:4 imm:12"),
    ("LDRB_ri",   "cond:4 010 p:1 u:1 1 w:1 1 rn:4 rt:4 imm:12"),
    ("STRT_ri",   "cond:4 010 0 u:1 0 1 0 rn:4 rt:4 imm:12", _x(extra={"p": 0, "w": 1})),
    ("STRBT_ri",  "cond:4 010 0 u:1 1 1 0 rn:4 rt:4 imm:12", _x(extra={"p": 0, "w": 1})),
    ("LDRT_ri",   "cond:4 010 0 u:1 0 1 1 rn:4 rt:4 imm:12", _x(extra={"p": 0, "w": 1})),
    ("LDRBT_ri",  "cond:4 010 0 u:1 1 1 1 rn:4 rt:4 imm:12", _x(extra={"p": 0, "w": 1})),
    # word and unsigned byte, (shifted) register offset
    ("STR_rr",    "cond:4 011 p:1 u:1 0 w:1 0 rn:4 rt:4 shimm:5 shtype:2 0 rm:4"),
    ("STRB_rr",   "cond:4 011 p:1 u:1 1 w:1 0 rn:4 rt:4 shimm:5 shtype:2 0 rm:4"),
    ("LDR_rr",    "cond:4 011 p:1 u:1 0 w:1 1 rn:4 rt:4 shimm:5 shtype:2 0 rm:4"),
    ("LDRB_rr",   "cond:4 011 p:1 u:1 1 w:1 1 rn:4 rt:4 shimm:5 shtype:2 0 rm:4"),
    ("STRT_rr",   "cond:4 011 0 u:1 0 1 0 rn:4 rt:4 shimm:5 shtype:2 0 rm:4", _x(extra={"p": 0, "w": 1})),
    ("STRBT_rr",  "cond:4 011 0 u:1 1 1 0 rn:4 rt:4 shimm:5 shtype:2 0 rm:4", _x(extra={"p": 0, "w": 1})),
    ("LDRT_rr",   "cond:4 011 0 u:1 0 1 1 rn:4 rt:4 shimm:5 shtype:2 0 rm:4", _x(extra={"p": 0, "w": 1})),
    ("LDRBT_rr",  "cond:4 011 0 u:1 1 1 1 rn:4 rt:4 shimm:5 shtype:2 0 rm:4", _x(extra={"p": 0, "w": 1})),
    # halfword, signed byte, dual: immediate offset (imm4H:imm4L)
    ("STRH_ri",   "cond:4 000 p:1 u:1 1 w:1 0 rn:4 rt:4 imm:4 1011 imm:4"),
    ("LDRD_ri",   "cond:4 000 p:1 u:1 1 w:1 0 rn:4 rt:4 imm:4 1101 imm:4", _x(xform={"rt2": lambda f: f["rt"] + 1})),
    ("STRD_ri",   "cond:4 000 p:1 u:1 1 w:1 0 rn:4 rt:4 imm:4 1111 imm:4", _x(xform={"rt2": lambda f: f["rt"] + 1})),
    ("LDRH_ri",   "cond:4 000 p:1 u:1 1 w:1 1 rn:4 rt:4 imm:4 1011 imm:4"),
    ("LDRSB_ri",  "cond:4 000 p:1 u:1 1 w:1 1 rn:4 rt:4 imm:4 1101 imm:4"),
    ("LDRSH_ri",  "cond:4 000 p:1 u:1 1 w:1 1 rn:4 rt:4 imm:4 1111 imm:4"),
    ("STRHT_ri",  "cond:4 000 0 u:1 1 1 0 rn:4 rt:4 imm:4 1011 imm:4", _x(extra={"p": 0, "w": 1})),
    ("LDRHT_ri",  "cond:4 000 0 u:1 1 1 1 rn:4 rt:4 imm:4 1011 imm:4", _x(extra={"p": 0, "w": 1})),
    ("LDRSBT_ri", "cond:4 000 0 u:1 1 1 1 rn:4 rt:4 imm:4 1101 imm:4", _x(extra={"p": 0, "w": 1})),
    ("LDRSHT_ri", "cond:4 000 0 u:1 1 1 1 rn:4 rt:4 imm:4 1111 imm:4", _x(extra={"p": 0, "w": 1})),
    # halfword, signed byte, dual: register offset
    ("STRH_rr",   "cond:4 000 p:1 u:1 0 w:1 0 rn:4 rt:4 0000 1011 rm:4", _x(extra=_RR)),
    ("LDRD_rr",   "cond:4 000 p:1 u:1 0 w:1 0 rn:4 rt:4 0000 1101 rm:4", _x(extra=_RR, xform={"rt2": lambda f: f["rt"] + 1})),
    ("STRD_rr",   "cond:4 000 p:1 u:1 0 w:1 0 rn:4 rt:4 0000 1111 rm:4", _x(extra=_RR, xform={"rt2": lambda f: f["rt"] + 1})),
    ("LDRH_rr",   "cond:4 000 p:1 u:1 0 w:1 1 rn:4 rt:4 0000 1011 rm:4", _x(extra=_RR)),
    ("LDRSB_rr",  "cond:4 000 p:1 u:1 0 w:1 1 rn:4 rt:4 0000 1101 rm:4", _x(extra=_RR)),
    ("LDRSH_rr",  "cond:4 000 p:1 u:1 0 w:1 1 rn:4 rt:4 0000 1111 rm:4", _x(extra=_RR)),
    ("STRHT_rr",  "cond:4 000 0 u:1 0 1 0 rn:4 rt:4 0000 1011 rm:4", _x(extra=dict(_RR, p=0, w=1))),
    ("LDRHT_rr",  "cond:4 000 0 u:1 0 1 1 rn:4 rt:4 0000 1011 rm:4", _x(extra=dict(_RR, p=0, w=1))),
    ("LDRSBT_rr", "cond:4 000 0 u:1 0 1 1 rn:4 rt:4 0000 1101 rm:4", _x(extra=dict(_RR, p=0, w=1))),
    ("LDRSHT_rr", "cond:4 000 0 u:1 0 1 1 rn:4 rt:4 0000 1111 rm:4", _x(extra=dict(_RR, p=0, w=1))),
]

# ---------------------------------------------------------------- T32 encodings
# hw1 = 1111 100 S op:2 L Rn; the second halfword selects the form:
#   imm12 (bit 23 set), 1PUW imm8 (indexed), 1100 imm8 (negative offset),
#   1110 imm8 (unprivileged), 000000 imm2 Rm (register, LSL #imm2),
#   and Rn = 1111 with U in bit 23 (literal).
# Byte/halfword loads with Rt = 1111 are the PLD/PLI/unallocated hints of
# trans_misc (more fixed bits, so those rows win).
def _t32_forms(name: str, op: str, load: bool) -> list:
    hi = "1111100" + op[0]              # 1111 100 S
    sz_l = op[1:]                        # size:2 L (after bit 23)
    # for loads, Rn = 1111 is always the literal form (which has fewer fixed bits)
    nolit = {"rn": 15} if load else {}
    rows = [
        (name + "_ri", f"{hi}1 {sz_l} rn:4 rt:4 imm:12", _x(extra=_OFF, exclude=nolit)),
        (name + "_ri", f"{hi}0 {sz_l} rn:4 rt:4 1 p:1 u:1 1 imm:8",
         _x(extra={"w": 1}, exclude=nolit)),
        (name + "_ri", f"{hi}0 {sz_l} rn:4 rt:4 1100 imm:8",
         _x(extra={"p": 1, "w": 0, "u": 0}, exclude=nolit)),
        (name + "T_ri", f"{hi}0 {sz_l} rn:4 rt:4 1110 imm:8", _x(extra=_OFF, exclude=nolit)),
        (name + "_rr", f"{hi}0 {sz_l} rn:4 rt:4 000000 shimm:2 rm:4",
         _x(extra=dict(_OFF, shtype=0), exclude=nolit)),
    ]
    if load:
        rows.append((name + "_ri", f"{hi} u:1 {sz_l} 1111 rt:4 imm:12", _x(extra={"rn": 15, "p": 1, "w": 0})))
    return rows


_T32 = (_t32_forms("STRB", "0000", False) + _t32_forms("STRH", "0010", False)
        + _t32_forms("STR", "0100", False)
        + _t32_forms("LDRB", "0001", True) + _t32_forms("LDRH", "0011", True)
        + _t32_forms("LDR", "0101", True)
        + _t32_forms("LDRSB", "1001", True) + _t32_forms("LDRSH", "1011", True)) + [
    # dual: 1110 100 P U 1 W L Rn Rt Rt2 imm8 (P=0 W=0 is the exclusive space)
    ("STRD_ri", "1110 1000 u:1 1 1 0 rn:4 rt:4 rt2:4 imm:8", _x(extra={"p": 0, "w": 1}, xform=_X4)),
    ("LDRD_ri", "1110 1000 u:1 1 1 1 rn:4 rt:4 rt2:4 imm:8", _x(extra={"p": 0, "w": 1}, xform=_X4)),
    ("STRD_ri", "1110 1001 u:1 1 w:1 0 rn:4 rt:4 rt2:4 imm:8", _x(extra={"p": 1}, xform=_X4)),
    ("LDRD_ri", "1110 1001 u:1 1 w:1 1 rn:4 rt:4 rt2:4 imm:8", _x(extra={"p": 1}, xform=_X4)),
]

# ---------------------------------------------------------------- T16 encodings
_RR16 = _x(extra=dict(_OFF, shimm=0, shtype=0))
_T16 = [
    ("STR_rr",   "0101 000 rm:3 rn:3 rt:3", _RR16),
    ("STRH_rr",  "0101 001 rm:3 rn:3 rt:3", _RR16),
    ("STRB_rr",  "0101 010 rm:3 rn:3 rt:3", _RR16),
    ("LDRSB_rr", "0101 011 rm:3 rn:3 rt:3", _RR16),
    ("LDR_rr",   "0101 100 rm:3 rn:3 rt:3", _RR16),
    ("LDRH_rr",  "0101 101 rm:3 rn:3 rt:3", _RR16),
    ("LDRB_rr",  "0101 110 rm:3 rn:3 rt:3", _RR16),
    ("LDRSH_rr", "0101 111 rm:3 rn:3 rt:3", _RR16),
    ("STR_ri",   "01100 imm:5 rn:3 rt:3", _x(extra=_OFF, xform=_X4)),
    ("LDR_ri",   "01101 imm:5 rn:3 rt:3", _x(extra=_OFF, xform=_X4)),
    ("STRB_ri",  "01110 imm:5 rn:3 rt:3", _x(extra=_OFF)),
    ("LDRB_ri",  "01111 imm:5 rn:3 rt:3", _x(extra=_OFF)),
    ("STRH_ri",  "10000 imm:5 rn:3 rt:3", _x(extra=_OFF, xform=_X2)),
    ("LDRH_ri",  "10001 imm:5 rn:3 rt:3", _x(extra=_OFF, xform=_X2)),
    ("STR_ri",   "10010 rt:3 imm:8", _x(extra=dict(_OFF, rn=13), xform=_X4)),   # [sp, #imm]
    ("LDR_ri",   "10011 rt:3 imm:8", _x(extra=dict(_OFF, rn=13), xform=_X4)),
    ("LDR_ri",   "01001 rt:3 imm:8", _x(extra=dict(_OFF, rn=15), xform=_X4)),   # literal
]


# ---------------------------------------------------------------- lowering
def _offset(ctx, f):
    """The offset operand: an int (immediate) or a Value (shifted register)."""
    if "rm" not in f:
        return f["imm"]
    rm = ctx.load_reg(f["rm"])
    if f["shtype"] == 0 and f["shimm"] == 0:
        return rm
    return ctx.gen_shift_imm(rm, f["shtype"], f["shimm"])


def _apply(ctx, base: Value, off, u: int) -> Value:
    if isinstance(off, int):
        return addr_add(ctx, base, off if u else -off)
    t = ctx.tmp()
    (ctx.b.add if u else ctx.b.sub)(t, base, off)
    return t


def gen_addr_pre(ctx, f, off) -> Value:
    """The address accessed: Rn (+/- offset when pre-indexed)."""
    base = base_reg(ctx, f["rn"])
    return _apply(ctx, base, off, f["u"]) if f["p"] else base


def gen_addr_post(ctx, f, addr: Value, off) -> None:
    """Base writeback: post-indexed always, pre-indexed when W."""
    if f["p"] and not f["w"]:
        return
    if not f["p"]:
        addr = _apply(ctx, addr, off, f["u"])
    ctx.b.mov(REG[f["rn"]], addr)


def _writeback(f) -> bool:
    return not f["p"] or bool(f["w"])


def _check(ctx, f) -> bool:
    if "rm" in f and f["rm"] == 15:
        return False                    # UNPREDICTABLE
    return not (_writeback(f) and f["rn"] == 15)


def gen_load_single(ctx, f, mo) -> bool:
    rt, rn = f["rt"], f["rn"]
    if not _check(ctx, f) or (rt == 15 and mo != MO_UL):
        return False
    off = _offset(ctx, f)
    addr = gen_addr_pre(ctx, f, off)
    if rt != 15 and not _writeback(f):
        ctx.b.ld(mo, REG[rt], addr)
        return True
    v = gen_load(ctx, mo, addr)
    gen_addr_post(ctx, f, addr, off)
    ctx.store_reg_bx(rt, v)             # after the writeback: the loaded value wins
    return True


def gen_store_single(ctx, f, mo) -> bool:
    rt = f["rt"]
    if not _check(ctx, f):
        return False
    if rt == 15 and (ctx.thumb or mo != MO_UL):
        return False                    # A32 STR pc stores PC+8; the rest is UNPREDICTABLE
    if ctx.thumb and f["rn"] == 15:
        return False                    # T32 stores with Rn = 1111 are UNDEFINED
    off = _offset(ctx, f)
    addr = gen_addr_pre(ctx, f, off)
    ctx.b.st(mo, ctx.load_reg(rt), addr)
    gen_addr_post(ctx, f, addr, off)
    return True


def _dual_ok(ctx, f) -> bool:
    rt, rt2, rn = f["rt"], f["rt2"], f["rn"]
    if not ctx.thumb and (rt & 1 or (not f["p"] and f["w"])):
        return False                    # A32: Rt even; P=0 W=1 has no dual T form
    if rt == 15 or rt2 == 15 or not _check(ctx, f):
        return False
    if _writeback(f) and rn in (rt, rt2):
        return False
    return True


def gen_load_dual(ctx, f) -> bool:
    if not _dual_ok(ctx, f) or (ctx.thumb and f["rt"] == f["rt2"]):
        return False
    off = _offset(ctx, f)
    addr = gen_addr_pre(ctx, f, off)
    lo = gen_load(ctx, MO_UL, addr)
    hi = gen_load(ctx, MO_UL, addr_add(ctx, addr, 4))
    gen_addr_post(ctx, f, addr, off)
    ctx.b.mov(REG[f["rt"]], lo)
    ctx.b.mov(REG[f["rt2"]], hi)
    return True


def gen_store_dual(ctx, f) -> bool:
    if not _dual_ok(ctx, f) or (ctx.thumb and f["rn"] == 15):
        return False
    off = _offset(ctx, f)
    addr = gen_addr_pre(ctx, f, off)
    ctx.b.st(MO_UL, ctx.load_reg(f["rt"]), addr)
    ctx.b.st(MO_UL, ctx.load_reg(f["rt2"]), addr_add(ctx, addr, 4))
    gen_addr_post(ctx, f, addr, off)
    return True


# one trans function per pattern name; the T forms are the same operations
def trans_LDR_ri(ctx, f):   return gen_load_single(ctx, f, MO_UL)
def trans_LDRB_ri(ctx, f):  return gen_load_single(ctx, f, MO_UB)
def trans_LDRH_ri(ctx, f):  return gen_load_single(ctx, f, MO_UW)
def trans_LDRSB_ri(ctx, f): return gen_load_single(ctx, f, MO_SB)
def trans_LDRSH_ri(ctx, f): return gen_load_single(ctx, f, MO_SW)
def trans_STR_ri(ctx, f):   return gen_store_single(ctx, f, MO_UL)
def trans_STRB_ri(ctx, f):  return gen_store_single(ctx, f, MO_UB)
def trans_STRH_ri(ctx, f):  return gen_store_single(ctx, f, MO_UW)
def trans_LDRD_ri(ctx, f):  return gen_load_dual(ctx, f)
def trans_STRD_ri(ctx, f):  return gen_store_dual(ctx, f)


trans_LDR_rr, trans_LDRB_rr, trans_LDRH_rr = trans_LDR_ri, trans_LDRB_ri, trans_LDRH_ri
trans_LDRSB_rr, trans_LDRSH_rr = trans_LDRSB_ri, trans_LDRSH_ri
trans_STR_rr, trans_STRB_rr, trans_STRH_rr = trans_STR_ri, trans_STRB_ri, trans_STRH_ri
trans_LDRD_rr, trans_STRD_rr = trans_LDRD_ri, trans_STRD_ri
# unprivileged forms: user mode already is unprivileged
trans_LDRT_ri = trans_LDRT_rr = trans_LDR_ri
trans_LDRBT_ri = trans_LDRBT_rr = trans_LDRB_ri
trans_LDRHT_ri = trans_LDRHT_rr = trans_LDRH_ri
trans_LDRSBT_ri = trans_LDRSBT_rr = trans_LDRSB_ri
trans_LDRSHT_ri = trans_LDRSHT_rr = trans_LDRSH_ri
trans_STRT_ri = trans_STRT_rr = trans_STR_ri
trans_STRBT_ri = trans_STRBT_rr = trans_STRB_ri
trans_STRHT_ri = trans_STRHT_rr = trans_STRH_ri

A32 = build(_A32, globals(), 32)
T32 = build(_T32, globals(), 32)
T16 = build(_T16, globals(), 16)
