"""The state of one guest process, shared by the loader, the engine and the
syscall layer.

Usage::

    proc = GuestProcess(arch="arm", exe_path="/path/prog", argv=["prog"], envp=["A=1"])
    proc.cpu.set("r", 0, 42)          # CPU state (usermode.translate.cpustate.StateView)
    proc.mem.read(addr, 4)            # guest memory (usermode.memory.GuestMemory)
"""
from __future__ import annotations

import sys
TYPE_CHECKING = False           # typing only for annotations: importing it costs start-up time
if TYPE_CHECKING:
    from typing import List, Optional, TextIO

from ._record import Record


class GuestExit(Exception):
    """Raised by exit/exit_group: the whole guest process ends with `status`."""

    def __init__(self, status: int):
        super().__init__(status)
        self.status = status


_NEW = object()


class Options(Record):
    _fields = ("ld_prefix", "strace", "log_items", "log_file", "stack_size", "cpu_model",
               "argv0", "singlestep")

    def __init__(self, ld_prefix: Optional[str] = None,   # -L / QEMU_LD_PREFIX
                 strace: bool = False,                    # -strace / QEMU_STRACE
                 log_items: List[str] = _NEW,             # -d in_asm,op,out_asm
                 log_file: Optional[str] = None,          # -D / QEMU_LOG_FILENAME
                 stack_size: int = 8 * 1024 * 1024,       # -s / QEMU_STACK_SIZE
                 cpu_model: str = "max",                  # -cpu
                 argv0: Optional[str] = None,             # -0 / QEMU_ARGV0
                 singlestep: bool = False):               # one guest instruction per block
        self.ld_prefix = ld_prefix
        self.strace = strace
        self.log_items = [] if log_items is _NEW else log_items
        self.log_file = log_file
        self.stack_size = stack_size
        self.cpu_model = cpu_model
        self.argv0 = argv0
        self.singlestep = singlestep


class GuestProcess:
    def __init__(self, arch: str, exe_path: str, argv: List[str], envp: List[str],
                 options: Optional[Options] = None):
        from .memory import GuestMemory
        from .translate.arm.cpu import LAYOUT, reset_state
        self.arch = arch
        self.exe_path = exe_path          # host path of the guest program (/proc/self/exe)
        self.argv = argv
        self.envp = envp
        self.options = options or Options()
        self.mem = GuestMemory()
        self.layout = LAYOUT
        self.cpu = LAYOUT.new_state()
        reset_state(self.cpu)
        self.log: TextIO = sys.stderr      # where -d output goes
        self.engine = None                 # usermode.translate.engine.Engine, set by the runner
        self.tid = 0                       # host tid, filled in by the runner
        # filled in by the loader:
        self.entry = 0
        self.load_bias = 0
        self.auxv = {}

    def invalidate_code(self, start: int, end: int) -> None:
        """Forget translations of guest code in [start, end) (cacheflush, munmap, mprotect)."""
        if self.engine is not None:
            self.engine.invalidate(start, end)
