"""Static C++ programs (tests/guest_cxx/*.cpp) built with Debian's
``arm-linux-gnueabihf-g++ -O2 -static`` (ARM and Thumb) must print exactly
what they print under qemu-arm, with the same exit status: exceptions
unwound through several frames (the ARM EHABI unwinder, personality
routines, destructors during unwinding), RTTI and dynamic_cast, std::map,
std::vector, std::sort, std::string, iostream formatting of doubles.

Binaries are cached in tests/build/guest_cxx/ (keyed by source, flags and
compiler version).

Usage::

    pytest tests/test_cxx_programs.py -n 1
"""
from __future__ import annotations

import difflib
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SRC = REPO / "tests" / "guest_cxx"
BUILD = REPO / "tests" / "build" / "guest_cxx"
CXX = os.environ.get("PYQEMU_CROSS_CXX", "arm-linux-gnueabihf-g++")
QEMU = os.environ.get("PYQEMU_QEMU_ARM", "qemu-arm")
needs_tools = pytest.mark.skipif(not (shutil.which(CXX) and shutil.which(QEMU)),
                                 reason=f"needs {CXX} and {QEMU} (apt-get install g++-arm-linux-gnueabihf "
                                        "qemu-user)")

FLAGS = ["-O2", "-static", "-std=gnu++17", "-Wall", "-g0"]
VARIANTS = {"arm": ["-marm"], "thumb": ["-mthumb"]}
PROGRAMS = sorted(p.stem for p in SRC.glob("*.cpp"))


def build(prog: str, variant: str) -> Path:
    flags = FLAGS + VARIANTS[variant]
    src = SRC / f"{prog}.cpp"
    h = hashlib.sha256(src.read_bytes() + " ".join([CXX] + flags).encode())
    h.update(subprocess.run([CXX, "--version"], capture_output=True).stdout)
    out = BUILD / f"{prog}-{variant}"
    stamp = out.with_suffix(".hash")
    if out.exists() and stamp.exists() and stamp.read_text() == h.hexdigest():
        return out
    BUILD.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + f".{os.getpid()}.tmp")
    r = subprocess.run([CXX, *flags, "-o", str(tmp), str(src)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    os.replace(tmp, out)
    stamp.write_text(h.hexdigest())
    return out


@needs_tools
@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("prog", PROGRAMS)
def test_program_matches_qemu(prog, variant):
    exe = build(prog, variant)
    want = subprocess.run([QEMU, str(exe)], capture_output=True, timeout=300)
    assert want.returncode == 0 and b"done" in want.stdout, want.stderr[-500:]
    got = subprocess.run([sys.executable, "-m", "usermode", str(exe)], capture_output=True,
                         timeout=900, cwd=REPO)
    diff = difflib.unified_diff(want.stdout.decode(errors="replace").splitlines(),
                                got.stdout.decode(errors="replace").splitlines(),
                                "qemu-arm", "pyqemu", n=0, lineterm="")
    assert got.stdout == want.stdout, "\n".join(list(diff)[:20]) + "\n" + \
        got.stderr.decode(errors="replace")[-1500:]
    assert got.returncode == want.returncode
