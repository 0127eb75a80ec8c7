"""Open and validate a guest ELF file (32-bit little-endian ARM executables).

``read_elf`` reads the whole file, checks everything the loader will rely on
(ELF header, program headers, every PT_LOAD and PT_INTERP lying inside the
file) and returns an ``ElfImage``; any problem is a ``LoaderError`` with a
one-line message.  Section headers are never looked at: like the kernel, a
program whose section headers are missing or cut off still loads.

Usage::

    from usermode.loader.elf import read_elf, find_interpreter
    img = read_elf("./hello")             # LoaderError if it is not loadable
    img.e_type, img.entry, img.interp     # "ET_EXEC", 0x10345, None
    for seg in img.loads: print(hex(seg.vaddr), seg.memsz, seg.flags)
    host_path = find_interpreter(img.interp, "/usr/arm-linux-gnueabihf")
"""
from __future__ import annotations

import os
import stat
import struct
TYPE_CHECKING = False           # typing only for annotations: importing it costs start-up time
if TYPE_CHECKING:
    from typing import List, Optional


from .errors import LoaderError
from .._record import Record

# ---- tables -------------------------------------------------------------------

ELF_MAGIC = b"\x7fELF"
EI_NIDENT = 16
ELFCLASS32, ELFCLASS64 = 1, 2
ELFDATA2LSB, ELFDATA2MSB = 1, 2
EV_CURRENT = 1
EM_ARM = 40
EHDR32_SIZE = 52
PHDR32_SIZE = 32
MAX_PHDRS_BYTES = 65536       # the kernel refuses larger program header tables
PAGE_SIZE = 4096

PF_X, PF_W, PF_R = 1, 2, 4

# Human names for the machines people are likely to feed us by mistake.
MACHINE_NAMES = {
    0: "no machine",
    2: "SPARC",
    3: "Intel 80386",
    4: "Motorola 68000",
    8: "MIPS",
    20: "PowerPC",
    21: "PowerPC64",
    22: "IBM S/390",
    40: "ARM",
    42: "SuperH",
    43: "SPARC v9",
    50: "IA-64",
    62: "x86-64",
    183: "AArch64",
    243: "RISC-V",
    258: "LoongArch",
}

# Why an ELF type other than ET_EXEC/ET_DYN cannot be run.
NOT_EXECUTABLE = {
    "ET_NONE": "no file type",
    "ET_REL": "relocatable object file",
    "ET_CORE": "core dump",
}

CORRUPT = "truncated or corrupt ELF file"

# The headers are parsed with struct (pyelftools' construct-based parsers
# cost ~0.1 s of imports at every start-up); pyelftools' enum tables are
# imported only to name unusual values in error messages.
_EHDR32 = struct.Struct("<16sHHIIIIIHHHHHH")
_PHDR32 = struct.Struct("<8I")
_E_TYPES = {0: "ET_NONE", 1: "ET_REL", 2: "ET_EXEC", 3: "ET_DYN", 4: "ET_CORE"}
# p_type names as pyelftools gives them for EM_ARM (the loader looks at
# PT_LOAD, PT_INTERP, PT_PHDR and PT_GNU_STACK; others are kept as names)
_P_TYPES = {0: "PT_NULL", 1: "PT_LOAD", 2: "PT_DYNAMIC", 3: "PT_INTERP", 4: "PT_NOTE",
            5: "PT_SHLIB", 6: "PT_PHDR", 7: "PT_TLS", 0x6474E550: "PT_GNU_EH_FRAME",
            0x6474E551: "PT_GNU_STACK", 0x6474E552: "PT_GNU_RELRO",
            0x6474E553: "PT_GNU_PROPERTY", 0x70000000: "PT_ARM_ARCHEXT",
            0x70000001: "PT_ARM_EXIDX"}


def _enum_name(table: str, value: int):
    """pyelftools' name for an unusual enum value (error messages), or the value."""
    from elftools.elf import enums
    for k, v in getattr(enums, table).items():
        if v == value and not k.startswith("_"):
            return k
    return value


def machine_name(e_machine: int) -> str:
    """'x86-64', 'AArch64', ... for an e_machine value."""
    if e_machine in MACHINE_NAMES:
        return MACHINE_NAMES[e_machine]
    name = _enum_name("ENUM_E_MACHINE", e_machine)
    if isinstance(name, str) and name.startswith("EM_"):
        return name[3:]
    return f"unknown machine {e_machine}"


# ---- the result -----------------------------------------------------------------

class Segment(Record):
    """One program header (p_type is pyelftools' name, e.g. 'PT_LOAD')."""
    _fields = ("type", "offset", "vaddr", "filesz", "memsz", "flags", "align")

    def __init__(self, type: str, offset: int, vaddr: int, filesz: int, memsz: int,
                 flags: int, align: int):
        self.type = type
        self.offset = offset
        self.vaddr = vaddr
        self.filesz = filesz
        self.memsz = memsz
        self.flags = flags
        self.align = align


class ElfImage(Record):
    _fields = ("path", "data", "e_type", "entry", "phoff", "phentsize", "phnum", "flags",
               "segments", "interp", "exec_stack")
    _norepr = ("data",)

    def __init__(self, path: str, data: bytes,
                 e_type: str,                        # "ET_EXEC" or "ET_DYN"
                 entry: int,                         # e_entry (bit 0 set: Thumb)
                 phoff: int, phentsize: int, phnum: int,
                 flags: int,                         # e_flags
                 segments: List[Segment],            # every program header, in file order
                 interp: Optional[str] = None,       # PT_INTERP path, if any
                 exec_stack: Optional[bool] = None):  # PT_GNU_STACK has PF_X (None: none)
        self.path = path
        self.data = data
        self.e_type = e_type
        self.entry = entry
        self.phoff = phoff
        self.phentsize = phentsize
        self.phnum = phnum
        self.flags = flags
        self.segments = segments
        self.interp = interp
        self.exec_stack = exec_stack

    @property
    def loads(self) -> List[Segment]:
        return [s for s in self.segments if s.type == "PT_LOAD" and s.memsz > 0]

    def span(self):
        """(lowest page, end of highest page) of the PT_LOADs, before any bias."""
        loads = self.loads
        lo = min(s.vaddr for s in loads) & ~(PAGE_SIZE - 1)
        hi = max(s.vaddr + s.memsz for s in loads)
        return lo, (hi + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)

    def max_align(self) -> int:
        """Largest power-of-two p_align of the PT_LOADs (at least one page)."""
        a = PAGE_SIZE
        for s in self.loads:
            if s.align > a and s.align & (s.align - 1) == 0:
                a = s.align
        return a

    def phdr_vaddr(self) -> Optional[int]:
        """Unbiased address of the program headers in memory (AT_PHDR), if mapped."""
        for s in self.segments:
            if s.type == "PT_PHDR":
                return s.vaddr
        for s in self.loads:
            if s.offset <= self.phoff and self.phoff + self.phnum * self.phentsize <= s.offset + s.filesz:
                return s.vaddr + (self.phoff - s.offset)
        return None


# ---- reading ---------------------------------------------------------------------

def _read_fd(fd: int, path: str) -> bytes:
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        raise LoaderError(f"Permission denied: {path!r} (not a regular file)", path)
    chunks, off = [], 0
    while True:
        b = os.pread(fd, 1 << 20, off)
        if not b:
            return b"".join(chunks)
        chunks.append(b)
        off += len(b)


def _read_file(path: str, fd: Optional[int] = None) -> bytes:
    try:
        if fd is not None:
            return _read_fd(fd, path)
        with open(path, "rb") as f:
            return _read_fd(f.fileno(), path)
    except OSError as e:
        reason = os.strerror(e.errno) if e.errno else str(e)
        raise LoaderError(f"{reason}: {path!r}", path) from None


def _corrupt(path: str, detail: str) -> LoaderError:
    return LoaderError(f"{CORRUPT} ({detail})", path)


def _check_ident(data: bytes, path: str) -> None:
    if len(data) < 4 or data[:4] != ELF_MAGIC:
        raise LoaderError("not an ELF file", path)
    if len(data) < 20:
        raise _corrupt(path, "file ends inside the ELF header")
    ei_class, ei_data = data[4], data[5]
    if ei_class not in (ELFCLASS32, ELFCLASS64):
        raise _corrupt(path, f"bad ELF class {ei_class}")
    if ei_data not in (ELFDATA2LSB, ELFDATA2MSB):
        raise _corrupt(path, f"bad ELF data encoding {ei_data}")
    if data[6] != EV_CURRENT:
        raise _corrupt(path, f"bad ELF version {data[6]}")
    e_machine = struct.unpack_from("<H" if ei_data == ELFDATA2LSB else ">H", data, 18)[0]
    if e_machine != EM_ARM:
        raise LoaderError(f"wrong architecture: {machine_name(e_machine)} (expected ARM)", path)
    if ei_class != ELFCLASS32:
        raise LoaderError("wrong ELF class: 64-bit ARM (expected 32-bit ARM)", path)
    if ei_data != ELFDATA2LSB:
        raise LoaderError("wrong byte order: big-endian ARM (expected little-endian)", path)
    if len(data) < EHDR32_SIZE:
        raise _corrupt(path, "file ends inside the ELF header")


def _parse(data: bytes, path: str) -> ElfImage:
    (_, e_type_v, _, e_version, entry, phoff, _, e_flags, _, phentsize, phnum, _, _,
     _) = _EHDR32.unpack_from(data)
    e_type = _E_TYPES.get(e_type_v) or _enum_name("ENUM_E_TYPE", e_type_v)
    if e_type not in ("ET_EXEC", "ET_DYN"):
        why = NOT_EXECUTABLE.get(e_type, f"ELF type {e_type}")
        raise LoaderError(f"not an executable ({why})", path)
    if e_version != EV_CURRENT:
        raise _corrupt(path, f"bad e_version {_enum_name('ENUM_E_VERSION', e_version)}")
    if entry & 3 == 2:        # neither word-aligned ARM nor Thumb (bit 0)
        raise LoaderError(f"not an executable (misaligned entry point {entry:#x})", path)
    if phentsize != PHDR32_SIZE:
        raise _corrupt(path, f"bad program header size {phentsize}")
    if phnum == 0:
        raise _corrupt(path, "no program headers")
    if phnum * phentsize > MAX_PHDRS_BYTES:
        raise _corrupt(path, f"too many program headers ({phnum})")
    if phoff + phnum * phentsize > len(data):
        raise _corrupt(path, "program headers past the end of the file")

    segments = []
    for i in range(phnum):
        off = phoff + i * phentsize
        p_type, p_offset, p_vaddr, _, p_filesz, p_memsz, p_flags, p_align = \
            _PHDR32.unpack_from(data, off)
        segments.append(Segment(_P_TYPES.get(p_type) or f"PT_{p_type:#x}", p_offset, p_vaddr,
                                p_filesz, p_memsz, p_flags, p_align))

    img = ElfImage(path=path, data=data, e_type=e_type, entry=entry, phoff=phoff,
                   phentsize=phentsize, phnum=phnum, flags=e_flags,
                   segments=segments)
    for i, s in enumerate(segments):
        if s.type == "PT_LOAD":
            _check_load(img, i, s)
        elif s.type == "PT_INTERP" and img.interp is None:
            img.interp = _interp_path(img, s)
        elif s.type == "PT_GNU_STACK":
            img.exec_stack = bool(s.flags & PF_X)
    if not img.loads:
        raise _corrupt(path, "no loadable segments")
    return img


def _check_load(img: ElfImage, i: int, s: Segment) -> None:
    path = img.path
    if s.filesz > s.memsz:
        raise _corrupt(path, f"segment {i}: file size larger than memory size")
    if s.filesz and s.offset + s.filesz > len(img.data):
        raise _corrupt(path, f"segment {i} extends past the end of the file")
    if s.vaddr + s.memsz > 1 << 32:
        raise _corrupt(path, f"segment {i} does not fit in the 32-bit address space")
    if (s.vaddr - s.offset) % PAGE_SIZE:
        raise _corrupt(path, f"segment {i}: address and file offset differ modulo the page size")


def _interp_path(img: ElfImage, s: Segment) -> str:
    if s.filesz < 2 or s.filesz > 4096 or s.offset + s.filesz > len(img.data):
        raise _corrupt(img.path, "bad PT_INTERP")
    raw = img.data[s.offset:s.offset + s.filesz]
    if raw[-1] != 0 or b"\0" in raw[:-1]:
        raise _corrupt(img.path, "bad PT_INTERP")
    return os.fsdecode(raw[:-1])


def read_elf(path: str, fd: Optional[int] = None) -> ElfImage:
    """Read and validate `path` as a loadable 32-bit LE ARM ELF executable.

    fd: the file already open (binfmt_misc's AT_EXECFD); `path` then only names it."""
    data = _read_file(path, fd)
    _check_ident(data, path)
    try:
        return _parse(data, path)
    except LoaderError:
        raise
    except struct.error as e:
        raise _corrupt(path, type(e).__name__) from None


# ---- the interpreter -------------------------------------------------------------

def interpreter_candidates(interp: str, ld_prefix: Optional[str]) -> List[str]:
    """Host paths to try for a PT_INTERP path, in order (qemu's -L rule)."""
    out = []
    if ld_prefix and interp.startswith("/"):
        out.append(ld_prefix.rstrip("/") + interp)
    out.append(interp)
    return out


def find_interpreter(interp: str, ld_prefix: Optional[str]) -> str:
    """Host path of the interpreter `interp`; LoaderError if there is none."""
    tried = interpreter_candidates(interp, ld_prefix)
    for p in tried:
        if os.path.exists(p):
            return p
    hint = (f" (looked in {ld_prefix!r} too)" if ld_prefix else
            " (give the ARM system root with -L or QEMU_LD_PREFIX)")
    raise LoaderError(f"cannot load interpreter: No such file or directory: {interp!r}{hint}",
                      interp)
