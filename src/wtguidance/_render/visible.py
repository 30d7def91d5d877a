"""Text made safe to show: control and bidirectional-override characters as ``\\uXXXX``.

What every output shares, kept apart from the renderers (:mod:`wtguidance._render.text`
re-exports it) so that writing JSON or a one-line error imports no HTML or Markdown
helpers (docs/performance.md).
"""

from __future__ import annotations

import re

__all__ = ["dash", "one_line", "visible"]


# --- characters that must never reach a terminal or page as themselves ------------------
# C0 and C1 controls (ESC starts terminal escape sequences), DEL, the line and paragraph
# separators, and the bidirectional marks, embeddings, overrides and isolates.
_HIDDEN_CHARACTERS = (
    "\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
)
_HIDDEN = re.compile(f"[{_HIDDEN_CHARACTERS}]")
_HIDDEN_OR_NEWLINE = re.compile(f"[{_HIDDEN_CHARACTERS}\n]")


def _shown(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def visible(text: str) -> str:
    """``text`` with control and bidirectional-override characters shown as ``\\uXXXX``.

    Line feeds are kept: this is for whole outputs of several lines. A single value (an id,
    a file name, a message, a table cell) goes through :func:`one_line` instead.
    """
    return _HIDDEN.sub(_shown, text)


def one_line(value: object) -> str:
    """A single value as text that stays on one line and cannot restyle or reorder it.

    Like :func:`visible`, and a line feed is shown as ``\\u000a`` too, so an id or a
    message can never start a new line (a fake table row, a fake workflow command).
    ``None`` becomes the empty string.
    """
    return "" if value is None else _HIDDEN_OR_NEWLINE.sub(_shown, str(value))


def dash(value: object) -> str:
    """A value as one line of text (:func:`one_line`), with ``None`` shown as an em dash."""
    return "—" if value is None else one_line(value)
