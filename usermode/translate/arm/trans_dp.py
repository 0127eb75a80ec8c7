"""ARM integer data processing: AND EOR SUB RSB ADD ADC SBC RSC TST TEQ CMP
CMN ORR MOV BIC MVN ORN, with immediate / register-shifted-by-immediate /
register-shifted-by-register operands, plus ADR, ADDW/SUBW, MOVW/MOVT and
the T32/T16 shift instructions, in A32, T32 and T16.

Naming (as in QEMU's decodetree files): <OP>_rrri = Rd, Rn, Rm shifted by an
immediate; <OP>_rrrr = Rd, Rn, Rm shifted by Rs (A32, and the T32/T16
LSL/LSR/ASR/ROR register forms as MOV_rxrr); <OP>_rri = Rd, Rn, #imm.
An 'x' marks an absent operand (MOV has no Rn, TST no Rd).  Every encoding
of one operation goes to the same trans_<NAME>: the T16 forms carry
constant fields (extra=) and copies of Rdn (xform=) so they line up.

Fields: rd rn rm rs, s (S bit; S_IT for the T16 forms that set flags only
outside an IT block), shtype/shimm (immediate shift), imm/rot (expanded
immediate; rot != 0 means a logical S op takes C from imm[31]).

Choices for UNPREDICTABLE encodings: A32 <op>S with Rd = PC (an exception
return, 'SUBS pc, lr' etc.) is UNDEFINED in user mode (SIGILL, like QEMU);
A32 register-shifted-register forms reject PC in any register; T32 forms
reject PC as Rd/Rn/Rm (SP is accepted, as ARMv8 does).

Usage::

    from usermode.translate.arm.translate import translate_block
    blk = translate_block(lambda a, n: bytes.fromhex("010082e0")[:n], 0x1000, 0, max_insns=1)
    print(blk.ir.dump())        # add r0, r2, r1
"""
from __future__ import annotations

from ..decodetree import pattern as P
from .cpu import FLAG_CF
from .gen_alu import (S_IT, a32_expand_imm, bind, gen_shift_reg, is_t32, s_bit,
                      t32_expand_imm, t32_imm_rot)

NOT_F = {"exclude": {"cond": 0xF}}                 # A32: cond 1111 is another space
A_IMM = {"imm": lambda d: a32_expand_imm(d["imm12"]), "rot": lambda d: d["imm12"] >> 8}
T_IMM = {"imm": lambda d: t32_expand_imm(d["imm12"]), "rot": lambda d: t32_imm_rot(d["imm12"])}
S1 = {"s": 1}
RN_RD = {"rn": lambda d: d["rd"]}                  # T16 Rdn
RM_RD = {"rm": lambda d: d["rd"]}
T16_REG = {"shimm": 0, "shtype": 0, "s": S_IT}     # T16 <op>S Rd, Rn, Rm
T16_IMM = {"rot": 0, "s": S_IT}
IMM4 = {"imm": lambda v: v << 2}
MOVW_IMM = {"imm": lambda d: d["imm4"] << 12 | d["i"] << 11 | d["imm3"] << 8 | d["imm8"]}


def _a32(name, opc, s="s:1", rd="rd:4", rn="rn:4"):
    """The three A32 forms of one data-processing opcode."""
    x = name.split("_")[0] + ("_x" if rd == "...." else "_r") + ("x" if rn == "...." else "r")
    return [
        P(x + "ri", f"cond:4 000 {opc} {s} {rn} {rd} shimm:5 shtype:2 0 rm:4", **NOT_F,
          extra=S1 if s == "1" else None),
        P(x + "rr", f"cond:4 000 {opc} {s} {rn} {rd} rs:4 0 shtype:2 1 rm:4", **NOT_F,
          extra=S1 if s == "1" else None),
        P(x + "i", f"cond:4 001 {opc} {s} {rn} {rd} imm12:12", **NOT_F, xform=A_IMM,
          extra=S1 if s == "1" else None),
    ]


def _t32(name, opc, s="s:1", rd="rd:4", rn="rn:4"):
    """The two T32 forms (modified immediate, shifted register) of one opcode."""
    x = name.split("_")[0] + ("_x" if rd == "1111" else "_r") + ("x" if rn == "1111" else "r")
    return [
        P(x + "ri", f"1110101 {opc} {s} {rn} 0 shimm:3 {rd} shimm:2 shtype:2 rm:4",
          extra=S1 if s == "1" else None),
        P(x + "i", f"11110 imm12:1 0 {opc} {s} {rn} 0 imm12:3 {rd} imm12:8", xform=T_IMM,
          extra=S1 if s == "1" else None),
    ]


# ---- A32 ---------------------------------------------------------------------------------
A32 = [
    *_a32("AND", "0000"), *_a32("EOR", "0001"), *_a32("SUB", "0010"), *_a32("RSB", "0011"),
    *_a32("ADD", "0100"), *_a32("ADC", "0101"), *_a32("SBC", "0110"), *_a32("RSC", "0111"),
    *_a32("TST", "1000", s="1", rd="...."), *_a32("TEQ", "1001", s="1", rd="...."),
    *_a32("CMP", "1010", s="1", rd="...."), *_a32("CMN", "1011", s="1", rd="...."),
    *_a32("ORR", "1100"), *_a32("MOV", "1101", rn="...."),
    *_a32("BIC", "1110"), *_a32("MVN", "1111", rn="...."),
    P("MOVW", "cond:4 0011 0000 imm:4 rd:4 imm:12", **NOT_F),
    P("MOVT", "cond:4 0011 0100 imm:4 rd:4 imm:12", **NOT_F),
]

# ---- T32 ---------------------------------------------------------------------------------
T32 = [
    *_t32("AND", "0000"), *_t32("TST", "0000", s="1", rd="1111"),
    *_t32("BIC", "0001"),
    *_t32("ORR", "0010"), *_t32("MOV", "0010", rn="1111"),
    *_t32("ORN", "0011"), *_t32("MVN", "0011", rn="1111"),
    *_t32("EOR", "0100"), *_t32("TEQ", "0100", s="1", rd="1111"),
    *_t32("ADD", "1000"), *_t32("CMN", "1000", s="1", rd="1111"),
    *_t32("ADC", "1010"), *_t32("SBC", "1011"),
    *_t32("SUB", "1101"), *_t32("CMP", "1101", s="1", rd="1111"),
    *_t32("RSB", "1110"),
    # LSL/LSR/ASR/ROR (register): Rd = Rm shifted by Rs, as MOV_rxrr
    P("MOV_rxrr", "11111010 0 shtype:2 s:1 rm:4 1111 rd:4 0000 rs:4"),
    # plain binary immediates
    P("ADD_rri", "11110 imm:1 10 0000 rn:4 0 imm:3 rd:4 imm:8", extra={"s": 0, "rot": 0}),
    P("SUB_rri", "11110 imm:1 10 1010 rn:4 0 imm:3 rd:4 imm:8", extra={"s": 0, "rot": 0}),
    P("ADR", "11110 imm:1 10 0000 1111 0 imm:3 rd:4 imm:8"),
    P("ADR", "11110 imm:1 10 1010 1111 0 imm:3 rd:4 imm:8", xform={"imm": lambda v: -v}),
    P("MOVW", "11110 i:1 10 0100 imm4:4 0 imm3:3 rd:4 imm8:8", xform=MOVW_IMM),
    P("MOVT", "11110 i:1 10 1100 imm4:4 0 imm3:3 rd:4 imm8:8", xform=MOVW_IMM),
]

# ---- T16 ---------------------------------------------------------------------------------
T16 = [P(name, spec, width=16, **kw) for name, spec, kw in [
    # shift (immediate), add, subtract, move, and compare
    ("MOV_rxri", "000 00 shimm:5 rm:3 rd:3", {"extra": {"shtype": 0, "s": S_IT}}),
    ("MOV_rxri", "000 01 shimm:5 rm:3 rd:3", {"extra": {"shtype": 1, "s": S_IT}}),
    ("MOV_rxri", "000 10 shimm:5 rm:3 rd:3", {"extra": {"shtype": 2, "s": S_IT}}),
    ("ADD_rrri", "00011 00 rm:3 rn:3 rd:3", {"extra": T16_REG}),
    ("SUB_rrri", "00011 01 rm:3 rn:3 rd:3", {"extra": T16_REG}),
    ("ADD_rri", "00011 10 imm:3 rn:3 rd:3", {"extra": T16_IMM}),
    ("SUB_rri", "00011 11 imm:3 rn:3 rd:3", {"extra": T16_IMM}),
    ("MOV_rxi", "001 00 rd:3 imm:8", {"extra": T16_IMM}),
    ("CMP_xri", "001 01 rn:3 imm:8", {"extra": {"rot": 0, "s": 1}}),
    ("ADD_rri", "001 10 rd:3 imm:8", {"extra": T16_IMM, "xform": RN_RD}),
    ("SUB_rri", "001 11 rd:3 imm:8", {"extra": T16_IMM, "xform": RN_RD}),
    # data processing (MUL is in trans_mul)
    ("AND_rrri", "010000 0000 rm:3 rd:3", {"extra": T16_REG, "xform": RN_RD}),
    ("EOR_rrri", "010000 0001 rm:3 rd:3", {"extra": T16_REG, "xform": RN_RD}),
    ("MOV_rxrr", "010000 0010 rs:3 rd:3", {"extra": {"shtype": 0, "s": S_IT}, "xform": RM_RD}),
    ("MOV_rxrr", "010000 0011 rs:3 rd:3", {"extra": {"shtype": 1, "s": S_IT}, "xform": RM_RD}),
    ("MOV_rxrr", "010000 0100 rs:3 rd:3", {"extra": {"shtype": 2, "s": S_IT}, "xform": RM_RD}),
    ("ADC_rrri", "010000 0101 rm:3 rd:3", {"extra": T16_REG, "xform": RN_RD}),
    ("SBC_rrri", "010000 0110 rm:3 rd:3", {"extra": T16_REG, "xform": RN_RD}),
    ("MOV_rxrr", "010000 0111 rs:3 rd:3", {"extra": {"shtype": 3, "s": S_IT}, "xform": RM_RD}),
    ("TST_xrri", "010000 1000 rm:3 rn:3", {"extra": {**T16_REG, "s": 1}}),
    ("RSB_rri", "010000 1001 rn:3 rd:3", {"extra": {**T16_IMM, "imm": 0}}),
    ("CMP_xrri", "010000 1010 rm:3 rn:3", {"extra": {**T16_REG, "s": 1}}),
    ("CMN_xrri", "010000 1011 rm:3 rn:3", {"extra": {**T16_REG, "s": 1}}),
    ("ORR_rrri", "010000 1100 rm:3 rd:3", {"extra": T16_REG, "xform": RN_RD}),
    ("BIC_rrri", "010000 1110 rm:3 rd:3", {"extra": T16_REG, "xform": RN_RD}),
    ("MVN_rxri", "010000 1111 rm:3 rd:3", {"extra": T16_REG}),
    # special data processing (high registers; never set flags except CMP)
    ("ADD_rrri", "010001 00 rd:1 rm:4 rd:3", {"extra": {**T16_REG, "s": 0}, "xform": RN_RD}),
    ("CMP_xrri", "010001 01 rn:1 rm:4 rn:3", {"extra": {**T16_REG, "s": 1}}),
    ("MOV_rxri", "010001 10 rd:1 rm:4 rd:3", {"extra": {**T16_REG, "s": 0}}),
    # PC/SP relative
    ("ADR", "10100 rd:3 imm:8", {"xform": IMM4}),
    ("ADD_rri", "10101 rd:3 imm:8", {"extra": {"rn": 13, "rot": 0, "s": 0}, "xform": IMM4}),
    ("ADD_rri", "1011 0000 0 imm:7", {"extra": {"rd": 13, "rn": 13, "rot": 0, "s": 0},
                                      "xform": IMM4}),
    ("SUB_rri", "1011 0000 1 imm:7", {"extra": {"rd": 13, "rn": 13, "rot": 0, "s": 0},
                                      "xform": IMM4}),
]]


# ---- operand forms -------------------------------------------------------------------------
def _ok(ctx, f, s: bool, store: bool, srcs) -> bool:
    """False for the UNPREDICTABLE register choices we reject (see module doc)."""
    if is_t32(ctx):
        if store and f["rd"] == 15:
            return False
        return all(f.get(r) != 15 for r in srcs)
    if not ctx.thumb and store and s and f["rd"] == 15:
        return False                   # exception return: UNDEFINED in user mode
    return True


def _rn(ctx, f):
    return ctx.load_reg(f["rn"]) if "rn" in f else None


def _finish(ctx, f, res, store: bool) -> bool:
    if store:
        ctx.store_reg(f["rd"], res)
    return True


def op_rrri(ctx, f, gen, logic: bool, store: bool = True) -> bool:
    """Rd = Rn <op> (Rm shifted by an immediate)."""
    s = s_bit(ctx, f)
    if not _ok(ctx, f, s, store, ("rn", "rm")):
        return False
    b_ = ctx.load_reg(f["rm"])
    if f["shimm"] or f["shtype"]:                   # not LSL #0
        b_ = ctx.gen_shift_imm(b_, f["shtype"], f["shimm"], set_carry=s and logic)
    return _finish(ctx, f, gen(ctx, _rn(ctx, f), b_, s), store)


def op_rrrr(ctx, f, gen, logic: bool, store: bool = True) -> bool:
    """Rd = Rn <op> (Rm shifted by Rs[7:0])."""
    s = s_bit(ctx, f)
    if any(f.get(r) == 15 for r in ("rd", "rn", "rm", "rs")):
        return False
    b_ = gen_shift_reg(ctx, ctx.load_reg(f["rm"]), f["shtype"], ctx.load_reg(f["rs"]),
                       set_carry=s and logic)
    return _finish(ctx, f, gen(ctx, _rn(ctx, f), b_, s), store)


def op_rri(ctx, f, gen, logic: bool, store: bool = True) -> bool:
    """Rd = Rn <op> #imm (C from imm[31] for rotated immediates of logical ops)."""
    s = s_bit(ctx, f)
    if not _ok(ctx, f, s, store, ("rn",)):
        return False
    imm = f["imm"] & 0xFFFFFFFF
    if s and logic and f["rot"]:
        ctx.b.mov(FLAG_CF, imm >> 31)
    return _finish(ctx, f, gen(ctx, _rn(ctx, f), ctx.const(imm), s), store)


# ---- operations: gen_<OP>(ctx, a, b, s) -> result temp (sets NZCV when s) -------------------
def _logic(ctx, op, a, b_, s):
    t = ctx.tmp()
    op(t, a, b_)
    if s:
        ctx.gen_logic_cc(t)
    return t


def gen_AND(ctx, a, b_, s):
    return _logic(ctx, ctx.b.and_, a, b_, s)


def gen_EOR(ctx, a, b_, s):
    return _logic(ctx, ctx.b.xor, a, b_, s)


def gen_ORR(ctx, a, b_, s):
    return _logic(ctx, ctx.b.or_, a, b_, s)


def gen_BIC(ctx, a, b_, s):
    return _logic(ctx, ctx.b.andc, a, b_, s)


def gen_ORN(ctx, a, b_, s):
    nb = ctx.tmp()
    ctx.b.not_(nb, b_)
    return _logic(ctx, ctx.b.or_, a, nb, s)


def gen_MOV(ctx, a, b_, s):
    if s:
        ctx.gen_logic_cc(b_)
    return b_


def gen_MVN(ctx, a, b_, s):
    return _logic(ctx, lambda t, _a, v: ctx.b.not_(t, v), a, b_, s)


def gen_ADD(ctx, a, b_, s):
    t = ctx.tmp()
    if s:
        ctx.gen_add_cc(t, a, b_)
    else:
        ctx.b.add(t, a, b_)
    return t


def gen_SUB(ctx, a, b_, s):
    t = ctx.tmp()
    if s:
        ctx.gen_sub_cc(t, a, b_)
    else:
        ctx.b.sub(t, a, b_)
    return t


def gen_ADC(ctx, a, b_, s):
    t = ctx.tmp()
    if s:
        ctx.gen_adc_cc(t, a, b_)
    else:
        ctx.b.add(t, a, b_)
        ctx.b.add(t, t, FLAG_CF)
    return t


def gen_SBC(ctx, a, b_, s):
    t = ctx.tmp()
    if s:
        ctx.gen_sbc_cc(t, a, b_)
    else:                                  # a + ~b + C
        ctx.b.sub(t, a, b_)
        ctx.b.add(t, t, FLAG_CF)
        ctx.b.sub(t, t, 1)
    return t


def gen_RSB(ctx, a, b_, s):
    return gen_SUB(ctx, b_, a, s)


def gen_RSC(ctx, a, b_, s):
    return gen_SBC(ctx, b_, a, s)


# ---- trans functions ---------------------------------------------------------------------
def trans_AND_rrri(ctx, f): return op_rrri(ctx, f, gen_AND, True)
def trans_AND_rrrr(ctx, f): return op_rrrr(ctx, f, gen_AND, True)
def trans_AND_rri(ctx, f): return op_rri(ctx, f, gen_AND, True)
def trans_EOR_rrri(ctx, f): return op_rrri(ctx, f, gen_EOR, True)
def trans_EOR_rrrr(ctx, f): return op_rrrr(ctx, f, gen_EOR, True)
def trans_EOR_rri(ctx, f): return op_rri(ctx, f, gen_EOR, True)
def trans_ORR_rrri(ctx, f): return op_rrri(ctx, f, gen_ORR, True)
def trans_ORR_rrrr(ctx, f): return op_rrrr(ctx, f, gen_ORR, True)
def trans_ORR_rri(ctx, f): return op_rri(ctx, f, gen_ORR, True)
def trans_ORN_rrri(ctx, f): return op_rrri(ctx, f, gen_ORN, True)
def trans_ORN_rri(ctx, f): return op_rri(ctx, f, gen_ORN, True)
def trans_BIC_rrri(ctx, f): return op_rrri(ctx, f, gen_BIC, True)
def trans_BIC_rrrr(ctx, f): return op_rrrr(ctx, f, gen_BIC, True)
def trans_BIC_rri(ctx, f): return op_rri(ctx, f, gen_BIC, True)
def trans_MOV_rxri(ctx, f): return op_rrri(ctx, f, gen_MOV, True)
def trans_MOV_rxrr(ctx, f): return op_rrrr(ctx, f, gen_MOV, True)
def trans_MOV_rxi(ctx, f): return op_rri(ctx, f, gen_MOV, True)
def trans_MVN_rxri(ctx, f): return op_rrri(ctx, f, gen_MVN, True)
def trans_MVN_rxrr(ctx, f): return op_rrrr(ctx, f, gen_MVN, True)
def trans_MVN_rxi(ctx, f): return op_rri(ctx, f, gen_MVN, True)
def trans_TST_xrri(ctx, f): return op_rrri(ctx, f, gen_AND, True, store=False)
def trans_TST_xrrr(ctx, f): return op_rrrr(ctx, f, gen_AND, True, store=False)
def trans_TST_xri(ctx, f): return op_rri(ctx, f, gen_AND, True, store=False)
def trans_TEQ_xrri(ctx, f): return op_rrri(ctx, f, gen_EOR, True, store=False)
def trans_TEQ_xrrr(ctx, f): return op_rrrr(ctx, f, gen_EOR, True, store=False)
def trans_TEQ_xri(ctx, f): return op_rri(ctx, f, gen_EOR, True, store=False)
def trans_ADD_rrri(ctx, f): return op_rrri(ctx, f, gen_ADD, False)
def trans_ADD_rrrr(ctx, f): return op_rrrr(ctx, f, gen_ADD, False)
def trans_ADD_rri(ctx, f): return op_rri(ctx, f, gen_ADD, False)
def trans_ADC_rrri(ctx, f): return op_rrri(ctx, f, gen_ADC, False)
def trans_ADC_rrrr(ctx, f): return op_rrrr(ctx, f, gen_ADC, False)
def trans_ADC_rri(ctx, f): return op_rri(ctx, f, gen_ADC, False)
def trans_SUB_rrri(ctx, f): return op_rrri(ctx, f, gen_SUB, False)
def trans_SUB_rrrr(ctx, f): return op_rrrr(ctx, f, gen_SUB, False)
def trans_SUB_rri(ctx, f): return op_rri(ctx, f, gen_SUB, False)
def trans_SBC_rrri(ctx, f): return op_rrri(ctx, f, gen_SBC, False)
def trans_SBC_rrrr(ctx, f): return op_rrrr(ctx, f, gen_SBC, False)
def trans_SBC_rri(ctx, f): return op_rri(ctx, f, gen_SBC, False)
def trans_RSB_rrri(ctx, f): return op_rrri(ctx, f, gen_RSB, False)
def trans_RSB_rrrr(ctx, f): return op_rrrr(ctx, f, gen_RSB, False)
def trans_RSB_rri(ctx, f): return op_rri(ctx, f, gen_RSB, False)
def trans_RSC_rrri(ctx, f): return op_rrri(ctx, f, gen_RSC, False)
def trans_RSC_rrrr(ctx, f): return op_rrrr(ctx, f, gen_RSC, False)
def trans_RSC_rri(ctx, f): return op_rri(ctx, f, gen_RSC, False)
def trans_CMP_xrri(ctx, f): return op_rrri(ctx, f, gen_SUB, False, store=False)
def trans_CMP_xrrr(ctx, f): return op_rrrr(ctx, f, gen_SUB, False, store=False)
def trans_CMP_xri(ctx, f): return op_rri(ctx, f, gen_SUB, False, store=False)
def trans_CMN_xrri(ctx, f): return op_rrri(ctx, f, gen_ADD, False, store=False)
def trans_CMN_xrrr(ctx, f): return op_rrrr(ctx, f, gen_ADD, False, store=False)
def trans_CMN_xri(ctx, f): return op_rri(ctx, f, gen_ADD, False, store=False)


def trans_ADR(ctx, f):
    """Rd = Align(PC, 4) + imm (T16, T32 add and subtract forms)."""
    if f["rd"] == 15:
        return False
    ctx.store_reg(f["rd"], ctx.const(ctx.load_reg_align_pc(15).value + f["imm"]))
    return True


def trans_MOVW(ctx, f):
    if f["rd"] == 15:
        return False
    ctx.store_reg(f["rd"], ctx.const(f["imm"]))
    return True


def trans_MOVT(ctx, f):
    if f["rd"] == 15:
        return False
    t = ctx.tmp()
    ctx.b.and_(t, ctx.load_reg(f["rd"]), 0xFFFF)
    ctx.b.or_(t, t, f["imm"] << 16)
    ctx.store_reg(f["rd"], t)
    return True


bind(globals(), A32, T32, T16)
