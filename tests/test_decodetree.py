"""The decodetree-style pattern compiler: fields, specificity, excludes."""
from usermode.translate.decodetree import Decoder, pattern


def test_fields_and_fixed_bits():
    p = pattern("ADD_rri", "cond:4 001 0100 s:1 rn:4 rd:4 imm:12")
    assert p.mask == 0x0FE00000 and p.value == 0x02800000
    assert p.extract(0xE2910001) == {"cond": 0xE, "s": 1, "rn": 1, "rd": 0, "imm": 1}


def test_split_field_concatenates_msb_first_and_sign_extends():
    p = pattern("B", "11110 imm:s1 imm:10 10 . 1 . imm:11")
    f = p.extract(0xF7FFBFFE)   # imm = 1:1111111111:11111111110
    assert f["imm"] == -2


def test_most_specific_pattern_wins_regardless_of_order():
    d = Decoder(32, key_bits=[(20, 8), (4, 4)])
    d.add(pattern("ORR", "cond:4 001 1100 s:1 rn:4 rd:4 imm:12"))
    d.add(pattern("MOV", "cond:4 001 1101 s:1 0000 rd:4 imm:12"))
    d.add(pattern("MOVW", "cond:4 0011 0000 imm:4 rd:4 imm:12"))
    assert d.decode(0xE3A00001)[0].name == "MOV"
    assert d.decode(0xE3800001)[0].name == "ORR"
    assert d.decode(0xE3001234)[0].name == "MOVW"


def test_exclude_rejects_a_field_value():
    d = Decoder(32, key_bits=[(24, 4)])
    d.add(pattern("B", "cond:4 1010 imm:s24", exclude={"cond": 0xF}))
    assert d.decode(0xEA000000)[0].name == "B"
    assert d.decode(0xFA000000) is None


def test_xform_and_extra():
    p = pattern("X", "imm:8 . . . . . . . .", width=16, xform={"imm": lambda v: v * 4},
                extra={"one": 1})
    assert p.extract(0x0300) == {"imm": 12, "one": 1}


def test_pattern_must_cover_its_width():
    try:
        pattern("bad", "0101 rd:4", width=16)
    except ValueError as e:
        assert "covers 8 bits" in str(e)
    else:
        raise AssertionError("a short pattern was accepted")


def test_extract_key_order_extra_then_xform():
    # fields in order of first appearance, then extra, then xforms (by value for
    # a name already present, else given the dict so far)
    p = pattern("X", "a:4 b:s4 a:4 c:4 . . . . . . . . . . . . . . . .",
                extra={"b": 7, "e": 1}, xform={"c": lambda v: v + 1, "d": lambda f: f["c"] * 2})
    f = p.extract(0x12F40000)
    assert list(f) == ["a", "b", "c", "e", "d"]
    assert f == {"a": 0x1F, "b": 7, "c": 5, "e": 1, "d": 10}
    assert pattern("S", "x:s4 y:4", width=8).extract(0x8F) == {"x": -8, "y": 15}
    assert p.extract(0) is not p.extract(0)     # a fresh dict each time


def test_exclude_with_set_and_matches():
    p = pattern("B_cond", "1101 cond:4 imm:s8", width=16, exclude={"cond": {14, 15}})
    assert p.matches(0xD0FE) and not p.matches(0xDEFE) and not p.matches(0xDFFE)
    assert not p.matches(0xC0FE)
    d = Decoder(16, key_bits=[(12, 4)])
    d.add(p, pattern("UDF", "1101 1110 imm:8", width=16))
    assert d.decode(0xDE01)[0].name == "UDF"
    assert d.decode(0xDF01) is None
    assert d.decode(0xD101)[1] == {"cond": 1, "imm": 1}
