"""Tell the native runtime's ARM floating-point slow paths (fp_helpers.c,
neon_helpers.c) where FPSCR lives in the CPU state and which of its bits
they set.  The engine calls this once, before any guest code runs, whether
or not anything is ever decoded (with a warm translation cache every block
may come from disk and no trans_* table is loaded).

Usage::

    from usermode.translate.arm.runtime_config import configure_runtime
    configure_runtime()
"""
from __future__ import annotations

from .cpu import LAYOUT

FPSCR_QC = 1 << 27              # cumulative saturation (NEON)
FPSCR_IDC = 1 << 7              # input denormal cumulative flag


def configure_runtime() -> None:
    try:
        from .. import _runtime
    except ImportError:             # pragma: no cover - runtime not built (IR-only use)
        return
    off = LAYOUT.offset("fpscr")
    _runtime.lib.fp_arm_configure(off)
    if hasattr(_runtime.lib, "neon_configure"):
        _runtime.lib.neon_configure(off, FPSCR_QC, FPSCR_IDC)
