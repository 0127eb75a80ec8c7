"""The ARM risu target: what the ISA-neutral harness needs for "a32" and "t32".

A target makes random steps and initial states, builds a test image for the
runner, compares and prints records, disassembles, and knows where qemu-arm
differs from the architecture (known.py).

Usage::

    from usermode.risu.arm.target import ArmTarget
    t = ArmTarget("t32")
    step = t.make_step(random.Random(1))
    img = t.build([("reload", t.random_init(rng)), ("step", step)], seed=1)
"""
from __future__ import annotations

import random
import struct
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

from ..generate import Step
from . import known, layout as L, state as S
from .image import Image, build_image
from .runner import runner
from .steps import StepMaker


class ArmTarget:
    arch = "arm"
    record_size = L.RECORD_SIZE

    def __init__(self, isa: str, only: Sequence[str] = (), exclude: Sequence[str] = (),
                 skip: Sequence[str] = (), mix=None):
        self.name = isa
        self.thumb = isa == "t32"
        self.maker = StepMaker(isa, only, exclude, skip, mix)

    # ---- generation ---------------------------------------------------------------------------
    def runner_path(self) -> Path:
        return runner().path

    def random_init(self, rng: random.Random) -> bytes:
        return S.random_record(rng)

    def make_step(self, rng: random.Random) -> Step:
        return self.maker.step(rng)

    def options(self) -> dict:
        """The generation options (to reproduce a batch: with the seed and a count
        above the step index)."""
        mk = self.maker
        return {k: sorted(v) for k, v in (("only", mk.only), ("exclude", mk.exclude),
                                          ("skip", mk.skip)) if v}

    def probe_step(self) -> Step:
        """A step every emulator must run: movw r0, #1."""
        return self.step_from_encodings(["f2400001" if self.thumb else "e3000001"], {})

    def build(self, plan, seed, flush_each: bool = False) -> Image:
        return build_image(plan, self.thumb, random.Random(f"pad:{seed}"), flush_each)

    # ---- records -------------------------------------------------------------------------------
    def same(self, a: bytes, b: bytes) -> bool:
        return S.same(a, b)

    def diff(self, a: bytes, b: bytes) -> List[str]:
        return S.diff(a, b)

    def call_index(self, rec: bytes) -> int:
        return S.call_index(rec)

    def named(self, rec: bytes):
        return S.to_named(rec)

    def from_named(self, named, base: bytes = b"") -> bytes:
        return S.from_named(named, base)

    def format_fields(self, rec: bytes, names: Sequence[str]) -> str:
        f = S.fields(rec)
        return "  ".join(f"{n}={S.fmt_value(n, f[n])}" for n in names if n != "mem")

    def format_state(self, rec: bytes, step: Optional[Step] = None) -> str:
        """The core registers and status words; the D registers and the
        scratch window only when the step uses them (or no step is given)."""
        f = S.fields(rec)
        names = S.REG_NAMES + ["apsr", "fpscr"]
        tags = set().union(*(i.desc.tags for i in step.insts)) if step else {"vfp", "mem"}
        if "vfp" in tags:
            names += [f"d{i}" for i in range(32)]
        text = S.describe(rec, names)
        if "mem" in tags:
            m = f["mem"]
            text += "\n" + "\n".join(f"mem[{L.MEM + o:#010x}]: {m[o:o + 32].hex()}"
                                      for o in range(0, len(m), 32))
        return text

    def format_mem_diff(self, a: bytes, b: bytes, label_a: str, label_b: str) -> List[str]:
        fa, fb = S.fields(a)["mem"], S.fields(b)["mem"]
        return [f"mem[{L.MEM + off:#010x}]: {label_a} {x.hex()}  {label_b} {y.hex()}"
                for off, x, y in S.mem_diff(fa, fb)]

    # ---- instructions --------------------------------------------------------------------------
    def inst_bytes(self, inst) -> bytes:
        if inst.size == 2:
            return struct.pack("<H", inst.word)
        if self.thumb:
            return struct.pack("<HH", inst.word >> 16, inst.word & 0xFFFF)
        return struct.pack("<I", inst.word)

    def disassemble(self, data: bytes, addr: int) -> str:
        import capstone
        md = capstone.Cs(capstone.CS_ARCH_ARM,
                         (capstone.CS_MODE_THUMB if self.thumb else capstone.CS_MODE_ARM)
                         | capstone.CS_MODE_V8)
        out = [f"{i.mnemonic} {i.op_str}".strip() for i in md.disasm(data, addr)]
        return "; ".join(out) if out else "(capstone: invalid)"

    def describe_step(self, step: Step, addr: int) -> List[str]:
        """One line per instruction: encoding, disassembly, description name."""
        lines = []
        for r, v in sorted(step.presets.items()):
            lines.append(f"  preset {S.REG_NAMES[r]} = {v:#010x}")
        a = addr + 4 * len(step.presets)
        for inst in step.insts:
            b = self.inst_bytes(inst)
            enc = f"{inst.word:08x}" if inst.size == 4 else f"{inst.word:04x}"
            lines.append(f"  {a:#010x}: {enc:<8}  {self.disassemble(b, a):<40} [{inst.desc.name}]")
            a += len(b)
        return lines

    def step_encodings(self, step: Step) -> List[str]:
        return [f"{i.word:08x}" if i.size == 4 else f"{i.word:04x}" for i in step.insts]

    def step_from_encodings(self, encs: Sequence[str], presets) -> Step:
        """A Step rebuilt from hex encodings (regression data)."""
        from ..describe import Inst
        insts = []
        for e in encs:
            w = int(e, 16)
            data = struct.pack("<H", w) if len(e) == 4 else (
                struct.pack("<HH", w >> 16, w & 0xFFFF) if self.thumb else struct.pack("<I", w))
            hit = self.maker.decode(data, self.thumb)
            if hit is None:
                raise ValueError(f"{self.name}: {e} matches no description")
            insts.append(Inst(hit[0], hit[1], w))
        return Step(insts, {int(r): v for r, v in presets.items()}, "regression")

    # ---- qemu-arm versus the architecture ------------------------------------------------------
    def known_qemu_difference(self, step: Step, pre: bytes, qemu: bytes) -> Optional[Tuple[str, bytes]]:
        """(reason, architecturally correct record) when qemu-arm is known to be
        wrong for this step and input, else None."""
        return known.check(self, step, pre, qemu)


def target(isa: str, only: Sequence[str] = (), exclude: Sequence[str] = (),
           skip: Sequence[str] = ()) -> ArmTarget:
    return ArmTarget(isa, only, exclude, skip)
