"""cffi build script for the native runtime (run by setuptools at install time).

Builds the extension module ``usermode.translate._runtime`` from runtime.c,
and writes usermode/translate/x86/_forms.py, the x86 encoder's instruction
forms as Python source (byte-compiled with the package, so a run need not
compile them: see x86/encoder.py, FORM_CODE, and translate/codebank.py), and
usermode/translate/_extractors.py, the ARM decoder's field extractors
(likewise: see decodetree.py, EXTRACTOR_CODE), when this script is loaded.
By hand: ``python usermode/translate/runtime/build.py`` builds both in place.
"""
import os
import re
import sys

from cffi import FFI

HERE = os.path.dirname(os.path.abspath(__file__))


def _read(name: str) -> str:
    with open(os.path.join(HERE, name)) as f:
        return f.read()


def _cdef_text() -> str:
    text = _read("runtime.h")
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return "\n".join(l for l in text.splitlines() if not l.lstrip().startswith("#"))


def _write_generated(path: str, text_of) -> None:
    """Write usermode/translate/<path> with text_of(), which imports from this
    source tree (not in a read-only tree: the run then compiles what the file
    would have held)."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
    sys.path.insert(0, root)
    try:
        text = text_of()
    finally:
        sys.path.remove(root)
    try:
        with open(os.path.join(root, "usermode", "translate", path), "w") as f:
            f.write(text)
    except OSError:
        pass


def write_x86_forms() -> None:
    """Write x86/_forms.py, the encoder modules' instruction forms (see
    x86/encoder.py, FORM_CODE)."""
    def text() -> str:
        from usermode.translate.x86 import encoder, fp_encoder, vec_encoder  # noqa: F401
        return encoder.form_module_text()
    _write_generated(os.path.join("x86", "_forms.py"), text)


def write_arm_extractors() -> None:
    """Write _extractors.py, the field extractors of every ARM decoder
    pattern (see decodetree.EXTRACTOR_CODE)."""
    def text() -> str:
        from usermode.translate import decodetree
        from usermode.translate.arm import translate
        return decodetree.extractor_module_text(translate.all_patterns())
    _write_generated("_extractors.py", text)


write_x86_forms()
write_arm_extractors()
ffibuilder = FFI()
ffibuilder.cdef(_cdef_text() + _read("fp_helpers.h")            # + floating point
                + _read("neon_helpers.h"))                        # + vector (NEON)
ffibuilder.set_source(
    "usermode.translate._runtime",
    _read("runtime.c").replace('#include "runtime.h"', _read("runtime.h"))
    + _read("fp_helpers.c")                                           # floating point
    + _read("neon_helpers.c"),                                        # vector (NEON)
    extra_compile_args=["-O2", "-std=gnu11", "-Wall"],
    libraries=["pthread", "m"],
)

if __name__ == "__main__":
    root = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
    os.chdir(root)
    ffibuilder.compile(verbose=False)
