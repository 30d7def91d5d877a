"""Ofsted Annex A lists 1–7 as case records: read a workbook, join episodes, judge them.

Annex A is the set of child-level lists a council gives Ofsted at inspection. Lists 3–7
(referrals, assessments, section 47 enquiries, children in need, child protection plans)
become one :class:`~wtguidance.case.Case` per episode of a child; lists 1–2 (contacts,
early help) are read and counted. Each episode carries what Annex A says beside the
case: the allocated team and worker (never a role: Annex A has none, so case-holder
verdicts are not evidenced), the latest review, visit and sighting (a snapshot), notes
on inferences and data quality, and the :class:`~wtguidance.case.SourceEvidence` of what
the source cannot show.

>>> from wtguidance.sources.annex_a import read_annex_a
>>> annex = read_annex_a("Annex_A.xlsx")            # or a folder of one CSV per list
>>> for item in annex:                               # AnnexAEpisode | Rejected
...     ...

Needs the ``annex-a`` extra for workbooks (``pip install -e '.[annex-a]'`` in a checkout); a
folder of CSV files needs nothing more. The joining rules: docs/annex-a.md.
"""

from __future__ import annotations

from wtguidance.sources.annex_a._episodes import (
    ANNEX_A_SOURCE,
    LATEST_ONLY,
    NEVER_RECORDED,
    Allocation,
    AnnexAEpisode,
    Latest,
)
from wtguidance.sources.annex_a._errors import AnnexAError
from wtguidance.sources.annex_a._import import AnnexAImport, ListCount, read_annex_a
from wtguidance.sources.annex_a._rows import RowRef
from wtguidance.sources.annex_a._sheets import MAX_BYTES, MAX_RECORDS, MAX_ROWS, IgnoredSheet

__all__ = [
    "ANNEX_A_SOURCE",
    "LATEST_ONLY",
    "MAX_BYTES",
    "MAX_RECORDS",
    "MAX_ROWS",
    "NEVER_RECORDED",
    "Allocation",
    "AnnexAEpisode",
    "AnnexAError",
    "AnnexAImport",
    "IgnoredSheet",
    "Latest",
    "ListCount",
    "RowRef",
    "read_annex_a",
]
