"""One binfmt_misc registration for ARM and the text formats that carry it.

The magic and mask are qemu's (scripts/qemu-binfmt-conf.sh): the first 20
bytes of a 32-bit little-endian ARM ELF header, EI_OSABI ignored, e_type 2
(ET_EXEC) or 3 (ET_DYN: PIE programs, and ld.so run as a program) thanks to
the 0xfe mask byte.

Usage::

    from usermode.binfmt.entry import Entry
    e = Entry("pyqemu-arm", "/usr/local/bin/pyqemu-arm-binfmt-P", "PF")
    e.register_line()     # ':pyqemu-arm:M::\\x7f\\x45...:\\xff...:/usr/local/bin/...:PF'
    e.debian_file()       # update-binfmts --import format
    e.matches(open("hello", "rb").read(64))   # True for an ARM ELF
"""
from __future__ import annotations

from dataclasses import dataclass

# ---- tables -------------------------------------------------------------------

#                 e_ident: magic  class LE  ver  OSABI + pad (8)        e_type  e_machine=40
ARM_MAGIC = bytes([0x7F, 0x45, 0x4C, 0x46, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x28, 0])
ARM_MASK = bytes([0xFF] * 7 + [0x00] + [0xFF] * 8 + [0xFE, 0xFF, 0xFF, 0xFF])

# flag letter -> (meaning, update-binfmts key or None)
FLAGS = {
    "P": ("preserve argv[0]: the kernel passes the original argv[0] after the path", "preserve"),
    "O": ("open the binary: the interpreter gets it as an open descriptor (AT_EXECFD)", None),
    "C": ("credentials from the binary (setuid/setgid honoured); implies O", "credentials"),
    "F": ("fix the interpreter: opened at registration, works in other mount namespaces",
          "fix_binary"),
}
FLAG_ORDER = "POCF"
DEFAULT_NAME = "pyqemu-arm"
DEFAULT_FLAGS = "P"
DEBIAN_PACKAGE = "pyqemu"
NAME_FORBIDDEN = set("/:") | {"\n", "\0"}
MAX_NAME = 255


class EntryError(ValueError):
    """A registration that the kernel would refuse; str() says why."""


def escape(data: bytes) -> str:
    """Bytes as binfmt_misc writes them: every byte as \\xHH."""
    return "".join(f"\\x{b:02x}" for b in data)


def normalise_flags(flags: str) -> str:
    bad = sorted(set(flags) - set(FLAG_ORDER))
    if bad:
        raise EntryError(f"unknown flag {bad[0]!r} (flags are {FLAG_ORDER})")
    return "".join(f for f in FLAG_ORDER if f in flags)


@dataclass
class Entry:
    name: str
    interpreter: str
    flags: str = DEFAULT_FLAGS

    def __post_init__(self):
        self.flags = normalise_flags(self.flags)
        if not self.name or set(self.name) & NAME_FORBIDDEN or self.name in (".", "..",
                                                                             "register", "status"):
            raise EntryError(f"invalid name {self.name!r}")
        if len(self.name) > MAX_NAME:
            raise EntryError("name too long")
        if not self.interpreter.startswith("/") or ":" in self.interpreter:
            raise EntryError(f"the interpreter must be an absolute path without ':' "
                             f"(got {self.interpreter!r})")

    @property
    def preserve_argv0(self) -> bool:
        return "P" in self.flags

    def register_line(self) -> str:
        """What is written to /proc/sys/fs/binfmt_misc/register (and a binfmt.d line)."""
        return (f":{self.name}:M::{escape(ARM_MAGIC)}:{escape(ARM_MASK)}:"
                f"{self.interpreter}:{self.flags}")

    def systemd_file(self) -> str:
        return (f"# pyqemu-arm: run 32-bit ARM Linux programs directly (binfmt.d(5))\n"
                f"{self.register_line()}\n")

    def debian_file(self, package: str = DEBIAN_PACKAGE) -> str:
        """An update-binfmts(8) format file (for /usr/share/binfmts/NAME)."""
        if "O" in self.flags and "C" not in self.flags:
            raise EntryError("update-binfmts cannot express O without C "
                             "(its 'credentials yes' implies O)")
        yes = {True: "yes", False: "no"}
        return (f"package {package}\n"
                f"interpreter {self.interpreter}\n"
                f"magic {escape(ARM_MAGIC)}\n"
                f"offset 0\n"
                f"mask {escape(ARM_MASK)}\n"
                f"credentials {yes['C' in self.flags]}\n"
                f"fix_binary {yes['F' in self.flags]}\n"
                f"preserve {yes['P' in self.flags]}\n")

    @staticmethod
    def matches(header: bytes) -> bool:
        """Would this registration claim a file starting with `header`?"""
        if len(header) < len(ARM_MAGIC):
            return False
        return all((h & m) == (g & m) for h, g, m in zip(header, ARM_MAGIC, ARM_MASK))
