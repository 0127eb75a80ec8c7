"""The guest ELF loader: validate a 32-bit ARM ELF, map it, build the stack.

Usage::

    from usermode.loader import load_program, LoaderError
    try:
        load_program(proc)            # proc: usermode.process.GuestProcess
    except LoaderError as e:
        sys.exit(f"pyqemu-arm: {e}")
"""
from .errors import LoaderError
from .elf import ElfImage, read_elf, find_interpreter
from .load import LoadInfo, load_program

__all__ = ["LoaderError", "ElfImage", "read_elf", "find_interpreter", "LoadInfo",
           "load_program"]
