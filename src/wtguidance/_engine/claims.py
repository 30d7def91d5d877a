"""Claims on satisfiers: which satisfying events clocks have taken, and the one a clock takes.

A satisfying event answers one clock only. :class:`Claims` records the taken ones (by index
in their date-sorted list) with skip pointers; :class:`ReleasableClaims` can also free them
again (``restart``); :func:`first_unused` finds the satisfier a clock takes: free, in the
rule's window, not after an ender. Used by :mod:`wtguidance._engine.obligations`.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right

from wtguidance._engine.facts import Fact, fact_date
from wtguidance._pack.model import Window

__all__ = ["Claims", "ReleasableClaims", "first_unused"]


class Claims:
    """Which satisfiers (by index in their date-sorted list) clocks have taken.

    Skip pointers over runs of taken satisfiers, shortened as they are followed, keep the
    search for the next free one close to constant time, however many clocks share a day.
    Pointers cannot be un-followed, so a rule that frees satisfiers (``restart``) uses
    :class:`ReleasableClaims` instead.
    """

    __slots__ = ("_next", "_previous", "_taken")

    def __init__(self) -> None:
        self._taken: set[int] = set()
        self._next: dict[int, int] = {}
        self._previous: dict[int, int] = {}

    def take(self, index: int) -> None:
        self._taken.add(index)
        self._next[index] = index + 1
        self._previous[index] = index - 1

    def free_from(self, index: int) -> int:
        """The smallest free index at or after ``index``."""
        return _follow(self._next, index)

    def free_through(self, index: int) -> int:
        """The largest free index at or before ``index`` (-1 when there is none)."""
        return _follow(self._previous, index)


class ReleasableClaims(Claims):
    """Claims that can also be freed (``restart``): a segment tree of free satisfiers.

    Every operation is a logarithm of the number of satisfiers, whatever the order of
    takes and releases (rebuilding skip pointers on each release was quadratic).
    """

    __slots__ = ("_count", "_size", "_tree")

    def __init__(self, count: int) -> None:
        super().__init__()
        size = 1
        while size < max(count, 1):
            size *= 2
        tree = [0] * (2 * size)
        tree[size : size + count] = [1] * count  # leaves: 1 while the satisfier is free
        for node in range(size - 1, 0, -1):
            tree[node] = tree[2 * node] + tree[2 * node + 1]
        self._size, self._count, self._tree = size, count, tree

    def _set(self, index: int, free: int) -> None:
        tree = self._tree
        node = index + self._size
        if tree[node] == free:
            return
        tree[node] = free
        node //= 2
        while node:
            tree[node] = tree[2 * node] + tree[2 * node + 1]
            node //= 2

    def take(self, index: int) -> None:
        self._set(index, 0)

    def release(self, index: int) -> None:
        self._set(index, 1)

    def free_from(self, index: int) -> int:
        if index >= self._count:
            return index
        tree, size = self._tree, self._size
        node = index + size
        if not tree[node]:
            while True:  # climb until a right sibling holds a free leaf
                if node == 1:
                    return self._count
                if node % 2 == 0 and tree[node + 1]:
                    node += 1
                    break
                node //= 2
            while node < size:  # then the leftmost free leaf below it
                node = 2 * node if tree[2 * node] else 2 * node + 1
        return node - size

    def free_through(self, index: int) -> int:
        if index < 0:
            return -1
        tree, size = self._tree, self._size
        node = index + size
        if not tree[node]:
            while True:  # climb until a left sibling holds a free leaf
                if node == 1:
                    return -1
                if node % 2 == 1 and tree[node - 1]:
                    node -= 1
                    break
                node //= 2
            while node < size:  # then the rightmost free leaf below it
                node = 2 * node + 1 if tree[2 * node + 1] else 2 * node
        return node - size


def _follow(pointers: dict[int, int], index: int) -> int:
    end = index
    while end in pointers:
        end = pointers[end]
    while index != end:  # every index passed now points straight at the end
        pointers[index], index = end, pointers[index]
    return end


def first_unused(
    satisfiers: list[Fact], day: dt.date, window: Window, claims: Claims, latest: dt.date | None
) -> int:
    """The index of the satisfier this clock takes (-1: none): free, in the window, not
    after an ender."""
    if window == "on_or_before":
        return claims.free_through(bisect_right(satisfiers, day, key=fact_date) - 1)
    bisect = bisect_left if window == "on_or_after" else bisect_right
    index = claims.free_from(bisect(satisfiers, day, key=fact_date))
    if index >= len(satisfiers) or (latest is not None and satisfiers[index].date > latest):
        return -1
    return index
