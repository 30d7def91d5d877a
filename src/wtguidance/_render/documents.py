"""The JSON documents the command line prints and the HTTP service returns, made in one place.

Each function returns the whole document as text ending in a newline: exactly what
``wtguidance <command> --format json`` writes to stdout and what the service sends as the
response body. The CLI and ``wtguidance.service`` both call these, so the two can never
drift apart (a test compares them byte for byte).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import msgspec

from wtguidance._render.visible import visible
from wtguidance.results import encode_json

if TYPE_CHECKING:
    from wtguidance.diff import CaseDiff, EditionDiff
    from wtguidance.editions import Editions
    from wtguidance.protocol import ProtocolReport
    from wtguidance.results import Outcome

__all__ = [
    "diff_document",
    "edition_rows",
    "editions_document",
    "explain_document",
    "json_line",
    "outcome_document",
    "protocol_document",
]


def _document(text: str) -> str:
    """The text ending in a newline, with names readable and nothing able to steer a terminal.

    Non-ASCII is kept as itself (``ensure_ascii=False``: "Siôn", not "Si\\u00f4n"), while
    control and bidirectional-override characters become JSON's own ``\\uXXXX`` escapes: the
    same data, but a ``case_id`` holding U+202E cannot reorder a line where it is shown.
    """
    text = visible(text)
    return text if text.endswith("\n") else text + "\n"


_ENCODE = encode_json  # the results encoder (it knows an outcome's lazy trace)


def outcome_document(outcome: Outcome) -> str:
    """``evaluate --format json``: the outcome as DESIGN §6 fixes it.

    Encoded once, straight from the result structs (no dict of it is built), and indented
    as ``json.dumps(..., indent=2, ensure_ascii=False)`` indents (tests/test_golden.py).
    """
    return _document(msgspec.json.format(_ENCODE(outcome), indent=2).decode())


def json_line(value: object) -> str:
    """``value`` (a result struct, or plain JSON data) as JSON on one line, spaced as
    ``json.dumps(value, ensure_ascii=False)`` spaces it: what ``batch`` writes per record
    and ``--format json`` per outcome of a caseload. Encoded once by msgspec; no text-safety
    pass (each line is a JSON value, and a JSON reader sees escapes and characters alike).
    """
    return msgspec.json.format(_ENCODE(value), indent=0).decode()


def edition_rows(editions: Editions) -> list[dict[str, Any]]:
    """One row per edition: id, title, dates, the span it governs, status and rule count."""
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
    return rows


def editions_document(editions: Editions) -> str:
    """``editions --format json``."""
    return _document(json.dumps(edition_rows(editions), indent=2, ensure_ascii=False))


def protocol_document(report: ProtocolReport, *, strict: bool = False) -> str:
    """``validate-protocol --format json`` for one file (DESIGN §8)."""
    from wtguidance._render.protocol import render_report

    return _document(render_report(report, "json", strict=strict))


def diff_document(diff: EditionDiff, case: CaseDiff | None = None) -> str:
    """``diff A B --format json`` (with ``--case``: the case under both editions)."""
    from wtguidance._render.diff import diff_json

    return _document(diff_json(diff, case))


def explain_document(editions: Editions, wanted: str) -> str:
    """``explain ID --format json``: one rule, or every rule behind a stable id."""
    from wtguidance._render.explain import explain_json
    from wtguidance.explain import explained

    return _document(explain_json(explained(editions, wanted)))
