"""How results look: one colour per status on the terminal and in HTML, and the HTML page.

A status has a *tone* (good, late, open, bad, quiet); the terminal paints a tone with a rich
style and an HTML page with the matching CSS class, so ``overdue`` is bold red in both.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rich.text import Text

from wtguidance._render.text import html_text, visible

__all__ = [
    "CHART_HISTOGRAM",
    "CHART_LIMIT",
    "CHART_STATUS_COLOURS",
    "NOT_LEGAL_ADVICE",
    "html_page",
    "nowrap_dates",
    "rich_style",
    "status_html",
    "status_text",
]

NOT_LEGAL_ADVICE = (
    "Not legal advice. wtguidance paraphrases Working Together to Safeguard Children and "
    "cites where each rule comes from; professional judgement, the guidance itself and local "
    "procedures come first."
)

_TONE = {
    "met": "good",
    "given": "good",
    "compliant": "good",
    "yes": "good",
    "met_late": "late",
    "pending": "open",
    "overdue": "bad",
    "missing": "bad",
    "invalid": "bad",
    "not compliant": "bad",
    "no": "bad",
    "unscheduled": "quiet",
    "ended": "quiet",
    "not_evidenced": "quiet",
}
_RICH = {"good": "green", "late": "yellow", "open": "cyan", "bad": "bold red", "quiet": "dim"}

#: the caseload charts' colour of each obligation status (legend order)
CHART_STATUS_COLOURS = {
    "met": "#1a7f37",
    "met_late": "#d4a72c",
    "overdue": "#cf222e",
    "pending": "#0969da",
    "ended": "#8c959f",
    "not_evidenced": "#d0d7de",
    "unscheduled": "#eaeef2",
}
CHART_HISTOGRAM = "#8250df"
"""The histograms' bars: a colour no status uses."""
CHART_LIMIT = "#cf222e"
"""A limit drawn on a chart."""


def rich_style(status: str) -> str:
    """The terminal style of a status word (empty for a word with no tone)."""
    tone = _TONE.get(status)
    return _RICH[tone] if tone else ""


_CSS = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1b1b1b; line-height: 1.4; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1.5rem; }
th, td { border: 1px solid #b1b4b6; padding: 0.35rem 0.5rem; vertical-align: top; }
th, td { text-align: left; }
th { background: #f3f2f1; }
code, .date, .status, td.key { white-space: nowrap; }
.meta { color: #505a5f; font-size: 0.9em; }
.summary-line { font-size: 1.1em; }
.tone-good { color: #00703c; }
.tone-late { color: #8a5a00; }
.tone-open { color: #1d70b8; }
.tone-bad { color: #d4351c; font-weight: bold; }
.tone-quiet { color: #505a5f; }
footer { color: #505a5f; font-size: 0.85em; margin-top: 2rem; border-top: 1px solid #b1b4b6; }
"""


def status_text(status: str) -> Text:
    """A status word for the terminal, in its tone's colour."""
    tone = _TONE.get(status)
    return Text(visible(status), style=_RICH[tone] if tone else "")


def status_html(status: str) -> str:
    """A status word for HTML, in the same colour as on the terminal."""
    tone = _TONE.get(status)
    css = f"status tone-{tone}" if tone else "status"
    return f'<span class="{css}">{html_text(status)}</span>'


_DATE = re.compile(r"\b([0-9]{4}-[0-9]{2}-[0-9]{2})\b")


def nowrap_dates(escaped: str) -> str:
    """Keep every ``YYYY-MM-DD`` in already-escaped HTML on one line."""
    return _DATE.sub(r'<span class="date">\1</span>', escaped)


def html_page(title: str, body: Iterable[str], css: str = "") -> str:
    """One self-contained page: inline CSS, no scripts, no external resources."""
    head = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html_text(title)}</title>",
        f"<style>{_CSS}{css}</style>",
        "</head>",
        "<body>",
    ]
    foot = f'<footer class="legal"><p>{html_text(NOT_LEGAL_ADVICE)}</p></footer>'
    return "\n".join([*head, *body, foot, "</body>", "</html>"]) + "\n"
