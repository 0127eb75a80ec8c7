"""The kernel side: /proc/sys/fs/binfmt_misc (mount, register, unregister, read).

Usage::

    from usermode.binfmt import procfs
    procfs.ensure_mounted()                  # mounts binfmt_misc if needed (root)
    procfs.register(entry)                   # BinfmtError with a one-line reason
    procfs.read_entry("pyqemu-arm")          # {'enabled': True, 'interpreter': ..., ...}
    procfs.entries()                         # every registered name
    procfs.unregister("pyqemu-arm")
"""
from __future__ import annotations

import errno
import os
import subprocess
from typing import Dict, List, Optional

from .entry import Entry

MOUNT_POINT = "/proc/sys/fs/binfmt_misc"
SPECIAL = ("register", "status")


class BinfmtError(Exception):
    """str() is a one-line explanation."""


def _dir(root: Optional[str]) -> str:
    return root or MOUNT_POINT


def is_mounted(root: Optional[str] = None) -> bool:
    return os.path.exists(os.path.join(_dir(root), "register"))


def ensure_mounted(root: Optional[str] = None) -> None:
    """Mount binfmt_misc on its usual place if it is not mounted yet."""
    d = _dir(root)
    if is_mounted(d):
        return
    if root is not None:
        raise BinfmtError(f"{d}: no binfmt_misc 'register' file there")
    r = subprocess.run(["mount", "-t", "binfmt_misc", "binfmt_misc", d],
                       capture_output=True, text=True)
    if r.returncode != 0 or not is_mounted(d):
        why = (r.stderr.strip().splitlines() or ["mount failed"])[-1]
        raise BinfmtError(f"binfmt_misc is not mounted on {d} and mounting it failed: {why}")


def _write(path: str, text: str) -> None:
    data = text.encode()
    try:
        fd = os.open(path, os.O_WRONLY)
    except OSError as e:
        raise BinfmtError(f"{path}: {e.strerror}") from None
    try:
        os.write(fd, data)          # one write: the kernel parses each write on its own
    except OSError as e:
        raise BinfmtError(_explain_write(path, e)) from None
    finally:
        os.close(fd)


def _explain_write(path: str, e: OSError) -> str:
    if e.errno == errno.EEXIST:
        return f"{path}: an entry with that name is already registered (unregister it first)"
    if e.errno == errno.ENOENT:
        return f"{path}: the interpreter does not exist (the F flag opens it now)"
    if e.errno == errno.EINVAL:
        return f"{path}: the kernel refused the registration (Invalid argument)"
    return f"{path}: {e.strerror}"


def register(entry: Entry, root: Optional[str] = None) -> None:
    _write(os.path.join(_dir(root), "register"), entry.register_line())


def unregister(name: str, root: Optional[str] = None) -> None:
    path = os.path.join(_dir(root), name)
    if name in SPECIAL or "/" in name or not os.path.exists(path):
        raise BinfmtError(f"no binfmt_misc entry named {name!r}")
    _write(path, "-1")


def set_enabled(name: str, enabled: bool, root: Optional[str] = None) -> None:
    _write(os.path.join(_dir(root), name), "1" if enabled else "0")


def entries(root: Optional[str] = None) -> List[str]:
    d = _dir(root)
    try:
        return sorted(n for n in os.listdir(d) if n not in SPECIAL)
    except OSError:
        return []


def read_entry(name: str, root: Optional[str] = None) -> Dict[str, object]:
    """enabled, interpreter, flags, offset, magic (bytes), mask (bytes) of one entry."""
    try:
        with open(os.path.join(_dir(root), name)) as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise BinfmtError(f"cannot read entry {name!r}: {e.strerror}") from None
    out: Dict[str, object] = {"name": name, "enabled": bool(lines) and lines[0] == "enabled",
                              "flags": "", "interpreter": "", "magic": b"", "mask": b""}
    for line in lines[1:]:
        key, _, value = line.partition(" ")
        key = key.rstrip(":")
        if key in ("magic", "mask"):
            out[key] = bytes.fromhex(value.strip())
        elif key == "flags":
            out["flags"] = value.strip()
        elif key in ("interpreter", "offset", "extension"):
            out[key] = value.strip()
    return out
