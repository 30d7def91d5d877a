"""The satisfier claims of the engine against a plain set (hypothesis).

``Claims`` (skip pointers, take only) and ``ReleasableClaims`` (a segment tree, take and
release, for ``restart`` rules) must answer "the first free satisfier at or after i" and
"the last free one at or before i" exactly as a set of taken indexes would.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from wtguidance._engine.obligations import Claims, ReleasableClaims


def _free_from(taken: set[int], count: int, index: int) -> int:
    return next((i for i in range(index, count) if i not in taken), max(index, count))


def _free_through(taken: set[int], index: int) -> int:
    return next((i for i in range(index, -1, -1) if i not in taken), -1)


_STEPS = st.lists(st.tuples(st.sampled_from(["take", "release", "ask"]), st.integers(0, 40)))


@given(count=st.integers(0, 40), steps=_STEPS)
def test_releasable_claims_answer_as_a_set_does(count: int, steps: list[tuple[str, int]]) -> None:
    claims = ReleasableClaims(count)
    taken: set[int] = set()
    for action, raw in steps:
        index = raw % (count + 1)
        if action == "take" and index < count:
            claims.take(index)
            taken.add(index)
        elif action == "release" and index < count:
            claims.release(index)
            taken.discard(index)
        if index < count or action == "ask":
            assert claims.free_from(index) == _free_from(taken, count, index)
            assert claims.free_through(min(index, count - 1)) == _free_through(
                taken, min(index, count - 1)
            )


@given(count=st.integers(1, 40), steps=st.lists(st.integers(0, 39)))
def test_skip_pointer_claims_answer_as_a_set_does(count: int, steps: list[int]) -> None:
    claims = Claims()
    taken: set[int] = set()
    for raw in steps:
        index = raw % count
        claims.take(index)
        taken.add(index)
        probe = (raw * 7) % count
        assert claims.free_from(probe) == _free_from(taken, count + 10**6, probe)
        assert claims.free_through(probe) == _free_through(taken, probe)
