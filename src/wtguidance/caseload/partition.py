"""One partition of case records → their outcomes: the unit a distributed engine schedules.

National, multi-year analysis partitions the records (by council, year or file) and maps
:func:`evaluate_partition` over the partitions on an existing engine; docs/caseloads.md
gives the recipe for Dask. It calls the same :func:`~wtguidance.caseload.evaluate_one` as
the command line, so a distributed run gives the outcomes a local run gives. Records are
plain JSON values (case dicts) and so are the results, so nothing library-specific has to
travel between machines; a record that is not a valid case comes back as a rejected entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from wtguidance.case import Rejected, parse_case_obj
from wtguidance.caseload.run import Settings, evaluate_one
from wtguidance.errors import CaseError

__all__ = ["evaluate_partition"]


def evaluate_partition(
    records: Iterable[Any], *, as_of: dt.date | str, edition: str = "auto"
) -> list[dict[str, Any]]:
    """Each record's outcome (``{"outcome": ...}``) or rejection (``{"rejected": ...}``)."""
    day = dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    settings = Settings(day, edition)
    results: list[dict[str, Any]] = []
    for index, record in enumerate(records):
        try:
            case = parse_case_obj(record, source=f"record {index}")
        except CaseError as error:
            case_id = record.get("case_id") if isinstance(record, dict) else None
            rejected = Rejected(
                child_id=case_id if isinstance(case_id, str) else None,
                reason=error.one_line(),
                row=index,
            )
            results.append({"rejected": rejected.model_dump(mode="json", exclude_none=True)})
            continue
        results.append({"outcome": evaluate_one(case, settings).model_dump(mode="json")})
    return results
