"""Random sequences of ALU/multiply/media instructions (conditional ones
too: A32 condition codes, Thumb IT blocks inserted by the assembler) run
under qemu-arm and pyqemu; registers and APSR must agree after each
sequence.  Exercises flag producers feeding flag consumers (ADC after ADDS,
conditions after CMP/TST/MULS ...) across instruction boundaries."""
from __future__ import annotations

import random

import pytest

from test_arm_dp_harness import Case, check_batch, needs_tools

CONDS = ["eq", "ne", "cs", "cc", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le"]
ALU = ["and", "eor", "sub", "rsb", "add", "adc", "sbc", "orr", "bic"]
SHIFT = ["lsl", "lsr", "asr", "ror"]


def _r(rng, n=8):
    return f"r{rng.randrange(n)}"


def _op2_a32(rng):
    k = rng.randrange(4)
    if k == 0:
        return f"#{rng.choice([0, 1, 0xff, 0x3fc, 0xff000000, 0x80000000, 0xf000000f])}"
    if k == 1:
        return _r(rng)
    if k == 2:
        sh = rng.choice(SHIFT + ["rrx"])
        if sh == "rrx":
            return f"{_r(rng)}, rrx"
        lo, hi = (0, 31) if sh == "lsl" else (1, 31) if sh == "ror" else (1, 32)
        return f"{_r(rng)}, {sh} #{rng.randint(lo, hi)}"
    return f"{_r(rng)}, {rng.choice(SHIFT)} {_r(rng)}"


def _a32_insn(rng):
    c = rng.choice(CONDS) if rng.random() < 0.35 else ""
    k = rng.randrange(10)
    if k < 5:
        op = rng.choice(ALU + ["rsc"])
        return f"{op}{'s' if rng.random() < 0.5 else ''}{c} {_r(rng)}, {_r(rng)}, {_op2_a32(rng)}"
    if k == 5:
        return f"{rng.choice(['tst', 'teq', 'cmp', 'cmn'])}{c} {_r(rng)}, {_op2_a32(rng)}"
    if k == 6:
        return f"{rng.choice(['mov', 'mvn'])}{'s' if rng.random() < 0.5 else ''}{c} {_r(rng)}, {_op2_a32(rng)}"
    if k == 7:
        d1, d2 = rng.sample(range(8), 2)
        return rng.choice([f"muls{c} {_r(rng)}, {_r(rng)}, {_r(rng)}",
                           f"mla{c} {_r(rng)}, {_r(rng)}, {_r(rng)}, {_r(rng)}",
                           f"smlals{c} r{d1}, r{d2}, {_r(rng)}, {_r(rng)}",
                           f"umull{c} r{d1}, r{d2}, {_r(rng)}, {_r(rng)}",
                           f"smlabt{c} {_r(rng)}, {_r(rng)}, {_r(rng)}, {_r(rng)}",
                           f"smmlar{c} {_r(rng)}, {_r(rng)}, {_r(rng)}, {_r(rng)}"])
    if k == 8:
        return rng.choice([f"qadd{c} {_r(rng)}, {_r(rng)}, {_r(rng)}",
                           f"ssat{c} {_r(rng)}, #{rng.randint(1, 32)}, {_r(rng)}",
                           f"uadd8{c} {_r(rng)}, {_r(rng)}, {_r(rng)}",
                           f"ssub16{c} {_r(rng)}, {_r(rng)}, {_r(rng)}",
                           f"sel{c} {_r(rng)}, {_r(rng)}, {_r(rng)}",
                           f"sxtab{c} {_r(rng)}, {_r(rng)}, {_r(rng)}, ror #8"])
    lsb = rng.randrange(32)
    w = rng.randint(1, 32 - lsb)
    return rng.choice([f"ubfx{c} {_r(rng)}, {_r(rng)}, #{lsb}, #{w}",
                       f"bfi{c} {_r(rng)}, {_r(rng)}, #{lsb}, #{w}",
                       f"clz{c} {_r(rng)}, {_r(rng)}", f"rbit{c} {_r(rng)}, {_r(rng)}"])


def _thumb_insn(rng):
    """Narrow forms (low registers, 2-operand) and wide forms; conditional
    ones get an IT from the assembler (-mimplicit-it=always)."""
    c = rng.choice(CONDS) if rng.random() < 0.4 else ""
    k = rng.randrange(9)
    d, n, m = _r(rng), _r(rng), _r(rng)
    if k < 3:     # T16 data processing: flag-setting outside IT, not inside
        op = rng.choice(["and", "eor", "adc", "sbc", "orr", "bic", "lsl", "lsr", "asr", "ror", "mvn"])
        s = "" if c else "s"
        return f"{op}{s}{c} {d}, {m}" if op != "mvn" else f"mvn{s}{c} {d}, {m}"
    if k == 3:
        s = "" if c else "s"
        return rng.choice([f"add{s}{c} {d}, {n}, {m}", f"sub{s}{c} {d}, {n}, #{rng.randrange(8)}",
                           f"mov{s}{c} {d}, #{rng.randrange(256)}", f"cmp{c} {n}, #{rng.randrange(256)}",
                           f"cmp{c} {n}, {m}", f"neg{s}{c} {d}, {m}",
                           f"lsl{s}{c} {d}, {m}, #{rng.randrange(32)}",
                           f"asr{s}{c} {d}, {m}, #{rng.randint(1, 32)}", f"mul{s}{c} {d}, {m}, {d}"])
    if k < 6:     # T32 data processing
        op = rng.choice(ALU + ["orn"])
        s = rng.choice(["", "s"])
        imm = rng.choice([0, 1, 0xff, 0x00ab00ab, 0xab00ab00, 0xabababab, 0x80000000, 0x1fe00])
        sh = rng.choice(["", f", lsl #{rng.randint(1, 31)}", f", lsr #{rng.randint(1, 32)}",
                         f", asr #{rng.randint(1, 32)}", f", ror #{rng.randint(1, 31)}", ", rrx"])
        return rng.choice([f"{op}{s}{c}.w {d}, {n}, #{imm}", f"{op}{s}{c}.w {d}, {n}, {m}{sh}",
                           f"{rng.choice(SHIFT)}{s}{c}.w {d}, {n}, {m}",
                           f"{rng.choice(['tst', 'teq', 'cmp', 'cmn'])}{c}.w {n}, {m}{sh}"])
    if k == 6:
        d1, d2 = rng.sample(range(8), 2)
        return rng.choice([f"mla{c} {d}, {n}, {m}, {_r(rng)}", f"smull{c} r{d1}, r{d2}, {n}, {m}",
                           f"smlad{c} {d}, {n}, {m}, {_r(rng)}", f"sdiv{c} {d}, {n}, {m}",
                           f"smulwt{c} {d}, {n}, {m}"])
    if k == 7:
        return rng.choice([f"qdsub{c} {d}, {n}, {m}", f"usat16{c} {d}, #{rng.randrange(16)}, {n}",
                           f"shadd16{c} {d}, {n}, {m}", f"usub8{c} {d}, {n}, {m}",
                           f"sel{c} {d}, {n}, {m}", f"uxtab16{c} {d}, {n}, {m}, ror #16",
                           f"pkhtb{c} {d}, {n}, {m}, asr #{rng.randint(1, 32)}"])
    lsb = rng.randrange(32)
    w = rng.randint(1, 32 - lsb)
    return rng.choice([f"sbfx{c} {d}, {n}, #{lsb}, #{w}", f"bfc{c} {d}, #{lsb}, #{w}",
                       f"rev16{c} {d}, {n}", f"revsh{c} {d}, {n}", f"movw{c} {d}, #{rng.randrange(65536)}",
                       f"movt{c} {d}, #{rng.randrange(65536)}", f"addw{c} {d}, {n}, #{rng.randrange(4096)}"])


@needs_tools
@pytest.mark.parametrize("thumb", [False, True], ids=["a32", "thumb"])
@pytest.mark.parametrize("seed", [11, 12])
def test_random_sequences(thumb, seed):
    rng = random.Random(seed * 2 + thumb)
    gen = _thumb_insn if thumb else _a32_insn
    cases = [Case("; ".join(gen(rng) for _ in range(rng.randint(3, 10))), thumb=thumb)
             for _ in range(300)]
    check_batch(cases, seed=seed)
