"""Commands about the packs themselves: ``editions``, ``schema``, ``explain``, ``lint-packs``."""

from __future__ import annotations

import argparse
from pathlib import Path

from wtguidance.cli._context import CliContext, Commands, add_format
from wtguidance.errors import UsageError

__all__ = ["register"]


# -- editions -------------------------------------------------------------------------
def _cmd_editions(args: argparse.Namespace, ctx: CliContext) -> int:
    from wtguidance._render.documents import edition_rows, editions_document
    from wtguidance.editions import shipped_editions

    editions = shipped_editions()
    if args.format == "json":
        ctx.write(editions_document(editions))
        return 0
    for row in edition_rows(editions):
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
    from wtguidance._resources import data_dir

    entry = data_dir("schemas").joinpath(_SCHEMAS[args.name])
    if not entry.is_file():
        raise UsageError(f"schema {args.name!r} is not shipped in this version", code="usage")
    text = entry.read_text(encoding="utf-8")
    if args.output is None:
        ctx.write(text)
        return 0
    _write_file(args.output, text, ctx)
    ctx.stderr.write(f"wrote {args.output}\n")
    return 0


def _write_file(name: str, text: str, ctx: CliContext) -> None:
    """Write ``text`` to ``name`` through the one output writer (cli/_output.py)."""
    from wtguidance.cli._output import open_out

    if not name:
        raise UsageError("-o: the output file name is empty", code="cannot-write")
    with open_out(name, ctx) as out:
        out.write(text)


# -- explain --------------------------------------------------------------------------
def _cmd_explain(args: argparse.Namespace, ctx: CliContext) -> int:
    from wtguidance.editions import shipped_editions

    editions = shipped_editions()
    if args.format == "json":
        from wtguidance._render.documents import explain_document

        ctx.write(explain_document(editions, args.rule_id))
        return 0
    from wtguidance._render.explain import explain_text
    from wtguidance.explain import explained

    ctx.write(explain_text(explained(editions, args.rule_id)))
    return 0


# -- lint-packs -----------------------------------------------------------------------
def _cmd_lint_packs(args: argparse.Namespace, ctx: CliContext) -> int:
    from wtguidance._pack.lint import lint_packs

    if args.root is not None and not args.root:
        raise UsageError("lint-packs: the rules directory name is empty", code="missing-file")
    root = Path(args.root) if args.root is not None else None
    report = lint_packs(root)
    from wtguidance._render.lint import lint_json, lint_text

    ctx.write(lint_json(report) if args.format == "json" else lint_text(report))
    return report.exit_code


def register(commands: Commands) -> None:
    """Add ``editions``, ``schema``, ``explain`` and ``lint-packs`` to the CLI."""
    editions = commands.add_parser("editions", help="list the encoded editions")
    add_format(editions, ("text", "json"), "text")
    editions.set_defaults(handler=_cmd_editions)

    schema = commands.add_parser("schema", help="print or export a JSON Schema")
    schema.add_argument("name", choices=sorted(_SCHEMAS))
    schema.add_argument("-o", "--output", help="write to this file instead of stdout")
    schema.set_defaults(handler=_cmd_schema)

    explain = commands.add_parser("explain", help="show one rule with its citation")
    explain.add_argument("rule_id", help="a rule id (wt2023.icpc.hold) or a stable id (icpc.hold)")
    add_format(explain, ("text", "json"), "text")
    explain.set_defaults(handler=_cmd_explain)

    lint = commands.add_parser(
        "lint-packs", help="validate rule packs and report citation precision"
    )
    lint.add_argument("root", nargs="?", help="a rules/ directory (default: the shipped packs)")
    add_format(lint, ("text", "json"), "text")
    lint.set_defaults(handler=_cmd_lint_packs)
