"""Where a command's output goes: stdout, or ``--out FILE``, written so no input is destroyed.

Every command that writes a report writes it through :func:`open_out` (DESIGN §14):

- ``--out`` that resolves to one of the command's inputs (the same file, reached by the same
  name, a relative path, a symbolic link or a hard link) is refused before anything is read;
- a regular file (or a new one) is written to a new file with a unique name in the same
  folder, created with ``O_CREAT | O_EXCL | O_NOFOLLOW`` (so a planted file or symbolic link
  of that name is never opened), and renamed over ``FILE`` only when the report is complete;
  on any failure it is removed and ``FILE`` is left as it was. Two runs writing the same
  ``FILE`` each write their own temporary file: the last to finish wins, whole;
- a device, a pipe or a terminal (``/dev/null``, a FIFO) is written in place, never replaced;
- a failed write — a full disk, a closed pipe, no permission — is one line naming the output
  (``error[cannot-write]``), exit 2, never a traceback. The same holds for stdout.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

# the write guard and the input check have modules of their own; handed on from here
from wtguidance.cli._guard import STDOUT, Streams, cannot_write, guarded
from wtguidance.cli._refuse import check_out, inputs_below, refuse_inputs
from wtguidance.errors import SourceLocation, UsageError

__all__ = ["STDOUT", "Streams", "cannot_write", "check_out", "guarded", "open_out", "refuse_inputs"]

_ATTEMPTS = 100  # unique names tried before giving up (each is 64 random bits)
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


@contextlib.contextmanager
def open_out(
    path: str | None, ctx: Streams, inputs: Iterable[str | None] = ()
) -> Iterator[IO[str]]:
    """``--out PATH`` (or stdout when ``None``) as a text stream; see the module docstring."""
    if path is None:
        yield guarded(ctx.stdout)
        return
    if not path:
        raise UsageError("--out: the output file name is empty", code="cannot-write")
    refuse_inputs(path, inputs_below(inputs), ctx)
    target = Path(path)
    try:
        special = target.exists() and not target.is_file()
    except OSError as exc:
        raise cannot_write(path, exc) from None
    if special:
        if target.is_dir():
            raise UsageError(
                "is a directory; give a file name",
                code="cannot-write",
                location=SourceLocation(path=path),
            )
        try:
            device: IO[str] = target.open("w", encoding="utf-8", newline="")
        except OSError as exc:
            raise cannot_write(path, exc) from None
        with _closing(device, path) as stream:
            yield stream
        return
    fd, partial = _create_unique(target)
    try:
        handle = _text(fd)
        with _closing(handle, path) as stream:
            yield stream
        try:
            os.replace(partial, target)
        except OSError as exc:
            raise cannot_write(path, exc) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(partial)


def _text(fd: int) -> IO[str]:
    """The temporary file's descriptor as a UTF-8 text stream (tests replace this)."""
    return open(fd, "w", encoding="utf-8", newline="", closefd=True)


@contextlib.contextmanager
def _closing(handle: IO[str], shown: str) -> Iterator[IO[str]]:
    """``handle`` guarded; its final flush and close are checked too (a full disk shows there)."""
    try:
        yield guarded(handle, shown)
        try:
            handle.flush()
        except OSError as exc:
            raise cannot_write(shown, exc) from None
    finally:
        with contextlib.suppress(OSError):
            handle.close()


def _create_unique(target: Path) -> tuple[int, Path]:
    """A new, empty, uniquely named file beside ``target``: its descriptor and path.

    ``O_EXCL`` makes the name ours alone (an existing file or link of that name fails the
    call instead of being opened); ``O_NOFOLLOW`` also refuses a link. The mode is 0666 less
    the umask, as for any file the command creates; an existing report keeps its own mode.
    """
    folder = target.parent
    if not folder.is_dir():
        raise UsageError(
            f"cannot write: the folder {str(folder)!r} does not exist",
            code="cannot-write",
            location=SourceLocation(path=str(target)),
        )
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NO_FOLLOW | _CLOEXEC
    for _ in range(_ATTEMPTS):
        partial = folder / f"{target.name}.{secrets.token_hex(8)}.partial"
        try:
            fd = os.open(partial, flags, 0o666)
        except FileExistsError:
            continue
        except OSError as exc:
            raise cannot_write(str(target), exc) from None
        with contextlib.suppress(OSError):
            existing = os.stat(target)
            if stat.S_ISREG(existing.st_mode):
                os.fchmod(fd, stat.S_IMODE(existing.st_mode))
        return fd, partial
    raise UsageError(  # pragma: no cover - 100 collisions of 64 random bits
        "cannot write: no unique temporary name could be made beside it",
        code="cannot-write",
        location=SourceLocation(path=str(target)),
    )
