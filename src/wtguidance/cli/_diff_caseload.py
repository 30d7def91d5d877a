"""``wtguidance diff A B --caseload FILE``: the caseload half of ``diff``.

The arguments are checked here (which editions, which protocol, which source), the run is
:func:`wtguidance.diff.caseload.diff_caseload_file` and the document comes from
``wtguidance._render.caseload_diff``; this module only reads, calls and writes.
"""

from __future__ import annotations

import argparse
import datetime as dt

from wtguidance.cli._context import CliContext, parse_date
from wtguidance.cli._output import check_out, open_out
from wtguidance.errors import UsageError

__all__ = ["diff_caseload_command"]


def _write(document: str, args: argparse.Namespace, ctx: CliContext) -> None:
    with open_out(args.out, ctx, [args.caseload, args.protocol]) as out:
        ctx.write(document, to=out)


def diff_caseload_command(args: argparse.Namespace, ctx: CliContext) -> int:
    """``--caseload FILE``: the caseload judged under both sides, added up."""
    from wtguidance.cli._caseload import run_protocol
    from wtguidance.diff.caseload import diff_caseload_file
    from wtguidance.editions import shipped_editions

    editions = shipped_editions()

    def known(edition: str) -> str:  # unknown → exit 2 with known ids
        return edition if edition == "auto" else editions.get(edition).edition

    a = known(args.a)
    b = known(args.b) if args.b is not None else None
    if args.case is not None:
        raise UsageError("--case and --caseload cannot be used together", code="usage")
    if args.format == "markdown":
        raise UsageError(
            "a caseload diff is written as text, json, csv or html, not markdown", code="usage"
        )
    if b is None and args.protocol is None:
        raise UsageError(
            "diff A --caseload FILE needs a second edition (diff A B --caseload FILE) or "
            "--protocol P (edition A by national rules against A tightened by P)",
            code="usage",
        )
    as_of = parse_date(args.as_of, "--as-of") if args.as_of is not None else dt.date.today()
    jobs = _jobs(args.jobs)
    check_out(args.out, ctx, [args.caseload, args.protocol])
    overlay = run_protocol(args, ctx)  # refused before any record is read
    if overlay is not None and b is None and a not in ("auto", overlay.edition):
        raise UsageError(
            f"--protocol: {args.protocol} tightens edition {overlay.edition}, not {a}; "
            f"compare it with its own edition: diff {overlay.edition} --caseload ... "
            "--protocol ...",
            code="usage",
        )
    if args.format == "html":
        from wtguidance.cli._caseload import need_matplotlib

        need_matplotlib()
    stream = None
    if args.caseload == "-":
        if args.source not in (None, "jsonl"):
            raise UsageError("--caseload -: standard input is read as JSON Lines", code="usage")
        stream = ctx.stdin
    result = diff_caseload_file(
        "<stdin>" if stream is not None else args.caseload,
        a,
        b,
        as_of=as_of,
        overlay=overlay,
        source=args.source,
        jobs=jobs,
        stream=stream,
    )
    from wtguidance._render.caseload_diff import caseload_diff_document

    document = caseload_diff_document(result, args.format)
    _write(document, args, ctx)
    if args.format != "text" or args.out is not None:
        ctx.stderr.write(
            f"wtguidance: {result.records} records: {result.outcomes} outcomes, "
            f"{result.rejected} rejected (on each side)\n"
        )
    if not result.complete:
        last = result.rejected_records[-1:]
        reason = last[0].reason if last else "the file was not read to the end"
        ctx.stderr.write(f"wtguidance: {result.source}: error[xml-not-well-formed] {reason}\n")
        return 2
    return 0


def _jobs(value: str | None) -> int:
    import os

    if value is None:
        return 1
    try:
        jobs = int(value)
        if jobs < 1:
            raise ValueError
    except ValueError:
        raise UsageError(
            f"--jobs: {value!r} is not a whole number of at least 1", code="bad-flag"
        ) from None
    return min(jobs, max(os.cpu_count() or 1, 1) * 4)
