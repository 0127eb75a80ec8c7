"""Cross-checks of the x86-64 encoder against keystone (bytes) and capstone (text).

Every form is encoded for all 16 registers (in every register position), for
memory operands with every base register (rsp/r12 need a SIB byte, rbp/r13 a
displacement), disp 0/8/32 bits, index registers and scales, and for boundary
immediates.  The same instruction is written in Intel syntax and assembled by
keystone; the bytes must match exactly.  Where x86 has two encodings of one
instruction, keystone may pick the other one (e.g. `test rax, imm` -> A9,
`xchg rax, r` -> 90+r): for the forms listed in KNOWN_ALTERNATIVES the test
compares capstone's disassembly of both encodings instead, and it fails if a
form not on that list differs in bytes.
"""
import itertools

import pytest

keystone = pytest.importorskip("keystone", reason="keystone-engine is needed to cross-check")
capstone = pytest.importorskip("capstone", reason="capstone is needed to disassemble")

from usermode.translate.x86 import encoder as E
from usermode.translate.x86.encoder import (
    ALU_OPS, CC_NAMES, FORMS, REG_NAMES8, REG_NAMES16, REG_NAMES32, REG_NAMES64, SHIFT_OPS,
    UNARY_OPS, Assembler, EncodeError, mem)

KS = keystone.Ks(keystone.KS_ARCH_X86, keystone.KS_MODE_64)
CS = capstone.Cs(capstone.CS_ARCH_X86, capstone.CS_MODE_64)

# Forms where keystone legitimately chooses another encoding of the same
# instruction (none at present: the encoder emits the accumulator short forms
# for rax itself).  XCHG is compared by disassembly in test_xchg below.
KNOWN_ALTERNATIVES = {}

REGS = list(range(16))
DISPS = [0, 1, -1, 127, -128, 128, -129, 0x12345678, -0x80000000, 0x7FFFFFFF]
MEMS = ([mem(b, d) for b in REGS for d in (0, 0x40, -0x1000)]
        + [mem(b, d) for b in (E.RSP, E.RBP, E.R12, E.R13, E.RAX) for d in DISPS]
        + [mem(b, d, i, s) for b in (E.RSP, E.RBP, E.R12, E.R13, E.RAX, E.R14)
           for i, s, d in ((E.RAX, 1, 0), (E.R12, 2, 8), (E.R13, 4, -200), (E.RBP, 8, 0x1000),
                           (E.R15, 1, -1), (E.RCX, 8, 0x7FFFFFFF))])
IMM32 = [0, 1, 127, 128, 0xFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFFF80, 0xFFFFFF7F,
         0x12345678]
IMM32S = [0, 1, -1, 127, -128, 128, -129, 0x7FFFFFFF, -0x80000000, 0x12345678]
IMM64 = [0, 1, 0xFFFFFFFF, 0x100000000, 0x7FFFFFFFFFFFFFFF, 0x8000000000000000,
         0xFFFFFFFFFFFFFFFF, 0x123456789ABCDEF0]

SIZE_PTR = {"m8": "byte ptr ", "m16": "word ptr ", "m32": "dword ptr ", "m64": "qword ptr ",
            "ma": ""}


def mem_text(m):
    s = REG_NAMES64[m.base]
    if m.index is not None:
        s += f" + {REG_NAMES64[m.index]}*{m.scale}"
    if m.disp:
        s += f" {'-' if m.disp < 0 else '+'} {abs(m.disp):#x}"
    return f"[{s}]"


def text(kind, v):
    if kind == "r64":
        return REG_NAMES64[v]
    if kind == "r32":
        return REG_NAMES32[v]
    if kind == "r16":
        return REG_NAMES16[v]
    if kind == "r8":
        return REG_NAMES8[v]
    if kind in SIZE_PTR:
        return SIZE_PTR[kind] + mem_text(v)
    return hex(v) if v >= 0 else "-" + hex(-v)


def samples(kind):
    if kind[0] == "r":
        return REGS
    if kind[0] == "m":
        return MEMS
    return {"i8": [0, 1, 127, 0x80, 0xFF, -1, -128], "i16": [0, 1, 0x7FFF, 0x8000, 0xFFFF],
            "i32": IMM32, "i32s": IMM32S, "u64": IMM64,
            "sh32": [1, 2, 5, 31], "sh32n1": [2, 5, 31], "sh64n1": [2, 31, 32, 63], "sh64": [1, 2, 31, 32, 63]}[kind]


def combos(kinds):
    """Operand tuples: the full cross product for up to two register/imm operands;
    memory operands are paired with registers cycling through all 16."""
    lists = [samples(k) for k in kinds]
    if not any(k[0] == "m" for k in kinds):
        return list(itertools.product(*lists))
    out = []
    n = max(len(l) for l in lists)
    for i in range(n):
        out.append(tuple(l[(i * (j + 1) + i // len(l)) % len(l)] for j, l in enumerate(lists)))
    return out


def spec_table():
    """(form name, mnemonic, operand kinds, argument order of the text)."""
    t = []
    for n, _ in ALU_OPS:
        m = n.lower()
        t += [(f"{n}_rr", m, ("r64", "r64")), (f"{n}32_rr", m, ("r32", "r32")),
              (f"{n}_mr", m, ("m64", "r64")), (f"{n}32_mr", m, ("m32", "r32")),
              (f"{n}_rm", m, ("r64", "m64")), (f"{n}32_rm", m, ("r32", "m32")),
              (f"{n}_ri", m, ("r64", "i32s")), (f"{n}32_ri", m, ("r32", "i32")),
              (f"{n}_mi", m, ("m64", "i32s")), (f"{n}32_mi", m, ("m32", "i32"))]
    for n, _ in SHIFT_OPS:
        m = n.lower()
        t += [(f"{n}_ri", m, ("r64", "sh64")), (f"{n}32_ri", m, ("r32", "sh32")),
              (f"{n}_ri8", m, ("r64", "sh64n1")), (f"{n}32_ri8", m, ("r32", "sh32n1")),
              (f"{n}_r1", m + " {0}, 1", ("r64",)), (f"{n}32_r1", m + " {0}, 1", ("r32",)),
              (f"{n}_rcl", m + " {0}, cl", ("r64",)), (f"{n}32_rcl", m + " {0}, cl", ("r32",))]
    for n, _ in UNARY_OPS:
        m = "imul" if n == "IMUL1" else n.lower()
        t += [(f"{n}_r", m, ("r64",)), (f"{n}32_r", m, ("r32",)),
              (f"{n}_m", m, ("m64",)), (f"{n}32_m", m, ("m32",))]
    t += [("MOV_rr", "mov", ("r64", "r64")), ("MOV32_rr", "mov", ("r32", "r32")),
          ("MOV_mr", "mov", ("m64", "r64")), ("MOV32_mr", "mov", ("m32", "r32")),
          ("MOV16_mr", "mov", ("m16", "r16")), ("MOV8_mr", "mov", ("m8", "r8")),
          ("MOV_rm", "mov", ("r64", "m64")), ("MOV32_rm", "mov", ("r32", "m32")),
          ("MOV8_rm", "mov", ("r8", "m8")),
          ("MOV_mi", "mov", ("m64", "i32s")), ("MOV32_mi", "mov", ("m32", "i32")),
          ("MOV16_mi", "mov", ("m16", "i16")), ("MOV8_mi", "mov", ("m8", "i8")),
          ("MOV32_ri", "mov", ("r32", "i32")), ("MOV_ri64", "movabs", ("r64", "u64")),
          ("MOV_ri32s", "mov", ("r64", "i32s")),
          ("MOVSXD_rr", "movsxd", ("r64", "r32")), ("MOVSXD_rm", "movsxd", ("r64", "m32")),
          ("LEA_rm", "lea", ("r64", "ma")), ("LEA32_rm", "lea", ("r32", "ma")),
          ("TEST_rr", "test", ("r64", "r64")), ("TEST32_rr", "test", ("r32", "r32")),
          ("TEST_mr", "test", ("m64", "r64")), ("TEST32_mr", "test", ("m32", "r32")),
          ("TEST_ri", "test", ("r64", "i32s")), ("TEST32_ri", "test", ("r32", "i32")),
          ("TEST_mi", "test", ("m64", "i32s")), ("TEST32_mi", "test", ("m32", "i32")),
          ("XCHG_mr", "xchg", ("m64", "r64")), ("XCHG32_mr", "xchg", ("m32", "r32")),
          ("IMUL_rr", "imul", ("r64", "r64")), ("IMUL32_rr", "imul", ("r32", "r32")),
          ("IMUL_rm", "imul", ("r64", "m64")), ("IMUL32_rm", "imul", ("r32", "m32")),
          ("IMUL_rri", "imul", ("r64", "r64", "i32s")),
          ("IMUL32_rri", "imul", ("r32", "r32", "i32")),
          ("BSWAP_r", "bswap", ("r64",)), ("BSWAP32_r", "bswap", ("r32",)),
          ("PUSH_r", "push", ("r64",)), ("POP_r", "pop", ("r64",)),
          ("JMP_r", "jmp", ("r64",)), ("CALL_r", "call", ("r64",)),
          ("JMP_m", "jmp", ("m64",)), ("CALL_m", "call", ("m64",)),
          ("LOCK_CMPXCHG_mr", "lock cmpxchg", ("m64", "r64")),
          ("LOCK_CMPXCHG32_mr", "lock cmpxchg", ("m32", "r32")),
          ("LOCK_CMPXCHG16_mr", "lock cmpxchg", ("m16", "r16")),
          ("LOCK_CMPXCHG8_mr", "lock cmpxchg", ("m8", "r8")),
          ("RET", "ret", ()), ("CDQ", "cdq", ()), ("CQO", "cqo", ()), ("MFENCE", "mfence", ()),
          ("LFENCE", "lfence", ()), ("SFENCE", "sfence", ()), ("UD2", "ud2", ()),
          ("INT3", "int3", ())]
    for n in ("BSR", "BSF", "LZCNT", "TZCNT", "POPCNT"):
        m = n.lower()
        t += [(f"{n}_rr", m, ("r64", "r64")), (f"{n}32_rr", m, ("r32", "r32"))]
        if f"{n}_rm" in FORMS:
            t += [(f"{n}_rm", m, ("r64", "m64")), (f"{n}32_rm", m, ("r32", "m32"))]
    for n, s in (("MOVZXB", "m8"), ("MOVZXW", "m16"), ("MOVSXB", "m8"), ("MOVSXW", "m16")):
        m = "movzx" if "ZX" in n else "movsx"
        r = "r8" if s == "m8" else "r16"
        t += [(f"{n}_rr", m, ("r64", r)), (f"{n}32_rr", m, ("r32", r)),
              (f"{n}_rm", m, ("r64", s)), (f"{n}32_rm", m, ("r32", s))]
    return t


def keystone_bytes(asm):
    enc, _ = KS.asm(asm)
    return bytes(enc)


def disasm(code):
    insns = list(CS.disasm(code, 0))
    assert sum(i.size for i in insns) == len(code), f"capstone did not decode all of {code.hex()}"
    return [(i.mnemonic, i.op_str) for i in insns]


def check(name, mnem, kinds, args):
    ours = FORMS[name](*args)
    ops = ", ".join(text(k, a) for k, a in zip(kinds, args))
    asm = mnem.format(*ops.split(", ")) if "{" in mnem else f"{mnem} {ops}".strip()
    ref = keystone_bytes(asm)
    if ours == ref:
        return None
    assert name in KNOWN_ALTERNATIVES, f"{name}{args}: ours {ours.hex()} != keystone {ref.hex()} ({asm})"
    assert disasm(ours) == disasm(ref), f"{name}{args} ({asm}): {disasm(ours)} vs {disasm(ref)}"
    return name


SPECS = spec_table()


@pytest.mark.parametrize("name,mnem,kinds", SPECS, ids=[s[0] for s in SPECS])
def test_form_matches_keystone(name, mnem, kinds):
    for args in combos(kinds):
        check(name, mnem, kinds, args)


def test_xchg_rr_by_capstone():
    """Keystone uses the one-byte 90+r form when an operand is rax; capstone then
    prints the operands the other way round (xchg is symmetric), and keystone even
    encodes `xchg eax, eax` as 90, which in 64-bit mode is a NOP that does not
    zero-extend (87 c0 does).  So: same operand set by disassembly, and our
    encoding is always the general 87 /r one."""
    for r, s in itertools.product(REGS, REGS):
        for fn, names in ((E.XCHG_rr, REG_NAMES64), (E.XCHG32_rr, REG_NAMES32)):
            ours = fn(r, s)
            assert ours[-2] == 0x87 and ours[-1] >> 6 == 3
            ((mn, ops),) = disasm(ours)
            assert mn == "xchg" and sorted(ops.split(", ")) == sorted([names[r], names[s]])


def test_every_form_is_covered():
    covered = {s[0] for s in SPECS} | {"XCHG_rr", "XCHG32_rr", "SETcc_r", "CMOVcc_rr", "CMOVcc32_rr", "CMOVcc_rm",
                                       "CMOVcc32_rm", "Jcc_rel32", "Jcc_rel8", "JMP_rel32",
                                       "JMP_rel8", "CALL_rel32", "MOV_ri", "NOP_n"}
    assert set(FORMS) - covered == set()


@pytest.mark.parametrize("c", range(16))
def test_setcc_cmovcc(c):
    cn = CC_NAMES[c]
    for r in REGS:
        assert E.SETcc_r(c, r) == keystone_bytes(f"set{cn} {REG_NAMES8[r]}")
        for s in REGS:
            assert E.CMOVcc_rr(c, r, s) == keystone_bytes(
                f"cmov{cn} {REG_NAMES64[r]}, {REG_NAMES64[s]}")
            assert E.CMOVcc32_rr(c, r, s) == keystone_bytes(
                f"cmov{cn} {REG_NAMES32[r]}, {REG_NAMES32[s]}")
    for m in MEMS:
        assert E.CMOVcc_rm(c, E.R11, m) == keystone_bytes(f"cmov{cn} r11, qword ptr {mem_text(m)}")
        assert E.CMOVcc32_rm(c, E.ESI, m) == keystone_bytes(
            f"cmov{cn} esi, dword ptr {mem_text(m)}")


def test_relative_jumps_by_capstone():
    """Keystone shortens jumps it can; jump forms are checked by disassembly:
    rel counts from the end of the instruction."""
    for rel in (0, 5, -5, 127, -128, 0x12345, -0x80000000, 0x7FFFFFFF):
        for c in range(16):
            code = E.Jcc_rel32(c, rel)
            (i,) = CS.disasm(code, 0x1000)
            assert i.mnemonic == "j" + CC_NAMES[c] or (i.mnemonic, CC_NAMES[c]) in (
                ("jb", "b"), ("jae", "ae"), ("je", "e"), ("jne", "ne"))
            assert int(i.op_str, 16) == (0x1000 + 6 + rel) & (2**64 - 1)
        for fn, n in ((E.JMP_rel32, 5), (E.CALL_rel32, 5)):
            (i,) = CS.disasm(fn(rel), 0x1000)
            assert int(i.op_str, 16) == (0x1000 + n + rel) & (2**64 - 1)
    for rel in (0, 127, -128):
        (i,) = CS.disasm(E.JMP_rel8(rel), 0x1000)
        assert i.mnemonic == "jmp" and int(i.op_str, 16) == 0x1002 + rel
        for c in range(16):
            (i,) = CS.disasm(E.Jcc_rel8(c, rel), 0x1000)
            assert int(i.op_str, 16) == 0x1002 + rel and len(i.bytes) == 2


def test_mov_ri_picks_shortest_exact_form():
    for r in REGS:
        for v in IMM64 + [0x80000000, 0xFFFFFFFF80000000, 0xFFFFFFFFFFFFFFFE, -2, -0x80000000]:
            u = v & (2**64 - 1)
            code = E.MOV_ri(r, v)
            if u < 2**32:
                assert code == E.MOV32_ri(r, u)            # zero-extends
            elif u >= 2**64 - 2**31:
                assert code == E.MOV_ri32s(r, u - 2**64)   # sign-extends
            else:
                assert code == E.MOV_ri64(r, u)


def test_nops():
    for n in range(0, 20):
        code = E.NOP_n(n)
        assert len(code) == n
        assert all(m in ("nop",) for m, _ in disasm(code))


def test_bad_operands_raise_encode_error():
    with pytest.raises(EncodeError):
        E.ADD_ri(E.RAX, 0x80000000)        # not a sign-extended imm32
    with pytest.raises(EncodeError):
        E.ADD32_ri(E.RAX, 1 << 32)
    with pytest.raises(EncodeError):
        E.MOV_rr(E.RAX, 16)
    with pytest.raises(EncodeError):
        mem(E.RAX, 0, E.RSP)
    with pytest.raises(EncodeError):
        E.SHL32_ri(E.RAX, 32)
    with pytest.raises(EncodeError):
        mem(E.RAX, 1 << 31)


def test_assembler_labels_and_absolute_targets():
    a = Assembler(base_addr=0x400000)
    top, fwd, short = a.label("top"), a.label("fwd"), a.label("short")
    a.bind(top)
    a.J_l(E.CC_E, fwd)
    a.J_l8(E.CC_NE, short)
    a.NOP_n(3)
    a.bind(short)
    a.JMP_l(top)
    a.JMP_l8(fwd)
    a.bind(fwd)
    a.JMP_abs(0x400000)
    a.CALL_abs(0x500000)
    code = a.finish()
    ins = list(CS.disasm(code, 0x400000))
    assert [i.mnemonic for i in ins] == ["je", "jne", "nop", "jmp", "jmp", "jmp", "call"]
    addr = {i.address: i for i in ins}
    fwd_addr = 0x400000 + fwd.pos
    assert int(ins[0].op_str, 16) == fwd_addr
    assert int(ins[1].op_str, 16) == 0x400000 + short.pos
    assert int(ins[3].op_str, 16) == 0x400000
    assert int(ins[4].op_str, 16) == fwd_addr
    assert int(ins[5].op_str, 16) == 0x400000
    assert int(ins[6].op_str, 16) == 0x500000
    assert len(addr) == 7


def test_assembler_short_jump_out_of_range_and_unbound_label():
    a = Assembler()
    far = a.label("far")
    a.J_l8(E.CC_E, far)
    a.NOP_n(200)
    with pytest.raises(EncodeError):
        a.bind(far) or a.finish()
    b = Assembler()
    b.JMP_l(b.label("nowhere"))
    with pytest.raises(EncodeError):
        b.finish()


def test_align_field():
    for base in (0, 1, 2, 3, 0x1003):
        a = Assembler(base_addr=base)
        for k in range(7):
            a.NOP_n(k)
            a.align_field(1)
            assert (base + a.pos + 1) % 4 == 0
            a.JMP_rel32(0)


def test_install_time_forms_module_has_every_form():
    """x86/_forms.py (written by runtime/build.py) is form_module_text(): the
    code of every form's source, keyed by that source; a form found there
    encodes as one compiled from its source."""
    from usermode.translate.x86 import encoder as e, fp_encoder, vec_encoder  # noqa: F401
    ns = {}
    exec(e.form_module_text(), ns)
    assert set(ns["FUNCTIONS"]) == {e._form_source(p)[0] for p in e._INSN_PARTS}
    src, glb = e._form_source(e._INSN_PARTS[0])
    enc = ns["FUNCTIONS"][src][0]
    mod = compile(src, "<test>", "exec")
    exec(mod, glb)
    assert enc.__code__.co_code == glb["encode"].__code__.co_code
