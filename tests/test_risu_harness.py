"""The risu harness against real emulators: a record holds what the step
computed; a real difference is found, minimised to its step and reported;
a known qemu-arm deviation is pinned and the batch goes on from the pinned
state.  Two qemu-arm CPU models stand in for "a broken pyqemu" (no mocks):
cortex-a9 has no SDIV/UDIV (SIGILL), and cortex-a15's FPSCR has no FZ16
bit (19), which the default "max" CPU keeps."""
from __future__ import annotations

import random
import shutil

import pytest

from usermode.risu.arm.runner import CC
from usermode.risu.emulators import QEMU, missing

needs_tools = pytest.mark.skipif(
    missing("arm") is not None or shutil.which(CC) is None,
    reason=f"needs qemu-arm and {CC} (apt-get install qemu-user gcc-arm-linux-gnueabihf)")


def _target(isa, **kw):
    from usermode.risu.arm.target import ArmTarget
    return ArmTarget(isa, **kw)


@needs_tools
def test_record_holds_the_result():
    """movw r3, #0x1234; adds r2, r1, r3 from a known state: r2, r3 and the
    flags in the dumped record are what the ARM ARM says, under both."""
    from usermode.risu.arm import state as S
    from usermode.risu.batch import _records, run_step_alone
    t = _target("a32")
    pre = S.from_named({"r1": "7fffff00", "apsr": "00000000"}, t.random_init(random.Random(1)))
    st = t.step_from_encodings(["e3013234", "e0912003"], {})
    q, p, _ = run_step_alone(t, st, pre, 0)
    for r in (q, p):
        rec = _records(t, r.stdout)[0]
        f = S.fields(rec)
        assert (f["r3"], f["r2"], f["apsr"] >> 28) == (0x1234, 0x80001134, 0b1001)
        assert S.diff(pre, rec) == ["r2", "r3", "apsr"]


@needs_tools
def test_finds_and_minimises_a_crash(monkeypatch):
    """qemu-arm -cpu cortex-a9 in the place of pyqemu: the first divide kills
    it; the tool reports that step, alone, as 'pyqemu died' with SIGILL."""
    from usermode.risu.batch import run_batch
    from usermode.risu.report import format_mismatch
    monkeypatch.setenv("PYQEMU_TEST_CMD", f"{QEMU['arm']} -cpu cortex-a9")
    t = _target("a32", only=("mul",))
    res = run_batch(t, 3, 300)
    m = res.mismatch
    assert m is not None and m.kind == "pyqemu died" and m.alone
    assert {"SDIV", "UDIV"} & {i.desc.name for i in m.step.insts}
    assert "SIGILL" in m.pyqemu_run
    text = format_mismatch(t, m)
    assert "div" in text and "input state" in text


def _fz16_steps(t):
    from usermode.risu.generate import Step
    vmsr = t.step_from_encodings(["eee10a10"], {0: 0xFFFFFFFF})       # vmsr fpscr, r0
    vmrs = t.step_from_encodings(["eef11a10"], {})                    # vmrs r1, fpscr
    movw = t.step_from_encodings(["e3002001"], {})                    # movw r2, #1
    return [vmsr, movw, vmrs, movw]


@needs_tools
def test_state_difference_is_reported(monkeypatch):
    from usermode.risu.batch import run_steps
    monkeypatch.setenv("PYQEMU_TEST_CMD", f"{QEMU['arm']} -cpu cortex-a15")
    t = _target("a32")
    res = run_steps(t, _fz16_steps(t), t.random_init(random.Random(2)))
    m = res.mismatch
    assert m is not None and m.kind == "state differs" and m.item == 1 and m.alone
    assert t.diff(m.qemu, m.pyqemu) == ["fpscr"]
    assert t.named(m.qemu)["fpscr"] == "ffff009f" and t.named(m.pyqemu)["fpscr"] == "fff7009f"


@needs_tools
def test_known_qemu_deviation_is_pinned(monkeypatch):
    """Pretend qemu-arm "max" is wrong to keep FPSCR bit 19: with a known.py
    entry saying so, the cortex-a15 result is the pinned one, the tool notes
    it, and the rest of the batch runs from the pinned state without a
    mismatch."""
    from usermode.risu.arm import known
    from usermode.risu.batch import run_steps
    monkeypatch.setenv("PYQEMU_TEST_CMD", f"{QEMU['arm']} -cpu cortex-a15")

    def fix(target, step, pre, qemu):
        v = int(target.named(qemu)["fpscr"], 16) & ~(1 << 19)
        return target.from_named({"fpscr": f"{v:08x}"}, qemu)

    monkeypatch.setattr(known, "KNOWN", [known.Known(frozenset({"VMSR"}), "test: no FZ16", fix)])
    t = _target("a32")
    res = run_steps(t, _fz16_steps(t), t.random_init(random.Random(2)))
    assert res.mismatch is None
    assert res.pinned == ["VMSR: test: no FZ16"]
    assert res.steps == 4
