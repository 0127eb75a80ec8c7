"""End to end: the floating-point C programs of tests/guest_fp, built with
Debian's arm-linux-gnueabihf-gcc -O2 -static in four variants (ARM and
Thumb, each for the default armv7-a/VFPv3-D16 target and for armv8-a with
fp-armv8, which brings VFMA, VRINT*, VSEL, VMINNM/VMAXNM, VCVTA...), must
give exactly qemu-arm's stdout and exit status under pyqemu.

The programs print bit patterns and exception flags, so any difference in
a result, a NaN payload, a signed zero or a flag shows.  Binaries are cached
in tests/build/guest_fp/ (keyed by source, flags and compiler).

Usage::

    pytest tests/test_vfp_programs.py -n 2
    python tests/test_vfp_programs.py fp_env arm-v8     # build one, show both outputs' diff
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
SRC = REPO / "tests" / "guest_fp"
BUILD = REPO / "tests" / "build" / "guest_fp"
CC = os.environ.get("PYQEMU_CROSS_CC", "arm-linux-gnueabihf-gcc")
QEMU = os.environ.get("PYQEMU_QEMU_ARM", "qemu-arm")
HAVE_TOOLS = bool(shutil.which(CC) and shutil.which(QEMU))
needs_tools = pytest.mark.skipif(not HAVE_TOOLS, reason=f"{CC} / {QEMU} missing")

COMMON = ["-O2", "-static", "-std=gnu11", "-Wall", "-mfp16-format=ieee", "-g0"]
VARIANTS = {
    "arm": ["-marm"],
    "thumb": ["-mthumb"],
    "arm-v8": ["-marm", "-march=armv8-a", "-mfpu=fp-armv8"],
    "thumb-v8": ["-mthumb", "-march=armv8-a", "-mfpu=neon-fp-armv8"],
}
# program -> arguments (nbody: a short run; the bench runs it longer)
PROGRAMS = {"fp_arith": [], "fp_convert": [], "fp_libm": [], "fp_printf": [], "fp_env": [],
            "nbody": ["2000"]}
PROGRAM_RC = {"fp_convert": 0}


def build(prog: str, variant: str) -> Path:
    """The cached binary of one program variant (rebuilt when anything changes)."""
    flags = COMMON + VARIANTS[variant]
    src = SRC / f"{prog}.c"
    h = hashlib.sha256()
    for p in (src, SRC / "fpcommon.h"):
        h.update(p.read_bytes())
    h.update(" ".join([CC] + flags).encode())
    h.update(subprocess.run([CC, "--version"], capture_output=True).stdout)
    out = BUILD / f"{prog}-{variant}"
    stamp = out.with_suffix(".hash")
    if out.exists() and stamp.exists() and stamp.read_text() == h.hexdigest():
        return out
    BUILD.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + f".{os.getpid()}.tmp")
    r = subprocess.run([CC, *flags, f"-I{SRC}", "-o", str(tmp), str(src), "-lm"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    os.replace(tmp, out)
    stamp.write_text(h.hexdigest())
    return out


def run_both(exe: Path, args):
    want = subprocess.run([QEMU, str(exe), *args], capture_output=True, timeout=300)
    got = subprocess.run([sys.executable, "-m", "usermode", str(exe), *args],
                         capture_output=True, timeout=900, cwd=REPO)
    return want, got


def first_difference(a: bytes, b: bytes) -> str:
    al, bl = a.decode(errors="replace").splitlines(), b.decode(errors="replace").splitlines()
    diff = list(difflib.unified_diff(al, bl, "qemu-arm", "pyqemu", n=0, lineterm=""))
    return "\n".join(line[:300] for line in diff[:12])


@needs_tools
@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("prog", list(PROGRAMS))
def test_program_matches_qemu(prog, variant):
    exe = build(prog, variant)
    want, got = run_both(exe, PROGRAMS[prog])
    assert want.returncode == PROGRAM_RC.get(prog, 0), want.stderr[-500:]
    assert len(want.stdout) > 100
    assert got.stdout == want.stdout, first_difference(want.stdout, got.stdout) + \
        "\n" + got.stderr.decode(errors="replace")[-1500:]
    assert got.returncode == want.returncode


@needs_tools
def test_warm_translation_cache(tmp_path):
    """Every block from the on-disk translation cache (usermode/translate/tcache.py),
    so no trans_* table is ever loaded: the runtime's slow paths must still know
    where FPSCR is (FZ, DN, IDC of fp_env).  Once they did not: the second run
    read the modes from the wrong word."""
    exe = build("fp_env", "arm")
    want = subprocess.run([QEMU, str(exe)], capture_output=True, timeout=300)
    env = dict(os.environ, PYQEMU_TCACHE="1", PYQEMU_TCACHE_DIR=str(tmp_path))
    for run in ("cold", "warm"):
        got = subprocess.run([sys.executable, "-m", "usermode", str(exe)], capture_output=True,
                             timeout=900, cwd=REPO, env=env)
        assert got.stdout == want.stdout, f"{run} cache:\n" + first_difference(want.stdout, got.stdout)
    assert any(tmp_path.rglob("*.tc")), "nothing was cached"


if __name__ == "__main__":
    prog, variant = sys.argv[1], sys.argv[2]
    exe = build(prog, variant)
    w, g = run_both(exe, PROGRAMS.get(prog, []))
    print(f"qemu rc {w.returncode}, pyqemu rc {g.returncode}")
    print(first_difference(w.stdout, g.stdout) or "identical stdout")
