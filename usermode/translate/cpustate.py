"""CPU-state layout described as data (archinfo-style).

An architecture lists its fields; offsets, the IR `Global`s and a typed view
for Python code are all derived from that list.  Every state begins with the
runtime's 64-byte `CPUHeader` (see runtime/runtime.h): pc, tb_flags, exception...

Usage::

    from usermode.translate.cpustate import StateLayout, Field
    layout = StateLayout("arm", [Field("r", 4, count=15), Field("NF", 4)])
    layout.offset("r", 3)            # -> 64 + 12
    g = layout.glob("NF")            # IR Global for generated code
    st = layout.new_state()          # zeroed, owned by cffi
    st.set("r", 3, 42); st.get("r", 3)
"""
from __future__ import annotations

import struct
TYPE_CHECKING = False           # typing only for annotations: importing it costs start-up time
if TYPE_CHECKING:
    from typing import Dict, List, Tuple

from .._record import FrozenRecord

from .ir import I32, I64, Global

HEADER_FIELDS = [  # (name, size) exactly as struct CPUHeader
    ("pc", 8), ("tb_flags", 8), ("exception", 4), ("running", 4), ("exc_arg", 8),
    ("host_pc", 8), ("guest_base", 8), ("fault_signo", 2), ("fault_code", 2),
    ("exit_request", 4), ("exc_arg2", 8),
]
HEADER_SIZE = 64

# Exception codes stored in CPUHeader.exception (ISA-neutral)
EXCP_UNDEF = 1       # undefined/unimplemented instruction; exc_arg2 = encoding
EXCP_BREAK = 2       # breakpoint instruction (BKPT)
EXCP_SYSCALL = 3     # reserved (syscalls exit with EXIT_SYSCALL)
EXCP_FAULT = 4       # host fault in translated code: exc_arg guest address, host_pc
EXCP_EXEC_FAULT = 5  # instruction fetch from a page that is not executable; exc_arg addr
EXCP_KERNEL = 6      # ISA-specific kernel service (e.g. ARM kuser page); exc_arg2 selects
EXCP_YIELD = 7

_FMT = {1: "B", 2: "H", 4: "I", 8: "Q"}


class Field(FrozenRecord):
    _fields = ("name", "size", "count", "align")

    def __init__(self, name: str,
                 size: int,            # bytes per element: 4 or 8
                 count: int = 1,       # >1 for register files
                 align: int = 0):      # 0: natural
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "size", size)
        object.__setattr__(self, "count", count)
        object.__setattr__(self, "align", align)


class StateLayout:
    def __init__(self, arch: str, fields: List[Field]):
        self.arch = arch
        self.fields: Dict[str, Tuple[int, Field]] = {}
        off = 0
        for name, size in HEADER_FIELDS:
            self.fields[name] = (off, Field(name, size))
            off += size
        assert off == HEADER_SIZE
        for f in fields:
            a = f.align or f.size
            off = (off + a - 1) & ~(a - 1)
            self.fields[f.name] = (off, f)
            off += f.size * f.count
        self.size = (off + 63) & ~63

    def offset(self, name: str, index: int = 0) -> int:
        off, f = self.fields[name]
        if not 0 <= index < f.count:
            raise IndexError(f"{name}[{index}]")
        return off + index * f.size

    def glob(self, name: str, index: int = 0) -> Global:
        off, f = self.fields[name]
        label = name if f.count == 1 else f"{name}{index}"
        return Global(label, self.offset(name, index), I64 if f.size == 8 else I32)

    def new_state(self) -> "StateView":
        return StateView(self)


class StateView:
    """A zeroed CPU state in memory owned by cffi, with typed accessors."""

    def __init__(self, layout: StateLayout):
        from . import _runtime
        self.layout = layout
        self.ffi = _runtime.ffi
        self._mem = self.ffi.new("uint8_t[]", layout.size + 64)
        addr = int(self.ffi.cast("uintptr_t", self._mem))
        self.addr = (addr + 63) & ~63
        self.ptr = self.ffi.cast("CPUHeader *", self.addr)
        self.buf = self.ffi.buffer(self.ffi.cast("uint8_t *", self.addr), layout.size)

    def get(self, name: str, index: int = 0) -> int:
        off, f = self.layout.fields[name]
        return struct.unpack_from("<" + _FMT[f.size], self.buf, off + index * f.size)[0]

    def set(self, name: str, index_or_value: int, value: int = None) -> None:
        index, v = (0, index_or_value) if value is None else (index_or_value, value)
        off, f = self.layout.fields[name]
        struct.pack_into("<" + _FMT[f.size], self.buf, off + index * f.size,
                         v & ((1 << (8 * f.size)) - 1))
