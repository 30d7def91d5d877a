"""``wtguidance cin-census``: a DfE CIN census return (XML) as a caseload report.

Exit 0 when the whole file was read (rejected episodes are listed in the report, and the
outcome and rejected counts always add up to the records read); 2 when the file cannot be
read, is refused (entity declarations or external references), or stops being well-formed
part way — the report then covers what was read and ends with one rejected entry giving
the line and column.
"""

from __future__ import annotations

import argparse
from itertools import chain

from wtguidance._install_hint import install_command
from wtguidance.cli._caseload import (
    add_run_options,
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
    from wtguidance.caseload import CaseloadSummary, Settings, SummaryBuilder, evaluate_stream
    from wtguidance.evaluation import default_calendar
    from wtguidance.sources.cin_census import CIN_CENSUS_EVIDENCE, read_cin_census

    as_of, edition, jobs = run_options(args)
    check_out(args.out, ctx, [args.file])
    overlay = run_protocol(args, ctx)  # refused before any record is read
    if args.format == "html":
        _need_matplotlib()
    try:
        stream = open(args.file, "rb")  # noqa: SIM115 - closed below, whatever happens
    except FileNotFoundError:
        raise UsageError(f"{args.file}: no such census file", code="missing-file") from None
    except OSError as exc:
        raise UsageError(
            f"{args.file}: cannot read ({exc.strerror})", code="missing-file"
        ) from None
    with stream:
        size = _size(stream)
        census = read_cin_census(stream, name=args.file)
        settings = Settings(as_of, edition, CIN_CENSUS_EVIDENCE, overlay)
        builder = SummaryBuilder(
            as_of=as_of,
            calendar=default_calendar(),
            edition=edition,
            evidence=CIN_CENSUS_EVIDENCE,
            source=args.file,
            protocol=settings.protocol,
        )
        results = builder.add_all(
            evaluate_stream(
                progress(census, ctx, total=size, position=stream.tell), settings, jobs=jobs
            )
        )
        first = next(results, None)  # a refused file fails here, before any output
        results = chain([first] if first is not None else [], results)

        def summary() -> CaseloadSummary:
            builder.add_file_notes(census.notes, args.file)
            builder.summary.complete = census.complete
            return builder.summary

        write_report(results, summary, args, ctx, [args.file])
        done = summary()
    if args.format != "text" or args.out is not None:
        ctx.stderr.write(
            f"wtguidance: {done.records} records: {done.outcomes} outcomes, "
            f"{done.rejected} rejected\n"
        )
    if not census.complete:
        last = list(done.rejected_rows())[-1:]
        reason = last[0]["reason"] if last else "the file was not read to the end"
        ctx.stderr.write(f"wtguidance: {args.file}: error[xml-not-well-formed] {reason}\n")
        done.close()
        return 2
    done.close()
    return 0


def _size(stream: object) -> int | None:
    import os

    try:
        return os.fstat(stream.fileno()).st_size  # type: ignore[attr-defined]
    except (OSError, AttributeError):
        return None


def _need_matplotlib() -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise UsageError(
            "--format html draws its charts with matplotlib (the 'report' extra): "
            f"{install_command('report')}",
            code="missing-extra",
        ) from None


def register(commands: Commands) -> None:
    """Add ``cin-census`` to the CLI."""
    parser = commands.add_parser(
        "cin-census", help="report timeliness over a DfE CIN census return (XML)"
    )
    parser.add_argument("file", help="CIN census XML file")
    add_run_options(parser, as_of_required=True)
    add_format(parser, ("text", "json", "csv", "html"), "text")  # "table" = "text"
    parser.set_defaults(handler=_cmd_cin_census)
