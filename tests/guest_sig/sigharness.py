"""Build and run the signal test programs of tests/guest_sig/.

Each ``NAME.c`` here is compiled with Debian's ARM cross compiler
(``arm-linux-gnueabihf-gcc -static``, -O0/-O2, ARM and Thumb) into
tests/build/guest_sig/ (git-ignored), rebuilt when the source or sigcheck.h
changes.  ``run(runner, binary, args)`` runs one under qemu-arm ("qemu",
the reference) or pyqemu ("pyqemu": ``python -m usermode``), in its own
session, killed as a group on timeout; ``start`` returns the Popen for tests
that signal the guest from outside; ``shell_status`` runs it under /bin/sh
and returns the status the shell reports ($?).

Usage::

    from sigharness import build, run
    exe = build("sig_handlers", "thumb", "O2")
    r = run("pyqemu", exe)                      # Result(rc, stdout, stderr)
"""
from __future__ import annotations

import hashlib
import os
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import List, NamedTuple, Optional, Sequence

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
BUILD = REPO / "tests" / "build" / "guest_sig"
CC = os.environ.get("PYQEMU_CROSS_CC", "arm-linux-gnueabihf-gcc")
QEMU = os.environ.get("PYQEMU_QEMU_ARM", "qemu-arm")
CFLAGS = ["-static", "-std=gnu11", "-Wall", "-g0"]
TIMEOUT = float(os.environ.get("PYQEMU_TEST_TIMEOUT", "120"))


class Result(NamedTuple):
    rc: int
    stdout: str
    stderr: str


def missing_tools(need_qemu: bool = True) -> Optional[str]:
    """The reason to skip, or None when the cross compiler (and qemu-arm) exist."""
    if not shutil.which(CC):
        return f"needs the ARM cross compiler {CC}"
    if need_qemu and not shutil.which(QEMU):
        return f"needs {QEMU} (Debian qemu-user) as the reference"
    return None


def build(name: str, isa: str = "arm", opt: str = "O2") -> Path:
    src = HERE / f"{name}.c"
    flags = CFLAGS + [f"-{opt}", f"-m{isa}"]
    key = hashlib.sha256(src.read_bytes() + (HERE / "sigcheck.h").read_bytes()
                         + " ".join(flags).encode()).hexdigest()[:16]
    out = BUILD / f"{name}-{opt}-{isa}"
    stamp = out.with_suffix(".stamp")
    if out.exists() and stamp.exists() and stamp.read_text() == key:
        return out
    BUILD.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + f".tmp{os.getpid()}")
    p = subprocess.run([CC, *flags, "-o", str(tmp), str(src), "-lrt", "-lm"], capture_output=True,
                       text=True)
    if p.returncode:
        raise RuntimeError(f"building {name}: {p.stderr}")
    os.replace(tmp, out)
    stamp.write_text(key)
    return out


def command(runner: str) -> List[str]:
    if runner == "qemu":
        return [QEMU]
    cmd = os.environ.get("PYQEMU_TEST_CMD")
    return shlex.split(cmd) if cmd else [sys.executable, "-m", "usermode"]


def environment() -> dict:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C",
           "PYTHONPATH": str(REPO)}
    return env


def _no_core() -> None:
    import resource
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def start(runner: str, exe: Path, args: Sequence[str] = (), **kw) -> subprocess.Popen:
    return subprocess.Popen(command(runner) + [str(exe), *args], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO,
                            env=environment(), start_new_session=True, preexec_fn=_no_core,
                            **kw)


def finish(p: subprocess.Popen, timeout: float = TIMEOUT, stdin: bytes = b"") -> Result:
    try:
        out, err = p.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        raise AssertionError(f"timed out after {timeout}s:\n{out.decode()}\n{err.decode()}")
    return Result(p.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"))


def run(runner: str, exe: Path, args: Sequence[str] = (), timeout: float = TIMEOUT) -> Result:
    return finish(start(runner, exe, args), timeout)


def shell_status(runner: str, exe: Path, args: Sequence[str] = ()) -> Result:
    """Run under /bin/sh -c '...; echo status=$?': what a shell reports."""
    line = " ".join(shlex.quote(a) for a in command(runner) + [str(exe), *args])
    p = subprocess.Popen(["/bin/sh", "-c", f"{line}; echo status=$?"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO,
                         env=environment(), start_new_session=True, preexec_fn=_no_core)
    return finish(p)
