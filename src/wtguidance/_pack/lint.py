"""``wtguidance lint-packs``: validate packs and report how precisely they cite.

For each edition: rules citing a verified paragraph versus a section only, rules marked
provisional, and rules by confidence. :func:`lint_packs` returns a :class:`LintReport`
(every problem, sorted by location within a pack); any problem makes its exit code 1.
Presentation is ``_render/lint.py``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from wtguidance._pack.compile import compile_pack
from wtguidance._pack.load import RawPack, edition_dirs, load_pack
from wtguidance._pack.validate import check_pack
from wtguidance._resources import data_dir
from wtguidance.errors import PackCompileError, PackError

if TYPE_CHECKING:
    from wtguidance._resources import Traversable

__all__ = ["EditionLint", "LintReport", "lint_packs"]


def _implicit_sources(raw: RawPack) -> list[PackError]:
    """Obligations with a time limit that do not say where its number comes from.

    A pack author may leave ``timescale_source`` out (it defaults to ``guidance``), but a
    pack that is linted must say it, so no number is silently attributed to statute or to
    the guidance when it comes from the Panel's guidance or an Act.
    """
    found: list[PackError] = []
    for doc in raw.topics:
        rules = doc.value.get("rules", []) if isinstance(doc.value, dict) else []
        for index, rule in enumerate(rules):
            then = rule.get("then", {}) if isinstance(rule, dict) else {}
            spec = then.get("obligation") if isinstance(then, dict) else None
            if not isinstance(spec, dict) or spec.get("timescale") is None:
                continue
            if "timescale_source" not in spec:
                found.append(
                    PackCompileError(
                        "the obligation's time limit does not say where its number comes from",
                        code="implicit-timescale-source",
                        location=doc.locate(f"/rules/{index}/then/obligation/timescale"),
                        rule_id=str(rule.get("id")),
                        hint="add timescale_source: statute | guidance | panel_guidance | local",
                    )
                )
    return found


@dataclass(frozen=True, slots=True)
class EditionLint:
    """What lint found of one edition: valid or not, and how precisely a valid one cites."""

    edition: str
    valid: bool
    status: str | None = None
    rules: int = 0
    cite_paragraph: int = 0
    cite_section_only: int = 0
    provisional: tuple[str, ...] = ()
    confidence: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class LintReport:
    """Every problem of every pack (sorted by location within a pack), and each edition."""

    editions: tuple[EditionLint, ...]
    problems: tuple[PackError, ...]

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def exit_code(self) -> int:
        """1 when any pack has a problem, else 0."""
        return 0 if self.valid else 1


def _lint_one(entry: Traversable | Path, shown: str) -> tuple[EditionLint, list[PackError]]:
    """One edition's folder, read once: checked, compiled, and its limits' sources asked."""
    try:
        raw = load_pack(entry, shown_as=f"{shown}/{entry.name}")
        pack, found = check_pack(raw)
        if pack is not None:
            compile_pack(pack)
    except PackError as error:
        return EditionLint(entry.name, valid=False), [error]
    if pack is not None:
        implicit = _implicit_sources(raw)
        found = [*found, *implicit]
        if implicit:
            pack = None
    if pack is None:
        return EditionLint(entry.name, valid=False), list(found)
    confidence = Counter(r.confidence or "unrated" for r in pack.rules)
    lint = EditionLint(
        edition=pack.edition,
        valid=True,
        status=pack.meta.status,
        rules=len(pack.rules),
        cite_paragraph=sum(1 for r in pack.rules if r.citation.paragraph),
        cite_section_only=sum(1 for r in pack.rules if not r.citation.paragraph),
        provisional=tuple(sorted(r.id for r in pack.rules if r.provisional)),
        confidence=tuple(sorted(confidence.items())),
    )
    return lint, list(found)


def lint_packs(root: Path | None) -> LintReport:
    """Lint every edition folder under ``root`` (the shipped rules when ``None``).

    Each pack is read once. The report is data: ``_render/lint.py`` writes it as text or
    JSON, and the command line picks which."""
    base = root if root is not None else data_dir("rules")
    shown = str(root) if root is not None else "rules"
    editions: list[EditionLint] = []
    problems: list[PackError] = []
    for entry in edition_dirs(base, shown):
        lint, found = _lint_one(entry, shown)
        editions.append(lint)
        problems.extend(found)
    return LintReport(tuple(editions), tuple(problems))
