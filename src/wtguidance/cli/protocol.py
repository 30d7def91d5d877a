"""``wtguidance validate-protocol`` and ``evaluate --protocol`` (DESIGN §8).

Exit codes: 0 no errors (warnings allowed unless ``--strict``), 1 errors, 2 the file
cannot be read or parsed.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from wtguidance.cli._context import CliContext, Commands, read_text

if TYPE_CHECKING:
    from wtguidance.editions import Editions
    from wtguidance.overlay import Overlay

__all__ = ["FORMATS", "overlay_from_file", "register"]

#: the report formats (``wtguidance._render.protocol.FORMATS`` names the same; a test checks)
FORMATS = ("text", "json", "junit", "sarif", "github")


def _cmd_validate_protocol(args: argparse.Namespace, ctx: CliContext) -> int:
    from wtguidance import editions as editions_module
    from wtguidance._render.documents import protocol_document
    from wtguidance._render.protocol import render_report
    from wtguidance.protocol import validate_protocol_text

    editions = editions_module.shipped_editions()
    if args.edition is not None:
        editions.get(args.edition)  # unknown edition → exit 2 with the known ids
    reports = []
    for name in args.files:
        text, shown = read_text(name, ctx, "protocol file")
        reports.append(validate_protocol_text(text, shown, args.edition, editions))
    if args.format == "json" and len(reports) > 1:
        ctx.write(
            json.dumps(
                [json.loads(protocol_document(r, strict=args.strict)) for r in reports],
                indent=2,
            )
        )
    elif args.format == "json":
        ctx.write(protocol_document(reports[0], strict=args.strict))
    else:
        for report in reports:
            ctx.write(render_report(report, args.format, strict=args.strict, color=ctx.color))
    return max(report.exit_code(strict=args.strict) for report in reports)


def register(subparsers: Commands) -> None:
    """Add ``validate-protocol`` to the CLI."""
    parser = subparsers.add_parser(
        "validate-protocol",
        help="check a local assessment protocol (YAML) against its edition",
        description="Check a local assessment protocol against the edition it names. "
        "Exit 0 when there are no errors (warnings allowed unless --strict), 1 on errors, "
        "2 when the file cannot be read or parsed.",
    )
    parser.add_argument(
        "files", nargs="+", metavar="FILE", help="protocol YAML file(s), or - for stdin"
    )
    parser.add_argument("--edition", help="check against this edition (must match the file)")
    parser.add_argument("--format", choices=FORMATS, default="text")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.set_defaults(handler=_cmd_validate_protocol)


def overlay_from_file(path: str, ctx: CliContext, editions: Editions) -> Overlay:
    """Read, validate and convert a protocol for ``evaluate --protocol``.

    An invalid protocol is refused: its findings go to stderr and a
    :class:`~wtguidance.errors.ProtocolError` (exit 2) summarises the first error.
    """
    from wtguidance._render.protocol import render_report
    from wtguidance.protocol import protocol_overlay, validate_protocol_text

    text, shown = read_text(path, ctx, "protocol file")
    report = validate_protocol_text(text, shown, None, editions)
    if not report.valid:
        ctx.stderr.write(render_report(report, "text") + "\n")
    return protocol_overlay(report)  # raises ProtocolError (exit 2) when invalid
