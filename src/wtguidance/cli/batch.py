"""``wtguidance batch``: JSON Lines of case records in, JSON Lines of outcomes out.

Each non-blank input line gives one output line, in the same order: the outcome (as
``evaluate --format json`` prints it, on one line) or ``{"rejected": {...}}`` naming the
line, column, field and reason. The counts go to stderr. Exit 0 when every line was read
(rejected lines included), 2 when the input cannot be read.
"""

from __future__ import annotations

import argparse
import io
import sys

from wtguidance.cli._caseload import add_run_options, progress, run_options, run_protocol
from wtguidance.cli._context import CliContext, Commands
from wtguidance.cli._output import check_out, open_out
from wtguidance.errors import UsageError

__all__ = ["register"]


def _cmd_batch(args: argparse.Namespace, ctx: CliContext) -> int:
    from wtguidance.caseload import Settings
    from wtguidance.cli._batch_tasks import write_answers
    from wtguidance.sources.jsonl import numbered_lines

    as_of, edition, jobs = run_options(args)
    check_out(args.out, ctx, [args.cases])
    overlay = run_protocol(args, ctx)  # refused before any record is read
    # Undecodable bytes are kept as surrogates, so that read_jsonl rejects the one line that
    # holds them (with its column) and reads the rest.
    if args.cases == "-":
        stream = ctx.stdin
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            stream = io.TextIOWrapper(buffer, encoding="utf-8", errors="surrogateescape")
        name = "<stdin>"
    else:
        name = args.cases
        try:
            stream = open(args.cases, encoding="utf-8", errors="surrogateescape")  # noqa: SIM115
        except FileNotFoundError:
            raise UsageError(f"{name}: no such cases file", code="missing-file") from None
        except OSError as exc:
            raise UsageError(f"{name}: cannot read ({exc.strerror})", code="missing-file") from None
    try:
        settings = Settings(as_of, edition, overlay=overlay)
        lines = progress(numbered_lines(stream), ctx, total=None, position=lambda: 0)
        with open_out(args.out, ctx, [args.cases]) as out:
            outcomes, records = write_answers(lines, out, name, settings, jobs)
    except UnicodeDecodeError as exc:
        raise UsageError(f"{name}: not UTF-8 text ({exc.reason})", code="invalid-input") from None
    finally:
        if isinstance(stream, io.TextIOWrapper) and args.cases == "-":
            stream.detach()  # leave the caller's stdin open
        elif stream is not ctx.stdin and stream is not sys.stdin:
            stream.close()
    rejected = records - outcomes
    ctx.stderr.write(f"wtguidance: {records} records: {outcomes} outcomes, {rejected} rejected\n")
    return 0


def register(commands: Commands) -> None:
    """Add ``batch`` to the CLI."""
    parser = commands.add_parser(
        "batch", help="evaluate JSON Lines of case records ('-' = stdin) into JSON Lines"
    )
    parser.add_argument("cases", help="JSON Lines file, one case per line, or - for stdin")
    add_run_options(parser, as_of_required=False)
    parser.set_defaults(handler=_cmd_batch)
