"""Vectorised C programs (tests/guest_neon/*.c) built with
``arm-linux-gnueabihf-gcc -O3 -mfpu=neon -ftree-vectorize -static`` (ARM and
Thumb; the intrinsics program also with -mfpu=neon-vfpv4 -mfp16-format=ieee)
must print exactly what they print under qemu-arm: int8/int16/int32/int64
loops (sums, dot products, min/max, saturating image-like kernels, shuffles,
table lookups), float loops, and explicit arm_neon.h intrinsics -- once with
the inline SSE code and once with every vector op through the C reference.

The intrinsics program prints FPSCR after each group; its cumulative IEEE
flags (bits 0-4) are only guest-visible once trans_vfp_move's VMRS combines
the FPSCR word with the host's accumulated flags (test_vfp_snippets.ROUTED);
until then those five bits are masked in the comparison (QC and IDC, kept in
the FPSCR word, are always compared).
"""
from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from test_neon_harness import HAVE_TOOLS, ROOT

SRC = Path(ROOT) / "tests" / "guest_neon"
BUILD = Path(ROOT) / "tests" / "build" / "guest_neon"
CC = os.environ.get("PYQEMU_CROSS_CC", "arm-linux-gnueabihf-gcc")
VEC_FLAGS = ["-O3", "-mfpu=neon", "-ftree-vectorize", "-static", "-std=gnu11"]
VARIANTS = [(p, isa, "neon") for p in ("vec_int", "vec_float", "vec_image", "intrinsics")
            for isa in ("arm", "thumb")] + [("intrinsics", "arm", "vfpv4-fp16"),
                                            ("intrinsics", "thumb", "vfpv4-fp16")]
EXTRA = {"neon": [], "vfpv4-fp16": ["-mfpu=neon-vfpv4", "-mfp16-format=ieee"]}

needs_tools = pytest.mark.skipif(not HAVE_TOOLS, reason="qemu-arm / arm-linux-gnueabihf-gcc missing")


def _routed() -> bool:
    try:
        import test_vfp_snippets
        return test_vfp_snippets.ROUTED
    except Exception:
        return False


def build(prog: str, isa: str, fpu: str) -> Path:
    src = SRC / f"{prog}.c"
    flags = VEC_FLAGS + [f"-m{isa}"] + EXTRA[fpu]
    key = hashlib.sha256(src.read_bytes() + " ".join(flags).encode()).hexdigest()[:16]
    out = BUILD / f"{prog}-{isa}-{fpu}-{key}"
    if not out.exists():
        BUILD.mkdir(parents=True, exist_ok=True)
        tmp = out.with_suffix(".tmp")
        r = subprocess.run([CC, *flags, "-o", str(tmp), str(src)], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        tmp.rename(out)
    return out


def run(cmd, helpers: bool = False):
    env = dict(os.environ, PYQEMU_VEC_HELPERS="1" if helpers else "0")
    r = subprocess.run(cmd, capture_output=True, timeout=600, cwd=ROOT, env=env)
    return r.returncode, r.stdout.decode(errors="replace")


def normalise(out: str) -> str:
    if _routed():
        return out
    return re.sub(r"fpscr ([0-9a-f]{8})",
                  lambda m: f"fpscr {int(m.group(1), 16) & ~0x1F:08x}", out)


@needs_tools
@pytest.mark.parametrize("prog,isa,fpu", VARIANTS, ids=[f"{p}-{i}-{f}" for p, i, f in VARIANTS])
def test_program_matches_qemu(prog, isa, fpu):
    if prog == "vec_float" and fpu == "neon":
        # NEON f32 arithmetic is only partly lowered in this revision (issue 3):
        # the vectorised float program still differs from qemu-arm.
        pytest.xfail("NEON f32 vector ops incomplete (issue 3)")
    binary = build(prog, isa, fpu)
    qrc, qout = run(["qemu-arm", str(binary)])
    assert qrc == 0 and qout
    for helpers in (False, True):
        prc, pout = run([sys.executable, "-m", "usermode", str(binary)], helpers)
        assert prc == qrc, f"exit status {prc} (helpers={helpers})"
        assert normalise(pout) == normalise(qout), f"helpers={helpers}"
