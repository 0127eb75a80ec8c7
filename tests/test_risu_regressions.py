"""Past risu mismatches (tests/risu_regressions/, see its README.md): each case
file is run alone under pyqemu and qemu-arm, and pyqemu must give the
architectural result (the case's ``expect``) and agree with qemu-arm on every
other field; each seed must replay without a mismatch.  Open pyqemu bugs are
strict expected failures, named with the fix they need.  Cases and seeds run
under both translation tiers (conftest.py: both_tiers)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from usermode.risu.arm.runner import CC
from usermode.risu.emulators import missing
from usermode.risu.regress import check_case, load_cases, load_seeds

DATA = Path(__file__).parent / "risu_regressions"
needs_tools = pytest.mark.skipif(
    missing("arm") is not None or shutil.which(CC) is None,
    reason=f"needs qemu-arm and {CC} (apt-get install qemu-user gcc-arm-linux-gnueabihf)")


def _marks(entry):
    if entry.get("status") == "pyqemu-bug":
        return [pytest.mark.xfail(strict=True, reason=f"open pyqemu bug: {entry.get('fix', entry.get('reason', ''))[:200]}")]
    return []


CASES = [pytest.param(c, id=c["id"], marks=_marks(c)) for c in load_cases(DATA)]
SEEDS = [pytest.param(s, id=f"{s['isa']}-{s['seed']}", marks=_marks(s)) for s in load_seeds(DATA)]


def _target(isa, only=(), exclude=()):
    from usermode.risu.arm.target import ArmTarget
    return ArmTarget(isa, only, exclude)


def test_cases_are_well_formed():
    for c in load_cases(DATA):
        assert c["status"] in ("pyqemu-bug", "latent", "fixed", "qemu-bug"), c["id"]
        assert c["reason"] and c["encodings"] and c["expect"], c["id"]
        if c["status"] == "pyqemu-bug":
            assert c["fix"], c["id"]
        t = _target(c["isa"])
        t.step_from_encodings(c["encodings"], c.get("presets", {}))   # decodes
        rec = t.from_named(c["input"])
        assert t.named(rec) == {k: v.lower() for k, v in c["input"].items()}, c["id"]


@needs_tools
@pytest.mark.usefixtures("both_tiers")
@pytest.mark.parametrize("case", CASES)
def test_case(case):
    problems = check_case(_target(case["isa"]), case)
    assert not problems, f"{case['id']}: {case['reason']}\n" + "\n".join(problems)


@needs_tools
@pytest.mark.usefixtures("both_tiers")
@pytest.mark.parametrize("entry", SEEDS)
def test_seed(entry):
    from usermode.risu.batch import run_batch
    from usermode.risu.report import format_mismatch
    t = _target(entry["isa"], entry.get("only", ()), entry.get("exclude", ()))
    batch = entry.get("batch", entry["count"])
    seed, left = entry["seed"], entry["count"]
    while left > 0:
        res = run_batch(t, seed, min(batch, left))
        assert res.mismatch is None, "\n" + format_mismatch(t, res.mismatch)
        seed, left = seed + 1, left - batch
