"""``--format json``: ``{"outcomes": [...], "rejected": [...], "summary": {...}}``, streamed.

Outcomes are written as they are evaluated (one per line), so the document never has to
be held in memory; the rejected entries and the summary follow once the input is read.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from wtguidance._render.documents import json_line
from wtguidance.case import Rejected
from wtguidance.caseload.run import Evaluated
from wtguidance.caseload.summary import CaseloadSummary

__all__ = ["write_json"]


def _items(out: IO[str], rows: Iterator[Any]) -> None:
    first = True
    for row in rows:
        out.write("\n" if first else ",\n")
        out.write(json_line(row))
        first = False
    out.write("\n" if not first else "")


def write_json(
    results: Iterable[Evaluated | Rejected],
    summary: Callable[[], CaseloadSummary],
    out: IO[str],
) -> None:
    """Consume ``results`` writing outcomes, then the rejected entries and ``summary()``."""
    out.write('{"outcomes": [')
    _items(
        out,
        (r.outcome for r in results if isinstance(r, Evaluated)),  # encoded from the structs,
    )
    done = summary()
    out.write('],\n"rejected": [')
    _items(out, done.rejected_rows())
    data = done.to_json(rows=False)
    out.write('],\n"summary": ')
    head = json.dumps(data, ensure_ascii=False, indent=1)
    out.write(head[: head.rfind("}")].rstrip() + ',\n "overdue": [')
    _items(out, done.overdue())
    out.write('],\n "due_soon": [')
    _items(out, done.due_soon())
    out.write('],\n "icpc_target_rows": [')
    _items(out, done.target_rows())
    out.write("]\n}}\n")
