"""``wtguidance diff A B``: what changed between two editions, optionally for one case."""

from __future__ import annotations

import argparse
import datetime as dt

from wtguidance.cli._context import (
    DEFAULT_WIDTH,
    CliContext,
    Commands,
    add_format,
    add_limits,
    limits_of,
    parse_date,
    read_text,
)
from wtguidance.cli._output import check_out, open_out

__all__ = ["register"]


def _cmd_diff(args: argparse.Namespace, ctx: CliContext) -> int:
    from wtguidance._render.diff import diff_html, diff_markdown, diff_text
    from wtguidance._render.documents import diff_document
    from wtguidance.case import parse_case_json
    from wtguidance.diff import diff_case, diff_editions
    from wtguidance.editions import shipped_editions
    from wtguidance.errors import UsageError

    check_out(args.out, ctx, [args.case])
    editions = shipped_editions()
    a, b = editions.get(args.a), editions.get(args.b)  # unknown → exit 2 with known ids
    if args.as_of is not None and args.case is None:
        raise UsageError("--as-of needs --case CASE.json", code="usage")
    diff = diff_editions(a, b)
    case = None
    if args.case is not None:
        limits = limits_of(args)
        as_of = parse_date(args.as_of, "--as-of") if args.as_of is not None else dt.date.today()
        text, shown = read_text(args.case, ctx, "case file", max_bytes=limits.max_bytes)
        record = parse_case_json(text, shown, limits=limits)
        case = diff_case(editions, a.edition, b.edition, record, as_of)
    with open_out(args.out, ctx, [args.case]) as out:
        if args.format == "json":
            ctx.write(diff_document(diff, case), to=out)
        elif args.format == "markdown":
            ctx.write(diff_markdown(diff, case), to=out)
        elif args.format == "html":
            ctx.write(diff_html(diff, case), to=out)
        else:
            on_terminal = args.out is None
            text = diff_text(
                diff,
                case,
                color=ctx.color and on_terminal,
                width=ctx.width if on_terminal else DEFAULT_WIDTH,
            )
            ctx.write(text, painted=True, to=out)
    return 0


def register(commands: Commands) -> None:
    parser = commands.add_parser(
        "diff", help="what changed between two editions (and what it means for a case)"
    )
    parser.add_argument("a", metavar="A", help="edition to compare from, e.g. 2018")
    parser.add_argument("b", metavar="B", help="edition to compare to, e.g. 2023 (any order)")
    add_format(parser, ("text", "markdown", "json", "html"), "text")
    parser.add_argument("--case", help="also judge this case (JSON; '-' = stdin) under both")
    parser.add_argument("--as-of", help="judge the case as of this date (default: today)")
    parser.add_argument(
        "--out", help="write the result to this file instead of stdout (never over an input)"
    )
    add_limits(parser)
    parser.set_defaults(handler=_cmd_diff)
