"""Run a risu image under the two emulators: qemu-arm (the reference) and
pyqemu (``python -m usermode`` from this source tree).

Both get the same runner binary and the image on stdin, a small fixed
environment without QEMU_* variables, and a timeout.  Environment overrides
(shared with tests/guestbuild.py): PYQEMU_QEMU_ARM (reference command,
default qemu-arm), PYQEMU_TEST_CMD (command standing for pyqemu), and
PYQEMU_ROOT: the pyqemu source tree to run (default: this one), e.g. an
unpacked ``git archive HEAD`` with its runtime built, so that a long soak
is not disturbed by edits in the working tree.  pyqemu also gets every
PYQEMU_* variable (e.g. PYQEMU_OPT=0 to run without its IR optimizer when
bisecting a mismatch); qemu-arm gets none.

Usage::

    from usermode.risu.emulators import run, EMULATORS
    res = run("qemu", "arm", runner_path, blob)     # Run(rc, stdout, stderr, seconds)
"""
from __future__ import annotations

import os
import resource
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import List, NamedTuple, Optional

REPO = Path(__file__).resolve().parents[2]
ROOT = Path(os.environ.get("PYQEMU_ROOT", REPO))
EMULATORS = ("qemu", "pyqemu")
QEMU = {"arm": os.environ.get("PYQEMU_QEMU_ARM", "qemu-arm")}
TIMEOUT = float(os.environ.get("PYQEMU_RISU_TIMEOUT", "300"))


class Run(NamedTuple):
    rc: int                 # negative: killed by that signal
    stdout: bytes
    stderr: bytes
    seconds: float

    def status(self) -> str:
        if self.rc == -999:
            return "timed out"
        if self.rc < 0:
            try:
                return f"killed by {signal.Signals(-self.rc).name}"
            except ValueError:
                return f"killed by signal {-self.rc}"
        return f"exit status {self.rc}"


def command(emulator: str, arch: str) -> List[str]:
    if emulator == "qemu":
        return [QEMU[arch]]
    if emulator == "pyqemu":
        cmd = os.environ.get("PYQEMU_TEST_CMD")
        return shlex.split(cmd) if cmd else [sys.executable, "-m", "usermode"]
    raise ValueError(f"unknown emulator {emulator!r}")


def missing(arch: str = "arm") -> Optional[str]:
    """Why the reference cannot run (None when it can)."""
    if shutil.which(QEMU[arch]) is None:
        return f"reference emulator {QEMU[arch]} not found (apt-get install qemu-user)"
    return None


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run(emulator: str, arch: str, runner: Path, blob: bytes, timeout: float = TIMEOUT) -> Run:
    cmd = [*command(emulator, arch), str(runner)]
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C"}
    if "PYTHONPATH" in os.environ:
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    if emulator == "pyqemu":                 # pyqemu's own knobs, e.g. PYQEMU_OPT=0
        env.update({k: v for k, v in os.environ.items() if k.startswith("PYQEMU_")})
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         cwd=ROOT if emulator == "pyqemu" else REPO, env=env, start_new_session=True, preexec_fn=_limits)
    try:
        out, err = p.communicate(blob, timeout=timeout)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        rc = -999
    return Run(rc, out, err, time.monotonic() - t0)
