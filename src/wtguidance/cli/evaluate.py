"""``wtguidance evaluate``: judge one case record under the edition that governs it."""

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

FORMATS = ("text", "json", "markdown", "html")


def _cmd_evaluate(args: argparse.Namespace, ctx: CliContext) -> int:
    from wtguidance.case import parse_case_json
    from wtguidance.cli._located import dates_located
    from wtguidance.editions import shipped_editions
    from wtguidance.evaluation import Evaluator

    limits = limits_of(args)
    check_out(args.out, ctx, [args.case, args.protocol])
    as_of = parse_date(args.as_of, "--as-of") if args.as_of is not None else dt.date.today()
    text, shown = read_text(args.case, ctx, "case file", max_bytes=limits.max_bytes)
    case = parse_case_json(text, shown, limits=limits)
    editions = shipped_editions()
    if args.edition != "auto":
        editions.get(args.edition)  # unknown edition → exit 2 with the known ids
    overlay = None
    if args.protocol is not None:
        from wtguidance.cli.protocol import overlay_from_file

        overlay = overlay_from_file(args.protocol, ctx, editions)
    evaluator = Evaluator.create(editions, overlay, engine=args.engine)
    with dates_located(text, shown):  # a deadline out of the calendar: at its file:line:col
        outcome = evaluator.evaluate(case, edition=args.edition, as_of=as_of)
    with open_out(args.out, ctx, [args.case, args.protocol]) as out:
        if args.format == "json":
            from wtguidance._render.documents import outcome_document

            ctx.write(outcome_document(outcome), to=out)
            return 0
        # the renderers (and rich) are imported only for the formats that need them
        from wtguidance._render.outcome import outcome_html, outcome_markdown, outcome_table

        if args.format == "markdown":
            ctx.write(outcome_markdown(outcome), to=out)
        elif args.format == "html":
            ctx.write(outcome_html(outcome), to=out)
        else:
            on_terminal = args.out is None
            table = outcome_table(
                outcome,
                color=ctx.color and on_terminal,
                width=ctx.width if on_terminal else DEFAULT_WIDTH,
            )
            ctx.write(table, painted=True, to=out)
    return 0


def register(commands: Commands) -> None:
    """Add ``evaluate`` to the CLI."""
    evaluate = commands.add_parser("evaluate", help="evaluate a case record (JSON; '-' = stdin)")
    evaluate.add_argument("case", help="case JSON file, or - for stdin")
    evaluate.add_argument("--as-of", help="judge the case as of this date (default: today)")
    evaluate.add_argument("--edition", default="auto", help="edition id, or auto (default)")
    add_format(evaluate, FORMATS, "text")
    evaluate.add_argument("--protocol", help="apply a valid local protocol (YAML) as an overlay")
    evaluate.add_argument(
        "--out", help="write the result to this file instead of stdout (never over an input)"
    )
    add_limits(evaluate)
    evaluate.add_argument(
        "--engine",
        default="native",
        metavar="{native,durable}",
        help="the rule engine: native (default) or durable (durable_rules; the 'durable' "
        "extra); both give the same outcome, see docs/engines.md",
    )
    evaluate.set_defaults(handler=_cmd_evaluate)
