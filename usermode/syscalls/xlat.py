"""Guest <-> host bitmask and value translation tables (ARM EABI <-> x86-64).

A BitTable is a list of rows (name, guest_mask, guest_bits, host_mask,
host_bits): a row applies when (value & mask) == bits on its side and then
contributes the other side's bits; every bit covered by a row's mask is
consumed.  Bits no row covers are "leftovers", handled by the table's policy:
"drop" (qemu's behaviour for open flags), "pass" (copied unchanged) or
"reject" (ValueError -> the handler returns -EINVAL).

Usage::

    from usermode.syscalls.xlat import OPEN_FLAGS
    OPEN_FLAGS.to_host(0x4000)      # ARM O_DIRECTORY -> 0x10000 (x86-64)
    OPEN_FLAGS.to_guest(0x10000)    # -> 0x4000
"""
from __future__ import annotations

TYPE_CHECKING = False           # typing only for annotations: importing it costs start-up time
if TYPE_CHECKING:
    from typing import List, Tuple
    Row = Tuple[str, int, int, int, int]


def bit(name: str, guest: int, host: int) -> Row:
    """A single flag: guest bit <-> host bit (0 on a side: not representable)."""
    return (name, guest, guest, host, host)


# ---- tables -------------------------------------------------------------------------------
# open(2)/fcntl(F_GETFL/F_SETFL) flags.  Only O_DIRECTORY, O_NOFOLLOW, O_DIRECT
# and O_LARGEFILE differ.  O_LARGEFILE is dropped both ways, as qemu does (the
# 64-bit host kernel forces it; qemu never reports it in F_GETFL).
OPEN_FLAG_ROWS: List[Row] = [
    bit("O_WRONLY", 0o1, 0o1),
    bit("O_RDWR", 0o2, 0o2),
    bit("O_CREAT", 0o100, 0o100),
    bit("O_EXCL", 0o200, 0o200),
    bit("O_NOCTTY", 0o400, 0o400),
    bit("O_TRUNC", 0o1000, 0o1000),
    bit("O_APPEND", 0o2000, 0o2000),
    bit("O_NONBLOCK", 0o4000, 0o4000),
    bit("O_DSYNC", 0o10000, 0o10000),
    bit("FASYNC", 0o20000, 0o20000),
    bit("O_DIRECTORY", 0o40000, 0o200000),
    bit("O_NOFOLLOW", 0o100000, 0o400000),
    bit("O_DIRECT", 0o200000, 0o40000),
    ("O_LARGEFILE", 0o400000, 0, 0o100000, 0),
    bit("O_NOATIME", 0o1000000, 0o1000000),
    bit("O_CLOEXEC", 0o2000000, 0o2000000),
    bit("__O_SYNC", 0o4000000, 0o4000000),
    bit("O_PATH", 0o10000000, 0o10000000),
    bit("__O_TMPFILE", 0o20000000, 0o20000000),
]

# mmap(2) flags: the values are the same (both asm-generic); what differs is
# what the translator can honour on a mapping placed inside its own region.
MMAP_FLAG_ROWS: List[Row] = [
    ("MAP_TYPE", 0x0F, 0x01, 0x0F, 0x01),          # MAP_SHARED
    ("MAP_TYPE", 0x0F, 0x02, 0x0F, 0x02),          # MAP_PRIVATE
    ("MAP_TYPE", 0x0F, 0x03, 0x0F, 0x03),          # MAP_SHARED_VALIDATE
    bit("MAP_FIXED", 0x10, 0x10),
    bit("MAP_ANONYMOUS", 0x20, 0x20),
    ("MAP_GROWSDOWN", 0x100, 0x100, 0, 0),          # ignored: the region is ours
    ("MAP_DENYWRITE", 0x800, 0x800, 0, 0),          # ignored by Linux anyway
    ("MAP_EXECUTABLE", 0x1000, 0x1000, 0, 0),       # ignored by Linux anyway
    bit("MAP_LOCKED", 0x2000, 0x2000),
    bit("MAP_NORESERVE", 0x4000, 0x4000),
    bit("MAP_POPULATE", 0x8000, 0x8000),
    bit("MAP_NONBLOCK", 0x10000, 0x10000),
    bit("MAP_STACK", 0x20000, 0x20000),
    bit("MAP_HUGETLB", 0x40000, 0x40000),
    bit("MAP_SYNC", 0x80000, 0x80000),
    bit("MAP_FIXED_NOREPLACE", 0x100000, 0x100000),
    ("MAP_UNINITIALIZED", 0x4000000, 0x4000000, 0, 0),
]

# mmap/mprotect prot bits.  PROT_SEM (ARM 0x8, x86-64 0x8) and the GROWS bits
# are accepted and not applied.
PROT_ROWS: List[Row] = [
    bit("PROT_READ", 0x1, 0x1),
    bit("PROT_WRITE", 0x2, 0x2),
    bit("PROT_EXEC", 0x4, 0x4),
    ("PROT_SEM", 0x8, 0x8, 0, 0),
    ("PROT_GROWSDOWN", 0x01000000, 0x01000000, 0, 0),
    ("PROT_GROWSUP", 0x02000000, 0x02000000, 0, 0),
]

# pipe2/dup3/eventfd-style flags are a subset of the open flags.
PIPE2_FLAG_ROWS: List[Row] = [
    bit("O_NONBLOCK", 0o4000, 0o4000),
    bit("O_DIRECT", 0o200000, 0o40000),
    bit("O_CLOEXEC", 0o2000000, 0o2000000),
]

# fcntl commands (ARM EABI fcntl64 -> x86-64 fcntl): (guest, host, arg kind)
#   arg kinds: "int" passed through, "flags" open flags, "flock" 32-bit struct
#   flock converted, "flock64" struct flock64 passed through (same layout as
#   the host's struct flock), "ptr:N" N-byte struct passed through.
FCNTL_CMDS = {
    0: (0, "int"),             # F_DUPFD
    1: (1, "int"),             # F_GETFD
    2: (2, "int"),             # F_SETFD
    3: (3, "getfl"),           # F_GETFL
    4: (4, "flags"),           # F_SETFL
    5: (5, "flock"),           # F_GETLK
    6: (6, "flock"),           # F_SETLK
    7: (7, "flock"),           # F_SETLKW
    8: (8, "int"),             # F_SETOWN
    9: (9, "int"),             # F_GETOWN
    10: (10, "int"),           # F_SETSIG
    11: (11, "int"),           # F_GETSIG
    12: (5, "flock64"),        # F_GETLK64
    13: (6, "flock64"),        # F_SETLK64
    14: (7, "flock64"),        # F_SETLKW64
    15: (15, "ptr:8"),         # F_SETOWN_EX
    16: (16, "ptr:8"),         # F_GETOWN_EX
    36: (36, "flock64"),       # F_OFD_GETLK
    37: (37, "flock64"),       # F_OFD_SETLK
    38: (38, "flock64"),       # F_OFD_SETLKW
    1024: (1024, "int"),       # F_SETLEASE
    1025: (1025, "int"),       # F_GETLEASE
    1026: (1026, "int"),       # F_NOTIFY
    1030: (1030, "int"),       # F_DUPFD_CLOEXEC
    1031: (1031, "int"),       # F_SETPIPE_SZ
    1032: (1032, "int"),       # F_GETPIPE_SZ
    1033: (1033, "int"),       # F_ADD_SEALS
    1034: (1034, "int"),       # F_GET_SEALS
}

# ioctl requests whose argument layout is the same on ARM EABI and x86-64:
# request -> (kind, size): "none" no argument, "int" value argument,
# "in:N" the kernel reads N bytes, "out:N" writes N bytes, "inout:N" both.
IOCTL_CMDS = {
    0x5401: ("out:36", "TCGETS"),
    0x5402: ("in:36", "TCSETS"),
    0x5403: ("in:36", "TCSETSW"),
    0x5404: ("in:36", "TCSETSF"),
    0x5409: ("int", "TCSBRK"),
    0x540A: ("int", "TCXONC"),
    0x540B: ("int", "TCFLSH"),
    0x540E: ("int", "TIOCSCTTY"),
    0x540F: ("out:4", "TIOCGPGRP"),
    0x5410: ("in:4", "TIOCSPGRP"),
    0x5411: ("out:4", "TIOCOUTQ"),
    0x5413: ("out:8", "TIOCGWINSZ"),
    0x5414: ("in:8", "TIOCSWINSZ"),
    0x541B: ("out:4", "FIONREAD"),
    0x5421: ("in:4", "FIONBIO"),
    0x5422: ("none", "TIOCNOTTY"),
    0x5429: ("out:4", "TIOCGSID"),
    0x5450: ("none", "FIONCLEX"),
    0x5451: ("none", "FIOCLEX"),
    0x80045430: ("out:4", "TIOCGPTN"),
    0x40045431: ("in:4", "TIOCSPTLCK"),
}


class BitTable:
    def __init__(self, rows: List[Row], leftover: str = "drop"):
        assert leftover in ("drop", "pass", "reject")
        self.rows = rows
        self.leftover = leftover
        self.guest_known = 0
        self.host_known = 0
        for _, gm, _, hm, _ in rows:
            self.guest_known |= gm
            self.host_known |= hm

    def _xlat(self, v: int, to_host: bool) -> int:
        out = 0
        for _, gm, gb, hm, hb in self.rows:
            m, b, ob = (gm, gb, hb) if to_host else (hm, hb, gb)
            if m and v & m == b:
                out |= ob
        known = self.guest_known if to_host else self.host_known
        rest = v & ~known
        if rest:
            if self.leftover == "reject":
                raise ValueError(f"unknown bits {rest:#x}")
            if self.leftover == "pass":
                out |= rest
        return out

    def to_host(self, guest: int) -> int:
        return self._xlat(guest & 0xFFFFFFFF, True)

    def to_guest(self, host: int) -> int:
        return self._xlat(host, False)


OPEN_FLAGS = BitTable(OPEN_FLAG_ROWS, "drop")
MMAP_FLAGS = BitTable(MMAP_FLAG_ROWS, "drop")
PROT_FLAGS = BitTable(PROT_ROWS, "reject")
PIPE2_FLAGS = BitTable(PIPE2_FLAG_ROWS, "reject")
