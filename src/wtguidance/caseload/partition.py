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

from wtguidance._arguments import require_date, require_edition, require_iterable
from wtguidance.case import Rejected, parse_case_obj
from wtguidance.caseload.run import Settings, evaluate_stream
from wtguidance.errors import CaseError, UsageError
from wtguidance.sources.sourced import SourcedCase

__all__ = ["evaluate_partition"]


def evaluate_partition(
    records: Iterable[Any], *, as_of: dt.date | str, edition: str = "auto"
) -> list[dict[str, Any]]:
    """Each record's outcome (``{"outcome": ...}``) or rejection (``{"rejected": ...}``).

    A record is rejected when it is not a valid case and when it cannot be evaluated (a
    deadline outside the working-day calendar, say); the others are evaluated all the same.
    """
    function = "evaluate_partition"
    require_iterable(records, "records", function, "a list of case records (JSON objects)")
    if isinstance(as_of, str):
        try:
            day: dt.date | None = dt.date.fromisoformat(as_of)
        except ValueError:
            raise UsageError(
                f"{function}: as_of {as_of!r} is not a date in YYYY-MM-DD form",
                code="bad-argument",
            ) from None
    else:
        day = require_date(as_of, "as_of", function)
    if day is None:
        raise UsageError(f"{function}: as_of is required", code="bad-argument")
    require_edition(edition, "edition", function)
    settings = Settings(day, edition)
    results: list[dict[str, Any]] = []
    for index, record in enumerate(records):
        case_id = record.get("case_id") if isinstance(record, dict) else None
        try:
            case = parse_case_obj(record, source=f"record {index}")
        except CaseError as error:
            rejected = Rejected(
                child_id=case_id if isinstance(case_id, str) else None,
                reason=error.one_line(),
                row=index,
            )
            results.append({"rejected": rejected.model_dump(mode="json", exclude_none=True)})
            continue
        result = evaluate_stream([SourcedCase(case, row=index)], settings)
        for item in result:
            if isinstance(item, Rejected):
                results.append({"rejected": item.model_dump(mode="json", exclude_none=True)})
            else:
                results.append({"outcome": item.outcome.model_dump(mode="json")})
    return results
