"""A progress bar on stderr, when stderr is a terminal, for the caseload commands."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from wtguidance.cli._context import CliContext

__all__ = ["progress"]

T = TypeVar("T")


def progress(
    items: Iterable[T], ctx: CliContext, *, total: int | None, position: Callable[[], int]
) -> Iterator[T]:
    """``items`` unchanged, with a progress bar on stderr when stderr is a terminal."""
    if not getattr(ctx.stderr, "isatty", lambda: False)():
        yield from items
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(file=ctx.stderr, no_color="NO_COLOR" in os.environ)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[n]}"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("evaluating", total=total, n="0 records")
        for count, item in enumerate(items, 1):
            if count % 16 == 0:
                bar.update(task, completed=position(), n=f"{count} records")
            yield item
