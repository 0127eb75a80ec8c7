"""How the kernel started pyqemu-arm through binfmt_misc (the runner's side of P and O).

The kernel runs the registered interpreter with argv = [interpreter,
full path of the binary, argv[1:]...]; with the P flag it keeps the
original argv[0] as an extra argument after the path.  A kernel from 5.12
on also sets AT_FLAGS_PRESERVE_ARGV0 in the interpreter's AT_FLAGS; older
ones do not, so (as Debian's qemu-user) an interpreter whose name ends in
``-binfmt-P`` is taken to be registered with P.  With the O (or C) flag the
kernel opens the binary itself and passes the descriptor as AT_EXECFD.

Outside binfmt_misc, AT_FLAGS is 0 and AT_EXECFD absent, so these rules
never fire (qemu-user applies them the same way).

Usage::

    from usermode.binfmt.invoke import binfmt_invocation
    preserve_argv0, exec_fd = binfmt_invocation(sys.argv[0])
"""
from __future__ import annotations

import os
import struct
TYPE_CHECKING = False           # typing only for annotations: importing it costs start-up time
if TYPE_CHECKING:
    from typing import Dict, Optional, Tuple

AT_EXECFD = 2
AT_FLAGS = 8
AT_FLAGS_PRESERVE_ARGV0 = 1
BINFMT_P_SUFFIX = "-binfmt-P"


def host_auxv(path: str = "/proc/self/auxv") -> Dict[int, int]:
    """This (host, 64-bit) process's auxiliary vector; {} if unreadable."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return {}
    out: Dict[int, int] = {}
    for i in range(0, len(data) - 15, 16):
        key, value = struct.unpack_from("=QQ", data, i)
        if key == 0:
            break
        out[key] = value
    return out


def binfmt_invocation(argv0: str, auxv: Optional[Dict[int, int]] = None) -> Tuple[bool, Optional[int]]:
    """(argv[0] preserved after the path?, the binary's open descriptor or None)."""
    auxv = host_auxv() if auxv is None else auxv
    preserve = bool(auxv.get(AT_FLAGS, 0) & AT_FLAGS_PRESERVE_ARGV0) or \
        os.path.basename(argv0).endswith(BINFMT_P_SUFFIX)
    fd = auxv.get(AT_EXECFD)
    if fd is not None:
        try:
            os.fstat(fd)
        except OSError:
            fd = None
    return preserve, fd


def launcher_main() -> int:
    """Entry from the native launcher (launcher.c): sys.argv = [-c, execfd, P, args...]."""
    import sys
    from ..cli import main
    args = sys.argv[1:]
    if len(args) < 2:
        sys.stderr.write("pyqemu-arm: started by the binfmt launcher without its arguments\n")
        return 1
    fd = int(args[0]) if args[0].lstrip("-").isdigit() and int(args[0]) >= 0 else None
    return main(args[2:], binfmt=(args[1] == "1", fd))
