"""Advanced SIMD (NEON) data processing as risu descriptions (tag "neon").

Rows are written in the A32 layout ``1111 001U ...`` as ``N{u}`` + the rest
(``N0``, ``N1`` or ``Nu`` for a U field); ``descs("a32")`` keeps it, and
``descs("t32")`` moves the U bit: T32 is ``111U 1111 ...`` with the same low
24 bits.  The VFP-style core-register forms (VDUP from a core register) use
``{c}`` for the condition (A32) or 1110 (T32).

Floating-point rows also carry the tag "fp", like vfp_arith.py's, so
``--exclude fp`` leaves integer NEON only.

UNDEFINED encodings (a Q-register operand with an odd register number, a
reserved size) are "unsafe" here: both emulators would raise SIGILL, which
ends a batch.  Floating-point forms are F32 only (sz = 0; F16 needs
FEAT_FP16).  NEON floating point uses the "standard FPSCR value" (flush to
zero, default NaN, round to nearest) whatever FPSCR says, but accumulates the
exception flags into FPSCR.

Usage::

    from usermode.risu.arm import neon
    [d.name for d in neon.descs("a32")][:3]
"""
from __future__ import annotations

from typing import List

from ..describe import I, Mem

S3, S4, S12 = (0, 1, 2), (0, 1, 2, 3), (1, 2)
F32 = (0, 2)                                 # size<1> is the op, size<0> = sz = 0 (F32)
QEVEN = "q and (vd % 2 or vn % 2 or vm % 2)"  # Q registers are even D registers
SAME_REG = "d * 16 + vd == m * 16 + vm"         # d == m
UNKNOWN_IF_SAME = {"VSWP", "VTRN", "VUZP", "VZIP"}
Q2EVEN = "q and (vd % 2 or vm % 2)"

# three registers of the same length: (name, U, opc, B, sizes, Q allowed)
THREE_SAME = [
    ("VHADD", "u", "0000", 0, S3, True), ("VQADD", "u", "0000", 1, S4, True),
    ("VRHADD", "u", "0001", 0, S3, True),
    ("VAND_VBIC_VORR_VORN", "0", "0001", 1, S4, True),     # size = op
    ("VEOR_VBSL_VBIT_VBIF", "1", "0001", 1, S4, True),
    ("VHSUB", "u", "0010", 0, S3, True), ("VQSUB", "u", "0010", 1, S4, True),
    ("VCGT", "u", "0011", 0, S3, True), ("VCGE", "u", "0011", 1, S3, True),
    ("VSHL_reg", "u", "0100", 0, S4, True), ("VQSHL_reg", "u", "0100", 1, S4, True),
    ("VRSHL", "u", "0101", 0, S4, True), ("VQRSHL", "u", "0101", 1, S4, True),
    ("VMAX", "u", "0110", 0, S3, True), ("VMIN", "u", "0110", 1, S3, True),
    ("VABD", "u", "0111", 0, S3, True), ("VABA", "u", "0111", 1, S3, True),
    ("VADD", "0", "1000", 0, S4, True), ("VSUB", "1", "1000", 0, S4, True),
    ("VTST", "0", "1000", 1, S3, True), ("VCEQ", "1", "1000", 1, S3, True),
    ("VMLA", "0", "1001", 0, S3, True), ("VMLS", "1", "1001", 0, S3, True),
    ("VMUL", "0", "1001", 1, S3, True), ("VMUL_p8", "1", "1001", 1, (0,), True),
    ("VPMAX", "u", "1010", 0, S3, False), ("VPMIN", "u", "1010", 1, S3, False),
    ("VQDMULH", "0", "1011", 0, S12, True), ("VQRDMULH", "1", "1011", 0, S12, True),
    ("VPADD", "0", "1011", 1, S3, False),
    ("VFMA_VFMS_f", "0", "1100", 1, F32, True),
    ("VADD_VSUB_f", "0", "1101", 0, F32, True),
    ("VPADD_f", "1", "1101", 0, (0,), False), ("VABD_f", "1", "1101", 0, (2,), True),
    ("VMLA_VMLS_f", "0", "1101", 1, F32, True), ("VMUL_f", "1", "1101", 1, (0,), True),
    ("VCEQ_f", "0", "1110", 0, (0,), True), ("VCGE_f", "1", "1110", 0, (0,), True),
    ("VCGT_f", "1", "1110", 0, (2,), True), ("VACGE_VACGT", "1", "1110", 1, F32, True),
    ("VMAX_VMIN_f", "0", "1111", 0, F32, True), ("VPMAX_VPMIN_f", "1", "1111", 0, F32, False),
    ("VRECPS_VRSQRTS", "0", "1111", 1, F32, True),
    ("VMAXNM_VMINNM", "1", "1111", 1, F32, True),
]

# three registers of different lengths: (name, U, opc, Vd even, Vn even, Vm even)
THREE_DIFF = [
    ("VADDL", "u", "0000", 1, 0, 0), ("VADDW", "u", "0001", 1, 1, 0),
    ("VSUBL", "u", "0010", 1, 0, 0), ("VSUBW", "u", "0011", 1, 1, 0),
    ("VADDHN_VRADDHN", "u", "0100", 0, 1, 1), ("VABAL", "u", "0101", 1, 0, 0),
    ("VSUBHN_VRSUBHN", "u", "0110", 0, 1, 1), ("VABDL", "u", "0111", 1, 0, 0),
    ("VMLAL", "u", "1000", 1, 0, 0), ("VQDMLAL", "0", "1001", 1, 0, 0),
    ("VMLSL", "u", "1010", 1, 0, 0), ("VQDMLSL", "0", "1011", 1, 0, 0),
    ("VMULL", "u", "1100", 1, 0, 0), ("VQDMULL", "0", "1101", 1, 0, 0),
    ("VMULL_p8", "0", "1110", 1, 0, 0),
]

# two registers and a scalar: (name, opc, float, long result, Q-form)
SCALAR = [
    ("VMLA_scalar", "0000", 0, 0), ("VMLA_scalar_f", "0001", 1, 0),
    ("VMLS_scalar", "0100", 0, 0), ("VMLS_scalar_f", "0101", 1, 0),
    ("VMLAL_scalar", "0010", 0, 1), ("VMLSL_scalar", "0110", 0, 1),
    ("VQDMLAL_scalar", "0011", 0, 1), ("VQDMLSL_scalar", "0111", 0, 1),
    ("VMUL_scalar", "1000", 0, 0), ("VMUL_scalar_f", "1001", 1, 0),
    ("VMULL_scalar", "1010", 0, 1), ("VQDMULL_scalar", "1011", 0, 1),
    ("VQDMULH_scalar", "1100", 0, 0), ("VQRDMULH_scalar", "1101", 0, 0),
]

# two registers and a shift amount: (name, U, opc, kind); L:imm6 encodes the size
SHIFT = [
    ("VSHR", "u", "0000", "q"), ("VSRA", "u", "0001", "q"), ("VRSHR", "u", "0010", "q"),
    ("VRSRA", "u", "0011", "q"), ("VSRI", "1", "0100", "q"), ("VSHL_imm", "0", "0101", "q"),
    ("VSLI", "1", "0101", "q"), ("VQSHLU", "1", "0110", "q"), ("VQSHL_imm", "u", "0111", "q"),
    ("VSHRN_VRSHRN", "0", "1000", "narrow"), ("VQSHRUN_VQRSHRUN", "1", "1000", "narrow"),
    ("VQSHRN_VQRSHRN", "u", "1001", "narrow"), ("VSHLL_VMOVL", "u", "1010", "long"),
]

# two registers, miscellaneous: (name, opc1, opc2 (4 bits, may hold fields), sizes, Q, unsafe)
MISC2 = [
    ("VREV64", "00", "0000", (0, 1, 2), "q", []), ("VREV32", "00", "0001", (0, 1), "q", []),
    ("VREV16", "00", "0010", (0,), "q", []), ("VPADDL", "00", "010 op:1", S3, "q", []),
    ("VCLS", "00", "1000", S3, "q", []), ("VCLZ", "00", "1001", S3, "q", []),
    ("VCNT", "00", "1010", (0,), "q", []), ("VMVN", "00", "1011", (0,), "q", []),
    ("VPADAL", "00", "110 op:1", S3, "q", []), ("VQABS", "00", "1110", S3, "q", []),
    ("VQNEG", "00", "1111", S3, "q", []),
    ("VCGT0", "01", "f:1 000", S3, "q", ["f and size != 2"]),
    ("VCGE0", "01", "f:1 001", S3, "q", ["f and size != 2"]),
    ("VCEQ0", "01", "f:1 010", S3, "q", ["f and size != 2"]),
    ("VCLE0", "01", "f:1 011", S3, "q", ["f and size != 2"]),
    ("VCLT0", "01", "f:1 100", S3, "q", ["f and size != 2"]),
    ("VABS", "01", "f:1 110", S3, "q", ["f and size != 2"]),
    ("VNEG", "01", "f:1 111", S3, "q", ["f and size != 2"]),
    # VSWP/VTRN/VUZP/VZIP with d == m leave both registers UNKNOWN (see SAME_REG)
    ("VSWP", "10", "0000", (0,), "q", []), ("VTRN", "10", "0001", S3, "q", []),
    ("VUZP", "10", "0010", S3, "q", ["not q and size == 2"]),
    ("VZIP", "10", "0011", S3, "q", ["not q and size == 2"]),
    ("VMOVN", "10", "0100", S3, "0", ["vm % 2"]), ("VQMOVUN", "10", "0100", S3, "1", ["vm % 2"]),
    ("VQMOVN", "10", "0101", S3, "op:1", ["vm % 2"]),
    ("VSHLL_max", "10", "0110", S3, "0", ["vd % 2"]),
    ("VCVT_f16_f32", "10", "1100", (1,), "0", ["vm % 2"]),
    ("VCVT_f32_f16", "10", "1110", (1,), "0", ["vd % 2"]),
    ("VRECPE", "11", "10 f:1 0", (2,), "q", []), ("VRSQRTE", "11", "10 f:1 1", (2,), "q", []),
    ("VCVT_f_int", "11", "11 op:2", (2,), "q", []),
]


def _n(u: str, isa: str) -> str:
    """The first 8 bits of an Advanced SIMD data-processing encoding; ``u`` is
    the bit A32 has at 24 (T32 at 28): "0", "1", or a field name."""
    u = u if u in ("0", "1") else f"{u}:1"
    return f"1111 001 {u}" if isa == "a32" else f"111 {u} 1111"


def descs(isa: str) -> List[I]:
    rows: List[I] = []
    add = rows.append
    for name, u, opc, b, sizes, qok in THREE_SAME:
        add(I(name, f"{_n(u, isa)} 0 d:1 size:2 vn:4 vd:4 {opc} n:1 q:1 m:1 {b} vm:4",
              size=sizes, **({} if qok else {"q": (0,)}), unsafe=[QEVEN]))
    for name, u, opc, de, ne, me in THREE_DIFF:
        bad = [f"{r} % 2" for r, e in (("vd", de), ("vn", ne), ("vm", me)) if e]
        sizes = (0,) if name.endswith("p8") else (S12 if name.startswith("VQD") else S3)
        add(I(name, f"{_n(u, isa)} 1 d:1 size:2 vn:4 vd:4 {opc} n:1 0 m:1 0 vm:4",
              size=sizes, unsafe=bad))
    for name, opc, flt, long in SCALAR:
        # bit 24 (A32) is Q for the same-length forms, U for VMLAL/VMLSL/VMULL, 0 for VQD*
        top = ("0" if name.startswith("VQD") else "u") if long else "q"
        unsafe = ["vd % 2"] if long else ["q and (vd % 2 or vn % 2)"]
        add(I(name, f"{_n(top, isa)} 1 d:1 size:2 vn:4 vd:4 {opc} n:1 1 m:1 0 vm:4",
              size=(2,) if flt else S12, unsafe=unsafe))
    for name, u, opc, kind in SHIFT:
        if kind == "q":
            add(I(name, f"{_n(u, isa)} 1 d:1 imm6:6 vd:4 {opc} l:1 q:1 m:1 1 vm:4",
                  unsafe=["not l and imm6 < 8", "q and (vd % 2 or vm % 2)"]))
        elif kind == "narrow":        # L = 0, bit 6 selects rounding; sizes 16-64 -> 8-32
            add(I(name, f"{_n(u, isa)} 1 d:1 imm6:6 vd:4 {opc} 0 r:1 m:1 1 vm:4",
                  unsafe=["imm6 < 8", "vm % 2"]))
        else:
            add(I(name, f"{_n(u, isa)} 1 d:1 imm6:6 vd:4 {opc} 0 0 m:1 1 vm:4",
                  unsafe=["imm6 < 8 or imm6 >= 64", "vd % 2"]))
    add(I("VCVT_fixed", f"{_n('u', isa)} 1 d:1 imm6:6 vd:4 111 op:1 0 q:1 m:1 1 vm:4",
          imm6=range(32, 64), unsafe=[Q2EVEN]))
    # one register and a modified immediate (VMOV VMVN VORR VBIC): op=1 cmode=1111 UNDEFINED
    add(I("VMOV_imm", f"{_n('i', isa)} 1 d:1 000 imm3:3 vd:4 cmode:4 0 q:1 op:1 1 imm4:4",
          unsafe=["op and cmode == 15", "q and vd % 2"], weight=2))
    for name, opc1, opc2, sizes, qf, bad in MISC2:
        q = "q:1" if qf == "q" else qf
        pre = "1111 0011" if isa == "a32" else "1111 1111"
        for fbit in (("0", "1") if "f:1" in opc2 else ("",)):   # split integer / float forms
            o2 = opc2.replace("f:1", fbit) if fbit else opc2
            fsizes = (2,) if fbit == "1" else sizes
            add(I(name + ("_f" if fbit == "1" else ""),
                  f"{pre} 1 d:1 11 size:2 {opc1} vd:4 0 {o2} {q} m:1 0 vm:4",
                  size=fsizes, unsafe=[b for b in bad if not b.startswith("f and")]
                  + (["q and (vd % 2 or vm % 2)"] if qf == "q" else []),
                  unpredictable=[SAME_REG] if name in UNKNOWN_IF_SAME else []))
    ext = "1111 0010" if isa == "a32" else "1110 1111"
    tb = "1111 0011" if isa == "a32" else "1111 1111"
    add(I("VEXT", f"{ext} 1 d:1 11 vn:4 vd:4 imm4:4 n:1 q:1 m:1 0 vm:4",
          unsafe=["not q and imm4 > 7", QEVEN]))
    add(I("VTBL_VTBX", f"{tb} 1 d:1 11 vn:4 vd:4 10 len:2 n:1 op:1 m:1 0 vm:4",
          unpredictable=["n * 16 + vn + len + 1 > 32"]))
    add(I("VDUP_scalar", f"{tb} 1 d:1 11 imm4:4 vd:4 11000 q:1 m:1 0 vm:4",
          unsafe=["imm4 % 8 == 0", "q and vd % 2"]))
    c = "cond:4" if isa == "a32" else "1110"
    add(I("VDUP_core", f"{c} 1110 1 b:1 q:1 0 vd:4 rt:4 1011 d:1 0 e:1 1 0000",
          unsafe=["b and e", "q and vd % 2"],
          unpredictable=["rt == 13"] if isa == "t32" else []))
    for r in rows:
        r.tags = frozenset({"neon", "fp"} if _is_float(r.name) else {"neon"})
    return rows + ldst(isa)


# VLDn/VSTn multiple structures, by type: registers transferred, last register
# used (relative to Vd), and whether the size 64 is UNDEFINED (VLD2-4)
MULTI_REGS = "(4, 4, 4, 4, 3, 3, 3, 1, 2, 2, 2)[type]"
MULTI_LAST = "(3, 6, 3, 3, 2, 4, 2, 0, 1, 2, 1)[type]"
MULTI_NO64 = "type in (0, 1, 3, 4, 5, 8, 9) and size == 3"


def ldst(isa: str) -> List[I]:
    """Element and structure loads/stores: Rm = 15 no writeback, 13 writeback
    by the transfer size, else post-index by Rm (the access is at Rn either
    way).  The align field is kept to 00/01 (at most 64-bit alignment; the
    harness places accesses 8-byte aligned); Rn = 15 is UNPREDICTABLE."""
    p = "1111 0100" if isa == "a32" else "1111 1001"
    rows = []
    for l, ld in ((1, "VLD"), (0, "VST")):
        rows.append(I(f"{ld}n_multi", f"{p} 0 d:1 {l} 0 rn:4 vd:4 type:4 size:2 align:2 rm:4",
                      type=range(11), align=(0, 1), rm=range(16), weight=4,
                      mem=Mem("rn", f"8 * {MULTI_REGS}", "0", align=8),
                      unsafe=[MULTI_NO64],
                      unpredictable=[f"d * 16 + vd + {MULTI_LAST} > 31"]))
        # one lane: size 00 index_align<0> = 0; 01 <1> = 0; 10 <2> = 0 and <1:0> in {00, 11}
        rows.append(I(f"{ld}1_lane", f"{p} 1 d:1 {l} 0 rn:4 vd:4 size:2 00 ia:4 rm:4",
                      size=(0, 1, 2), rm=range(16),
                      mem=Mem("rn", "1 << size", "0", align=4),
                      unsafe=["size == 0 and ia & 1", "size == 1 and ia & 2",
                              "size == 2 and (ia & 4 or ia & 3 in (1, 2))"]))
    rows.append(I("VLD1_all", f"{p} 1 d:1 1 0 rn:4 vd:4 11 00 size:2 t:1 a:1 rm:4",
                  size=(0, 1, 2), rm=range(16), mem=Mem("rn", "1 << size", "0", align=4),
                  unsafe=["size == 0 and a"], unpredictable=["d * 16 + vd + t + 1 > 32"]))
    for r in rows:
        r.tags = frozenset({"neon", "mem"})
    return rows


FLOAT_NAMES = ("VRECPS_VRSQRTS", "VMAXNM_VMINNM", "VACGE_VACGT", "VCVT_f_int", "VCVT_fixed",
               "VCVT_f16_f32", "VCVT_f32_f16")


def _is_float(name: str) -> bool:
    """Floating-point rows (tag "fp" too): their results and FPSCR flags use the
    floating-point unit."""
    return name.endswith("_f") or name in FLOAT_NAMES
