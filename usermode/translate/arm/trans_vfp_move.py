"""VFP register moves, loads and stores (the part of VFP that libc's
memcpy/setjmp/printf paths use), in A32 (cond) and T32 (the same encodings
with a 1110 prefix):

VLDR/VSTR (S, D), VLDM/VSTM (IA with optional writeback, DB with writeback;
S and D lists; VPUSH = VSTMDB sp!, VPOP = VLDMIA sp!; FLDMX/FSTMX with an
odd word count), VMOV core<->S, VMOV two cores<->D, VMOV two cores<->two S,
VMOV S<->S and D<->D, VMOV immediate (VFPExpandImm), VMOV core<->scalar
(Dn[x], 8/16/32-bit lanes), VMRS/VMSR FPSCR (VMRS APSR_nzcv, FPSCR copies
FPSCR's NZCV to the flags; VMRS/VMSR Rt go through gen_vfp, since the IEEE
cumulative flags and the rounding mode live in the host MXCSR).

Register numbering, as in the ARM ARM: a single register is Vx:X (``vd``
then the ``d`` bit), a double register X:Vx.  The S registers are 32-bit
views of the D registers (gen_mem.sreg).  The FPSCR is a stored word plus
the flags accumulated in the host status (gen_vfp.gen_vmrs_fpscr).

Usage::

    from usermode.translate.arm.translate import T32
    pat, f = T32.decode(0xED2D8B04)       # vpush {d8-d9}
    pat.name, f["p"], f["w"], f["imm"]    # ('VLDM_VSTM_dp', 1, 1, 4)
"""
from __future__ import annotations

from ..ir import I64, MO_Q, MO_UL, Const
from .cpu import FLAG_CF, FLAG_NF, FLAG_VF, FLAG_ZF, FPSCR, REG
from .gen_mem import addr_add, base_reg, dreg, sreg
from .gen_table import build, t32_rows
from .gen_vfp import gen_vmrs_fpscr, gen_vmsr_fpscr


def _x(**kw):
    return dict(kw)


_ROWS = [
    ("VLDR_VSTR_sp", "cond:4 1101 u:1 d:1 0 l:1 rn:4 vd:4 1010 imm:8"),
    ("VLDR_VSTR_dp", "cond:4 1101 u:1 d:1 0 l:1 rn:4 vd:4 1011 imm:8"),
    ("VLDM_VSTM_sp", "cond:4 1100 1 d:1 w:1 l:1 rn:4 vd:4 1010 imm:8", _x(extra={"p": 0, "u": 1})),
    ("VLDM_VSTM_dp", "cond:4 1100 1 d:1 w:1 l:1 rn:4 vd:4 1011 imm:8", _x(extra={"p": 0, "u": 1})),
    ("VLDM_VSTM_sp", "cond:4 1101 0 d:1 1 l:1 rn:4 vd:4 1010 imm:8", _x(extra={"p": 1, "u": 0, "w": 1})),
    ("VLDM_VSTM_dp", "cond:4 1101 0 d:1 1 l:1 rn:4 vd:4 1011 imm:8", _x(extra={"p": 1, "u": 0, "w": 1})),
    ("VMOV_single",  "cond:4 1110 000 l:1 vn:4 rt:4 1010 n:1 001 0000"),
    ("VMOV_64_sp",   "cond:4 1100 010 l:1 rt2:4 rt:4 1010 00 m:1 1 vm:4"),
    ("VMOV_64_dp",   "cond:4 1100 010 l:1 rt2:4 rt:4 1011 00 m:1 1 vm:4"),
    ("VMOV_reg_sp",  "cond:4 1110 1 d:1 11 0000 vd:4 1010 01 m:1 0 vm:4"),
    ("VMOV_reg_dp",  "cond:4 1110 1 d:1 11 0000 vd:4 1011 01 m:1 0 vm:4"),
    ("VMOV_imm_sp",  "cond:4 1110 1 d:1 11 imm:4 vd:4 1010 0000 imm:4"),
    ("VMOV_imm_dp",  "cond:4 1110 1 d:1 11 imm:4 vd:4 1011 0000 imm:4"),
    ("VMSR",         "cond:4 1110 1110 reg:4 rt:4 1010 0001 0000"),
    ("VMRS",         "cond:4 1110 1111 reg:4 rt:4 1010 0001 0000"),
    # scalar <-> core: opc1 (bits 22:21) and opc2 (bits 6:5) give size and index
    ("VMOV_to_gp",   "cond:4 1110 u:1 opc1:2 1 vn:4 rt:4 1011 n:1 opc2:2 1 0000"),
    ("VMOV_from_gp", "cond:4 1110 0 opc1:2 0 vn:4 rt:4 1011 n:1 opc2:2 1 0000"),
]

_A32 = _ROWS
_T32 = t32_rows(_ROWS)


# ---------------------------------------------------------------- lowering
def _sp(v: int, x: int) -> int:
    return v << 1 | x


def _dp(v: int, x: int) -> int:
    return x << 4 | v


def trans_VLDR_VSTR_sp(ctx, f) -> bool:
    return gen_vldr(ctx, f, sreg(_sp(f["vd"], f["d"])), MO_UL)


def trans_VLDR_VSTR_dp(ctx, f) -> bool:
    return gen_vldr(ctx, f, dreg(_dp(f["vd"], f["d"])), MO_Q)


def gen_vldr(ctx, f, reg, mo) -> bool:
    off = f["imm"] * 4
    addr = addr_add(ctx, base_reg(ctx, f["rn"]), off if f["u"] else -off)
    if f["l"]:
        ctx.b.ld(mo, reg, addr)
    else:
        ctx.b.st(mo, reg, addr)
    return True


def gen_vldm(ctx, f, regs, mo) -> bool:
    """Transfer regs (consecutive S or D globals) at Rn (IA) or Rn - 4*imm (DB)."""
    rn, words = f["rn"], f["imm"]
    if rn == 15 and f["w"]:
        return False
    b = ctx.b
    base = base_reg(ctx, rn)
    if not (isinstance(base, Const)):
        t = ctx.tmp()
        b.mov(t, base)
        base = t
    start = addr_add(ctx, base, -4 * words if f["p"] else 0)
    step = mo.size
    for k, reg in enumerate(regs):
        a = addr_add(ctx, start, k * step)
        if f["l"]:
            b.ld(mo, reg, a)
        else:
            b.st(mo, reg, a)
    if f["w"]:
        b.add(REG[rn], base, (-4 * words if f["p"] else 4 * words) & 0xFFFFFFFF)
    return True


def trans_VLDM_VSTM_sp(ctx, f) -> bool:
    first, n = _sp(f["vd"], f["d"]), f["imm"]
    if n == 0 or first + n > 32:
        return False
    return gen_vldm(ctx, f, [sreg(first + i) for i in range(n)], MO_UL)


def trans_VLDM_VSTM_dp(ctx, f) -> bool:
    first, n = _dp(f["vd"], f["d"]), f["imm"] >> 1
    if n == 0 or n > 16 or first + n > 32:
        return False
    return gen_vldm(ctx, f, [dreg(first + i) for i in range(n)], MO_Q)


def trans_VMOV_single(ctx, f) -> bool:
    rt, s = f["rt"], sreg(_sp(f["vn"], f["n"]))
    if rt == 15:
        return False
    if f["l"]:
        ctx.b.mov(REG[rt], s)
    else:
        ctx.b.mov(s, REG[rt])
    return True


def _pair_ok(f) -> bool:
    return not (f["rt"] == 15 or f["rt2"] == 15 or (f["l"] and f["rt"] == f["rt2"]))


def trans_VMOV_64_sp(ctx, f) -> bool:
    m = _sp(f["vm"], f["m"])
    if not _pair_ok(f) or m == 31:
        return False
    b = ctx.b
    if f["l"]:
        b.mov(REG[f["rt"]], sreg(m))
        b.mov(REG[f["rt2"]], sreg(m + 1))
    else:
        b.mov(sreg(m), REG[f["rt"]])
        b.mov(sreg(m + 1), REG[f["rt2"]])
    return True


def trans_VMOV_64_dp(ctx, f) -> bool:
    if not _pair_ok(f):
        return False
    b, d = ctx.b, dreg(_dp(f["vm"], f["m"]))
    if f["l"]:
        t = ctx.tmp64()
        b.mov(t, d)
        b.extrl(REG[f["rt"]], t)
        b.extrh(REG[f["rt2"]], t)
    else:
        b.concat(d, REG[f["rt"]], REG[f["rt2"]])
    return True


def trans_VMOV_reg_sp(ctx, f) -> bool:
    ctx.b.mov(sreg(_sp(f["vd"], f["d"])), sreg(_sp(f["vm"], f["m"])))
    return True


def trans_VMOV_reg_dp(ctx, f) -> bool:
    ctx.b.mov(dreg(_dp(f["vd"], f["d"])), dreg(_dp(f["vm"], f["m"])))
    return True


def vfp_expand_imm(imm8: int, double: bool) -> int:
    """VFPExpandImm: a:NOT(b):Replicate(b, 5 or 8):cdefgh:Zeros."""
    a, bb, rest = imm8 >> 7, imm8 >> 6 & 1, imm8 & 0x3F
    if double:
        return a << 63 | (bb ^ 1) << 62 | (0xFF if bb else 0) << 54 | rest << 48
    return a << 31 | (bb ^ 1) << 30 | (0x1F if bb else 0) << 25 | rest << 19


def trans_VMOV_imm_sp(ctx, f) -> bool:
    ctx.b.mov(sreg(_sp(f["vd"], f["d"])), ctx.const(vfp_expand_imm(f["imm"], False)))
    return True


def trans_VMOV_imm_dp(ctx, f) -> bool:
    ctx.b.mov(dreg(_dp(f["vd"], f["d"])), Const(vfp_expand_imm(f["imm"], True), I64))
    return True


_FPSCR_REG = 1


def trans_VMRS(ctx, f) -> bool:
    if f["reg"] != _FPSCR_REG:
        return False                    # FPSID, MVFRx, FPEXC: not at PL0
    b = ctx.b
    if f["rt"] != 15:
        gen_vmrs_fpscr(ctx, REG[f["rt"]])     # the word | the host's IEEE flags
        return True
    # VMRS APSR_nzcv, FPSCR
    v = ctx.tmp()
    b.mov(v, FPSCR)
    b.and_(FLAG_NF, v, 0x80000000)
    t = ctx.tmp()
    b.and_(t, v, 0x40000000)
    b.xor(FLAG_ZF, t, 0x40000000)
    b.shr(FLAG_CF, v, 29)
    b.and_(FLAG_CF, FLAG_CF, 1)
    b.shl(FLAG_VF, v, 3)
    b.and_(FLAG_VF, FLAG_VF, 0x80000000)
    return True


def trans_VMSR(ctx, f) -> bool:
    if f["reg"] != _FPSCR_REG or f["rt"] == 15:
        return False
    gen_vmsr_fpscr(ctx, REG[f["rt"]])         # word, host flags and rounding mode
    return True


def _scalar(f):
    """(esize in bits, lane index) from opc1:opc2, or None if UNDEFINED."""
    opc1, opc2 = f["opc1"], f["opc2"]
    if opc1 & 2:
        return 8, (opc1 & 1) << 2 | opc2
    if opc2 & 1:
        return 16, (opc1 & 1) << 1 | opc2 >> 1
    if opc2 == 0:
        return 32, opc1 & 1
    return None


def trans_VMOV_to_gp(ctx, f) -> bool:
    """VMOV.<dt> Rt, Dn[x] (scalar to core register)."""
    sc = _scalar(f)
    if sc is None or f["rt"] == 15 or (sc[0] == 32 and f["u"]):
        return False
    esize, idx = sc
    n, b, rt = _dp(f["vn"], f["n"]), ctx.b, REG[f["rt"]]
    if esize == 32:
        b.mov(rt, sreg(2 * n + idx))
        return True
    t64 = ctx.tmp64()
    b.shr(t64, dreg(n), Const(esize * idx, I64))
    t = ctx.tmp()
    b.extrl(t, t64)
    if esize == 8:
        (b.ext8u if f["u"] else b.ext8s)(rt, t)
    else:
        (b.ext16u if f["u"] else b.ext16s)(rt, t)
    return True


def trans_VMOV_from_gp(ctx, f) -> bool:
    """VMOV.<size> Dd[x], Rt (core register to scalar)."""
    sc = _scalar(f)
    if sc is None or f["rt"] == 15:
        return False
    esize, idx = sc
    n, b = _dp(f["vn"], f["n"]), ctx.b
    if esize == 32:
        b.mov(sreg(2 * n + idx), REG[f["rt"]])
        return True
    sh, mask = esize * idx, (1 << esize) - 1
    v = ctx.tmp64()
    b.ext32u(v, REG[f["rt"]])
    b.and_(v, v, Const(mask, I64))
    b.shl(v, v, Const(sh, I64))
    d = dreg(n)
    b.and_(d, d, Const(~(mask << sh), I64))
    b.or_(d, d, v)
    return True


A32 = build(_A32, globals(), 32)
T32 = build(_T32, globals(), 32)
