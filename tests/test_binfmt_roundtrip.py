"""binfmt_misc round trip: register pyqemu-arm, execute ARM programs directly, unregister.

Each test registers its own entry under a unique name (pyqemu-test-PID-N),
runs ARM binaries with a plain execve (no translator on the command line),
checks what the guest saw, and unregisters in a finally block.  Needs root
and a writable binfmt_misc (it is mounted if it is not); otherwise skipped
with that reason.

  * no flags: the guest's argv[0] is the full path the kernel passes;
  * P: the original argv[0] survives (AT_FLAGS_PRESERVE_ARGV0 / -binfmt-P);
  * PIE (ET_DYN) programs match the mask, and find their sysroot through
    QEMU_LD_PREFIX;
  * O: an execute-only binary (not readable by the caller) runs, because the
    kernel hands the open file over as AT_EXECFD; without O it cannot.

    python -m pytest tests/test_binfmt_roundtrip.py
"""
from __future__ import annotations

import ctypes
import itertools
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from usermode.binfmt import procfs
from usermode.binfmt.command import claims_arm
from usermode.binfmt.command import main as binfmt_main

REPO = Path(__file__).resolve().parent.parent
CC = "arm-linux-gnueabihf-gcc"
CROSS_ROOT = "/usr/arm-linux-gnueabihf"
PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2
OTHER_UID = 54321

ARGS_C = r"""
#include <stdio.h>
int main(int argc, char **argv)
{
    for (int i = 0; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
    return 7;
}
"""

# what a pip-installed console script looks like: a "#!" interpreter
SCRIPT = """#!{python}
import sys
sys.path.insert(0, {repo!r})
from usermode.__main__ import main_arm
sys.exit(main_arm())
"""

_counter = itertools.count()


def _binfmt_unusable() -> str:
    if os.geteuid() != 0:
        return "binfmt_misc registration needs root"
    try:
        procfs.ensure_mounted()
    except procfs.BinfmtError as e:
        return str(e)
    reg = os.path.join(procfs.MOUNT_POINT, "register")
    if not os.access(reg, os.W_OK):
        return f"{reg} is not writable here"
    return ""


@pytest.fixture(scope="module")
def programs(tmp_path_factory):
    why = _binfmt_unusable()
    if why:
        pytest.skip(why)
    if not shutil.which(CC):
        pytest.skip(f"{CC} not installed")
    d = tmp_path_factory.mktemp("binfmt")
    (d / "args.c").write_text(ARGS_C)
    out = {"static": d / "args-static", "pie": d / "args-pie"}
    subprocess.run([CC, "-O2", "-static", str(d / "args.c"), "-o", str(out["static"])],
                   check=True)
    subprocess.run([CC, "-O2", str(d / "args.c"), "-o", str(out["pie"])], check=True)
    out["launchers"] = d / "libexec"          # pyqemu-binfmt builds its launcher here
    out["script"] = d / "pyqemu-arm"
    out["script"].write_text(SCRIPT.format(python=sys.executable, repo=str(REPO)))
    out["script"].chmod(0o755)
    return out


class Registered:
    """`with Registered(flags, programs):` registers a unique entry, then removes it.

    The interpreter is pyqemu-binfmt's native launcher, or the given script."""

    def __init__(self, flags: str, programs: dict, script: bool = False):
        self.name = f"pyqemu-test-{os.getpid()}-{next(_counter)}"
        self.args = ["register", "--name", self.name, "--flags", flags]
        self.args += (["--interpreter", str(programs["script"])] if script else
                      ["--launcher-dir", str(programs["launchers"])])

    def __enter__(self):
        assert binfmt_main(self.args) == 0
        return self

    def __exit__(self, *exc):
        if os.path.exists(os.path.join(procfs.MOUNT_POINT, self.name)):
            binfmt_main(["unregister", "--name", self.name])
        assert not os.path.exists(os.path.join(procfs.MOUNT_POINT, self.name))


def run_direct(argv, env=None, preexec_fn=None):
    return subprocess.run(argv, capture_output=True, text=True, timeout=300,
                          env=env or {"PATH": "/usr/bin:/bin"}, preexec_fn=preexec_fn)


def test_register_list_run_unregister(programs, capsys):
    prog = programs["static"]
    with Registered("", programs) as reg:
        entry = procfs.read_entry(reg.name)
        assert entry["enabled"] and entry["flags"] == ""
        assert entry["interpreter"] == str(programs["launchers"] / "pyqemu-arm-binfmt")
        capsys.readouterr()
        binfmt_main(["list"])
        assert reg.name in capsys.readouterr().out
        r = run_direct([str(prog), "one", "two"])
    assert r.returncode == 7, r.stderr
    # without P the kernel replaces argv[0] by the path it executed
    assert r.stdout == f"argv[0]={prog}\nargv[1]=one\nargv[2]=two\n"
    # unregistered: the host kernel cannot run it any more (unless another
    # emulator, e.g. qemu-user-binfmt, has its own ARM entry)
    others = [n for n in procfs.entries() if claims_arm(procfs.read_entry(n))]
    if not others:
        with pytest.raises(OSError):
            run_direct([str(prog)])


def test_preserve_argv0(programs):
    prog = programs["static"]
    with Registered("PF", programs):
        r = subprocess.run(["custom-name", "x"], executable=str(prog), capture_output=True,
                           text=True, timeout=300, env={"PATH": "/usr/bin:/bin"})
    assert r.returncode == 7, r.stderr
    assert r.stdout == "argv[0]=custom-name\nargv[1]=x\n"


def test_script_interpreter_with_preserve_argv0(programs):
    """A "#!" runner (a pip console script) works for P (AT_FLAGS reaches Python)."""
    prog = programs["static"]
    with Registered("P", programs, script=True):
        r = subprocess.run(["named", "y"], executable=str(prog), capture_output=True,
                           text=True, timeout=300, env={"PATH": "/usr/bin:/bin"})
    assert r.returncode == 7, r.stderr
    assert r.stdout == "argv[0]=named\nargv[1]=y\n"


def test_script_interpreter_refused_with_open_binary(programs, capsys):
    with pytest.raises(SystemExit) as e:
        binfmt_main(["register", "--name", "pyqemu-test-never", "--flags", "O",
                     "--interpreter", str(programs["script"])])
    assert e.value.code == 1
    assert "is a script" in capsys.readouterr().err
    assert not os.path.exists(os.path.join(procfs.MOUNT_POINT, "pyqemu-test-never"))


def test_pie_with_ld_prefix_from_environment(programs):
    if not os.path.exists(CROSS_ROOT + "/lib/ld-linux-armhf.so.3"):
        pytest.skip(f"no ARM glibc in {CROSS_ROOT}")
    prog = programs["pie"]
    with Registered("P", programs):
        r = run_direct([str(prog), "dyn"], env={"PATH": "/usr/bin:/bin",
                                                 "QEMU_LD_PREFIX": CROSS_ROOT})
    assert r.returncode == 7, r.stderr
    assert r.stdout == f"argv[0]={prog}\nargv[1]=dyn\n"


def _without_dac_override():
    """In the child: root loses the capabilities that let it read any file."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def test_open_binary_runs_execute_only_program(programs, tmp_path):
    prog = tmp_path / "exec-only"
    shutil.copy(programs["static"], prog)
    os.chown(prog, OTHER_UID, OTHER_UID)
    prog.chmod(0o711)                        # others may execute, not read
    with Registered("P", programs):
        denied = run_direct([str(prog), "a"], preexec_fn=_without_dac_override)
    with Registered("PO", programs):
        r = run_direct([str(prog), "a"], preexec_fn=_without_dac_override)
    assert denied.returncode == 1 and denied.stdout == ""
    assert denied.stderr.startswith("pyqemu-arm: Permission denied"), denied.stderr
    assert r.returncode == 7, r.stderr
    assert r.stdout == f"argv[0]={prog}\nargv[1]=a\n"
