"""The initial guest stack, laid out like Linux's create_elf_tables() for ARM.

From STACK_TOP downwards::

    STACK_TOP - 4     4 zero bytes (the kernel's end marker)
                      execfn string               <- AT_EXECFN
                      envp strings (last highest), argv strings below them
    (aligned 16)      "v7l\\0"                     <- AT_PLATFORM
                      16 random bytes             <- AT_RANDOM
                      auxv pairs, AT_NULL last
                      NULL, envp[envc-1] .. envp[0]
                      NULL, argv[argc-1] .. argv[0]
    sp (aligned 16)   argc

The stack itself is options.stack_size bytes (page-rounded) ending at
STACK_TOP, read+write (+exec if PT_GNU_STACK asks for it).

Usage::

    from usermode.loader.stack import build_stack
    sp = build_stack(proc, info)      # info: usermode.loader.load.LoadInfo
    proc.auxv[AT_RANDOM]              # guest address of the 16 random bytes
"""
from __future__ import annotations

import os
import struct
TYPE_CHECKING = False           # typing only for annotations: importing it costs start-up time
if TYPE_CHECKING:
    from typing import List, Union

from . import auxv as A
from .errors import LoaderError
from .hwcap import HWCAP, HWCAP2
from .layout import MAX_STACK_SIZE, STACK_TOP

PLATFORM = b"v7l"
PAGE_SIZE = 4096
CLOCKS_PER_SEC = 100
PHDR_SIZE = 32


def _cstr(s: Union[str, bytes], what: str) -> bytes:
    b = os.fsencode(s) if isinstance(s, str) else bytes(s)
    if b"\0" in b:
        raise LoaderError(f"{what} contains a NUL byte: {s!r}")
    return b + b"\0"


def stack_bounds(stack_size: int):
    """(bottom, top) of the stack mapping for a requested size."""
    if not isinstance(stack_size, int) or stack_size <= 0:
        raise LoaderError(f"invalid stack size {stack_size!r}")
    size = (stack_size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)
    if size > MAX_STACK_SIZE:
        raise LoaderError(f"stack size {stack_size:#x} too large (at most {MAX_STACK_SIZE:#x})")
    return STACK_TOP - size, STACK_TOP


def make_auxv(info, at_random: int, at_platform: int, at_execfn: int) -> dict:
    """The auxiliary vector, in the order Linux writes it."""
    return {
        A.AT_HWCAP: HWCAP,
        A.AT_PAGESZ: PAGE_SIZE,
        A.AT_CLKTCK: CLOCKS_PER_SEC,
        A.AT_PHDR: info.phdr,
        A.AT_PHENT: PHDR_SIZE,
        A.AT_PHNUM: info.phnum,
        A.AT_BASE: info.interp_base,
        A.AT_FLAGS: 0,
        A.AT_ENTRY: info.program_entry,
        A.AT_UID: os.getuid(),
        A.AT_EUID: os.geteuid(),
        A.AT_GID: os.getgid(),
        A.AT_EGID: os.getegid(),
        A.AT_SECURE: 0,
        A.AT_RANDOM: at_random,
        A.AT_HWCAP2: HWCAP2,
        A.AT_EXECFN: at_execfn,
        A.AT_PLATFORM: at_platform,
    }


def build_stack(proc, info) -> int:
    """Map the stack, write argc/argv/envp/auxv, set proc.auxv; returns sp."""
    from ..memory import MAP_ANONYMOUS, MAP_FIXED_NOREPLACE, MAP_PRIVATE, PROT_EXEC, \
        PROT_READ, PROT_WRITE
    mem = proc.mem
    bottom, top = stack_bounds(proc.options.stack_size)
    prot = PROT_READ | PROT_WRITE | (PROT_EXEC if info.exec_stack else 0)
    r = mem.mmap(bottom, top - bottom, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE)
    if r != bottom:
        raise LoaderError(f"cannot map the stack at {bottom:#x}-{top:#x}: "
                          "the program's segments are in the way")

    argv: List[bytes] = [_cstr(a, "argument") for a in proc.argv]
    envp: List[bytes] = [_cstr(e, "environment variable") for e in proc.envp]
    execfn = _cstr(proc.exe_path, "program path")

    p = top - 4                                   # end marker
    p -= len(execfn)
    at_execfn = p
    strings = b"".join(argv + envp)
    p -= len(strings)
    strings_at = p
    p &= ~15                                      # arch_align_stack
    p -= len(PLATFORM) + 1
    at_platform = p
    p -= 16
    at_random = p
    random_bytes = os.urandom(16)

    auxv = make_auxv(info, at_random, at_platform, at_execfn)
    nwords = 1 + (len(argv) + 1) + (len(envp) + 1) + 2 * (len(auxv) + 1)
    sp = (p - 4 * nwords) & ~15
    if sp - bottom < PAGE_SIZE:
        raise LoaderError("argument list too long for the stack "
                          f"({top - sp} bytes needed, stack is {top - bottom})")

    ptrs, a = [], strings_at
    for s in argv + envp:
        ptrs.append(a)
        a += len(s)
    words = [len(argv)] + ptrs[:len(argv)] + [0] + ptrs[len(argv):] + [0]
    table = struct.pack(f"<{len(words)}I", *words) + A.pack_auxv(auxv)

    mem.write(sp, table)
    mem.write(at_random, random_bytes)
    mem.write(at_platform, PLATFORM + b"\0")
    mem.write(strings_at, strings)
    mem.write(at_execfn, execfn)
    mem.write(top - 4, bytes(4))
    proc.auxv = auxv
    return sp
