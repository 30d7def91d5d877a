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

from wtguidance._pack.describe import (
    PARAGRAPHS_NOT_VERIFIED,
    CitationLike,
    citation_line,
    plain_value,
)
from wtguidance._render.visible import dash, one_line, visible

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.text import Text

__all__ = [
    "PARAGRAPHS_NOT_VERIFIED",
    "CitationLike",
    "TextTable",
    "any_unverified",
    "citation_line",
    "dash",
    "html_text",
    "md_code",
    "md_link",
    "md_row",
    "md_text",
    "one_line",
    "plain_value",
    "render_rich",
    "visible",
]


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


def any_unverified(citations: Iterable[CitationLike]) -> bool:
    """Whether any of ``citations`` lacks a verified paragraph number."""
    return any(not citation.paragraph for citation in citations)


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
    """A terminal table that fits the width it is given, wrapping cells but never cutting them.

    ``columns`` are (header, key) pairs. A key column (ids, dates, statuses, counts) is never
    wrapped, so an id can be found and copied whole; other columns wrap between words, never
    inside one. Widths are worked out here rather than by rich, which may cut words to fit.
    The table has no outer border (the first column starts at the margin). When even that
    is too wide, the table is written as a list instead: each row's first cell, then
    ``header: value`` for the others, so every value keeps its column's name and no line
    is wider than the terminal.
    """

    columns: tuple[tuple[str, bool], ...]
    rows: tuple[tuple[Text, ...], ...]
    title: str | None = None
    show_lines: bool = False
    right: frozenset[int] = frozenset()

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
        # one space of padding each side of a cell, one rule between cells, no outer edge
        return sum(self._extent(i)[0] for i in range(len(self.columns))) + 3 * len(self.columns) - 3

    def fits(self, width: int) -> bool:
        """Whether the table can be drawn as a table within ``width`` columns."""
        return self.minimum() <= width

    def to_rich(self, width: int) -> RenderableType:
        """The table at ``width`` columns, or the same rows as a list if it cannot fit."""
        if not self.fits(width):
            return self._as_list()
        from rich.table import Table

        extents = [self._extent(i) for i in range(len(self.columns))]
        widths = [low for low, _high in extents]
        spare = max(width - self.minimum(), 0)
        wants = [high - low for low, high in extents]
        if sum(wants) <= spare:
            widths = [w + want for w, want in zip(widths, wants, strict=True)]
        elif spare:
            total = sum(wants)
            extra = [want * spare // total for want in wants]
            left = spare - sum(extra)
            for index in sorted(range(len(wants)), key=lambda i: -wants[i]):
                if left and extra[index] < wants[index]:
                    extra[index] += 1
                    left -= 1
            widths = [w + e for w, e in zip(widths, extra, strict=True)]
        table = Table(
            title=self.title,
            title_justify="left",
            show_lines=self.show_lines,
            show_edge=False,
            pad_edge=False,
        )
        for index, ((header, key), column_width) in enumerate(
            zip(self.columns, widths, strict=True)
        ):
            table.add_column(
                header,
                width=column_width,
                no_wrap=key,
                overflow="fold",
                justify="right" if index in self.right else "left",
            )
        for row in self.rows:
            table.add_row(*row)
        return table

    def _as_list(self) -> RenderableType:
        from rich.console import Group
        from rich.padding import Padding
        from rich.text import Text

        parts: list[RenderableType] = []
        if self.title:
            parts.append(Text(self.title, style="italic"))
        for row in self.rows:
            first, *rest = row
            item = Text.assemble("• ", first, no_wrap=True, overflow="ignore")  # never cut
            parts.append(item)
            details = Text()
            for (header, _kind), cell in zip(self.columns[1:], rest, strict=True):
                if details:
                    details.append(" · ", style="dim")
                if header:
                    details.append(f"{' '.join(header.split())}: ", style="dim")
                details.append_text(cell)
            if details:
                parts.append(Padding(details, (0, 0, 0, 2), expand=False))
        return Group(*parts)


def render_rich(items: Iterable[RenderableType | TextTable], *, width: int, color: bool) -> str:
    """Render rich objects and :class:`TextTable` s within ``width`` columns.

    A table that cannot fit as a table, even with every cell wrapped, is written as a list
    (:meth:`TextTable.to_rich`), so no line is wider than ``width`` and no id or date is cut.
    """
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=color,
        no_color=not color,
        width=width,
        highlight=False,
        emoji=False,
        markup=False,
    )
    for part in items:
        console.print(part.to_rich(width) if isinstance(part, TextTable) else part, crop=False)
    text = buffer.getvalue()
    if color:
        return text
    return "".join(line.rstrip(" ") + "\n" for line in text.splitlines())
