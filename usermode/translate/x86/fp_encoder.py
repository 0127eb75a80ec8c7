"""SSE/SSE4.1 (and VEX FMA3) instruction forms for the floating-point code
generator, built from the combinators of encoder.py, kept in FP_FORMS and added to
`Assembler` as methods (encoder.FORMS stays the integer table).

Form names follow encoder.py: ``ADDSS_xx`` (xmm, xmm), ``ADDSS_xm`` (xmm,
memory), ``MOVD_rx`` (32-bit GPR <- xmm), ``CVTTSD2SI32_rx`` (32-bit result)
and ``CVTTSD2SI_rx`` (64-bit result), ``ROUNDSD_xxi`` (xmm, xmm, imm8).
Letters: x = xmm register (0..15), r = general register, m = `Mem`, i = imm8.
Importing this module registers the forms; the tests cross-check every form
against keystone.

Usage::

    from usermode.translate.x86.encoder import Assembler, RAX, RBP, mem
    from usermode.translate.x86.fp_encoder import XMM0, XMM1
    a = Assembler()
    a.MOVSS_xm(XMM0, mem(RBP, 200))     # movss xmm0, dword ptr [rbp + 200]
    a.ADDSS_xx(XMM0, XMM1)              # addss xmm0, xmm1
    a.MOVD_rx(RAX, XMM0)                # movd eax, xmm0
"""
from __future__ import annotations

TYPE_CHECKING = False           # typing only for annotations: importing it costs start-up time
if TYPE_CHECKING:
    from typing import Callable

from .encoder import (REX_W, EncodeError, FormTable, Mem, _check_reg, _modrm_mem, ext,
                      i8, op, prefix, reg, rm)

XMM0, XMM1, XMM2, XMM3, XMM4, XMM5, XMM6, XMM7 = range(8)
XMM8, XMM9, XMM10, XMM11, XMM12, XMM13, XMM14, XMM15 = range(8, 16)

# ---------------------------------------------------------------- tables
# scalar arithmetic: name -> opcode after 0F (F3 = single, F2 = double)
SCALAR_ARITH = {"ADD": 0x58, "MUL": 0x59, "SUB": 0x5C, "MIN": 0x5D, "DIV": 0x5E, "MAX": 0x5F,
                "SQRT": 0x51}
# packed logic on the low lanes (no prefix = PS, 66 = PD)
PACKED_LOGIC = {"AND": 0x54, "ANDN": 0x55, "OR": 0x56, "XOR": 0x57}
# conversions between float and integer: (name, prefix, opcode); the GPR is the
# 32-bit (NAME32) or 64-bit (NAME, REX.W) operand
INT_CONVERSIONS = [("CVTTSS2SI", 0xF3, 0x2C), ("CVTSS2SI", 0xF3, 0x2D),
                   ("CVTTSD2SI", 0xF2, 0x2C), ("CVTSD2SI", 0xF2, 0x2D)]
INT_TO_FLOAT = [("CVTSI2SS", 0xF3), ("CVTSI2SD", 0xF2)]
# ROUNDSS/ROUNDSD imm8: bits 1:0 the mode, bit 2 use MXCSR.RC, bit 3 suppress inexact
ROUND_NEAREST, ROUND_DOWN, ROUND_UP, ROUND_ZERO, ROUND_MXCSR, ROUND_NOINEXACT = 0, 1, 2, 3, 4, 8
# CMPSS/CMPSD predicates
CMP_EQ, CMP_LT, CMP_LE, CMP_UNORD, CMP_NEQ, CMP_NLT, CMP_NLE, CMP_ORD = range(8)

FP_FORMS = FormTable()                 # built on first use (see encoder.FormTable)


_def = FP_FORMS.add_insn        # _def(NAME, *parts): the insn() form NAME of parts


def _xx_xm(name: str, *parts) -> None:
    """NAME_xx and NAME_xm: xmm destination (ModRM.reg), xmm or memory source."""
    _def(f"{name}_xx", *parts, reg(0), rm(1))
    _def(f"{name}_xm", *parts, reg(0), rm(1))


# =================================================================== forms
for _n, _o in SCALAR_ARITH.items():
    _xx_xm(f"{_n}SS", prefix(0xF3), op(0x0F, _o))
    _xx_xm(f"{_n}SD", prefix(0xF2), op(0x0F, _o))
for _n, _o in PACKED_LOGIC.items():
    _xx_xm(f"{_n}PS", op(0x0F, _o))
    _xx_xm(f"{_n}PD", prefix(0x66), op(0x0F, _o))

_xx_xm("UCOMISS", op(0x0F, 0x2E))
_xx_xm("UCOMISD", prefix(0x66), op(0x0F, 0x2E))
_xx_xm("COMISS", op(0x0F, 0x2F))
_xx_xm("COMISD", prefix(0x66), op(0x0F, 0x2F))
_xx_xm("CVTSS2SD", prefix(0xF3), op(0x0F, 0x5A))
_xx_xm("CVTSD2SS", prefix(0xF2), op(0x0F, 0x5A))

# moves
_def("MOVSS_xm", prefix(0xF3), op(0x0F, 0x10), reg(0), rm(1))    # upper lanes zeroed
_def("MOVSS_mx", prefix(0xF3), op(0x0F, 0x11), rm(0), reg(1))
_def("MOVSD_xm", prefix(0xF2), op(0x0F, 0x10), reg(0), rm(1))
_def("MOVSD_mx", prefix(0xF2), op(0x0F, 0x11), rm(0), reg(1))
_def("MOVAPS_xx", op(0x0F, 0x28), reg(0), rm(1))
_def("MOVD_xr", prefix(0x66), op(0x0F, 0x6E), reg(0), rm(1))      # xmm <- r32
_def("MOVD_rx", prefix(0x66), op(0x0F, 0x7E), rm(0), reg(1))      # r32 <- xmm
_def("MOVQ_xr", prefix(0x66), REX_W, op(0x0F, 0x6E), reg(0), rm(1))
_def("MOVQ_rx", prefix(0x66), REX_W, op(0x0F, 0x7E), rm(0), reg(1))

# float -> integer (r = destination GPR), integer -> float (r = source GPR)
for _n, _p, _o in INT_CONVERSIONS:
    for _sfx, _w in (("", (REX_W,)), ("32", ())):
        _def(f"{_n}{_sfx}_rx", prefix(_p), *_w, op(0x0F, _o), reg(0), rm(1))
        _def(f"{_n}{_sfx}_rm", prefix(_p), *_w, op(0x0F, _o), reg(0), rm(1))
for _n, _p in INT_TO_FLOAT:
    for _sfx, _w in (("", (REX_W,)), ("32", ())):
        _def(f"{_n}{_sfx}_xr", prefix(_p), *_w, op(0x0F, 0x2A), reg(0), rm(1))

# SSE4.1 round to integral, compares with a predicate
_def("ROUNDSS_xxi", prefix(0x66), op(0x0F, 0x3A, 0x0A), reg(0), rm(1), i8(2))
_def("ROUNDSS_xmi", prefix(0x66), op(0x0F, 0x3A, 0x0A), reg(0), rm(1), i8(2))
_def("ROUNDSD_xxi", prefix(0x66), op(0x0F, 0x3A, 0x0B), reg(0), rm(1), i8(2))
_def("ROUNDSD_xmi", prefix(0x66), op(0x0F, 0x3A, 0x0B), reg(0), rm(1), i8(2))
_def("CMPSS_xxi", prefix(0xF3), op(0x0F, 0xC2), reg(0), rm(1), i8(2))
_def("CMPSD_xxi", prefix(0xF2), op(0x0F, 0xC2), reg(0), rm(1), i8(2))

# MXCSR
_def("LDMXCSR_m", op(0x0F, 0xAE), ext(2), rm(0))
_def("STMXCSR_m", op(0x0F, 0xAE), ext(3), rm(0))


# ------------------------------------------------------------ VEX (FMA3)
def vex3(mmmmm: int, pp: int, w: int, opcode: int) -> Callable[..., bytes]:
    """A three-operand VEX.LIG form: NAME(dst, src1, src2) with dst in ModRM.reg,
    src1 in VEX.vvvv and src2 (xmm or Mem) in ModRM.rm."""
    def encode(d, s1, s2) -> bytes:
        d, s1 = _check_reg(d), _check_reg(s1)
        if isinstance(s2, Mem):
            modrm, rexbits = _modrm_mem(d & 7, s2)
            x, b = bool(rexbits & 2), bool(rexbits & 1)
        else:
            s2 = _check_reg(s2)
            modrm, x, b = bytes([0xC0 | (d & 7) << 3 | s2 & 7]), False, bool(s2 & 8)
        r = bool(d & 8)
        byte1 = (0 if r else 0x80) | (0 if x else 0x40) | (0 if b else 0x20) | mmmmm
        byte2 = w << 7 | (~s1 & 15) << 3 | pp
        return bytes([0xC4, byte1, byte2, opcode]) + modrm
    encode.nargs = 3
    return encode


# vfmadd231ss/sd x1, x2, x3/m: x1 = x2 * x3 + x1 (VEX.66.0F38 B9, W0 single / W1 double)
FP_FORMS.add("VFMADD231SS_xxx", vex3, 2, 1, 0, 0xB9)
FP_FORMS.add("VFMADD231SS_xxm", vex3, 2, 1, 0, 0xB9)
FP_FORMS.add("VFMADD231SD_xxx", vex3, 2, 1, 1, 0xB9)
FP_FORMS.add("VFMADD231SD_xxm", vex3, 2, 1, 1, 0xB9)

FP_FORMS.install_lazy()
__getattr__ = FP_FORMS.attr    # fp_encoder.ADDSS_xx: the form, built now if not used yet
__all__ = [n for n in globals() if n.startswith("XMM") or n.isupper()] + list(FP_FORMS)
__all__ = sorted(set(__all__) - {"EncodeError"})
