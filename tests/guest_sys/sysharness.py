"""Build and run the syscall test programs of tests/guest_sys/.

Each ``NAME.c`` here is compiled with Debian's ARM cross compiler
(``arm-linux-gnueabihf-gcc -static -O2``, ARM and Thumb) into
tests/build/guest_sys/ (git-ignored), rebuilt when the source or check.h
changes.  ``run(runner, binary, args, cwd)`` runs one under qemu-arm
("qemu", the reference) or pyqemu ("pyqemu": ``python -m usermode`` with the
repository on PYTHONPATH), in its own session, killed as a group on timeout.

Usage::

    from sysharness import build, run, missing_tools
    exe = build("fs_ops")                        # Path of the ARM binary
    r = run("pyqemu", exe, ["/tmp/scratch"])     # Result(rc, stdout, stderr)
"""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple, Optional, Sequence

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
BUILD = REPO / "tests" / "build" / "guest_sys"
CC = os.environ.get("PYQEMU_CROSS_CC", "arm-linux-gnueabihf-gcc")
QEMU = os.environ.get("PYQEMU_QEMU_ARM", "qemu-arm")
CFLAGS = ["-static", "-O2", "-Wall", "-g0"]
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


def build(name: str, isa: str = "arm") -> Path:
    src = HERE / f"{name}.c"
    key = hashlib.sha256(src.read_bytes() + (HERE / "check.h").read_bytes() +
                         " ".join(CFLAGS + [isa]).encode()).hexdigest()[:16]
    out = BUILD / f"{name}-{isa}"
    stamp = out.with_suffix(".stamp")
    if out.exists() and stamp.exists() and stamp.read_text() == key:
        return out
    BUILD.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + f".tmp{os.getpid()}")
    subprocess.run([CC, *CFLAGS, f"-m{isa}", "-o", str(tmp), str(src)], check=True,
                   capture_output=True)
    os.replace(tmp, out)
    stamp.write_text(key)
    return out


def command(runner: str, extra: Sequence[str] = ()) -> list:
    if runner == "qemu":
        return [shutil.which(QEMU) or QEMU, *extra]
    return [sys.executable, "-m", "usermode", *extra]


def environment(extra: Optional[dict] = None) -> dict:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C",
           "PYTHONPATH": str(REPO)}
    env.update(extra or {})
    return env


def run(runner: str, binary, args: Sequence[str] = (), cwd=None, options: Sequence[str] = (),
        env: Optional[dict] = None, stdin: bytes = b"", timeout: float = TIMEOUT) -> Result:
    cmd = command(runner, options) + [os.fspath(binary), *args]
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, cwd=cwd or REPO, env=environment(env),
                         start_new_session=True)
    try:
        out, err = p.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        raise AssertionError(f"timeout after {timeout}s: {cmd}\n{out[-2000:]!r}\n{err[-2000:]!r}")
    return Result(p.returncode, out.decode("latin-1"), err.decode("latin-1"))
