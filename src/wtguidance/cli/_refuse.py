"""``--out`` never names an input: the same file by any name, link or folder entry is refused
before anything is read (DESIGN §14)."""

from __future__ import annotations

import contextlib
import io
import os
import stat
from collections.abc import Iterable, Iterator

from wtguidance.cli._guard import Streams
from wtguidance.errors import SourceLocation, UsageError

__all__ = ["check_out", "inputs_below", "refuse_inputs"]


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


def inputs_below(names: Iterable[str | None]) -> Iterator[str | None]:
    """The names, with a folder's entries added (an Annex A CSV folder is an input too)."""
    for name in names:
        yield name
        if name is not None and name != "-" and os.path.isdir(name):
            with contextlib.suppress(OSError):
                yield from (entry.path for entry in os.scandir(name))


def check_out(path: str | None, ctx: Streams, inputs: Iterable[str | None]) -> None:
    """Refuse ``--out path`` naming one of ``inputs`` now, before any input is read."""
    if path:
        refuse_inputs(path, inputs_below(inputs), ctx)
