"""What the caseload commands share: options, the output stream, the progress bar, extras."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from wtguidance.cli._context import CliContext, parse_date, whole_number
from wtguidance.cli._output import open_out
from wtguidance.cli._progress import progress

if TYPE_CHECKING:
    import datetime as dt

    from wtguidance.caseload import CaseloadSummary
    from wtguidance.overlay import Overlay

__all__ = [
    "add_run_options",
    "file_size",
    "need_matplotlib",
    "progress",
    "run_options",
    "run_protocol",
    "write_report",
]

T = TypeVar("T")

#: the largest ``--jobs`` accepted; any value up to it is capped at 4 processes per CPU
MAX_JOBS = 1024


def add_run_options(parser: argparse.ArgumentParser, *, as_of_required: bool) -> None:
    parser.add_argument(
        "--as-of", required=as_of_required, help="judge every case as of this date (YYYY-MM-DD)"
    )
    parser.add_argument("--edition", default="auto", help="edition id, or auto (default)")
    parser.add_argument("--out", help="write the report to this file instead of stdout")
    parser.add_argument(
        "--protocol",
        metavar="FILE",
        help="judge every case under this local protocol (YAML), as evaluate --protocol does; "
        "an invalid one is refused before any record is read",
    )
    parser.add_argument(
        "--jobs",
        default=1,
        type=whole_number("--jobs", 1, MAX_JOBS),
        help="evaluate on N processes, at most 4 per CPU (same output as 1; default 1)",
    )


def run_options(args: argparse.Namespace) -> tuple[dt.date, str, int]:
    """The checked ``--as-of``, ``--edition`` and ``--jobs`` values."""
    import datetime as dt

    from wtguidance.editions import shipped_editions

    as_of = parse_date(args.as_of, "--as-of") if args.as_of else dt.date.today()
    if args.edition != "auto":
        shipped_editions().get(args.edition)  # unknown edition → exit 2 naming the known ones
    jobs: int = args.jobs
    return as_of, args.edition, min(jobs, max(os.cpu_count() or 1, 1) * 4)


def run_protocol(args: argparse.Namespace, ctx: CliContext) -> Overlay | None:
    """The ``--protocol`` overlay, validated (invalid: exit 2 with its ``file:line:col``)."""
    if args.protocol is None:
        return None
    from wtguidance.cli.protocol import overlay_from_file
    from wtguidance.editions import shipped_editions

    return overlay_from_file(args.protocol, ctx, shipped_editions())


def need_matplotlib() -> None:
    """``missing-extra`` (exit 2) before any record is read, when HTML cannot be drawn."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        from wtguidance._install_hint import install_command
        from wtguidance.errors import UsageError

        raise UsageError(
            "--format html draws its charts with matplotlib (the 'report' extra): "
            f"{install_command('report')}",
            code="missing-extra",
        ) from None


def file_size(stream: object) -> int | None:
    """The size of an open file, for the progress bar (None for a pipe)."""
    try:
        return os.fstat(stream.fileno()).st_size  # type: ignore[attr-defined]
    except (OSError, AttributeError):
        return None


def write_report(
    results: Iterator[Any],
    summary: Callable[[], CaseloadSummary],
    args: argparse.Namespace,
    ctx: CliContext,
    inputs: Iterable[str | None],
) -> None:
    """Write a caseload run in ``args.format`` to ``args.out`` (or stdout).

    JSON and CSV stream the results as they come; the table and HTML read the summary,
    so the results are run through first. ``summary`` is called only once they are.
    ``inputs`` are the files read: ``--out`` naming one of them is refused.
    """
    with open_out(args.out, ctx, inputs) as out:
        if args.format == "json":
            from wtguidance._render.caseload import write_json

            write_json(results, summary, out)
        elif args.format == "csv":
            from wtguidance._render.caseload import write_csv

            write_csv(results, out)
        else:
            for _ in results:
                pass
            if args.format == "html":
                from wtguidance._render.caseload import render_html

                out.write(render_html(summary()))
            else:
                from wtguidance._render.caseload import render_table

                out.write(
                    render_table(summary(), color=ctx.color and args.out is None, width=ctx.width)
                )
