#!/usr/bin/env python3
"""Time pyqemu-arm against qemu-arm on the same static ARM binaries.

    python bench/run.py                     # 5 repetitions of each workload, table on stdout
    python bench/run.py -n 9 --json         # JSON document on stdout instead of the table
    python bench/run.py --workload startup  # one workload only

Workloads (built from bench/src/ into bench/build/, git-ignored):

* startup  -- a static hello world: loader, libc start-up, one write, exit.
* intloop  -- bench/src/intloop.c: linked lists, an integer matrix multiply,
              a table-driven state machine and CRC-32 in one loop, sized so
              that qemu-arm takes about a second.

For every workload the two emulators run alternately (pyqemu, qemu, pyqemu,
qemu, ...) after one untimed warm-up run each, so slow drifts of the machine
affect both alike. A run counts only if it exits with status 0 and prints what
qemu-arm's warm-up run printed; any other run is reported on stderr with its
status and the end of its stderr, and left out of the statistics. The table
shows the median wall time of each emulator and the median over repetitions
of the paired ratio pyqemu/qemu (both runs of a pair must have succeeded).

Exit status: 0 when every run succeeded, 3 when some runs failed (the table is
still printed), 2 when the benchmark could not be set up (no cross compiler or
qemu-arm).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SRC = HERE / "src"
BUILD = HERE / "build"
CC = os.environ.get("PYQEMU_CROSS_CC", "arm-linux-gnueabihf-gcc")
QEMU = os.environ.get("PYQEMU_QEMU_ARM", "qemu-arm")

WORKLOADS = {
    # name: (source, arguments)
    "startup": ("hello.c", []),
    "intloop": ("intloop.c", []),
}


def build(source: str, opt: str, isa: str) -> Path:
    """Compile bench/src/<source> statically; cached by a hash of source, flags and compiler."""
    cc = shutil.which(CC)
    if cc is None:
        raise SystemExit(f"bench: cross compiler {CC} not found (apt-get install gcc-arm-linux-gnueabihf)")
    flags = ["-static", f"-{opt}", f"-m{isa}", "-Wall"]
    src = SRC / source
    version = subprocess.run([cc, "-dumpfullversion"], capture_output=True, text=True).stdout.strip()
    key = hashlib.sha256(src.read_bytes() + " ".join(flags + [cc, version]).encode()).hexdigest()
    out = BUILD / f"{src.stem}-{opt}-{isa}"
    stamp = out.with_name(out.name + ".stamp")
    if out.is_file() and stamp.is_file() and stamp.read_text() == key:
        return out
    BUILD.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    proc = subprocess.run([cc, *flags, "-o", str(tmp), str(src)], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"bench: building {source} failed:\n{proc.stderr}")
    os.replace(tmp, out)
    stamp.write_text(key)
    return out


class Run:
    def __init__(self, seconds: float, returncode: Optional[int], stdout: bytes, stderr: bytes,
                 error: Optional[str] = None):
        self.seconds = seconds
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.error = error          # None when the run succeeded


def status_text(rc: Optional[int]) -> str:
    if rc is None:
        return "no status"
    return f"killed by signal {-rc}" if rc < 0 else f"exit status {rc}"


def timed_run(cmd: List[str], timeout: float, expect_stdout: Optional[bytes]) -> Run:
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout,
                              cwd=REPO)
    except subprocess.TimeoutExpired as e:
        return Run(time.perf_counter() - t0, None, e.stdout or b"", e.stderr or b"",
                   f"timed out after {timeout:g} s")
    except OSError as e:
        return Run(time.perf_counter() - t0, None, b"", b"", f"could not start: {e}")
    dt = time.perf_counter() - t0
    run = Run(dt, proc.returncode, proc.stdout, proc.stderr)
    if proc.returncode != 0:
        run.error = status_text(proc.returncode)
    elif expect_stdout is not None and proc.stdout != expect_stdout:
        run.error = "stdout differs from qemu-arm's"
    return run


def last_line(b: bytes) -> str:
    lines = b.decode("utf-8", "replace").strip().splitlines()
    return lines[-1][:200] if lines else "(no stderr)"


def median(xs: List[float]) -> Optional[float]:
    return statistics.median(xs) if xs else None


def bench_workload(name: str, binary: Path, args: List[str], runners: Dict[str, List[str]],
                   reps: int, timeout: float, log) -> dict:
    # untimed warm-up: qemu-arm's output is the reference for every later run
    warm_q = timed_run(runners["qemu"] + [str(binary), *args], timeout, None)
    if warm_q.error:
        log(f"{name}: qemu-arm warm-up run failed: {warm_q.error}: {last_line(warm_q.stderr)}")
    expect = None if warm_q.error else warm_q.stdout
    warm_p = timed_run(runners["pyqemu"] + [str(binary), *args], timeout, expect)
    if warm_p.error:
        log(f"{name}: pyqemu warm-up run failed: {warm_p.error}: {last_line(warm_p.stderr)}")

    times: Dict[str, List[Optional[float]]] = {"pyqemu": [], "qemu": []}
    failures: List[dict] = []
    for i in range(reps):
        for runner in ("pyqemu", "qemu"):        # A B A B ...
            run = timed_run(runners[runner] + [str(binary), *args], timeout, expect)
            if run.error:
                times[runner].append(None)
                failures.append({"runner": runner, "repetition": i + 1, "error": run.error,
                                 "stderr_tail": last_line(run.stderr)})
                log(f"{name}: {runner} run {i + 1} of {reps} failed after {run.seconds:.2f} s: "
                    f"{run.error}: {last_line(run.stderr)}")
            else:
                times[runner].append(run.seconds)
    ok = {r: [t for t in ts if t is not None] for r, ts in times.items()}
    ratios = [p / q for p, q in zip(times["pyqemu"], times["qemu"]) if p is not None and q is not None]
    return {
        "workload": name,
        "binary": os.path.relpath(binary, REPO),
        "args": args,
        "repetitions": reps,
        "expected_stdout": expect.decode("utf-8", "replace") if expect is not None else None,
        "seconds": {r: times[r] for r in times},
        "median_seconds": {r: median(ok[r]) for r in ok},
        "successful_runs": {r: len(ok[r]) for r in ok},
        "paired_ratios": ratios,
        "median_ratio_pyqemu_over_qemu": median(ratios),
        "failures": failures,
    }


def fmt_s(x: Optional[float]) -> str:
    return "-" if x is None else f"{x:.3f} s"


def table(results: List[dict]) -> str:
    head = ("workload", "qemu-arm median", "pyqemu median", "pyqemu/qemu (median of pairs)", "ok runs q/p")
    rows = [head]
    for r in results:
        ratio = r["median_ratio_pyqemu_over_qemu"]
        rows.append((r["workload"], fmt_s(r["median_seconds"]["qemu"]), fmt_s(r["median_seconds"]["pyqemu"]),
                     "n/a (no successful pair)" if ratio is None else f"{ratio:.2f}x",
                     f"{r['successful_runs']['qemu']}/{r['successful_runs']['pyqemu']} of {r['repetitions']}"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def git_commit() -> Optional[str]:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description="pyqemu-arm vs qemu-arm wall-time benchmark")
    ap.add_argument("-n", "--repetitions", type=int, default=5, help="timed runs per emulator (default 5)")
    ap.add_argument("--workload", action="append", choices=sorted(WORKLOADS),
                    help="run only this workload (repeatable)")
    ap.add_argument("--isa", choices=("arm", "thumb"), default="thumb", help="guest instruction set (default thumb)")
    ap.add_argument("--opt", choices=("O0", "O2", "Os"), default="O2", help="optimisation level (default O2)")
    ap.add_argument("--intloop-rounds", type=int, help="rounds for intloop (default: the program's own)")
    ap.add_argument("--timeout", type=float, default=600, help="seconds before a run counts as failed (600)")
    ap.add_argument("--pyqemu-cmd", default=None,
                    help="command for pyqemu (default: '<this python> -m usermode'; e.g. 'pyqemu-arm')")
    ap.add_argument("--json", action="store_true", help="print a JSON document instead of the table")
    a = ap.parse_args(argv)
    if a.repetitions < 1:
        ap.error("--repetitions must be at least 1")

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    if shutil.which(QEMU) is None:
        log(f"bench: reference emulator {QEMU} not found (apt-get install qemu-user)")
        return 2
    runners = {
        "qemu": [QEMU],
        "pyqemu": shlex.split(a.pyqemu_cmd) if a.pyqemu_cmd else [sys.executable, "-m", "usermode"],
    }
    results = []
    for name in a.workload or list(WORKLOADS):
        source, args = WORKLOADS[name]
        if name == "intloop" and a.intloop_rounds is not None:
            args = [str(a.intloop_rounds)]
        binary = build(source, a.opt, a.isa)
        if not a.json:
            log(f"{name}: {a.repetitions} x (pyqemu, qemu-arm) on {os.path.relpath(binary, REPO)} {' '.join(args)}")
        results.append(bench_workload(name, binary, args, runners, a.repetitions, a.timeout, log))

    qemu_version = subprocess.run([QEMU, "--version"], capture_output=True, text=True).stdout.splitlines()
    doc = {
        "commit": git_commit(),
        "python": platform.python_version(),
        "host": platform.machine(),
        "cpus": os.cpu_count(),
        "qemu_arm": qemu_version[0] if qemu_version else None,
        "pyqemu_command": runners["pyqemu"],
        "guest_build": f"{CC} -static -{a.opt} -m{a.isa}",
        "results": results,
    }
    if a.json:
        print(json.dumps(doc, indent=2))
    else:
        print(table(results))
    failed = sum(len(r["failures"]) for r in results)
    return 3 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
