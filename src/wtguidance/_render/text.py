"""What every renderer shares: one Markdown escaper, one citation line, safe terminal text.

Text taken from a case or a pack (a case id, a summary, a role) is data, never markup:

- :func:`md_text` escapes it for Markdown (tables, headings, lists), so ``<script>``,
  ``|`` or ``*`` in a case id can neither inject HTML nor break a table;
- :func:`visible` makes control characters and bidirectional overrides visible as
  ``\\u202e``-style escapes, so a case id cannot reorder a line on a terminal or page;
- terminal tables are built from ``rich.text.Text`` objects, never from markup strings,
  so ``[red]`` or ``[/]`` in a case id is printed as written (see :func:`render_rich`).

:func:`citation_line` is the one way a citation is written for people, in every format, and
:func:`plain_value` the one way a rule's value (a timescale, a role list) is put in words;
both are defined beside the rule descriptions (``wtguidance._pack.describe``) so the
``explain`` command below this layer uses the same ones.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

from wtguidance._pack.describe import CitationLike, citation_line, plain_value

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.table import Table
    from rich.text import Text

__all__ = [
    "CitationLike",
    "TextTable",
    "citation_line",
    "dash",
    "html_text",
    "md_code",
    "md_link",
    "md_row",
    "md_text",
    "plain_value",
    "render_rich",
    "visible",
]


# --- characters that must never reach a terminal or page as themselves ------------------
# C0 and C1 controls (ESC starts terminal escape sequences), DEL, the line and paragraph
# separators, and the bidirectional marks, embeddings, overrides and isolates.
_HIDDEN = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def visible(text: str) -> str:
    """``text`` with control and bidirectional-override characters shown as ``\\uXXXX``."""
    return _HIDDEN.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def dash(value: object) -> str:
    """A value as text, with ``None`` shown as an em dash."""
    return "—" if value is None else visible(str(value))


# --- Markdown -----------------------------------------------------------------------------
# Every ASCII punctuation character that can start inline markup in CommonMark/GFM: escapes,
# code, emphasis, links, raw HTML and autolinks, table cells, strikethrough, entities and an
# ATX heading's closing #s. (Block markers such as "-" or ">" only matter at the start of a
# line, and escaped text never starts one.)
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#])")


def md_text(value: object) -> str:
    """Plain text (a case id, a summary, a role) as Markdown that shows exactly that text."""
    if value is None:
        return "—"
    text = " ".join(visible(str(value)).splitlines())
    return _MD_SPECIAL.sub(r"\\\1", text)


def md_code(text: str) -> str:
    """An identifier as inline code (safe in a table cell)."""
    fence, pad = ("``", " ") if "`" in text else ("`", "")
    body = visible(text).replace("|", "\\|")
    return f"{fence}{pad}{body}{pad}{fence}"


_URL_SAFE = ":/?#[]@!$&'()*+,;=%~-._"


def md_link(label: str, url: str) -> str:
    """``[label](<url>)`` for a web address (``label`` is plain text), else just the label."""
    text = md_text(label)
    if url.startswith(("https://", "http://")):
        return f"[{text}](<{quote(url, safe=_URL_SAFE)}>)"
    return text


def md_row(*cells: str) -> str:
    """One Markdown table row from cells that are already Markdown (see :func:`md_text`)."""
    return "| " + " | ".join(cells) + " |"


# --- HTML ---------------------------------------------------------------------------------
def html_text(value: object) -> str:
    """Plain text escaped for HTML (element content and quoted attribute values)."""
    return html.escape(dash(value), quote=True)


# --- the terminal ---------------------------------------------------------------------------
@dataclass(frozen=True)
class TextTable:
    """A terminal table whose key columns (ids, dates, statuses) are never cut or wrapped.

    ``columns`` are (header, key) pairs. Other columns wrap between words, never inside one;
    widths are worked out here rather than by rich, which may cut words to fit.
    """

    columns: tuple[tuple[str, bool], ...]
    rows: tuple[tuple[Text, ...], ...]
    title: str | None = None
    show_lines: bool = False

    def _extent(self, index: int) -> tuple[int, int]:
        """(narrowest, widest) the column can be: a key's longest line, a text's longest word."""
        from rich.cells import cell_len

        header, key = self.columns[index]
        texts = [header, *(row[index].plain for row in self.rows)]
        lines = [line for text in texts for line in text.splitlines()]
        widest = max((cell_len(line) for line in lines), default=1)
        if key:
            return widest, widest
        words = [word for line in lines for word in line.split()]
        return max((cell_len(word) for word in words), default=1), widest

    def minimum(self) -> int:
        """The narrowest the whole table can be (borders and padding included)."""
        return sum(self._extent(i)[0] for i in range(len(self.columns))) + 3 * len(self.columns) + 1

    def to_rich(self, width: int) -> Table:
        """The rich table at ``width`` columns (at least :meth:`minimum`)."""
        from rich.table import Table

        extents = [self._extent(i) for i in range(len(self.columns))]
        widths = [low for low, _high in extents]
        spare = max(width - self.minimum(), 0)
        wants = [high - low for low, high in extents]
        if sum(wants) <= spare:
            widths = [high for _low, high in extents]
        elif spare:
            total = sum(wants)
            extra = [want * spare // total for want in wants]
            left = spare - sum(extra)
            for index in sorted(range(len(wants)), key=lambda i: -wants[i]):
                if left and extra[index] < wants[index]:
                    extra[index] += 1
                    left -= 1
            widths = [w + e for w, e in zip(widths, extra, strict=True)]
        table = Table(title=self.title, title_justify="left", show_lines=self.show_lines)
        for (header, key), column_width in zip(self.columns, widths, strict=True):
            table.add_column(header, width=column_width, no_wrap=key, overflow="fold")
        for row in self.rows:
            table.add_row(*row)
        return table


def render_rich(items: Iterable[RenderableType | TextTable], *, width: int, color: bool) -> str:
    """Render rich objects and :class:`TextTable` s at ``width`` columns, or wider if need be.

    A table never cuts an id or a date: when even wrapping every text between words does not
    fit, the output is made as wide as the table's minimum and the terminal wraps the line.
    """
    from rich.console import Console

    parts = list(items)
    needed = max((p.minimum() for p in parts if isinstance(p, TextTable)), default=0)
    wide = max(width, needed)
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=color,
        no_color=not color,
        width=wide,
        highlight=False,
        emoji=False,
        markup=False,
    )
    for part in parts:
        console.print(
            part.to_rich(max(width, part.minimum())) if isinstance(part, TextTable) else part
        )
    return buffer.getvalue()
