"""Where qemu-arm 7.2 is known to differ from the ARM architecture.

Each entry names the instructions it applies to (description names), says
why qemu-arm is wrong (citing the ARM ARM), and computes the architecturally
correct result from the input state and qemu-arm's record.  When a step
matches, the harness compares pyqemu against that pinned result instead of
qemu-arm's, and says so in its report.

No entry yet: none has been found (see tests/risu_regressions/README.md for
how one is added when it is).

Usage::

    from usermode.risu.arm import known
    known.check(target, step, pre_record, qemu_record)    # None or (reason, record)
"""
from __future__ import annotations

from typing import Callable, List, NamedTuple, Optional, Tuple


class Known(NamedTuple):
    names: frozenset            # description names it applies to
    reason: str
    fix: Callable               # (target, step, pre, qemu) -> corrected record or None


KNOWN: List[Known] = []


def check(target, step, pre: bytes, qemu: bytes) -> Optional[Tuple[str, bytes]]:
    names = {i.desc.name for i in step.insts}
    for k in KNOWN:
        if names & k.names:
            fixed = k.fix(target, step, pre, qemu)
            if fixed is not None and fixed != qemu:
                return k.reason, fixed
    return None
