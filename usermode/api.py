"""Run ARM guest programs from Python: ``usermode.run(argv, ...)``.

Each call runs the guest in a fresh host process (a translator owns its
process: one 4 GiB guest region, fault handlers, os._exit at guest exit), so
calls are independent and may run in parallel threads.  The result is a
``GuestRun`` with the exit status and the captured output, in the style of
:func:`subprocess.run`: ``returncode`` is the guest's exit status, or ``-N``
when the guest was killed by signal N.

Options are qemu-user's (see ``pyqemu-arm -h``): ``ld_prefix`` is ``-L`` (the
ARM system root in which absolute guest paths are looked up first),
``argv0`` is ``-0``, ``cpu``, ``stack_size``, ``strace``; ``env`` is the
guest's complete environment (default: this process's, without the QEMU_*
variables, which would reconfigure the translator).

Usage::

    import usermode
    r = usermode.run(["./hello", "world"], ld_prefix="/usr/arm-linux-gnueabihf")
    r.returncode, r.stdout            # (0, b'hello world\\n')
    r = usermode.run(["./sort"], input="b\\na\\n", text=True, timeout=60, check=True)
    usermode.api.command(["./hello"], ld_prefix="/sysroot")   # the host argv, for Popen
"""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Sequence, Union

PathArg = Union[str, bytes, "os.PathLike[str]"]

# keyword -> (qemu option, how the value is written)
OPTION_FLAGS = {
    "ld_prefix": ("-L", os.fspath),
    "argv0": ("-0", str),
    "cpu": ("-cpu", str),
    "stack_size": ("-s", str),
}
SWITCHES = {"strace": "-strace", "one_insn_per_tb": "-one-insn-per-tb"}

# The package's parent directory: the child imports this very copy of usermode.
_PKG_PARENT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_BOOTSTRAP = (f"import sys; sys.path.insert(0, {_PKG_PARENT!r}); "
              "from usermode.__main__ import main_arm; sys.exit(main_arm())")


class GuestError(subprocess.CalledProcessError):
    """``check=True`` and the guest did not exit with status 0."""

    def __str__(self) -> str:
        if self.returncode < 0:
            return f"guest {self.cmd[-1] if self.cmd else ''} died by signal {-self.returncode}"
        return f"guest exited with status {self.returncode}"


@dataclass
class GuestRun:
    args: List[str]                        # the guest argv as given
    returncode: int                        # exit status; -N: killed by signal N
    stdout: Union[bytes, str, None]
    stderr: Union[bytes, str, None]
    command: List[str] = None              # the host command that ran it

    def check_returncode(self) -> "GuestRun":
        if self.returncode:
            raise GuestError(self.returncode, self.command or self.args, self.stdout,
                             self.stderr)
        return self


def translator_command() -> List[str]:
    """The host argv prefix that starts pyqemu-arm with this interpreter and package."""
    return [sys.executable, "-c", _BOOTSTRAP]


def command(argv: Sequence[PathArg], **options) -> List[str]:
    """Host argv that runs guest `argv` with the given qemu options (see run)."""
    if not argv:
        raise ValueError("argv must name the guest program")
    cmd = translator_command()
    for key, value in options.items():
        if key in OPTION_FLAGS:
            if value is not None:
                flag, conv = OPTION_FLAGS[key]
                cmd += [flag, conv(value)]
        elif key in SWITCHES:
            if value:
                cmd.append(SWITCHES[key])
        else:
            raise TypeError(f"unknown option {key!r}")
    return cmd + ["--"] + [os.fsdecode(os.fspath(a)) for a in argv]


def guest_env(env: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
    """The guest environment: `env`, or this process's without QEMU_* variables."""
    if env is not None:
        return dict(env)
    return {k: v for k, v in os.environ.items() if not k.startswith("QEMU_")}


def run(argv: Sequence[PathArg], *, ld_prefix: Optional[PathArg] = None,
        env: Optional[Mapping[str, str]] = None, input: Union[bytes, str, None] = None,
        stdin=None, capture_output: bool = True, text: bool = False,
        timeout: Optional[float] = None, cwd: Optional[PathArg] = None,
        check: bool = False, argv0: Optional[str] = None, cpu: Optional[str] = None,
        stack_size: Union[int, str, None] = None, strace: bool = False) -> GuestRun:
    """Run the ARM program argv[0] with arguments argv[1:]; see the module doc.

    input/stdin/capture_output/text/timeout/cwd behave as in subprocess.run
    (TimeoutExpired is raised after the translator is killed); check=True
    raises GuestError for a non-zero status."""
    cmd = command(argv, ld_prefix=ld_prefix, argv0=argv0, cpu=cpu,
                  stack_size=stack_size, strace=strace)
    pipe = subprocess.PIPE if capture_output else None
    if input is not None and stdin is not None:
        raise ValueError("give input or stdin, not both")
    if input is None and stdin is None:
        stdin = subprocess.DEVNULL
    cp = subprocess.run(cmd, input=input, stdin=stdin, stdout=pipe, stderr=pipe,
                        env=guest_env(env), cwd=cwd, timeout=timeout, text=text)
    result = GuestRun([os.fsdecode(os.fspath(a)) for a in argv], cp.returncode,
                      cp.stdout, cp.stderr, cmd)
    return result.check_returncode() if check else result
