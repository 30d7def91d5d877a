"""``wtguidance validate-protocol`` and ``evaluate --protocol`` (DESIGN §8).

Exit codes: 0 no errors (warnings allowed unless ``--strict``), 1 errors, 2 the file
cannot be read or parsed.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from wtguidance.cli._context import CliContext, Commands, add_format, read_text
from wtguidance.errors import ProtocolError, SourceLocation, UsageError

if TYPE_CHECKING:
    from wtguidance.editions import Editions
    from wtguidance.overlay import Overlay
    from wtguidance.protocol import ProtocolReport

__all__ = ["FORMATS", "overlay_from_file", "register"]

#: the report formats (``wtguidance._render.protocol.FORMATS`` names the same; a test checks)
FORMATS = ("text", "json", "junit", "sarif", "github")


def _cmd_validate_protocol(args: argparse.Namespace, ctx: CliContext) -> int:
    from wtguidance import editions as editions_module
    from wtguidance._render.protocol import render_reports
    from wtguidance._render.visible import visible
    from wtguidance._yaml_document import MAX_BYTES
    from wtguidance.protocol import ProtocolReport, validate_protocol_text
    from wtguidance.protocol.report import READ_PROBLEMS

    if args.files.count("-") > 1:
        raise UsageError("stdin ('-') can be read only once; name it once", code="usage")
    editions = editions_module.shipped_editions()
    if args.edition is not None:
        editions.get(args.edition)  # unknown edition → exit 2 with the known ids
    reports = []
    for name in args.files:
        # every file gets a report, so a machine format is always one valid document that
        # accounts for every file; one that cannot be read is also a line on stderr
        try:
            text, shown = read_text(name, ctx, "protocol file", max_bytes=MAX_BYTES)
        except UsageError as error:
            if error.code not in READ_PROBLEMS:
                raise
            ctx.stderr.write(f"wtguidance: {visible(error.one_line())}\n")
            shown = "<stdin>" if name == "-" else name
            where = error.location
            reports.append(
                ProtocolReport.unreadable(
                    shown,
                    error.code,
                    error.message,
                    error.hint,
                    line=(where.line if where else None) or 1,
                    column=(where.column if where else None) or 1,
                )
            )
            continue
        reports.append(validate_protocol_text(text, shown, args.edition, editions))
    shown_reports = [r for r in reports if args.format != "text" or not _unread(r)]
    if shown_reports:
        text = render_reports(shown_reports, args.format, strict=args.strict, color=ctx.color)
        ctx.write(text, painted=args.format == "text")
    return max(report.exit_code(strict=args.strict) for report in reports)


def _unread(report: ProtocolReport) -> bool:
    from wtguidance.protocol.report import READ_PROBLEMS

    return any(f.code in READ_PROBLEMS for f in report.findings)


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
    add_format(parser, FORMATS, "text")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.set_defaults(handler=_cmd_validate_protocol)


def overlay_from_file(path: str, ctx: CliContext, editions: Editions) -> Overlay:
    """Read, validate and convert a protocol for ``evaluate --protocol``.

    An invalid protocol is refused with a one-line
    :class:`~wtguidance.errors.ProtocolError` (exit 2) naming its first error and where it is;
    ``validate-protocol`` lists every finding.
    """
    from wtguidance._yaml_document import MAX_BYTES
    from wtguidance.protocol import protocol_overlay, validate_protocol_text

    text, shown = read_text(path, ctx, "protocol file", max_bytes=MAX_BYTES)
    report = validate_protocol_text(text, shown, None, editions)
    if not report.valid:
        first = report.errors[0] if report.errors else None
        raise ProtocolError(
            report.summary(),
            code="invalid-protocol",
            location=SourceLocation(
                report.file,
                first.line if first else None,
                first.column if first else None,
                first.path if first else None,
            ),
            hint=f"'wtguidance validate-protocol {path}' lists every finding",
        )
    return protocol_overlay(report)
