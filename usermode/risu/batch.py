"""Run one batch of random steps under qemu-arm and pyqemu and find the first
difference, minimised to the single step (instruction or short group) that
shows it.  ISA-neutral: the target (e.g. arm/target.py) builds the image
and reads records.

A batch is a plan: ("reload", initial state) items, each followed by a run
of ("step", Step) items; every step is followed by a state dump.  The two
traces are compared record by record.  At the first difference the step's
input state is the previous record (or the reloaded state), and the step is
re-run alone from that state under both emulators: ``alone`` says whether
the difference reproduces so.  When pyqemu dies (SIGILL on an encoding it
does not decode, a crash in the translator), the batch is re-run with the
trace flushed after every step to find the step it died on.

Where qemu-arm is known to be architecturally wrong for a step
(target.known_qemu_difference), pyqemu is compared against the pinned
correct result instead, and the rest of the batch restarts from that state.

Usage::

    from usermode.risu.batch import run_batch
    res = run_batch(ArmTarget("a32"), seed=1, count=1000)
    res.mismatch            # None, or a Mismatch (see report.py to print it)
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Tuple

from .emulators import Run, run
from .generate import Step

RELOAD_EVERY = (8, 32)          # steps between fresh random states


@dataclass
class Mismatch:
    isa: str
    seed: int
    item: int                       # plan index of the failing step
    step: Step
    addr: int
    pre: bytes                      # input state
    qemu: Optional[bytes]           # reference output (None: qemu-arm died)
    pyqemu: Optional[bytes]         # pyqemu output (None: pyqemu died)
    qemu_run: str = ""              # exit status (+ stderr tail) when it died
    pyqemu_run: str = ""
    alone: Optional[bool] = None    # reproduced when run alone from `pre`
    pinned: str = ""                # qemu-arm known wrong: why, and `qemu` is the pinned result
    note: str = ""                  # how it was minimised

    @property
    def kind(self) -> str:
        if self.qemu is None and self.pyqemu is None:
            return "both died"
        if self.qemu is None:
            return "qemu-arm died"
        if self.pyqemu is None:
            return "pyqemu died"
        return "state differs"


@dataclass
class BatchResult:
    isa: str
    seed: int
    steps: int                      # steps compared (all, or up to the mismatch)
    insts: int                      # instructions in those steps
    mismatch: Optional[Mismatch] = None
    pinned: List[str] = field(default_factory=list)
    seconds: dict = field(default_factory=lambda: {"qemu": 0.0, "pyqemu": 0.0})


def make_plan(target, rng: random.Random, count: int) -> List[Tuple[str, object]]:
    plan: List[Tuple[str, object]] = []
    left = 0
    for _ in range(count):
        if left == 0:
            plan.append(("reload", target.random_init(rng)))
            left = rng.randint(*RELOAD_EVERY)
        plan.append(("step", target.make_step(rng)))
        left -= 1
    return plan


def _records(target, out: bytes) -> List[bytes]:
    n = target.record_size
    return [out[i:i + n] for i in range(0, len(out) - n + 1, n)]


def _tail(r: Run) -> str:
    err = r.stderr.decode("utf-8", "replace").strip().splitlines()
    return r.status() + (f": {err[-1][:300]}" if err else "")


class _Runner:
    def __init__(self, target, seconds: dict):
        self.target = target
        self.seconds = seconds

    def __call__(self, emulator: str, blob: bytes) -> Run:
        r = run(emulator, self.target.arch, self.target.runner_path(), blob)
        self.seconds[emulator] = self.seconds.get(emulator, 0.0) + r.seconds
        return r


def _pre_state(plan, item: int, recs: List[bytes], rec_index: int) -> bytes:
    kind, prev = plan[item - 1]
    return prev if kind == "reload" else recs[rec_index - 1]


def _first_difference(target, rq: List[bytes], rp: List[bytes]) -> int:
    for k in range(min(len(rq), len(rp))):
        if not target.same(rq[k], rp[k]):
            return k
    return min(len(rq), len(rp))


def run_step_alone(target, step: Step, pre: bytes, seed: int, runner=None) -> Tuple[Run, Run, object]:
    """Run one step from the state `pre` under both emulators."""
    runner = runner or _Runner(target, {})
    img = target.build([("reload", pre), ("step", step)], seed)
    return runner("qemu", img.blob), runner("pyqemu", img.blob), img


def _alone(target, m: Mismatch, runner) -> None:
    q, p, img = run_step_alone(target, m.step, m.pre, m.seed, runner)
    rq, rp = _records(target, q.stdout), _records(target, p.stdout)
    if m.pinned:
        got = target.known_qemu_difference(m.step, m.pre, rq[0]) if rq else None
        rq = [got[1]] if got else rq
    if not rq:
        m.alone = not rp
    elif not rp:
        m.alone = True
    else:
        m.alone = not target.same(rq[0], rp[0])


def _shrink(target, m: Mismatch, runner) -> Mismatch:
    """A sequence that differs: run its instructions as single steps (a dump
    after each) from the same input; the first single step that differs is
    the minimal case.  If none does, the difference needs the instructions
    translated together, and the sequence is the minimal case."""
    if m.step.kind != "seq" or len(m.step.insts) < 2 or m.pinned:
        return m
    singles = [Step([m.step.insts[0]], dict(m.step.presets), "single")]
    singles += [Step([i], {}, "single") for i in m.step.insts[1:]]
    plan = [("reload", m.pre)] + [("step", st) for st in singles]
    img = target.build(plan, m.seed, flush_each=True)     # a crash keeps the records before it
    q, p = runner("qemu", img.blob), runner("pyqemu", img.blob)
    rq, rp = _records(target, q.stdout), _records(target, p.stdout)
    if len(rq) != len(singles):
        return m
    k = _first_difference(target, rq, rp)
    n = len(m.step.insts)
    if k >= len(singles):
        m.note = f"the {n} instructions differ only when translated together (one block)"
        return m
    pre = m.pre if k == 0 else rq[k - 1]
    small = Mismatch(m.isa, m.seed, m.item, singles[k], img.addrs[k + 1], pre, rq[k],
                     rp[k] if k < len(rp) else None, "", "" if k < len(rp) else _tail(p),
                     note=f"instruction {k + 1} of a sequence of {n} (step {m.item}), run alone")
    _alone(target, small, runner)
    return small


def run_plan(target, plan, seed: int, res: BatchResult, runner: _Runner) -> bool:
    """Check one plan; fills res; True when the plan had to restart (pinned)."""
    img = target.build(plan, seed)
    q = runner("qemu", img.blob)
    p = runner("pyqemu", img.blob)
    rq, rp = _records(target, q.stdout), _records(target, p.stdout)
    n = img.n_dumps
    if q.rc != 0 or len(rq) != n:
        img_f = target.build(plan, seed, flush_each=True)
        q = runner("qemu", img_f.blob)
        rq = _records(target, q.stdout)
    if (p.rc != 0 or len(rp) != n) and _first_difference(target, rq, rp) >= len(rp):
        img_f = target.build(plan, seed, flush_each=True)
        p = runner("pyqemu", img_f.blob)
        rp = _records(target, p.stdout)
    k = _first_difference(target, rq, rp)
    while k < n:
        item = img.item_of_record[k]
        step = plan[item][1]
        pre = _pre_state(plan, item, rq, k)
        known = target.known_qemu_difference(step, pre, rq[k]) if k < len(rq) else None
        if known and k < len(rp) and target.same(known[1], rp[k]):
            res.pinned.append(f"{'+'.join(i.desc.name for i in step.insts)}: {known[0]}")
            _count(res, plan, item + 1)
            rest = [("reload", rp[k])] + list(plan[item + 1:])
            if len(rest) > 1 and rest[1][0] == "reload":
                rest = rest[1:]
            if any(kind == "step" for kind, _ in rest):
                return run_plan(target, rest, seed + 1, res, runner) or True
            return True
        m = Mismatch(target.name, seed, item, step, img.addrs[item], pre,
                     known[1] if known else (rq[k] if k < len(rq) else None),
                     rp[k] if k < len(rp) else None,
                     "" if k < len(rq) else _tail(q), "" if k < len(rp) else _tail(p),
                     pinned=known[0] if known else "")
        _alone(target, m, runner)
        res.mismatch = _shrink(target, m, runner)
        _count(res, plan, item)
        return False
    _count(res, plan, len(plan))
    return False


def _count(res: BatchResult, plan, upto: int) -> None:
    for kind, item in plan[:upto]:
        if kind == "step":
            res.steps += 1
            res.insts += len(item.insts)


def run_batch(target, seed: int, count: int) -> BatchResult:
    """Generate `count` random steps from `seed` and check them."""
    rng = random.Random(f"{target.name}:{seed}")
    plan = make_plan(target, rng, count)
    res = BatchResult(target.name, seed, 0, 0)
    run_plan(target, plan, seed, res, _Runner(target, res.seconds))
    return res


def run_steps(target, steps: Sequence[Step], pre: bytes, seed: int = 0) -> BatchResult:
    """Check given steps (e.g. regression cases) from one initial state."""
    plan = [("reload", pre)] + [("step", s) for s in steps]
    res = BatchResult(target.name, seed, 0, 0)
    run_plan(target, plan, seed, res, _Runner(target, res.seconds))
    return res
