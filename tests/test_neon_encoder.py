"""Cross-check of the packed SSE forms (x86/vec_encoder.py) against keystone.

Every form in VEC_FORMS is encoded with registers in every position (all 16
xmm registers, general registers for the r-forms), memory operands with the
awkward bases (rsp/r12 need a SIB byte, rbp/r13 a displacement) and imm8
values; keystone assembles the same instruction written in Intel syntax and
the bytes must be identical.
"""
import itertools

import pytest

keystone = pytest.importorskip("keystone", reason="keystone-engine is needed to cross-check")

from usermode.translate.x86 import vec_encoder as V
from usermode.translate.x86.encoder import R12, R13, RAX, RBP, RSP, REG_NAMES32, REG_NAMES64, mem

KS = keystone.Ks(keystone.KS_ARCH_X86, keystone.KS_MODE_64)
MEMS = [mem(RBP, 0x1b8), mem(RSP, 8), mem(R12, 0), mem(R13, -0x40), mem(RAX, 0x12345, R12, 8)]
# operand kinds by the letters after the underscore; the memory width keystone wants
MEM_PTR = {"MOVQ": "qword ptr ", "MOVHPS": "qword ptr ", "MOVD": "dword ptr "}


def _mem_text(m, name):
    s = REG_NAMES64[m.base]
    if m.index is not None:
        s += f" + {REG_NAMES64[m.index]}*{m.scale}"
    if m.disp:
        s += f" {'-' if m.disp < 0 else '+'} {abs(m.disp):#x}"
    ptr = MEM_PTR.get(name, "xmmword ptr ")
    if name.startswith("PMOV") and name[4:6] in ("SX", "ZX"):
        ptr = "qword ptr "
    return f"{ptr}[{s}]"


def _operands(name, letters):
    lists = []
    for k, ch in enumerate(letters):
        if ch == "x":
            lists.append([("x", r) for r in (0, 1, 7, 8, 15)])
        elif ch == "r":
            lists.append([("r", r) for r in (0, 4, 5, 8, 13)])
        elif ch == "m":
            lists.append([("m", m) for m in MEMS])
        else:
            lists.append([("i", v) for v in (0, 1, 0x7F, 0xFF)])
    return itertools.product(*lists)


def _text(kind, v, name):
    if kind == "x":
        return f"xmm{v}"
    if kind == "r":
        return (REG_NAMES64 if name.endswith("Q") else REG_NAMES32)[v]
    if kind == "m":
        return _mem_text(v, name)
    return hex(v)


@pytest.mark.parametrize("form", sorted(V.VEC_FORMS))
def test_form_matches_keystone(form):
    name, letters = form.rsplit("_", 1)
    fn = V.VEC_FORMS[form]
    for ops in _operands(name, letters):
        if name in ("PSHUFD", "PSHUFLW", "PSHUFHW") and ops[-1][1] not in (0, 0x1B):
            continue
        args = [v for _, v in ops]
        mnem = name.lower()
        text = ", ".join(_text(k, v, name) for k, v in ops)
        if name in ("PBLENDVB", "BLENDVPS", "BLENDVPD"):
            text += ", xmm0"
        want = bytes(KS.asm(f"{mnem} {text}")[0])
        got = fn(*args)
        assert got == want, f"{mnem} {text}: got {got.hex()} want {want.hex()}"
