"""The native fast path for system calls (usermode/translate/fastsys.py,
usermode/translate/arm/fast_syscalls.py).

* Translation: an SVC whose r7 is known in its block becomes one direct host
  call (the optimizer folds the number compares), an SVC with r7 unknown gets
  the compare chain, and nothing changes while the fast path is off
  (configure(strace=True), PYQEMU_FASTSYS=0).
* Behaviour: tests/fastsys/fastsys_guest.c (identities, /dev/null, a pipe, a
  bad pointer, a closed fd, a blocking write interrupted by a signal with and
  without SA_RESTART) prints the same under pyqemu with the fast path as under
  qemu-arm, in ARM and Thumb builds.

Run:  python -m pytest tests/test_fastsys.py
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from usermode.translate import fastsys
from usermode.translate.arm.translate import translate_block
from usermode.translate.ir import EXIT_SYSCALL, Const
from usermode.translate.optimize import optimize

REPO = Path(__file__).resolve().parent.parent
SRC = REPO / "tests" / "fastsys" / "fastsys_guest.c"
CC = os.environ.get("PYQEMU_CROSS_CC", "arm-linux-gnueabihf-gcc")
QEMU = os.environ.get("PYQEMU_QEMU_ARM", "qemu-arm")


@pytest.fixture
def fast(monkeypatch):
    monkeypatch.setenv("PYQEMU_TCACHE", "0")
    monkeypatch.setenv("PYQEMU_FASTSYS", "1")
    fastsys.reset()
    yield
    monkeypatch.delenv("PYQEMU_FASTSYS")
    fastsys.reset()


def _block(hws, pc=0x10000):
    code = b"".join(h.to_bytes(2, "little") for h in hws) + bytes(64)
    return translate_block(lambda a, n: code[a - pc:a - pc + n], pc, 1)


def _calls(ops):
    return [op for op in ops if op.name == "call"]


def test_known_number_is_one_direct_call(fast):
    blk = _block([0x2740, 0xDF00])               # movs r7, #64 (getppid); svc 0
    ops, _ = optimize(blk.ir.ops, blk.ir.ntemps)
    calls = _calls(ops)
    assert len(calls) == 1 and calls[0].args[2][0] == Const(110, calls[0].args[2][0].type)
    names = [op.name for op in ops]
    assert ("goto_tb", 0, 0x10004) in [(op.name, *op.args) for op in ops if op.name == "goto_tb"]
    assert ops[names.index("exit_tb")].args == (EXIT_SYSCALL,)   # the signal / restart path


def test_unknown_number_gets_the_chain(fast):
    blk = _block([0x4667, 0xDF00])               # mov r7, ip; svc 0
    ops, _ = optimize(blk.ir.ops, blk.ir.ntemps)
    from usermode.translate.arm.fast_syscalls import FAST
    assert len(_calls(ops)) == len(FAST)


def test_off_means_plain_exit(monkeypatch):
    monkeypatch.delenv("PYQEMU_FASTSYS", raising=False)
    fastsys.reset()
    fastsys.configure(strace=True)
    assert not fastsys.enabled()
    blk = _block([0x2740, 0xDF00])
    assert not _calls(blk.ir.ops) and blk.ir.ops[-1].name == "exit_tb"
    fastsys.configure(strace=False)
    assert fastsys.enabled()
    monkeypatch.setenv("PYQEMU_FASTSYS", "0")
    fastsys.configure(strace=False)
    assert not fastsys.enabled()
    fastsys.reset()


@pytest.mark.skipif(not shutil.which(CC) or not shutil.which(QEMU),
                    reason="needs arm-linux-gnueabihf-gcc and qemu-arm")
@pytest.mark.parametrize("isa", ["thumb", "arm"])
def test_guest_program_matches_qemu(tmp_path, isa):
    exe = tmp_path / f"fastsys-{isa}"
    subprocess.run([CC, "-static", "-O2", f"-m{isa}", "-o", str(exe), str(SRC)], check=True)
    env = dict(os.environ, EXPECT_PPID=str(os.getpid()), EXPECT_UID=str(os.getuid()),
               PYTHONPATH=str(REPO), PYQEMU_TCACHE="0")
    ref = subprocess.run([QEMU, str(exe)], capture_output=True, env=env, timeout=120)
    assert ref.returncode == 0 and b"WRONG" not in ref.stdout, ref.stdout
    for mode in ("1", "0"):
        got = subprocess.run([sys.executable, "-m", "usermode", str(exe)], capture_output=True,
                             env=dict(env, PYQEMU_FASTSYS=mode), timeout=300)
        assert (got.returncode, got.stdout) == (ref.returncode, ref.stdout), got.stderr[-2000:]


@pytest.mark.skipif(not shutil.which(CC), reason="needs arm-linux-gnueabihf-gcc")
def test_command_line_turns_the_fast_path_on(tmp_path):
    """pyqemu-arm configures the fast path (on by default, off with -strace):
    the op log shows the direct host calls only without -strace."""
    exe = tmp_path / "fastsys-thumb"
    subprocess.run([CC, "-static", "-O2", "-mthumb", "-o", str(exe), str(SRC)], check=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYQEMU_", "QEMU_"))}
    env.update(EXPECT_PPID=str(os.getpid()), EXPECT_UID=str(os.getuid()),
               PYTHONPATH=str(REPO), PYQEMU_TCACHE="0")
    logs = {}
    for opt in ((), ("-strace",)):
        log = tmp_path / f"log{len(opt)}"
        got = subprocess.run([sys.executable, "-m", "usermode", "-d", "op", "-D", str(log), *opt,
                              str(exe)], capture_output=True, env=env, timeout=300)
        assert got.returncode == 0, got.stderr[-2000:]
        logs[opt] = log.read_text()
    assert "rt_syscall" in logs[()]
    assert "rt_syscall" not in logs[("-strace",)] and "OP:" in logs[("-strace",)]
