"""Printing mismatches, and turning them into regression data.

A report shows the step (encodings, capstone disassembly, presets), how to
reproduce it (ISA, seed, step index), the input state, and the fields where
the outputs differ (with the input value alongside).  ``to_case`` gives the
regression-data form (tests/risu_regressions/*.json): the step's encodings
and presets, the input record, both outputs, as hex.

Usage::

    from usermode.risu.report import format_mismatch, to_case
    print(format_mismatch(target, m))
    json.dumps(to_case(target, m))
"""
from __future__ import annotations

from typing import Dict, List

from .batch import Mismatch


def format_mismatch(target, m: Mismatch) -> str:
    lines = [f"MISMATCH ({m.kind}) isa={m.isa} seed={m.seed} step={m.item}"
             + ("" if m.alone is None else
                (" -- reproduces alone from the input state" if m.alone
                 else " -- does NOT reproduce alone (depends on earlier steps)"))]
    lines += target.describe_step(m.step, m.addr)
    if m.note:
        lines.append(f"  ({m.note})")
    if m.pinned:
        lines.append(f"  qemu-arm is known to differ from the architecture here: {m.pinned}")
        lines.append("  (the 'qemu-arm' column below is the pinned architectural result)")
    ref, got = m.qemu, m.pyqemu
    if ref is None:
        lines.append(f"  qemu-arm: {m.qemu_run}")
    if got is None:
        lines.append(f"  pyqemu:   {m.pyqemu_run}")
    if ref is not None and got is not None:
        names = target.diff(ref, got)
        lines.append("  differing: " + ", ".join(names))
        regs = [n for n in names if n != "mem"]
        if regs:
            lines.append("    input:    " + target.format_fields(m.pre, regs))
            lines.append("    qemu-arm: " + target.format_fields(ref, regs))
            lines.append("    pyqemu:   " + target.format_fields(got, regs))
        if "mem" in names:
            lines += ["    " + s for s in target.format_mem_diff(ref, got, "qemu-arm", "pyqemu")]
    changed = [n for n in (target.diff(m.pre, ref) if ref is not None else []) if n != "mem"]
    if changed:
        lines.append("  qemu-arm changed: " + target.format_fields(ref, changed))
    lines.append("  input state:")
    lines += ["    " + ln for ln in target.format_state(m.pre, m.step).splitlines()]
    return "\n".join(lines)


def to_case(target, m: Mismatch, **extra) -> Dict:
    case = {
        "isa": m.isa,
        "seed": m.seed,
        "step": m.item,
        "options": target.options(),
        "kind": m.step.kind,
        "encodings": target.step_encodings(m.step),
        "disassembly": [ln.strip() for ln in target.describe_step(m.step, m.addr)],
        "presets": {str(r): v for r, v in sorted(m.step.presets.items())},
        "input": m.pre.hex(),
        "qemu": m.qemu.hex() if m.qemu is not None else None,
        "pyqemu": m.pyqemu.hex() if m.pyqemu is not None else None,
        "pyqemu_run": m.pyqemu_run,
        "pinned": m.pinned,
        "note": m.note,
    }
    case.update(extra)
    return case


def summary_line(isa: str, steps: int, insts: int, seconds: dict, mismatches: int) -> str:
    """One ISA's totals; `seconds` is the time spent in each emulator."""
    emu = ", ".join(f"{k} {v:.0f} s" for k, v in sorted(seconds.items()))
    return (f"{isa}: {insts} instructions in {steps} steps, {mismatches} mismatch(es) "
            f"(emulator time: {emu})")
