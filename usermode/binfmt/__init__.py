"""binfmt_misc support: run ARM programs directly (``./prog``) through pyqemu-arm.

* ``entry.py``   the registration (magic and mask for little-endian 32-bit ARM
                 ELF executables and shared objects, flags P/O/C/F) and its
                 formats: the kernel's register line (= a systemd binfmt.d
                 line) and Debian's update-binfmts file;
* ``procfs.py``  /proc/sys/fs/binfmt_misc: mount, register, unregister, list;
* ``invoke.py``  how pyqemu-arm was started by the kernel: the P flag (argv[0]
                 preserved: AT_FLAGS_PRESERVE_ARGV0 in the host auxv, or an
                 interpreter named ``*-binfmt-P``) and the O flag (the binary
                 already open as AT_EXECFD);
* ``command.py`` the ``pyqemu-binfmt`` command.

Usage::

    pyqemu-binfmt print                       # the register line for the defaults
    pyqemu-binfmt register --flags POF        # needs root and binfmt_misc
    ./hello-arm                               # now runs under pyqemu-arm
    pyqemu-binfmt list
    pyqemu-binfmt unregister
    pyqemu-binfmt systemd -o /etc/binfmt.d/pyqemu-arm.conf
    pyqemu-binfmt debian -o /usr/share/binfmts/pyqemu-arm && update-binfmts --import pyqemu-arm
"""
from .invoke import binfmt_invocation

__all__ = ["ARM_MAGIC", "ARM_MASK", "FLAGS", "Entry", "binfmt_invocation"]


def __getattr__(name: str):
    # usermode.binfmt.entry is imported on first use: every run imports this
    # package (cli.main asks binfmt_invocation), only registration needs Entry
    if name in ("ARM_MAGIC", "ARM_MASK", "FLAGS", "Entry"):
        from . import entry
        return getattr(entry, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
