"""``wtguidance annex-a``: Ofsted Annex A lists (a workbook or a CSV folder) as a caseload report.

Exit 0 when the source was read (rejected rows are listed in the report; outcomes and
rejected rows always add up to the rows of lists 3–7); 2 when it cannot be read or its
lists cannot be recognised (the message names the sheet and the missing columns).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from wtguidance.cli._caseload import (
    add_run_options,
    need_matplotlib,
    progress,
    run_options,
    run_protocol,
    write_report,
)
from wtguidance.cli._context import CliContext, Commands, add_format
from wtguidance.cli._output import check_out
from wtguidance.errors import UsageError

if TYPE_CHECKING:
    from wtguidance.case import Rejected
    from wtguidance.sources.sourced import SourcedCase

__all__ = ["register"]


def _cmd_annex_a(args: argparse.Namespace, ctx: CliContext) -> int:
    from wtguidance.caseload.report import ReportSource, run_report
    from wtguidance.sources.annex_a import read_annex_a

    as_of, edition, jobs = run_options(args)
    check_out(args.out, ctx, [args.source])
    overlay = run_protocol(args, ctx)  # refused before any record is read
    if args.format == "html":
        need_matplotlib()
    if not Path(args.source).exists():
        raise UsageError(f"{args.source}: no such workbook or folder", code="missing-file")
    annex = read_annex_a(args.source)
    read = [0]

    def items() -> Iterator[SourcedCase | Rejected]:
        for item in annex.sourced():
            read[0] += 1
            yield item

    counted = progress(items(), ctx, total=len(annex.items), position=lambda: read[0])
    source = ReportSource(args.source, counted, annex.evidence, notes_before=annex.findings)
    report = run_report(
        source,
        as_of=as_of,
        edition=edition,
        overlay=overlay,
        jobs=jobs,
        trace=args.format == "json",  # only the JSON report shows each outcome's trace
    )
    write_report(report.results, report.summary, args, ctx, [args.source])
    if args.format != "text" or args.out is not None:
        ctx.stderr.write(f"wtguidance: {report.counts_line()}\n")
    report.close()
    for count in annex.counts:
        if not count.reconciles:  # pragma: no cover - an importer defect, never a user error
            ctx.stderr.write(f"wtguidance: list {count.list_no} does not reconcile: {count}\n")
            return 2
    return 0


def register(commands: Commands) -> None:
    """Add ``annex-a`` to the CLI."""
    parser = commands.add_parser(
        "annex-a",
        help="report timeliness over Ofsted Annex A lists 1–7 (.xlsx, or a folder of CSVs)",
    )
    parser.add_argument("source", help="Annex A workbook (.xlsx), or a folder of one CSV per list")
    add_run_options(parser, as_of_required=True)
    add_format(parser, ("text", "json", "csv", "html"), "text")  # "table" = "text"
    parser.set_defaults(handler=_cmd_annex_a)
