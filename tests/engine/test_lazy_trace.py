"""The trace is kept raw and built only when read or encoded (issue 23).

An outcome from the engine holds a :class:`~wtguidance.results.Trace`: nothing is labelled,
sorted or cited until the trace is read, compared, hashed, pickled or encoded, and then it
is exactly the tuple the engine used to build eagerly (same entries, same order, same
JSON). Checked over generated cases against an independent eager build, for every way a
caller can reach the trace.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import pickle
import random
import threading
from typing import Any

import msgspec
import pytest
from pydantic import BaseModel

from _helpers import RandomChooser, realistic_case
from wtguidance import evaluation
from wtguidance._render.documents import json_line, outcome_document
from wtguidance.case import Case
from wtguidance.evaluation import Evaluator
from wtguidance.results import Outcome, Trace, TraceEntry, encode_json

AS_OF = dt.date(2025, 12, 31)
EVALUATOR = Evaluator.create()
CASES = [
    Case.model_validate(realistic_case(RandomChooser(random.Random(seed)))) for seed in range(40)
]


def _eager(outcome: Outcome) -> tuple[TraceEntry, ...]:
    """The trace rebuilt from its JSON: what the encoder wrote, as plain entries."""
    data = json.loads(outcome.model_dump_json())["trace"]
    return tuple(msgspec.convert(entry, TraceEntry) for entry in data)


@pytest.mark.parametrize("index", range(len(CASES)))
def test_an_outcome_holds_an_unbuilt_trace_until_it_is_read(index: int) -> None:
    outcome = EVALUATOR.evaluate(CASES[index], as_of=AS_OF)
    trace = outcome.trace
    assert isinstance(trace, Trace)
    assert trace._entries is None  # nothing built yet
    assert trace._build is not None
    entries = trace.entries
    assert trace._entries is entries
    assert trace._build is None
    assert len(entries) > 0
    assert trace.entries is entries  # built once, then kept


def test_a_trace_read_in_every_way_equals_the_tuple_it_builds() -> None:
    for case in CASES:
        outcome = EVALUATOR.evaluate(case, as_of=AS_OF)
        trace = outcome.trace
        entries = tuple(trace)
        assert isinstance(trace, Trace)
        assert trace == entries
        assert entries == trace.entries
        assert len(trace) == len(entries)
        assert trace[0] == entries[0]
        assert trace[-1] == entries[-1]
        assert trace[1:3] == entries[1:3]
        assert list(reversed(trace)) == list(reversed(entries))
        assert trace.index(entries[0]) == 0
        assert entries[0] in trace
        assert hash(trace) == hash(entries)
        assert repr(trace) == repr(entries)
        assert trace + () == entries  # noqa: RUF005 - the tuple concatenation itself
        assert _eager(outcome) == entries


def test_an_outcome_with_a_lazy_trace_equals_one_decoded_from_its_json() -> None:
    for case in CASES[:10]:
        outcome = EVALUATOR.evaluate(case, as_of=AS_OF)
        decoded = msgspec.json.decode(outcome.model_dump_json(), type=Outcome, strict=True)
        assert isinstance(decoded.trace, tuple)
        assert decoded == outcome
        assert outcome == decoded
        assert hash(decoded) == hash(outcome)
        assert Outcome.model_validate(outcome.model_dump(mode="json")) == outcome


def test_every_encoder_writes_the_trace_the_same() -> None:
    for case in CASES[:10]:
        lazy = EVALUATOR.evaluate(case, as_of=AS_OF)
        eager = msgspec.structs.replace(lazy, trace=tuple(lazy.trace))
        fresh = EVALUATOR.evaluate(case, as_of=AS_OF)  # nothing read before encoding
        assert encode_json(fresh) == encode_json(eager)
        assert outcome_document(EVALUATOR.evaluate(case, as_of=AS_OF)) == outcome_document(eager)
        assert json_line(EVALUATOR.evaluate(case, as_of=AS_OF)) == json_line(eager)
        assert EVALUATOR.evaluate(case, as_of=AS_OF).model_dump() == eager.model_dump()
        assert EVALUATOR.evaluate(case, as_of=AS_OF).model_dump(mode="json") == eager.model_dump(
            mode="json"
        )
        assert EVALUATOR.evaluate(case, as_of=AS_OF).model_dump_json(indent=2) == (
            eager.model_dump_json(indent=2)
        )


def test_an_unknown_value_still_fails_to_encode() -> None:
    with pytest.raises(NotImplementedError, match="cannot encode object"):
        encode_json({"x": object()})


def test_a_pickled_or_copied_outcome_keeps_its_trace() -> None:
    for case in CASES[:10]:
        outcome = EVALUATOR.evaluate(case, as_of=AS_OF)
        unpickled = pickle.loads(pickle.dumps(outcome))
        assert unpickled == outcome
        assert unpickled.trace == tuple(outcome.trace)
        assert copy.deepcopy(EVALUATOR.evaluate(case, as_of=AS_OF)) == outcome
        assert copy.copy(outcome).trace == outcome.trace


def test_a_pydantic_model_holding_an_outcome_dumps_the_trace() -> None:
    class Holder(BaseModel):
        outcome: Outcome

    outcome = EVALUATOR.evaluate(CASES[0], as_of=AS_OF)
    dumped = Holder(outcome=outcome).model_dump(mode="json")["outcome"]["trace"]
    assert dumped == json.loads(outcome.model_dump_json())["trace"]
    assert dumped


def test_threads_reading_one_trace_at_once_see_the_same_entries() -> None:
    outcome = EVALUATOR.evaluate(CASES[3], as_of=AS_OF)
    seen: list[Any] = []
    start = threading.Barrier(8)

    def read() -> None:
        start.wait()
        seen.append(tuple(outcome.trace))

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 8
    assert all(entries == seen[0] for entries in seen)


def test_no_trace_is_kept_without_one() -> None:
    for case in CASES[:10]:
        assert EVALUATOR.evaluate(case, as_of=AS_OF, trace=False).trace == ()
    empty = Case.model_validate({"case_id": "empty", "child": {}, "events": []})
    assert EVALUATOR.evaluate(empty, as_of=AS_OF).trace == ()


def test_building_the_trace_is_deferred_not_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    """The labelling and sorting run when the trace is read, not when evaluating."""
    calls: list[int] = []
    real = evaluation._trace_entries

    def counted(runs: Any) -> tuple[TraceEntry, ...]:
        calls.append(1)
        return real(runs)

    monkeypatch.setattr(evaluation, "_trace_entries", counted)
    outcome = EVALUATOR.evaluate(CASES[5], as_of=AS_OF)
    assert calls == []
    assert len(outcome.trace) > 0
    assert calls == [1]
    tuple(outcome.trace)
    outcome.model_dump_json()
    assert calls == [1]  # built once


def test_messagepack_with_the_results_hook_round_trips_an_outcome() -> None:
    from wtguidance.results import encode_hook

    encoder = msgspec.msgpack.Encoder(enc_hook=encode_hook)
    for case in CASES[:10]:
        outcome = EVALUATOR.evaluate(case, as_of=AS_OF)
        back = msgspec.msgpack.decode(encoder.encode(outcome), type=Outcome)
        assert back == outcome
        assert back.model_dump_json() == outcome.model_dump_json()
    with pytest.raises(TypeError):  # without the hook, the lazy trace is not encodable
        msgspec.msgpack.encode(EVALUATOR.evaluate(CASES[0], as_of=AS_OF))
