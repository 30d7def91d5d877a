"""An outcome's trace, built on first use (see :class:`Trace`).

Its own module so that :mod:`wtguidance.results` stays the output models. Generic over
its entries (an outcome's are :class:`~wtguidance.results.TraceEntry`), so this module
needs nothing of the results.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar, overload

E = TypeVar("E")

__all__ = ["Trace"]


class Trace(Sequence[E]):
    """An outcome's trace: a read-only sequence of its entries, built on first use.

    The engine keeps the rules that fired as raw entries (rule, anchor date, facts); they
    are labelled, sorted and cited into :class:`~wtguidance.results.TraceEntry` values only
    when the trace is read, compared, hashed, pickled or encoded (reading it adds about a
    seventh to validating and evaluating a case). It behaves as the tuple it builds
    (indexing, slicing, iteration, ``len``, equality with a tuple, hashing, ``+``); the
    JSON is that tuple's. Building is deterministic and the inputs are never changed, so
    two threads reading it at once build equal tuples.
    """

    __slots__ = ("_build", "_entries")

    def __init__(self, build: Callable[[], tuple[E, ...]]) -> None:
        self._build: Callable[[], tuple[E, ...]] | None = build
        self._entries: tuple[E, ...] | None = None

    @property
    def entries(self) -> tuple[E, ...]:
        """The trace as a tuple (built on first use, then kept)."""
        entries = self._entries
        if entries is None:
            build = self._build
            assert build is not None
            entries = self._entries = build()
            self._build = None  # the raw entries are no longer needed
        return entries

    def __len__(self) -> int:
        return len(self.entries)

    @overload
    def __getitem__(self, index: int) -> E: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[E, ...]: ...
    def __getitem__(self, index: int | slice) -> E | tuple[E, ...]:
        return self.entries[index]

    def __iter__(self) -> Iterator[E]:
        return iter(self.entries)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Trace):
            return self.entries == other.entries
        if isinstance(other, tuple):
            return self.entries == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.entries)

    def __add__(self, other: tuple[E, ...]) -> tuple[E, ...]:
        return self.entries + tuple(other)

    def __repr__(self) -> str:
        return repr(self.entries)

    def __reduce__(self) -> tuple[Callable[..., tuple[E, ...]], tuple[object, ...]]:
        return tuple, (self.entries,)  # pickled (to a worker and back) as the tuple it is
