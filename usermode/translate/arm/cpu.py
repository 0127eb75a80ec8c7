"""ARM32 CPU state, described as data.

Flags are kept as four words, as in QEMU, so every condition is one compare:
  NF: N is bit 31;  ZF: Z is set iff ZF == 0;  CF: 0 or 1;  VF: V is bit 31.
QF is the sticky saturation flag (0/1), GE holds the four GE bits in bits 0..3.
The architectural PC lives in the common header field ``pc``.  tb_flags carry
the execution state that selects a translation:

  bit 0        Thumb (T)
  bits 8..15   ITSTATE (CPSR IT[7:0]) at the start of the block

Usage::

    from usermode.translate.arm.cpu import LAYOUT, REG, FLAG_NF
    REG[0]              # IR Global of r0
    LAYOUT.offset("r", 13)
"""
from ..cpustate import Field, StateLayout

LAYOUT = StateLayout("arm", [
    Field("r", 4, count=15),      # r0..r14 (r15 is the header's pc)
    Field("NF", 4), Field("ZF", 4), Field("CF", 4), Field("VF", 4),
    Field("QF", 4), Field("GE", 4),
    Field("tpidruro", 4), Field("tpidrurw", 4),
    Field("excl_addr", 8),        # exclusive monitor: address, or -1 if none
    Field("excl_val", 8),         # value seen by LDREX (64 bits for LDREXD)
    Field("fpscr", 4), Field("fpexc", 4),
    Field("d", 8, count=32),      # VFP/NEON D0..D31 (S2n = low half of Dn)
    Field("scratch", 8, count=8), # for helpers
])

REG = [LAYOUT.glob("r", i) for i in range(15)]
FLAG_NF, FLAG_ZF, FLAG_CF, FLAG_VF = (LAYOUT.glob(n) for n in ("NF", "ZF", "CF", "VF"))
FLAG_QF, FLAG_GE = LAYOUT.glob("QF"), LAYOUT.glob("GE")
PC = LAYOUT.glob("pc")            # I64 in the header; ARM uses the low 32 bits
TB_FLAGS = LAYOUT.glob("tb_flags")
TPIDRURO, TPIDRURW = LAYOUT.glob("tpidruro"), LAYOUT.glob("tpidrurw")
EXCL_ADDR, EXCL_VAL = LAYOUT.glob("excl_addr"), LAYOUT.glob("excl_val")
FPSCR, FPEXC = LAYOUT.glob("fpscr"), LAYOUT.glob("fpexc")
DREG = [LAYOUT.glob("d", i) for i in range(32)]
EXCEPTION = LAYOUT.glob("exception")
EXC_ARG = LAYOUT.glob("exc_arg")
EXC_ARG2 = LAYOUT.glob("exc_arg2")

TBFLAG_THUMB = 1
TBFLAG_IT_SHIFT = 8


def reset_state(st) -> None:
    """Architectural reset values that are not zero."""
    st.set("excl_addr", (1 << 64) - 1)      # exclusive monitor open


def cpsr_read(st) -> int:
    """Assemble CPSR (user-visible bits) from a StateView."""
    nf, zf, cf, vf = st.get("NF"), st.get("ZF"), st.get("CF"), st.get("VF")
    v = (nf >> 31) << 31 | (zf == 0) << 30 | (cf & 1) << 29 | (vf >> 31) << 28
    v |= (st.get("QF") & 1) << 27 | (st.get("GE") & 0xF) << 16 | 0x10
    tf = st.get("tb_flags")
    it = (tf >> TBFLAG_IT_SHIFT) & 0xFF
    v |= (tf & TBFLAG_THUMB) << 5 | (it & 3) << 25 | (it >> 2) << 10
    return v


def cpsr_write_flags(st, v: int) -> None:
    st.set("NF", v & 0x80000000)
    st.set("ZF", 0 if v & 0x40000000 else 1)
    st.set("CF", (v >> 29) & 1)
    st.set("VF", v & 0x10000000 and 0x80000000)
    st.set("QF", (v >> 27) & 1)
    st.set("GE", (v >> 16) & 0xF)
