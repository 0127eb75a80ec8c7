"""Command line of the risu-style differential tester.

    python -m usermode.risu --isa a32|t32|all [--seed N] [--count N] [--jobs N]
                            [--batch N] [--only TAG,...] [--exclude TAG,...]
                            [--skip NAME,...] [--mix seq=P,it=P,pair=P] [--save FILE]
                            [--quiet]

Generates ``count`` random steps per ISA from ``seed``, in batches of
``batch`` steps (batch i has seed ``seed + i``: ``--seed <that> --count
<batch>`` re-runs exactly that batch), runs each batch under qemu-arm and
pyqemu, and prints every mismatch minimised to its step, then a summary
(instructions tested per second, mismatches grouped by instruction).  Tags
select instruction classes (dp mul media sat par ext bitf misc mem ldm excl
acq swp vfp fp neon); ``--skip`` leaves out descriptions by name (to look
past a known failure).  ``--save`` appends each mismatch as one JSON line (the regression
data format of tests/risu_regressions/).  Exit status: 0 when nothing
differed, 1 otherwise, 2 when a tool is missing.

Usage::

    python -m usermode.risu --isa all --seed 1 --count 4000 --jobs 2
"""
from __future__ import annotations

import argparse
import concurrent.futures
import json
import random
import sys
import time
from collections import OrderedDict
from typing import List, Optional

from .batch import BatchResult, run_batch
from .emulators import missing
from .report import format_mismatch, summary_line, to_case

ISAS = ("a32", "t32")


def get_target(isa: str, only=(), exclude=(), skip=(), mix=None):
    from .arm.target import ArmTarget
    return ArmTarget(isa, only, exclude, skip, mix)


def _mix(s: Optional[str]):
    """'seq=0.5,it=0.2' -> {'seq': 0.5, 'it': 0.2}"""
    out = {}
    for part in (s or "").split(","):
        if part:
            k, v = part.split("=")
            out[k] = float(v)
    return out


def preflight(target) -> Optional[str]:
    """Why one trivial step does not run cleanly under both emulators (None if it does):
    a broken tree or a missing tool should not show up as thousands of mismatches."""
    from .batch import run_steps
    res = run_steps(target, [target.probe_step()], target.random_init(random.Random(0)))
    m = res.mismatch
    if m is None:
        return None
    who = "qemu-arm" if m.qemu is None else "pyqemu"
    return f"{who} fails on a trivial step: {m.qemu_run or m.pyqemu_run or m.kind}"


def _tags(s: Optional[str]) -> List[str]:
    return [t for t in (s or "").split(",") if t]


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m usermode.risu",
                                 description="random instruction differential testing "
                                             "of pyqemu against qemu-arm")
    ap.add_argument("--isa", default="all", help="a32, t32 or all (comma-separated)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=2000, help="steps per ISA")
    ap.add_argument("--batch", type=int, default=2000, help="steps per emulator run")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--only", help="only instructions with one of these tags")
    ap.add_argument("--exclude", help="no instructions with these tags")
    ap.add_argument("--skip", help="no instructions with these description names "
                                   "(e.g. known failures, to look past them)")
    ap.add_argument("--mix", help="step kind probabilities, e.g. seq=0.5,it=0.2,pair=0.03 "
                                  "(seq: instructions translated as one block)")
    ap.add_argument("--save", help="append mismatches as JSON lines to this file")
    ap.add_argument("--quiet", action="store_true", help="no per-batch progress lines")
    a = ap.parse_args(argv)
    isas = ISAS if a.isa == "all" else tuple(a.isa.split(","))
    for isa in isas:
        if isa not in ISAS:
            ap.error(f"unknown ISA {isa!r} (choose from {', '.join(ISAS)}, all)")
    why = missing("arm")
    if why:
        print(f"risu: cannot run: {why}", file=sys.stderr)
        return 2
    targets = {isa: get_target(isa, _tags(a.only), _tags(a.exclude), _tags(a.skip), _mix(a.mix))
               for isa in isas}
    for t in targets.values():
        t.runner_path()                       # build the runner once, up front
        problem = preflight(t)
        if problem:
            print(f"risu: cannot run {t.name}: {problem}", file=sys.stderr)
            return 2
    jobs = []
    for isa in isas:
        n_batches = (a.count + a.batch - 1) // a.batch
        for i in range(n_batches):
            n = min(a.batch, a.count - i * a.batch)
            jobs.append((isa, a.seed + i, n))
    t0 = time.monotonic()
    results: List[BatchResult] = []
    groups: "OrderedDict[tuple, list]" = OrderedDict()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        futs = [pool.submit(run_batch, targets[isa], seed, n) for isa, seed, n in jobs]
        for fut in concurrent.futures.as_completed(futs):
            r = fut.result()
            results.append(r)
            t = targets[r.isa]
            if not a.quiet:
                state = "ok" if r.mismatch is None else "MISMATCH"
                print(f"[{time.monotonic() - t0:7.1f}s] {r.isa} seed={r.seed}: {r.insts} "
                      f"instructions, {state}" + (f", {len(r.pinned)} pinned" if r.pinned else ""),
                      flush=True)
            for p in r.pinned:
                print(f"  note: qemu-arm differs from the architecture; pinned: {p}")
            if r.mismatch is not None:
                m = r.mismatch
                key = (m.isa, m.kind, tuple(i.desc.name for i in m.step.insts))
                groups.setdefault(key, []).append(m)
                if len(groups[key]) == 1:
                    print(format_mismatch(t, m), flush=True)
                if a.save:
                    with open(a.save, "a") as f:
                        f.write(json.dumps(to_case(t, m)) + "\n")
    wall = time.monotonic() - t0
    print("=" * 72)
    for isa in isas:
        rs = [r for r in results if r.isa == isa]
        secs = {k: sum(r.seconds.get(k, 0.0) for r in rs) for k in ("qemu", "pyqemu")}
        print(summary_line(isa, sum(r.steps for r in rs), sum(r.insts for r in rs), secs,
                           sum(1 for r in rs if r.mismatch)))
    total = sum(r.insts for r in results)
    cpu = sum(sum(r.seconds.values()) for r in results)
    print(f"total: {total} instructions in {wall:.1f} s wall ({total / wall:.0f}/s), "
          f"{cpu:.1f} s in the emulators, {len(jobs)} batches, {a.jobs} job(s)")
    if groups:
        print("mismatches by instruction:")
        for (isa, kind, names), ms in groups.items():
            print(f"  {isa} {'+'.join(names)}: {len(ms)} ({kind}); first: seed={ms[0].seed} "
                  f"step={ms[0].item}")
    return 1 if groups else 0
