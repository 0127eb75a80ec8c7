"""The ``pyqemu-binfmt`` command: register pyqemu-arm with binfmt_misc, and more.

    pyqemu-binfmt print      [--name N] [--flags POCF] [--interpreter PATH]
    pyqemu-binfmt register   [--name N] [--flags POCF] [--interpreter PATH]
    pyqemu-binfmt unregister [--name N]
    pyqemu-binfmt list
    pyqemu-binfmt systemd    [--name N] [--flags ...] [-o FILE]   (binfmt.d(5) file)
    pyqemu-binfmt debian     [--name N] [--flags ...] [-o FILE]   (update-binfmts file)

Flags (default P): P preserve argv[0], O open the binary (AT_EXECFD), C use
the binary's credentials (implies O), F fix the interpreter at registration.
The interpreter defaults to a small native launcher (launcher.c, compiled for
this Python into --launcher-dir, default <sys.prefix>/libexec/pyqemu) named
``pyqemu-arm-binfmt-P`` with P (the name tells old kernels' runs apart) and
``pyqemu-arm-binfmt`` without: the kernel gives AT_EXECFD (O, C) only to an
ELF interpreter, never through a "#!" script.  binfmt_misc passes no options: a
dynamically linked program finds its sysroot through QEMU_LD_PREFIX in its
environment (as with qemu-user).

Errors are one ``pyqemu-binfmt: ...`` line and exit status 1.

Usage::

    from usermode.binfmt.command import main
    main(["print", "--flags", "PF"])
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import List, Optional

from . import procfs
from .launcher import NAME, NAME_P, LauncherError, build_launcher, default_dir
from .entry import ARM_MAGIC, DEFAULT_FLAGS, DEFAULT_NAME, FLAG_ORDER, FLAGS, Entry, EntryError

PROG = "pyqemu-binfmt"
# an ARM ET_EXEC and an ARM ET_DYN header: what 'list' checks entries against
ARM_HEADERS = (ARM_MAGIC, ARM_MAGIC[:16] + bytes([3]) + ARM_MAGIC[17:])
# action -> help
ACTIONS = {
    "print": "print the register line (what 'register' writes to the kernel)",
    "register": "register with /proc/sys/fs/binfmt_misc (root; mounts it if needed)",
    "unregister": "remove the registration",
    "list": "list the binfmt_misc entries that claim ARM ELF files",
    "systemd": "write a systemd binfmt.d file (default: standard output)",
    "debian": "write a Debian update-binfmts file (default: standard output)",
}


class CommandError(Exception):
    pass


def is_script(path: str) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(2) == b"#!"
    except OSError:
        return False


def make_entry(args, build: bool = True) -> Entry:
    """The entry the options describe; builds the native launcher unless
    --interpreter is given (or build is False: its path is only computed)."""
    try:
        flags = args.flags if args.flags is not None else DEFAULT_FLAGS
        if args.interpreter:
            interp = os.path.abspath(args.interpreter)
            if set("OC") & set(flags) and is_script(interp):
                raise CommandError(f"{interp} is a script: with the O or C flag the kernel "
                                   "runs only ELF interpreters (use the default launcher)")
        else:
            d = args.launcher_dir or default_dir()
            preserve = "P" in flags
            interp = (build_launcher(d, preserve) if build else
                      os.path.join(d, NAME_P if preserve else NAME))
        return Entry(args.name, interp, flags)
    except EntryError as e:
        raise CommandError(str(e)) from None
    except LauncherError as e:
        raise CommandError(str(e)) from None


def _output(text: str, path: Optional[str]) -> None:
    if not path or path == "-":
        sys.stdout.write(text)
        return
    try:
        d = os.path.dirname(os.path.abspath(path))
        os.makedirs(d, exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
    except OSError as e:
        raise CommandError(f"cannot write {path}: {e.strerror}") from None


def claims_arm(e: dict) -> bool:
    """Does a registered entry (procfs.read_entry) take ARM ELF programs?"""
    magic, mask = e["magic"], e["mask"] or b"\xff" * len(e["magic"])
    if not magic or str(e.get("offset", "0")) != "0":
        return False
    return any(all((h & m) == (g & m) for h, g, m in zip(header, magic, mask))
               for header in ARM_HEADERS)


def do_list(args) -> None:
    root = args.binfmt_dir
    if not procfs.is_mounted(root):
        raise CommandError(f"binfmt_misc is not mounted on {root or procfs.MOUNT_POINT}")
    for name in procfs.entries(root):
        try:
            e = procfs.read_entry(name, root)
        except procfs.BinfmtError:
            continue
        if claims_arm(e):
            state = "enabled" if e["enabled"] else "disabled"
            print(f"{e['name']}\t{state}\tflags={e['flags'] or '-'}\t{e['interpreter']}")


def run(args) -> None:
    if args.action == "print":
        print(make_entry(args, build=False).register_line())
    elif args.action == "register":
        entry = make_entry(args)
        if not os.access(entry.interpreter, os.X_OK):
            raise CommandError(f"the interpreter {entry.interpreter} is not an executable file")
        procfs.ensure_mounted(args.binfmt_dir)
        procfs.register(entry, args.binfmt_dir)
        print(f"registered {entry.name}: {entry.interpreter} (flags {entry.flags or '-'})")
    elif args.action == "unregister":
        procfs.unregister(args.name, args.binfmt_dir)
        print(f"unregistered {args.name}")
    elif args.action == "list":
        do_list(args)
    elif args.action == "systemd":
        _output(make_entry(args).systemd_file(), args.output)
    elif args.action == "debian":
        try:
            _output(make_entry(args).debian_file(), args.output)
        except EntryError as e:
            raise CommandError(str(e)) from None


def parser() -> argparse.ArgumentParser:
    flag_help = "; ".join(f"{k}: {v[0]}" for k, v in FLAGS.items())
    p = argparse.ArgumentParser(prog=PROG, description="binfmt_misc registration of pyqemu-arm "
                                "for 32-bit little-endian ARM ELF programs")
    sub = p.add_subparsers(dest="action", metavar="action", required=True)
    for action, text in ACTIONS.items():
        a = sub.add_parser(action, help=text, description=text)
        a.add_argument("--name", default=DEFAULT_NAME, help=f"entry name (default {DEFAULT_NAME})")
        a.add_argument("--binfmt-dir", default=None, help=argparse.SUPPRESS)
        if action in ("print", "register", "systemd", "debian"):
            a.add_argument("--flags", default=None,
                           help=f"any of {FLAG_ORDER} (default {DEFAULT_FLAGS}): {flag_help}")
            a.add_argument("--interpreter", default=None,
                           help="the interpreter to register (default: the native launcher "
                           f"{NAME}[-P], compiled into --launcher-dir)")
            a.add_argument("--launcher-dir", default=None,
                           help=f"where the launcher is built (default {default_dir()})")
        if action in ("systemd", "debian"):
            a.add_argument("-o", "--output", default=None, help="file to write (default: stdout)")
    return p


def main(argv: Optional[List[str]] = None) -> int:
    p = parser()
    p.error = lambda message: _fail(message)          # one line, not argparse's usage dump
    for action in p._subparsers._group_actions[0].choices.values():
        action.error = lambda message: _fail(message)
    args = p.parse_args(argv)
    try:
        run(args)
    except (CommandError, procfs.BinfmtError) as e:
        _fail(str(e))
    return 0


def _fail(message: str) -> "NoReturn":
    sys.stderr.write(f"{PROG}: {message}\n")
    raise SystemExit(1)


if __name__ == "__main__":
    sys.exit(main())
