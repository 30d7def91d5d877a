"""Writes that fail as one line: a full disk, a closed pipe or no permission names the output
(``error[cannot-write]``), exit 2, never a traceback (DESIGN §14). Used for stdout and for
every ``--out`` file (``cli/_output.py``)."""

from __future__ import annotations

import errno
import io
import os
from typing import IO, Protocol, TextIO, cast

from wtguidance.errors import SourceLocation, UsageError

__all__ = ["STDOUT", "Streams", "cannot_write", "guarded"]

#: how stdout is named in messages
STDOUT = "<stdout>"


class Streams(Protocol):
    """What :func:`open_out` needs of a command's context (``CliContext`` has both)."""

    @property
    def stdout(self) -> TextIO: ...

    @property
    def stdin(self) -> TextIO: ...


def cannot_write(shown: str, exc: OSError) -> UsageError:
    """The one-line error for a failed write to ``shown`` (a file name or ``<stdout>``)."""
    reason = exc.strerror or os.strerror(exc.errno or errno.EIO)
    hint = None
    if exc.errno in {errno.ENOSPC, errno.EDQUOT}:
        hint = "free some space, or write the report somewhere else with --out"
    return UsageError(
        f"cannot write ({reason})",
        code="cannot-write",
        location=SourceLocation(path=shown),
        hint=hint,
    )


class _Guarded(io.TextIOBase):
    """A text stream whose failed writes are :func:`cannot_write` errors naming ``shown``."""

    def __init__(self, stream: IO[str], shown: str) -> None:
        super().__init__()
        self._stream = stream
        self._shown = shown

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as exc:
            raise cannot_write(self._shown, exc) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as exc:
            raise cannot_write(self._shown, exc) from None

    def isatty(self) -> bool:
        return bool(getattr(self._stream, "isatty", lambda: False)())

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._stream, "encoding", None) or "utf-8"

    def writable(self) -> bool:
        return True


def guarded(stream: IO[str], shown: str = STDOUT) -> IO[str]:
    """``stream`` with failed writes turned into one-line ``cannot-write`` errors."""
    return cast("IO[str]", _Guarded(stream, shown))
