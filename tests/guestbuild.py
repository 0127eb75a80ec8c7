"""Build and run the guest test corpus (tests/guest/*.c).

Every corpus program is compiled with Debian's ARM cross compiler
(``arm-linux-gnueabihf-gcc -static``) in six variants: -O0, -O2 and -Os, each
as ARM (-marm) and as Thumb-2 (-mthumb). Binaries go to tests/build/guest/
(git-ignored) and are rebuilt only when the source, the shared headers, the
flags or the compiler change (a content hash kept next to each binary).
Builds run in parallel (2 jobs by default) and are safe to start from several
processes at once (pytest-xdist workers): a lock file serialises them.

``run_guest(runner, binary, args, stdin, env)`` runs one binary under
``qemu-arm`` (runner "qemu", the reference) or under pyqemu (runner "pyqemu":
``python -m usermode`` from the repository root) and returns
``GuestResult(returncode, stdout, stderr)``; a negative returncode is the
signal that killed the process, as in :mod:`subprocess`.

Command line (no pytest needed)::

    python tests/guestbuild.py build                 # build all 6 variants of every program
    python tests/guestbuild.py check [prog ...]      # run every variant under qemu-arm, check
                                                     # its self-check status and that the 6
                                                     # variants print the same stdout
    python tests/guestbuild.py diff [prog ...]       # qemu-arm vs pyqemu on every variant
    python tests/guestbuild.py run RUNNER PROG OPT ISA   # run one variant, show its output

Environment: PYQEMU_CROSS_CC (compiler, default arm-linux-gnueabihf-gcc),
PYQEMU_QEMU_ARM (reference, default qemu-arm), PYQEMU_TEST_CMD (command that
stands for pyqemu, default "<this python> -m usermode"), PYQEMU_TEST_TIMEOUT
(seconds per run, default 60), PYQEMU_BUILD_JOBS (default 2).
"""
from __future__ import annotations

import argparse
import concurrent.futures
import fcntl
import hashlib
import os
import resource
import shlex
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, NamedTuple, Optional, Sequence, Tuple, Union

REPO = Path(__file__).resolve().parent.parent
GUEST_SRC = REPO / "tests" / "guest"
BUILD_DIR = REPO / "tests" / "build" / "guest"

CC = os.environ.get("PYQEMU_CROSS_CC", "arm-linux-gnueabihf-gcc")
QEMU = os.environ.get("PYQEMU_QEMU_ARM", "qemu-arm")
TIMEOUT = float(os.environ.get("PYQEMU_TEST_TIMEOUT", "60"))
JOBS = int(os.environ.get("PYQEMU_BUILD_JOBS", "2"))

OPTS = ("O0", "O2", "Os")
ISAS = ("arm", "thumb")
COMMON_CFLAGS = ("-static", "-std=gnu11", "-Wall", "-Wextra", "-g0")

Arg = Union[str, bytes]


# --------------------------------------------------------------------------
# the corpus: how each program is run and what its exit status must be
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class GuestCase:
    name: str
    args: Tuple[Arg, ...] = ()
    stdin: Optional[bytes] = None
    env: Tuple[Tuple[str, str], ...] = ()
    expect_rc: int = 0              # the status qemu-arm must report (negative: killed by signal)
    selfcheck: bool = True          # prints "<name>: all N checks passed" when it succeeds
    compare_stderr: bool = True     # pyqemu's stderr must equal qemu-arm's
    expect_stdout: Tuple[str, ...] = field(default=())   # texts that must appear in stdout


def _stdin_numbers() -> Tuple[bytes, int]:
    """A deterministic list of integers (with odd spacing) and their sum."""
    x, nums = 12345, []
    for i in range(400):
        x = (x * 1103515245 + 12345) % 2**31
        v = x % 2000001 - 1000000
        if i % 37 == 0:
            v *= 1000003            # some values beyond 32 bits
        nums.append(v)
    text = ""
    for i, v in enumerate(nums):
        text += str(v) + ("\n" if i % 7 == 6 else " " if i % 3 else "\t  ")
    return text.encode(), sum(nums)


_STDIN, _STDIN_SUM = _stdin_numbers()

CASES: Dict[str, GuestCase] = {c.name: c for c in [
    GuestCase("hello", args=("from", "the", "harness"), selfcheck=False,
              expect_stdout=("Hello, world!", "argc=4")),
    GuestCase("arith"),
    GuestCase("divide"),
    GuestCase("bits"),
    GuestCase("control"),
    GuestCase("recursion"),
    GuestCase("switch"),
    GuestCase("funcptr"),
    GuestCase("interwork"),
    GuestCase("setjmp"),
    GuestCase("varargs"),
    GuestCase("printf"),
    GuestCase("parse"),
    GuestCase("qsort"),
    GuestCase("sorts"),
    GuestCase("strings"),
    GuestCase("malloc"),
    GuestCase("structs"),
    GuestCase("hash64"),
    GuestCase("ctype"),
    GuestCase("interp"),
    GuestCase("crc"),
    GuestCase("atomics_tls"),
    GuestCase("sysio"),
    GuestCase("signals"),
    GuestCase("ctors", selfcheck=False, expect_stdout=("ctors: order as expected",)),
    GuestCase("segv", expect_rc=-signal.SIGSEGV, selfcheck=False, compare_stderr=False,
              expect_stdout=("about to write through a null pointer (sum=55)",)),
    GuestCase("exit42", expect_rc=42, selfcheck=False,
              expect_stdout=("buffered line before exit", "atexit handler ran")),
    GuestCase("ret3", expect_rc=3, selfcheck=False, expect_stdout=("returning 3 from main",)),
    GuestCase("argv_env",
              args=("alpha", "two words", "", b"\xc3\xbcn\xc3\xaf", "--flag=x"),
              env=(("PYQEMU_T1", "hello world"), ("PYQEMU_T2", "42"), ("PYQEMU_EMPTY", ""),
                   ("PYQEMU_TEST_EXPECT", "1")),
              expect_stdout=("argc=6", "argv[0] name=argv_env", "argv[2]=[two words] len=9", "PYQEMU_T1=[hello world]",
                             "PYQEMU_UNSET_VAR=(unset)")),
    GuestCase("stdin_sum", stdin=_STDIN, env=(("PYQEMU_STDIN_EXPECT", str(_STDIN_SUM)),),
              expect_stdout=(f"count=400 sum={_STDIN_SUM}",)),
]}


class Variant(NamedTuple):
    program: str
    opt: str
    isa: str

    @property
    def id(self) -> str:
        return f"{self.program}-{self.opt}-{self.isa}"

    @property
    def case(self) -> GuestCase:
        return CASES[self.program]


def programs() -> List[str]:
    """Corpus programs: every tests/guest/*.c (each must have a CASES entry)."""
    names = sorted(p.stem for p in GUEST_SRC.glob("*.c"))
    missing = [n for n in names if n not in CASES]
    if missing:
        raise RuntimeError(f"tests/guest programs without a CASES entry in guestbuild.py: {missing}")
    return names


def variants(progs: Optional[Iterable[str]] = None) -> List[Variant]:
    return [Variant(p, o, i) for p in (progs or programs()) for o in OPTS for i in ISAS]


# --------------------------------------------------------------------------
# building
# --------------------------------------------------------------------------

class BuildError(Exception):
    pass


def missing_tools(need_qemu: bool = True) -> Optional[str]:
    """A reason to skip, naming the missing tool, or None when all are there."""
    if shutil.which(CC) is None:
        return f"cross compiler {CC} not found (apt-get install gcc-arm-linux-gnueabihf)"
    if need_qemu and shutil.which(QEMU) is None:
        return f"reference emulator {QEMU} not found (apt-get install qemu-user)"
    return None


_compiler_id: Optional[str] = None


def compiler_id() -> str:
    global _compiler_id
    if _compiler_id is None:
        path = shutil.which(CC)
        if path is None:
            raise BuildError(f"cross compiler {CC} not found")
        out = subprocess.run([path, "-dumpfullversion", "-dumpmachine"], capture_output=True,
                             text=True, check=False)
        _compiler_id = f"{os.path.realpath(path)} {out.stdout.split()}"
    return _compiler_id


def cflags(opt: str, isa: str) -> List[str]:
    if opt not in OPTS or isa not in ISAS:
        raise ValueError(f"unknown variant -{opt} / {isa}")
    return [*COMMON_CFLAGS, f"-{opt}", f"-m{isa}"]


def binary_path(v: Variant) -> Path:
    return BUILD_DIR / v.id


def _build_key(v: Variant) -> str:
    h = hashlib.sha256()
    h.update(compiler_id().encode())
    h.update(" ".join(cflags(v.opt, v.isa)).encode())
    h.update((GUEST_SRC / f"{v.program}.c").read_bytes())
    for header in sorted(GUEST_SRC.glob("*.h")):
        h.update(header.name.encode())
        h.update(header.read_bytes())
    return h.hexdigest()


def _up_to_date(v: Variant, key: str) -> bool:
    out = binary_path(v)
    stamp = out.with_name(out.name + ".stamp")
    try:
        return out.is_file() and stamp.read_text() == key
    except OSError:
        return False


def _compile(v: Variant, key: str) -> Path:
    out = binary_path(v)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    cmd = [CC, *cflags(v.opt, v.isa), "-o", str(tmp), str(GUEST_SRC / f"{v.program}.c")]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tmp.unlink(missing_ok=True)
        raise BuildError(f"{v.id}: {' '.join(cmd)} failed:\n{proc.stderr}")
    os.replace(tmp, out)
    out.with_name(out.name + ".stamp").write_text(key)
    return out


def build(vs: Sequence[Variant], jobs: int = JOBS) -> Dict[Variant, Path]:
    """Build the given variants (only those out of date), `jobs` compilers at a time."""
    reason = missing_tools(need_qemu=False)
    if reason:
        raise BuildError(reason)
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    keys = {v: _build_key(v) for v in vs}
    todo = [v for v in vs if not _up_to_date(v, keys[v])]
    if todo:
        with open(BUILD_DIR / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)     # another process may be building the same
            todo = [v for v in todo if not _up_to_date(v, keys[v])]
            errors = []
            with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
                futures = [pool.submit(_compile, v, keys[v]) for v in todo]
                for f in futures:
                    try:
                        f.result()
                    except BuildError as e:
                        errors.append(str(e))
            if errors:
                raise BuildError("\n".join(errors))
    return {v: binary_path(v) for v in vs}


def build_one(program: str, opt: str, isa: str) -> Path:
    v = Variant(program, opt, isa)
    return build([v])[v]


# --------------------------------------------------------------------------
# running
# --------------------------------------------------------------------------

class GuestResult(NamedTuple):
    returncode: int
    stdout: bytes
    stderr: bytes


class GuestTimeout(Exception):
    def __init__(self, cmd: List[str], timeout: float, stdout: bytes, stderr: bytes):
        super().__init__(f"timed out after {timeout:g} s: {' '.join(map(str, cmd))}")
        self.stdout = stdout
        self.stderr = stderr


def runner_command(runner: str) -> List[str]:
    if runner == "qemu":
        return [QEMU]
    if runner == "pyqemu":
        cmd = os.environ.get("PYQEMU_TEST_CMD")
        return shlex.split(cmd) if cmd else [sys.executable, "-m", "usermode"]
    raise ValueError(f"unknown runner {runner!r} (qemu or pyqemu)")


def guest_environment(extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    """The environment both runners get: small, fixed, and without QEMU_* variables
    (which would change how either emulator runs the guest)."""
    env = {"PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"), "LC_ALL": "C"}
    env.update(extra or {})
    return env


def _no_core_dumps() -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run_guest(runner: str, binary: Union[str, os.PathLike], args: Sequence[Arg] = (),
              stdin: Optional[bytes] = None, env: Optional[Dict[str, str]] = None,
              timeout: float = TIMEOUT) -> GuestResult:
    """Run `binary` under `runner` ("qemu" or "pyqemu") from the repository root.

    Returns GuestResult(returncode, stdout, stderr); raises GuestTimeout when the
    run takes longer than `timeout` seconds (the whole process group is killed)."""
    cmd = [*runner_command(runner), os.fspath(Path(binary).resolve()), *args]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=guest_environment(env), cwd=REPO,
                            start_new_session=True, preexec_fn=_no_core_dumps)
    try:
        out, err = proc.communicate(stdin or b"", timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, err = proc.communicate()
        raise GuestTimeout(cmd, timeout, out, err) from None
    return GuestResult(proc.returncode, out, err)


def run_case(runner: str, binary: Union[str, os.PathLike], case: GuestCase,
             timeout: float = TIMEOUT) -> GuestResult:
    return run_guest(runner, binary, case.args, case.stdin, dict(case.env), timeout)


_reference: Dict[Tuple[Variant, str], GuestResult] = {}


def reference_result(v: Variant, binary: Union[str, os.PathLike]) -> GuestResult:
    """qemu-arm's result for a variant, computed once per process and build."""
    key = (v, _build_key(v))
    if key not in _reference:
        _reference[key] = run_case("qemu", binary, v.case)
    return _reference[key]


def describe_status(rc: int) -> str:
    if rc < 0:
        try:
            return f"killed by {signal.Signals(-rc).name} ({rc})"
        except ValueError:
            return f"killed by signal {-rc}"
    return f"exit status {rc}"


def selfcheck_problems(case: GuestCase, result: GuestResult) -> List[str]:
    """Why `result` is not the program's expected, self-check-passed outcome ([] if it is)."""
    problems = []
    text = result.stdout.decode("utf-8", "replace")
    if result.returncode != case.expect_rc:
        problems.append(f"{describe_status(result.returncode)}, expected {describe_status(case.expect_rc)}")
    fails = [ln for ln in text.splitlines() if ln.startswith("FAIL")]
    if fails:
        problems.append("self-check failures:\n  " + "\n  ".join(fails[:20]))
    if case.selfcheck and f"{case.name}: all " not in text:
        problems.append(f"no '{case.name}: all N checks passed' line")
    for want in case.expect_stdout:
        if want not in text:
            problems.append(f"stdout lacks {want!r}")
    return problems


def show(result: GuestResult, limit: int = 3000) -> str:
    def cut(b: bytes) -> str:
        s = b.decode("utf-8", "replace")
        return s if len(s) <= limit else s[:limit] + f"\n... ({len(s) - limit} more characters)"
    return (f"{describe_status(result.returncode)}\n--- stdout ---\n{cut(result.stdout)}"
            f"\n--- stderr ---\n{cut(result.stderr)}")


def differences(ref: GuestResult, got: GuestResult, compare_stderr: bool) -> List[str]:
    """How pyqemu's result differs from qemu-arm's ([] when it does not)."""
    diffs = []
    if got.returncode != ref.returncode:
        diffs.append(f"status: qemu-arm {describe_status(ref.returncode)}, "
                     f"pyqemu {describe_status(got.returncode)}")
    if got.stdout != ref.stdout:
        diffs.append("stdout differs:\n" + _first_difference(ref.stdout, got.stdout))
    if compare_stderr and got.stderr != ref.stderr:
        diffs.append("stderr differs:\n" + _first_difference(ref.stderr, got.stderr))
    return diffs


def _first_difference(a: bytes, b: bytes) -> str:
    la, lb = a.splitlines(), b.splitlines()
    for i in range(max(len(la), len(lb))):
        x = la[i] if i < len(la) else None
        y = lb[i] if i < len(lb) else None
        if x != y:
            return (f"  first difference at line {i + 1}:\n    qemu-arm: {x!r}\n    pyqemu:   {y!r}\n"
                    f"  ({len(la)} lines from qemu-arm, {len(lb)} from pyqemu)")
    return f"  lengths {len(a)} / {len(b)} bytes (line endings differ)"


# --------------------------------------------------------------------------
# command line
# --------------------------------------------------------------------------

def _cmd_check(progs: List[str]) -> int:
    vs = variants(progs)
    built = build(vs)
    passed = failed = disagree = 0
    for prog in progs:
        outs = {}
        for v in (v for v in vs if v.program == prog):
            try:
                r = reference_result(v, built[v])
            except GuestTimeout as e:
                print(f"FAILED {v.id}: {e}")
                failed += 1
                continue
            problems = selfcheck_problems(v.case, r)
            if problems:
                print(f"FAILED {v.id}: " + "; ".join(problems))
                failed += 1
            else:
                passed += 1
            outs[v] = r.stdout
        if len(set(outs.values())) > 1:
            print(f"FAILED {prog}: the variants print different stdout "
                  f"({len(set(outs.values()))} distinct outputs)")
            disagree += 1
        else:
            print(f"ok     {prog}: {len(outs)} variants, {describe_status(CASES[prog].expect_rc)}, "
                  f"identical stdout")
    print(f"variants agree: {len(progs) - disagree} of {len(progs)} programs")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or disagree else 0


def _cmd_diff(progs: List[str]) -> int:
    vs = variants(progs)
    built = build(vs)
    passed = failed = 0
    for v in vs:
        try:
            ref = reference_result(v, built[v])
            got = run_case("pyqemu", built[v], v.case)
        except GuestTimeout as e:
            print(f"FAILED {v.id}: {e}")
            failed += 1
            continue
        diffs = differences(ref, got, v.case.compare_stderr)
        if diffs:
            tail = got.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            print(f"FAILED {v.id}: {diffs[0].splitlines()[0]} {tail[0][:160]}")
            failed += 1
        else:
            print(f"ok     {v.id}")
            passed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("build", help="build all variants")
    for name in ("check", "diff"):
        p = sub.add_parser(name)
        p.add_argument("programs", nargs="*")
    p = sub.add_parser("run")
    p.add_argument("runner", choices=("qemu", "pyqemu"))
    p.add_argument("program")
    p.add_argument("opt", choices=OPTS)
    p.add_argument("isa", choices=ISAS)
    a = ap.parse_args(argv)
    reason = missing_tools(need_qemu=a.cmd != "build")
    if reason:
        print(f"cannot run: {reason}", file=sys.stderr)
        return 2
    if a.cmd == "build":
        vs = variants()
        build(vs)
        print(f"{len(vs)} binaries up to date in {BUILD_DIR}")
        return 0
    if a.cmd == "run":
        v = Variant(a.program, a.opt, a.isa)
        r = run_case(a.runner, build([v])[v], v.case)
        print(show(r, limit=100000))
        return 0
    progs = a.programs or programs()
    unknown = [p for p in progs if p not in CASES]
    if unknown:
        print(f"unknown programs: {unknown}", file=sys.stderr)
        return 2
    return _cmd_check(progs) if a.cmd == "check" else _cmd_diff(progs)


if __name__ == "__main__":
    sys.exit(main())
