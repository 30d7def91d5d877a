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
import errno
import io
import os
import secrets
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Protocol, TextIO, cast

from wtguidance.errors import SourceLocation, UsageError

__all__ = ["STDOUT", "Streams", "cannot_write", "check_out", "guarded", "open_out", "refuse_inputs"]

#: how stdout is named in messages
STDOUT = "<stdout>"
_ATTEMPTS = 100  # unique names tried before giving up (each is 64 random bits)
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


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


def _identity(path: str | os.PathLike[str]) -> tuple[int, int] | None:
    try:
        found = os.stat(path)  # follows links: a link to an input is that input
    except (OSError, ValueError):
        return None
    return found.st_dev, found.st_ino


def refuse_inputs(out: str, inputs: Iterable[str | None], ctx: Streams) -> None:
    """Refuse ``--out out`` when it is the same file as one of ``inputs`` (``-`` = stdin)."""
    target = _identity(out)
    if target is None:
        return
    for name in inputs:
        if name is None:
            continue
        if name == "-":
            try:
                found = os.fstat(ctx.stdin.fileno())
            except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
                continue
            same = (found.st_dev, found.st_ino) == target and stat.S_ISREG(found.st_mode)
            shown = "<stdin>"
        else:
            same = _identity(name) == target
            shown = name
        if same:
            raise UsageError(
                f"--out {out!r} is the input {shown!r}; writing the report there would destroy it",
                code="cannot-write",
                location=SourceLocation(path=out),
                hint="give --out a new file name",
            )


def _inputs_below(names: Iterable[str | None]) -> Iterator[str | None]:
    """The names, with a folder's entries added (an Annex A CSV folder is an input too)."""
    for name in names:
        yield name
        if name is not None and name != "-" and os.path.isdir(name):
            with contextlib.suppress(OSError):
                yield from (entry.path for entry in os.scandir(name))


def check_out(path: str | None, ctx: Streams, inputs: Iterable[str | None]) -> None:
    """Refuse ``--out path`` naming one of ``inputs`` now, before any input is read."""
    if path:
        refuse_inputs(path, _inputs_below(inputs), ctx)


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
    refuse_inputs(path, _inputs_below(inputs), ctx)
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
