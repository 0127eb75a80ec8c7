"""Command line of pyqemu-arm, compatible with qemu-user's.

    pyqemu-arm [options] program [arguments...]

Options (each also settable through the QEMU_* environment variable qemu-user
reads, so existing scripts and binfmt set-ups work unchanged):

    -h, -help              print this help and exit
    -version               print the version and exit
    -L path                QEMU_LD_PREFIX      sysroot for absolute guest paths
    -E var=value[,...]     QEMU_SET_ENV        set guest environment variables
    -U var[,...]           QEMU_UNSET_ENV      unset guest environment variables
    -0 argv0               QEMU_ARGV0          guest argv[0]
    -s size                QEMU_STACK_SIZE     guest stack size (k, M, G suffixes)
    -cpu model             QEMU_CPU            CPU model (only 'max', 'any', 'cortex-a15', 'cortex-a7', 'cortex-a9')
    -strace                QEMU_STRACE         log system calls
    -d item[,...]          QEMU_LOG            log in_asm, op, out_asm (or 'help')
    -D logfile             QEMU_LOG_FILENAME   write logs there instead of stderr
    -one-insn-per-tb                           translate one instruction per block
    -singlestep                                same as -one-insn-per-tb

Started by binfmt_misc (see usermode/binfmt), the kernel's extra arguments are
honoured as qemu-user does: with the P flag (AT_FLAGS_PRESERVE_ARGV0 in the
host auxv, or an interpreter named *-binfmt-P) the argument after the program
path is the guest's argv[0]; with the O flag the program is read from the
descriptor the kernel opened (AT_EXECFD), so execute-only binaries run.

Usage::

    from usermode.cli import main
    main(["./hello", "world"])          # runs the guest; returns only on error
"""
from __future__ import annotations

import gc
import os
import sys
TYPE_CHECKING = False           # typing only for annotations: importing it costs start-up time
if TYPE_CHECKING:
    from typing import Dict, List, Optional, Tuple

from . import __version__
from .process import Options

PROG = "pyqemu-arm"
LOG_ITEMS = {"in_asm": "show target assembly code for each compiled TB",
             "op": "show micro ops (the IR) for each compiled TB",
             "out_asm": "show generated host assembly code for each compiled TB"}
CPU_MODELS = ("max", "any", "cortex-a7", "cortex-a9", "cortex-a15")
# the translator allocates many short-lived objects (IR, code) and few cycles:
# the cyclic collector runs less often than Python's default (700, 10, 10)
GC_THRESHOLDS = (50000, 20, 10)


class UsageError(Exception):
    pass


# option -> (takes an argument, QEMU_* environment variable)
OPTIONS: Dict[str, Tuple[bool, Optional[str]]] = {
    "h": (False, None), "help": (False, None), "version": (False, None),
    "L": (True, "QEMU_LD_PREFIX"), "E": (True, "QEMU_SET_ENV"), "U": (True, "QEMU_UNSET_ENV"),
    "0": (True, "QEMU_ARGV0"), "s": (True, "QEMU_STACK_SIZE"), "cpu": (True, "QEMU_CPU"),
    "strace": (False, "QEMU_STRACE"), "d": (True, "QEMU_LOG"), "D": (True, "QEMU_LOG_FILENAME"),
    "one-insn-per-tb": (False, "QEMU_ONE_INSN_PER_TB"), "singlestep": (False, "QEMU_SINGLESTEP"),
}


def parse_size(text: str) -> int:
    mult = {"k": 1 << 10, "K": 1 << 10, "m": 1 << 20, "M": 1 << 20, "g": 1 << 30, "G": 1 << 30}
    t = text.strip()
    try:
        if t and t[-1] in mult:
            n = int(t[:-1], 0) * mult[t[-1]]
        else:
            n = int(t, 0)
    except ValueError:
        raise UsageError(f"invalid stack size: {text}") from None
    if n <= 0 or n > 1 << 30:
        raise UsageError(f"invalid stack size: {text}")
    return (n + 4095) & ~4095


def parse_args(argv: List[str], environ: Dict[str, str], preserve_argv0: bool = False):
    """Return (options, program, guest_args, guest_env).

    preserve_argv0: binfmt_misc's P flag, argv = [options..., path, argv0, args...]."""
    opts = Options()
    sets: List[str] = []
    unsets: List[str] = []

    def apply(name: str, value: Optional[str], from_env: bool = False) -> None:
        if name in ("h", "help"):
            _print_and_exit(usage())
        if name == "version":
            _print_and_exit(f"{PROG} version {__version__} (pyqemu, compatible with qemu-arm options)")
        if name == "L":
            opts.ld_prefix = value
        elif name == "E":
            # a comma-separated list, from -E as from QEMU_SET_ENV (qemu's handle_arg_set_env)
            sets.extend(v for v in value.split(",") if v)
        elif name == "U":
            unsets.extend(v for v in value.split(",") if v)
        elif name == "0":
            opts.argv0 = value
        elif name == "s":
            opts.stack_size = parse_size(value)
        elif name == "cpu":
            if value == "help":
                print("Available CPUs:\n" + "\n".join(f"  {m}" for m in CPU_MODELS))
                raise SystemExit(0)
            if value not in CPU_MODELS:
                raise UsageError(f"unable to find CPU model '{value}'")
            opts.cpu_model = value
        elif name == "strace":
            opts.strace = True
        elif name == "d":
            items = [i for i in value.split(",") if i]
            if "help" in items:
                print("Log items (comma separated):\n" +
                      "\n".join(f"{k:<10} {v}" for k, v in LOG_ITEMS.items()))
                raise SystemExit(0)
            bad = [i for i in items if i not in LOG_ITEMS]
            if bad:
                raise UsageError(f"unknown log item '{bad[0]}' (try -d help)")
            opts.log_items = items
        elif name == "D":
            opts.log_file = value
        elif name in ("one-insn-per-tb", "singlestep"):
            opts.singlestep = True

    # environment first, command line overrides (as qemu-user)
    for name, (takes, var) in OPTIONS.items():
        if var and var in environ:
            apply(name, environ[var] if takes else None, from_env=True)

    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--":
            i += 1
            break
        if not a.startswith("-") or a == "-":
            break
        name = a.lstrip("-")
        if name not in OPTIONS:
            raise UsageError(f"unknown option '{a}' (try '{PROG} -h')")
        takes, _ = OPTIONS[name]
        value = None
        if takes:
            if i + 1 >= len(argv):
                raise UsageError(f"option '{a}' needs an argument")
            value = argv[i + 1]
            i += 1
        apply(name, value)
        i += 1
    if i >= len(argv):
        raise UsageError(f"no program given (try '{PROG} -h')")
    program = argv[i]
    rest = argv[i + 1:]
    if preserve_argv0 and rest:
        guest_args = rest                     # the kernel's argv[0] wins, as in qemu
    else:
        guest_args = [opts.argv0 if opts.argv0 is not None else program] + rest

    env = dict(environ)
    for s in sets:
        if "=" not in s:
            raise UsageError(f"-E needs var=value, got '{s}'")
        k, v = s.split("=", 1)
        env[k] = v
    for u in unsets:
        env.pop(u, None)
    guest_env = [f"{k}={v}" for k, v in env.items()]
    return opts, program, guest_args, guest_env


def usage() -> str:
    # qemu-arm -h's layout: usage line, one-line description, a blank line,
    # "Options and associated environment variables:", a blank line, the options
    return (f"usage: {PROG} [options] program [arguments...]\n"
            "Linux user-mode binary translator for 32-bit ARM programs\n\n"
            "Options and associated environment variables:\n\n"
            + __doc__.split("Options", 1)[1].split("Usage::")[0].split(":\n", 1)[1].strip("\n")
            .rstrip())


def _print_and_exit(text: str) -> "NoReturn":
    """Print help or version text and exit 0, quietly also when the reader has
    gone (pyqemu-arm -h | head), as qemu-arm does."""
    try:
        print(text)
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    raise SystemExit(0)


def fail(message: str, status: int = 1) -> "NoReturn":
    sys.stderr.write(f"{PROG}: {message}\n")
    sys.stderr.flush()
    raise SystemExit(status)


def main(argv: Optional[List[str]] = None, binfmt: Optional[Tuple[bool, Optional[int]]] = None) -> int:
    """binfmt: (argv[0] preserved, exec fd) when known (the binfmt launcher);
    otherwise read from this process's auxv (usermode.binfmt.invoke)."""
    from .binfmt.invoke import binfmt_invocation
    preserve_argv0, exec_fd = binfmt or binfmt_invocation(sys.argv[0] if sys.argv else "")
    argv = sys.argv[1:] if argv is None else argv
    try:
        opts, program, guest_args, guest_env = parse_args(argv, dict(os.environ),
                                                          preserve_argv0)
    except UsageError as e:
        fail(str(e))
    return run_program(opts, program, guest_args, guest_env, exec_fd)


def run_program(opts: Options, program: str, guest_args: List[str], guest_env: List[str],
                exec_fd: Optional[int] = None) -> int:
    """Load and run the guest; exec_fd: the program already open (binfmt_misc O flag)."""
    # before the imports below: their allocations would otherwise trigger
    # collections that walk every object of the modules loaded so far
    gc.set_threshold(*GC_THRESHOLDS)
    from .loader.errors import LoaderError
    from .loader import load_program
    from .process import GuestProcess
    from .translate.engine import Engine

    log = sys.stderr
    if opts.log_file:
        try:
            log = open(opts.log_file, "w")
        except OSError as e:
            fail(f"cannot open log file '{opts.log_file}': {e.strerror}")
    try:
        proc = GuestProcess("arm", program, guest_args, guest_env, opts)
        proc.log = log
        load_program(proc, exec_fd=exec_fd)
    except LoaderError as e:
        fail(str(e) if program in str(e) else f"{program}: {e}")
    except MemoryError as e:
        fail(f"out of memory: {e}")
    from .translate import fastsys
    fastsys.configure(strace=opts.strace)     # the native syscall fast path (off with -strace)
    engine = Engine(proc)
    status = engine.run()
    try:
        log.flush()
        sys.stdout.flush()
    except Exception:
        pass
    os._exit(status & 0xFF)
