"""pytest plugin for test suites that run ARM guest programs under pyqemu-arm.

Installed with pyqemu (entry point ``pytest11: pyqemu``), or loaded by hand
with ``-p usermode.pytest_plugin`` / ``pytest_plugins = ["usermode.pytest_plugin"]``.

Fixture ``pyqemu``: a ``GuestRunner`` whose ``run(argv, **options)`` is
:func:`usermode.api.run` with the suite's defaults filled in, and whose
``check(argv, stdout=..., returncode=0, **options)`` also asserts the outcome
with a readable message.

Settings (command line, then ini file, then environment):

    --pyqemu-ld-prefix PATH   ini pyqemu_ld_prefix   env QEMU_LD_PREFIX   the ARM sysroot (-L)
    --pyqemu-timeout SECONDS  ini pyqemu_timeout                          per run (default 600)

Usage (a test file)::

    def test_hello(pyqemu):
        r = pyqemu.run(["build/hello", "world"])
        assert r.returncode == 0 and r.stdout == b"hello world\\n"

    def test_sort(pyqemu):
        pyqemu.check(["build/sort"], input=b"b\\na\\n", stdout=b"a\\nb\\n")
"""
from __future__ import annotations

import os
from typing import Optional, Sequence

import pytest

DEFAULT_TIMEOUT = 600.0
# setting -> (command-line option, ini name, environment variable, help)
SETTINGS = {
    "ld_prefix": ("--pyqemu-ld-prefix", "pyqemu_ld_prefix", "QEMU_LD_PREFIX",
                  "ARM system root for guest programs (pyqemu-arm -L)"),
    "timeout": ("--pyqemu-timeout", "pyqemu_timeout", None,
                f"seconds per guest run (default {DEFAULT_TIMEOUT:g})"),
}


class GuestRunner:
    """What the ``pyqemu`` fixture gives: runs guests with the suite's defaults."""

    def __init__(self, ld_prefix: Optional[str] = None, timeout: float = DEFAULT_TIMEOUT):
        self.ld_prefix = ld_prefix
        self.timeout = timeout

    def _options(self, options: dict) -> dict:
        options.setdefault("ld_prefix", self.ld_prefix)
        options.setdefault("timeout", self.timeout)
        return options

    def run(self, argv: Sequence, **options):
        """usermode.api.run(argv, ...) with ld_prefix and timeout defaulted."""
        from .api import run
        return run(argv, **self._options(options))

    def command(self, argv: Sequence, **options):
        """The host argv that runs the guest (for Popen or another harness)."""
        from .api import command
        if self.ld_prefix is not None:
            options.setdefault("ld_prefix", self.ld_prefix)
        return command(argv, **options)

    def check(self, argv: Sequence, stdout=None, stderr=None, returncode: int = 0, **options):
        """Run and assert the exit status (and stdout/stderr when given)."""
        r = self.run(argv, **options)
        shown = f"guest {list(map(str, argv))}: status {r.returncode}\nstderr: {r.stderr!r}"
        assert r.returncode == returncode, shown
        if stdout is not None:
            assert r.stdout == stdout, f"{shown}\nstdout: {r.stdout!r}\nexpected: {stdout!r}"
        if stderr is not None:
            assert r.stderr == stderr, f"{shown}\nexpected stderr: {stderr!r}"
        return r


def pytest_addoption(parser):
    group = parser.getgroup("pyqemu", "ARM guest programs under pyqemu-arm")
    for key, (option, ini, _env, text) in SETTINGS.items():
        group.addoption(option, dest=f"pyqemu_{key}", default=None, help=text)
        parser.addini(ini, text, default=None)


def setting(config, key: str) -> Optional[str]:
    option, ini, env, _ = SETTINGS[key]
    value = config.getoption(f"pyqemu_{key}")
    if value is None:
        value = config.getini(ini) or None
    if value is None and env:
        value = os.environ.get(env) or None
    return value


@pytest.fixture
def pyqemu(request) -> GuestRunner:
    config = request.config
    timeout = setting(config, "timeout")
    try:
        seconds = float(timeout) if timeout is not None else DEFAULT_TIMEOUT
    except ValueError:
        raise pytest.UsageError(f"--pyqemu-timeout: not a number: {timeout!r}") from None
    return GuestRunner(setting(config, "ld_prefix"), seconds)
