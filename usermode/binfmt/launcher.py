"""Build the native binfmt_misc interpreter (launcher.c) for this Python and package.

binfmt_misc's O and C flags give the interpreter the open binary as
AT_EXECFD only when the interpreter is an ELF program (a "#!" script would
be a second interpreter level, which the kernel refuses with ENOEXEC), so
``pyqemu-binfmt register`` compiles launcher.c with the host C compiler (the
one that built pyqemu's runtime) into a stable directory and registers that.

Usage::

    from usermode.binfmt.launcher import build_launcher, default_dir
    path = build_launcher(default_dir(), preserve_name=True)
    # .../libexec/pyqemu/pyqemu-arm-binfmt-P
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys

SOURCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "launcher.c")
PKG_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NAME = "pyqemu-arm-binfmt"
NAME_P = "pyqemu-arm-binfmt-P"
CFLAGS = ["-O2", "-Wall"]


class LauncherError(Exception):
    pass


def default_dir() -> str:
    """<prefix of this Python (venv or system)>/libexec/pyqemu."""
    return os.path.join(sys.prefix, "libexec", "pyqemu")


def _c_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _defines(python: str) -> list:
    return [f"-DPYQEMU_PYTHON={_c_string(python)}",
            f"-DPYQEMU_PKGDIR_REPR={_c_string(repr(PKG_DIR))}"]


def build_launcher(directory: str, preserve_name: bool, python: str = None) -> str:
    """Compile (if not already current) and return the launcher's path."""
    python = python or os.path.abspath(sys.executable)
    cc = os.environ.get("CC", "cc")
    if not shutil.which(cc):
        raise LauncherError(f"no C compiler ('{cc}') to build the binfmt launcher; "
                            "install gcc or give --interpreter")
    with open(SOURCE, "rb") as f:
        key = hashlib.sha256(f.read() + repr((_defines(python), CFLAGS)).encode()).hexdigest()
    out = os.path.join(directory, NAME_P if preserve_name else NAME)
    stamp = out + ".key"
    try:
        if os.access(out, os.X_OK) and open(stamp).read() == key:
            return out
    except OSError:
        pass
    try:
        os.makedirs(directory, exist_ok=True)
    except OSError as e:
        raise LauncherError(f"cannot create {directory}: {e.strerror}") from None
    tmp = f"{out}.tmp{os.getpid()}"
    r = subprocess.run([cc, *CFLAGS, *_defines(python), SOURCE, "-o", tmp],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise LauncherError(f"building the binfmt launcher failed: "
                            f"{(r.stderr.strip().splitlines() or ['?'])[-1]}")
    os.chmod(tmp, 0o755)
    os.replace(tmp, out)
    with open(stamp, "w") as f:
        f.write(key)
    return out
