"""System and miscellaneous instructions, in A32, T32 and T16:

* SVC (the immediate is ignored: EABI passes the number in r7), BKPT,
  UDF (A32 0xe7f000f0 family, T16 0xdeXX, T32 0xf7fXaXXX; the kernel's
  breakpoint encodings live there and stay undefined instructions);
* NOP and hints (YIELD, WFE, WFI, SEV, DBG: no-ops in user mode), the
  preload hints PLD/PLDW/PLI (and the unallocated memory hints), CPS
  (no effect in user mode), SETEND (LE is a no-op, BE is rejected);
* IT (T16): sets ctx.itstate = firstcond:mask, the loop applies it;
* barriers DMB/DSB/ISB and the CP15 c7 barrier MCRs -> ``mb``;
* MRC/MCR p15 c13 c0 {2,3}: TPIDRURW (read/write), TPIDRURO (read-only);
* MRS/MSR APSR (A32 immediate and register forms, T32 register form):
  the user-visible flags NZCVQ and GE; a CPSR read shows User mode (0x10).

Usage::

    from usermode.translate.arm.translate import A32
    pat, f = A32.decode(0xEE1D0F70)       # mrc p15, 0, r0, c13, c0, 3
    pat.name, f["opc2"]                   # ('MRC', 3)
"""
from __future__ import annotations

from ..ir import Cond
from .cpu import (FLAG_CF, FLAG_GE, FLAG_NF, FLAG_QF, FLAG_VF, FLAG_ZF, REG, TPIDRURO,
                  TPIDRURW)
from .gen_table import build, t32_rows


def _x(**kw):
    return dict(kw)


_MCR = [("MCR", "cond:4 1110 opc1:3 0 crn:4 rt:4 cp:4 opc2:3 1 crm:4", _x(extra={"l": 0})),
        ("MRC", "cond:4 1110 opc1:3 1 crn:4 rt:4 cp:4 opc2:3 1 crm:4", _x(extra={"l": 1}))]

_A32 = _MCR + [
    ("SVC",     "cond:4 1111 imm:24"),
    ("BKPT",    "cond:4 0001 0010 imm:12 0111 imm:4"),
    ("UDF",     "cond:4 0111 1111 imm:12 1111 imm:4"),
    # hints: the whole of cond 0011 0010 0000 xxxx xxxx op8 executes as NOP
    ("NOP",     "cond:4 0011 0010 0000 1111 ---- ---- ----"),
    ("YIELD",   "cond:4 0011 0010 0000 1111 ---- 0000 0001"),
    ("WFE",     "cond:4 0011 0010 0000 1111 ---- 0000 0010"),
    ("WFI",     "cond:4 0011 0010 0000 1111 ---- 0000 0011"),
    ("SEV",     "cond:4 0011 0010 0000 1111 ---- 0000 0100"),
    ("MSR_imm", "cond:4 0011 0 r:1 10 mask:4 1111 rot:4 imm:8"),
    ("MRS",     "cond:4 0001 0 r:1 00 1111 rd:4 0000 0000 0000"),
    ("MSR_reg", "cond:4 0001 0 r:1 10 mask:4 1111 0000 0000 rn:4"),
    # unconditional space
    ("DSB",     "1111 0101 0111 1111 1111 0000 0100 opt:4"),
    ("DMB",     "1111 0101 0111 1111 1111 0000 0101 opt:4"),
    ("ISB",     "1111 0101 0111 1111 1111 0000 0110 opt:4"),
    ("PLD",     "1111 0101 u:1 1 01 rn:4 1111 imm:12"),
    ("PLDW",    "1111 0101 u:1 0 01 rn:4 1111 imm:12"),
    ("PLI",     "1111 0100 u:1 101 rn:4 1111 imm:12"),
    ("PLD",     "1111 0111 u:1 1 01 rn:4 1111 imm:5 ty:2 0 rm:4"),
    ("PLDW",    "1111 0111 u:1 0 01 rn:4 1111 imm:5 ty:2 0 rm:4"),
    ("PLI",     "1111 0110 u:1 101 rn:4 1111 imm:5 ty:2 0 rm:4"),
    ("PLDW",    "1111 0100 - 001 ---- ---- ---- ---- ----"),        # unallocated hints
    ("PLDW",    "1111 0110 - 001 ---- ---- ---- ---0 ----"),
    ("CPS",     "1111 0001 0000 imod:2 m:1 0 0000 000 a:1 i:1 f:1 0 mode:5"),
    ("SETEND",  "1111 0001 0000 0001 0000 00 e:1 0 0000 0000"),
]

_T32 = t32_rows(_MCR) + [
    ("NOP",     "1111 0011 1010 1111 1000 0000 ---- ----"),
    ("YIELD",   "1111 0011 1010 1111 1000 0000 0000 0001"),
    ("WFE",     "1111 0011 1010 1111 1000 0000 0000 0010"),
    ("WFI",     "1111 0011 1010 1111 1000 0000 0000 0011"),
    ("SEV",     "1111 0011 1010 1111 1000 0000 0000 0100"),
    ("CPS",     "1111 0011 1010 1111 1000 0 imod:2 m:1 a:1 i:1 f:1 mode:5"),
    ("DSB",     "1111 0011 1011 1111 1000 1111 0100 opt:4"),
    ("DMB",     "1111 0011 1011 1111 1000 1111 0101 opt:4"),
    ("ISB",     "1111 0011 1011 1111 1000 1111 0110 opt:4"),
    ("MRS",     "1111 0011 111 r:1 1111 1000 rd:4 0000 0000"),
    ("MSR_reg", "1111 0011 100 r:1 rn:4 1000 mask:4 0000 0000"),
    ("UDF",     "1111 0111 1111 imm:4 1010 imm:12"),
    # Byte/halfword loads with Rt = 1111 are hints: PLD (LDRB), PLDW (LDRH),
    # PLI (LDRSB), unallocated (LDRSH); imm12, negative imm8, register, literal
    ("PLD",     "1111100 s:1 1 0 h:1 1 rn:4 1111 imm:12", _x(exclude={"rn": 15})),
    ("PLD",     "1111100 s:1 0 0 h:1 1 rn:4 1111 1100 imm:8", _x(exclude={"rn": 15})),
    ("PLD",     "1111100 s:1 0 0 h:1 1 rn:4 1111 000000 imm:2 rm:4", _x(exclude={"rn": 15})),
    ("PLD",     "1111100 s:1 u:1 0 h:1 1 1111 1111 imm:12"),
]

_T16 = [
    ("SVC",     "1101 1111 imm:8"),
    ("UDF",     "1101 1110 imm:8"),
    ("BKPT",    "1011 1110 imm:8"),
    ("NOP",     "1011 1111 op:4 0000"),
    ("YIELD",   "1011 1111 0001 0000"),
    ("WFE",     "1011 1111 0010 0000"),
    ("WFI",     "1011 1111 0011 0000"),
    ("SEV",     "1011 1111 0100 0000"),
    ("IT",      "1011 1111 cond_mask:8"),
    ("CPS",     "1011 0110 011 im:1 0 a:1 i:1 f:1"),
    ("SETEND",  "1011 0110 010 1 e:1 000"),
]


# ---------------------------------------------------------------- lowering
def trans_SVC(ctx, f) -> bool:
    ctx.gen_svc()
    return True


def trans_BKPT(ctx, f) -> bool:
    ctx.gen_bkpt()
    return True


def trans_UDF(ctx, f) -> bool:
    return ctx.undef()


def trans_NOP(ctx, f) -> bool:
    return True


trans_YIELD = trans_WFE = trans_WFI = trans_SEV = trans_NOP
trans_PLD = trans_PLDW = trans_PLI = trans_NOP
trans_CPS = trans_NOP                   # CPS in User mode has no effect


def trans_SETEND(ctx, f) -> bool:
    return not f["e"]                   # big-endian data is not supported


def trans_IT(ctx, f) -> bool:
    cm = f["cond_mask"]
    first, mask = cm >> 4, cm & 0xF
    if ctx.itstate or first == 0xF or (first == 0xE and bin(mask).count("1") != 1):
        return False                    # UNPREDICTABLE
    ctx.itstate = cm
    ctx.it_set = True
    return True


def gen_barrier(ctx) -> bool:
    ctx.b.mb("full")
    return True


def trans_DMB(ctx, f): return gen_barrier(ctx)
def trans_DSB(ctx, f): return gen_barrier(ctx)
def trans_ISB(ctx, f): return gen_barrier(ctx)


# CP15 barrier operations (MCR p15, 0, Rt, c7, CRm, opc2), deprecated but
# still executed by old binaries: CP15DMB, CP15DSB, CP15ISB
_CP15_BARRIERS = {(10, 5), (10, 4), (5, 4)}


def trans_MCR(ctx, f) -> bool:
    """MRC (l=1) and MCR (l=0) on coprocessor 15, the user-visible registers."""
    if f["cp"] != 15 or f["opc1"] != 0:
        return False
    rt, crn, crm, opc2 = f["rt"], f["crn"], f["crm"], f["opc2"]
    if crn == 13 and crm == 0 and opc2 in (2, 3):
        if rt == 15:
            return False
        reg = TPIDRURW if opc2 == 2 else TPIDRURO
        if f["l"]:
            ctx.b.mov(REG[rt], reg)
            return True
        if opc2 == 3:
            return False                # TPIDRURO is read-only at PL0
        ctx.b.mov(TPIDRURW, REG[rt])
        return True
    if not f["l"] and crn == 7 and (crm, opc2) in _CP15_BARRIERS:
        return gen_barrier(ctx)
    return False


trans_MRC = trans_MCR


def gen_read_apsr(ctx):
    """The APSR as MRS reads it in User mode: NZCVQ, GE, mode bits USR."""
    b = ctx.b
    r, t = ctx.tmp(), ctx.tmp()
    b.and_(r, FLAG_NF, 0x80000000)
    b.setcond(Cond.EQ, t, FLAG_ZF, 0)
    b.shl(t, t, 30)
    b.or_(r, r, t)
    b.shl(t, FLAG_CF, 29)
    b.or_(r, r, t)
    b.shr(t, FLAG_VF, 31)
    b.shl(t, t, 28)
    b.or_(r, r, t)
    b.shl(t, FLAG_QF, 27)
    b.or_(r, r, t)
    b.shl(t, FLAG_GE, 16)
    b.or_(r, r, t)
    b.or_(r, r, 0x10)
    return r


def gen_write_apsr(ctx, v, mask: int) -> None:
    """Write the APSR fields selected by MSR's mask: bit 3 = NZCVQ, bit 2 = GE."""
    b = ctx.b
    if mask & 8:
        t = ctx.tmp()
        b.and_(t, v, 0x40000000)
        b.xor(FLAG_ZF, t, 0x40000000)   # ZF == 0 iff Z
        b.shr(FLAG_CF, v, 29)
        b.and_(FLAG_CF, FLAG_CF, 1)
        b.shl(FLAG_VF, v, 3)
        b.and_(FLAG_VF, FLAG_VF, 0x80000000)
        b.shr(FLAG_QF, v, 27)
        b.and_(FLAG_QF, FLAG_QF, 1)
        b.and_(FLAG_NF, v, 0x80000000)
    if mask & 4:
        b.shr(FLAG_GE, v, 16)
        b.and_(FLAG_GE, FLAG_GE, 0xF)


def trans_MRS(ctx, f) -> bool:
    if f["r"] or f["rd"] == 15:
        return False                    # SPSR: not in User mode
    ctx.b.mov(REG[f["rd"]], gen_read_apsr(ctx))
    return True


def trans_MSR_reg(ctx, f) -> bool:
    if f["r"] or f["rn"] == 15 or f["mask"] == 0:
        return False
    v = ctx.tmp()
    ctx.b.mov(v, REG[f["rn"]])
    gen_write_apsr(ctx, v, f["mask"])   # the x and c fields are ignored in User mode
    return True


def trans_MSR_imm(ctx, f) -> bool:
    if f["r"]:
        return False
    rot = 2 * f["rot"]
    imm = ((f["imm"] >> rot) | (f["imm"] << (32 - rot))) & 0xFFFFFFFF if rot else f["imm"]
    gen_write_apsr(ctx, ctx.const(imm), f["mask"])
    return True


A32 = build(_A32, globals(), 32)
T32 = build(_T32, globals(), 32)
T16 = build(_T16, globals(), 16)
