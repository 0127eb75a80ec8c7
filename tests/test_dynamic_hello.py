"""Dynamically linked programs against the cross toolchain's own sysroot.

Programs are built WITHOUT -static by arm-linux-gnueabihf-gcc/g++ and run with
``-L /usr/arm-linux-gnueabihf`` (glibc's ld.so and libraries from the
libc6-armhf-cross package) under pyqemu-arm and qemu-arm; both must agree.
The guest program checks the loader's work itself: AT_BASE is where ld.so
is mapped, AT_PHDR/AT_ENTRY belong to the (PIE) program, a dlopen()ed library
is mapped from its file (/proc/self/maps names it), C++ exceptions unwind
through libstdc++ and libgcc_s.

    python -m pytest tests/test_dynamic_hello.py
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import usermode
from usermode.api import command

# ---- tables -------------------------------------------------------------------

CROSS_ROOT = "/usr/arm-linux-gnueabihf"
CC, CXX = "arm-linux-gnueabihf-gcc", "arm-linux-gnueabihf-g++"
QEMU = os.environ.get("PYQEMU_QEMU_ARM", "qemu-arm")
ENV = {"PATH": "/usr/bin:/bin", "LC_ALL": "C"}
BUILD = Path(__file__).resolve().parent / "build" / "dynamic"

LIB_C = r"""
int pqdemo_answer(int x) { return x * 6; }
"""

INFO_C = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>

extern char _start[];
struct found { unsigned long ldso, prog; const void *phdr; };

static int visit(struct dl_phdr_info *info, size_t size, void *arg)
{
    struct found *f = arg;
    (void)size;
    if (info->dlpi_name == NULL || info->dlpi_name[0] == 0) {
        if (!f->phdr) { f->prog = info->dlpi_addr; f->phdr = info->dlpi_phdr; }
    } else if (strstr(info->dlpi_name, "ld-linux")) {
        f->ldso = info->dlpi_addr;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct found f = {0, 0, 0};
    dl_iterate_phdr(visit, &f);
    unsigned long base = getauxval(AT_BASE), entry = getauxval(AT_ENTRY);
    printf("argc=%d argv1=%s\n", argc, argc > 1 ? argv[1] : "-");
    printf("at_base_is_ldso=%d\n", base != 0 && base == f.ldso);
    printf("at_phdr_is_program=%d\n", getauxval(AT_PHDR) == (unsigned long)f.phdr);
    printf("at_entry_is_start=%d\n", (entry & ~1UL) == ((unsigned long)_start & ~1UL));
    printf("pie=%d\n", f.prog != 0);
    if (argc > 1 && strcmp(argv[1], "addresses") == 0) {
        printf("program=%#lx ldso=%#lx\n", f.prog, f.ldso);
        return 0;
    }
    if (argc > 2) {
        void *h = dlopen(argv[2], RTLD_NOW);
        if (!h) { printf("dlopen: %s\n", dlerror()); return 2; }
        int (*fn)(int) = (int (*)(int))dlsym(h, "pqdemo_answer");
        printf("answer=%d\n", fn ? fn(7) : -1);
        FILE *m = fopen("/proc/self/maps", "r");
        char line[512];
        int file_mapped = 0;
        while (m && fgets(line, sizeof line, m))
            if (strstr(line, "libpqdemo.so") && strstr(line, "r-x"))
                file_mapped = 1;
        printf("library_mapped_from_file=%d\n", file_mapped);
    }
    return 5;
}
"""

CXX_SRC = r"""
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>
static int depth(int n) { if (n == 0) throw std::runtime_error("bottom"); return depth(n - 1) + 1; }
int main() {
    std::map<std::string, int> m{{"b", 2}, {"a", 1}};
    std::vector<int> v;
    for (auto &kv : m) v.push_back(kv.second * 10);
    try { depth(20); } catch (const std::exception &e) { std::cout << "caught " << e.what() << "\n"; }
    std::cout << "sum " << v[0] + v[1] << " " << std::hex << 255 << std::endl;
    return 0;
}
"""

# name -> (compiler, source name, extra flags)
PROGRAMS = {
    "info-pie": (CC, "info.c", ["-O2", "-ldl"]),
    "info-nopie": (CC, "info.c", ["-O2", "-no-pie", "-ldl"]),
    "info-arm": (CC, "info.c", ["-O2", "-marm", "-ldl"]),
    "cxx": (CXX, "cxx.cc", ["-O2"]),
    # PT_INTERP names a dynamic linker that exists nowhere (neither in a sysroot nor on
    # the host, which may well have Debian's armhf libc6 installed)
    "info-nointerp": (CC, "info.c", ["-O2", "-ldl",
                                     "-Wl,--dynamic-linker=/lib/ld-pyqemu-nowhere.so.3"]),
}
SOURCES = {"info.c": INFO_C, "cxx.cc": CXX_SRC, "pqdemo.c": LIB_C}


def _missing() -> str:
    for tool in (CC, CXX, QEMU):
        if not shutil.which(tool):
            return f"{tool} not installed"
    if not os.path.exists(CROSS_ROOT + "/lib/ld-linux-armhf.so.3"):
        return f"no ARM glibc in {CROSS_ROOT} (libc6-armhf-cross)"
    return ""


@pytest.fixture(scope="module")
def built():
    why = _missing()
    if why:
        pytest.skip(why)
    BUILD.mkdir(parents=True, exist_ok=True)
    for name, text in SOURCES.items():
        p = BUILD / name
        if not p.exists() or p.read_text() != text:
            p.write_text(text)
    out = {}
    lib = BUILD / "libpqdemo.so.1"
    subprocess.run([CC, "-shared", "-fPIC", "-O2", "-Wl,-soname,libpqdemo.so.1",
                    str(BUILD / "pqdemo.c"), "-o", str(lib)], check=True)
    out["lib"] = lib
    for name, (cc, src, flags) in PROGRAMS.items():
        exe = BUILD / name
        subprocess.run([cc, str(BUILD / src), "-o", str(exe), *flags], check=True)
        out[name] = exe
    return out


def both(argv, **kw):
    ref = subprocess.run([QEMU, "-L", CROSS_ROOT, *map(str, argv)], capture_output=True,
                         env=ENV, timeout=120, **kw)
    got = usermode.run(argv, ld_prefix=CROSS_ROOT, env=ENV, timeout=300, **kw)
    return ref, got


def same(ref, got):
    assert (got.returncode, got.stdout, got.stderr) == (ref.returncode, ref.stdout, ref.stderr)


@pytest.mark.parametrize("prog", ["info-pie", "info-nopie", "info-arm"])
def test_loader_facts_as_qemu(built, prog):
    ref, got = both([built[prog], "x", built["lib"]])
    same(ref, got)
    assert got.returncode == 5
    text = got.stdout.decode()
    for fact in ("at_base_is_ldso=1", "at_phdr_is_program=1", "at_entry_is_start=1",
                 "answer=42", "library_mapped_from_file=1"):
        assert fact in text, text
    assert ("pie=1" in text) == (prog != "info-nopie")


def test_layout_bases(built):
    """PIE programs at the kernel's ELF_ET_DYN_BASE, ld.so at INTERP_BASE (layout.py)."""
    from usermode.loader.layout import INTERP_BASE, PIE_BASE
    for prog, base in (("info-pie", PIE_BASE), ("info-nopie", 0)):
        r = usermode.run([built[prog], "addresses"], ld_prefix=CROSS_ROOT, env=ENV,
                         timeout=300, text=True)
        assert r.returncode == 0, r.stderr
        assert f"program={base:#x} ldso={INTERP_BASE:#x}" in r.stdout.replace("=0 ", "=0x0 ")


def test_cxx_exceptions_and_libstdcxx(built):
    ref, got = both([built["cxx"]])
    same(ref, got)
    assert got.stdout == b"caught bottom\nsum 30 ff\n"


def test_ld_prefix_from_environment(built):
    """QEMU_LD_PREFIX does what -L does."""
    env = dict(ENV, QEMU_LD_PREFIX=CROSS_ROOT)
    r = subprocess.run(command([built["info-pie"], "env"]), capture_output=True, env=env,
                       timeout=300)
    assert r.returncode == 5 and b"argv1=env" in r.stdout and b"at_base_is_ldso=1" in r.stdout


def test_ldso_run_directly(built):
    """ld.so as the program (no PT_INTERP): it loads the real program itself."""
    ref, got = both([CROSS_ROOT + "/lib/ld-linux-armhf.so.3", built["info-pie"], "direct"])
    same(ref, got)
    assert b"argv1=direct" in got.stdout


@pytest.mark.parametrize("ld_prefix", [None, CROSS_ROOT])
def test_missing_interpreter_is_one_line(built, ld_prefix):
    """A dynamic linker found neither under -L nor on the host: one pyqemu-arm: line."""
    r = usermode.run([built["info-nointerp"]], env=ENV, text=True, timeout=120,
                     ld_prefix=ld_prefix)
    assert r.returncode != 0 and r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("pyqemu-arm: "), r.stderr
    assert "/lib/ld-pyqemu-nowhere.so.3" in lines[0], lines[0]
    assert (ld_prefix or "-L") in lines[0], lines[0]      # where it looked, or the hint
