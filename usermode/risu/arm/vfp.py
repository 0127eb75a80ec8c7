"""VFP register moves, loads and stores as risu descriptions (the part of VFP
pyqemu implements today; arithmetic and NEON come with the FP issue).

The same encodings serve A32 (condition field ``cond:4``) and T32 (``1110``
in its place); ``descs(prefix, thumb)`` builds either.  In T32, r13 as a core
register operand is UNPREDICTABLE, and r15 as the base of a store.

VMSR presets its source register with a value whose FPSCR fields are all
architecturally defined for ARMv7/ARMv8 AArch32 (SANE_FPSCR): NZCV, QC, AHP,
DN, FZ, RMode and the cumulative exception flags; Len/Stride (UNPREDICTABLE
when non-zero on ARMv8) and the trap enables (RAZ/WI or IMPLEMENTATION
DEFINED) stay zero.

Usage::

    from usermode.risu.arm import vfp
    [d.name for d in vfp.descs("cond:4")][:3]
"""
from __future__ import annotations

import random
from typing import List

from ..describe import I, Mem

SANE_FPSCR = 0xFFC0009F


def fpscr_value(rng: random.Random) -> int:
    return rng.getrandbits(32) & SANE_FPSCR


def dlist_imm8(rng: random.Random) -> int:
    """imm8 of a D-register VLDM/VSTM: 2 x count, rarely odd (FLDMX/FSTMX)."""
    return 2 * rng.randrange(1, 17) + (rng.random() < 0.05)


def descs(prefix: str, thumb: bool = False) -> List[I]:
    c = prefix
    core_bad = ["rt == 13"] if thumb else []          # T32: SP as a core operand
    core2_bad = ["rt == 13 or rt2 == 13"] if thumb else []
    # VLDM/VSTM: P U W = 0 1 x (IA, optional writeback) or 1 0 1 (DB!)
    ldm_ok = ["not ((not p and u) or (p and not u and w))"]
    ldm_off = "-4 * imm8 if p else 0"
    rows = [
        # core register <-> single precision register
        I("VMOV_sr", f"{c} 1110 000 0 vn:4 rt:4 1010 n:1 00 1 0000", unpredictable=core_bad),
        I("VMOV_rs", f"{c} 1110 000 1 vn:4 rt:4 1010 n:1 00 1 0000", unpredictable=core_bad),
        # two core registers <-> D register / two S registers (S: Vm:M must not be 31)
        I("VMOV_dr", f"{c} 1100 010 0 rt2:4 rt:4 1011 00 m:1 1 vm:4", unpredictable=core2_bad),
        I("VMOV_rd", f"{c} 1100 010 1 rt2:4 rt:4 1011 00 m:1 1 vm:4",
          unpredictable=core2_bad + ["rt == rt2"]),
        I("VMOV_ssr", f"{c} 1100 010 0 rt2:4 rt:4 1010 00 m:1 1 vm:4",
          unpredictable=core2_bad + ["vm == 15 and m"]),
        I("VMOV_rss", f"{c} 1100 010 1 rt2:4 rt:4 1010 00 m:1 1 vm:4",
          unpredictable=core2_bad + ["rt == rt2", "vm == 15 and m"]),
        # register to register, immediate
        I("VMOV_reg", f"{c} 1110 1 d:1 11 0000 vd:4 101 sz:1 01 m:1 0 vm:4"),
        I("VMOV_imm", f"{c} 1110 1 d:1 11 imm4h:4 vd:4 101 sz:1 0000 imm4l:4"),
        # core register <-> scalar: opc1:opc2 = 1xxx byte, 0xx1 halfword, 0x00 word, 0x10 UNDEFINED
        I("VMOV_scalar", f"{c} 1110 0 opc1:2 0 vd:4 rt:4 1011 d:1 opc2:2 1 0000",
          unpredictable=core_bad, unsafe=["opc1 < 2 and opc2 == 2"]),
        I("VMOV_rscalar", f"{c} 1110 u:1 opc1:2 1 vn:4 rt:4 1011 n:1 opc2:2 1 0000",
          unpredictable=core_bad,
          unsafe=["opc1 < 2 and opc2 == 2", "u and opc1 < 2 and opc2 % 2 == 0"]),
        # FPSCR
        I("VMRS", f"{c} 1110 1111 0001 rt:4 1010 0001 0000", rt=tuple(range(16)),
          unpredictable=core_bad),
        I("VMSR", f"{c} 1110 1110 0001 rt:4 1010 0001 0000", preset={"rt": fpscr_value},
          unpredictable=core_bad),
        # loads and stores; Rn = 15 is a literal VLDR
        I("VLDR_d", f"{c} 1101 u:1 d:1 01 rn:4 vd:4 1011 imm8:8", rn=tuple(range(16)),
          mem=Mem("rn", "8", "4 * imm8 if u else -4 * imm8", align=4)),
        I("VSTR_d", f"{c} 1101 u:1 d:1 00 rn:4 vd:4 1011 imm8:8",
          mem=Mem("rn", "8", "4 * imm8 if u else -4 * imm8", align=4)),
        I("VLDR_s", f"{c} 1101 u:1 d:1 01 rn:4 vd:4 1010 imm8:8", rn=tuple(range(16)),
          mem=Mem("rn", "4", "4 * imm8 if u else -4 * imm8", align=4)),
        I("VSTR_s", f"{c} 1101 u:1 d:1 00 rn:4 vd:4 1010 imm8:8",
          mem=Mem("rn", "4", "4 * imm8 if u else -4 * imm8", align=4)),
        # D lists: imm8 = 2 * count (odd: FLDMX/FSTMX); count 1..16, D:Vd + count <= 32
        I("VLDM_d", f"{c} 110 p:1 u:1 d:1 w:1 1 rn:4 vd:4 1011 imm8:8",
          imm8=dlist_imm8, unsafe=ldm_ok,
          mem=Mem("rn", "4 * imm8", ldm_off, align=4),
          unpredictable=["(d * 16 + vd) + imm8 // 2 > 32", "w and rn == 15"]),
        I("VSTM_d", f"{c} 110 p:1 u:1 d:1 w:1 0 rn:4 vd:4 1011 imm8:8",
          imm8=dlist_imm8, unsafe=ldm_ok,
          mem=Mem("rn", "4 * imm8", ldm_off, align=4),
          unpredictable=["(d * 16 + vd) + imm8 // 2 > 32"]),
        # S lists: imm8 = count, Vd:D + count <= 32
        I("VLDM_s", f"{c} 110 p:1 u:1 d:1 w:1 1 rn:4 vd:4 1010 imm8:8",
          imm8=tuple(range(1, 33)), unsafe=ldm_ok,
          mem=Mem("rn", "4 * imm8", ldm_off, align=4),
          unpredictable=["(vd * 2 + d) + imm8 > 32"]),
        I("VSTM_s", f"{c} 110 p:1 u:1 d:1 w:1 0 rn:4 vd:4 1010 imm8:8",
          imm8=tuple(range(1, 33)), unsafe=ldm_ok,
          mem=Mem("rn", "4 * imm8", ldm_off, align=4),
          unpredictable=["(vd * 2 + d) + imm8 > 32"]),
    ]
    for r in rows:
        r.tags = frozenset({"vfp"} | ({"mem"} if r.mem else set()))
    return rows
