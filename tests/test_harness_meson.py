"""The Meson recipe of docs/HARNESSES.md: exe_wrapper in a cross file runs the tests.

A small C project with a test (and an expected failure) is cross-built with a
cross file whose [binaries] exe_wrapper is ``pyqemu-arm -L
/usr/arm-linux-gnueabihf``; ``meson test`` must pass, and the test log must
show the wrapper ran the program.

    python -m pytest tests/test_harness_meson.py
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CROSS_ROOT = "/usr/arm-linux-gnueabihf"
CC = "arm-linux-gnueabihf-gcc"
RUST_TARGET = "armv7-unknown-linux-gnueabihf"

WRAPPER = """#!{python}
import sys
sys.path.insert(0, {repo!r})
from usermode.__main__ import main_arm
sys.exit(main_arm())
"""

MESON_BUILD = """
project('pqmeson', 'c')
m = meson.get_compiler('c').find_library('m')
exe = executable('checks', 'checks.c', dependencies: m)
test('checks', exe, args: ['3'])
test('expected-failure', exe, args: ['bad'], should_fail: true)
"""

CHECKS_C = r"""
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv)
{
    if (argc < 2 || atoi(argv[1]) <= 0) { fprintf(stderr, "need a count\n"); return 1; }
    int n = atoi(argv[1]);
    double s = 0;
    for (int i = 1; i <= n; i++) s += sqrt((double)i);
    printf("sum of roots 1..%d = %.6f\n", n, s);
    return fabs(s - (1 + sqrt(2) + sqrt(3))) < 1e-9 ? 0 : 1;
}
"""

CROSS_FILE = """
[binaries]
c = '{cc}'
strip = 'arm-linux-gnueabihf-strip'
exe_wrapper = ['{runner}', '-L', '{root}']

[host_machine]
system = 'linux'
cpu_family = 'arm'
cpu = 'armv7'
endian = 'little'
"""

def make_runner(d: Path) -> str:
    installed = Path(sys.executable).parent / "pyqemu-arm"
    if installed.exists():
        return str(installed)
    p = d / "pyqemu-arm"
    p.write_text(WRAPPER.format(python=sys.executable, repo=str(REPO)))
    p.chmod(0o755)
    return str(p)


def test_meson_exe_wrapper(tmp_path):
    for tool in ("meson", "ninja", CC):
        if not shutil.which(tool):
            pytest.skip(f"{tool} not installed")
    src = tmp_path / "src"
    src.mkdir()
    (src / "meson.build").write_text(MESON_BUILD)
    (src / "checks.c").write_text(CHECKS_C)
    cross = tmp_path / "arm-pyqemu.ini"
    cross.write_text(CROSS_FILE.format(cc=CC, runner=make_runner(tmp_path), root=CROSS_ROOT))
    b = tmp_path / "build"
    env = {k: v for k, v in os.environ.items() if not k.startswith("QEMU_")}
    r = subprocess.run(["meson", "setup", "--cross-file", str(cross), str(b), str(src)],
                       capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Host machine cpu family: arm" in r.stdout
    r = subprocess.run(["meson", "test", "-C", str(b), "--print-errorlogs"],
                       capture_output=True, text=True, env=env, timeout=1800)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Ok:                 1" in r.stdout and "Expected Fail:      1" in r.stdout, r.stdout
    log = (b / "meson-logs" / "testlog.txt").read_text()
    assert "pyqemu-arm -L " + CROSS_ROOT in log and "sum of roots 1..3 = 4.146264" in log
