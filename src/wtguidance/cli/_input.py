"""Reading a command's input file (or ``-`` for stdin): bounded, UTF-8, located errors."""

from __future__ import annotations

import os
from typing import IO, Any, Protocol, cast

from wtguidance.errors import SourceLocation, UsageError

__all__ = ["read_text"]

_CHUNK = 1 << 20  # bytes read at a time from an input


class Stdin(Protocol):
    """What reading needs of a command's context: stdin, and what has read it already."""

    @property
    def stdin(self) -> IO[str]: ...

    stdin_read_by: str | None


# --- reading inputs ------------------------------------------------------------------------------
def read_text(
    name: str, ctx: Stdin, what: str = "file", *, max_bytes: int | None = None
) -> tuple[str, str]:
    """Read a UTF-8 file (or stdin for ``-``); return (text, name shown in messages).

    At most ``max_bytes`` are read: a larger input (``/dev/zero``, a 5 GB file) is refused
    without reading the rest. A leading byte-order mark is dropped.
    """
    if not name:
        raise UsageError(f"the {what} name is empty", code="missing-file")
    if name == "-":
        if ctx.stdin_read_by is not None:
            raise UsageError(
                f"stdin ('-') was already read as the {ctx.stdin_read_by}; it can be read "
                f"only once, so give the {what} as a file",
                code="usage",
            )
        ctx.stdin_read_by = what
        return _decode(_read_stream(ctx.stdin, max_bytes, "<stdin>", what), "<stdin>"), "<stdin>"
    try:
        with open(name, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if max_bytes is not None and size > max_bytes:
                raise _too_large(name, what, max_bytes)
            data = _read_stream(handle, max_bytes, name, what)
    except FileNotFoundError:
        raise _unreadable(name, f"no such {what}") from None
    except IsADirectoryError:
        raise _unreadable(name, f"is a directory, expected a {what}") from None
    except OSError as exc:
        raise _unreadable(name, f"cannot read the {what} ({exc.strerror})") from None
    return _decode(data, name), name


def _read_stream(stream: IO[Any], max_bytes: int | None, shown: str, what: str) -> bytes:
    """Up to ``max_bytes`` bytes from a binary or text stream; more is an error."""
    limit = -1 if max_bytes is None else max_bytes + 1
    binary = cast("IO[bytes] | None", getattr(stream, "buffer", None))
    if binary is not None or "b" in getattr(stream, "mode", ""):
        data = _read_up_to(binary or stream, limit)
    else:  # an in-memory text stream (tests): count characters, then bytes
        data = cast("str", stream.read(limit)).encode("utf-8", "surrogatepass")
    if max_bytes is not None and len(data) > max_bytes:
        raise _too_large(shown, what, max_bytes)
    return data


def _read_up_to(stream: IO[Any], limit: int) -> bytes:
    """At most ``limit`` bytes (all when negative), read in chunks.

    ``read(limit)`` would allocate a buffer of ``limit`` bytes before reading one: with a
    limit of a terabyte that is a ``MemoryError`` on a 2 KB file.
    """
    if limit < 0:
        return cast("bytes", stream.read())
    parts: list[bytes] = []
    left = limit
    while left > 0:
        chunk = cast("bytes", stream.read(min(left, _CHUNK)))
        if not chunk:
            break
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def _unreadable(shown: str, message: str) -> UsageError:
    return UsageError(message, code="missing-file", location=SourceLocation(path=shown))


def _too_large(shown: str, what: str, max_bytes: int) -> UsageError:
    return UsageError(
        f"the {what} is larger than {max_bytes:,} bytes",
        code="input-too-large",
        location=SourceLocation(path=shown),
        hint="raise the limit with --max-bytes or WTGUIDANCE_MAX_BYTES if this is intended",
    )


def _decode(data: bytes, shown: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise UsageError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}: {exc.reason})",
            code="invalid-input",
            location=SourceLocation(path=shown, line=line, column=column),
            hint="save the file as UTF-8",
        ) from None
    return text.removeprefix("\ufeff")
