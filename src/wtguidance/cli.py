"""The ``wtguidance`` command line (also ``python -m wtguidance``).

Exit codes (DESIGN §11): 0 ok; 1 findings or non-compliance where a command says so;
2 usage or input error, reported as one line on stderr — never a traceback.

Each command lives in a function ``_cmd_<name>`` registered in :func:`build_parser`;
larger commands live in their own modules (``_cli_<name>.py``) exposing ``register``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn, TextIO

from . import __version__
from .errors import UsageError, WtGuidanceError

__all__ = ["CliContext", "main", "parse_date", "read_text"]

Handler = Callable[[argparse.Namespace, "CliContext"], int]


class CliContext:
    """Streams and terminal facts a command needs (injected, so tests can capture)."""

    def __init__(self, stdout: TextIO, stderr: TextIO, stdin: TextIO) -> None:
        self.stdout = stdout
        self.stderr = stderr
        self.stdin = stdin

    @property
    def color(self) -> bool:
        if "NO_COLOR" in os.environ:
            return False
        return bool(getattr(self.stdout, "isatty", lambda: False)())

    def write(self, text: str) -> None:
        self.stdout.write(text if text.endswith("\n") else text + "\n")


def read_text(name: str, ctx: CliContext, what: str = "file") -> tuple[str, str]:
    """Read a file (or stdin for ``-``); return (text, name shown in messages)."""
    if name == "-":
        return ctx.stdin.read(), "<stdin>"
    path = Path(name)
    try:
        return path.read_text(encoding="utf-8"), name
    except FileNotFoundError:
        raise UsageError(f"{name}: no such {what}", code="missing-file") from None
    except IsADirectoryError:
        raise UsageError(
            f"{name}: is a directory, expected a {what}", code="missing-file"
        ) from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"{name}: not UTF-8 text ({exc.reason})", code="invalid-input") from None
    except OSError as exc:
        raise UsageError(f"{name}: cannot read ({exc.strerror})", code="missing-file") from None


def parse_date(text: str, flag: str) -> dt.date:
    """A ``YYYY-MM-DD`` command-line date, or a UsageError naming the flag."""
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"{flag}: {text!r} is not a real date in YYYY-MM-DD form", code="bad-flag"
        ) from None


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing usage and exiting."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}", code="usage")


# -- evaluate -------------------------------------------------------------------------
def _cmd_evaluate(args: argparse.Namespace, ctx: CliContext) -> int:
    from ._case_io import parse_case_json
    from ._render import outcome_markdown, outcome_table
    from .editions import shipped_editions
    from .evaluation import Evaluator

    text, shown = read_text(args.case, ctx, "case file")
    case = parse_case_json(text, shown)
    as_of = parse_date(args.as_of, "--as-of") if args.as_of else dt.date.today()
    editions = shipped_editions()
    if args.edition != "auto":
        editions.get(args.edition)  # unknown edition → exit 2 with the known ids
    overlay = None
    if args.protocol:
        from ._cli_protocol import overlay_from_file

        overlay = overlay_from_file(args.protocol, ctx, editions)
    outcome = Evaluator.create(editions, overlay).evaluate(case, edition=args.edition, as_of=as_of)
    if args.format == "json":
        ctx.write(json.dumps(outcome.model_dump(mode="json"), indent=2))
    elif args.format == "markdown":
        ctx.write(outcome_markdown(outcome))
    else:
        ctx.write(outcome_table(outcome, color=ctx.color))
    return 0


# -- editions -------------------------------------------------------------------------
def _cmd_editions(args: argparse.Namespace, ctx: CliContext) -> int:
    from .editions import shipped_editions

    editions = shipped_editions()
    rows = []
    for pack in editions.packs:
        meta = pack.pack.meta
        _start, end = editions.window(meta.edition)
        rows.append(
            {
                "edition": meta.edition,
                "title": meta.title,
                "published": meta.published.isoformat(),
                "in_force_from": meta.in_force_from.isoformat(),
                "governs_until": end.isoformat() if end else None,
                "status": meta.status,
                "rules": len(pack.pack.rules),
            }
        )
    if args.format == "json":
        ctx.write(json.dumps(rows, indent=2))
        return 0
    for row in rows:
        until = f" until {row['governs_until']}" if row["governs_until"] else " (current)"
        ctx.write(
            f"{row['edition']}  {row['title']}  in force {row['in_force_from']}{until}  "
            f"[{row['status']}]  {row['rules']} rules"
        )
    return 0


# -- schema ---------------------------------------------------------------------------
_SCHEMAS = {
    "case": "case.schema.json",
    "rule-pack": "rule-pack.schema.json",
    "local-protocol": "local-protocol.schema.json",
}


def _cmd_schema(args: argparse.Namespace, ctx: CliContext) -> int:
    from ._resources import data_dir

    entry = data_dir("schemas").joinpath(_SCHEMAS[args.name])
    if not entry.is_file():
        raise UsageError(f"schema {args.name!r} is not shipped in this version", code="usage")
    text = entry.read_text(encoding="utf-8")
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        ctx.stderr.write(f"wrote {args.output}\n")
    else:
        ctx.write(text)
    return 0


# -- explain --------------------------------------------------------------------------
def _cmd_explain(args: argparse.Namespace, ctx: CliContext) -> int:
    from ._explain import explain_rule
    from .editions import shipped_editions

    ctx.write(explain_rule(shipped_editions(), args.rule_id, as_json=args.format == "json"))
    return 0


# -- lint-packs -----------------------------------------------------------------------
def _cmd_lint_packs(args: argparse.Namespace, ctx: CliContext) -> int:
    from ._lint import lint_packs

    text, code = lint_packs(Path(args.root) if args.root else None, as_json=args.format == "json")
    ctx.write(text)
    return code


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="wtguidance",
        description="Working Together to Safeguard Children as cited rule packs.",
    )
    parser.add_argument("--version", action="version", version=f"wtguidance {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    evaluate = commands.add_parser("evaluate", help="evaluate a case record (JSON; '-' = stdin)")
    evaluate.add_argument("case", help="case JSON file, or - for stdin")
    evaluate.add_argument("--as-of", help="judge the case as of this date (default: today)")
    evaluate.add_argument("--edition", default="auto", help="edition id, or auto (default)")
    evaluate.add_argument("--format", choices=("table", "json", "markdown"), default="table")
    evaluate.add_argument("--protocol", help="apply a valid local protocol (YAML) as an overlay")
    evaluate.set_defaults(handler=_cmd_evaluate)

    editions = commands.add_parser("editions", help="list the encoded editions")
    editions.add_argument("--format", choices=("text", "json"), default="text")
    editions.set_defaults(handler=_cmd_editions)

    schema = commands.add_parser("schema", help="print or export a JSON Schema")
    schema.add_argument("name", choices=sorted(_SCHEMAS))
    schema.add_argument("-o", "--output", help="write to this file instead of stdout")
    schema.set_defaults(handler=_cmd_schema)

    explain = commands.add_parser("explain", help="show one rule with its citation")
    explain.add_argument("rule_id", help="a rule id (wt2023.icpc.hold) or a stable id (icpc.hold)")
    explain.add_argument("--format", choices=("text", "json"), default="text")
    explain.set_defaults(handler=_cmd_explain)

    lint = commands.add_parser(
        "lint-packs", help="validate rule packs and report citation precision"
    )
    lint.add_argument("root", nargs="?", help="a rules/ directory (default: the shipped packs)")
    lint.add_argument("--format", choices=("text", "json"), default="text")
    lint.set_defaults(handler=_cmd_lint_packs)

    for register in _extra_commands():
        register(commands)
    return parser


def _extra_commands() -> list[Callable[[argparse._SubParsersAction[_Parser]], None]]:
    """Commands that live in their own modules."""
    registrations: list[Callable[[argparse._SubParsersAction[_Parser]], None]] = []
    from ._cli_protocol import register as register_protocol

    registrations.append(register_protocol)
    from ._cli_diff import register as register_diff

    registrations.append(register_diff)
    return registrations


def main(
    argv: Sequence[str] | None = None,
    *,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    stdin: TextIO | None = None,
) -> int:
    ctx = CliContext(stdout or sys.stdout, stderr or sys.stderr, stdin or sys.stdin)
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command is None:
            ctx.write(parser.format_help())
            return 2
        handler: Handler = args.handler
        return handler(args, ctx)
    except WtGuidanceError as error:
        ctx.stderr.write(f"wtguidance: {error.one_line()}\n")
        return 2
    except KeyboardInterrupt:
        ctx.stderr.write("wtguidance: interrupted\n")
        return 130
    except BrokenPipeError:
        return 0
