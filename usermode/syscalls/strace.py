"""-strace output in qemu-user 7.2's exact format.

A syscall row's argument spec is a tuple of argument kinds (see ARG_KINDS);
qemu prints the call part *before* the syscall runs (so the guest's own output
lands between the two halves, as with qemu) and ``" = result"`` after it.

    1234 openat(AT_FDCWD,"/etc/passwd",O_RDONLY|O_CLOEXEC) = 3
    1234 close(-1) = -1 errno=9 (Bad file descriptor)
    1234 Unknown syscall 398

Spec values: a tuple of kinds; DEFAULT (qemu's generic six signed decimals);
None (qemu 7.2 does not know the number: "Unknown syscall N", no result);
or a callable(proc, args) -> str for the few irregular ones (fcntl, ioctl).

Usage::

    from usermode.syscalls import strace
    strace.format_call(proc, "write", ("d", "x", "d"), (1, 0x1000, 3))
    # -> 'write(1,0x1000,3)'
    strace.format_result(proc, None, 3, args)          # -> ' = 3'
    strace.format_result(proc, None, -2, args)
    # -> ' = -1 errno=2 (No such file or directory)'
"""
from __future__ import annotations

import os
import sys

from . import strace_tables as T
from .arm_table import DEFAULT
from ..memory import GuestFault

QEMU_ERRSTR = {512: "To be restarted", 513: "Successful exit from sigreturn"}


# ---- primitive printers (qemu's print_* helpers), each: (proc, value) -> str ---------
def s32(v: int) -> int:
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v & 0x80000000 else v


def fmt_d(proc, v):
    return str(s32(v))


def fmt_u(proc, v):
    return str(v & 0xFFFFFFFF)


def c_hash_x(v: int) -> str:
    """C's %#x of an unsigned int."""
    v &= 0xFFFFFFFF
    return f"{v:#x}" if v else "0"


def c_hash_o(v: int) -> str:
    v &= 0xFFFFFFFF
    return f"0{v:o}" if v else "0"


def fmt_x(proc, v):
    return c_hash_x(v)


def fmt_o(proc, v):
    return c_hash_o(v)


def fmt_pointer(proc, v):
    v &= 0xFFFFFFFF
    return "NULL" if v == 0 else f"0x{v:08x}"


def fmt_hostp(proc, v):
    """The host printf's %p (used by qemu's format-string entries)."""
    v &= 0xFFFFFFFF
    return "(nil)" if v == 0 else f"{v:#x}"


def guest_cstr(proc, addr: int, limit: int = 1 << 16):
    """Bytes of the guest C string at addr, or None when unreadable."""
    if addr == 0:
        return None
    try:
        return proc.mem.read_cstr(addr, limit)
    except GuestFault:
        return None


def fmt_string(proc, v):
    s = guest_cstr(proc, v & 0xFFFFFFFF)
    if s is None:
        return fmt_pointer(proc, v)
    return '"' + s.decode("latin-1") + '"'


def fmt_flags(table, v: int) -> str:
    """qemu 7.2 print_flags: value-only matching, leftovers as %#x."""
    v &= 0xFFFFFFFF
    if v == 0 and table[0][1] == 0:
        return table[0][0]
    out = []
    for name, val in table:
        if val and v & val == val:
            out.append(name)
            v &= ~val
    if not out:
        return c_hash_x(v)
    if v:
        out.append(c_hash_x(v))
    return "|".join(out)


def fmt_enum(table, v: int) -> str:
    name = table.get(v & 0xFFFFFFFF)
    return name if name is not None else c_hash_x(v)


def fmt_open_flags(proc, v):
    v &= 0xFFFFFFFF
    head = fmt_flags(T.OPEN_ACCESS, v & 3)
    rest = v & ~3
    return head if not rest else head + "|" + fmt_flags(T.OPEN_FLAGS, rest)


def fmt_file_mode(proc, v):
    mode = v & 0xFFFFFFFF
    if mode == 0:
        return "000"
    out = ""
    for name, val in T.FILE_TYPES:
        if mode & val == val:
            out = name
            break
    mode &= ~0o170000
    if mode:
        out += ("|" if out else "") + c_hash_o(mode)
    return out


def fmt_dirfd(proc, v):
    return "AT_FDCWD" if s32(v) == -100 else str(s32(v))


def fmt_signal(proc, v):
    v &= 0xFFFFFFFF
    return T.SIGNALS.get(v, str(v))


def fmt_whence(proc, v):
    return T.SEEK.get(v & 0xFFFFFFFF) or c_hash_x(v)


def fmt_llwhence(proc, v):
    return T.SEEK.get(v & 0xFFFFFFFF) if (v & 0xFFFFFFFF) < 3 else "UNKNOWN"


def fmt_how(proc, v):
    return T.SIGPROCMASK_HOW.get(v & 0xFFFFFFFF, "UNKNOWN")


def _read(proc, addr, n):
    try:
        return proc.mem.read(addr & 0xFFFFFFFF, n)
    except GuestFault:
        return None


def fmt_timespec(proc, v):
    if not v & 0xFFFFFFFF:
        return "NULL"
    raw = _read(proc, v, 8)
    if raw is None:
        return fmt_pointer(proc, v)
    sec, nsec = int.from_bytes(raw[:4], "little", signed=True), int.from_bytes(raw[4:], "little", signed=True)
    return f"{{tv_sec = {sec},tv_nsec = {nsec}}}"


def fmt_timespec64(proc, v):
    if not v & 0xFFFFFFFF:
        return "NULL"
    raw = _read(proc, v, 16)
    if raw is None:
        return fmt_pointer(proc, v)
    sec, nsec = int.from_bytes(raw[:8], "little", signed=True), int.from_bytes(raw[8:], "little", signed=True)
    return f"{{tv_sec = {sec},tv_nsec = {nsec}}}"


def fmt_timeval(proc, v):
    if not v & 0xFFFFFFFF:
        return "NULL"
    raw = _read(proc, v, 8)
    if raw is None:
        return fmt_pointer(proc, v)
    sec, usec = int.from_bytes(raw[:4], "little", signed=True), int.from_bytes(raw[4:], "little", signed=True)
    return f"{{tv_sec = {sec},tv_usec = {usec}}}"


def fmt_timezone(proc, v):
    if not v & 0xFFFFFFFF:
        return "NULL"
    raw = _read(proc, v, 8)
    if raw is None:
        return fmt_pointer(proc, v)
    a, b = int.from_bytes(raw[:4], "little", signed=True), int.from_bytes(raw[4:], "little", signed=True)
    return f"{{{a},{b}}}"


def _tbl(table):
    return lambda proc, v: fmt_flags(table, v)


def _enum(table):
    return lambda proc, v: fmt_enum(table, v)


ARG_KINDS = {
    "d": fmt_d, "u": fmt_u, "x": fmt_x, "o": fmt_o, "p": fmt_pointer,
    "P": fmt_hostp, "s": fmt_string, "at": fmt_dirfd, "oflags": fmt_open_flags,
    "mode": fmt_file_mode, "sig": fmt_signal, "whence": fmt_whence,
    "llwhence": fmt_llwhence, "how": fmt_how, "timespec": fmt_timespec,
    "prot": _tbl(T.MMAP_PROT), "mflags": _tbl(T.MMAP_FLAGS),
    "access": _tbl(T.ACCESS_FLAGS), "atflags": _tbl(T.AT_FILE_FLAGS),
    "unlinkat": _tbl(T.UNLINKAT_FLAGS), "statx_flags": _tbl(T.STATX_FLAGS),
    "statx_mask": _tbl(T.STATX_MASK), "clock": _enum(T.CLOCK_IDS),
    "madv": _enum(T.MADVISE),
    "": lambda proc, v: "",          # an empty slot: reproduces qemu's stray ','
}


# ---- irregular call printers ----------------------------------------------------------
def print_fcntl(proc, args):
    fd, cmd, arg = args[0], args[1] & 0xFFFFFFFF, args[2]
    ent = T.FCNTL_CMDS.get(cmd)
    if ent is None:
        return f"{s32(fd)},{s32(cmd)},{fmt_pointer(proc, arg)}"
    name, kind = ent
    if kind is None:
        return f"{s32(fd)},{name}"
    if kind == "d":
        return f"{s32(fd)},{name},{s32(arg)}"
    if kind == "d,":
        return f"{s32(fd)},{name},{s32(arg)},"
    if kind == "oflags":
        return f"{s32(fd)},{name},{fmt_open_flags(proc, arg)}"
    if kind == "x8":
        return f"{s32(fd)},{name},0x{arg & 0xFFFFFFFF:08x}"
    return f"{s32(fd)},{name},{fmt_pointer(proc, arg)}"


def fmt_termios(proc, addr):
    raw = _read(proc, addr, 36)
    if raw is None:
        return fmt_pointer(proc, addr)
    i, o, c, lf = (int.from_bytes(raw[k:k + 4], "little") for k in (0, 4, 8, 12))
    out = "{c_iflag = " + fmt_flags(T.TERMIOS_IFLAGS, i) + ","
    omask = 0
    for mask, _ in T.TERMIOS_ODELAYS:
        omask |= mask
    out += "c_oflag = " + fmt_flags(T.TERMIOS_OFLAGS, o & ~omask) + ","
    for mask, names in T.TERMIOS_ODELAYS:
        if o & mask:
            out += fmt_enum(names, o & mask) + ","
    out += "c_cflag = "
    for mask, names in (T.TERMIOS_CBAUD, T.TERMIOS_CSIZE):
        if c & mask:
            out += fmt_enum(names, c & mask) + ","
    out += fmt_flags(T.TERMIOS_CFLAGS, c & ~(T.TERMIOS_CBAUD[0] | T.TERMIOS_CSIZE[0])) + ","
    out += "c_lflag = " + fmt_flags(T.TERMIOS_LFLAGS, lf) + ","
    cc = guest_cstr(proc, (addr + 17) & 0xFFFFFFFF) or b""    # qemu prints c_cc with %s
    out += 'c_cc = "' + cc.decode("latin-1") + '",'
    out += "c_line = '" + chr(raw[16]) + "'}"
    return out


def fmt_ioctl_struct(proc, typ, addr):
    if typ == "termios":
        return fmt_termios(proc, addr)
    if typ == "winsize":
        raw = _read(proc, addr, 8)
        if raw is None:
            return fmt_pointer(proc, addr)
        return "{" + ",".join(str(int.from_bytes(raw[k:k + 2], "little")) for k in (0, 2, 4, 6)) + "}"
    raw = _read(proc, addr, 4)
    if raw is None:
        return fmt_pointer(proc, addr)
    return str(int.from_bytes(raw, "little", signed=True))


def print_ioctl(proc, args):
    fd, req, arg = s32(args[0]), args[1] & 0xFFFFFFFF, args[2]
    ent = T.IOCTLS.get(req)
    if ent is None:
        return f"{fd},{c_hash_x(req)},{c_hash_x(arg)}"
    name, access, typ = ent
    if access == "none":
        return f"{fd},{name}"
    if access == "val":
        return f"{fd},{name},{s32(arg)}"
    if access == "R":
        return f"{fd},{name},{fmt_pointer(proc, arg)}"
    return f"{fd},{name},{fmt_ioctl_struct(proc, typ, arg)}"


O_CREAT = 0o100


def print_open(proc, args):
    out = fmt_string(proc, args[0]) + "," + fmt_open_flags(proc, args[1])
    return out + ("," + fmt_file_mode(proc, args[2]) if args[1] & O_CREAT else "")


def print_openat(proc, args):
    return fmt_dirfd(proc, args[0]) + "," + print_open(proc, args[1:])


FUTEX_NAMES = ["FUTEX_WAIT", "FUTEX_WAKE", "FUTEX_FD", "FUTEX_REQUEUE", "FUTEX_CMP_REQUEUE",
               "FUTEX_WAKE_OP", "FUTEX_LOCK_PI", "FUTEX_UNLOCK_PI", "FUTEX_TRYLOCK_PI",
               "FUTEX_WAIT_BITSET", "FUTEX_WAKE_BITSET", "FUTEX_WAIT_REQUEUE_PI",
               "FUTEX_CMP_REQUEUE_PI", "FUTEX_LOCK_PI2"]
FUTEX_TIMESPEC_OPS = {0, 9, 6, 13, 11}


def print_futex(proc, args):
    op = args[1] & 0xFFFFFFFF
    base = op & ~(128 | 256)
    if base < len(FUTEX_NAMES):
        opstr = ("FUTEX_PRIVATE_FLAG|" if op & 128 else "") + \
                ("FUTEX_CLOCK_REALTIME|" if op & 256 else "") + FUTEX_NAMES[base]
    else:
        opstr = f"0x{op:x}"
    t = fmt_timespec(proc, args[3]) if base in FUTEX_TIMESPEC_OPS else fmt_pointer(proc, args[3])
    return ",".join([fmt_pointer(proc, args[0]), opstr, str(s32(args[2])), t,
                     fmt_pointer(proc, args[4]), str(s32(args[4]))])


def _off64(lo, hi):
    return (lo & 0xFFFFFFFF) | (hi & 0xFFFFFFFF) << 32


def print_ftruncate64(proc, args):      # offset in the aligned pair r2:r3
    return f"{s32(args[0])},{_off64(args[2], args[3])}"


def print_truncate64(proc, args):
    return f"{fmt_string(proc, args[0])},{_off64(args[2], args[3])}"


CALL_PRINTERS = {"fcntl": print_fcntl, "ioctl": print_ioctl, "open": print_open,
                 "openat": print_openat, "futex": print_futex,
                 "ftruncate64": print_ftruncate64, "truncate64": print_truncate64}


RESULT_PRINTERS: dict = {}


class Unclosed(str):
    """A call printer's text that qemu leaves without the closing ')'."""


# ---- whole lines ---------------------------------------------------------------------------
def format_call(proc, name, spec, args) -> str:
    """The part before ' = ': 'name(args)' (or 'Unknown syscall N' for spec None)."""
    if spec == DEFAULT:
        return f"{name}(" + ",".join(str(s32(a)) for a in args[:6]) + ")"
    if isinstance(spec, str):
        body = CALL_PRINTERS[spec](proc, args)
        return f"{name}(" + body + ("" if isinstance(body, Unclosed) else ")")
    parts = [ARG_KINDS[k](proc, args[i]) for i, k in enumerate(spec)]
    return f"{name}(" + ",".join(parts) + ")"


def errstr(err: int) -> str:
    return QEMU_ERRSTR.get(err) or os.strerror(err)


def format_error(ret: int):
    r = s32(ret)
    if -4096 < r < 0:
        return f" = -1 errno={-r} ({errstr(-r)})"
    return None


def format_result(proc, kind, ret, args) -> str:
    err = format_error(ret)
    if err is not None:
        return err
    r = s32(ret)
    if kind in RESULT_PRINTERS:
        return RESULT_PRINTERS[kind](proc, ret, args)
    if kind == "addr":
        return f" = 0x{ret & 0xFFFFFFFF:08x}"
    if kind == "timespec":
        return f" = {r} ({fmt_timespec(proc, args[1])})"
    if kind == "timespec64":
        return f" = {r} ({fmt_timespec64(proc, args[1])})"
    if kind == "gettimeofday":
        return f" = {r} ({fmt_timeval(proc, args[0])},{fmt_timezone(proc, args[1])})"
    if kind == "ioctl":
        ent = T.IOCTLS.get(args[1] & 0xFFFFFFFF)
        if ent and ent[1] == "R":
            return f" = {r} ({fmt_ioctl_struct(proc, ent[2], args[2])})"
    return f" = {r}"


def emit(text: str) -> None:
    """Write raw strace text to stderr (bytes kept as they are, like qemu)."""
    err = sys.stderr
    data = text.encode("latin-1", "replace")
    buf = getattr(err, "buffer", None)
    try:
        err.flush()
        if buf is not None:
            buf.write(data)
            buf.flush()
        else:
            err.write(text)
            err.flush()
    except (OSError, ValueError):
        pass


def line_prefix() -> str:
    return f"{os.getpid()} "


def _register_more():
    from . import strace_more
    from ..signals.strace_sig import result_sigreturn
    CALL_PRINTERS.update(strace_more.CALL_PRINTERS)
    RESULT_PRINTERS.update(strace_more.RESULT_PRINTERS)
    RESULT_PRINTERS["sigreturn"] = result_sigreturn


_register_more()
