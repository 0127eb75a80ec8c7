#!/usr/bin/env python3
"""Time pyqemu-arm against qemu-arm on the same ARM binaries, alternating them.

    python bench/run.py                     # every workload, 5 pairs each, table on stdout
    python bench/run.py -n 9 --json r.json  # also write a JSON document
    python bench/run.py --plot bench/results.png   # and a PNG bar chart (needs matplotlib)
    python bench/run.py --workload startup --workload syscall
    python bench/run.py --list              # the workloads

Workloads (C sources in bench/src/, built into bench/build/, git-ignored; the
real programs come from Debian armhf packages, see bench/debian.py):

* startup       a static hello world (translation cache warm after the warm-up run)
* startup-cold  the same with PYQEMU_TCACHE=0: every run translates everything
* intloop       linked lists, integer matrix multiply, a state machine, CRC-32
* sha256        SHA-256 of 24 MiB
* nbody         n-body in double precision (VFP)
* neon          a NEON kernel (-O3 -mfpu=neon -ftree-vectorize: float FIR and dot
                product with intrinsics, u8 alpha blend, auto-vectorised int16 code)
* syscall       getppid() and 1-byte writes to /dev/null in a loop
* strings       memcpy/memmove/memset/strlen/strcmp/strchr/strcpy
* gzip          busybox gzip -c of a 20 MiB text file (busybox-static:armhf)
* sqlite3       an SQL query over 100000 generated rows (sqlite3:armhf, dynamic)
* lua           a Lua 5.4 loop (lua5.4:armhf, dynamic)
* python3       a Python 3.11 loop (python3.11-minimal:armhf, dynamic)

For every workload the two emulators run alternately (pyqemu, qemu, pyqemu,
qemu, ...) after one untimed warm-up run each, so slow drifts of the machine
hit both alike (and pyqemu's persistent translation cache is warm, as it is
for any program run twice; startup-cold shows the cold case).  A run counts
only if it exits with status 0 and prints what qemu-arm's warm-up run
printed.  Reported per workload: the median wall time of each emulator, the
median over repetitions of the paired ratio pyqemu/qemu of wall time and of
CPU time (user + system, from wait4), and the median peak RSS of each.  With
--translation-stats (default) one more pyqemu run per workload, with the
translation cache off, measures the translator: guest instructions
translated and instructions per second of translation time.

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
import tempfile
import time
from pathlib import Path
from typing import Dict, List, NamedTuple, Optional, Tuple

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SRC = HERE / "src"
BUILD = HERE / "build"
CC = os.environ.get("PYQEMU_CROSS_CC", "arm-linux-gnueabihf-gcc")
QEMU = os.environ.get("PYQEMU_QEMU_ARM", "qemu-arm")
GZIP_INPUT_MIB = 20

SQL = ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000) "
       "SELECT count(*), sum(x * x % 1000), max(length(printf('%x', x))) FROM c;")
LUA = ("local s, t = 0, {} for i = 1, 2000000 do s = s + i % 7 "
       "if i % 1000 == 0 then t[#t + 1] = s end end print(s, #t)")
PY = "s = 0\nfor i in range(150000):\n    s += i * i % 7\nprint(s)"


class Workload(NamedTuple):
    source: Optional[str]            # bench/src/<source> (C), or None for a real program
    args: Tuple[str, ...]
    program: Optional[str] = None    # a real program: its path in the Debian root
    pyqemu_env: Tuple[Tuple[str, str], ...] = ()
    libs: Tuple[str, ...] = ()
    target: Optional[float] = None   # acceptance: median paired ratio at most this
    cflags: Tuple[str, ...] = ()     # extra compiler flags (after -O<opt>)


WORKLOADS: Dict[str, Workload] = {
    "startup": Workload("hello.c", (), target=5.0),
    "startup-cold": Workload("hello.c", (), pyqemu_env=(("PYQEMU_TCACHE", "0"),), target=15.0),
    "intloop": Workload("intloop.c", (), target=1.5),
    "sha256": Workload("sha256.c", (), target=1.5),
    "nbody": Workload("nbody.c", (), libs=("-lm",), target=0.5),
    "neon": Workload("neon.c", (), cflags=("-O3", "-mfpu=neon", "-ftree-vectorize")),
    "syscall": Workload("syscall.c", (), target=2.0),
    "strings": Workload("strings.c", ()),
    "gzip": Workload(None, ("gzip", "-c", "{gzip_input}"), program="/bin/busybox", target=2.0),
    "sqlite3": Workload(None, (":memory:", SQL), program="/usr/bin/sqlite3", target=2.0),
    "lua": Workload(None, ("-e", LUA), program="/usr/bin/lua5.4", target=2.0),
    "python3": Workload(None, ("-S", "-c", PY), program="/usr/bin/python3.11", target=2.0),
}


def build(source: str, opt: str, isa: str, libs=(), cflags=()) -> Path:
    """Compile bench/src/<source> statically; cached by a hash of source, flags and compiler."""
    cc = shutil.which(CC)
    if cc is None:
        raise SystemExit(f"bench: cross compiler {CC} not found (apt-get install gcc-arm-linux-gnueabihf)")
    flags = ["-static", f"-{opt}", f"-m{isa}", "-Wall", *cflags]
    src = SRC / source
    version = subprocess.run([cc, "-dumpfullversion"], capture_output=True, text=True).stdout.strip()
    key = hashlib.sha256(src.read_bytes() + " ".join(flags + list(libs) + [cc, version]).encode()).hexdigest()
    out = BUILD / f"{src.stem}-{opt}-{isa}"
    stamp = out.with_name(out.name + ".stamp")
    if out.is_file() and stamp.is_file() and stamp.read_text() == key:
        return out
    BUILD.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    proc = subprocess.run([cc, *flags, "-o", str(tmp), str(src), *libs], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"bench: building {source} failed:\n{proc.stderr}")
    os.replace(tmp, out)
    stamp.write_text(key)
    return out


def gzip_input() -> Path:
    """A deterministic 20 MiB text file (words of a pseudo-random vocabulary),
    made by a child process (this one stays small)."""
    path = BUILD / f"gzip-input-{GZIP_INPUT_MIB}m.txt"
    if not (path.is_file() and path.stat().st_size == GZIP_INPUT_MIB << 20):
        BUILD.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(Path(__file__)), "--make-gzip-input", str(path)],
                       check=True)
    return path


def _make_gzip_input(path: Path) -> None:
    x = 2463534242
    def rnd():
        nonlocal x
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        return x
    words = ["".join(chr(97 + rnd() % 26) for _ in range(2 + rnd() % 8)) for _ in range(5000)]
    parts, n = [], 0
    while n < GZIP_INPUT_MIB << 20:
        line = " ".join(words[rnd() % 5000] for _ in range(12)) + "\n"
        parts.append(line)
        n += len(line)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    tmp.write_bytes("".join(parts).encode()[:GZIP_INPUT_MIB << 20])
    os.replace(tmp, path)


class Run:
    def __init__(self, seconds: float, cpu: float, maxrss_kb: int, returncode: Optional[int],
                 stdout: bytes, stderr: bytes, error: Optional[str] = None):
        self.seconds, self.cpu, self.maxrss_kb = seconds, cpu, maxrss_kb
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.error = error          # None when the run succeeded


def status_text(rc: Optional[int]) -> str:
    if rc is None:
        return "no status"
    return f"killed by signal {-rc}" if rc < 0 else f"exit status {rc}"


def measure_tool() -> Path:
    """bench/measure.c built for the host (cached): runs a command, reports its
    wall time, CPU time and peak RSS."""
    out = BUILD / "measure"
    src = HERE / "measure.c"
    stamp = out.with_name("measure.stamp")
    key = hashlib.sha256(src.read_bytes()).hexdigest()
    if out.is_file() and stamp.is_file() and stamp.read_text() == key:
        return out
    BUILD.mkdir(parents=True, exist_ok=True)
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        raise SystemExit("bench: no host C compiler (cc) for bench/measure.c")
    tmp = out.with_name(f".measure.{os.getpid()}.tmp")
    subprocess.run([cc, "-O2", "-o", str(tmp), str(src)], check=True)
    os.replace(tmp, out)
    stamp.write_text(key)
    return out


def timed_run(cmd: List[str], timeout: float, expect_stdout: Optional[bytes],
              env: Optional[Dict[str, str]] = None) -> Run:
    """Run cmd (stdin /dev/null, from the repository root) under bench/measure.c:
    wall time, CPU time (user + system) and peak RSS of that process alone."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(prefix="measure-") as rep:
        t0 = time.perf_counter()
        try:
            p = subprocess.run([str(measure_tool()), rep.name, *cmd], stdin=subprocess.DEVNULL,
                               stdout=out, stderr=err, cwd=REPO, env=env, timeout=timeout)
        except subprocess.TimeoutExpired:
            out.seek(0), err.seek(0)
            return Run(time.perf_counter() - t0, 0.0, 0, None, out.read(), err.read(),
                       f"timed out after {timeout:g} s")
        except OSError as e:
            return Run(0.0, 0.0, 0, None, b"", b"", f"could not start: {e}")
        out.seek(0), err.seek(0)
        fields = rep.read().split()
        if len(fields) != 4:
            return Run(time.perf_counter() - t0, 0.0, 0, p.returncode, out.read(), err.read(),
                       f"could not start ({status_text(p.returncode)})")
        wall, cpu, rss, code = float(fields[0]), float(fields[1]), int(fields[2]), int(fields[3])
        rc = -(code - 128) if code > 128 else code
        run = Run(wall, cpu, rss, rc, out.read(), err.read())
    if rc != 0:
        run.error = status_text(rc)
    elif expect_stdout is not None and run.stdout != expect_stdout:
        run.error = "stdout differs from qemu-arm's"
    return run


def last_line(b: bytes) -> str:
    lines = b.decode("utf-8", "replace").strip().splitlines()
    return lines[-1][:200] if lines else "(no stderr)"


def median(xs: List[float]) -> Optional[float]:
    return statistics.median(xs) if xs else None


def translation_stats(pyqemu_prefix: List[str], target: List[str], timeout: float,
                      env: Dict[str, str]) -> Optional[dict]:
    """One cold pyqemu run under bench/stats_driver.py (translation cache off)."""
    cmd = [sys.executable, str(HERE / "stats_driver.py"), *pyqemu_prefix, *target]
    run = timed_run(cmd, timeout, None, dict(env, PYQEMU_TCACHE="0"))
    for line in run.stderr.decode("utf-8", "replace").splitlines():
        if line.startswith("PYQEMU-STATS "):
            return json.loads(line[len("PYQEMU-STATS "):])
    return None


def bench_workload(name: str, wl: Workload, target: List[str], runners: Dict[str, List[str]],
                   pyqemu_env: Dict[str, str], reps: int, timeout: float, stats: bool,
                   log) -> dict:
    cmds = {r: runners[r] + target for r in runners}
    envs = {"qemu": dict(os.environ), "pyqemu": dict(pyqemu_env, **dict(wl.pyqemu_env))}
    # untimed warm-up: qemu-arm's output is the reference for every later run
    warm_q = timed_run(cmds["qemu"], timeout, None, envs["qemu"])
    if warm_q.error:
        log(f"{name}: qemu-arm warm-up run failed: {warm_q.error}: {last_line(warm_q.stderr)}")
    expect = None if warm_q.error else warm_q.stdout
    warm_p = timed_run(cmds["pyqemu"], timeout, expect, envs["pyqemu"])
    if warm_p.error:
        log(f"{name}: pyqemu warm-up run failed: {warm_p.error}: {last_line(warm_p.stderr)}")

    runs: Dict[str, List[Optional[Run]]] = {"pyqemu": [], "qemu": []}
    failures: List[dict] = []
    for i in range(reps):
        for runner in ("pyqemu", "qemu"):        # A B A B ...
            run = timed_run(cmds[runner], timeout, expect, envs[runner])
            if run.error:
                runs[runner].append(None)
                failures.append({"runner": runner, "repetition": i + 1, "error": run.error,
                                 "stderr_tail": last_line(run.stderr)})
                log(f"{name}: {runner} run {i + 1} of {reps} failed after {run.seconds:.2f} s: "
                    f"{run.error}: {last_line(run.stderr)}")
            else:
                runs[runner].append(run)
    ok = {r: [x for x in rs if x is not None] for r, rs in runs.items()}
    pairs = [(p, q) for p, q in zip(runs["pyqemu"], runs["qemu"]) if p is not None and q is not None]
    ratios = [p.seconds / q.seconds for p, q in pairs]
    cpu_ratios = [p.cpu / q.cpu for p, q in pairs if q.cpu > 0]
    tstats = None
    if stats:
        pfx = runners["pyqemu"][len(runners["pyqemu_base"]):]      # pyqemu's own options (-L ...)
        tstats = translation_stats(pfx, target, timeout, envs["pyqemu"])
    return {
        "workload": name,
        "command": target,
        "pyqemu_env": dict(wl.pyqemu_env),
        "repetitions": reps,
        "expected_stdout_head": expect.decode("utf-8", "replace")[:300] if expect is not None else None,
        "seconds": {r: [x.seconds if x else None for x in rs] for r, rs in runs.items()},
        "cpu_seconds": {r: [x.cpu if x else None for x in rs] for r, rs in runs.items()},
        "median_seconds": {r: median([x.seconds for x in ok[r]]) for r in ok},
        "median_cpu_seconds": {r: median([x.cpu for x in ok[r]]) for r in ok},
        "median_maxrss_mb": {r: median([x.maxrss_kb / 1024 for x in ok[r]]) for r in ok},
        "successful_runs": {r: len(ok[r]) for r in ok},
        "paired_ratios": ratios,
        "median_ratio_pyqemu_over_qemu": median(ratios),
        "median_cpu_ratio_pyqemu_over_qemu": median(cpu_ratios),
        "target": wl.target,
        "translation": tstats,
        "failures": failures,
    }


def fmt_s(x: Optional[float]) -> str:
    return "-" if x is None else f"{x:.3f} s"


def fmt_x(x: Optional[float]) -> str:
    return "-" if x is None else f"{x:.2f}x"


def table(results: List[dict], markdown: bool = False) -> str:
    head = ("workload", "qemu-arm", "pyqemu", "ratio (wall)", "ratio (CPU)", "target",
            "peak RSS q/p", "translated", "insns/s", "ok q/p")
    rows = [head]
    for r in results:
        t = r.get("translation") or {}
        rss = r["median_maxrss_mb"]
        rows.append((
            r["workload"], fmt_s(r["median_seconds"]["qemu"]), fmt_s(r["median_seconds"]["pyqemu"]),
            fmt_x(r["median_ratio_pyqemu_over_qemu"]), fmt_x(r["median_cpu_ratio_pyqemu_over_qemu"]),
            "-" if r["target"] is None else f"<= {r['target']:g}",
            "-" if rss["pyqemu"] is None or rss["qemu"] is None else
            f"{rss['qemu']:.0f}/{rss['pyqemu']:.0f} MB",
            "-" if not t else f"{t['insns']} insns",
            "-" if not t or not t.get("insns_per_second") else f"{t['insns_per_second']:.0f}",
            f"{r['successful_runs']['qemu']}/{r['successful_runs']['pyqemu']} of {r['repetitions']}"))
    if markdown:
        out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        out += ["| " + " | ".join(row) + " |" for row in rows[1:]]
        return "\n".join(out)
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def plot(results: List[dict], path: str, title: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    rs = [r for r in results if r["median_ratio_pyqemu_over_qemu"] is not None]
    names = [r["workload"] for r in rs]
    wall = [r["median_ratio_pyqemu_over_qemu"] for r in rs]
    cpu = [r["median_cpu_ratio_pyqemu_over_qemu"] or 0 for r in rs]
    fig, ax = plt.subplots(figsize=(max(6, 0.9 * len(rs) + 2), 4.2))
    xs = range(len(rs))
    ax.bar([x - 0.2 for x in xs], wall, 0.4, label="wall time", color="#4878a8")
    ax.bar([x + 0.2 for x in xs], cpu, 0.4, label="CPU time", color="#a0c0e0")
    for x, r in zip(xs, rs):
        if r["target"] is not None:
            ax.plot([x - 0.45, x + 0.45], [r["target"]] * 2, color="#c03030", lw=2)
    ax.axhline(1.0, color="black", lw=0.8)
    ax.set_yscale("log")
    ax.set_xticks(list(xs))
    ax.set_xticklabels(names, rotation=30, ha="right")
    ax.set_ylabel("pyqemu / qemu-arm (median of pairs, log)")
    ax.set_title(title, fontsize=9)
    ax.plot([], [], color="#c03030", lw=2, label="acceptance target")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def git_commit() -> Optional[str]:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def default_pyqemu_cmd() -> List[str]:
    """The installed pyqemu-arm of this python's environment (a venv's bin/),
    as users start it; else this python with -m usermode (start-up then also
    pays for this interpreter's site set-up and for running a package from a
    source tree)."""
    script = Path(sys.executable).parent / "pyqemu-arm"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "usermode"]


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description="pyqemu-arm vs qemu-arm benchmark")
    ap.add_argument("-n", "--repetitions", type=int, default=5, help="timed runs per emulator (default 5)")
    ap.add_argument("--workload", action="append", choices=sorted(WORKLOADS),
                    help="run only this workload (repeatable)")
    ap.add_argument("--list", action="store_true", help="list the workloads and exit")
    ap.add_argument("--isa", choices=("arm", "thumb"), default="thumb", help="guest instruction set (default thumb)")
    ap.add_argument("--opt", choices=("O0", "O2", "Os"), default="O2", help="optimisation level (default O2)")
    ap.add_argument("--intloop-rounds", type=int, help="rounds for intloop (default: the program's own)")
    ap.add_argument("--timeout", type=float, default=900, help="seconds before a run counts as failed (900)")
    ap.add_argument("--pyqemu-cmd", default=None,
                    help="command for pyqemu (default: the pyqemu-arm installed beside this "
                         "python, as a user runs it, else '<this python> -m usermode')")
    ap.add_argument("--pyqemu-env", action="append", default=[], metavar="VAR=VALUE",
                    help="environment of the pyqemu runs (repeatable), e.g. PYQEMU_FASTSYS=1")
    ap.add_argument("--no-translation-stats", dest="stats", action="store_false",
                    help="skip the extra cold run that measures the translator")
    ap.add_argument("--json", metavar="FILE", help="write the JSON document to FILE ('-': stdout)")
    ap.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    ap.add_argument("--plot", metavar="PNG", help="draw the ratios into a PNG (needs matplotlib)")
    a = ap.parse_args(argv)
    if a.list:
        for name, wl in WORKLOADS.items():
            what = wl.source or wl.program
            print(f"{name:13s} {what} {' '.join(wl.args)[:60]}")
        return 0
    if a.repetitions < 1:
        ap.error("--repetitions must be at least 1")

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    if shutil.which(QEMU) is None:
        log(f"bench: reference emulator {QEMU} not found (apt-get install qemu-user)")
        return 2
    pyqemu_base = shlex.split(a.pyqemu_cmd) if a.pyqemu_cmd else default_pyqemu_cmd()
    log(f"bench: pyqemu is {' '.join(pyqemu_base)}")
    pyqemu_env = dict(os.environ)
    for kv in a.pyqemu_env:
        k, _, v = kv.partition("=")
        pyqemu_env[k] = v
    results = []
    root = None
    for name in a.workload or list(WORKLOADS):
        wl = WORKLOADS[name]
        runners = {"qemu": [QEMU], "pyqemu": list(pyqemu_base), "pyqemu_base": pyqemu_base}
        if wl.source is not None:
            args = list(wl.args)
            if name == "intloop" and a.intloop_rounds is not None:
                args = [str(a.intloop_rounds)]
            target = [str(build(wl.source, a.opt, a.isa, wl.libs, wl.cflags)), *args]
        else:
            if root is None:
                sys.path.insert(0, str(HERE))
                from debian import Unavailable, ensure_root
                try:
                    root = ensure_root()
                except Unavailable as e:
                    log(f"bench: skipping the real programs: {e}")
                    root = False
            if not root:
                continue
            args = [x.replace("{gzip_input}", str(gzip_input())) for x in wl.args]
            target = [str(root / wl.program.lstrip("/")), *args]
            runners["qemu"] = [QEMU, "-L", str(root)]
            runners["pyqemu"] = pyqemu_base + ["-L", str(root)]
        log(f"{name}: {a.repetitions} x (pyqemu, qemu-arm) on {os.path.relpath(target[0], REPO)}")
        results.append(bench_workload(name, wl, target, runners, pyqemu_env, a.repetitions,
                                      a.timeout, a.stats, log))

    qemu_version = subprocess.run([QEMU, "--version"], capture_output=True, text=True).stdout.splitlines()
    doc = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "commit": git_commit(),
        "python": platform.python_version(),
        "host": platform.machine(),
        "cpus": os.cpu_count(),
        "loadavg_at_end": os.getloadavg(),
        "qemu_arm": qemu_version[0] if qemu_version else None,
        "pyqemu_command": pyqemu_base,
        "pyqemu_env": a.pyqemu_env,
        "guest_build": f"{CC} -static -{a.opt} -m{a.isa}",
        "results": results,
    }
    if a.json == "-":
        print(json.dumps(doc, indent=2))
    else:
        if a.json:
            Path(a.json).write_text(json.dumps(doc, indent=2) + "\n")
        print(table(results, a.markdown))
    if a.plot:
        plot(results, a.plot, f"pyqemu vs {doc['qemu_arm'] or 'qemu-arm'}, {doc['date']}, "
                              f"commit {doc['commit']}, {doc['cpus']} CPUs")
    failed = sum(len(r["failures"]) for r in results)
    return 3 if failed else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--make-gzip-input"]:
        _make_gzip_input(Path(sys.argv[2]))
        sys.exit(0)
    sys.exit(main())
