"""Real Debian armhf programs, dynamically linked, under pyqemu-arm -L sysroot vs qemu-arm -L.

The sysroot is built from the archive's packages (tests/debian_sysroot.py):
glibc's ld.so, /etc/ld.so.cache and the libraries all come from it.  Every
case runs the same command line, input, environment and working directory
under both translators and must give the same exit status, stdout and stderr.

Run one program's cases::

    python -m pytest tests/test_dynamic_debian.py -k gawk
"""
from __future__ import annotations

from pathlib import Path

import pytest

from debian_sysroot import Unavailable, ensure_sysroot, explain, run_both

# ---- input files (written into the working directory of every case) -------------

WORDS = "".join(f"{w} {n}\n" for n, w in enumerate(
    "pear apple fig banana cherry apple date elderberry grape fig kiwi lemon mango "
    "nectarine orange papaya quince raspberry strawberry tangerine ugli vanilla "
    "watermelon xigua yam zucchini root rooot daemon".split()))

LUA_SCRIPT = r"""
local t = {}
for w in io.lines("words.txt") do t[#t + 1] = w:match("^(%a+)") end
table.sort(t)
print(#t, t[1], t[#t], table.concat(t, ",", 1, 5))
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
print("fib", fib(20), 2^53, 10 // 3, 7 % -3, 1 / 3, math.sqrt(2), math.pi)
print(string.format("%5.2f|%e|%g|%x|%q", 3.14159, 12345.678, 1e-10, 255, "a\nb"))
local co = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i * i) end end)
print(co(), co(), co())
print(("hello world"):gsub("o", "0"), ("%d items"):format(42), #"\u{48}\u{49}")
print(math.floor(-3.5), math.ceil(-3.5), math.fmod(7.5, 2), tostring(0/0):gsub("-", ""))
print(pcall(error, {code = 1}), select("#", 1, nil, 3), utf8.char(72, 228, 8364))
"""

SQL = """
create table fruit(name text primary key, qty integer, price real);
insert into fruit values ('apple', 3, 0.5), ('pear', 7, 0.75), ('fig', 12, 1.25),
  ('kiwi', 1, 2.0);
select name, qty * price, printf('%.3f', price / 3) from fruit order by name;
select count(*), sum(qty), avg(price), total(price), max(name) from fruit;
with recursive n(i) as (select 1 union all select i + 1 from n where i < 50)
  select sum(i), group_concat(i % 7, '') from n;
select upper(name), length(name), substr(name, 2, 2), hex(name) from fruit where qty > 2;
select json_object('n', 3, 'a', json_array(1, 2.5, 'x'));
"""

PY_STDLIB = r"""
import collections, decimal, hashlib, json, re, sqlite3, sys
print(sys.version_info[:3], sys.platform, sys.byteorder, sys.maxsize)
print(hashlib.sha256(b"pyqemu").hexdigest(), hashlib.md5(b"abc").hexdigest())
print(hashlib.sha1(b"x" * 1000).hexdigest(), hashlib.blake2b(b"y").hexdigest()[:32])
doc = {"b": [1, 2.5, None, True], "a": {"x": "\u00e9", "y": 1e100}, "n": -0.0}
text = json.dumps(doc, sort_keys=True)
print(text, json.loads(text) == doc)
print(re.findall(r"(\w+)@(\w+)\.org", "ann@python.org bob@gnu.org c@x.com"))
print(re.sub(r"(?P<d>\d+)", lambda m: str(int(m["d"]) * 2), "a1 b22 c333"))
c = collections.Counter("mississippi")
print(c.most_common(3), collections.OrderedDict(a=1, b=2), collections.deque(range(5), 3))
decimal.getcontext().prec = 40
print(decimal.Decimal(1) / decimal.Decimal(7), decimal.Decimal("2").sqrt())
print(decimal.Decimal("1.10") + decimal.Decimal("2.205"), round(2.675, 2), 0.1 + 0.2)
db = sqlite3.connect(":memory:")
db.execute("create table t(x integer, y real)")
db.executemany("insert into t values (?, ?)", [(i, i / 4) for i in range(10)])
print(db.execute("select sum(x), avg(y), group_concat(x) from t").fetchone())
print(sqlite3.sqlite_version, sorted({3, 1, 2}), f"{1/3:.10f}", float("nan") != float("nan"))
"""

FILES = {"words.txt": WORDS, "script.lua": LUA_SCRIPT, "fruit.sql": SQL,
         "stdlib.py": PY_STDLIB,
         "numbers.txt": "".join(f"{(i * 7919) % 1000}\n" for i in range(200))}

# id -> (argv, stdin): argv[0] is the program's path inside the sysroot
CASES = {
    # coreutils
    "ls": (["/bin/ls", "-a", "."], None),
    "ls-l": (["/bin/ls", "-l", "--time-style=+%s", "words.txt", "numbers.txt"], None),
    "sort": (["/usr/bin/sort", "-k2,2nr", "words.txt"], None),
    "sort-n-u": (["/usr/bin/sort", "-n", "-u", "numbers.txt"], None),
    "sha256sum": (["/usr/bin/sha256sum", "words.txt", "numbers.txt"], None),
    "date": (["/bin/date", "-u", "-d", "@1234567890", "+%Y-%m-%d %H:%M:%S %A %j %s"], None),
    "wc": (["/usr/bin/wc", "words.txt", "numbers.txt"], None),
    "missing-file": (["/bin/cat", "no-such-file"], None),
    # gzip
    "gzip": (["/bin/gzip", "-9", "-n", "-c"], WORDS.encode() * 50),
    # grep
    "grep-E": (["/bin/grep", "-E", "-n", "ro+t|^(fig|kiwi)", "words.txt"], None),
    "grep-c-i": (["/bin/grep", "-c", "-i", "A", "words.txt"], None),
    "grep-P": (["/bin/grep", "-P", r"^\w+a\s\d{2}$", "words.txt"], None),
    "grep-nomatch": (["/bin/grep", "zzz", "words.txt"], None),
    # sed
    "sed-s": (["/bin/sed", "-E", "s/([a-z])([a-z]*) ([0-9]+)/\\3:\\2\\1/", "words.txt"], None),
    "sed-n": (["/bin/sed", "-n", "/^[a-f]/{s/a/A/gp}", "words.txt"], None),
    # gawk
    "gawk-fields": (["/usr/bin/gawk", "{s += $2; n[length($1)]++} END {print s, NR; "
                     "for (k in n) print k, n[k] | \"sort -n\"}", "words.txt"], None),
    "gawk-float": (["/usr/bin/gawk", "BEGIN {printf \"%.6f %e %d %s\\n\", atan2(0, -1), "
                    "exp(10), 2^31, 1/3; print sqrt(2), int(-3.7), 0.1 + 0.2}"], None),
    "gawk-funcs": (["/usr/bin/gawk", "{print toupper(substr($1, 1, 3)), gensub(/(a+)/, "
                    "\"<\\\\1>\", \"g\", $1), sprintf(\"%05.1f\", $2 / 3)}", "words.txt"], None),
    # sqlite3
    "sqlite3": (["/usr/bin/sqlite3", ":memory:"], SQL.encode()),
    "sqlite3-version": (["/usr/bin/sqlite3", "-version"], None),
    # lua
    "lua5.4": (["/usr/bin/lua5.4", "script.lua"], None),
    "lua5.4-e": (["/usr/bin/lua5.4", "-e", "print(_VERSION, 1e308 * 10, -7 // 2, 3 | 5)"], None),
    # python
    "python3.11-stdlib": (["/usr/bin/python3.11", "stdlib.py"], None),
}


@pytest.fixture(scope="module")
def sysroot():
    try:
        return ensure_sysroot()
    except Unavailable as e:
        pytest.skip(str(e))


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("dyn")
    for name, text in FILES.items():
        (d / name).write_text(text)
    return d


@pytest.mark.parametrize("case", list(CASES))
def test_same_as_qemu(sysroot, workdir, case):
    argv, stdin = CASES[case]
    ref, got = run_both(sysroot, argv, stdin=stdin, cwd=workdir)
    assert ref.returncode in (0, 1, 2), f"reference run failed: {ref}"
    assert got == ref, explain(ref, got)


def test_gzip_roundtrip(sysroot, workdir):
    """pyqemu's gzip output is what qemu-arm's gunzip reads back, and vice versa."""
    data = WORDS.encode() * 20
    ref_z, got_z = run_both(sysroot, ["/bin/gzip", "-c", "-n"], stdin=data, cwd=workdir)
    assert got_z == ref_z, explain(ref_z, got_z)
    ref, got = run_both(sysroot, ["/bin/gzip", "-d", "-c"], stdin=got_z.stdout, cwd=workdir)
    assert got == ref and got.stdout == data, explain(ref, got)


def test_python_sees_sysroot_prefix(sysroot, workdir):
    """Python finds its standard library (and .pyc files) through the sysroot."""
    code = "import os, sys; print(sys.prefix, os.__file__.endswith('os.py'), sys.path[-1])"
    ref, got = run_both(sysroot, ["/usr/bin/python3.11", "-S", "-c", code], cwd=workdir)
    assert got == ref, explain(ref, got)
    assert got.returncode == 0
