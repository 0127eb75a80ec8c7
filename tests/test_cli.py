"""Command line: qemu-compatible options, and one clear line for bad input.

The option tests run tests/guest_sys/cli_env.c (it prints its argv and the
environment variables it is asked about) under pyqemu and under qemu-arm with
the same options and QEMU_* variables, and compare what the guest saw."""
import os
import re
import shutil
import struct
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join(ROOT, "examples", "hello-arm")

sys.path.insert(0, os.path.join(ROOT, "tests", "guest_sys"))
import sysharness as H  # noqa: E402

needs_guest = pytest.mark.skipif(H.missing_tools() is not None, reason=str(H.missing_tools()))


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


def test_help_layout_like_qemu():
    """usage line, description, one blank line, the options heading, one blank
    line, the options: qemu-arm -h's first lines."""
    lines = run(["-h"]).stdout.splitlines()
    assert lines[0] == "usage: pyqemu-arm [options] program [arguments...]"
    assert lines[1] and lines[2] == ""
    assert lines[3] == "Options and associated environment variables:"
    assert lines[4] == "" and lines[5].strip().startswith("-h")
    assert "\n\n\n" not in run(["-h"]).stdout
    if shutil.which(H.QEMU):
        q = subprocess.run([H.QEMU, "-h"], capture_output=True, text=True).stdout.splitlines()
        assert [bool(l) for l in q[:5]] == [bool(l) for l in lines[:5]]
        assert q[0] == lines[0].replace("pyqemu-arm", "qemu-arm") and q[3] == lines[3]


def test_help_into_closed_pipe():
    """pyqemu-arm -h | head -1: no BrokenPipeError traceback, status 0 (as qemu-arm)."""
    p = subprocess.Popen([sys.executable, "-m", "usermode", "-h"], cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.read(10)
    p.stdout.close()
    err = p.stderr.read().decode()
    assert p.wait(timeout=60) == 0
    assert "Traceback" not in err and err == ""


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


def aarch64_exit42() -> bytes:
    """A complete static AArch64 Linux executable (no AArch64 cross compiler
    is installed): ELF64 header, one PT_LOAD, and mov x0,#42; mov x8,#93
    (exit); svc #0.  qemu-aarch64 runs it and exits 42."""
    code = struct.pack("<3I", 0xD2800540, 0xD2800BA8, 0xD4000001)
    base, ehsize, phsize = 0x400000, 64, 56
    eh = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
    eh += struct.pack("<HHIQQQIHHHHHH", 2, 183, 1, base + ehsize + phsize, ehsize, 0, 0,
                      ehsize, phsize, 1, 0, 0, 0)
    size = ehsize + phsize + len(code)
    ph = struct.pack("<IIQQQQQQ", 1, 5, 0, base, base, size, size, 0x1000)
    return eh + ph + code


def test_wrong_machine_aarch64(tmp_path):
    f = tmp_path / "a64"
    f.write_bytes(aarch64_exit42())
    f.chmod(0o755)
    if shutil.which("qemu-aarch64"):      # it is a real AArch64 program
        assert subprocess.run(["qemu-aarch64", str(f)], timeout=60).returncode == 42
    assert_one_line_error(run([str(f)]), "AArch64")


def test_wrong_machine_aarch64_patched_header(tmp_path):
    data = bytearray(open(EXAMPLE, "rb").read())
    # turn it into an ELF64 AArch64 header claim: class 2, e_machine 183
    data[4] = 2
    data[18:20] = (183).to_bytes(2, "little")
    f = tmp_path / "a64"
    f.write_bytes(bytes(data))
    assert_one_line_error(run([str(f)]), "AArch64")


# ---- corrupt (not truncated) ELF files -----------------------------------------

def _corrupt(tmp_path, name, patch):
    data = bytearray(open(EXAMPLE, "rb").read())
    patch(data)
    f = tmp_path / name
    f.write_bytes(bytes(data))
    f.chmod(0o755)
    return f


def _first_load(data):
    phoff, = struct.unpack_from("<I", data, 28)
    phnum, = struct.unpack_from("<H", data, 44)
    for i in range(phnum):
        if struct.unpack_from("<I", data, phoff + 32 * i)[0] == 1:    # PT_LOAD
            return phoff + 32 * i
    raise AssertionError("no PT_LOAD in the example")


CORRUPTIONS = {
    "phoff_huge": lambda d: struct.pack_into("<I", d, 28, 0x7FFFFFF0),
    "phoff_near_end": lambda d: struct.pack_into("<I", d, 28, len(d) - 8),
    "phentsize_0": lambda d: struct.pack_into("<H", d, 42, 0),
    "phentsize_16": lambda d: struct.pack_into("<H", d, 42, 16),
    "phentsize_64": lambda d: struct.pack_into("<H", d, 42, 64),
    "segment_offset_past_eof": lambda d: struct.pack_into("<I", d, _first_load(d) + 4, len(d) + 0x10000),
    "segment_filesz_past_eof": lambda d: struct.pack_into("<II", d, _first_load(d) + 16,
                                                          4 * len(d), 4 * len(d)),
}


@pytest.mark.parametrize("how", sorted(CORRUPTIONS))
def test_corrupt_elf(tmp_path, how):
    f = _corrupt(tmp_path, how, CORRUPTIONS[how])
    r = run([str(f)])
    assert_one_line_error(r, str(f))
    assert r.stdout == ""
