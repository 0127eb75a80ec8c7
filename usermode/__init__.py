"""pyqemu: a Linux user-mode binary translator written in Python.

`pyqemu-arm ./prog args` runs a 32-bit ARM Linux program on an x86-64 host:
guest code is decoded into an ISA-neutral IR, compiled to x86-64 machine code
and run natively; system calls are converted to the host's.

Usage::

    python -m usermode ./hello-arm world
"""
__version__ = "0.1.0"


def run(argv, **options):
    """Run an ARM guest program; see usermode.api.run (returns a GuestRun)."""
    from .api import run as _run
    return _run(argv, **options)
