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


# ---- options and QEMU_* variables, end to end, against qemu-arm ----------------------

def both(options=(), args=(), env=None, isa="arm", cwd=None):
    """cli_env run with the same options, arguments and environment under
    qemu-arm and pyqemu: (qemu result, pyqemu result)."""
    exe = H.build("cli_env", isa)
    return tuple(H.run(r, exe, args, options=options, env=env, cwd=cwd) for r in ("qemu", "pyqemu"))


def assert_same(q, p):
    assert q.rc == 0, q.stdout + q.stderr
    assert p.rc == 0, p.stdout + p.stderr
    assert p.stdout == q.stdout
    assert p.stderr == q.stderr == ""


@needs_guest
def test_E_U_0_options():
    env = {"FOO": "orig", "BAR": "keep", "BAZ": "stays"}
    q, p = both(["-E", "FOO=new", "-E", "NEWV=x=y,W=2", "-U", "BAR", "-0", "my argv0"],
                ["a", "env:FOO", "env:NEWV", "env:W", "env:BAR", "env:BAZ"], env)
    assert_same(q, p)
    lines = p.stdout.splitlines()
    assert lines[:3] == ["argc=7", "argv[0]=[my argv0]", "argv[1]=[a]"]
    # -E takes a comma list like QEMU_SET_ENV (qemu's handle_arg_set_env), -U removes
    assert lines[-5:] == ["FOO=[new]", "NEWV=[x=y]", "W=[2]", "BAR=(unset)", "BAZ=[stays]"]


@needs_guest
def test_E_without_value_is_an_error():
    exe = H.build("cli_env", "arm")
    q = H.run("qemu", exe, options=["-E", "FOO=1,z"])
    assert q.rc != 0 and "argc=" not in q.stdout        # qemu-arm prints its usage
    p = H.run("pyqemu", exe, options=["-E", "FOO=1,z"])
    assert p.rc != 0 and p.stdout == ""
    assert p.stderr.startswith("pyqemu-arm: ") and len(p.stderr.splitlines()) == 1
    assert "'z'" in p.stderr


@needs_guest
def test_E_U_0_environment_variables():
    env = {"FOO": "orig", "BAR": "keep", "GONE2": "x",
           "QEMU_SET_ENV": "FOO=e1,NEWV=e2", "QEMU_UNSET_ENV": "BAR,GONE2",
           "QEMU_ARGV0": "envname"}
    q, p = both([], ["env:FOO", "env:NEWV", "env:BAR", "env:GONE2", "env:QEMU_SET_ENV"], env)
    assert_same(q, p)
    lines = p.stdout.splitlines()
    assert lines[1] == "argv[0]=[envname]"
    # QEMU_SET_ENV / QEMU_UNSET_ENV are comma lists; the variables stay in the guest's environment
    assert lines[-5:] == ["FOO=[e1]", "NEWV=[e2]", "BAR=(unset)", "GONE2=(unset)",
                          "QEMU_SET_ENV=[FOO=e1,NEWV=e2]"]


@needs_guest
def test_command_line_overrides_environment():
    env = {"QEMU_ARGV0": "fromenv", "QEMU_SET_ENV": "FOO=fromenv"}
    q, p = both(["-0", "fromcli", "-E", "FOO=fromcli"], ["env:FOO"], env)
    assert_same(q, p)
    assert "argv[0]=[fromcli]" in p.stdout and "FOO=[fromcli]" in p.stdout


@needs_guest
@pytest.mark.parametrize("model", ["cortex-a15", "max"])
def test_cpu_valid_model(model):
    q, p = both(["-cpu", model], ["x"])
    assert_same(q, p)
    q, p = both([], ["x"], {"QEMU_CPU": model})
    assert_same(q, p)


@needs_guest
def test_cpu_unknown_model():
    exe = H.build("cli_env", "arm")
    for how in (dict(options=["-cpu", "foo"]), dict(env={"QEMU_CPU": "foo"})):
        q = H.run("qemu", exe, **how)
        p = H.run("pyqemu", exe, **how)
        assert q.rc != 0 and q.stderr == "qemu-arm: unable to find CPU model 'foo'\n"
        assert p.rc == q.rc and p.stdout == q.stdout == ""
        assert p.stderr == q.stderr.replace("qemu-arm", "pyqemu-arm")
    # whatever the program, even one that is not ARM (qemu-arm -cpu foo /bin/true)
    assert_one_line_error(run(["-cpu", "foo", shutil.which("true") or "/bin/true"]),
                          "unable to find CPU model 'foo'")


DEEP = "deep:12000"       # 12000 KiB of stack: more than the default 8 MiB


@needs_guest
@pytest.mark.parametrize("how", ["option", "QEMU_STACK_SIZE"])
def test_stack_size(how):
    exe = H.build("cli_env", "arm")
    # a guest that needs 12 MB of stack dies by SIGSEGV with the default stack...
    for runner in ("qemu", "pyqemu"):
        r = H.run(runner, exe, [DEEP], env={})
        assert r.rc == -11, (runner, r)
        assert "deep 12000: ok" not in r.stdout
    # ...and gets to the end with a 64 MiB one
    kw = dict(options=["-s", "64M"]) if how == "option" else dict(env={"QEMU_STACK_SIZE": "64M"})
    q, p = (H.run(r, exe, [DEEP], **kw) for r in ("qemu", "pyqemu"))
    assert_same(q, p)
    assert "deep 12000: ok (1)" in p.stdout


def _syscalls(stderr):
    """strace lines without the pid: [(name, line)]."""
    out = []
    for line in stderr.splitlines():
        m = re.match(r"^\d+ (\w+)\(", line)
        if m:
            out.append((m.group(1), line.split(" ", 1)[1]))
        elif line.startswith("Unknown syscall"):
            out.append(("?", line))
    return out


@needs_guest
@pytest.mark.parametrize("how", ["-strace", "QEMU_STRACE"])
def test_strace(how):
    kw = dict(options=["-strace"]) if how == "-strace" else dict(env={"QEMU_STRACE": "1"})
    q, p = both(args=["hello"], **kw)
    assert q.rc == p.rc == 0 and p.stdout == q.stdout
    qs, ps = _syscalls(q.stderr), _syscalls(p.stderr)
    assert [n for n, _ in ps] == [n for n, _ in qs], p.stderr
    # the calls whose arguments hold no stack address print the same
    same = {"brk", "getrandom", "mprotect", "write", "exit_group"}
    assert [l for n, l in ps if n in same] == [l for n, l in qs if n in same]
    assert ps[-1][1] == "exit_group(0)"
    assert any(re.fullmatch(r"write\(1,0x[0-9a-f]+,\d+\) = \d+", l) for _, l in ps)


INSN_LINE = re.compile(r"^0x[0-9a-f]{8}:  ([0-9a-f]{8}|[0-9a-f]{4} [0-9a-f]{4}|[0-9a-f]{4}     )  "
                       r"\S+ *( .*)?$")


def _in_asm_lines(text):
    return [l for l in text.splitlines() if l.startswith("0x")]


@needs_guest
@pytest.mark.parametrize("isa", ["arm", "thumb"])
@pytest.mark.parametrize("how", ["-d -D", "QEMU_LOG QEMU_LOG_FILENAME"])
def test_in_asm_log(tmp_path, isa, how):
    """-d in_asm -D file: the guest disassembly of every translated block, in
    qemu-arm's line format; the same instructions, printed the same, as qemu-arm
    logs for the same program (the block boundaries may differ)."""
    logs = {}
    exe = H.build("cli_env", isa)
    for runner in ("qemu", "pyqemu"):
        log = tmp_path / f"{runner}.log"
        kw = (dict(options=["-d", "in_asm", "-D", str(log)]) if how.startswith("-d")
              else dict(env={"QEMU_LOG": "in_asm", "QEMU_LOG_FILENAME": str(log)}))
        r = H.run(runner, exe, ["x"], **kw)
        assert r.rc == 0 and r.stderr == "", r
        assert "argv[1]=[x]" in r.stdout
        logs[runner] = log.read_text()
    p, q = logs["pyqemu"], logs["qemu"]
    assert p.startswith("----------------\nIN: \n")
    lines = _in_asm_lines(p)
    assert len(lines) > 100
    bad = [l for l in lines if not INSN_LINE.match(l)]
    assert not bad, bad[:5]
    # the entry point's block comes first, in both
    assert lines[0] == _in_asm_lines(q)[0]
    # an instruction both logged is printed the same; nearly all are in both (the
    # stack addresses differ, so string functions may take other alignment paths)
    mine = {l.split(":")[0]: l for l in lines}
    ref = {l.split(":")[0]: l for l in _in_asm_lines(q)}
    common = mine.keys() & ref.keys()
    assert len(common) >= 0.95 * len(mine)
    assert [mine[a] for a in sorted(common)] == [ref[a] for a in sorted(common)]
    # Thumb-2 code appears in both builds (Debian's static glibc is Thumb)
    assert any(re.match(r"^0x[0-9a-f]{8}:  [0-9a-f]{4} [0-9a-f]{4}  ", l) for l in lines)
    if isa == "arm":
        assert any(re.match(r"^0x[0-9a-f]{8}:  [0-9a-f]{8}  ", l) for l in lines)


@needs_guest
def test_in_asm_it_block_conditions(tmp_path):
    """Instructions inside an IT block are shown with the condition the IT gives
    them (cmpne, ldrls), as qemu-arm shows them."""
    log = tmp_path / "p.log"
    r = H.run("pyqemu", H.build("cli_env", "thumb"), [], options=["-d", "in_asm", "-D", str(log)])
    assert r.rc == 0
    lines = _in_asm_lines(log.read_text())
    pairs = [(a, b) for a, b in zip(lines, lines[1:])
             if re.search(r"  it  +(eq|ne|hi|ls|ge|lt|gt|le|hs|lo|mi|pl)$", a)]
    assert len(pairs) > 5
    for it, insn in pairs:
        cond, mnemonic = it.split()[-1], insn[24:].split()[0]      # the 9-wide Thumb column
        assert mnemonic.replace(".w", "").endswith(cond), (it, insn)


@needs_guest
@pytest.mark.parametrize("how", ["-d -D", "QEMU_LOG QEMU_LOG_FILENAME"])
def test_out_asm_log(tmp_path, how):
    """-d out_asm -D file: the x86-64 code generated for each block."""
    log = tmp_path / "p.log"
    exe = H.build("cli_env", "arm")
    kw = (dict(options=["-d", "out_asm", "-D", str(log)]) if how.startswith("-d")
          else dict(env={"QEMU_LOG": "out_asm", "QEMU_LOG_FILENAME": str(log)}))
    r = H.run("pyqemu", exe, ["x"], **kw)
    assert r.rc == 0 and r.stderr == "" and "argv[1]=[x]" in r.stdout
    text = log.read_text()
    blocks = re.findall(r"^OUT: \[size=(\d+)\]$", text, re.M)
    assert len(blocks) > 50 and all(int(n) > 0 for n in blocks)
    host = re.findall(r"^  0x([0-9a-f]{16}):  (\S+)", text, re.M)
    assert len(host) > 500
    mnemonics = {m for _, m in host}
    assert {"mov", "jmp"} <= mnemonics, sorted(mnemonics)[:40]
    assert all(int(a, 16) > 0xFFFFFFFF for a, _ in host)      # host addresses, not guest ones
    assert "IN:" not in text                                    # only out_asm was asked for


@needs_guest
def test_in_and_out_asm_to_stderr_without_D():
    r = H.run("pyqemu", H.build("cli_env", "arm"), [], options=["-d", "in_asm,out_asm"])
    assert r.rc == 0 and r.stdout.startswith("argc=1")
    assert r.stderr.startswith("----------------\nIN: \n")
    assert "\nOUT: [size=" in r.stderr
