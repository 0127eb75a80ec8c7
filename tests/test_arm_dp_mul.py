"""Multiplies and divides (trans_mul) against qemu-arm, A32 and Thumb."""
from __future__ import annotations

import pytest

from test_arm_dp_harness import Case, check_batch, expand, needs_tools

from usermode.translate.arm import translate as T

XY = ["bb", "bt", "tb", "tt"]


def _templates(thumb: bool):
    out = ["mul r0, r1, r2", "mla r0, r1, r2, r3", "mls r0, r1, r2, r3",
           "umull r0, r1, r2, r3", "umlal r0, r1, r2, r3", "smull r0, r1, r2, r3",
           "smlal r0, r1, r2, r3", "umaal r0, r1, r2, r3", "mul r4, r4, r4",
           "smull r4, r5, r4, r5", "umlal r4, r5, r5, r4"]
    if not thumb:
        out += ["muls r0, r1, r2", "mlas r0, r1, r2, r3", "umulls r0, r1, r2, r3",
                "umlals r0, r1, r2, r3", "smulls r0, r1, r2, r3", "smlals r0, r1, r2, r3",
                "mulseq r0, r1, r2", "smlalsne r0, r1, r2, r3"]
    else:
        out += ["muls r0, r1, r0", "muls r3, r4, r3", "ite eq; muleq r0, r1, r0; mulne r2, r3, r2"]
    for xy in XY:
        out += [f"smul{xy} r0, r1, r2", f"smla{xy} r0, r1, r2, r3", f"smlal{xy} r0, r1, r2, r3"]
    for y in "bt":
        out += [f"smulw{y} r0, r1, r2", f"smlaw{y} r0, r1, r2, r3"]
    for x in ("", "x"):
        out += [f"smuad{x} r0, r1, r2", f"smusd{x} r0, r1, r2", f"smlad{x} r0, r1, r2, r3",
                f"smlsd{x} r0, r1, r2, r3", f"smlald{x} r0, r1, r2, r3",
                f"smlsld{x} r0, r1, r2, r3"]
    for r in ("", "r"):
        out += [f"smmul{r} r0, r1, r2", f"smmla{r} r0, r1, r2, r3", f"smmls{r} r0, r1, r2, r3"]
    out += ["usad8 r0, r1, r2", "usada8 r0, r1, r2, r3", "sdiv r0, r1, r2", "udiv r0, r1, r2",
            "sdiv r0, r1, r1", "udiv r5, r6, r7"]
    return out


@needs_tools
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a32_mul_vs_qemu(seed):
    check_batch(expand(_templates(False), False, 8), seed=seed)


@needs_tools
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_thumb_mul_vs_qemu(seed):
    check_batch(expand(_templates(True), True, 8), seed=seed)


@needs_tools
def test_q_flag_edges():
    big = [0x80008000, 0x80008000, 0x80008000, 0x7FFFFFFF] + [0] * 10
    cases = []
    for thumb in (False, True):
        for asm in ("smuad r0, r1, r2", "smlad r0, r1, r2, r3", "smlabb r0, r1, r2, r3",
                    "smlawb r0, r1, r2, r3", "smlsd r0, r1, r2, r3", "smusdx r0, r1, r2",
                    "sdiv r0, r1, r2"):
            cases.append(Case(asm, thumb=thumb, regs=list(big), apsr=0x10000))
            cases.append(Case(asm, thumb=thumb, regs=[0, 0x80000000, 0xFFFFFFFF, 0x80000000] + [0] * 10,
                              apsr=0x10000))
    check_batch(cases)


def test_decode_selected_encodings():
    import capstone
    import keystone
    T._load_tables()
    for thumb in (False, True):
        K = keystone.Ks(keystone.KS_ARCH_ARM, keystone.KS_MODE_THUMB if thumb else keystone.KS_MODE_ARM)
        C = capstone.Cs(capstone.CS_ARCH_ARM, capstone.CS_MODE_THUMB if thumb else capstone.CS_MODE_ARM)
        for line in _templates(thumb):
            if ";" in line:
                continue
            try:
                enc = bytes(K.asm(line)[0])
            except keystone.KsError:          # keystone lacks sdiv/udiv in A32
                continue
            cap = next(C.disasm(enc, 0))
            if len(enc) == 2:
                hit = T.T16.decode(int.from_bytes(enc, "little"))
            elif thumb:
                hit = T.T32.decode(int.from_bytes(enc[:2], "little") << 16 | int.from_bytes(enc[2:], "little"))
            else:
                hit = T.A32.decode(int.from_bytes(enc, "little"))
            assert hit, line
            name = hit[0].name.lower().replace("xy", "").replace("wy", "w")
            assert cap.mnemonic.startswith(name), (line, hit[0].name, cap.mnemonic)
