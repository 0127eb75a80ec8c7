"""The pytest plugin (usermode/pytest_plugin.py), exercised by a real inner pytest run.

An inner test suite is written to a temporary directory and run with
``python -m pytest -p usermode.pytest_plugin`` (plugin autoloading off, so
the installed entry point does not load it a second time); its tests use
the ``pyqemu`` fixture on the bundled static examples/hello-arm and on a
dynamically linked program that needs ``--pyqemu-ld-prefix`` (or the ini
setting) to find glibc.

    python -m pytest tests/test_harness_pytest.py
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
HELLO = REPO / "examples" / "hello-arm"
CROSS_ROOT = "/usr/arm-linux-gnueabihf"
CC = "arm-linux-gnueabihf-gcc"

INNER_TESTS = '''
import os

HELLO = {hello!r}
DYN = {dyn!r}


def test_static(pyqemu):
    r = pyqemu.check([HELLO, "from", "plugin"], text=True)
    assert "argv[2] = plugin" in r.stdout


def test_run_returns_status(pyqemu):
    r = pyqemu.run([HELLO])
    assert r.returncode == 0


def test_dynamic_needs_ld_prefix(pyqemu):
    assert pyqemu.ld_prefix == {root!r}
    pyqemu.check([DYN, "x"], stdout=b"dyn x\\n", returncode=3)


def test_wrong_expectation_fails(pyqemu):
    pyqemu.check([HELLO], stdout=b"not what it prints")
'''

DYN_C = '#include <stdio.h>\nint main(int c, char **v) { printf("dyn %s\\n", v[1]); return 3; }\n'


@pytest.fixture(scope="module")
def inner(tmp_path_factory):
    if not shutil.which(CC) or not os.path.exists(CROSS_ROOT + "/lib/ld-linux-armhf.so.3"):
        pytest.skip(f"{CC} and the ARM glibc in {CROSS_ROOT} are needed")
    d = tmp_path_factory.mktemp("inner")
    (d / "dyn.c").write_text(DYN_C)
    subprocess.run([CC, str(d / "dyn.c"), "-o", str(d / "dyn")], check=True)
    (d / "test_guest.py").write_text(INNER_TESTS.format(hello=str(HELLO), dyn=str(d / "dyn"),
                                                        root=CROSS_ROOT))
    return d


def run_inner(d: Path, *args, ini: str = ""):
    (d / "pytest.ini").write_text("[pytest]\n" + ini)
    env = dict(os.environ, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1",
               PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("QEMU_LD_PREFIX", None)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "usermode.pytest_plugin",
                           "-p", "no:cacheprovider", *args], cwd=d, env=env,
                          capture_output=True, text=True, timeout=900)


def test_fixture_with_command_line_option(inner):
    r = run_inner(inner, f"--pyqemu-ld-prefix={CROSS_ROOT}")
    assert "1 failed, 3 passed" in r.stdout, r.stdout + r.stderr
    assert "test_wrong_expectation_fails" in r.stdout
    assert "expected: b'not what it prints'" in r.stdout


def test_fixture_with_ini_setting(inner):
    r = run_inner(inner, "-k", "dynamic", ini=f"pyqemu_ld_prefix = {CROSS_ROOT}\n")
    assert "1 passed" in r.stdout, r.stdout + r.stderr


def test_options_listed_in_help(inner):
    r = run_inner(inner, "--help")
    assert "--pyqemu-ld-prefix" in r.stdout and "--pyqemu-timeout" in r.stdout
