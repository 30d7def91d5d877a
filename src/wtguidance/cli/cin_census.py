"""``wtguidance cin-census``: a DfE CIN census return (XML) as a caseload report.

Exit 0 when the whole file was read (rejected episodes are listed in the report, and the
outcome and rejected counts always add up to the records read); 2 when the file cannot be
read, is refused (entity declarations or external references), or stops being well-formed
part way — the report then covers what was read and ends with one rejected entry giving
the line and column.
"""

from __future__ import annotations

import argparse
from functools import partial

from wtguidance.cli._caseload import (
    add_run_options,
    file_size,
    need_matplotlib,
    progress,
    run_options,
    run_protocol,
    write_report,
)
from wtguidance.cli._context import CliContext, Commands, add_format
from wtguidance.cli._output import check_out
from wtguidance.errors import UsageError

__all__ = ["register"]


def _cmd_cin_census(args: argparse.Namespace, ctx: CliContext) -> int:
    from wtguidance.caseload.census_ranges import evaluate_census
    from wtguidance.caseload.report import ReportSource, run_report
    from wtguidance.sources.cin_census import CIN_CENSUS_EVIDENCE, read_cin_census

    as_of, edition, jobs = run_options(args)
    check_out(args.out, ctx, [args.file])
    overlay = run_protocol(args, ctx)  # refused before any record is read
    if args.format == "html":
        need_matplotlib()
    try:
        stream = open(args.file, "rb")  # noqa: SIM115 - closed below, whatever happens
    except FileNotFoundError:
        raise UsageError(f"{args.file}: no such census file", code="missing-file") from None
    except OSError as exc:
        raise UsageError(
            f"{args.file}: cannot read ({exc.strerror})", code="missing-file"
        ) from None
    with stream:
        census = read_cin_census(stream, name=args.file)
        items = progress(census, ctx, total=file_size(stream), position=stream.tell)
        source = ReportSource(
            args.file,
            items,
            CIN_CENSUS_EVIDENCE,
            notes_after=lambda: census.notes,
            complete=lambda: census.complete,
            split=partial(evaluate_census, census, stream, args.file),
        )
        report = run_report(
            source,
            as_of=as_of,
            edition=edition,
            overlay=overlay,
            jobs=jobs,
            trace=args.format == "json",  # only the JSON report shows each outcome's trace
        )
        write_report(report.results, report.summary, args, ctx, [args.file])
    done = report.summary()
    if args.format != "text" or args.out is not None:
        ctx.stderr.write(f"wtguidance: {report.counts_line()}\n")
    if not done.complete:
        last = list(done.rejected_rows())[-1:]
        reason = last[0]["reason"] if last else "the file was not read to the end"
        ctx.stderr.write(f"wtguidance: {args.file}: error[xml-not-well-formed] {reason}\n")
    report.close()
    return 0 if done.complete else 2


def register(commands: Commands) -> None:
    """Add ``cin-census`` to the CLI."""
    parser = commands.add_parser(
        "cin-census", help="report timeliness over a DfE CIN census return (XML)"
    )
    parser.add_argument("file", help="CIN census XML file")
    add_run_options(parser, as_of_required=True)
    add_format(parser, ("text", "json", "csv", "html"), "text")  # "table" = "text"
    parser.set_defaults(handler=_cmd_cin_census)
