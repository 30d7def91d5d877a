"""One caseload report: a source's records judged, added up, and the summary finished once.

Every caseload command (``cin-census``, ``annex-a``) and any caller with an importer's
records runs the same steps, so they live here, not in the command line:

1. the :class:`~wtguidance.caseload.Settings` of the run (as-of date, edition, the source's
   evidence, a local protocol) and the :class:`~wtguidance.caseload.SummaryBuilder` beside
   it, on the default working-day calendar;
2. the results, in input order, each added to the summary as it passes (the first is
   judged before :func:`run_report` returns, so a source that refuses its first record
   fails before any output is written);
3. the source's own file notes, added once: those it has up front before the first record,
   those it finds while streaming (the census) after the last;
4. the counts (``records = outcomes + rejected``) and whether the source was read whole.

>>> report = run_report(ReportSource("return.xml", census, CIN_CENSUS_EVIDENCE,
...                                  notes_after=lambda: census.notes,
...                                  complete=lambda: census.complete), as_of=day)
>>> for result in report.results: ...      # Evaluated | Rejected, in input order
>>> report.summary().records               # finished once, on first call
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain

from wtguidance.case import Case, Rejected, SourceEvidence
from wtguidance.caseload.run import Evaluated, Settings, evaluate_stream
from wtguidance.caseload.summary import CaseloadSummary, SummaryBuilder
from wtguidance.evaluation import default_calendar
from wtguidance.overlay import Overlay
from wtguidance.sources.sourced import SourcedCase, SourceNote

__all__ = ["CaseloadReport", "ReportSource", "run_report"]


def _whole() -> bool:
    return True


def _none() -> Iterable[SourceNote]:
    return ()


@dataclass(frozen=True, slots=True)
class ReportSource:
    """What an importer hands a report: its name, its records and what it says of the file."""

    name: str
    items: Iterable[SourcedCase | Case | Rejected]
    evidence: SourceEvidence | None = None
    #: file notes known before the first record (Annex A reads its workbook first)
    notes_before: Sequence[SourceNote] = ()
    #: file notes found while streaming, read once after the last record (the census)
    notes_after: Callable[[], Iterable[SourceNote]] = _none
    #: whether the source was read to its end (read after the last record)
    complete: Callable[[], bool] = _whole
    #: with ``jobs`` above 1, the results as the source gives them on that many processes
    #: (the census: each worker reads its own byte range), instead of ``items`` sent out
    split: Callable[[Settings, int], Iterator[Evaluated | Rejected]] | None = None


@dataclass(slots=True)
class CaseloadReport:
    """A running report: pass :attr:`results` through, then read :meth:`summary`."""

    source: ReportSource
    builder: SummaryBuilder
    results: Iterator[Evaluated | Rejected]
    _finished: bool = field(default=False, init=False)

    def summary(self) -> CaseloadSummary:
        """The summary, finished on first call (file notes added once, completeness set).

        Call it once every result has passed: the counts are those seen so far."""
        if not self._finished:
            self._finished = True
            self.builder.add_file_notes(self.source.notes_after(), self.source.name)
            self.builder.summary.complete = self.source.complete()
        return self.builder.summary

    def counts_line(self) -> str:
        """``N records: X outcomes, Y rejected``, as the commands report it on stderr."""
        done = self.summary()
        return f"{done.records} records: {done.outcomes} outcomes, {done.rejected} rejected"

    def close(self) -> None:
        """Free the summary's row store (its temporary file, past a few thousand rows)."""
        self.builder.summary.close()


def run_report(
    source: ReportSource,
    *,
    as_of: dt.date,
    edition: str = "auto",
    overlay: Overlay | None = None,
    jobs: int = 1,
    trace: bool = True,
) -> CaseloadReport:
    """Judge ``source``'s records as of ``as_of`` and add them up (see the module docs).

    ``trace=False`` skips recording each outcome's trace (a report that never shows it)."""
    settings = Settings(as_of, edition, source.evidence, overlay, trace=trace)
    builder = SummaryBuilder(
        as_of=as_of,
        calendar=default_calendar(),
        edition=edition,
        evidence=source.evidence,
        source=source.name,
        protocol=settings.protocol,
    )
    builder.add_file_notes(source.notes_before, source.name)
    if source.split is not None and jobs > 1:
        judged = source.split(settings, jobs)
    else:
        judged = evaluate_stream(source.items, settings, jobs=jobs)
    results = builder.add_all(judged)
    first = next(results, None)  # a refused source fails here, before any output
    return CaseloadReport(source, builder, chain([first] if first is not None else [], results))
