"""The binfmt_misc registration text and the runner's reading of P and O (no kernel needed).

    python -m pytest tests/test_binfmt_entry.py
"""
from __future__ import annotations

import os
import struct
import subprocess
import sys

import pytest

from usermode.binfmt.command import claims_arm, main as binfmt_main
from usermode.binfmt.entry import ARM_MAGIC, ARM_MASK, Entry, EntryError, escape
from usermode.binfmt.invoke import AT_EXECFD, AT_FLAGS, binfmt_invocation, host_auxv
from usermode.cli import parse_args

QEMU_ARM_LINE = (r":qemu-arm:M::\x7f\x45\x4c\x46\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00"
                 r"\x00\x02\x00\x28\x00:\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff"
                 r"\xff\xff\xff\xfe\xff\xff\xff:/usr/libexec/qemu-binfmt/arm-binfmt-P:P")


def elf_header(e_class=1, data=1, e_type=2, machine=40, osabi=0) -> bytes:
    ident = b"\x7fELF" + bytes([e_class, data, 1, osabi]) + bytes(8)
    return ident + struct.pack("<HH", e_type, machine)


def test_magic_and_mask_are_qemus():
    line = Entry("qemu-arm", "/usr/libexec/qemu-binfmt/arm-binfmt-P", "P").register_line()
    assert line == QEMU_ARM_LINE


@pytest.mark.parametrize("header, claimed", [
    (elf_header(), True),                        # ET_EXEC
    (elf_header(e_type=3), True),                # ET_DYN: PIE, ld.so
    (elf_header(osabi=3), True),                 # EI_OSABI is ignored
    (elf_header(e_type=1), False),               # ET_REL
    (elf_header(e_type=4), False),               # ET_CORE
    (elf_header(machine=62), False),             # x86-64
    (elf_header(machine=183), False),            # AArch64
    (elf_header(e_class=2), False),              # 64-bit
    (elf_header(data=2), False),                 # big-endian
    (b"#!/bin/sh\n" + bytes(20), False),
])
def test_mask_selects_arm_executables(header, claimed):
    assert Entry.matches(header) is claimed


def test_flags_are_normalised_and_checked():
    assert Entry("a", "/x", "FCOP").flags == "POCF"
    for bad in ("Q", "p"):
        with pytest.raises(EntryError):
            Entry("a", "/x", bad)
    for name in ("", "a/b", "a:b", "register", "status"):
        with pytest.raises(EntryError):
            Entry(name, "/x", "")
    with pytest.raises(EntryError):
        Entry("a", "relative/path", "")


def test_systemd_and_debian_files():
    e = Entry("pyqemu-arm", "/opt/pq/pyqemu-arm-binfmt-P", "PCF")
    assert e.systemd_file().splitlines()[-1] == e.register_line()
    deb = dict(line.split(" ", 1) for line in e.debian_file().splitlines())
    assert deb == {"package": "pyqemu", "interpreter": "/opt/pq/pyqemu-arm-binfmt-P",
                   "magic": escape(ARM_MAGIC), "offset": "0", "mask": escape(ARM_MASK),
                   "credentials": "yes", "fix_binary": "yes", "preserve": "yes"}
    with pytest.raises(EntryError, match="O without C"):
        Entry("x", "/y", "O").debian_file()


def test_command_writes_files(tmp_path, capsys):
    out = tmp_path / "binfmt.d" / "pyqemu-arm.conf"
    assert binfmt_main(["systemd", "--interpreter", "/opt/x", "--flags", "PF", "-o",
                        str(out)]) == 0
    assert out.read_text().splitlines()[-1].endswith(":/opt/x:PF")
    assert binfmt_main(["print", "--interpreter", "/opt/x", "--flags", ""]) == 0
    assert capsys.readouterr().out.strip().endswith(":/opt/x:")
    # without --interpreter the line names the launcher
    binfmt_main(["print", "--launcher-dir", str(tmp_path)])
    assert capsys.readouterr().out.strip().endswith(f":{tmp_path}/pyqemu-arm-binfmt-P:P")


@pytest.mark.parametrize("argv", [["frobnicate"], ["print", "--flags", "X", "--interpreter", "/a"],
                                  ["unregister", "--name", "no-such-entry-here"],
                                  ["debian", "--flags", "O", "--interpreter", "/a"]])
def test_command_errors_are_one_line(argv):
    r = subprocess.run([sys.executable, "-m", "usermode.binfmt.command", *argv],
                       capture_output=True, text=True,
                       cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert r.returncode == 1 and r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("pyqemu-binfmt: "), r.stderr


def test_claims_arm_reads_proc_entries():
    entry = {"magic": ARM_MAGIC, "mask": ARM_MASK, "offset": "0"}
    assert claims_arm(entry)
    assert not claims_arm({"magic": b"\xa7\x0d\x0d\x0a", "mask": b"", "offset": "0"})


def test_invocation_from_auxv():
    assert binfmt_invocation("/usr/bin/pyqemu-arm", {}) == (False, None)
    assert binfmt_invocation("/x/pyqemu-arm", {AT_FLAGS: 1}) == (True, None)
    assert binfmt_invocation("/x/pyqemu-arm-binfmt-P", {AT_FLAGS: 0}) == (True, None)
    r, w = os.pipe()
    try:
        assert binfmt_invocation("/x/pyqemu-arm", {AT_EXECFD: r}) == (False, r)
    finally:
        os.close(r)
        os.close(w)
    assert binfmt_invocation("/x/pyqemu-arm", {AT_EXECFD: 999}) == (False, None)  # closed
    # this very process was not started by binfmt_misc
    aux = host_auxv()
    assert aux and AT_EXECFD not in aux and not aux.get(AT_FLAGS, 0) & 1


def test_parse_args_preserving_argv0():
    opts, prog, args, _ = parse_args(["/path/prog", "argv0", "a"], {}, preserve_argv0=True)
    assert (prog, args) == ("/path/prog", ["argv0", "a"])
    opts, prog, args, _ = parse_args(["/path/prog", "a"], {}, preserve_argv0=False)
    assert (prog, args) == ("/path/prog", ["/path/prog", "a"])
