"""Descriptions of native helper functions that generated code may call.

A `Helper` names a C function of the runtime (looked up at code-generation
time with ``lib.rt_helper_addr(name)``) or gives an absolute address.  The
generated call passes the CPU-state pointer (env) as the first argument, then
the IR arguments, and returns one value (or none).  At most 5 IR arguments
(they travel in rsi, rdx, rcx, r8, r9 after env in rdi).  A helper declared
with ``pass_env=False`` gets the IR arguments only (rdi, rsi, ..., at most 6):
the runtime's ``udiv64(a, b)`` is such a plain C function.

`flags` say what the helper touches, for a code generator that keeps guest
globals in host registers; the current generator keeps every global in memory
and ignores them, but decoders should still state them honestly.

Usage::

    from usermode.translate.helpers import Helper, UDIV64, HF_NO_GLOBALS
    from usermode.translate.ir import IRBuilder, I64
    b = IRBuilder()
    q = b.temp(I64)
    b.call(UDIV64, q, b.const(100, I64), b.const(7, I64))     # q = 100 // 7
    my = Helper("my_helper", ret_type=None, arg_types=(I32,), flags=HF_WRITES_GLOBALS)
"""
from __future__ import annotations

TYPE_CHECKING = False           # typing only for annotations: importing it costs start-up time
if TYPE_CHECKING:
    from typing import Optional, Tuple

from .._record import FrozenRecord

from .ir import I64, Type

# flags
HF_READS_GLOBALS = 1     # reads CPU-state fields through env
HF_WRITES_GLOBALS = 2    # writes CPU-state fields through env
HF_NO_GLOBALS = 0        # a pure function of its arguments
HF_DEFAULT = HF_READS_GLOBALS | HF_WRITES_GLOBALS

MAX_HELPER_ARGS = 5


class Helper(FrozenRecord):
    _fields = ("name", "ret_type", "arg_types", "addr", "flags", "pass_env")

    def __init__(self, name: str,                   # C name for rt_helper_addr (or a label)
                 ret_type: Optional[Type],          # I32, I64 or None (no result)
                 arg_types: Tuple[Type, ...] = (),
                 addr: Optional[int] = None,        # absolute address; overrides name lookup
                 flags: int = HF_DEFAULT,
                 pass_env: bool = True):            # env pointer as the first C argument
        _set = object.__setattr__
        _set(self, "name", name)
        _set(self, "ret_type", ret_type)
        _set(self, "arg_types", tuple(arg_types))
        _set(self, "addr", addr)
        _set(self, "flags", flags)
        _set(self, "pass_env", pass_env)
        if len(self.arg_types) > MAX_HELPER_ARGS + (0 if self.pass_env else 1):
            raise ValueError(f"helper {self.name}: too many arguments")

    def __repr__(self) -> str:
        return f"helper_{self.name}"


# Helpers the runtime provides (runtime.c: helpers[])
UDIV64 = Helper("udiv64", I64, (I64, I64), flags=HF_NO_GLOBALS, pass_env=False)
