"""Build the thread test programs of tests/guest_threads/ (``-static -pthread``,
ARM or Thumb, -O2 or -O0) into tests/build/guest_threads/ (git-ignored),
rebuilt when the source or the flags change.  Running them, the compiler and
the reference emulator are guestbuild.py's (``run_guest``, ``missing_tools``).

Usage::

    from thharness import build
    from guestbuild import run_guest
    exe = build("th_sync", "thumb", "O2")
    r = run_guest("pyqemu", exe)                  # GuestResult(returncode, stdout, stderr)
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
import guestbuild as G  # noqa: E402

BUILD = G.REPO / "tests" / "build" / "guest_threads"
CFLAGS = ["-static", "-pthread", "-std=gnu11", "-Wall", "-g0"]


def build(name: str, isa: str = "arm", opt: str = "O2") -> Path:
    src = HERE / f"{name}.c"
    flags = CFLAGS + [f"-{opt}", f"-m{isa}"]
    key = hashlib.sha256(G.compiler_id().encode() + src.read_bytes()
                         + " ".join(flags).encode()).hexdigest()[:16]
    out = BUILD / f"{name}-{opt}-{isa}"
    stamp = out.with_name(out.name + ".stamp")
    BUILD.mkdir(parents=True, exist_ok=True)
    with open(BUILD / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)          # pytest-xdist workers build the same
        if out.exists() and stamp.exists() and stamp.read_text() == key:
            return out
        tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
        p = subprocess.run([G.CC, *flags, "-o", str(tmp), str(src)], capture_output=True,
                           text=True)
        if p.returncode:
            tmp.unlink(missing_ok=True)
            raise G.BuildError(f"building {name}: {p.stderr}")
        os.replace(tmp, out)
        stamp.write_text(key)
    return out
