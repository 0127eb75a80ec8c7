"""T32 (32-bit Thumb-2) instruction descriptions for the risu generator.

Diagrams are 32 bits, first halfword in bits 31:16 (as the decoder's T32
table).  Register fields default to ``RT`` (r0-r12, r14): in T32 SP and PC
are UNPREDICTABLE for almost every operand ("BadReg"); the forms that do
allow SP (ADD/SUB SP, CMP/CMN, MOV.W, loads of a word, LDM/STM base) say so
explicitly.  Written from the ARM ARM's T32 encoding tables and their
"if ... then UNPREDICTABLE" lines, as a32.py.

Not generated: branches (B, BL, BLX, TBB/TBH, CBZ are T16), SVC/UDF/SMC,
CPS, coprocessor instructions other than VFP, SUBS PC, LR.

Usage::

    from usermode.risu.arm.t32 import TABLE
    TABLE.by_name["CLZ"].spec
"""
from __future__ import annotations

from ..describe import I, Mem, Same, Table
from .fields import HELPERS, R, REGLIST, RPC, RT
from . import neon, vfp, vfp_arith

DEFAULTS = {"rd": RT, "rn": RT, "rm": RT, "rs": RT, "rt": RT, "ra": RT, "rdlo": RT,
            "rdhi": RT, "rt2": RT, "list": REGLIST}
WB = "w"
MODIMM = "i:1 0"   # the i bit, then the 0 that selects modified immediates


def _dp():
    rows = []
    # modified immediate: 11110 i 0 op S Rn 0 imm3 Rd imm8 / shifted register: 1110101 op S Rn 0 imm3 Rd imm2 type Rm
    for name, op in [("AND", "0000"), ("BIC", "0001"), ("ORR", "0010"), ("ORN", "0011"),
                     ("EOR", "0100"), ("ADD", "1000"), ("ADC", "1010"), ("SBC", "1011"),
                     ("SUB", "1101"), ("RSB", "1110")]:
        rows += [
            I(f"{name}_imm", f"11110 i:1 0 {op} s:1 rn:4 0 imm3:3 rd:4 imm8:8", tags=["dp"]),
            I(f"{name}_reg", f"11101 01 {op} s:1 rn:4 0 imm3:3 rd:4 imm2:2 type:2 rm:4", tags=["dp"]),
        ]
    for name, op in [("TST", "0000"), ("TEQ", "0100"), ("CMN", "1000"), ("CMP", "1101")]:
        sp = name in ("CMN", "CMP")                   # n == 15 only is UNPREDICTABLE
        rows += [
            I(f"{name}_imm", f"11110 i:1 0 {op} 1 rn:4 0 imm3:3 1111 imm8:8", tags=["dp"],
              **({"rn": R} if sp else {})),
            I(f"{name}_reg", f"11101 01 {op} 1 rn:4 0 imm3:3 1111 imm2:2 type:2 rm:4", tags=["dp"],
              **({"rn": R} if sp else {})),
        ]
    for name, op in [("MOV", "0010"), ("MVN", "0011")]:
        rows += [
            I(f"{name}_imm", f"11110 i:1 0 {op} s:1 1111 0 imm3:3 rd:4 imm8:8", tags=["dp"]),
            I(f"{name}_reg", f"11101 01 {op} s:1 1111 0 imm3:3 rd:4 imm2:2 type:2 rm:4", tags=["dp"]),
        ]
    rows += [
        # MOV.W Rd, Rm (no shift, no S): SP allowed, but not both SP
        I("MOV_w", "11101 01 0010 0 1111 0000 rd:4 0000 rm:4", rd=R, rm=R, tags=["dp"],
          unpredictable=["rd == 13 and rm == 13"]),
        # SP plus/minus immediate and register (d == 15 is CMP/CMN or UNPREDICTABLE)
        I("ADD_sp_imm", "11110 i:1 0 1000 s:1 1101 0 imm3:3 rd:4 imm8:8", rd=R, tags=["dp"]),
        I("SUB_sp_imm", "11110 i:1 0 1101 s:1 1101 0 imm3:3 rd:4 imm8:8", rd=R, tags=["dp"]),
        I("ADDW_sp", "11110 i:1 1 0000 0 1101 0 imm3:3 rd:4 imm8:8", rd=R, tags=["dp"]),
        I("SUBW_sp", "11110 i:1 1 0101 0 1101 0 imm3:3 rd:4 imm8:8", rd=R, tags=["dp"]),
        I("ADD_sp_reg", "11101 01 1000 s:1 1101 0 imm3:3 rd:4 imm2:2 type:2 rm:4", rd=R, tags=["dp"],
          unpredictable=["rd == 13 and (type != 0 or imm3 * 4 + imm2 > 3)"]),
        I("SUB_sp_reg", "11101 01 1101 s:1 1101 0 imm3:3 rd:4 imm2:2 type:2 rm:4", rd=R, tags=["dp"],
          unpredictable=["rd == 13 and (type != 0 or imm3 * 4 + imm2 > 3)"]),
        # plain binary immediates (Rn = 15: ADR)
        I("ADDW", "11110 i:1 1 0000 0 rn:4 0 imm3:3 rd:4 imm8:8", tags=["dp"]),
        I("SUBW", "11110 i:1 1 0101 0 rn:4 0 imm3:3 rd:4 imm8:8", tags=["dp"]),
        I("ADR_add", "11110 i:1 1 0000 0 1111 0 imm3:3 rd:4 imm8:8", tags=["dp"]),
        I("ADR_sub", "11110 i:1 1 0101 0 1111 0 imm3:3 rd:4 imm8:8", tags=["dp"]),
        I("MOVW", "11110 i:1 1 0010 0 imm4:4 0 imm3:3 rd:4 imm8:8", tags=["dp"]),
        I("MOVT", "11110 i:1 1 0110 0 imm4:4 0 imm3:3 rd:4 imm8:8", tags=["dp"]),
        # shifts by register: LSL LSR ASR ROR
        I("SHIFT_reg", "11111010 0 type:2 s:1 rn:4 1111 rd:4 0000 rm:4", tags=["dp"], weight=2),
    ]
    return rows


MUL = [I(name, spec, tags=["mul"], unpredictable=unp) for name, spec, unp in [
    ("MLA",     "11111011 0000 rn:4 ra:4 rd:4 0000 rm:4", []),
    ("MUL",     "11111011 0000 rn:4 1111 rd:4 0000 rm:4", []),
    ("MLS",     "11111011 0000 rn:4 ra:4 rd:4 0001 rm:4", []),
    ("SMLAxy",  "11111011 0001 rn:4 ra:4 rd:4 00 n:1 m:1 rm:4", []),
    ("SMULxy",  "11111011 0001 rn:4 1111 rd:4 00 n:1 m:1 rm:4", []),
    ("SMLAD",   "11111011 0010 rn:4 ra:4 rd:4 000 m:1 rm:4", []),
    ("SMUAD",   "11111011 0010 rn:4 1111 rd:4 000 m:1 rm:4", []),
    ("SMLAWy",  "11111011 0011 rn:4 ra:4 rd:4 000 m:1 rm:4", []),
    ("SMULWy",  "11111011 0011 rn:4 1111 rd:4 000 m:1 rm:4", []),
    ("SMLSD",   "11111011 0100 rn:4 ra:4 rd:4 000 m:1 rm:4", []),
    ("SMUSD",   "11111011 0100 rn:4 1111 rd:4 000 m:1 rm:4", []),
    ("SMMLA",   "11111011 0101 rn:4 ra:4 rd:4 000 r:1 rm:4", []),
    ("SMMUL",   "11111011 0101 rn:4 1111 rd:4 000 r:1 rm:4", []),
    ("SMMLS",   "11111011 0110 rn:4 ra:4 rd:4 000 r:1 rm:4", []),
    ("USADA8",  "11111011 0111 rn:4 ra:4 rd:4 0000 rm:4", []),
    ("USAD8",   "11111011 0111 rn:4 1111 rd:4 0000 rm:4", []),
    ("SMULL",   "11111011 1000 rn:4 rdlo:4 rdhi:4 0000 rm:4", ["rdlo == rdhi"]),
    ("SDIV",    "11111011 1001 rn:4 1111 rd:4 1111 rm:4", []),
    ("UMULL",   "11111011 1010 rn:4 rdlo:4 rdhi:4 0000 rm:4", ["rdlo == rdhi"]),
    ("UDIV",    "11111011 1011 rn:4 1111 rd:4 1111 rm:4", []),
    ("SMLAL",   "11111011 1100 rn:4 rdlo:4 rdhi:4 0000 rm:4", ["rdlo == rdhi"]),
    ("SMLALxy", "11111011 1100 rn:4 rdlo:4 rdhi:4 10 n:1 m:1 rm:4", ["rdlo == rdhi"]),
    ("SMLALD",  "11111011 1100 rn:4 rdlo:4 rdhi:4 110 m:1 rm:4", ["rdlo == rdhi"]),
    ("SMLSLD",  "11111011 1101 rn:4 rdlo:4 rdhi:4 110 m:1 rm:4", ["rdlo == rdhi"]),
    ("UMLAL",   "11111011 1110 rn:4 rdlo:4 rdhi:4 0000 rm:4", ["rdlo == rdhi"]),
    ("UMAAL",   "11111011 1110 rn:4 rdlo:4 rdhi:4 0110 rm:4", ["rdlo == rdhi"]),
]]

MEDIA = [I(name, spec, tags=[tag], unpredictable=unp, **kw) for name, spec, tag, unp, kw in [
    # saturate (sh = 1 with a zero shift is SSAT16/USAT16), bit fields (Rn = 15: BFC)
    ("SSAT",    "11110 0 11 00 sh:1 0 rn:4 0 imm3:3 rd:4 imm2:2 0 sat:5", "sat",
     [], {"unsafe": ["sh and imm3 == 0 and imm2 == 0"]}),
    ("SSAT16",  "11110 0 11 0010 rn:4 0000 rd:4 0000 sat:4", "sat", [], {}),
    ("USAT",    "11110 0 11 10 sh:1 0 rn:4 0 imm3:3 rd:4 imm2:2 0 sat:5", "sat",
     [], {"unsafe": ["sh and imm3 == 0 and imm2 == 0"]}),
    ("USAT16",  "11110 0 11 1010 rn:4 0000 rd:4 0000 sat:4", "sat", [], {}),
    ("SBFX",    "11110 0 11 0100 rn:4 0 imm3:3 rd:4 imm2:2 0 wm1:5", "bitf",
     ["imm3 * 4 + imm2 + wm1 > 31"], {}),
    ("UBFX",    "11110 0 11 1100 rn:4 0 imm3:3 rd:4 imm2:2 0 wm1:5", "bitf",
     ["imm3 * 4 + imm2 + wm1 > 31"], {}),
    ("BFI",     "11110 0 11 0110 rn:4 0 imm3:3 rd:4 imm2:2 0 msb:5", "bitf",
     ["msb < imm3 * 4 + imm2"], {}),
    ("BFC",     "11110 0 11 0110 1111 0 imm3:3 rd:4 imm2:2 0 msb:5", "bitf",
     ["msb < imm3 * 4 + imm2"], {}),
    ("PKH",     "11101 01 0110 0 rn:4 0 imm3:3 rd:4 imm2:2 tb:1 0 rm:4", "media", [], {}),
    # extends (Rn = 15: the non-accumulating form)
    ("SXTAH",   "11111010 0000 rn:4 1111 rd:4 10 rot:2 rm:4", "ext", [], {}),
    ("SXTH",    "11111010 0000 1111 1111 rd:4 10 rot:2 rm:4", "ext", [], {}),
    ("UXTAH",   "11111010 0001 rn:4 1111 rd:4 10 rot:2 rm:4", "ext", [], {}),
    ("UXTH",    "11111010 0001 1111 1111 rd:4 10 rot:2 rm:4", "ext", [], {}),
    ("SXTAB16", "11111010 0010 rn:4 1111 rd:4 10 rot:2 rm:4", "ext", [], {}),
    ("SXTB16",  "11111010 0010 1111 1111 rd:4 10 rot:2 rm:4", "ext", [], {}),
    ("UXTAB16", "11111010 0011 rn:4 1111 rd:4 10 rot:2 rm:4", "ext", [], {}),
    ("UXTB16",  "11111010 0011 1111 1111 rd:4 10 rot:2 rm:4", "ext", [], {}),
    ("SXTAB",   "11111010 0100 rn:4 1111 rd:4 10 rot:2 rm:4", "ext", [], {}),
    ("SXTB",    "11111010 0100 1111 1111 rd:4 10 rot:2 rm:4", "ext", [], {}),
    ("UXTAB",   "11111010 0101 rn:4 1111 rd:4 10 rot:2 rm:4", "ext", [], {}),
    ("UXTB",    "11111010 0101 1111 1111 rd:4 10 rot:2 rm:4", "ext", [], {}),
    # saturating add/subtract, reversal, SEL, CLZ (Rm twice: copies must agree)
    ("QADD",    "11111010 1000 rn:4 1111 rd:4 1000 rm:4", "sat", [], {}),
    ("QDADD",   "11111010 1000 rn:4 1111 rd:4 1001 rm:4", "sat", [], {}),
    ("QSUB",    "11111010 1000 rn:4 1111 rd:4 1010 rm:4", "sat", [], {}),
    ("QDSUB",   "11111010 1000 rn:4 1111 rd:4 1011 rm:4", "sat", [], {}),
    ("REV",     "11111010 1001 rmx:4 1111 rd:4 1000 rm:4", "media", [], {"rmx": Same("rm")}),
    ("REV16",   "11111010 1001 rmx:4 1111 rd:4 1001 rm:4", "media", [], {"rmx": Same("rm")}),
    ("RBIT",    "11111010 1001 rmx:4 1111 rd:4 1010 rm:4", "media", [], {"rmx": Same("rm")}),
    ("REVSH",   "11111010 1001 rmx:4 1111 rd:4 1011 rm:4", "media", [], {"rmx": Same("rm")}),
    ("SEL",     "11111010 1010 rn:4 1111 rd:4 1000 rm:4", "media", [], {}),
    ("CLZ",     "11111010 1011 rmx:4 1111 rd:4 1000 rm:4", "media", [], {"rmx": Same("rm")}),
]]

# parallel add/subtract: op1 001 ADD16, 010 ASX, 110 SAX, 101 SUB16, 000 ADD8, 100 SUB8;
# op2 000 S, 001 Q, 010 SH, 100 U, 101 UQ, 110 UH
PARALLEL = [I("PARALLEL", "11111010 1 op1:3 rn:4 1111 rd:4 0 op2:3 rm:4", tags=["par"],
              op1=(0, 1, 2, 4, 5, 6), op2=(0, 1, 2, 4, 5, 6), weight=6)]

MISC = [I(name, spec, tags=["misc"], **kw) for name, spec, kw in [
    ("MRS",     "1111 0011 1110 1111 1000 rd:4 0000 0000", {}),
    ("MSR_reg", "1111 0011 1000 rn:4 1000 mask:2 00 0000 0000", {"mask": (1, 2, 3)}),
    ("NOP_w",   "1111 0011 1010 1111 1000 0000 0000 0000", {"weight": 0.2}),
    ("YIELD_w", "1111 0011 1010 1111 1000 0000 0000 0001", {"weight": 0.2}),
    ("CLREX",   "1111 0011 1011 1111 1000 1111 0010 1111", {"weight": 0.2}),
    ("DSB",     "1111 0011 1011 1111 1000 1111 0100 opt:4", {"weight": 0.2}),
    ("DMB",     "1111 0011 1011 1111 1000 1111 0101 opt:4", {"weight": 0.2}),
    ("ISB",     "1111 0011 1011 1111 1000 1111 0110 opt:4", {"weight": 0.2}),
    # preload hints (never fault): imm12, negative imm8, register, literal
    ("PLD_imm12", "1111 1000 10 w:1 1 rn:4 1111 imm12:12", {"weight": 0.2}),
    ("PLD_imm8",  "1111 1000 00 w:1 1 rn:4 1111 1100 imm8:8", {"weight": 0.2}),
    ("PLD_reg",   "1111 1000 00 w:1 1 rn:4 1111 0000 00 imm2:2 rm:4", {"weight": 0.2}),
    ("PLD_lit",   "1111 1000 u:1 001 1111 1111 imm12:12", {"weight": 0.1}),
    ("PLI_imm12", "1111 1001 1001 rn:4 1111 imm12:12", {"weight": 0.1}),
    ("PLI_reg",   "1111 1001 0001 rn:4 1111 0000 00 imm2:2 rm:4", {"weight": 0.1}),
]]


def _ldst():
    """LDR/STR{B,H} and the signed loads: imm12, imm8 (indexed, negative,
    unprivileged), register (LSL #0-3), literal."""
    rows = []
    # (name, S bit, size bits, L, access size, Rt may be SP)
    forms = [("STRB", 0, "00", 0, 1, False), ("STRH", 0, "01", 0, 2, False),
             ("STR", 0, "10", 0, 4, True), ("LDRB", 0, "00", 1, 1, False),
             ("LDRH", 0, "01", 1, 2, False), ("LDR", 0, "10", 1, 4, True),
             ("LDRSB", 1, "00", 1, 1, False), ("LDRSH", 1, "01", 1, 2, False)]
    for name, s, sz, l, n, sp_ok in forms:
        rt = {"rt": R} if sp_ok else {}
        head = f"1111 100 {s}"
        rows += [
            I(f"{name}_imm12", f"{head} 1 {sz} {l} rn:4 rt:4 imm:12", tags=["mem"], weight=2,
              rn=R, mem=Mem("rn", str(n), "imm"), **rt),
            # 1 P U W imm8: P=1 U=1 W=0 is the unprivileged form (own row), P=0 W=0 UNDEFINED
            I(f"{name}_imm8", f"{head} 0 {sz} {l} rn:4 rt:4 1 p:1 u:1 w:1 imm:8", tags=["mem"],
              weight=2, rn=R, mem=Mem("rn", str(n), "(imm if u else -imm) if p else 0"),
              unpredictable=["w and rn == rt"],
              unsafe=["not p and not w", "p and u and not w"], **rt),
            # the unprivileged forms (LDRT...) never allow SP as Rt
            I(f"{name}T", f"{head} 0 {sz} {l} rn:4 rt:4 1110 imm:8", tags=["mem"], rn=R,
              mem=Mem("rn", str(n), "imm")),
            I(f"{name}_reg", f"{head} 0 {sz} {l} rn:4 rt:4 0000 00 imm2:2 rm:4", tags=["mem"],
              weight=2, rn=R, mem=Mem("rn", str(n), "shift(idx, 0, imm2)", index="rm"),
              unsafe=["rm == rn"], **rt),
        ]
        if l:
            rows.append(I(f"{name}_lit", f"{head} u:1 {sz} {l} 1111 rt:4 imm:12", tags=["mem"],
                          **rt))
    # dual: 1110 100 P U 1 W L (P=0 W=0 is the exclusive space); any Rt, Rt2 but SP/PC
    dual_off = "(4 * imm if u else -4 * imm) if p else 0"
    rows += [
        I("STRD", "1110 100 p:1 u:1 1 w:1 0 rn:4 rt:4 rt2:4 imm:8", tags=["mem"], weight=2, rn=R,
          mem=Mem("rn", "8", dual_off, align=4), unsafe=["not p and not w"],
          unpredictable=["w and (rn == rt or rn == rt2)"]),
        I("LDRD", "1110 100 p:1 u:1 1 w:1 1 rn:4 rt:4 rt2:4 imm:8", tags=["mem"], weight=2, rn=R,
          mem=Mem("rn", "8", dual_off, align=4), unsafe=["not p and not w"],
          unpredictable=["rt == rt2", "w and (rn == rt or rn == rt2)"]),
        I("LDRD_lit", "1110 100 1 u:1 1 0 1 1111 rt:4 rt2:4 imm:8", tags=["mem"],
          unpredictable=["rt == rt2"]),
    ]
    return rows


# LDM/STM: list bit 13 (SP) must be 0, bit 15 (PC) 0 for STM; at least two registers
LDM_OFF = "0 if u else -4 * popcount(list)"
LDM = [
    I("STM", "1110 100 p:1 u:1 0 w:1 0 rn:4 list:16", rn=R, tags=["ldm", "mem"], weight=3,
      mem=Mem("rn", "4 * popcount(list)", LDM_OFF, align=4),
      unsafe=["p == u"],                                      # other encodings (SRS, RFE)
      unpredictable=["popcount(list) < 2", "bit(list, 13) or bit(list, 15)",
                     "w and bit(list, rn)"]),
    I("LDM", "1110 100 p:1 u:1 0 w:1 1 rn:4 list:16", rn=R, tags=["ldm", "mem"], weight=3,
      mem=Mem("rn", "4 * popcount(list)", LDM_OFF, align=4),
      unsafe=["p == u", "bit(list, 15)"],                      # PC: a branch
      unpredictable=["popcount(list) < 2", "bit(list, 13)", "w and bit(list, rn)"]),
]


def _excl():
    rows = [
        I("LDREX", "1110 1000 0101 rn:4 rt:4 1111 imm:8", rn=R, tags=["excl", "mem"],
          mem=Mem("rn", "4", "4 * imm", align=4)),
        I("STREX", "1110 1000 0100 rn:4 rt:4 rd:4 imm:8", rn=R, tags=["excl", "mem"],
          mem=Mem("rn", "4", "4 * imm", align=4), unpredictable=["rd == rn", "rd == rt"]),
    ]
    # op3: 0100 B, 0101 H, 0111 D (exclusive); 1000 B, 1001 H, 1010 W (acquire/release);
    # 1100 B, 1101 H, 1110 W, 1111 D (acquire/release exclusive)
    for sfx, op, n in [("B", "0100", 1), ("H", "0101", 2), ("D", "0111", 8),
                       ("AEXB", "1100", 1), ("AEXH", "1101", 2), ("AEX", "1110", 4),
                       ("AEXD", "1111", 8), ("AB", "1000", 1), ("AH", "1001", 2), ("A", "1010", 4)]:
        m = Mem("rn", str(n), "0", align=n)
        dual = n == 8
        excl = not sfx.startswith("A") or "EX" in sfx
        lname = ("LDREX" + sfx) if not sfx.startswith("A") else "LD" + sfx
        sname = ("STREX" + sfx) if not sfx.startswith("A") else "ST" + sfx.replace("A", "L", 1)
        tag = "excl" if excl else "acq"
        if dual:
            rows.append(I(lname, f"1110 1000 1101 rn:4 rt:4 rt2:4 {op} 1111", rn=R, mem=m,
                          tags=[tag, "mem"], unpredictable=["rt == rt2"]))
            rows.append(I(sname, f"1110 1000 1100 rn:4 rt:4 rt2:4 {op} rd:4", rn=R, mem=m,
                          tags=[tag, "mem"], unpredictable=["rd in (rn, rt, rt2)"]))
        elif excl:
            rows.append(I(lname, f"1110 1000 1101 rn:4 rt:4 1111 {op} 1111", rn=R, mem=m,
                          tags=[tag, "mem"]))
            rows.append(I(sname, f"1110 1000 1100 rn:4 rt:4 1111 {op} rd:4", rn=R, mem=m,
                          tags=[tag, "mem"], unpredictable=["rd in (rn, rt)"]))
        else:
            rows.append(I(lname, f"1110 1000 1101 rn:4 rt:4 1111 {op} 1111", rn=R, mem=m,
                          tags=[tag, "mem"]))
            rows.append(I(sname, f"1110 1000 1100 rn:4 rt:4 1111 {op} 1111", rn=R, mem=m,
                          tags=[tag, "mem"]))
    return rows


DESCS = (_dp() + MUL + MEDIA + PARALLEL + MISC + _ldst() + LDM + _excl() + vfp.descs("1110", True)
         + vfp_arith.descs("1110") + neon.descs("t32"))

TABLE = Table("t32", 32, DESCS, DEFAULTS, HELPERS)
