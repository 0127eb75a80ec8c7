"""Modules a typical run does not need are imported on first use (start-up
cost): each lazy path gives what the eager import gave.  Every check runs in
a fresh interpreter, so that nothing imported by other tests hides a module
that is not imported lazily."""
import json
import os
import subprocess
import sys
import textwrap

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def fresh(script: str, *args: str):
    """Run script in a new interpreter (this repo first on the path, the
    translation cache off); the JSON it prints last."""
    env = dict(os.environ, PYTHONPATH=REPO, PYQEMU_TCACHE="0")
    p = subprocess.run([sys.executable, "-c", textwrap.dedent(script), *args],
                       capture_output=True, text=True, cwd=REPO, env=env, timeout=300)
    assert p.returncode == 0, p.stderr[-3000:]
    return json.loads(p.stdout.strip().splitlines()[-1])


VEC_LOWERING = """
    import json, sys
    from usermode.translate.ir import IRBuilder
    from usermode.translate.x86 import codegen, vec
    if sys.argv[1] == "eager":
        from usermode.translate.x86 import vec_fp, vec_int  # noqa: F401
    before = sorted(m for m in ("vec_fp", "vec_int")
                    if "usermode.translate.x86." + m in sys.modules)
    cg = codegen.CodeGen(optimize=False)
    cg.set_epilogue(0x10000)
    b = IRBuilder()
    b.vop("add", 4, 256, 272, 288, n=16)        # vec_int
    b.vop("fabs", 4, 304, 256, n=16)            # vec_fp
    b.exit_tb(0)
    code = cg.gen_block(b.ops, b.ntemps, 0x20000, 0x30000).code
    table = sorted((k, f.__module__, f.__qualname__) for k, f in vec.VOP_INLINE.items())
    print(json.dumps([before, code.hex(), table]))
"""


def test_vector_lowerings_are_imported_on_the_first_vop():
    lazy_before, lazy_code, lazy_table = fresh(VEC_LOWERING, "lazy")
    eager_before, eager_code, eager_table = fresh(VEC_LOWERING, "eager")
    assert lazy_before == [] and eager_before == ["vec_fp", "vec_int"]
    assert lazy_code == eager_code
    assert lazy_table == eager_table
    assert {m for _, m, _ in lazy_table} == {"usermode.translate.x86.vec_fp",
                                               "usermode.translate.x86.vec_int"}


HELLO = os.path.join(REPO, "examples", "hello-arm")


def run_imports(program: str, **env):
    """Run program under pyqemu-arm (``-X importtime``): (exit status, its
    stdout, the modules the run imported)."""
    env = dict(os.environ, PYTHONPATH=REPO, **{"PYQEMU_TCACHE": "0", **env})
    p = subprocess.run([sys.executable, "-X", "importtime", "-m", "usermode", program],
                       capture_output=True, text=True, cwd=REPO, env=env, timeout=300)
    mods = {line.rsplit("|", 1)[1].strip() for line in p.stderr.splitlines()
            if line.startswith("import time:")}
    return p.returncode, p.stdout, mods


# imported on first use, which a short plain run never comes to
OPTIONAL_MODULES = {"usermode.translate.optimize",       # the first hot block
                    "usermode.translate.x86.vec_int",    # the first vop
                    "usermode.translate.x86.vec_fp",
                    "usermode.signals.frame",            # the first signal handler
                    "usermode.signals.altstack",
                    "usermode.signals.strace_sig"}       # -strace


def test_a_short_run_imports_no_optional_module():
    status, out, mods = run_imports(HELLO)
    assert status == 0 and "Hello" in out
    assert "usermode.translate.x86.codegen" in mods
    assert not OPTIONAL_MODULES & mods, sorted(OPTIONAL_MODULES & mods)


def test_a_first_run_with_the_translation_cache_imports_no_shutil(tmp_path):
    """A new cache version directory with no older ones to remove: shutil
    (with re, bz2, lzma...) is not imported."""
    status, out, mods = run_imports(HELLO, PYQEMU_TCACHE="1", PYQEMU_TCACHE_DIR=str(tmp_path))
    assert status == 0 and "Hello" in out and any(tmp_path.iterdir())
    assert "shutil" not in mods


def test_the_optimizer_is_imported_with_the_first_hot_block():
    """A short run optimizes no block (all stay quick), so optimize.py is not
    loaded; when blocks become hot it is, and the guest runs the same."""
    status, out, mods = run_imports(HELLO)
    assert "usermode.translate.optimize" not in mods
    hot = run_imports(HELLO, PYQEMU_HOT="1")        # every block hot on its first entry
    assert hot[:2] == (status, out)
    assert "usermode.translate.optimize" in hot[2]


SYSCALL_ROWS = """
    import json
    from usermode.syscalls import arm_table, lookup
    before = "SYSCALLS" in vars(arm_table)
    write = lookup(4)
    made = sorted(arm_table._ROWS)                  # rows made by the lookup: write's
    table = arm_table.SYSCALLS
    # every other row: lookup() resolves its handler, in the table's row too
    differing = [nr for nr, row in list(table.items())
                 if lookup(nr) is not table[nr] or row.handler.__class__ is not arm_table._Handler
                 or (row.nr, row.name, row.args, row.result)
                 != (nr, table[nr].name, table[nr].args, table[nr].result)]
    print(json.dumps([before, made, table[4] is write, len(table), len(arm_table.TABLE),
                      differing]))
"""


def test_syscall_rows_are_made_as_calls_are_looked_up():
    before, made, same, n, entries, differing = fresh(SYSCALL_ROWS)
    assert not before and made == [4] and same
    assert n == entries > 250 and differing == [4]     # write's row was resolved already


ASSEMBLER_FORMS = """
    import json
    from usermode.translate.x86 import encoder as E, fp_encoder as F, vec_encoder as V
    tables = (E.FORMS, F.FP_FORMS, V.VEC_FORMS)
    names = [n for t in tables for n in t]
    eager = sorted(n for n in names if type(vars(E.Assembler)[n]) is not E._LazyMethod
                   or vars(E.Assembler)[n] != n)
    a = E.Assembler()
    a.ADD_rr(E.RAX, E.R9)                   # instance access builds the form
    a.ADDSS_xx(1, 2)
    a.PADDB_xm(3, E.mem(E.RBP, 64))
    same = a.buf == E.FORMS["ADD_rr"](E.RAX, E.R9) + F.ADDSS_xx(1, 2) + V.PADDB_xm(3, E.mem(E.RBP, 64))
    cls = E.Assembler.SUB_ri                # class access too
    built = [n for n in ("ADD_rr", "ADDSS_xx", "PADDB_xm", "SUB_ri")
             if callable(vars(E.Assembler)[n]) and type(vars(E.Assembler)[n]) is not E._LazyMethod]
    print(json.dumps([len(names), eager, same, callable(cls), built]))
"""


def test_forms_are_lazy_assembler_methods_until_first_use():
    n, eager, same, cls_callable, built = fresh(ASSEMBLER_FORMS)
    # built at import: the forms MOV_ri and CALL_r (Assembler's own) use
    assert n > 500 and eager == ["CALL_r", "MOV32_ri", "MOV_ri", "MOV_ri32s", "MOV_ri64"]
    assert same and cls_callable
    assert built == ["ADD_rr", "ADDSS_xx", "PADDB_xm", "SUB_ri"]


def test_vector_lowerings_all_load_after_one_module_was_imported():
    # a caller that imported vec_int alone still gets vec_fp's lowerings
    script = VEC_LOWERING.replace('if sys.argv[1] == "eager":', 'if sys.argv[1] == "int":')
    script = script.replace("import vec_fp, vec_int", "import vec_int")
    before, code, table = fresh(script, "int")
    assert before == ["vec_int"]
    assert (code, table) == tuple(fresh(VEC_LOWERING, "eager")[1:])
