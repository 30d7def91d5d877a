"""``wtguidance diff A B``: what changed between two editions, for one case or a caseload.

- ``diff A B``: the two editions' rules, side by side;
- ``diff A B --case CASE.json``: one case judged under both;
- ``diff A B --caseload FILE``: a census return, Annex A workbook/folder or JSON Lines batch
  judged under both, added up per obligation, sign-off and case-holder stage;
- ``diff A --caseload FILE --protocol P`` (or ``--case CASE``): edition A by national rules
  against the same edition tightened by the local protocol P (B left out: the protocol is
  the change). With ``--caseload``, A (or B) may be ``auto``: each conclusion judged under
  the edition in force on its anchor date.
"""

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
from wtguidance.errors import UsageError

__all__ = ["register"]


def _cmd_diff(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.caseload is not None:
        from wtguidance.cli._diff_caseload import diff_caseload_command

        return diff_caseload_command(args, ctx)
    from wtguidance._render.diff import diff_html, diff_markdown, diff_text
    from wtguidance._render.documents import diff_document
    from wtguidance.case import parse_case_json
    from wtguidance.cli._located import dates_located
    from wtguidance.diff import diff_case, diff_editions
    from wtguidance.editions import shipped_editions

    check_out(args.out, ctx, [args.case])
    editions = shipped_editions()
    national_from = args.b is None and args.case is not None and args.protocol is not None
    if args.b is None and not national_from:
        raise UsageError(
            "the second edition B is required (one edition only with --protocol P and "
            "--case CASE or --caseload FILE)",
            code="usage",
        )
    a = editions.get(args.a)  # unknown → exit 2 with known ids
    b = editions.get(args.b) if args.b is not None else a
    for flag, value in (("--source", args.source), ("--jobs", args.jobs)):
        if value is not None:
            raise UsageError(f"{flag} needs --caseload FILE", code="usage")
    if args.format == "csv":
        raise UsageError("--format csv needs --caseload FILE", code="usage")
    if args.as_of is not None and args.case is None:
        raise UsageError("--as-of needs --case CASE.json or --caseload FILE", code="usage")
    if args.protocol is not None and args.case is None:
        raise UsageError("--protocol needs --case CASE.json or --caseload FILE", code="usage")
    overlay = None
    if args.protocol is not None:
        from wtguidance.cli.protocol import overlay_from_file

        overlay = overlay_from_file(args.protocol, ctx, editions)
        if national_from and overlay.edition != a.edition:
            raise UsageError(
                f"--protocol: {args.protocol} tightens edition {overlay.edition}, not "
                f"{a.edition}; compare it with its own edition: diff {overlay.edition} "
                "--case ... --protocol ...",
                code="usage",
            )
    diff = diff_editions(a, b)
    case = None
    if args.case is not None:
        limits = limits_of(args)
        as_of = parse_date(args.as_of, "--as-of") if args.as_of is not None else dt.date.today()
        text, shown = read_text(args.case, ctx, "case file", max_bytes=limits.max_bytes)
        record = parse_case_json(text, shown, limits=limits)
        with dates_located(text, shown):
            case = diff_case(
                editions, a.edition, b.edition, record, as_of, overlay, national_from=national_from
            )
    with open_out(args.out, ctx, [args.case, args.protocol]) as out:
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
        "diff",
        help="what changed between two editions (and what it means for a case or a caseload)",
    )
    parser.add_argument("a", metavar="A", help="edition to compare from, e.g. 2018")
    parser.add_argument(
        "b",
        metavar="B",
        nargs="?",
        help="edition to compare to, e.g. 2023 (any order); left out with --protocol, to "
        "compare A by national rules with A tightened by the protocol",
    )
    add_format(parser, ("text", "markdown", "json", "html", "csv"), "text")
    parser.add_argument("--case", help="also judge this case (JSON; '-' = stdin) under both")
    parser.add_argument(
        "--caseload",
        metavar="FILE",
        help="judge every record of this caseload under both and add up what changes: a CIN "
        "census (XML), an Annex A workbook or folder, or JSON Lines ('-' = stdin)",
    )
    parser.add_argument(
        "--source",
        choices=("cin", "annex-a", "jsonl"),
        help="what --caseload FILE is (default: told by its extension, else its content)",
    )
    parser.add_argument("--as-of", help="judge as of this date (default: today)")
    parser.add_argument(
        "--protocol",
        metavar="FILE",
        help="judge under this local protocol (YAML) on the side of its edition; with one "
        "edition, that edition by national rules against the protocol",
    )
    parser.add_argument(
        "--jobs", help="with --caseload: judge on N processes (same output as 1; default 1)"
    )
    parser.add_argument(
        "--out", help="write the result to this file instead of stdout (never over an input)"
    )
    add_limits(parser)
    parser.set_defaults(handler=_cmd_diff)
