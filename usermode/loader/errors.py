"""The one exception the loader raises for bad input.

Every problem with the guest program (missing file, not ELF, truncated,
wrong architecture, unloadable layout...) becomes a ``LoaderError`` whose
message is a complete one-line explanation; the CLI prints it as
``pyqemu-arm: <message>`` and exits non-zero.

Usage::

    from usermode.loader.errors import LoaderError
    try:
        load_program(proc)
    except LoaderError as e:
        print(f"pyqemu-arm: {e}", file=sys.stderr); sys.exit(1)
"""
from __future__ import annotations

TYPE_CHECKING = False           # typing only for annotations: importing it costs start-up time
if TYPE_CHECKING:
    from typing import Optional


class LoaderError(Exception):
    """A guest program that cannot be loaded; str(e) is the one-line message."""

    def __init__(self, message: str, path: Optional[str] = None):
        super().__init__(message)
        self.message = message
        self.path = path          # the file concerned, when there is one

    def __str__(self) -> str:
        return self.message
