"""Command line: qemu-compatible options, and one clear line for bad input."""
import os
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join(ROOT, "examples", "hello-arm")


def run(args, **kw):
    return subprocess.run([sys.executable, "-m", "usermode", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, **kw)


def assert_one_line_error(r, *needles):
    assert r.returncode != 0
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("pyqemu-arm: "), lines[0]
    for n in needles:
        assert n in lines[0], lines[0]


def test_unknown_option():
    assert_one_line_error(run(["-frobnicate", "x"]), "unknown option", "-frobnicate")


def test_missing_option_argument():
    assert_one_line_error(run(["-L"]), "needs an argument")


def test_no_program():
    assert_one_line_error(run([]), "no program")


def test_bad_log_item():
    assert_one_line_error(run(["-d", "nonsense", "x"]), "unknown log item")


def test_bad_stack_size():
    assert_one_line_error(run(["-s", "lots", "x"]), "stack size")


def test_version_and_help():
    r = run(["-version"])
    assert r.returncode == 0 and "pyqemu-arm version" in r.stdout
    r = run(["-h"])
    assert r.returncode == 0 and "-strace" in r.stdout and "QEMU_LD_PREFIX" in r.stdout


def test_missing_file(tmp_path):
    assert_one_line_error(run([str(tmp_path / "nope")]), "No such file")


def test_not_elf(tmp_path):
    f = tmp_path / "script.txt"
    f.write_text("just text\n")
    assert_one_line_error(run([str(f)]), "not an ELF")


@pytest.mark.parametrize("cut", [3, 20, 52, 100, 1000])
def test_truncated_elf(tmp_path, cut):
    data = open(EXAMPLE, "rb").read()
    f = tmp_path / "cut"
    f.write_bytes(data[:cut])
    assert_one_line_error(run([str(f)]))


def test_wrong_machine_x86_64():
    assert_one_line_error(run([shutil.which("true") or "/bin/true"]), "x86-64")


def test_wrong_machine_aarch64(tmp_path):
    data = bytearray(open(EXAMPLE, "rb").read())
    # turn it into an ELF64 AArch64 header claim: class 2, e_machine 183
    data[4] = 2
    data[18:20] = (183).to_bytes(2, "little")
    f = tmp_path / "a64"
    f.write_bytes(bytes(data))
    assert_one_line_error(run([str(f)]))
