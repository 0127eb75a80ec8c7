"""The CMake sample project (examples/cmake): cross-build it, run its ctest under pyqemu-arm.

The toolchain file sets CMAKE_CROSSCOMPILING_EMULATOR to
``pyqemu-arm -L /usr/arm-linux-gnueabihf``; ctest must pass every test, and
each test must really have run through the emulator (its command line in
CTestTestfile.cmake starts with the runner).

    python -m pytest tests/test_harness_cmake.py
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PROJECT = REPO / "examples" / "cmake"
TOOLCHAIN = PROJECT / "arm-linux-gnueabihf.cmake"
CROSS_ROOT = "/usr/arm-linux-gnueabihf"
TESTS = ("unit_stats", "cli_mean", "cli_rejects_text", "cli_env")

WRAPPER = """#!{python}
import sys
sys.path.insert(0, {repo!r})
from usermode.__main__ import main_arm
sys.exit(main_arm())
"""


def runner(tmp: Path) -> str:
    """The installed pyqemu-arm beside this Python, else an equivalent console script."""
    installed = Path(sys.executable).parent / "pyqemu-arm"
    if installed.exists() and os.access(installed, os.X_OK):
        return str(installed)
    p = tmp / "pyqemu-arm"
    p.write_text(WRAPPER.format(python=sys.executable, repo=str(REPO)))
    p.chmod(0o755)
    return str(p)


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    for tool in ("cmake", "ctest", "arm-linux-gnueabihf-gcc"):
        if not shutil.which(tool):
            pytest.skip(f"{tool} not installed")
    tmp = tmp_path_factory.mktemp("cmake")
    b = tmp / "build"
    cfg = subprocess.run(["cmake", "-S", str(PROJECT), "-B", str(b),
                          f"-DCMAKE_TOOLCHAIN_FILE={TOOLCHAIN}", f"-DPYQEMU_ARM={runner(tmp)}",
                          f"-DPYQEMU_SYSROOT={CROSS_ROOT}"],
                         capture_output=True, text=True, timeout=300)
    assert cfg.returncode == 0, cfg.stdout + cfg.stderr
    mk = subprocess.run(["cmake", "--build", str(b)], capture_output=True, text=True,
                        timeout=300)
    assert mk.returncode == 0, mk.stdout + mk.stderr
    return b


def test_built_for_arm(build):
    out = subprocess.run(["file", str(build / "pqstat")], capture_output=True, text=True).stdout
    assert "ARM" in out and "dynamically linked" in out, out


def test_ctest_passes_through_pyqemu(build):
    env = {k: v for k, v in os.environ.items() if not k.startswith("QEMU_")}
    r = subprocess.run(["ctest", "--test-dir", str(build), "--output-on-failure", "-j", "2"],
                       capture_output=True, text=True, timeout=1800, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"100% tests passed, 0 tests failed out of {len(TESTS)}" in r.stdout, r.stdout
    testfile = (build / "CTestTestfile.cmake").read_text()
    for name in TESTS:
        assert f'add_test({name} "' in testfile
    # every test command starts with the emulator and its -L
    assert testfile.count(f'"-L" "{CROSS_ROOT}"') == len(TESTS), testfile
