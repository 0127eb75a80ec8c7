"""The code of generated functions, compiled once, at install time when it can be.

The x86 encoder's forms (x86/encoder.py) and the ARM decoder's field
extractors (decodetree.py) are Python source generated from tables.  Equal
sources share one set of code objects, each made into a function with its own
globals (FunctionType(code, globals)).  runtime/build.py writes a module of
all of a bank's sources at install time (`module_text`); it is byte-compiled
with the package, so a run calls no compile().  It is keyed by the exact
source text: a stale module is never used, and a missing one only costs the
compile() calls.

Usage::

    from usermode.translate.codebank import CodeBank, FunctionType
    BANK = CodeBank("usermode.translate._extractors", "<decodetree extractor>")
    code, = BANK.code("def extract(insn):\\n    return {'rd': insn >> 12 & 15}\\n")
    extract = FunctionType(code, {})                     # extract(0xE1A0C00E)
    text = BANK.module_text(sources, "what the module holds")   # at install time
"""
from __future__ import annotations

import sys
TYPE_CHECKING = False           # typing only for annotations: importing it costs start-up time
if TYPE_CHECKING:
    from typing import Callable, Dict, Iterable, Optional, Tuple


def _a_function() -> None:
    """Its type and its code's: types.FunctionType and types.CodeType
    (importing types costs start-up time)."""


FunctionType = type(_a_function)
CodeType = type(_a_function.__code__)


class CodeBank:
    """Source text -> the code objects of its functions, in order: from the
    install-time module `module` (its FUNCTIONS: source -> functions) when it
    has that very source, else compiled now (as `filename`)."""

    def __init__(self, module: str, filename: str):
        self.module = module
        self.filename = filename
        self.cache: Dict[str, Tuple[CodeType, ...]] = {}     # the hot lookup: .cache.get(src)
        self._prebuilt: Optional[Dict[str, Tuple[Callable, ...]]] = None   # until loaded

    def code(self, src: str) -> Tuple[CodeType, ...]:
        """The code objects of the functions src defines (remembered)."""
        code = self.cache.get(src)
        if code is None:
            prebuilt = self._prebuilt if self._prebuilt is not None else self._load()
            fns = prebuilt.get(src)
            if fns is not None:
                code = tuple(fn.__code__ for fn in fns)
            else:
                module = compile(src, self.filename, "exec")
                code = tuple(c for c in module.co_consts if isinstance(c, CodeType))
            self.cache[src] = code
        return code

    def _load(self) -> Dict[str, Tuple[Callable, ...]]:
        try:
            __import__(self.module)             # (sys.modules decides, as for any import)
            self._prebuilt = sys.modules[self.module].FUNCTIONS
        except (ImportError, SyntaxError, AttributeError):     # not built, or cut short
            self._prebuilt = {}
        return self._prebuilt

    def reset(self) -> None:
        """Forget the compiled code and the install-time module (load it again
        on the next use): for tests that swap the module."""
        self.cache.clear()
        self._prebuilt = None

    @staticmethod
    def module_text(sources: Iterable[str], doc: str) -> str:
        """Source of an install-time module: each source's functions (``def
        f(`` renamed ``def f_<i>(``), and FUNCTIONS: source -> its functions."""
        out = ['"""' + doc + '"""', ""]
        table = []
        for i, src in enumerate(sorted(set(sources))):
            names = [line[4:line.index("(")] for line in src.splitlines()
                     if line.startswith("def ")]
            body = src
            for name in names:
                body = body.replace(f"def {name}(", f"def {name}_{i}(", 1)
            out.append(body)
            table.append(f"    {src!r}: (" + ", ".join(f"{n}_{i}" for n in names) + ",),")
        out.append("FUNCTIONS = {")
        out += table
        out.append("}")
        return "\n".join(out) + "\n"
