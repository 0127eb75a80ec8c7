"""Data processing (trans_dp): decode checks against capstone, and
differential runs against qemu-arm (see test_arm_dp_harness)."""
from __future__ import annotations

import re

import pytest

from test_arm_dp_harness import Case, check_batch, expand, needs_tools

from usermode.translate.arm import translate as T

ALU3 = ["and", "eor", "sub", "rsb", "add", "adc", "sbc", "orr", "bic"]
CMP = ["tst", "teq", "cmp", "cmn"]
SHIFTS_IMM = ["", ", lsl #1", ", lsl #31", ", lsl #7", ", lsr #1", ", lsr #16", ", lsr #32",
              ", asr #1", ", asr #31", ", asr #32", ", ror #1", ", ror #13", ", ror #31", ", rrx"]
IMMS = ["#0", "#1", "#0xff", "#0x3fc", "#0xff000000", "#0x80000000", "#0xf000000f", "#0x104",
        "#0xc0000034", "#0x7f"]
T32_IMMS = ["#0", "#1", "#0xff", "#0x00ab00ab", "#0xab00ab00", "#0xabababab", "#0x80000000",
            "#0x3fc", "#0xff000000", "#0x1fe00"]


def _a32_templates():
    out = []
    for op in ALU3 + ["rsc"]:
        for s in ("", "s"):
            for sh in SHIFTS_IMM:
                out.append(f"{op}{s} r0, r1, r2{sh}")
            for sh in ("lsl", "lsr", "asr", "ror"):
                out.append(f"{op}{s} r0, r1, r2, {sh} r3")
            for imm in IMMS:
                out.append(f"{op}{s} r0, r1, {imm}")
    for op in CMP:
        for sh in SHIFTS_IMM:
            out.append(f"{op} r1, r2{sh}")
        for sh in ("lsl", "lsr", "asr", "ror"):
            out.append(f"{op} r1, r2, {sh} r3")
        for imm in IMMS:
            out.append(f"{op} r1, {imm}")
    for op in ("mov", "mvn"):
        for s in ("", "s"):
            for sh in SHIFTS_IMM:
                out.append(f"{op}{s} r0, r2{sh}")
            for sh in ("lsl", "lsr", "asr", "ror"):
                out.append(f"{op}{s} r0, r2, {sh} r3")
            for imm in IMMS:
                out.append(f"{op}{s} r0, {imm}")
    out += ["movw r4, #0xbeef", "movt r4, #0xdead", "movw r0, #0", "movt r1, #0xffff",
            "adds r1, r1, r1", "subs r2, r2, r2, lsl r2", "add r0, pc, #4", "sub r0, pc, #12",
            "mov r0, pc", "add r0, pc, r1", "adr r5, .", "addeq r0, r1, r2", "subsgt r0, r1, #3",
            "movsne r0, r1, lsr r2", "rscsmi r0, r1, r2, rrx", "adcslt r3, r3, r3, ror #3",
            "lsl r0, r1, r2", "lsrs r0, r1, #3", "asrs r0, r1, r2", "rors r0, r1, r2",
            "rrxs r0, r1"]
    return out


def _t32_templates():
    out = []
    for op in ALU3 + ["orn"]:
        for s in ("", "s"):
            for sh in SHIFTS_IMM:
                out.append(f"{op}{s}.w r0, r1, r2{sh}")
            for imm in T32_IMMS:
                out.append(f"{op}{s}.w r0, r1, {imm}")
    for op in CMP:
        for sh in SHIFTS_IMM:
            out.append(f"{op}.w r1, r2{sh}")
        for imm in T32_IMMS:
            out.append(f"{op}.w r1, {imm}")
    for op in ("mov", "mvn"):
        for s in ("", "s"):
            for sh in (SHIFTS_IMM if op == "mvn" else ["", ", rrx"]):
                out.append(f"{op}{s}.w r0, r2{sh}")
            for imm in T32_IMMS:
                out.append(f"{op}{s}.w r0, {imm}")
    for sh in SHIFTS_IMM[1:-1]:                 # MOV with shift = LSL/LSR/ASR/ROR (immediate)
        op, amount = sh[2:].split(" ")
        out += [f"{op}.w r0, r2, {amount}", f"{op}s.w r0, r2, {amount}"]
    for sh in ("lsl", "lsr", "asr", "ror"):
        for s in ("", "s"):
            out.append(f"{sh}{s}.w r0, r1, r2")
    out += ["addw r0, r1, #0xfff", "subw r0, r1, #0x123", "movw r4, #0xbeef", "movt r4, #0xdead",
            "adr.w r0, .+0x100", "adr.w r0, .-0x104", "addw r0, pc, #3", "subw r0, pc, #5",
            "add.w r0, sp, #8", "sub.w r0, sp, r1", "addeq.w r0, r1, #5", "rsbsne.w r0, r1, r2",
            "orn r0, r1, #0x55"]
    # T16
    out += ["adds r0, r1, r2", "subs r0, r1, r2", "adds r0, r1, #7", "subs r0, r1, #0",
            "movs r0, #200", "cmp r3, #17", "cmp r3, #0", "adds r3, #200", "subs r3, #1",
            "ands r0, r1", "eors r0, r1", "lsls r0, r1", "lsrs r0, r1", "asrs r0, r1",
            "adcs r0, r1", "sbcs r0, r1", "rors r0, r1", "tst r0, r1", "negs r0, r1",
            "cmp r0, r1", "cmn r0, r1", "orrs r0, r1", "bics r0, r1", "mvns r0, r1",
            "add r0, r8", "add r8, r0", "add r0, r0, pc", "cmp r0, r8", "cmp r8, r1", "mov r8, r0",
            "mov r0, r9", "movs r0, r1", "add r0, sp, #16", "add sp, #16", "sub sp, #16",
            "add r0, sp", "lsls r0, r1, #3", "lsrs r0, r1, #32", "asrs r0, r1, #32",
            "asrs r0, r1, #1", "lsls r0, r1, #31", "adr r1, 1f; movs r2, r2; .balign 4, 0; 1: movs r3, r3",
            # inside IT blocks the T16 forms do not set flags
            "itt eq; addeq r0, r1, r2; subeq r3, r4, #1",
            "ite ne; movne r0, #5; lsleq r1, r2",
            "itet cs; negcs r0, r1; mvncc r2, r3; adccs r4, r5",
            "ittt mi; andmi r0, r1; rormi r2, r3; sbcmi r4, r5",
            "itt lt; lsllt r0, r1, #4; asrlt r2, r3, #7",
            "it gt; movgt r2, r3"]
    return out


@needs_tools
@pytest.mark.parametrize("seed", [1, 2])
def test_a32_dp_vs_qemu(seed):
    check_batch(expand(_a32_templates(), False, 2), seed=seed)


@needs_tools
@pytest.mark.parametrize("seed", [1, 2])
def test_t32_dp_vs_qemu(seed):
    check_batch(expand(_t32_templates(), True, 2), seed=seed)


@needs_tools
def test_writes_to_pc():
    cases = [
        Case("adr r4, 1f; mov pc, r4; mov r0, #1; 1: mov r1, #2"),
        Case("add pc, pc, #0; mov r0, #1; mov r1, #2"),
        Case("add r4, pc, #4; mov pc, r4; mov r0, #1; mov r2, #3; mov r1, #2"),
        # ALUWritePC interworks in ARM state: into Thumb and back (MOV pc in Thumb does not)
        Case("adr r4, 1f + 1; mov pc, r4; mov r0, #1; .thumb; 1: movs r1, #2; "
             "add r4, pc, #4; movs r2, r2; mov pc, r4; movs r5, #5; movs r3, #3"),
        Case("adr r4, 1f; mov pc, r4; movs r0, #1; movs r2, r2; .balign 4, 0; 1: movs r1, #2",
             thumb=True),
        Case("movs r4, #4; add pc, r4; movs r0, #1; movs r0, #2; movs r0, #3; movs r1, #2",
             thumb=True),
    ]
    check_batch(cases)


def _ks():
    import keystone
    return keystone


CAP_TO_PAT = {  # capstone mnemonic (no S/cond/.w) -> our pattern-name prefix
    "and": "AND", "eor": "EOR", "sub": "SUB", "rsb": "RSB", "add": "ADD", "adc": "ADC",
    "sbc": "SBC", "rsc": "RSC", "tst": "TST", "teq": "TEQ", "cmp": "CMP", "cmn": "CMN",
    "orr": "ORR", "mov": "MOV", "bic": "BIC", "mvn": "MVN", "orn": "ORN", "lsl": "MOV",
    "lsr": "MOV", "asr": "MOV", "ror": "MOV", "rrx": "MOV", "movw": "MOVW", "movt": "MOVT",
    "adr": "ADR", "addw": "ADD", "subw": "SUB", "neg": "RSB", "rsbs": "RSB",
}


REGNAMES = {**{f"r{i}": i for i in range(16)}, "sb": 9, "sl": 10, "fp": 11, "ip": 12, "sp": 13,
            "lr": 14, "pc": 15}


def _strip(mn: str) -> str:
    mn = mn.split(".")[0]
    for base in sorted(CAP_TO_PAT, key=len, reverse=True):
        if mn.startswith(base):
            rest = mn[len(base):]
            if rest in ("", "s") or re.fullmatch(r"s?(eq|ne|cs|hs|cc|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le)", rest):
                return base
    return mn


def _decode_check(mode_thumb: bool, lines):
    ks = _ks()
    import capstone
    K = ks.Ks(ks.KS_ARCH_ARM, ks.KS_MODE_THUMB if mode_thumb else ks.KS_MODE_ARM)
    C = capstone.Cs(capstone.CS_ARCH_ARM, capstone.CS_MODE_THUMB if mode_thumb else capstone.CS_MODE_ARM)
    T._load_tables()
    checked = 0
    for line in lines:
        try:
            enc = bytes(K.asm(line, 0x1000)[0] or b"")
        except ks.KsError:
            continue
        if not enc:
            continue
        insn = list(C.disasm(enc, 0x1000))
        assert insn, line
        cap = insn[0]
        if mode_thumb and cap.size == 2:
            hit = T.T16.decode(int.from_bytes(enc[:2], "little"))
        elif mode_thumb:
            hit = T.T32.decode(int.from_bytes(enc[:2], "little") << 16 | int.from_bytes(enc[2:4], "little"))
        else:
            hit = T.A32.decode(int.from_bytes(enc[:4], "little"))
        assert hit is not None, f"{line}: {enc.hex()} not decoded"
        base = _strip(cap.mnemonic)
        want = CAP_TO_PAT.get(base)
        assert want is not None, (line, cap.mnemonic)
        if "pc" in cap.op_str and base in ("add", "sub", "addw", "subw"):
            want = (want, "ADR")
        assert hit[0].name.startswith(want), f"{line}: {enc.hex()} -> {hit[0].name}, capstone {cap.mnemonic} {cap.op_str}"
        f = hit[1]
        # registers named by capstone appear among the decoded fields
        regs = [REGNAMES[r] for r in re.findall(r"\b(r\d+|sb|sl|fp|ip|sp|lr|pc)\b", cap.op_str)]
        fieldregs = {v for k, v in f.items() if k in ("rd", "rn", "rm", "rs")}
        if hit[0].name == "ADR":
            fieldregs.add(15)
        assert set(regs) <= fieldregs, f"{line}: {cap.op_str} vs {f}"
        checked += 1
    return checked


def test_decode_a32_against_capstone():
    assert _decode_check(False, _a32_templates()) > 300


def test_decode_thumb_against_capstone():
    lines = [l for l in _t32_templates() if ";" not in l and "." not in l.replace(".w", "")]
    assert _decode_check(True, lines) > 200


def test_s_flag_inside_it_block():
    """T16 ADDS/ADD share an encoding: flags only outside an IT block."""
    from usermode.translate.arm.cpu import FLAG_NF, TBFLAG_IT_SHIFT, TBFLAG_THUMB
    code = (0x1888).to_bytes(2, "little")           # adds r0, r1, r2
    rc = lambda a, n: code[a - 0x1000:a - 0x1000 + n] if a == 0x1000 else (_ for _ in ()).throw(IndexError())
    outside = T.translate_block(rc, 0x1000, TBFLAG_THUMB)
    inside = T.translate_block(rc, 0x1000, TBFLAG_THUMB | (0x08 << TBFLAG_IT_SHIFT))   # IT EQ, last insn
    writes = lambda blk: {op.args[0] for op in blk.ir.ops if op.args and op.name not in ("insn_start", "goto_tb", "brcond", "label", "br")}
    assert FLAG_NF in writes(outside)
    assert FLAG_NF not in writes(inside)


@needs_tools
@pytest.mark.parametrize("insn", ["movs pc, lr", "subs pc, lr, #4", "adds pc, r1, r2, lsl #2",
                                  "mov r0, r1, lsl pc"])
def test_rejected_encodings_sigill_like_qemu(tmp_path, insn):
    """A32 exception returns (<op>S pc, ...) are UNDEFINED in user mode, and
    PC in a register-shifted-register form is rejected: SIGILL like qemu-arm."""
    import subprocess
    import sys
    from test_arm_dp_harness import engine_available
    T._load_tables()
    from keystone import KS_ARCH_ARM, KS_MODE_ARM, Ks
    enc = bytes(Ks(KS_ARCH_ARM, KS_MODE_ARM).asm(insn)[0])
    hit = T.A32.decode(int.from_bytes(enc, "little"))
    assert hit is not None
    blk = T.translate_block(lambda a, n: enc[:n] if a == 0x1000 else b"", 0x1000, 0, max_insns=1)
    assert any(op.name == "exit_tb" for op in blk.ir.ops), blk.ir.dump()
    if not engine_available() or "lr" not in insn:
        return          # qemu branches to r1 + r2 << 2 / executes the UNPREDICTABLE form
    src = tmp_path / "s.S"
    src.write_text(f".syntax unified\n.arm\n.global _start\n_start:\n  adr lr, 1f\n  {insn}\n"
                   "1:\n  mov r0, #42\n  mov r7, #1\n  svc #0\n")
    exe = tmp_path / "s.elf"
    subprocess.run(["arm-linux-gnueabihf-gcc", "-nostdlib", "-static", "-o", str(exe), str(src)],
                   check=True, capture_output=True)
    root = __file__.rsplit("/tests/", 1)[0]
    want = subprocess.run(["qemu-arm", str(exe)], capture_output=True)
    got = subprocess.run([sys.executable, "-m", "usermode", str(exe)], capture_output=True, cwd=root)
    assert want.returncode == got.returncode, (want.returncode, got.returncode, got.stderr[-500:])
