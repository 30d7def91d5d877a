"""Reading CIN census element values: tags without namespaces, dates, yes/no flags.

Every census date is an ``xs:date`` (``YYYY-MM-DD``, optionally with a time-zone suffix,
which is accepted, stripped and noted). Anything else — an impossible day such as
2024-02-30, ``30/02/2024``, ``2024-2-3``, a date-time — is a :class:`BadValue` naming the
field, the value and where it stood; the episode is then rejected, never coerced.

A single-valued item (``CINreferralDate``, ``PersonBirthDate`` …) written twice is never
resolved silently: the same value twice is read once with a ``duplicate-element`` note;
two different values are a :class:`BadValue` naming both and their lines, because which one
the council meant cannot be told (docs/cin-census.md, "Census structure").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from xml.etree.ElementTree import Element

from wtguidance.sources.sourced import SourceNote

__all__ = ["BadValue", "Fields", "Locate", "local_name"]

Locate = Callable[[Element], tuple[int | None, int | None]]
"""Where an element started in the file: (line, column), 1-based, or ``(None, None)``."""

_DATE = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})(Z|[+-][0-9]{2}:[0-9]{2})?")
_TRUE = frozenset({"true", "1"})
_SHOWN = 5  # repeated items named in a message; the rest are counted
_FALSE = frozenset({"false", "0"})


def local_name(tag: object) -> str:
    """The tag without its ``{namespace}`` (comments and processing instructions give '')."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


class BadValue(Exception):  # noqa: N818 - an internal signal, never raised to callers
    """A value the census layout does not allow; the episode holding it is rejected."""

    def __init__(
        self, field: str, value: str | None, reason: str, line: int | None, column: int | None
    ) -> None:
        super().__init__(reason)
        self.field = field
        self.value = value
        self.reason = reason
        self.line = line
        self.column = column


class Fields:
    """The child elements of one census element, looked up by local name, in any order.

    ``path`` names the element for messages (``CINdetails/Section47``); ``notes`` collects
    what was tolerated (a time-zone suffix, a repeated item with one value) so the importer
    can report it. ``also`` are further elements of the same name (a second
    ``ChildIdentifiers``) whose items are read together with ``element``'s.
    """

    __slots__ = ("_by_name", "_noted", "element", "locate", "notes", "path")

    def __init__(
        self,
        element: Element,
        path: str,
        locate: Locate,
        notes: list[SourceNote],
        also: tuple[Element, ...] = (),
    ) -> None:
        self.element = element
        self.path = path
        self.locate = locate
        self.notes = notes
        self._noted: set[str] = set()
        by_name: dict[str, list[Element]] = {}
        for parent in (element, *also):
            for child in parent:
                name = local_name(child.tag)
                if name:
                    by_name.setdefault(name, []).append(child)
        self._by_name = by_name

    def all(self, name: str) -> list[Element]:
        """Every child element called ``name``, in document order."""
        return self._by_name.get(name, [])

    def blocks(self, name: str) -> list[Fields]:
        """Every child block called ``name``, as :class:`Fields`."""
        return [Fields(e, self.name(name), self.locate, self.notes) for e in self.all(name)]

    def single_block(self, name: str) -> Fields | None:
        """The one block called ``name`` (the layout allows one): repeats are read together,
        with a ``duplicate-element`` note, so no item in them is lost."""
        found = self.all(name)
        if not found:
            return None
        if len(found) > 1:
            self.notes.append(
                SourceNote(
                    "duplicate-element",
                    f"{self.name(name)} appears {len(found)} times ({self.lines(found)}); "
                    "their items are read together",
                )
            )
        return Fields(found[0], self.name(name), self.locate, self.notes, tuple(found[1:]))

    def lines(self, elements: list[Element]) -> str:
        where = [self.locate(e)[0] for e in elements[:_SHOWN]]
        more = f" and {len(elements) - _SHOWN} more" if len(elements) > _SHOWN else ""
        return "lines " + ", ".join(str(line) if line else "?" for line in where) + more

    def line(self, name: str) -> int | None:
        """The line of the ``name`` child (the first, when repeated), if any."""
        found = self._by_name.get(name)
        return self.locate(found[0])[0] if found else None

    def name(self, child: str) -> str:
        """The path of a child element, as messages and rejected entries name it."""
        return f"{self.path}/{child}" if self.path else child

    def text(self, name: str) -> str | None:
        """The stripped text of the single-valued ``name`` child; empty or whitespace-only is
        absent. Written twice with one value: read once, noted; with two values: rejected."""
        found = self._by_name.get(name)
        if not found:
            return None
        value = (found[0].text or "").strip()
        if len(found) > 1:
            self._repeated(name, found, value)
        return value or None

    def _repeated(self, name: str, found: list[Element], value: str) -> None:
        values = [(e.text or "").strip() for e in found]
        path = self.name(name)
        if any(v != value for v in values):
            first: dict[str, Element] = {}  # each value, where it first stood
            for v, e in zip(values, found, strict=True):
                first.setdefault(v, e)
            distinct = list(first.items())
            shown = ", ".join(
                f"{(v or 'empty')[:40]!r} (line {self.locate(e)[0] or '?'})"
                for v, e in distinct[:_SHOWN]
            )
            more = f" and {len(distinct) - _SHOWN} more" if len(distinct) > _SHOWN else ""
            reason = (
                f"{path} appears {len(found)} times with different values: {shown}{more}; "
                "which one holds cannot be told"
            )
            at = distinct[1][1]
            raise self.bad(name, " | ".join(v for v, _e in distinct[:_SHOWN]), reason, at)
        if name not in self._noted:
            self._noted.add(name)
            self.notes.append(
                SourceNote(
                    "duplicate-element",
                    f"{path} appears {len(found)} times ({self.lines(found)}), each "
                    f"{value or 'empty'!r}: read once",
                )
            )

    def bad(self, name: str, value: str | None, reason: str, at: Element | None = None) -> BadValue:
        found = self._by_name.get(name)
        line, column = self.locate(at if at is not None else found[0] if found else self.element)
        return BadValue(self.name(name), value, reason, line, column)

    def date(self, name: str, *, required: bool = False) -> dt.date | None:
        """The ``xs:date`` in ``name``; absent is ``None`` (or rejected when ``required``)."""
        value = self.text(name)
        if value is None:
            if required:
                raise self.bad(name, None, f"{self.name(name)} is missing")
            return None
        return self.parse_date(name, value)

    def parse_date(self, name: str, value: str, at: Element | None = None) -> dt.date:
        match = _DATE.fullmatch(value)
        if match is None:
            raise self.bad(name, value, f"{value!r} is not a date in YYYY-MM-DD form", at)
        try:
            day = dt.date.fromisoformat(match.group(1))
        except ValueError as exc:
            reason = f"{value!r} is not a real calendar date ({exc})"
            raise self.bad(name, value, reason, at) from None
        if match.group(2):
            self.notes.append(
                SourceNote(
                    "timezone-suffix",
                    f"{self.name(name)} {value!r}: time-zone suffix ignored",
                    "info",
                )
            )
        return day

    def dates(self, name: str) -> list[dt.date]:
        """Every non-empty ``name`` child as a date, in document order."""
        found = []
        for element in self.all(name):
            value = (element.text or "").strip()
            if value:
                found.append(self.parse_date(name, value, element))
        return found

    def flag(self, name: str) -> bool | None:
        """A yes/no item: ``true``/``false``/``1``/``0`` in any case, padding ignored."""
        value = self.text(name)
        if value is None:
            return None
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise self.bad(name, value, f"{value!r} is not a yes/no value (true, false, 1 or 0)")
