"""Pattern field extractors are generated Python source (decodetree.extractor_source),
compiled at install time into usermode/translate/_extractors.py and looked up
there by their exact source text: the generated module's extractors, those
compiled at run time, and the fields as the decodetree docstring defines them
must agree for every ARM pattern, and a missing or stale module must not change
what a pattern extracts."""
import importlib.util
import random
import sys

import pytest

from usermode.translate import decodetree as D
from usermode.translate.arm import translate as T

BANK = D.EXTRACTOR_CODE
MODULE = BANK.module


def reference_fields(p, insn):
    """p's fields of insn, the slow obvious way: pieces of one name concatenated
    MSB first and sign-extended if any is signed, then extra, then each xform
    (by value for a name already present, else given the dict so far)."""
    out, size, signed = {}, {}, set()
    for name, shift, width, sgn in p.fields:
        out[name] = out.get(name, 0) << width | (insn >> shift) & ((1 << width) - 1)
        size[name] = size.get(name, 0) + width
        if sgn:
            signed.add(name)
    for name in signed:
        if out[name] >> (size[name] - 1):
            out[name] -= 1 << size[name]
    out.update(p.extra)
    present = set(out)
    for name, fn in p.xform.items():
        out[name] = fn(out[name]) if name in present else fn(out)
    return out


def _words(p, rng, n=12):
    """Words matching p's fixed bits (the others random), and random words."""
    return ([p.value | rng.getrandbits(p.width) & ~p.mask for _ in range(n)]
            + [rng.getrandbits(p.width) for _ in range(n)])


def _load_text(tmp_path, text):
    """The module of source text, imported from a file like the generated one."""
    path = tmp_path / "_extractors.py"
    path.write_text(text)
    spec = importlib.util.spec_from_file_location(MODULE, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture
def prebuilt():
    """Run a test with its own state of the install-time extractors: the test
    puts a module (or None: missing) in sys.modules[MODULE]; restored after."""
    saved = (BANK._prebuilt, dict(BANK.cache), sys.modules.get(MODULE))
    BANK.reset()
    yield
    BANK.reset()
    BANK._prebuilt = saved[0]
    BANK.cache.update(saved[1])
    if saved[2] is None:
        sys.modules.pop(MODULE, None)
    else:
        sys.modules[MODULE] = saved[2]


def _fresh(p):
    """A copy of pattern p whose extractor is not compiled yet."""
    return D.Pattern(p.name, p.mask, p.value, p.fields, p.trans, p.exclude, p.xform,
                     p.extra, p.width, p.text)


def test_generated_extractors_match_the_reference_for_every_arm_pattern(tmp_path, prebuilt):
    pats = T.all_patterns()
    mod = _load_text(tmp_path, D.extractor_module_text(pats))
    sys.modules[MODULE] = mod
    rng = random.Random(7)
    for p in pats:
        src, ns = D.extractor_source(p.fields, p.extra, p.xform)
        generated, = mod.FUNCTIONS[src]
        q = _fresh(p)
        for insn in _words(p, rng):
            want = reference_fields(p, insn)
            got = q.extract(insn)
            assert got == want and list(got) == list(want), (p.name, hex(insn))
            assert D.FunctionType(generated.__code__, ns)(insn) == want
        assert q.extract.__code__ is generated.__code__, p.name     # taken from the module
    assert len(mod.FUNCTIONS) < len(pats)                           # layouts are shared


def test_missing_module_compiles_at_run_time(prebuilt):
    sys.modules[MODULE] = None                  # (import then raises ImportError)
    rng = random.Random(8)
    for p in T.all_patterns()[::7]:
        q = _fresh(p)
        for insn in _words(p, rng):
            assert q.extract(insn) == reference_fields(p, insn), (p.name, hex(insn))
        assert q.extract.__code__.co_filename == "<decodetree extractor>"
    assert BANK._prebuilt == {}


def test_stale_module_is_not_used(tmp_path, prebuilt):
    """A module from another version of the generator holds other source texts
    (here: renamed argument, wrong bodies): none of its code is taken."""
    pats = T.all_patterns()[::5]
    text = D.extractor_module_text(pats).replace("insn", "word").replace(" & ", " | ")
    mod = _load_text(tmp_path, text)
    sys.modules[MODULE] = mod
    stale_codes = {fn.__code__ for fns in mod.FUNCTIONS.values() for fn in fns}
    rng = random.Random(9)
    for p in pats:
        q = _fresh(p)
        for insn in _words(p, rng):
            assert q.extract(insn) == reference_fields(p, insn), (p.name, hex(insn))
        assert q.extract.__code__ not in stale_codes
