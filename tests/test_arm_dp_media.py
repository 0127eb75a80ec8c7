"""Media/DSP instructions (trans_media, trans_parallel) against qemu-arm."""
from __future__ import annotations

import pytest

from test_arm_dp_harness import Case, check_batch, expand, needs_tools

from usermode.translate.arm import translate as T

PREFIXES = ["s", "q", "sh", "u", "uq", "uh"]
POPS = ["add16", "asx", "sax", "sub16", "add8", "sub8"]


def _templates(thumb: bool):
    out = ["clz r0, r1", "rbit r0, r1", "rev r0, r1", "rev16 r0, r1", "revsh r0, r1",
           "sel r0, r1, r2", "clz r3, r3"]
    for lsb, w in ((0, 1), (0, 32), (3, 5), (31, 1), (8, 16), (16, 16), (1, 31)):
        out += [f"ubfx r0, r1, #{lsb}, #{w}", f"sbfx r0, r1, #{lsb}, #{w}",
                f"bfi r0, r1, #{lsb}, #{w}", f"bfc r0, #{lsb}, #{w}"]
    for n in (1, 2, 8, 16, 31, 32):
        out += [f"ssat r0, #{n}, r1", f"ssat r0, #{n}, r1, lsl #4", f"ssat r0, #{n}, r1, asr #7"]
    for n in (0, 1, 8, 15, 16, 31):
        out += [f"usat r0, #{n}, r1", f"usat r0, #{n}, r1, lsl #31", f"usat r0, #{n}, r1, asr #31"]
    if not thumb:
        out += ["ssat r0, #16, r1, asr #32", "usat r0, #8, r1, asr #32"]
    for n in (1, 4, 8, 16):
        out += [f"ssat16 r0, #{n}, r1"]
    for n in (0, 3, 8, 15):
        out += [f"usat16 r0, #{n}, r1"]
    out += ["qadd r0, r1, r2", "qsub r0, r1, r2", "qdadd r0, r1, r2", "qdsub r0, r1, r2",
            "qadd r0, r1, r1", "qdsub r2, r2, r2"]
    out += ["pkhbt r0, r1, r2", "pkhbt r0, r1, r2, lsl #5", "pkhbt r0, r1, r2, lsl #31",
            "pkhtb r0, r1, r2, asr #16", "pkhtb r0, r1, r2, asr #1", "pkhtb r0, r1, r2, asr #32"]
    for op in ("sxtb", "sxth", "uxtb", "uxth", "sxtb16", "uxtb16"):
        for rot in ("", ", ror #8", ", ror #16", ", ror #24"):
            out.append(f"{op}{'.w' if thumb and op[-2:] != '16' else ''} r0, r1{rot}")
            acc = op[:3] + "a" + op[3:]
            out.append(f"{acc} r0, r2, r1{rot}")
    for p in PREFIXES:
        for o in POPS:
            out.append(f"{p}{o} r0, r1, r2")
    out += ["sadd16 r0, r1, r2; sel r3, r4, r5", "usub8 r0, r1, r2; sel r3, r4, r5",
            "uasx r0, r1, r2; sel r3, r4, r5"]
    if thumb:
        out += ["sxtb r0, r1", "sxth r0, r1", "uxtb r0, r1", "uxth r0, r1", "rev r0, r1",
                "rev16 r0, r1", "revsh r0, r1", "itt ne; revne r0, r1; sxtbne r2, r3"]
    return out


@needs_tools
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a32_media_vs_qemu(seed):
    check_batch(expand(_templates(False), False, 5), seed=seed)


@needs_tools
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_thumb_media_vs_qemu(seed):
    check_batch(expand(_templates(True), True, 5), seed=seed)


@needs_tools
def test_saturation_edges():
    vals = [0x7FFFFFFF, 0x80000000, 0x40000000, 0xC0000000, 0x7FFF8000, 0x80007FFF,
            0xFFFFFFFF, 1, 0x00FF00FF, 0xFF00FF00, 0x7F807F80, 0x807F807F]
    cases = []
    for thumb in (False, True):
        for asm in ("qadd r0, r1, r2", "qsub r0, r1, r2", "qdadd r0, r1, r2", "qdsub r0, r1, r2",
                    "qadd16 r0, r1, r2", "uqsub8 r0, r1, r2", "ssat r0, #8, r1", "usat16 r0, #7, r1",
                    "uadd8 r0, r1, r2", "ssub16 r0, r1, r2"):
            for a in vals:
                for b in vals[::3]:
                    cases.append(Case(asm, thumb=thumb, regs=[0, a, b] + [0] * 11, apsr=0x10000))
    check_batch(cases)


def test_decode_against_capstone():
    import capstone
    import keystone
    T._load_tables()
    n = 0
    for thumb in (False, True):
        K = keystone.Ks(keystone.KS_ARCH_ARM, keystone.KS_MODE_THUMB if thumb else keystone.KS_MODE_ARM)
        C = capstone.Cs(capstone.CS_ARCH_ARM, capstone.CS_MODE_THUMB if thumb else capstone.CS_MODE_ARM)
        for line in _templates(thumb):
            if ";" in line:
                continue
            try:
                enc = bytes(K.asm(line)[0] or b"")
            except keystone.KsError:
                continue
            if not enc:
                continue
            cap = next(C.disasm(enc, 0))
            if len(enc) == 2:
                hit = T.T16.decode(int.from_bytes(enc, "little"))
            elif thumb:
                hit = T.T32.decode(int.from_bytes(enc[:2], "little") << 16 | int.from_bytes(enc[2:], "little"))
            else:
                hit = T.A32.decode(int.from_bytes(enc, "little"))
            assert hit, line
            name = hit[0].name.lower()
            mn = cap.mnemonic.split(".")[0]
            if name == "pkh":
                name = "pkh"
            assert name in mn or mn.endswith(name), (line, hit[0].name, cap.mnemonic)
            n += 1
    assert n > 200
