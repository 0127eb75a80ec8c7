"""A32 instruction descriptions for the risu generator (ARMv7-A/ARMv8 AArch32
user-mode integer instructions, plus VFP and NEON: vfp.py, vfp_arith.py, neon.py).

Every row: name, encoding diagram (ARM ARM bit order, ``(0)``/``(1)``
should-be bits written as the fixed value, since the other value is
UNPREDICTABLE), field domains, and the UNPREDICTABLE / unsafe cases to skip,
transcribed from the ARM ARM's "if ... then UNPREDICTABLE" lines.  Register
fields default to r0-r14 (``R``): A32 treats SP as an ordinary register and
the harness reserves none.  r15 as a destination is a branch (unsafe
everywhere); r15 as a source is allowed where the ARM ARM allows it
(``RPC``: it reads as the instruction's address + 8, a fixed address).

Not generated: branches, BX/BLX, SVC/BKPT/UDF/SMC/HVC, CPS, SRS/RFE,
coprocessor instructions other than VFP, LDM/STM with the S bit (user-bank /
exception return).  SWP/SWPB are generated although ARMv8 removed them
(UNDEFINED there): qemu-arm's "max" CPU executes them as ARMv7 does, and
Linux emulates them for 32-bit programs (abi.swp), so pyqemu must agree.

Usage::

    from usermode.risu.arm.a32 import TABLE
    len(TABLE.descs), TABLE.by_name["ADD_reg"].spec
"""
from __future__ import annotations

from ..describe import I, Mem, Table
from .fields import COND, HELPERS, R, REGLIST, RPC
from . import neon, vfp, vfp_arith

DEFAULTS = {"cond": COND, "rd": R, "rn": R, "rm": R, "rs": R, "rt": R, "ra": R,
            "rdlo": R, "rdhi": R, "rt2": R, "list": REGLIST}

WB = "(not p or w)"                       # writeback: post-indexed, or pre-indexed with W


def _dp():
    """Data processing: register (shift by immediate), register-shifted
    register, and modified immediate forms of the 16 opcodes."""
    ops = [("AND", "0000"), ("EOR", "0001"), ("SUB", "0010"), ("RSB", "0011"),
           ("ADD", "0100"), ("ADC", "0101"), ("SBC", "0110"), ("RSC", "0111"),
           ("ORR", "1100"), ("BIC", "1110")]
    rows = []
    for name, opc in ops:
        rows += [
            I(f"{name}_reg", f"cond:4 000 {opc} s:1 rn:4 rd:4 imm5:5 type:2 0 rm:4",
              rn=RPC, rm=RPC, tags=["dp"]),
            # d, n, m or s == 15: UNPREDICTABLE (R excludes the PC)
            I(f"{name}_rsr", f"cond:4 000 {opc} s:1 rn:4 rd:4 rs:4 0 type:2 1 rm:4", tags=["dp"]),
            I(f"{name}_imm", f"cond:4 001 {opc} s:1 rn:4 rd:4 imm12:12", rn=RPC, tags=["dp"]),
        ]
    for name, opc in [("TST", "1000"), ("TEQ", "1001"), ("CMP", "1010"), ("CMN", "1011")]:
        rows += [
            I(f"{name}_reg", f"cond:4 000 {opc} 1 rn:4 0000 imm5:5 type:2 0 rm:4",
              rn=RPC, rm=RPC, tags=["dp"]),
            I(f"{name}_rsr", f"cond:4 000 {opc} 1 rn:4 0000 rs:4 0 type:2 1 rm:4", tags=["dp"]),
            I(f"{name}_imm", f"cond:4 001 {opc} 1 rn:4 0000 imm12:12", rn=RPC, tags=["dp"]),
        ]
    for name, opc in [("MOV", "1101"), ("MVN", "1111")]:
        rows += [
            I(f"{name}_reg", f"cond:4 000 {opc} s:1 0000 rd:4 imm5:5 type:2 0 rm:4",
              rm=RPC, tags=["dp"]),
            I(f"{name}_rsr", f"cond:4 000 {opc} s:1 0000 rd:4 rs:4 0 type:2 1 rm:4", tags=["dp"]),
            I(f"{name}_imm", f"cond:4 001 {opc} s:1 0000 rd:4 imm12:12", tags=["dp"]),
        ]
    rows += [
        I("MOVW", "cond:4 0011 0000 imm4:4 rd:4 imm12:12", tags=["dp"]),
        I("MOVT", "cond:4 0011 0100 imm4:4 rd:4 imm12:12", tags=["dp"]),
    ]
    return rows


# ---- multiplies: any of d, n, m, a (dLo, dHi) == 15 is UNPREDICTABLE (R excludes it) ------
MUL = [I(name, spec, tags=["mul"], unpredictable=unp) for name, spec, unp in [
    ("MUL",     "cond:4 0000 000 s:1 rd:4 0000 rm:4 1001 rn:4", []),
    ("MLA",     "cond:4 0000 001 s:1 rd:4 ra:4 rm:4 1001 rn:4", []),
    ("UMAAL",   "cond:4 0000 0100 rdhi:4 rdlo:4 rm:4 1001 rn:4", ["rdlo == rdhi"]),
    ("MLS",     "cond:4 0000 0110 rd:4 ra:4 rm:4 1001 rn:4", []),
    ("UMULL",   "cond:4 0000 100 s:1 rdhi:4 rdlo:4 rm:4 1001 rn:4", ["rdlo == rdhi"]),
    ("UMLAL",   "cond:4 0000 101 s:1 rdhi:4 rdlo:4 rm:4 1001 rn:4", ["rdlo == rdhi"]),
    ("SMULL",   "cond:4 0000 110 s:1 rdhi:4 rdlo:4 rm:4 1001 rn:4", ["rdlo == rdhi"]),
    ("SMLAL",   "cond:4 0000 111 s:1 rdhi:4 rdlo:4 rm:4 1001 rn:4", ["rdlo == rdhi"]),
    ("SMLAxy",  "cond:4 0001 0000 rd:4 ra:4 rm:4 1 m:1 n:1 0 rn:4", []),
    ("SMLAWy",  "cond:4 0001 0010 rd:4 ra:4 rm:4 1 m:1 0 0 rn:4", []),
    ("SMULWy",  "cond:4 0001 0010 rd:4 0000 rm:4 1 m:1 1 0 rn:4", []),
    ("SMLALxy", "cond:4 0001 0100 rdhi:4 rdlo:4 rm:4 1 m:1 n:1 0 rn:4", ["rdlo == rdhi"]),
    ("SMULxy",  "cond:4 0001 0110 rd:4 0000 rm:4 1 m:1 n:1 0 rn:4", []),
    ("SMLAD",   "cond:4 0111 0000 rd:4 ra:4 rm:4 00 m:1 1 rn:4", []),
    ("SMUAD",   "cond:4 0111 0000 rd:4 1111 rm:4 00 m:1 1 rn:4", []),
    ("SMLSD",   "cond:4 0111 0000 rd:4 ra:4 rm:4 01 m:1 1 rn:4", []),
    ("SMUSD",   "cond:4 0111 0000 rd:4 1111 rm:4 01 m:1 1 rn:4", []),
    ("SDIV",    "cond:4 0111 0001 rd:4 1111 rm:4 0001 rn:4", []),
    ("UDIV",    "cond:4 0111 0011 rd:4 1111 rm:4 0001 rn:4", []),
    ("SMLALD",  "cond:4 0111 0100 rdhi:4 rdlo:4 rm:4 00 m:1 1 rn:4", ["rdlo == rdhi"]),
    ("SMLSLD",  "cond:4 0111 0100 rdhi:4 rdlo:4 rm:4 01 m:1 1 rn:4", ["rdlo == rdhi"]),
    ("SMMLA",   "cond:4 0111 0101 rd:4 ra:4 rm:4 00 r:1 1 rn:4", []),
    ("SMMUL",   "cond:4 0111 0101 rd:4 1111 rm:4 00 r:1 1 rn:4", []),
    ("SMMLS",   "cond:4 0111 0101 rd:4 ra:4 rm:4 11 r:1 1 rn:4", []),
    ("USADA8",  "cond:4 0111 1000 rd:4 ra:4 rm:4 0001 rn:4", []),
    ("USAD8",   "cond:4 0111 1000 rd:4 1111 rm:4 0001 rn:4", []),
]]

# ---- saturating, parallel add/subtract, packing, extends, bit fields, reversal --------------
MEDIA = [I(name, spec, tags=[tag], unpredictable=unp) for name, spec, tag, unp in [
    ("QADD",    "cond:4 0001 0000 rn:4 rd:4 0000 0101 rm:4", "sat", []),
    ("QSUB",    "cond:4 0001 0010 rn:4 rd:4 0000 0101 rm:4", "sat", []),
    ("QDADD",   "cond:4 0001 0100 rn:4 rd:4 0000 0101 rm:4", "sat", []),
    ("QDSUB",   "cond:4 0001 0110 rn:4 rd:4 0000 0101 rm:4", "sat", []),
    ("SSAT",    "cond:4 0110 101 sat:5 rd:4 imm5:5 sh:1 01 rn:4", "sat", []),
    ("USAT",    "cond:4 0110 111 sat:5 rd:4 imm5:5 sh:1 01 rn:4", "sat", []),
    ("SSAT16",  "cond:4 0110 1010 sat:4 rd:4 1111 0011 rn:4", "sat", []),
    ("USAT16",  "cond:4 0110 1110 sat:4 rd:4 1111 0011 rn:4", "sat", []),
    ("PKH",     "cond:4 0110 1000 rn:4 rd:4 imm5:5 tb:1 01 rm:4", "media", []),
    ("SEL",     "cond:4 0110 1000 rn:4 rd:4 1111 1011 rm:4", "media", []),
    ("REV",     "cond:4 0110 1011 1111 rd:4 1111 0011 rm:4", "media", []),
    ("REV16",   "cond:4 0110 1011 1111 rd:4 1111 1011 rm:4", "media", []),
    ("RBIT",    "cond:4 0110 1111 1111 rd:4 1111 0011 rm:4", "media", []),
    ("REVSH",   "cond:4 0110 1111 1111 rd:4 1111 1011 rm:4", "media", []),
    ("CLZ",     "cond:4 0001 0110 1111 rd:4 1111 0001 rm:4", "media", []),
    ("SXTAB16", "cond:4 0110 1000 rn:4 rd:4 rot:2 00 0111 rm:4", "ext", []),
    ("SXTB16",  "cond:4 0110 1000 1111 rd:4 rot:2 00 0111 rm:4", "ext", []),
    ("SXTAB",   "cond:4 0110 1010 rn:4 rd:4 rot:2 00 0111 rm:4", "ext", []),
    ("SXTB",    "cond:4 0110 1010 1111 rd:4 rot:2 00 0111 rm:4", "ext", []),
    ("SXTAH",   "cond:4 0110 1011 rn:4 rd:4 rot:2 00 0111 rm:4", "ext", []),
    ("SXTH",    "cond:4 0110 1011 1111 rd:4 rot:2 00 0111 rm:4", "ext", []),
    ("UXTAB16", "cond:4 0110 1100 rn:4 rd:4 rot:2 00 0111 rm:4", "ext", []),
    ("UXTB16",  "cond:4 0110 1100 1111 rd:4 rot:2 00 0111 rm:4", "ext", []),
    ("UXTAB",   "cond:4 0110 1110 rn:4 rd:4 rot:2 00 0111 rm:4", "ext", []),
    ("UXTB",    "cond:4 0110 1110 1111 rd:4 rot:2 00 0111 rm:4", "ext", []),
    ("UXTAH",   "cond:4 0110 1111 rn:4 rd:4 rot:2 00 0111 rm:4", "ext", []),
    ("UXTH",    "cond:4 0110 1111 1111 rd:4 rot:2 00 0111 rm:4", "ext", []),
    ("SBFX",    "cond:4 0111 101 wm1:5 rd:4 lsb:5 101 rn:4", "bitf", ["lsb + wm1 > 31"]),
    ("UBFX",    "cond:4 0111 111 wm1:5 rd:4 lsb:5 101 rn:4", "bitf", ["lsb + wm1 > 31"]),
    ("BFI",     "cond:4 0111 110 msb:5 rd:4 lsb:5 001 rn:4", "bitf", ["msb < lsb"]),
    ("BFC",     "cond:4 0111 110 msb:5 rd:4 lsb:5 001 1111", "bitf", ["msb < lsb"]),
]]

# parallel add/subtract: op1 001 S, 010 Q, 011 SH, 101 U, 110 UQ, 111 UH;
# op2 000 ADD16, 001 ASX, 010 SAX, 011 SUB16, 100 ADD8, 111 SUB8 (101, 110 unallocated)
PARALLEL = [I("PARALLEL", "cond:4 0110 0 op1:3 rn:4 rd:4 1111 op2:3 1 rm:4", tags=["par"],
              op1=(1, 2, 3, 5, 6, 7), op2=(0, 1, 2, 3, 4, 7), weight=6)]

# ---- status register access and hints ------------------------------------------------------
MISC = [I(name, spec, tags=["misc"], **kw) for name, spec, kw in [
    ("MRS",      "cond:4 0001 0000 1111 rd:4 0000 0000 0000", {}),
    # MSR APSR_<nzcvq|g|nzcvqg>: mask 00 is UNPREDICTABLE (register) / a hint (immediate)
    ("MSR_reg",  "cond:4 0001 0010 mask:2 00 1111 0000 0000 rn:4", {"mask": (1, 2, 3)}),
    ("MSR_imm",  "cond:4 0011 0010 mask:2 00 1111 imm12:12", {"mask": (1, 2, 3)}),
    ("NOP",      "cond:4 0011 0010 0000 1111 0000 0000 0000", {"weight": 0.2}),
    ("YIELD",    "cond:4 0011 0010 0000 1111 0000 0000 0001", {"weight": 0.2}),
    ("CLREX",    "1111 0101 0111 1111 1111 0000 0001 1111", {"weight": 0.2}),
    ("DSB",      "1111 0101 0111 1111 1111 0000 0100 opt:4", {"weight": 0.2}),
    ("DMB",      "1111 0101 0111 1111 1111 0000 0101 opt:4", {"weight": 0.2}),
    ("ISB",      "1111 0101 0111 1111 1111 0000 0110 opt:4", {"weight": 0.2}),
    # preload hints never fault; PLD with Rn = 15 is the literal form
    ("PLD_imm",  "1111 0101 u:1 r:1 01 rn:4 1111 imm12:12",
     {"rn": RPC, "weight": 0.3, "unpredictable": ["rn == 15 and not r"]}),
    ("PLI_imm",  "1111 0100 u:1 101 rn:4 1111 imm12:12", {"rn": RPC, "weight": 0.2}),
    ("PLD_reg",  "1111 0111 u:1 r:1 01 rn:4 1111 imm5:5 type:2 0 rm:4",
     {"rn": RPC, "weight": 0.3, "unpredictable": ["rn == 15 and not r"]}),
    ("PLI_reg",  "1111 0110 u:1 101 rn:4 1111 imm5:5 type:2 0 rm:4", {"weight": 0.2}),
    ("SETEND_LE", "1111 0001 0000 0001 0000 0000 0000 0000", {"weight": 0.1}),
]]


# ---- single loads and stores ---------------------------------------------------------------
def _ldst():
    rows = []
    imm_off = "(imm if u else -imm) if p else 0"
    reg_off = "(shift(idx, type, imm5) if u else -shift(idx, type, imm5)) if p else 0"
    for name, b, l, size in [("STR", 0, 0, 4), ("LDR", 0, 1, 4), ("STRB", 1, 0, 1), ("LDRB", 1, 1, 1)]:
        # P=0 W=1 is the unprivileged form (LDRT...): the same in user mode
        rows += [
            I(f"{name}_imm", f"cond:4 010 p:1 u:1 {b} w:1 {l} rn:4 rt:4 imm:12",
              rn=RPC if l else R, tags=["mem"], weight=3,
              mem=Mem("rn", str(size), imm_off),
              unpredictable=[f"{WB} and (rn == 15 or rn == rt)"]),
            I(f"{name}_reg", f"cond:4 011 p:1 u:1 {b} w:1 {l} rn:4 rt:4 imm5:5 type:2 0 rm:4",
              tags=["mem"], weight=3, mem=Mem("rn", str(size), reg_off, index="rm"),
              unpredictable=[f"{WB} and (rn == 15 or rn == rt)"],
              unsafe=["type == 3 and imm5 == 0",     # RRX: the address depends on C
                      "rm == rn"]),                   # one register cannot be both presets
        ]
    ext_imm = "(imm if u else -imm) if p else 0"
    ext_reg = "(idx if u else -idx) if p else 0"
    for name, l, op2, size in [("STRH", 0, "01", 2), ("LDRD", 0, "10", 8), ("STRD", 0, "11", 8),
                               ("LDRH", 1, "01", 2), ("LDRSB", 1, "10", 1), ("LDRSH", 1, "11", 2)]:
        dual = size == 8
        unp = [f"{WB} and (rn == 15 or rn == rt)"]
        if dual:
            unp = ["rt % 2 == 1", "rt == 14", "not p and w",
                   f"{WB} and (rn == 15 or rn == rt or rn == rt + 1)"]
        load = name.startswith("LDR")
        rows += [
            I(f"{name}_imm", f"cond:4 000 p:1 u:1 1 w:1 {l} rn:4 rt:4 imm:4 1 {op2} 1 imm:4",
              rn=RPC if load else R, tags=["mem"], weight=2,
              mem=Mem("rn", str(size), ext_imm, align=4 if dual else 1),
              unpredictable=unp,
              unsafe=["rn == 15 and imm % 4"] if dual else []),   # an unaligned literal LDRD
            I(f"{name}_reg", f"cond:4 000 p:1 u:1 0 w:1 {l} rn:4 rt:4 0000 1 {op2} 1 rm:4",
              tags=["mem"], weight=2,
              mem=Mem("rn", str(size), ext_reg, align=4 if dual else 1, index="rm"),
              unpredictable=unp + (["rm == rt or rm == rt + 1"] if dual and load else []),
              unsafe=["rm == rn"]),
        ]
    return rows


# ---- load/store multiple (IA/IB/DA/DB): the S bit (user registers) is not user mode --------
LDM_OFF = "(4 if p else 0) if u else (-4 * popcount(list) + (0 if p else 4))"
LDM = [
    I("STM", "cond:4 100 p:1 u:1 0 w:1 0 rn:4 list:16", tags=["ldm", "mem"], weight=3,
      mem=Mem("rn", "4 * popcount(list)", LDM_OFF, align=4),
      unpredictable=["list == 0",
                     "w and bit(list, rn) and lowest(list) != rn",   # stored base UNKNOWN
                     "bit(list, 15)"]),      # stores PC + 8 or + 12: IMPLEMENTATION DEFINED
    I("LDM", "cond:4 100 p:1 u:1 0 w:1 1 rn:4 list:16", tags=["ldm", "mem"], weight=3,
      mem=Mem("rn", "4 * popcount(list)", LDM_OFF, align=4),
      unpredictable=["list == 0", "w and bit(list, rn)"],
      unsafe=["bit(list, 15)"]),             # a branch
]

# ---- exclusives and ARMv8 load-acquire/store-release (size: 00 word, 01 D, 10 B, 11 H) ----
_XSIZE = {"": ("00", 4), "D": ("01", 8), "B": ("10", 1), "H": ("11", 2)}


def _excl():
    rows = []
    for sfx, (sz, n) in _XSIZE.items():
        dual = sfx == "D"
        lunp = ["rt % 2 == 1", "rt == 14"] if dual else []
        sunp = ["rt % 2 == 1", "rt == 14", "rd == rt + 1"] if dual else []
        m = Mem("rn", str(n), "0", align=n)
        rows += [
            I(f"LDREX{sfx}", f"cond:4 0001 1{sz}1 rn:4 rt:4 1111 1001 1111", tags=["excl", "mem"],
              mem=m, unpredictable=lunp),
            I(f"STREX{sfx}", f"cond:4 0001 1{sz}0 rn:4 rd:4 1111 1001 rt:4", tags=["excl", "mem"],
              mem=m, unpredictable=["rd == rn", "rd == rt"] + sunp),
            I(f"LDAEX{sfx}", f"cond:4 0001 1{sz}1 rn:4 rt:4 1110 1001 1111", tags=["excl", "mem"],
              mem=m, unpredictable=lunp),
            I(f"STLEX{sfx}", f"cond:4 0001 1{sz}0 rn:4 rd:4 1110 1001 rt:4", tags=["excl", "mem"],
              mem=m, unpredictable=["rd == rn", "rd == rt"] + sunp),
        ]
        if not dual:
            rows += [
                I(f"LDA{sfx}", f"cond:4 0001 1{sz}1 rn:4 rt:4 1100 1001 1111", tags=["acq", "mem"],
                  mem=m),
                I(f"STL{sfx}", f"cond:4 0001 1{sz}0 rn:4 1111 1100 1001 rt:4", tags=["acq", "mem"],
                  mem=m),
            ]
    # SWP{B} Rt, Rt2, [Rn]: n == t or n == t2 UNPREDICTABLE (15 excluded by R)
    for sfx, b, n in (("", 0, 4), ("B", 1, 1)):
        rows.append(I(f"SWP{sfx}", f"cond:4 0001 0 {b} 00 rn:4 rt:4 0000 1001 rt2:4",
                      tags=["swp", "mem"], weight=0.5, mem=Mem("rn", str(n), "0", align=n),
                      unpredictable=["rn == rt", "rn == rt2"]))
    return rows


DESCS = (_dp() + MUL + MEDIA + PARALLEL + MISC + _ldst() + LDM + _excl() + vfp.descs("cond:4")
         + vfp_arith.descs("cond:4") + neon.descs("a32"))

TABLE = Table("a32", 32, DESCS, DEFAULTS, HELPERS)
