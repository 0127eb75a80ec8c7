"""The guest corpus (tests/guest/*.c) under qemu-arm and under pyqemu.

Every program is built in 6 variants (-O0/-O2/-Os x ARM/Thumb-2) with Debian's
arm-linux-gnueabihf-gcc -static; see tests/guestbuild.py for the build, the run
helpers and the table (CASES) of arguments, stdin, environment and expected
exit status of each program.

* test_qemu_selfcheck: the reference run alone. qemu-arm must report the
  program's expected status (0 after all its self-checks passed; 42, 3 or
  SIGSEGV for the programs made to end that way) with no FAIL line — so a
  broken corpus program cannot make the differential test pass vacuously.
* test_variants_agree: under qemu-arm all 6 variants of a program print the
  same stdout (a program whose output depends on the optimisation level has
  undefined behaviour and would make a poor oracle).
* test_differential: pyqemu against qemu-arm on the same binary with the same
  arguments, stdin and environment: identical exit status and stdout, and
  identical stderr except for programs killed by a signal (qemu-arm prints its
  own "uncaught target signal" line there). A run longer than
  PYQEMU_TEST_TIMEOUT seconds (default 60) fails.

Run:  python -m pytest tests/test_corpus.py            (all)
      python -m pytest tests/test_corpus.py -k qemu    (the reference side only)
      python -m pytest tests/test_corpus.py -k "differential and arith"
"""
import pytest

import guestbuild

pytestmark = pytest.mark.corpus

VARIANTS = guestbuild.variants()
IDS = [v.id for v in VARIANTS]


def _reference(guest_binary):
    try:
        return guestbuild.reference_result(guest_binary.variant, guest_binary.path)
    except guestbuild.GuestTimeout as e:
        pytest.fail(f"qemu-arm: {e}")


@pytest.mark.parametrize("guest_binary", VARIANTS, ids=IDS, indirect=True)
def test_qemu_selfcheck(guest_binary):
    ref = _reference(guest_binary)
    problems = guestbuild.selfcheck_problems(guest_binary.case, ref)
    assert not problems, (f"{guest_binary.variant.id} under qemu-arm: " + "; ".join(problems)
                          + "\n" + guestbuild.show(ref))


@pytest.mark.parametrize("program", guestbuild.programs())
def test_variants_agree(program, guest_builder):
    outputs = {}
    for v in guestbuild.variants([program]):
        path = guest_builder(*v)
        try:
            outputs[v.id] = guestbuild.reference_result(v, path).stdout
        except guestbuild.GuestTimeout as e:
            pytest.fail(f"qemu-arm: {e}")
    first_id, first = next(iter(outputs.items()))
    for vid, out in outputs.items():
        assert out == first, (f"{vid} prints different stdout from {first_id}:\n"
                              + guestbuild._first_difference(first, out))


@pytest.mark.parametrize("guest_binary", VARIANTS, ids=IDS, indirect=True)
def test_differential(guest_binary):
    case = guest_binary.case
    ref = _reference(guest_binary)
    problems = guestbuild.selfcheck_problems(case, ref)
    assert not problems, "the reference run itself is wrong: " + "; ".join(problems)
    try:
        got = guestbuild.run_case("pyqemu", guest_binary.path, case)
    except guestbuild.GuestTimeout as e:
        pytest.fail(f"pyqemu: {e}\n--- partial stdout ---\n"
                    + e.stdout.decode("utf-8", "replace")[-2000:]
                    + "\n--- partial stderr ---\n" + e.stderr.decode("utf-8", "replace")[-2000:])
    diffs = guestbuild.differences(ref, got, case.compare_stderr)
    assert not diffs, ("\n".join(diffs) + "\n\n=== qemu-arm ===\n" + guestbuild.show(ref)
                       + "\n\n=== pyqemu ===\n" + guestbuild.show(got))
