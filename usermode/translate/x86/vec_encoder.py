"""Packed SSE2/SSSE3/SSE4.1 instruction forms for the vector (gvec) code
generator, built from encoder.py's combinators on first use, kept in VEC_FORMS
and added to `Assembler` as methods (encoder.FORMS and fp_encoder.FP_FORMS stay
as they are).

Form names follow encoder.py/fp_encoder.py: ``PADDB_xx`` (xmm, xmm),
``PADDB_xm`` (xmm, m128), ``PSLLW_xi`` (xmm, imm8 shift), ``PSHUFD_xxi``
(xmm, xmm, imm8), ``PEXTRB_rxi`` (r32, xmm, imm8), ``MOVDQU_xm``/``MOVDQU_mx``,
``MOVQ_xm``/``MOVQ_mx`` (64-bit loads/stores, the load zeroes the upper half).
Letters: x = xmm register, r = general register, m = `Mem`, i = imm8.  The
mnemonic of every form is its name before the underscore, lower case; the
tests cross-check each form against keystone.

Legacy-SSE memory operands of packed arithmetic must be 16-byte aligned: the
code generator only uses the ``_xm`` arithmetic forms on aligned data.

Usage::

    from usermode.translate.x86.encoder import Assembler, RBP, mem
    from usermode.translate.x86.vec_encoder import XMM0, XMM1
    a = Assembler()
    a.MOVDQU_xm(XMM0, mem(RBP, 200))    # movdqu xmm0, [rbp + 200]
    a.PADDW_xx(XMM0, XMM1)              # paddw xmm0, xmm1
    a.MOVQ_mx(mem(RBP, 200), XMM0)      # movq [rbp + 200], xmm0
"""
from __future__ import annotations

TYPE_CHECKING = False           # typing only for annotations: importing it costs start-up time
if TYPE_CHECKING:
    from typing import Callable

from .encoder import REX_W, FormTable, ext, i8, insn, op, prefix, reg, rm
from .fp_encoder import vex3

XMM0, XMM1, XMM2, XMM3, XMM4, XMM5, XMM6, XMM7 = range(8)
XMM8, XMM9, XMM10, XMM11, XMM12, XMM13, XMM14, XMM15 = range(8, 16)

# ---------------------------------------------------------------- tables
# xmm, xmm/m128 forms: name -> (mandatory prefix or None, opcode bytes after it)
P66, PF2, PF3 = 0x66, 0xF2, 0xF3
XX_OPS = {
    # SSE2 integer
    "PADDB": (P66, 0x0F, 0xFC), "PADDW": (P66, 0x0F, 0xFD), "PADDD": (P66, 0x0F, 0xFE),
    "PADDQ": (P66, 0x0F, 0xD4), "PSUBB": (P66, 0x0F, 0xF8), "PSUBW": (P66, 0x0F, 0xF9),
    "PSUBD": (P66, 0x0F, 0xFA), "PSUBQ": (P66, 0x0F, 0xFB),
    "PADDSB": (P66, 0x0F, 0xEC), "PADDSW": (P66, 0x0F, 0xED),
    "PADDUSB": (P66, 0x0F, 0xDC), "PADDUSW": (P66, 0x0F, 0xDD),
    "PSUBSB": (P66, 0x0F, 0xE8), "PSUBSW": (P66, 0x0F, 0xE9),
    "PSUBUSB": (P66, 0x0F, 0xD8), "PSUBUSW": (P66, 0x0F, 0xD9),
    "PMULLW": (P66, 0x0F, 0xD5), "PMULHW": (P66, 0x0F, 0xE5), "PMULHUW": (P66, 0x0F, 0xE4),
    "PMULUDQ": (P66, 0x0F, 0xF4), "PMADDWD": (P66, 0x0F, 0xF5),
    "PAVGB": (P66, 0x0F, 0xE0), "PAVGW": (P66, 0x0F, 0xE3),
    "PMINUB": (P66, 0x0F, 0xDA), "PMAXUB": (P66, 0x0F, 0xDE),
    "PMINSW": (P66, 0x0F, 0xEA), "PMAXSW": (P66, 0x0F, 0xEE),
    "PSADBW": (P66, 0x0F, 0xF6),
    "PAND": (P66, 0x0F, 0xDB), "PANDN": (P66, 0x0F, 0xDF), "POR": (P66, 0x0F, 0xEB),
    "PXOR": (P66, 0x0F, 0xEF),
    "PCMPEQB": (P66, 0x0F, 0x74), "PCMPEQW": (P66, 0x0F, 0x75), "PCMPEQD": (P66, 0x0F, 0x76),
    "PCMPGTB": (P66, 0x0F, 0x64), "PCMPGTW": (P66, 0x0F, 0x65), "PCMPGTD": (P66, 0x0F, 0x66),
    "PSLLW": (P66, 0x0F, 0xF1), "PSLLD": (P66, 0x0F, 0xF2), "PSLLQ": (P66, 0x0F, 0xF3),
    "PSRLW": (P66, 0x0F, 0xD1), "PSRLD": (P66, 0x0F, 0xD2), "PSRLQ": (P66, 0x0F, 0xD3),
    "PSRAW": (P66, 0x0F, 0xE1), "PSRAD": (P66, 0x0F, 0xE2),
    "PACKSSWB": (P66, 0x0F, 0x63), "PACKSSDW": (P66, 0x0F, 0x6B),
    "PACKUSWB": (P66, 0x0F, 0x67),
    "PUNPCKLBW": (P66, 0x0F, 0x60), "PUNPCKLWD": (P66, 0x0F, 0x61),
    "PUNPCKLDQ": (P66, 0x0F, 0x62), "PUNPCKLQDQ": (P66, 0x0F, 0x6C),
    "PUNPCKHBW": (P66, 0x0F, 0x68), "PUNPCKHWD": (P66, 0x0F, 0x69),
    "PUNPCKHDQ": (P66, 0x0F, 0x6A), "PUNPCKHQDQ": (P66, 0x0F, 0x6D),
    "MOVDQA": (P66, 0x0F, 0x6F),
    # SSSE3
    "PSHUFB": (P66, 0x0F, 0x38, 0x00), "PHADDW": (P66, 0x0F, 0x38, 0x01),
    "PHADDD": (P66, 0x0F, 0x38, 0x02), "PMADDUBSW": (P66, 0x0F, 0x38, 0x04),
    "PSIGNB": (P66, 0x0F, 0x38, 0x08), "PSIGNW": (P66, 0x0F, 0x38, 0x09),
    "PSIGND": (P66, 0x0F, 0x38, 0x0A), "PMULHRSW": (P66, 0x0F, 0x38, 0x0B),
    "PABSB": (P66, 0x0F, 0x38, 0x1C), "PABSW": (P66, 0x0F, 0x38, 0x1D),
    "PABSD": (P66, 0x0F, 0x38, 0x1E),
    # SSE4.1
    "PMULDQ": (P66, 0x0F, 0x38, 0x28), "PCMPEQQ": (P66, 0x0F, 0x38, 0x29),
    "PACKUSDW": (P66, 0x0F, 0x38, 0x2B), "PMULLD": (P66, 0x0F, 0x38, 0x40),
    "PMINSB": (P66, 0x0F, 0x38, 0x38), "PMINSD": (P66, 0x0F, 0x38, 0x39),
    "PMINUW": (P66, 0x0F, 0x38, 0x3A), "PMINUD": (P66, 0x0F, 0x38, 0x3B),
    "PMAXSB": (P66, 0x0F, 0x38, 0x3C), "PMAXSD": (P66, 0x0F, 0x38, 0x3D),
    "PMAXUW": (P66, 0x0F, 0x38, 0x3E), "PMAXUD": (P66, 0x0F, 0x38, 0x3F),
    "PTEST": (P66, 0x0F, 0x38, 0x17),
    "PMOVSXBW": (P66, 0x0F, 0x38, 0x20), "PMOVSXWD": (P66, 0x0F, 0x38, 0x23),
    "PMOVSXDQ": (P66, 0x0F, 0x38, 0x25), "PMOVZXBW": (P66, 0x0F, 0x38, 0x30),
    "PMOVZXWD": (P66, 0x0F, 0x38, 0x33), "PMOVZXDQ": (P66, 0x0F, 0x38, 0x35),
    "PBLENDVB": (P66, 0x0F, 0x38, 0x10),            # implicit mask: xmm0
    "BLENDVPS": (P66, 0x0F, 0x38, 0x14), "BLENDVPD": (P66, 0x0F, 0x38, 0x15),   # mask: xmm0
    # packed single precision
    "ADDPS": (None, 0x0F, 0x58), "MULPS": (None, 0x0F, 0x59), "SUBPS": (None, 0x0F, 0x5C),
    "MINPS": (None, 0x0F, 0x5D), "DIVPS": (None, 0x0F, 0x5E), "MAXPS": (None, 0x0F, 0x5F),
    "SQRTPS": (None, 0x0F, 0x51), "RCPPS": (None, 0x0F, 0x53),
    "CVTDQ2PS": (None, 0x0F, 0x5B), "CVTTPS2DQ": (PF3, 0x0F, 0x5B),
    "CVTPS2DQ": (P66, 0x0F, 0x5B), "MOVUPS": (None, 0x0F, 0x10),
}
# shifts by immediate: name -> (opcode after 66 0F, /digit)
SHIFT_IMM = {"PSRLW": (0x71, 2), "PSRAW": (0x71, 4), "PSLLW": (0x71, 6),
             "PSRLD": (0x72, 2), "PSRAD": (0x72, 4), "PSLLD": (0x72, 6),
             "PSRLQ": (0x73, 2), "PSRLDQ": (0x73, 3), "PSLLQ": (0x73, 6), "PSLLDQ": (0x73, 7)}
# xmm, xmm/m, imm8 forms: name -> (prefix, opcode bytes)
XXI_OPS = {"PSHUFD": (P66, 0x0F, 0x70), "PSHUFLW": (PF2, 0x0F, 0x70),
           "PSHUFHW": (PF3, 0x0F, 0x70), "PALIGNR": (P66, 0x0F, 0x3A, 0x0F),
           "PBLENDW": (P66, 0x0F, 0x3A, 0x0E), "CMPPS": (None, 0x0F, 0xC2),
           "SHUFPS": (None, 0x0F, 0xC6), "ROUNDPS": (P66, 0x0F, 0x3A, 0x08)}
# float compare predicates (CMPPS imm8)
CMP_EQ_OQ, CMP_LT_OS, CMP_LE_OS, CMP_UNORD_Q, CMP_NEQ_UQ, CMP_NLT_US, CMP_NLE_US, \
    CMP_ORD_Q = range(8)

VEC_FORMS = FormTable()                # built on first use (see encoder.FormTable)


_def = VEC_FORMS.add_insn       # _def(NAME, *parts): the insn() form NAME of parts


def _parts(pfx, opc):
    return ((prefix(pfx),) if pfx is not None else ()) + (op(*opc),)


def _xx(pfx, opc) -> Callable[..., bytes]:
    """An XX_OPS form: xmm, xmm/m128."""
    return insn(*_parts(pfx, opc), reg(0), rm(1))


def _xi(opc: int, digit: int) -> Callable[..., bytes]:
    """A SHIFT_IMM form: xmm, imm8."""
    return insn(prefix(P66), op(0x0F, opc), ext(digit), rm(0), i8(1))


def _xxi(pfx, opc) -> Callable[..., bytes]:
    """An XXI_OPS form: xmm, xmm/m128, imm8."""
    return insn(*_parts(pfx, opc), reg(0), rm(1), i8(2))


# =================================================================== forms
for _n, (_p, *_o) in XX_OPS.items():
    VEC_FORMS.add(f"{_n}_xx", _xx, _p, _o)
    VEC_FORMS.add(f"{_n}_xm", _xx, _p, _o)
for _n, (_o, _d) in SHIFT_IMM.items():
    VEC_FORMS.add(f"{_n}_xi", _xi, _o, _d)
for _n, (_p, *_o) in XXI_OPS.items():
    VEC_FORMS.add(f"{_n}_xxi", _xxi, _p, _o)
    VEC_FORMS.add(f"{_n}_xmi", _xxi, _p, _o)

# moves between xmm and memory / general registers
_def("MOVDQU_xm", prefix(PF3), op(0x0F, 0x6F), reg(0), rm(1))
_def("MOVDQU_mx", prefix(PF3), op(0x0F, 0x7F), rm(0), reg(1))
_def("MOVDQA_mx", prefix(P66), op(0x0F, 0x7F), rm(0), reg(1))
_def("MOVQ_xm", prefix(PF3), op(0x0F, 0x7E), reg(0), rm(1))       # upper half zeroed
_def("MOVQ_mx", prefix(P66), op(0x0F, 0xD6), rm(0), reg(1))
_def("MOVQ_xx", prefix(PF3), op(0x0F, 0x7E), reg(0), rm(1))       # upper half zeroed
_def("MOVD_xm", prefix(P66), op(0x0F, 0x6E), reg(0), rm(1))       # upper lanes zeroed
_def("MOVD_mx", prefix(P66), op(0x0F, 0x7E), rm(0), reg(1))
_def("MOVHPS_xm", op(0x0F, 0x16), reg(0), rm(1))                  # upper half <- m64
_def("MOVHPS_mx", op(0x0F, 0x17), rm(0), reg(1))                  # m64 <- upper half
_def("PMOVMSKB_rx", prefix(P66), op(0x0F, 0xD7), reg(0), rm(1))
_def("MOVMSKPS_rx", op(0x0F, 0x50), reg(0), rm(1))
_def("MOVMSKPD_rx", prefix(P66), op(0x0F, 0x50), reg(0), rm(1))
# lane inserts/extracts (SSE4.1; PINSRW/PEXTRW are SSE2): r32 forms
_def("PINSRB_xri", prefix(P66), op(0x0F, 0x3A, 0x20), reg(0), rm(1), i8(2))
_def("PINSRW_xri", prefix(P66), op(0x0F, 0xC4), reg(0), rm(1), i8(2))
_def("PINSRD_xri", prefix(P66), op(0x0F, 0x3A, 0x22), reg(0), rm(1), i8(2))
_def("PINSRQ_xri", prefix(P66), REX_W, op(0x0F, 0x3A, 0x22), reg(0), rm(1), i8(2))
_def("PEXTRB_rxi", prefix(P66), op(0x0F, 0x3A, 0x14), rm(0), reg(1), i8(2))
_def("PEXTRW_rxi", prefix(P66), op(0x0F, 0xC5), reg(0), rm(1), i8(2))
_def("PEXTRD_rxi", prefix(P66), op(0x0F, 0x3A, 0x16), rm(0), reg(1), i8(2))
_def("PEXTRQ_rxi", prefix(P66), REX_W, op(0x0F, 0x3A, 0x16), rm(0), reg(1), i8(2))

# VEX FMA3, packed single: vfmadd231ps x1, x2, x3/m128 (x1 = x2 * x3 + x1), 128-bit
VEC_FORMS.add("VFMADD231PS_xxx", vex3, 2, 1, 0, 0xB8)

VEC_FORMS.install_lazy()
__getattr__ = VEC_FORMS.attr   # vec_encoder.PADDB_xx: the form, built now if not used yet
__all__ = sorted(set([n for n in globals() if n.startswith("XMM") or n.startswith("CMP_")]
                     + list(VEC_FORMS)))
