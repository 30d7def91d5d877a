"""Lists a caseload summary keeps (overdue items, rejected records ...), off the heap.

Rows live in a private temporary SQLite database (on disk, deleted on close), so a file
of a million episodes with a hundred thousand overdue items needs no more memory than a
small one; they are read back in insertion order, or the ``n`` largest by a sort key.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from typing import Any

__all__ = ["RowStore"]


class RowStore:
    """Named lists of JSON-able rows, appended in order and read back lazily."""

    def __init__(self) -> None:
        self._db = sqlite3.connect("")  # "" = a private temporary database on disk
        self._db.execute(
            "CREATE TABLE row (list TEXT, seq INTEGER, sort REAL, body TEXT, "
            "PRIMARY KEY (list, seq)) WITHOUT ROWID"
        )
        self._counts: dict[str, int] = {}

    def append(self, name: str, row: dict[str, Any], sort: float = 0.0) -> None:
        seq = self._counts.get(name, 0)
        self._counts[name] = seq + 1
        self._db.execute("INSERT INTO row VALUES (?, ?, ?, ?)", (name, seq, sort, json.dumps(row)))

    def count(self, name: str) -> int:
        return self._counts.get(name, 0)

    def rows(self, name: str, *, largest: int | None = None) -> Iterator[dict[str, Any]]:
        """The rows of ``name`` in insertion order, or the ``largest`` n by sort key."""
        if largest is None:
            query = "SELECT body FROM row WHERE list = ? ORDER BY seq"
            args: tuple[Any, ...] = (name,)
        else:
            query = "SELECT body FROM row WHERE list = ? ORDER BY sort DESC, seq LIMIT ?"
            args = (name, largest)
        for (body,) in self._db.execute(query, args):
            yield json.loads(body)

    def close(self) -> None:
        self._db.close()
