"""Load a guest ELF program (and its interpreter) into a GuestProcess.

``load_program(proc)`` does what Linux's execve does for an ARM ELF binary:

1. validates proc.exe_path (elf.read_elf; or the descriptor binfmt_misc opened,
   AT_EXECFD) and, for a PT_INTERP program, finds
   and validates the interpreter (options.ld_prefix first, as qemu's -L);
2. maps every PT_LOAD: ET_EXEC at its p_vaddr, an ET_DYN main program at
   layout.PIE_BASE, the interpreter at layout.INTERP_BASE (moved up to free,
   p_align-aligned space if needed).  Each segment is mapped anonymous RW
   with MAP_FIXED, filled with the file's page-granular bytes exactly as the
   kernel's file mapping would show them, its bss zeroed (including the
   rest of the last file page), then mprotect-ed to its PF_R/W/X flags;
3. sets the brk start to the page-aligned end of the main program;
4. maps the kuser helper page (kuser.py) and builds the stack (stack.py);
5. sets the CPU: sp, pc (bit 0 of the entry selects Thumb: tb_flags bit 0),
   r0 = 0; fills proc.entry, proc.load_bias, proc.auxv and proc.load_info.

Usage::

    from usermode.process import GuestProcess
    from usermode.loader import load_program, LoaderError
    proc = GuestProcess("arm", "./hello", ["./hello"], ["PATH=/bin"])
    load_program(proc)            # LoaderError on bad input
    hex(proc.entry), hex(proc.cpu.get("r", 13))
"""
from __future__ import annotations

import os
TYPE_CHECKING = False           # typing only for annotations: importing it costs start-up time
if TYPE_CHECKING:
    from typing import List, Optional, Tuple

from .._record import Record

from .elf import PF_R, PF_W, PF_X, ElfImage, find_interpreter, read_elf
from .errors import LoaderError
from .kuser import install_kuser_page
from .layout import INTERP_BASE, PIE_BASE
from .stack import build_stack, stack_bounds

PAGE_SIZE = 4096
PAGE_MASK = ~(PAGE_SIZE - 1)


class LoadInfo(Record):
    """What the loader did; kept as proc.load_info for /proc/self/maps, auxv etc."""
    _fields = ("program", "load_bias", "phdr", "phnum", "program_entry", "interp",
               "interp_base", "entry", "exec_stack", "brk", "mappings", "stack", "sp")

    def __init__(self, program: ElfImage,
                 load_bias: int,                    # added to the program's p_vaddr
                 phdr: int,                         # AT_PHDR (0 if the headers are not mapped)
                 phnum: int,
                 program_entry: int,                # AT_ENTRY: e_entry + load_bias
                 interp: Optional[ElfImage] = None,
                 interp_base: int = 0,              # AT_BASE: the interpreter's load bias, or 0
                 entry: int = 0,                    # where execution starts (bit 0: Thumb)
                 exec_stack: bool = False,
                 brk: int = 0,
                 mappings: List[Tuple[int, int, int, str]] = None,  # (start, end, prot, path)
                 stack: Tuple[int, int] = (0, 0),   # (bottom, top)
                 sp: int = 0):
        self.program = program
        self.load_bias = load_bias
        self.phdr = phdr
        self.phnum = phnum
        self.program_entry = program_entry
        self.interp = interp
        self.interp_base = interp_base
        self.entry = entry
        self.exec_stack = exec_stack
        self.brk = brk
        self.mappings = mappings
        self.stack = stack
        self.sp = sp


def _page_align(x: int) -> int:
    return (x + PAGE_SIZE - 1) & PAGE_MASK


def _prot(flags: int) -> int:
    from ..memory import PROT_EXEC, PROT_READ, PROT_WRITE
    return ((PROT_READ if flags & PF_R else 0) | (PROT_WRITE if flags & PF_W else 0)
            | (PROT_EXEC if flags & PF_X else 0))


def _range_free(mem, start: int, end: int) -> bool:
    return end <= mem.size and not any(mem.pages[start // PAGE_SIZE:end // PAGE_SIZE])


def choose_bias(mem, img: ElfImage, preferred: int) -> int:
    """Load bias putting an ET_DYN image at `preferred` or the next free aligned range."""
    lo, hi = img.span()
    size, align = hi - lo, img.max_align()
    base = (preferred + align - 1) & ~(align - 1)
    while base + size <= mem.size:
        if _range_free(mem, base, base + size):
            return base - lo
        found = mem.find_free(size, base + PAGE_SIZE)
        if found < 0:
            break
        base = (found + align - 1) & ~(align - 1)
    raise LoaderError(f"no room in the guest address space for {img.path!r} "
                      f"({size:#x} bytes)", img.path)


def map_image(mem, img: ElfImage, bias: int, mappings: list) -> int:
    """Map every PT_LOAD of `img` at p_vaddr + bias; returns the end of the highest one."""
    from ..memory import MAP_ANONYMOUS, MAP_FIXED, MAP_PRIVATE, PROT_READ, PROT_WRITE
    data, top = img.data, 0
    if img.e_type == "ET_EXEC":
        lo, hi = img.span()
        if not _range_free(mem, lo, min(hi, mem.size)):
            raise LoaderError(f"{img.path!r}: segments overlap memory already mapped "
                              f"in {lo:#x}-{hi:#x}", img.path)
    for seg in img.loads:
        vaddr = seg.vaddr + bias
        start, end = vaddr & PAGE_MASK, _page_align(vaddr + seg.memsz)
        if end > mem.size or vaddr < 0:
            raise LoaderError(f"{img.path!r}: segment at {vaddr:#x} does not fit "
                              "in the 32-bit address space", img.path)
        r = mem.mmap(start, end - start, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED)
        if r != start:
            raise LoaderError(f"{img.path!r}: cannot map segment at {start:#x}: "
                              f"{os.strerror(-r) if r < 0 else 'wrong address'}", img.path)
        if seg.filesz:
            # the file pages the kernel would map: from the page holding p_offset
            # to the end of the page holding the last file byte
            foff = seg.offset - (vaddr - start)
            fend = foff + (_page_align(vaddr + seg.filesz) - start)
            mem.write(start, data[foff:min(fend, len(data))])
            if seg.memsz > seg.filesz:          # bss: zero the rest of that page
                zstart = vaddr + seg.filesz
                mem.write(zstart, bytes(_page_align(zstart) - zstart))
        mem.mprotect(start, end - start, _prot(seg.flags))
        mappings.append((start, end, _prot(seg.flags), img.path))
        top = max(top, vaddr + seg.memsz)
    return top


def _load_interp(img: ElfImage, ld_prefix: Optional[str]) -> ElfImage:
    path = find_interpreter(img.interp, ld_prefix)
    try:
        return read_elf(path)
    except LoaderError as e:
        raise LoaderError(f"cannot load interpreter {img.interp!r} ({path}): {e}", path) from None


def set_initial_cpu(proc, entry: int, sp: int) -> None:
    """sp, pc and Thumb state at the entry point; r0 = 0 (no rtld_fini)."""
    from ..translate.arm.cpu import TBFLAG_THUMB
    cpu = proc.cpu
    cpu.set("r", 13, sp)
    cpu.set("r", 0, 0)
    cpu.set("pc", entry & ~1)
    cpu.set("tb_flags", (cpu.get("tb_flags") & ~TBFLAG_THUMB) | (TBFLAG_THUMB if entry & 1 else 0))


def load_program(proc, exec_fd: Optional[int] = None) -> None:
    """Load proc.exe_path into proc (memory, stack, CPU state); LoaderError on bad input.

    exec_fd: the program already open (binfmt_misc O flag, AT_EXECFD); it is read
    instead of opening proc.exe_path, then closed, so the guest never sees it."""
    opts = proc.options
    try:
        prog = read_elf(proc.exe_path, exec_fd)
    finally:
        if exec_fd is not None:
            try:
                os.close(exec_fd)
            except OSError:
                pass
    interp = _load_interp(prog, opts.ld_prefix) if prog.interp else None
    mem, mappings = proc.mem, []

    bias = choose_bias(mem, prog, PIE_BASE) if prog.e_type == "ET_DYN" else 0
    prog_end = map_image(mem, prog, bias, mappings)
    phdr = prog.phdr_vaddr()
    info = LoadInfo(program=prog, load_bias=bias, phdr=0 if phdr is None else phdr + bias,
                    phnum=prog.phnum, program_entry=prog.entry + bias,
                    exec_stack=bool(prog.exec_stack), mappings=mappings)
    info.entry = info.program_entry
    if interp is not None:
        ibias = choose_bias(mem, interp, INTERP_BASE) if interp.e_type == "ET_DYN" else 0
        map_image(mem, interp, ibias, mappings)
        info.interp, info.interp_base = interp, ibias
        info.entry = interp.entry + ibias

    info.brk = _page_align(prog_end)
    mem.set_brk(info.brk)
    install_kuser_page(mem)
    sp = build_stack(proc, info)
    info.stack, info.sp = stack_bounds(opts.stack_size), sp

    proc.entry = info.entry
    proc.load_bias = bias
    proc.load_info = info
    set_initial_cpu(proc, info.entry, sp)
