"""The ARM decoders load some trans_* modules only when an instruction falls in
their encoding spaces (translate._LAZY_TABLES): decoding must give exactly
what decoders holding every pattern from the start give (same pattern, same
fields), whatever the order instructions come in."""
import random

from usermode.translate.arm import translate as T
from usermode.translate.decodetree import Decoder


def _decoders():
    return {name: Decoder(dec.width, dec.key_bits)
            for name, dec in (("A32", T.A32), ("T32", T.T32), ("T16", T.T16))}


def _encodings(dec_name, dec, rng):
    """Every pattern's fixed bits (alone and with random others), the lazy
    encoding spaces likewise, and random words."""
    top = (1 << dec.width) - 1
    out = []
    for p in dec.patterns:
        out.append(p.value)
        out += [p.value | rng.getrandbits(dec.width) & ~p.mask for _ in range(4)]
    for spaces in T._LAZY_TABLES.values():
        for m, v in spaces.get(dec_name, ()):
            out += [v | rng.getrandbits(dec.width) & ~m for _ in range(200)]
    out += [rng.getrandbits(dec.width) for _ in range(5000)]
    rng.shuffle(out)
    return [x & top for x in out]


def test_lazy_tables_decode_like_eager_ones():
    names = T._table_modules()
    eager = _decoders()
    for name in names:
        for dec_name, dec in eager.items():
            dec.extend(T._module_patterns(name, dec_name))
    lazy = _decoders()
    T._register(lazy, names)
    assert sum(len(d.patterns) for d in lazy.values()) < sum(
        len(d.patterns) for d in eager.values())
    rng = random.Random(5)
    for dec_name, dec in eager.items():
        for insn in _encodings(dec_name, dec, rng):
            want, got = dec.decode(insn), lazy[dec_name].decode(insn)
            assert (want is None) == (got is None), (dec_name, hex(insn), want, got)
            if want is not None:
                assert want[0] is got[0] and want[1] == got[1], (dec_name, hex(insn))
        assert lazy[dec_name].patterns == dec.patterns
        assert not lazy[dec_name]._lazy


def test_buckets_hold_the_patterns_of_their_key_best_first():
    """Each bucket lists the patterns whose fixed key bits agree with its key,
    most fixed bits first, then the first added (the lazy spaces before all)."""
    T._load_tables()
    for dec in (T.A32, T.T32, T.T16):
        assert dec.patterns and dec._lazy or dec is T.T16
        rng = random.Random(dec.width)
        key_of, bits = dec._key, sum(n for _s, n in dec.key_bits)
        order = sorted(range(len(dec.patterns)), key=lambda i: (-dec.patterns[i].fixed_bits, i))
        for key in rng.sample(range(1 << bits), min(1 << bits, 300)):
            fits = [dec.patterns[i] for i in order
                    if key & key_of(dec.patterns[i].mask) == key_of(dec.patterns[i].value)]
            bucket = dec._bucket(key)
            assert [p for p in bucket if p.name != "(lazy)"] == fits, hex(key)
            assert [p.name for p in bucket[:len(bucket) - len(fits)]] == ["(lazy)"] * (
                len(bucket) - len(fits))
