"""Inline SSE lowerings of the integer vector ops (ir.VEC_OPS): one short
sequence per op and element size; ops or sizes not handled here (rounding
and saturating shifts by register, polynomial multiplies, 64-bit
saturation, reciprocal estimates...) fall back to the C reference
(vec.gen_vop_call).  Registered into vec.VOP_INLINE on import.

Conventions: a lowering gets (s, op, e, d, a, b, i, n, x) as the vop, loads
its sources into xmm registers (unaligned CPU-state vectors: movq/movdqu),
computes, and stores n bytes of the result to d; it returns False, having
emitted nothing, when it cannot handle the case.  D-sized operations run on
the low half of the registers (the loads zero the upper half, which no
saturation test can trip over).  Saturation: the op compares its result
with the exact one (or tests an overflow mask) and ORs x.sat_mask into
x.sat when any lane saturated.

Usage (through vec.gen_vop)::

    from usermode.translate.x86 import vec_int      # registers the lowerings
    vec_int.VOP_INLINE["add"]                       # lowering of "add"
"""
from __future__ import annotations

from .encoder import CC_NE, RAX, RBP, Mem
from .vec import (VOP_INLINE, XMM0, XMM1, XMM2, XMM3, env_mem, vconst, vload, vmove,
                  vsplat, vstore)

X0, X1, X2, X3 = XMM0, XMM1, XMM2, XMM3
X4, X5, X6, X7 = 4, 5, 6, 7

# ------------------------------------------------------------------ tables
SUF = {1: "B", 2: "W", 4: "D", 8: "Q"}
SIMPLE = {  # op -> {esize: mnemonic}: x0 = x0 OP x1
    "add": {1: "PADDB", 2: "PADDW", 4: "PADDD", 8: "PADDQ"},
    "sub": {1: "PSUBB", 2: "PSUBW", 4: "PSUBD", 8: "PSUBQ"},
    "and": {e: "PAND" for e in (1, 2, 4, 8)},
    "or": {e: "POR" for e in (1, 2, 4, 8)},
    "xor": {e: "PXOR" for e in (1, 2, 4, 8)},
    "min_s": {1: "PMINSB", 2: "PMINSW", 4: "PMINSD"},
    "min_u": {1: "PMINUB", 2: "PMINUW", 4: "PMINUD"},
    "max_s": {1: "PMAXSB", 2: "PMAXSW", 4: "PMAXSD"},
    "max_u": {1: "PMAXUB", 2: "PMAXUW", 4: "PMAXUD"},
    "ceq": {1: "PCMPEQB", 2: "PCMPEQW", 4: "PCMPEQD"},
    "cgt_s": {1: "PCMPGTB", 2: "PCMPGTW", 4: "PCMPGTD"},
    "mul": {2: "PMULLW", 4: "PMULLD"},
    "rhadd_u": {1: "PAVGB", 2: "PAVGW"},
}
SAT_BYTEWORD = {"qadd_s": ("PADDSB", "PADDSW", "PADD"), "qadd_u": ("PADDUSB", "PADDUSW", "PADD"),
                "qsub_s": ("PSUBSB", "PSUBSW", "PSUB"), "qsub_u": ("PSUBUSB", "PSUBUSW", "PSUB")}
MINMAX = {"s": ("PMINS", "PMAXS"), "u": ("PMINU", "PMAXU")}
WIDEN = {("s", 1): "PMOVSXBW", ("s", 2): "PMOVSXWD", ("s", 4): "PMOVSXDQ",
         ("u", 1): "PMOVZXBW", ("u", 2): "PMOVZXWD", ("u", 4): "PMOVZXDQ"}
CNT_LUT = bytes([0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4])


def _op(s, name: str, dst: int, src: int) -> None:
    getattr(s.a, f"{name}_xx")(dst, src)


def _mm(kind: str, which: int, e: int) -> str:
    """PMINS?/PMAXU? mnemonic for element size e (SSE4.1 has b/w/d)."""
    return MINMAX[kind][which] + SUF[e]


def ones(s, x: int) -> None:
    s.a.PCMPEQB_xx(x, x)


def zero(s, x: int) -> None:
    s.a.PXOR_xx(x, x)


# ------------------------------------------------------------- saturation
def set_sat_if(s, x, cc: int) -> None:
    """OR the sticky saturation bit in when the flags say `cc` (no jump in
    the common case but a short forward one)."""
    A = s.a
    skip = A.label("nosat")
    A.J_l8(cc ^ 1, skip)
    A.OR32_mi(Mem(RBP, x.sat.offset), x.sat_mask & 0xFFFFFFFF)
    A.bind(skip)


def sat_if_any(s, x, mask_reg: int) -> None:
    """QC |= any bit set in xmm mask_reg."""
    s.a.PTEST_xx(mask_reg, mask_reg)
    set_sat_if(s, x, CC_NE)


def sat_if_differ(s, x, r1: int, r2: int, e: int) -> None:
    """QC |= any e-byte lane of r1 != r2 (clobbers r1)."""
    _op(s, "PCMPEQQ" if e == 8 else "PCMPEQ" + SUF[e], r1, r2)
    s.a.PMOVMSKB_rx(RAX, r1)
    s.a.CMP32_ri(RAX, 0xFFFF)
    set_sat_if(s, x, CC_NE)


# ------------------------------------------------------------ element shifts
def shr_elems(s, x: int, e: int, k: int, signed: bool, tmp: int) -> None:
    """x >>= k per e-byte element (k may be up to 8e)."""
    A = s.a
    bits = 8 * e
    if k == 0:
        return
    if k >= bits:
        if not signed:
            zero(s, x)
            return
        k = bits - 1
    if e in (2, 4) and signed:
        getattr(A, f"PSRA{SUF[e]}_xi")(x, k)
        return
    if e == 1:
        A.PSRLW_xi(x, k)
        vsplat(s, tmp, 1, 0xFF >> k)
        A.PAND_xx(x, tmp)
    else:
        getattr(A, f"PSRL{SUF[e]}_xi")(x, k)
    if signed:                                   # sign-extend from bit (bits - 1 - k)
        vsplat(s, tmp, e, 1 << (bits - 1 - k))
        A.PXOR_xx(x, tmp)
        _op(s, "PSUB" + SUF[e], x, tmp)


def shl_elems(s, x: int, e: int, k: int, tmp: int) -> None:
    A = s.a
    if k == 0:
        return
    if k >= 8 * e:
        zero(s, x)
        return
    if e == 1:
        A.PSLLW_xi(x, k)
        vsplat(s, tmp, 1, (0xFF << k) & 0xFF)
        A.PAND_xx(x, tmp)
    else:
        getattr(A, f"PSLL{SUF[e]}_xi")(x, k)


def narrow_trunc(s, x: int, e: int, tmp: int) -> None:
    """Low halves of the e-byte elements of x packed into its low 8 bytes."""
    h = e // 2
    idx = [k * e + j for k in range(16 // e) for j in range(h)]
    vconst(s, tmp, bytes(idx + [0x80] * (16 - len(idx))))
    s.a.PSHUFB_xx(x, tmp)


def widen(s, dst: int, src: int, e: int, kind: str) -> None:
    """dst = the low 8 bytes of src sign/zero-extended to 2e-byte elements."""
    getattr(s.a, f"{WIDEN[kind, e]}_xx")(dst, src)


# ================================================================ lowerings
def _load_ab(s, a, b, n):
    vload(s, X0, a, n)
    if b is not None:
        vload(s, X1, b, n)


def low_simple(s, op, e, d, a, b, i, n, x):
    name = SIMPLE[op].get(e)
    if name is None:
        return False
    _load_ab(s, a, b, n)
    _op(s, name, X0, X1)
    vstore(s, d, X0, n)


def low_andc(s, op, e, d, a, b, i, n, x):
    _load_ab(s, a, b, n)
    if op == "andc":
        s.a.PANDN_xx(X1, X0)                      # ~b & a
        vstore(s, d, X1, n)
        return
    ones(s, X2)
    s.a.PXOR_xx(X1, X2)
    s.a.POR_xx(X0, X1)
    vstore(s, d, X0, n)


def low_cmp(s, op, e, d, a, b, i, n, x):
    """cgt_u: !(max(a,b) == b); cge_s/u: min(a,b) == b; tst: (a & b) != 0."""
    if e == 8:
        return False
    _load_ab(s, a, b, n)
    A = s.a
    if op == "tst":
        A.PAND_xx(X0, X1)
        zero(s, X2)
        _op(s, "PCMPEQ" + SUF[e], X0, X2)
        ones(s, X2)
        A.PXOR_xx(X0, X2)
        vstore(s, d, X0, n)
        return
    kind = op[-1]
    vmove(s, X2, X0)
    _op(s, _mm(kind, 1 if op == "cgt_u" else 0, e), X2, X1)
    _op(s, "PCMPEQ" + SUF[e], X2, X1)
    if op == "cgt_u":
        ones(s, X3)
        A.PXOR_xx(X2, X3)
    vstore(s, d, X2, n)


def low_abd(s, op, e, d, a, b, i, n, x):
    if e == 8:
        return False
    _load_ab(s, a, b, n)
    kind = op[-1]
    vmove(s, X2, X0)
    _op(s, _mm(kind, 0, e), X2, X1)
    _op(s, _mm(kind, 1, e), X0, X1)
    _op(s, "PSUB" + SUF[e], X0, X2)
    if op.startswith("aba"):
        vload(s, X3, d, n)
        _op(s, "PADD" + SUF[e], X0, X3)
    vstore(s, d, X0, n)


def low_hadd(s, op, e, d, a, b, i, n, x):
    """hadd: (a & b) + ((a ^ b) >> 1); rhadd: (a | b) - ((a ^ b) >> 1);
    signed rhadd of bytes/words: pavg with the sign bits flipped."""
    if e == 8:
        return False
    _load_ab(s, a, b, n)
    A = s.a
    signed = op.endswith("_s")
    if op == "rhadd_s" and e in (1, 2):
        vsplat(s, X2, e, 1 << (8 * e - 1))
        A.PXOR_xx(X0, X2)
        A.PXOR_xx(X1, X2)
        _op(s, "PAVG" + SUF[e], X0, X1)
        A.PXOR_xx(X0, X2)
        vstore(s, d, X0, n)
        return
    vmove(s, X2, X0)
    A.PXOR_xx(X2, X1)
    shr_elems(s, X2, e, 1, signed, X3)
    if op.startswith("hadd"):
        A.PAND_xx(X0, X1)
        _op(s, "PADD" + SUF[e], X0, X2)
    else:
        A.POR_xx(X0, X1)
        _op(s, "PSUB" + SUF[e], X0, X2)
    vstore(s, d, X0, n)


def low_qaddsub(s, op, e, d, a, b, i, n, x):
    A = s.a
    if e in (1, 2):
        _load_ab(s, a, b, n)
        sat_name, wrap = SAT_BYTEWORD[op][0 if e == 1 else 1], SAT_BYTEWORD[op][2]
        vmove(s, X2, X0)
        _op(s, wrap + SUF[e], X2, X1)            # wrapping result
        _op(s, sat_name, X0, X1)
        vstore(s, d, X0, n)
        sat_if_differ(s, x, X2, X0, e)
        return
    if op in ("qadd_s", "qsub_s") and e in (4, 8):
        vload(s, X1, a, n)
        vload(s, X2, b, n)
        sat_addsub_wide(s, x, e, op == "qsub_s")
        vstore(s, d, X3, n)
        return
    if op in ("qadd_u", "qsub_u") and e == 4:
        _load_ab(s, a, b, n)
        if op == "qadd_u":
            vmove(s, X2, X0)
            A.PADDD_xx(X2, X1)                     # r
            vmove(s, X3, X0)
            A.PMAXUD_xx(X3, X2)
            A.PCMPEQD_xx(X3, X2)                   # no overflow
            ones(s, X4)
            A.PXOR_xx(X3, X4)                      # overflow lanes
            A.POR_xx(X2, X3)
            vstore(s, d, X2, n)
        else:
            vmove(s, X2, X0)
            A.PMAXUD_xx(X2, X1)
            vmove(s, X3, X2)
            A.PCMPEQD_xx(X3, X0)                   # a >= b: no saturation
            A.PSUBD_xx(X2, X1)
            vstore(s, d, X2, n)
            ones(s, X4)
            A.PXOR_xx(X3, X4)
        sat_if_any(s, x, X3)
        return
    return False


def sat_addsub_wide(s, x, e: int, sub: bool) -> None:
    """X3 = X1 +- X2 saturated (e 4 or 8, signed), QC set on overflow.  The
    overflow mask goes to xmm0, blendv's implicit operand: the sign bit of
    (a ^ r) & (b ^ r) for add, (a ^ b) & (a ^ r) for sub.  Clobbers X0-X5."""
    A = s.a
    vmove(s, X3, X1)
    _op(s, ("PSUB" if sub else "PADD") + SUF[e], X3, X2)
    vmove(s, X0, X1)
    A.PXOR_xx(X0, X3)
    A.PXOR_xx(X2, X1 if sub else X3)
    A.PAND_xx(X0, X2)
    vmove(s, X4, X1)                               # saturated value: MAX ^ (a < 0)
    A.PSRAD_xi(X4, 31)
    if e == 8:
        A.PSHUFD_xxi(X4, X4, 0xF5)
    vsplat(s, X5, e, (1 << (8 * e - 1)) - 1)
    A.PXOR_xx(X4, X5)
    (A.BLENDVPS_xx if e == 4 else A.BLENDVPD_xx)(X3, X4)
    (A.MOVMSKPS_rx if e == 4 else A.MOVMSKPD_rx)(RAX, X0)
    A.TEST32_rr(RAX, RAX)
    set_sat_if(s, x, CC_NE)


def low_mul(s, op, e, d, a, b, i, n, x):
    """mul/mla/mls; bytes: even and odd products with pmullw."""
    if e == 8:
        return False
    A = s.a
    _load_ab(s, a, b, n)
    if e == 1:
        vmove(s, X2, X0)
        A.PMULLW_xx(X2, X1)
        vsplat(s, X4, 2, 0x00FF)
        A.PAND_xx(X2, X4)
        A.PSRLW_xi(X0, 8)
        A.PSRLW_xi(X1, 8)
        A.PMULLW_xx(X0, X1)
        A.PSLLW_xi(X0, 8)
        A.POR_xx(X0, X2)
    else:
        _op(s, SIMPLE["mul"][e], X0, X1)
    if op != "mul":
        vload(s, X3, d, n)
        _op(s, ("PADD" if op == "mla" else "PSUB") + SUF[e], X3, X0)
        vstore(s, d, X3, n)
        return
    vstore(s, d, X0, n)


def low_qdmulh(s, op, e, d, a, b, i, n, x):
    """(2ab [+ 2^(8e-1)]) >> 8e; the only overflow (MIN * MIN) shows as MIN."""
    A = s.a
    _load_ab(s, a, b, n)
    if e == 2:
        if op == "qrdmulh":
            A.PMULHRSW_xx(X0, X1)
        else:
            vmove(s, X2, X0)
            A.PMULHW_xx(X0, X1)
            A.PMULLW_xx(X2, X1)
            A.PSLLW_xi(X0, 1)
            A.PSRLW_xi(X2, 15)
            A.POR_xx(X0, X2)
    elif e == 4:
        vmove(s, X2, X0)
        vmove(s, X3, X1)
        A.PSRLQ_xi(X2, 32)
        A.PSRLQ_xi(X3, 32)
        A.PMULDQ_xx(X0, X1)                        # lanes 0, 2 (64-bit products)
        A.PMULDQ_xx(X2, X3)                        # lanes 1, 3
        A.PADDQ_xx(X0, X0)
        A.PADDQ_xx(X2, X2)
        if op == "qrdmulh":
            vsplat(s, X4, 8, 1 << 31)
            A.PADDQ_xx(X0, X4)
            A.PADDQ_xx(X2, X4)
        A.PSRLQ_xi(X0, 32)
        A.PBLENDW_xxi(X0, X2, 0xCC)                # high dwords of lanes 1, 3
    else:
        return False
    vsplat(s, X5, e, 1 << (8 * e - 1))
    _op(s, "PCMPEQ" + SUF[e], X5, X0)
    A.PXOR_xx(X0, X5)                              # MIN -> MAX
    vstore(s, d, X0, n)
    sat_if_any(s, x, X5)


def low_bitsel(s, op, e, d, a, b, i, n, x):
    """bsl: d ? a : b; bit: b ? a : d; bif: b ? d : a  as ((p ^ q) & m) ^ q."""
    A = s.a
    vload(s, X0, a, n)
    vload(s, X1, b, n)
    vload(s, X2, d, n)
    m, p, q = {"bsl": (X2, X0, X1), "bit": (X1, X0, X2), "bif": (X1, X2, X0)}[op]
    vmove(s, X3, p)
    A.PXOR_xx(X3, q)
    A.PAND_xx(X3, m)
    A.PXOR_xx(X3, q)
    vstore(s, d, X3, n)


def _pair_source(s, a, b):
    """X0 = a (8 bytes) : b (8 bytes)."""
    s.a.MOVQ_xm(X0, env_mem(a))
    s.a.MOVHPS_xm(X0, env_mem(b))


def low_pairwise(s, op, e, d, a, b, i, n, x):
    if n != 8 or e == 8:
        return False
    A = s.a
    _pair_source(s, a, b)
    if op == "padd":
        if e == 1:
            vmove(s, X1, X0)
            A.PSRLW_xi(X1, 8)
            A.PADDB_xx(X0, X1)
            vsplat(s, X2, 2, 0x00FF)
            A.PAND_xx(X0, X2)
            A.PACKUSWB_xx(X0, X0)
        else:
            (A.PHADDW_xx if e == 2 else A.PHADDD_xx)(X0, X0)
        vstore(s, d, X0, 8)
        return
    ev = [k * e + j for k in range(0, 16 // e, 2) for j in range(e)]
    od = [k * e + j for k in range(1, 16 // e, 2) for j in range(e)]
    vmove(s, X1, X0)
    vconst(s, X2, bytes(ev + [0x80] * 8))
    A.PSHUFB_xx(X0, X2)
    vconst(s, X2, bytes(od + [0x80] * 8))
    A.PSHUFB_xx(X1, X2)
    _op(s, _mm(op[-1], 1 if op.startswith("pmax") else 0, e), X0, X1)
    vstore(s, d, X0, 8)


# ----------------------------------------------------------------- long ops
def low_long(s, op, e, d, a, b, i, n, x):
    """addl/subl/mull/mlal/mlsl/abdl/abal (Q <- D, D), addw/subw (Q <- Q, D)."""
    if e == 8:
        return False
    A = s.a
    base, kind = op.split("_")
    w = SUF[2 * e] if e < 4 else "Q"
    if base in ("abdl", "abal"):
        vload(s, X0, a, 8)
        vload(s, X1, b, 8)
        vmove(s, X2, X0)
        _op(s, _mm(kind, 0, e), X2, X1)
        _op(s, _mm(kind, 1, e), X0, X1)
        _op(s, "PSUB" + SUF[e], X0, X2)
        widen(s, X0, X0, e, "u")
    elif base in ("mull", "mlal", "mlsl"):
        vload(s, X0, a, 8)
        vload(s, X1, b, 8)
        if e == 1:
            widen(s, X0, X0, 1, kind)
            widen(s, X1, X1, 1, kind)
            A.PMULLW_xx(X0, X1)
        elif e == 2:
            vmove(s, X2, X0)
            A.PMULLW_xx(X0, X1)
            (A.PMULHW_xx if kind == "s" else A.PMULHUW_xx)(X2, X1)
            A.PUNPCKLWD_xx(X0, X2)
        else:
            A.PSHUFD_xxi(X0, X0, 0x50)
            A.PSHUFD_xxi(X1, X1, 0x50)
            (A.PMULDQ_xx if kind == "s" else A.PMULUDQ_xx)(X0, X1)
    elif base in ("addw", "subw"):
        vload(s, X0, a, 16)
        vload(s, X1, b, 8)
        widen(s, X1, X1, e, kind)
        _op(s, ("PADD" if base == "addw" else "PSUB") + w, X0, X1)
    else:                                          # addl, subl
        vload(s, X0, a, 8)
        vload(s, X1, b, 8)
        widen(s, X0, X0, e, kind)
        widen(s, X1, X1, e, kind)
        _op(s, ("PADD" if base == "addl" else "PSUB") + w, X0, X1)
    if base in ("abal", "mlal", "mlsl"):
        vload(s, X3, d, 16)
        _op(s, ("PSUB" if base == "mlsl" else "PADD") + w, X3, X0)
        vstore(s, d, X3, 16)
        return
    vstore(s, d, X0, 16)


def low_qdmull(s, op, e, d, a, b, i, n, x):
    """qdmull: sat(2ab) (only MIN * MIN overflows, showing as MIN);
    qdmlal/qdmlsl: then d +- that, saturated again."""
    if e not in (2, 4):
        return False
    A = s.a
    vload(s, X0, a, 8)
    vload(s, X1, b, 8)
    if e == 2:
        vmove(s, X2, X0)
        A.PMULLW_xx(X0, X1)
        A.PMULHW_xx(X2, X1)
        A.PUNPCKLWD_xx(X0, X2)
        A.PADDD_xx(X0, X0)
        vsplat(s, X5, 4, 1 << 31)
        A.PCMPEQD_xx(X5, X0)
    else:
        A.PSHUFD_xxi(X0, X0, 0x50)
        A.PSHUFD_xxi(X1, X1, 0x50)
        A.PMULDQ_xx(X0, X1)
        A.PADDQ_xx(X0, X0)
        vsplat(s, X5, 8, 1 << 63)
        A.PCMPEQQ_xx(X5, X0)
    A.PXOR_xx(X0, X5)
    if op == "qdmull":
        vstore(s, d, X0, 16)
        sat_if_any(s, x, X5)
        return
    sat_if_any(s, x, X5)
    vmove(s, X2, X0)
    vload(s, X1, d, 16)
    sat_addsub_wide(s, x, 2 * e, op == "qdmlsl")
    vstore(s, d, X3, 16)


def low_qshl_imm(s, op, e, d, a, b, i, n, x):
    """qshli_s/qshli_u/qshlui: a << i, saturating (lanes out of range are
    found by comparing a with the limits shifted right by i)."""
    if e == 8:
        return False
    A = s.a
    bits = 8 * e
    vload(s, X0, a, n)
    vmove(s, X1, X0)
    shl_elems(s, X1, e, i, X2)                     # X1 = a << i (wrapped)
    if op == "qshli_u":
        vsplat(s, X3, e, ((1 << bits) - 1) >> i)
        vmove(s, X4, X0)
        _op(s, _mm("u", 1, e), X4, X3)
        _op(s, "PCMPEQ" + SUF[e], X4, X3)          # a <= limit
        ones(s, X5)
        A.PXOR_xx(X4, X5)                          # over
        A.POR_xx(X1, X4)
        vstore(s, d, X1, n)
        sat_if_any(s, x, X4)
        return
    if op == "qshli_s":
        vsplat(s, X3, e, ((1 << (bits - 1)) - 1) >> i)
        vmove(s, X4, X0)
        _op(s, "PCMPGT" + SUF[e], X4, X3)          # a > MAX >> i
        vsplat(s, X3, e, (-(1 << (bits - 1))) >> i)
        vmove(s, X5, X3)
        _op(s, "PCMPGT" + SUF[e], X5, X0)          # MIN >> i > a
        vmove(s, X6, X4)
        A.POR_xx(X6, X5)                           # saturated lanes
        A.PANDN_xx(X6, X1)                         # unsaturated results
        vsplat(s, X2, e, (1 << (bits - 1)) - 1)
        A.PAND_xx(X2, X4)
        A.POR_xx(X6, X2)
        vsplat(s, X2, e, 1 << (bits - 1))
        A.PAND_xx(X2, X5)
        A.POR_xx(X6, X2)
        A.POR_xx(X4, X5)
        vstore(s, d, X6, n)
        sat_if_any(s, x, X4)
        return
    # qshlui: negative -> 0, a > UMAX >> i (unsigned compare) -> UMAX
    vsplat(s, X3, e, ((1 << bits) - 1) >> i)
    vmove(s, X4, X0)
    _op(s, _mm("u", 1, e), X4, X3)
    _op(s, "PCMPEQ" + SUF[e], X4, X3)
    ones(s, X5)
    A.PXOR_xx(X4, X5)                              # over (negative lanes too)
    A.POR_xx(X1, X4)
    zero(s, X5)
    _op(s, "PCMPGT" + SUF[e], X5, X0)              # negative
    A.POR_xx(X4, X5)                               # saturated: over or negative
    A.PANDN_xx(X5, X1)
    vstore(s, d, X5, n)
    sat_if_any(s, x, X4)


def low_narrow_high(s, op, e, d, a, b, i, n, x):
    """addhn/raddhn/subhn/rsubhn: high halves of the e-byte sums."""
    vload(s, X0, a, 16)
    vload(s, X1, b, 16)
    _op(s, ("PADD" if "add" in op else "PSUB") + SUF[e], X0, X1)
    if op.startswith("r"):
        vsplat(s, X2, e, 1 << (4 * e - 1))
        _op(s, "PADD" + SUF[e], X0, X2)
    shr_elems(s, X0, e, 4 * e, False, X2)
    narrow_trunc(s, X0, e, X2)
    vstore(s, d, X0, 8)


# ----------------------------------------------------------------- unary ops
def low_unary(s, op, e, d, a, b, i, n, x):
    if e == 8:
        return False
    A = s.a
    vload(s, X0, a, n)
    if op == "not":
        ones(s, X1)
        A.PXOR_xx(X0, X1)
    elif op == "neg":
        zero(s, X1)
        _op(s, "PSUB" + SUF[e], X1, X0)
        vmove(s, X0, X1)
    elif op == "abs":
        _op(s, "PABS" + SUF[e], X0, X0)
    elif op in ("qneg", "qabs"):
        if op == "qneg":
            zero(s, X1)
            _op(s, "PSUB" + SUF[e], X1, X0)
            vmove(s, X0, X1)
        else:
            _op(s, "PABS" + SUF[e], X0, X0)
        vsplat(s, X5, e, 1 << (8 * e - 1))
        _op(s, "PCMPEQ" + SUF[e], X5, X0)          # MIN: it saturated
        A.PXOR_xx(X0, X5)
        vstore(s, d, X0, n)
        sat_if_any(s, x, X5)
        return
    elif op == "cnt":
        if e != 1:
            return False
        vmove(s, X1, X0)
        A.PSRLW_xi(X1, 4)
        vsplat(s, X2, 1, 0x0F)
        A.PAND_xx(X0, X2)
        A.PAND_xx(X1, X2)
        vconst(s, X2, CNT_LUT)
        vmove(s, X3, X2)
        A.PSHUFB_xx(X2, X0)
        A.PSHUFB_xx(X3, X1)
        A.PADDB_xx(X2, X3)
        vmove(s, X0, X2)
    elif op == "rev":
        idx = []
        per = i // e
        for k in range(16 // e):
            src = (k // per) * per + (per - 1 - k % per)
            idx += [src * e + j for j in range(e)]
        vconst(s, X1, bytes(idx))
        A.PSHUFB_xx(X0, X1)
    elif op in ("cgt0", "cge0", "ceq0", "cle0", "clt0"):
        zero(s, X1)
        if op == "ceq0":
            _op(s, "PCMPEQ" + SUF[e], X0, X1)
        elif op in ("cgt0", "cle0"):
            _op(s, "PCMPGT" + SUF[e], X0, X1)      # a > 0
        else:
            _op(s, "PCMPGT" + SUF[e], X1, X0)      # 0 > a
            vmove(s, X0, X1)
        if op in ("cle0", "cge0"):
            ones(s, X1)
            A.PXOR_xx(X0, X1)
    else:
        return False
    vstore(s, d, X0, n)


def low_pairwise_long(s, op, e, d, a, b, i, n, x):
    """paddl/padal: sums of adjacent pairs widened to 2e."""
    if e not in (1, 2, 4):
        return False
    A = s.a
    kind = op[-1]
    vload(s, X0, a, n)
    if e == 1:
        vsplat(s, X1, 1, 1)
        if kind == "u":
            A.PMADDUBSW_xx(X0, X1)                 # unsigned bytes * 1
        else:
            A.PMADDUBSW_xx(X1, X0)                 # 1 * signed bytes
            vmove(s, X0, X1)
    elif e == 2:
        vsplat(s, X1, 2, 1)
        if kind == "u":
            vsplat(s, X2, 2, 0x8000)
            A.PXOR_xx(X0, X2)
            A.PMADDWD_xx(X0, X1)
            vsplat(s, X2, 4, 0x10000)
            A.PADDD_xx(X0, X2)
        else:
            A.PMADDWD_xx(X0, X1)
    elif e == 4:
        A.PSHUFD_xxi(X1, X0, 0x0D)                 # a1, a3
        A.PSHUFD_xxi(X0, X0, 0x08)                 # a0, a2
        widen(s, X0, X0, 4, kind)
        widen(s, X1, X1, 4, kind)
        A.PADDQ_xx(X0, X1)
    else:
        return False
    if op.startswith("padal"):
        vload(s, X3, d, n)
        _op(s, "PADD" + (SUF[2 * e] if e < 4 else "Q"), X0, X3)
    vstore(s, d, X0, n)


def low_movl(s, op, e, d, a, b, i, n, x):
    if e == 8:
        return False
    vload(s, X0, a, 8)
    widen(s, X0, X0, e, op[-1])
    if op.startswith("shll"):
        shl_elems(s, X0, 2 * e, i, X1)
    vstore(s, d, X0, 16)


def low_movn(s, op, e, d, a, b, i, n, x):
    if op != "movn" and e not in (2, 4):
        return False
    vload(s, X1, a, 16)
    if op == "movn":
        narrow_trunc(s, X1, e, X2)
        vstore(s, d, X1, 8)
        return
    sat_narrow_store(s, op, e, d, x, X1)


def sat_narrow_store(s, op: str, e: int, d: int, x, src: int) -> None:
    """d (8 bytes) = src's e-byte elements (e 2 or 4) narrowed with saturation
    as op (qmovn_s, qmovn_u, qmovun) says; QC when a lane changed value."""
    A = s.a
    unsigned_out = op in ("qmovn_u", "qmovun")
    vmove(s, X0, src)
    if op == "qmovn_u":                            # unsigned input: clamp before packing
        vsplat(s, X2, e, (1 << (4 * e)) - 1)
        (A.PMINUW_xx if e == 2 else A.PMINUD_xx)(X0, X2)
    if unsigned_out:
        (A.PACKUSWB_xx if e == 2 else A.PACKUSDW_xx)(X0, X0)
    else:
        (A.PACKSSWB_xx if e == 2 else A.PACKSSDW_xx)(X0, X0)
    vstore(s, d, X0, 8)
    widen(s, X3, X0, e // 2, "u" if unsigned_out else "s")
    sat_if_differ(s, x, X3, src, e)


def low_shift_imm(s, op, e, d, a, b, i, n, x):
    """shli, shri_*, rshri_*, srai_*, rsrai_*, sri, sli."""
    A = s.a
    base, _, kind = op.partition("_")
    signed = kind == "s"
    vload(s, X0, a, n)
    if base == "shli":
        shl_elems(s, X0, e, i, X2)
    elif base in ("shri", "srai"):
        shr_elems(s, X0, e, i, signed, X2)
    elif base in ("rshri", "rsrai"):
        shr_elems(s, X0, e, i - 1, signed, X2)     # t = a >> (i-1); r = (t >> 1) + (t & 1)
        vmove(s, X1, X0)
        vsplat(s, X2, e, 1)
        A.PAND_xx(X1, X2)
        shr_elems(s, X0, e, 1, signed, X2)
        _op(s, "PADD" + SUF[e], X0, X1)
    elif base in ("sri", "sli"):
        full = (1 << (8 * e)) - 1
        if base == "sri":
            shr_elems(s, X0, e, i, False, X2)
            keep = full & ~(full >> i) if i < 8 * e else full
        else:
            shl_elems(s, X0, e, i, X2)
            keep = full & ~(full << i)
        vload(s, X1, d, n)
        vsplat(s, X2, e, keep)
        A.PAND_xx(X1, X2)
        A.POR_xx(X0, X1)
    else:
        return False
    if base in ("srai", "rsrai"):
        vload(s, X1, d, n)
        _op(s, "PADD" + SUF[e], X0, X1)
    vstore(s, d, X0, n)


def low_shift_narrow(s, op, e, d, a, b, i, n, x):
    """shrn/rshrn and the saturating qshrn_*/qrshrn_*/qshrun/qrshrun."""
    A = s.a
    rounding = op.startswith("r") or op.startswith("qr")
    signed = op.endswith("_s") or op.endswith("un")
    if op not in ("shrn", "rshrn") and e not in (2, 4):
        return False
    vload(s, X1, a, 16)
    if rounding:
        shr_elems(s, X1, e, i - 1, signed, X2)
        vmove(s, X3, X1)
        vsplat(s, X2, e, 1)
        A.PAND_xx(X3, X2)
        shr_elems(s, X1, e, 1, signed, X2)
        _op(s, "PADD" + SUF[e], X1, X3)
    else:
        shr_elems(s, X1, e, i, signed, X2)
    if op in ("shrn", "rshrn"):
        narrow_trunc(s, X1, e, X2)
        vstore(s, d, X1, 8)
        return
    sat = {"qshrn_s": "qmovn_s", "qrshrn_s": "qmovn_s", "qshrn_u": "qmovn_u",
           "qrshrn_u": "qmovn_u", "qshrun": "qmovun", "qrshrun": "qmovun"}[op]
    sat_narrow_store(s, sat, e, d, x, X1)


def low_tbl(s, op, e, d, a, b, i, n, x):
    """pshufb per 16-byte half of the table; index >= length: 0 / unchanged."""
    A = s.a
    length = i
    vload(s, X0, a, 8)                             # indexes
    vload(s, X1, b, 8 if length == 8 else 16)
    if length > 16:
        vload(s, X2, b + 16, length - 16)
    vsplat(s, X3, 1, 0x70)
    vmove(s, X4, X0)
    A.PADDUSB_xx(X4, X3)                           # idx < 16 -> 0x70..0x7f, else >= 0x80
    A.PSHUFB_xx(X1, X4)
    if length > 16:
        vmove(s, X4, X0)
        vsplat(s, X5, 1, 16)
        A.PSUBB_xx(X4, X5)
        A.PADDUSB_xx(X4, X3)
        A.PSHUFB_xx(X2, X4)
        A.POR_xx(X1, X2)
    if length < 32 or op == "tbx":                 # in range: min(idx, len-1) == idx
        vsplat(s, X5, 1, length - 1)
        A.PMINUB_xx(X5, X0)
        A.PCMPEQB_xx(X5, X0)
        A.PAND_xx(X1, X5)
        if op == "tbx":
            vload(s, X6, d, 8)
            A.PANDN_xx(X5, X6)
            A.POR_xx(X1, X5)
    vstore(s, d, X1, 8)


# ============================================================ registration
for _op_name in SIMPLE:
    VOP_INLINE[_op_name] = low_simple
VOP_INLINE.update({
    "andc": low_andc, "orc": low_andc,
    "cgt_u": low_cmp, "cge_s": low_cmp, "cge_u": low_cmp, "tst": low_cmp,
    "abd_s": low_abd, "abd_u": low_abd, "aba_s": low_abd, "aba_u": low_abd,
    "hadd_s": low_hadd, "hadd_u": low_hadd, "rhadd_s": low_hadd,
    **{o: low_qaddsub for o in ("qadd_s", "qadd_u", "qsub_s", "qsub_u")},
    "mla": low_mul, "mls": low_mul,
    "qdmulh": low_qdmulh, "qrdmulh": low_qdmulh,
    "bsl": low_bitsel, "bit": low_bitsel, "bif": low_bitsel,
    **{o: low_pairwise for o in ("padd", "pmax_s", "pmax_u", "pmin_s", "pmin_u")},
    **{o: low_long for o in ("addl_s", "addl_u", "subl_s", "subl_u", "abdl_s", "abdl_u",
                             "abal_s", "abal_u", "mull_s", "mull_u", "mlal_s", "mlal_u",
                             "mlsl_s", "mlsl_u", "addw_s", "addw_u", "subw_s", "subw_u")},
    "qdmull": low_qdmull, "qdmlal": low_qdmull, "qdmlsl": low_qdmull,
    "qshli_s": low_qshl_imm, "qshli_u": low_qshl_imm, "qshlui": low_qshl_imm,
    **{o: low_narrow_high for o in ("addhn", "raddhn", "subhn", "rsubhn")},
    **{o: low_unary for o in ("not", "neg", "abs", "qneg", "qabs", "cnt", "rev", "cgt0",
                              "cge0", "ceq0", "cle0", "clt0")},
    **{o: low_pairwise_long for o in ("paddl_s", "paddl_u", "padal_s", "padal_u")},
    "movl_s": low_movl, "movl_u": low_movl, "shll_s": low_movl, "shll_u": low_movl,
    **{o: low_movn for o in ("movn", "qmovn_s", "qmovn_u", "qmovun")},
    **{o: low_shift_imm for o in ("shli", "shri_s", "shri_u", "rshri_s", "rshri_u", "srai_s",
                                  "srai_u", "rsrai_s", "rsrai_u", "sri", "sli")},
    **{o: low_shift_narrow for o in ("shrn", "rshrn", "qshrn_s", "qshrn_u", "qrshrn_s",
                                     "qrshrn_u", "qshrun", "qrshrun")},
    "tbl": low_tbl, "tbx": low_tbl,
})
VOP_INLINE["mul"] = low_mul


# ------------------------------------------------------- shifts by register
def _pow2_words(s, dst: int, cnt: int, tmp: int) -> None:
    """dst = 2^cnt per 16-bit lane (cnt in 0..15 in the low byte of each lane)."""
    A = s.a
    lo = bytes([(1 << k) & 0xFF for k in range(16)])
    hi = bytes([(1 << k) >> 8 for k in range(16)])
    vmove(s, tmp, cnt)
    vsplat(s, dst, 2, 0xFF00)
    A.POR_xx(tmp, dst)                             # high byte index 0xff: zero
    vconst(s, dst, lo)
    A.PSHUFB_xx(dst, tmp)                          # low bytes of 2^cnt
    A.PSLLW_xi(tmp, 8)
    vsplat(s, X7, 2, 0x00FF)
    A.POR_xx(tmp, X7)                              # low byte index 0xff, count in the high
    vconst(s, X7, hi)
    A.PSHUFB_xx(X7, tmp)
    A.POR_xx(dst, X7)


def _pow2_dwords(s, dst: int, exp: int) -> None:
    """dst = 2^exp per 32-bit lane (exp in 0..31) through the float exponent
    field: 2^min(exp, 30) converts exactly (no MXCSR flag: this is integer
    code), and the exp == 31 lanes are doubled to 0x80000000."""
    A = s.a
    vsplat(s, X7, 4, 30)
    vmove(s, dst, exp)
    A.PMINSD_xx(dst, X7)
    vsplat(s, X7, 4, 127)
    A.PADDD_xx(dst, X7)
    A.PSLLD_xi(dst, 23)
    A.CVTTPS2DQ_xx(dst, dst)
    vsplat(s, X7, 4, 31)
    A.PCMPEQD_xx(X7, exp)
    A.PAND_xx(X7, dst)
    A.PADDD_xx(dst, X7)


def low_shl_reg(s, op, e, d, a, b, i, n, x):
    """VSHL by register (e 2, 4): left shifts as multiplies by 2^c, right
    shifts as the high half of a * 2^(w - r) (arithmetic: on a ^ sign),
    selected per lane by the sign of the count c (the low byte of b's lane)."""
    if e not in (2, 4):
        return False
    A = s.a
    w = 8 * e
    signed = op == "shl_s"
    vload(s, X1, a, n)
    vload(s, X2, b, n)
    shl_elems(s, X2, e, w - 8, X3)
    shr_elems(s, X2, e, w - 8, True, X3)           # X2 = count, sign-extended
    # left: a * 2^min(c, w-1), zero where c >= w
    vsplat(s, X6, e, w - 1)
    vmove(s, X3, X2)
    _op(s, _mm("s", 0, e), X3, X6)                 # min(c, w-1)
    zero(s, X5)
    _op(s, _mm("s", 1, e), X3, X5)                 # max(., 0)
    if e == 2:
        _pow2_words(s, X4, X3, X5)
        A.PMULLW_xx(X4, X1)
    else:
        _pow2_dwords(s, X4, X3)
        A.PMULLD_xx(X4, X1)
    vsplat(s, X6, e, w)
    _op(s, "PCMPGT" + SUF[e], X6, X2)              # c < w
    A.PAND_xx(X4, X6)                              # X4 = left result
    # right: r = min(-c, w); x = a ^ sign (signed); hi(x * 2^(w - r)) ^ sign
    zero(s, X3)
    _op(s, "PSUB" + SUF[e], X3, X2)                # -c
    vsplat(s, X6, e, w)
    _op(s, _mm("s", 0, e), X3, X6)                 # r = min(-c, w)  (c < 0 lanes: 1..w)
    _op(s, "PSUB" + SUF[e], X6, X3)                # w - r
    zero(s, X5)
    _op(s, _mm("s", 1, e), X6, X5)                 # clamp the unused (c >= 0) lanes
    vsplat(s, X5, e, w - 1)
    _op(s, _mm("s", 0, e), X6, X5)
    if signed:
        vmove(s, X5, X1)
        getattr(A, f"PSRA{SUF[e]}_xi")(X5, w - 1)  # sign
        A.PXOR_xx(X1, X5)
    if e == 2:
        _pow2_words(s, X3, X6, X0)
        A.PMULHUW_xx(X3, X1)
        # r == w (a shift by 16 or more): the multiplier is 2^0, product high 0: fine
    else:
        _pow2_dwords(s, X3, X6)
        vmove(s, X0, X1)
        vmove(s, X6, X3)
        A.PMULUDQ_xx(X0, X3)                       # lanes 0, 2
        A.PSRLQ_xi(X1, 32)
        A.PSRLQ_xi(X6, 32)
        A.PMULUDQ_xx(X1, X6)                       # lanes 1, 3
        A.PSRLQ_xi(X0, 32)
        A.PBLENDW_xxi(X0, X1, 0xCC)
        vmove(s, X3, X0)
    if signed:
        A.PXOR_xx(X3, X5)
    # select by the sign of c (blendv takes its mask in xmm0)
    zero(s, X0)
    _op(s, "PCMPGT" + SUF[e], X0, X2)              # c < 0
    if e == 2:
        A.PBLENDVB_xx(X4, X3)
    else:
        A.BLENDVPS_xx(X4, X3)
    vstore(s, d, X4, n)


VOP_INLINE["shl_s"] = low_shl_reg
VOP_INLINE["shl_u"] = low_shl_reg
