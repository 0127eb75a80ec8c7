"""Shared pytest fixtures for the guest corpus (see tests/guestbuild.py).

Fixtures:

``guest_toolchain``
    session: skips (naming the missing tool) unless the ARM cross compiler and
    qemu-arm are installed.
``guest_builder``
    session: a function ``build(program, opt, isa) -> Path``. On first use it
    builds, in parallel, every variant that the collected tests ask for
    through ``guest_binary``, so a run compiles once rather than test by test.
``guest_binary``
    indirect-parametrised with a ``guestbuild.Variant`` (program, opt, isa):
    the built binary, a ``BuiltGuest`` that is os.PathLike (usable as a path)
    and also carries ``.variant`` and ``.case``.
``both_tiers``
    parametrised: the test runs twice, its pyqemu subprocesses first with
    the default translation tiers (blocks start quick, unoptimized), then
    with ``PYQEMU_HOT=0`` (every block optimized at once), so that a
    program run once still checks the optimizer.
``run_guest``
    the helper ``run_guest(runner, binary, args, stdin, env)`` ->
    ``(returncode, stdout, stderr)``; runner "qemu" (qemu-arm) or "pyqemu"
    (``python -m usermode``).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

import guestbuild


def pytest_configure(config):
    config.addinivalue_line("markers", "corpus: runs the guest test corpus (tests/guest/*.c)")


class BuiltGuest(os.PathLike):
    def __init__(self, path: Path, variant: guestbuild.Variant):
        self.path = path
        self.variant = variant
        self.case = variant.case

    def __fspath__(self) -> str:
        return str(self.path)

    def __repr__(self) -> str:
        return f"BuiltGuest({self.variant.id})"


@pytest.fixture(params=["quick", "optimized"])
def both_tiers(request, monkeypatch):
    if request.param == "optimized":
        monkeypatch.setenv("PYQEMU_HOT", "0")
    return request.param


@pytest.fixture(scope="session")
def guest_toolchain():
    reason = guestbuild.missing_tools(need_qemu=True)
    if reason:
        pytest.skip(reason)


def _wanted_variants(session) -> list:
    wanted = []
    for item in session.items:
        callspec = getattr(item, "callspec", None)
        if callspec is None:
            continue
        if isinstance(callspec.params.get("guest_binary"), guestbuild.Variant):
            wanted.append(callspec.params["guest_binary"])
        if callspec.params.get("program") in guestbuild.CASES:
            wanted.extend(guestbuild.variants([callspec.params["program"]]))
    return sorted(set(wanted))


@pytest.fixture(scope="session")
def guest_builder(request, guest_toolchain):
    prebuilt = {}
    wanted = _wanted_variants(request.session)
    if wanted:
        try:
            prebuilt.update(guestbuild.build(wanted))
        except guestbuild.BuildError:
            pass  # reported per test below, with the compiler's message

    def build(program: str, opt: str, isa: str) -> Path:
        v = guestbuild.Variant(program, opt, isa)
        if v not in prebuilt:
            prebuilt[v] = guestbuild.build([v])[v]
        return prebuilt[v]

    return build


@pytest.fixture
def guest_binary(request, guest_builder) -> BuiltGuest:
    v = request.param
    if not isinstance(v, guestbuild.Variant):
        v = guestbuild.Variant(*v)
    return BuiltGuest(guest_builder(v.program, v.opt, v.isa), v)


@pytest.fixture(scope="session")
def run_guest():
    return guestbuild.run_guest
