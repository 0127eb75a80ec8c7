"""The IR optimizer as the code generator calls it, without importing it
until the first block is optimized: a run translates its blocks quickly
first (no optimizer) and optimizes only those that become hot, and a short
one has none, so optimize.py need not be loaded at start-up.

Usage::

    from usermode.translate.optimize_entry import enabled, optimize
    if enabled():                               # PYQEMU_OPT is not 0
        ops, ntemps = optimize(ops, ntemps)     # usermode.translate.optimize.optimize
"""
import os


def enabled() -> bool:
    """Whether the optimizer runs (``PYQEMU_OPT=0`` in the environment turns it off)."""
    return os.environ.get("PYQEMU_OPT", "1") != "0"


def optimize(ops, ntemps):
    """optimize.optimize(ops, ntemps): the optimized copy of a block's ops
    and its temp count (imports the optimizer on the first call)."""
    from .optimize import optimize as run
    return run(ops, ntemps)
