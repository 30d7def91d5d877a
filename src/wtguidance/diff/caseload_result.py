"""The typed result of a caseload diff (DESIGN §9, §10): :class:`CaseloadDiff` and its parts.

Every renderer (text, JSON, CSV, HTML) and the HTTP service read these; they reconcile:
``records == outcomes + rejected`` on each side, and for every id
``from_instances == unchanged + changed + disappeared`` and
``to_instances == unchanged + changed + appeared``.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import msgspec

from wtguidance.results import ProtocolView, encode_json

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
    "ResultStruct",
    "SourceKind",
    "StatusMove",
]

Kind = Literal["obligation", "sign_off", "case_holder"]
SourceKind = Literal["cin", "annex-a", "jsonl"]

CHANGE_KINDS = (
    "appeared",
    "disappeared",
    "due_earlier",
    "due_later",
    "due",
    "limit",
    "status",
    "signer",
    "other",
)
"""What can change about one instance: it appears or disappears; its due date moves earlier
or later (``due``: gained or lost one); its limit; its status; who must sign it off
(sign-offs); ``other``: something else a case diff shows (a date it was met or given, who
signed, a case-holder verdict's reason)."""

ABSENT = "absent"
"""The status a move names for an instance one side does not have."""


class ResultStruct(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """An immutable part of a caseload diff (or of one record's comparison)."""


class DiffSide(ResultStruct, frozen=True):
    """How one side judges: an edition, with the local protocol applied to it if any."""

    edition: str
    protocol: ProtocolView | None = None

    @property
    def label(self) -> str:
        """``2023``, or ``2023 + Exampleshire County Council protocol``."""
        if self.protocol is None:
            return self.edition
        return f"{self.edition} + {self.protocol.authority} protocol"

    @property
    def short(self) -> str:
        """``2023``, or ``2023 + protocol`` (for column headers)."""
        return self.edition if self.protocol is None else f"{self.edition} + protocol"


class InstanceSide(ResultStruct, frozen=True):
    """One instance as one side judges it."""

    status: str
    due: dt.date | None = None
    limit: str | None = None
    done_on: dt.date | None = None
    """When it was met (obligation) or given (sign-off)."""


class InstanceChange(ResultStruct, frozen=True, rename={"from_": "from"}):
    """One instance (of one case) that the two sides judge differently."""

    case_id: str
    child_id: str | None
    kind: Kind
    id: str
    """The obligation or sign-off id, or the case-holder stage."""
    date: dt.date | None
    """What pairs it: the clock date, the sign-off's subject date or the allocation date."""
    from_: InstanceSide | None
    to: InstanceSide | None
    changes: tuple[str, ...]
    """Which of :data:`CHANGE_KINDS` apply."""


class StatusMove(ResultStruct, frozen=True, rename={"from_": "from"}):
    """How many instances of one id went from one status to another (``absent``: not there)."""

    from_: str
    to: str
    count: int


class ItemChanges(ResultStruct, frozen=True):
    """Everything that changed for one obligation, sign-off or case-holder stage."""

    kind: Kind
    id: str
    from_instances: int
    to_instances: int
    unchanged: int
    changed: int
    """Instances on both sides judged differently."""
    appeared: int
    disappeared: int
    changes: dict[str, int]
    """How many instances had each of :data:`CHANGE_KINDS` (one instance may have several)."""
    moves: tuple[StatusMove, ...]
    """Status moves (changed, appeared and disappeared instances), most frequent first."""
    from_statuses: dict[str, int]
    to_statuses: dict[str, int]


class OverdueChange(ResultStruct, frozen=True):
    """A child's obligation that becomes overdue, or stops being overdue, with both due dates."""

    case_id: str
    child_id: str | None
    obligation: str
    clock: dt.date
    from_status: str
    to_status: str
    from_due: dt.date | None
    to_due: dt.date | None


class RejectedRecord(ResultStruct, frozen=True, omit_defaults=True):
    """A record neither side could judge (rejected once, for both sides)."""

    child_id: str | None
    reason: str
    line: int | None = None
    column: int | None = None
    field: str | None = None
    value: str | None = None
    sheet: str | None = None
    row: int | None = None


class CaseloadDiff(ResultStruct, frozen=True, rename={"from_": "from"}):
    """A caseload judged under two sides, instance by instance (see the module docstring)."""

    from_: DiffSide
    to: DiffSide
    as_of: dt.date
    source: str | None
    source_kind: str | None
    complete: bool
    """False when the file stopped being readable part way (the last rejected entry says where)."""
    records: int
    outcomes: int
    rejected: int
    cases_changed: int
    """Evaluated records with at least one changed instance."""
    items: tuple[ItemChanges, ...]
    becomes_overdue: tuple[OverdueChange, ...]
    stops_overdue: tuple[OverdueChange, ...]
    changes: tuple[InstanceChange, ...]
    rejected_records: tuple[RejectedRecord, ...]

    @property
    def reconciles(self) -> bool:
        """Records = outcomes + rejected, and every id's instances add up on both sides."""
        return self.records == self.outcomes + self.rejected and all(
            i.from_instances == i.unchanged + i.changed + i.disappeared
            and i.to_instances == i.unchanged + i.changed + i.appeared
            for i in self.items
        )

    def to_json(self) -> str:
        """The JSON document (``diff --caseload --format json``; the service's answer)."""
        return msgspec.json.format(encode_json(self), indent=2).decode() + "\n"
