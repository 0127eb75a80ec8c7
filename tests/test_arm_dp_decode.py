"""Random encodings of every ALU pattern (trans_dp, trans_mul, trans_media,
trans_parallel) decoded by us and disassembled by capstone: same operation,
same registers.  Catches field-layout mistakes in encodings the differential
tests do not reach."""
from __future__ import annotations

import random
import re

import capstone
import pytest

from usermode.translate.arm import translate as T

MODULES = ("trans_dp", "trans_mul", "trans_media", "trans_parallel")
REGNAMES = {**{f"r{i}": i for i in range(16)}, "sb": 9, "sl": 10, "fp": 11, "ip": 12, "sp": 13,
            "lr": 14, "pc": 15}
PREFIX = {1: "s", 2: "q", 3: "sh", 5: "u", 6: "uq", 7: "uh"}
ALIASES = {
    "MOV": ("mov", "lsl", "lsr", "asr", "ror", "rrx"), "ADD": ("add", "adr"),
    "SUB": ("sub", "adr"), "ADR": ("adr", "add", "sub"), "RSB": ("rsb", "neg"),
    "PKH": ("pkhbt", "pkhtb"), "MOVW": ("movw", "mov"),
}


def _expected(pat, f):
    base = pat.name.split("_")[0]
    if pat.trans.__module__.endswith("trans_parallel"):
        return (PREFIX[f["kind"]] + base.lower(),)
    if base in ALIASES:
        return ALIASES[base]
    for suffix in ("xy", "wy"):
        if base.lower().endswith(suffix):
            return (base[:-2].lower() + ("w" if suffix == "wy" else ""),)
    return (base.lower(),)


def _mine(dec):
    return [p for p in dec.patterns if p.trans.__module__.rsplit(".", 1)[-1] in MODULES]


@pytest.mark.parametrize("isa", ["A32", "T32", "T16"])
def test_random_encodings_match_capstone(isa):
    T._load_tables()
    dec = getattr(T, isa)
    md = capstone.Cs(capstone.CS_ARCH_ARM,
                     capstone.CS_MODE_ARM if isa == "A32" else capstone.CS_MODE_THUMB)
    rng = random.Random(7)
    checked = 0
    problems = []
    for p in _mine(dec):
        for _ in range(60):
            insn = (rng.getrandbits(p.width) & ~p.mask) | p.value
            if isa == "A32":
                insn = (insn & 0x0FFFFFFF) | (rng.choice([0xE, rng.randrange(14)]) << 28)
            hit = dec.decode(insn)
            if hit is None or hit[0] is not p:
                continue
            ctx = T.DisasContext(0x1000, 0 if isa == "A32" else 1, lambda a, n: b"")
            ctx.insn, ctx.insn_len = insn, p.width // 8
            if not p.trans(ctx, hit[1]):
                continue             # rejected (UNPREDICTABLE): SIGILL, nothing to compare
            if isa == "T32":
                raw = (insn >> 16).to_bytes(2, "little") + (insn & 0xFFFF).to_bytes(2, "little")
            else:
                raw = insn.to_bytes(p.width // 8, "little")
            dis = list(md.disasm(raw, 0x1000))
            if not dis or dis[0].size != len(raw):
                continue             # capstone refuses (UNPREDICTABLE): nothing to compare
            mn, ops = dis[0].mnemonic.split(".")[0], dis[0].op_str
            want = _expected(p, hit[1])
            if not mn.startswith(want):
                problems.append(f"{p.name} {insn:#x}: capstone {mn} {ops}, want {want}")
                continue
            regs = {REGNAMES[r] for r in re.findall(r"\b(r\d+|sb|sl|fp|ip|sp|lr|pc)\b", ops)}
            fields = {v for k, v in hit[1].items()
                      if k in ("rd", "rn", "rm", "rs", "ra", "rdlo", "rdhi")}
            if p.name == "ADR" or "pc" in ops and p.name.startswith(("ADD", "SUB")):
                fields.add(15)
            if not regs <= fields:
                problems.append(f"{p.name} {insn:#x}: capstone {mn} {ops}, fields {hit[1]}")
            checked += 1
    assert not problems, "\n".join(problems[:30])
    assert checked > {"A32": 2000, "T32": 2000, "T16": 500}[isa]
