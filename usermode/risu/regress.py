"""Regression data: past mismatches kept as test cases (tests/risu_regressions/).

Two kinds of data:

* a case file ``<id>.json``: one step (encodings, presets, kind), its full
  input state as named hex fields, and ``expect``: the architecturally
  correct values of the fields that matter.  ``status`` is "pyqemu-bug"
  (open: the test is an expected failure until the translator is fixed),
  "fixed", or "qemu-bug" (qemu-arm is wrong; ``expect`` pins the correct
  result, which pyqemu must produce);
* ``seeds.json``: random batches (isa, seed, count, tags) that once showed a
  mismatch; they must now run clean.  A seed reproduces its instructions only
  while the description tables stay the same, so the case files are the
  precise record and the seeds a wider net.

``check_case`` runs a case's step alone under both emulators and returns the
problems found ([] when pyqemu is right).  ``case_from_mismatch`` turns a
mismatch (e.g. a ``--save`` line, see report.to_case) into a case dict.

Usage::

    python -m usermode.risu.regress saved.jsonl 3 my-case-id > tests/risu_regressions/my-case-id.json

    from usermode.risu.regress import load_cases, check_case
    for case in load_cases(Path("tests/risu_regressions")):
        print(case["id"], check_case(target_for(case), case))
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Dict, List, Optional

from .batch import _records, run_step_alone


def load_cases(directory: Path) -> List[Dict]:
    cases = []
    for p in sorted(Path(directory).glob("*.json")):
        if p.name == "seeds.json":
            continue
        case = json.loads(p.read_text())
        case.setdefault("id", p.stem)
        cases.append(case)
    return cases


def load_seeds(directory: Path) -> List[Dict]:
    p = Path(directory) / "seeds.json"
    return json.loads(p.read_text()) if p.exists() else []


def case_step(target, case: Dict):
    step = target.step_from_encodings(case["encodings"], case.get("presets", {}))
    step.kind = case.get("kind", "single")
    return step


def check_case(target, case: Dict) -> List[str]:
    """Problems with pyqemu's result for the case ([] when it is right)."""
    step = case_step(target, case)
    pre = target.from_named(case["input"])
    q, p, _img = run_step_alone(target, step, pre, seed=0)
    rq, rp = _records(target, q.stdout), _records(target, p.stdout)
    if not rq:
        return [f"qemu-arm did not run the case: {q.status()} {q.stderr[-300:]!r}"]
    if not rp:
        return [f"pyqemu died: {p.status()}: {p.stderr.decode('utf-8', 'replace')[-300:]}"]
    got, ref = target.named(rp[0]), target.named(rq[0])
    problems = []
    expect = case.get("expect", {})
    for k, v in expect.items():                  # the pinned architectural values
        if got[k].lower() != v.lower():
            problems.append(f"{k}: pyqemu {got[k]}, architecturally {v}")
    for k in ref:                                # everything else as qemu-arm
        if k not in expect and got[k] != ref[k]:
            problems.append(f"{k}: pyqemu {got[k]}, qemu-arm {ref[k]}")
    return problems


def case_from_mismatch(target, saved: Dict, case_id: str, status: str = "pyqemu-bug",
                       reason: str = "", fix: str = "", expect: Optional[Dict] = None) -> Dict:
    """A case dict from a --save line (report.to_case); ``expect`` defaults to
    qemu-arm's values of the fields that differ."""
    pre = bytes.fromhex(saved["input"])
    ref = bytes.fromhex(saved["qemu"]) if saved.get("qemu") else None
    got = bytes.fromhex(saved["pyqemu"]) if saved.get("pyqemu") else None
    if expect is None and ref is not None:
        names = target.diff(ref, got) if got is not None else target.diff(pre, ref)
        expect = {k: v for k, v in target.named(ref).items() if k in names}
    return {
        "id": case_id, "isa": saved["isa"], "status": status,
        "found": f"python -m usermode.risu --isa {saved['isa']} --seed {saved['seed']} "
                 f"--count {saved['step'] + 1} "
                 + "".join(f"--{k} {','.join(v)} " for k, v in saved.get("options", {}).items())
                 + f"(step {saved['step']})",
        "reason": reason, "fix": fix,
        "kind": saved.get("kind", "single"),
        "encodings": saved["encodings"], "disassembly": saved.get("disassembly", []),
        "presets": saved.get("presets", {}),
        "input": target.named(pre), "expect": expect or {},
    }


def main(argv=None) -> int:
    """python -m usermode.risu.regress SAVED.jsonl LINE ID: print a case file
    (status pyqemu-bug, expect = qemu-arm's values of the differing fields) for
    line LINE (1-based) of a --save file; edit reason/fix/expect, then put it
    in tests/risu_regressions/ID.json."""
    import argparse
    ap = argparse.ArgumentParser(prog="python -m usermode.risu.regress", description=main.__doc__)
    ap.add_argument("saved")
    ap.add_argument("line", type=int)
    ap.add_argument("id")
    a = ap.parse_args(argv)
    saved = json.loads(Path(a.saved).read_text().splitlines()[a.line - 1])
    from .cli import get_target
    print(json.dumps(case_from_mismatch(get_target(saved["isa"]), saved, a.id), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
