"""VFP data processing as risu descriptions: arithmetic, (fused) multiply-
accumulate, VABS/VNEG/VSQRT, VCMP/VCMPE, the conversions (precision, integer,
fixed point, half precision), VRINT*, and the ARMv8 unconditional forms
(VSEL, VMAXNM/VMINNM, VRINTA/N/P/M, VCVTA/N/P/M).  Tags: vfp, fp.

As vfp.py, ``descs(prefix)`` builds the A32 (``cond:4``) or T32 (``1110``)
forms; the ARMv8 unconditional encodings are the same bits in both.  sz
selects single (registers Vd:D) or double precision (D:Vd).  FPSCR.Len and
Stride are always zero (see vfp.SANE_FPSCR), so every operation is scalar.
The only UNPREDICTABLE case in this space is a fixed-point VCVT with more
fraction bits than the fixed-point size.

Usage::

    from usermode.risu.arm import vfp_arith
    [d.name for d in vfp_arith.descs("cond:4")][:4]
"""
from __future__ import annotations

from typing import List

from ..describe import I

THREE = "vn:4 vd:4 101 sz:1 n:1"          # Vn, Vd, cp10/11, size, N


def descs(prefix: str) -> List[I]:
    c = prefix
    rows = [I(name, spec, weight=w) for name, spec, w in [
        ("VMLA_VMLS",   f"{c} 1110 0 d:1 00 {THREE} op:1 m:1 0 vm:4", 1),
        ("VNMLA_VNMLS", f"{c} 1110 0 d:1 01 {THREE} op:1 m:1 0 vm:4", 1),
        ("VMUL",        f"{c} 1110 0 d:1 10 {THREE} 0 m:1 0 vm:4", 1),
        ("VNMUL",       f"{c} 1110 0 d:1 10 {THREE} 1 m:1 0 vm:4", 1),
        ("VADD",        f"{c} 1110 0 d:1 11 {THREE} 0 m:1 0 vm:4", 1.5),
        ("VSUB",        f"{c} 1110 0 d:1 11 {THREE} 1 m:1 0 vm:4", 1.5),
        ("VDIV",        f"{c} 1110 1 d:1 00 {THREE} 0 m:1 0 vm:4", 1),
        ("VFNMA_VFNMS", f"{c} 1110 1 d:1 01 {THREE} op:1 m:1 0 vm:4", 1),
        ("VFMA_VFMS",   f"{c} 1110 1 d:1 10 {THREE} op:1 m:1 0 vm:4", 1),
        ("VABS",        f"{c} 1110 1 d:1 11 0000 vd:4 101 sz:1 1 1 m:1 0 vm:4", 0.5),
        ("VNEG",        f"{c} 1110 1 d:1 11 0001 vd:4 101 sz:1 0 1 m:1 0 vm:4", 0.5),
        ("VSQRT",       f"{c} 1110 1 d:1 11 0001 vd:4 101 sz:1 1 1 m:1 0 vm:4", 1),
        ("VCMP",        f"{c} 1110 1 d:1 11 0100 vd:4 101 sz:1 e:1 1 m:1 0 vm:4", 1),
        ("VCMP_zero",   f"{c} 1110 1 d:1 11 0101 vd:4 101 sz:1 e:1 1 0 0 0000", 0.5),
        # conversions: F64<->F32, int->float (op: signed), float->int (s: signed,
        # op: round towards zero, else FPSCR rounding), half <-> single/double (t: top half)
        ("VCVT_F64_F32", f"{c} 1110 1 d:1 11 0111 vd:4 101 sz:1 1 1 m:1 0 vm:4", 1),
        ("VCVT_int_fp",  f"{c} 1110 1 d:1 11 1000 vd:4 101 sz:1 op:1 1 m:1 0 vm:4", 1),
        ("VCVT_fp_int",  f"{c} 1110 1 d:1 11 110 s:1 vd:4 101 sz:1 op:1 1 m:1 0 vm:4", 1.5),
        ("VCVT_half",    f"{c} 1110 1 d:1 11 001 op:1 vd:4 101 sz:1 t:1 1 m:1 0 vm:4", 1),
        ("VRINTR_VRINTZ", f"{c} 1110 1 d:1 11 0110 vd:4 101 sz:1 op:1 1 m:1 0 vm:4", 0.5),
        ("VRINTX",       f"{c} 1110 1 d:1 11 0111 vd:4 101 sz:1 0 1 m:1 0 vm:4", 0.5),
        # ARMv8, unconditional: VSEL (cc: EQ VS GE GT), VMAXNM/VMINNM, VRINT/VCVT with
        # the rounding mode in the encoding (rm: A N P M)
        ("VSEL",          "1111 1110 0 d:1 cc:2 vn:4 vd:4 101 sz:1 n:1 0 m:1 0 vm:4", 1),
        ("VMAXNM_VMINNM", "1111 1110 1 d:1 00 vn:4 vd:4 101 sz:1 n:1 op:1 m:1 0 vm:4", 1),
        ("VRINT_rm",      "1111 1110 1 d:1 11 10 rm:2 vd:4 101 sz:1 0 1 m:1 0 vm:4", 0.5),
        ("VCVT_rm",       "1111 1110 1 d:1 11 11 rm:2 vd:4 101 sz:1 op:1 1 m:1 0 vm:4", 1),
    ]]
    # fixed point: op 1 = to fixed; U unsigned; sx: 32-bit (else 16-bit) fixed point;
    # fraction bits = size - imm4:i, UNPREDICTABLE when negative
    rows.append(I("VCVT_fix", f"{c} 1110 1 d:1 11 1 op:1 1 u:1 vd:4 101 sz:1 sx:1 1 i:1 0 imm4:4",
                  unpredictable=["(32 if sx else 16) - (imm4 * 2 + i) < 0"]))
    for r in rows:
        r.tags = frozenset({"vfp", "fp"})
    return rows
