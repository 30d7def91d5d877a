"""Caseload diff (DESIGN §9, §10): what another edition, or a local protocol, does to a caseload.

:func:`diff_caseload` judges every record of a caseload under two sides — two editions, or
one edition by national rules and the same edition tightened by a local protocol — in one
pass over the input, and lines up each case's two outcomes exactly as
:func:`~wtguidance.diff.diff_case` does (obligations by id and clock date, case-holder
verdicts by stage, allocation date and role, sign-offs by id and subject date; the same
key functions). :func:`diff_caseload_file` reads a census return, an Annex A workbook or
folder, or a JSON Lines batch first.

The result, :class:`CaseloadDiff`, is what every renderer (text, JSON, CSV, HTML) and the
HTTP service share. It reconciles: ``records == outcomes + rejected`` on each side (a
record rejected by either side is rejected once, for both), and for every id
``from_instances == unchanged + changed + disappeared`` and
``to_instances == unchanged + changed + appeared``.

The parts live beside it: the result types in :mod:`~wtguidance.diff.caseload_result`
(re-exported here), judging and comparing each record in
:mod:`~wtguidance.diff.caseload_records`, adding up in :mod:`~wtguidance.diff.caseload_counts`,
and telling a file's kind (:func:`detect_source`, re-exported) in
:mod:`~wtguidance.diff.caseload_sources`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

from wtguidance._arguments import require, require_date, require_iterable, require_path
from wtguidance.case import Case, Rejected, SourceEvidence
from wtguidance.diff.caseload_counts import CaseloadCounter
from wtguidance.diff.caseload_records import Plan, judge_records
from wtguidance.diff.caseload_result import (
    ABSENT,
    CHANGE_KINDS,
    CaseloadDiff,
    DiffSide,
    InstanceChange,
    InstanceSide,
    ItemChanges,
    Kind,
    OverdueChange,
    RejectedRecord,
    SourceKind,
    StatusMove,
)
from wtguidance.diff.caseload_sources import detect_source, open_caseload
from wtguidance.editions import Editions, shipped_editions
from wtguidance.errors import UsageError
from wtguidance.overlay import Overlay
from wtguidance.sources.sourced import SourcedCase

__all__ = [
    "ABSENT",
    "CHANGE_KINDS",
    "CaseloadDiff",
    "DiffSide",
    "InstanceChange",
    "InstanceSide",
    "ItemChanges",
    "Kind",
    "OverdueChange",
    "RejectedRecord",
    "SourceKind",
    "StatusMove",
    "detect_source",
    "diff_caseload",
    "diff_caseload_file",
]


def _sides(
    editions: Editions, a: str, b: str | None, overlay: Overlay | None
) -> tuple[str, str, Overlay | None, Overlay | None]:
    def known(edition: str) -> str:  # unknown → UsageError naming the known ones
        return edition if edition == "auto" else editions.get(edition).edition

    a = known(a)
    if b is None:
        if overlay is None:
            raise UsageError(
                "a caseload diff needs two editions (A B), or one edition and a protocol",
                code="usage",
            )
        if a not in ("auto", overlay.edition):
            raise UsageError(
                f"the protocol tightens edition {overlay.edition}, not {a}: compare it with "
                f"its own edition (diff {overlay.edition} --protocol ...)",
                code="usage",
            )
        return a, a, None, overlay
    return a, known(b), overlay, overlay


def diff_caseload(
    items: Iterable[Case | SourcedCase | Rejected],
    a: str,
    b: str | None = None,
    *,
    as_of: dt.date,
    overlay: Overlay | None = None,
    evidence: SourceEvidence | None = None,
    jobs: int = 1,
    source: str | None = None,
    source_kind: str | None = None,
    editions: Editions | None = None,
) -> CaseloadDiff:
    """Judge every case of ``items`` under two sides and add up what changes.

    - ``diff_caseload(cases, "2023", "2026", as_of=d)``: edition 2023 against 2026, every
      case pinned to each (``overlay``, if given, applies on the side of its own edition,
      as :func:`~wtguidance.diff.diff_case` applies it);
    - ``diff_caseload(cases, "2023", overlay=o, as_of=d)``: edition 2023 by national rules
      against the same edition tightened by the protocol ``o`` (its edition must be 2023).

    ``auto`` for an edition judges each conclusion under the edition in force on its anchor
    date, as ``evaluate`` does: ``diff_caseload(cases, "auto", overlay=o, ...)`` is the
    caseload as judged today, without and with the protocol (which tightens the
    conclusions its own edition governs).

    ``items`` is what an importer yields (``Case``, ``SourcedCase`` or ``Rejected``), read
    once; ``evidence`` is the source's (a ``SourcedCase``'s own wins). A record either side
    cannot judge is rejected, once, with the reason; ``jobs=N`` spreads the work over N
    processes with the same result. ``source`` and ``source_kind`` only label the result;
    ``editions``: judge with these instead of the shipped ones (``jobs=1`` only).
    """
    if editions is not None:
        require(editions, Editions, "editions", "diff_caseload", "pass shipped_editions()")
    require_iterable(items, "items", "diff_caseload", _ITEMS_HINT)
    return _diff_items(
        map(_item, items),
        a,
        b,
        as_of,
        overlay,
        evidence,
        jobs,
        source,
        source_kind,
        lambda: True,
        editions,
    )


_ITEMS_HINT = "pass cases (parse_case_obj(data)) or what an importer yields"


def _item(value: object) -> Case | SourcedCase | Rejected:
    if isinstance(value, Case | SourcedCase | Rejected):
        return value
    raise UsageError(
        f"diff_caseload: each item must be a Case, SourcedCase or Rejected, not "
        f"{type(value).__name__}",
        code="bad-argument",
        hint=_ITEMS_HINT,
    )


def _diff_items(
    items: Iterable[Case | SourcedCase | Rejected],
    a: str,
    b: str | None,
    as_of: dt.date,
    overlay: Overlay | None,
    evidence: SourceEvidence | None,
    jobs: int,
    source: str | None,
    source_kind: str | None,
    complete: Callable[[], bool],
    editions: Editions | None = None,
) -> CaseloadDiff:
    day = require_date(as_of, "as_of", "diff_caseload")
    if day is None:
        raise UsageError("diff_caseload: as_of is required (a datetime.date)", code="usage")
    if evidence is not None:
        require(evidence, SourceEvidence, "evidence", "diff_caseload")
    if overlay is not None:
        require(overlay, Overlay, "overlay", "diff_caseload", "pass protocol_overlay(report)")
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise UsageError(f"jobs must be a whole number of at least 1, not {jobs!r}", code="usage")
    left, right, left_overlay, right_overlay = _sides(editions or shipped_editions(), a, b, overlay)
    plan = Plan(day, left, right, left_overlay, right_overlay, evidence)
    builder = CaseloadCounter()
    if editions is not None and jobs > 1:
        raise UsageError(
            "diff_caseload: jobs > 1 judges with the shipped editions only", code="usage"
        )
    for item, result in judge_records(items, plan, jobs, editions):
        builder.add(item, result)
    return builder.result(
        _side(left, left_overlay),
        _side(right, right_overlay),
        day,
        source,
        source_kind,
        complete(),
    )


def _side(edition: str, overlay: Overlay | None) -> DiffSide:
    if overlay is None or edition not in ("auto", overlay.edition):
        return DiffSide(edition=edition)
    from wtguidance._pack.views import protocol_view

    return DiffSide(edition=edition, protocol=protocol_view(overlay.protocol))


# --- files -------------------------------------------------------------------------------


def diff_caseload_file(
    path: str | Path,
    a: str,
    b: str | None = None,
    *,
    as_of: dt.date,
    overlay: Overlay | None = None,
    source: SourceKind | None = None,
    jobs: int = 1,
    stream: IO[str] | None = None,
) -> CaseloadDiff:
    """:func:`diff_caseload` over a census return, an Annex A workbook/folder or a JSON
    Lines batch (``source``, or :func:`detect_source`). ``stream``: the JSON Lines text to
    read instead of opening ``path`` (standard input). A file that cannot be read raises
    :class:`~wtguidance.errors.UsageError`; a census that stops being well-formed part way
    gives ``complete=False`` and a last rejected entry saying where."""
    if stream is None:
        require_path(path, "path", "diff_caseload_file")
    if source not in (None, "cin", "annex-a", "jsonl"):
        raise UsageError(f"source: {source!r} is not one of cin, annex-a, jsonl", code="usage")
    shown = str(path)
    kind: SourceKind = source or ("jsonl" if stream is not None else detect_source(path))

    def run(
        items: Iterable[Case | SourcedCase | Rejected],
        evidence: SourceEvidence | None = None,
        complete: Callable[[], bool] = lambda: True,
    ) -> CaseloadDiff:
        return _diff_items(items, a, b, as_of, overlay, evidence, jobs, shown, kind, complete)

    if kind == "annex-a":
        from wtguidance.sources.annex_a import read_annex_a

        if not Path(path).exists():
            raise UsageError(f"{shown}: no such workbook or folder", code="missing-file")
        annex = read_annex_a(path)
        return run(annex.sourced(), annex.evidence)
    if kind == "cin":
        from wtguidance.sources.cin_census import CIN_CENSUS_EVIDENCE, read_cin_census

        binary = open_caseload(path, "census file", binary=True)
        with binary:
            census = read_cin_census(binary, name=shown)
            return run(census, CIN_CENSUS_EVIDENCE, lambda: census.complete)
    from wtguidance.sources.jsonl import read_jsonl

    text = stream if stream is not None else open_caseload(path, "cases file", binary=False)
    try:
        return run(read_jsonl(text, name=shown))
    except UnicodeDecodeError as exc:
        raise UsageError(f"{shown}: not UTF-8 text ({exc.reason})", code="invalid-input") from None
    finally:
        if stream is None:
            text.close()
