"""``wtguidance batch``: JSON Lines of case records in, JSON Lines of outcomes out.

Each non-blank input line gives one output line, in the same order: the outcome (as
``evaluate --format json`` prints it, on one line) or ``{"rejected": {...}}`` naming the
line, column, field and reason. The counts go to stderr. Exit 0 when every line was read
(rejected lines included), 2 when the input cannot be read.
"""

from __future__ import annotations

import argparse
import sys

from wtguidance.cli._caseload import (
    add_run_options,
    open_out,
    progress,
    run_options,
    run_protocol,
)
from wtguidance.cli._context import CliContext, Commands
from wtguidance.errors import UsageError

__all__ = ["register"]


def _cmd_batch(args: argparse.Namespace, ctx: CliContext) -> int:
    from wtguidance._render.documents import json_line
    from wtguidance.case import Rejected
    from wtguidance.caseload import Settings, evaluate_stream, read_jsonl

    as_of, edition, jobs = run_options(args)
    overlay = run_protocol(args, ctx)  # refused before any record is read
    if args.cases == "-":
        stream = ctx.stdin
        name = "<stdin>"
    else:
        name = args.cases
        try:
            stream = open(args.cases, encoding="utf-8")  # noqa: SIM115 - closed below
        except FileNotFoundError:
            raise UsageError(f"{name}: no such cases file", code="missing-file") from None
        except OSError as exc:
            raise UsageError(f"{name}: cannot read ({exc.strerror})", code="missing-file") from None
    outcomes = rejected = 0
    try:
        settings = Settings(as_of, edition, overlay=overlay)
        cases = progress(read_jsonl(stream, name=name), ctx, total=None, position=lambda: 0)
        with open_out(args.out, ctx) as out:
            for result in evaluate_stream(cases, settings, jobs=jobs):
                if isinstance(result, Rejected):
                    rejected += 1
                    row = {"rejected": result.model_dump(mode="json", exclude_none=True)}
                    out.write(json_line(row) + "\n")
                else:
                    outcomes += 1
                    out.write(json_line(result.outcome) + "\n")  # from the structs, once
    except UnicodeDecodeError as exc:
        raise UsageError(f"{name}: not UTF-8 text ({exc.reason})", code="invalid-input") from None
    finally:
        if stream is not ctx.stdin and stream is not sys.stdin:
            stream.close()
    ctx.stderr.write(
        f"wtguidance: {outcomes + rejected} records: {outcomes} outcomes, {rejected} rejected\n"
    )
    return 0


def register(commands: Commands) -> None:
    """Add ``batch`` to the CLI."""
    parser = commands.add_parser(
        "batch", help="evaluate JSON Lines of case records ('-' = stdin) into JSON Lines"
    )
    parser.add_argument("cases", help="JSON Lines file, one case per line, or - for stdin")
    add_run_options(parser, as_of_required=False)
    parser.set_defaults(handler=_cmd_batch)
