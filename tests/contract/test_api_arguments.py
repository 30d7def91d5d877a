"""Every public function of every wing checks its arguments (issue 19 item 7).

The caseload runner, the importers, the protocol validator and the diff are called by case
systems as well as by the command line. Each public callable of those modules is listed
here with one valid call; the test then replaces each argument in turn with values of the
wrong type and accepts only two results: the call works, or it raises a
:class:`~wtguidance.errors.WtGuidanceError` (``bad-argument`` for a wrong type) — never a
``TypeError``, ``AttributeError`` or ``ValueError`` from deep inside. Lazy functions
(iterators) are run to the end, so a check postponed to the first item counts too.

A public callable added to a wing without an entry here fails
``test_every_public_callable_is_listed``.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import io
import json
import os
import stat
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from _helpers import ROOT
from wtguidance.case import Case, Rejected, SourceEvidence, parse_case_obj
from wtguidance.caseload import Evaluated, Settings, SummaryBuilder, evaluate_one
from wtguidance.editions import shipped_editions
from wtguidance.errors import WtGuidanceError
from wtguidance.evaluation import default_calendar
from wtguidance.protocol import validate_protocol
from wtguidance.sources.cin_census import CIN_CENSUS_EVIDENCE
from wtguidance.sources.sourced import SourceNote

WINGS = (
    "wtguidance.caseload",
    "wtguidance.case",
    "wtguidance.sources.cin_census",
    "wtguidance.sources.annex_a",
    "wtguidance.sources.jsonl",
    "wtguidance.protocol",
    "wtguidance.diff",
)
AS_OF = dt.date(2024, 3, 1)
CASE_RECORD = {
    "case_id": "A-1",
    "child": {"date_of_birth": "2015-01-01"},
    "events": [{"type": "referral", "date": "2024-01-05"}],
}
CENSUS = ROOT / "tests" / "data" / "cin" / "CIN_Census_2024.xml"
WORKBOOK = ROOT / "tests" / "annex_a" / "Annex_A_2024_Jan.xlsx"
PROTOCOL = ROOT / "examples" / "protocols" / "exampleshire-2023.yaml"

# Values of the wrong type for any argument: nothing, numbers (0, 1 and 2 are file
# descriptors), text, bytes, containers and an object with no useful attribute.
WRONG: tuple[Any, ...] = (None, 0, 1, 2, -1, True, 1.5, "", "x", b"x", [], {}, (1,), object())


def _case() -> Case:
    return parse_case_obj(CASE_RECORD)


def _evaluated() -> Evaluated:
    return Evaluated(evaluate_one(_case(), Settings(AS_OF)))


def _builder() -> SummaryBuilder:
    return SummaryBuilder(as_of=AS_OF, calendar=default_calendar())


def _consume(result: object) -> None:
    """Run a lazy result to the end (iterators and iterables the call returned)."""
    if isinstance(result, Iterable) and not isinstance(result, str | bytes | dict):
        for _ in result:
            pass


# callable → (positional args, keyword args) of one valid call, built fresh each time
VALID: dict[str, Callable[[], tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]]] = {
    "wtguidance.caseload.evaluate_cases": lambda: (
        _import("wtguidance.caseload", "evaluate_cases"),
        ([_case()],),
        {"as_of": AS_OF, "edition": "auto", "evidence": None, "overlay": None, "jobs": 1},
    ),
    "wtguidance.caseload.evaluate_one": lambda: (
        evaluate_one,
        (_case(), Settings(AS_OF)),
        {"evidence": None},
    ),
    "wtguidance.caseload.evaluate_partition": lambda: (
        _import("wtguidance.caseload", "evaluate_partition"),
        ([dict(CASE_RECORD)],),
        {"as_of": "2024-03-01", "edition": "auto"},
    ),
    "wtguidance.caseload.evaluate_stream": lambda: (
        _import("wtguidance.caseload", "evaluate_stream"),
        ([_case()], Settings(AS_OF)),
        {"jobs": 1, "chunk": 32},
    ),
    "wtguidance.sources.jsonl.read_jsonl": lambda: (
        _import("wtguidance.sources.jsonl", "read_jsonl"),
        (io.StringIO(json.dumps(CASE_RECORD) + "\n"),),
        {"name": "cases.jsonl", "max_line_chars": 1000, "sourced": False},
    ),
    "wtguidance.sources.jsonl.numbered_lines": lambda: (
        _import("wtguidance.sources.jsonl", "numbered_lines"),
        (io.StringIO(json.dumps(CASE_RECORD) + "\n"),),
        {"max_line_chars": 1000},
    ),
    "wtguidance.sources.jsonl.read_line": lambda: (
        _import("wtguidance.sources.jsonl", "read_line"),
        (1, json.dumps(CASE_RECORD), True),
        {"name": "cases.jsonl", "max_line_chars": 1000, "sourced": False},
    ),
    "wtguidance.caseload.Settings": lambda: (
        Settings,
        (AS_OF,),
        {"edition": "auto", "evidence": None, "overlay": None},
    ),
    "wtguidance.caseload.SummaryBuilder": lambda: (
        SummaryBuilder,
        (),
        {
            "as_of": AS_OF,
            "calendar": default_calendar(),
            "edition": "auto",
            "evidence": CIN_CENSUS_EVIDENCE,
            "source": "x",
        },
    ),
    "wtguidance.caseload.SummaryBuilder.add": lambda: (_builder().add, (_evaluated(),), {}),
    "wtguidance.caseload.SummaryBuilder.add_all": lambda: (
        _builder().add_all,
        ([_evaluated(), Rejected(child_id="x", reason="y")],),
        {},
    ),
    "wtguidance.caseload.SummaryBuilder.add_file_notes": lambda: (
        _builder().add_file_notes,
        ([SourceNote("duplicate-child", "LAchildID C1 appears twice")], "census.xml"),
        {},
    ),
    "wtguidance.case.SourceEvidence.of": lambda: (
        SourceEvidence.of,
        ("CIN census", ["child_seen"]),
        {"latest_only": ["review_conference"]},
    ),
    "wtguidance.case.SourceEvidence.reason": lambda: (
        CIN_CENSUS_EVIDENCE.reason,
        (["child_seen"],),
        {},
    ),
    "wtguidance.case.SourceEvidence.latest_reason": lambda: (
        CIN_CENSUS_EVIDENCE.latest_reason,
        ("review_conference", "2024-01-05"),
        {},
    ),
    "wtguidance.caseload.Evaluated": lambda: (Evaluated, (_evaluated().outcome,), {}),
    "wtguidance.case.parse_case_json": lambda: (
        _import("wtguidance.case", "parse_case_json"),
        (json.dumps(CASE_RECORD), "x.json"),
        {"limits": None},
    ),
    "wtguidance.case.parse_case_obj": lambda: (
        parse_case_obj,
        (dict(CASE_RECORD), "x.json"),
        {"limits": None},
    ),
    "wtguidance.sources.cin_census.read_cin_census": lambda: (
        _import("wtguidance.sources.cin_census", "read_cin_census"),
        (CENSUS,),
        {"name": "census.xml"},
    ),
    "wtguidance.sources.cin_census.iter_cin_census_cases": lambda: (
        _import("wtguidance.sources.cin_census", "iter_cin_census_cases"),
        (str(CENSUS),),
        {},
    ),
    "wtguidance.sources.cin_census.CinCensus": lambda: (
        _import("wtguidance.sources.cin_census", "CinCensus"),
        (io.BytesIO(CENSUS.read_bytes()),),
        {"name": "census.xml"},
    ),
    "wtguidance.sources.annex_a.read_annex_a": lambda: (
        _import("wtguidance.sources.annex_a", "read_annex_a"),
        (WORKBOOK,),
        {"max_bytes": 10_000_000, "max_rows": 100_000},
    ),
    "wtguidance.protocol.validate_protocol": lambda: (
        validate_protocol,
        (PROTOCOL,),
        {"edition": None, "editions": None, "source": "p.yaml"},
    ),
    "wtguidance.protocol.validate_protocol_text": lambda: (
        _import("wtguidance.protocol", "validate_protocol_text"),
        (PROTOCOL.read_text(encoding="utf-8"), "p.yaml"),
        {"edition": None, "editions": None},
    ),
    "wtguidance.protocol.protocol_overlay": lambda: (
        _import("wtguidance.protocol", "protocol_overlay"),
        (validate_protocol(PROTOCOL),),
        {},
    ),
    "wtguidance.diff.diff_editions": lambda: (
        _import("wtguidance.diff", "diff_editions"),
        ("2018", "2023"),
        {},
    ),
    "wtguidance.diff.diff_case": lambda: (
        _import("wtguidance.diff", "diff_case"),
        (shipped_editions(), "2018", "2023", _case(), AS_OF),
        {"overlay": None},
    ),
    "wtguidance.diff.diff_outcomes": lambda: (
        _import("wtguidance.diff", "diff_outcomes"),
        (evaluate_one(_case(), Settings(AS_OF)), evaluate_one(_case(), Settings(AS_OF))),
        {"a": "2023", "b": "2023"},
    ),
    "wtguidance.diff.diff_caseload": lambda: (
        _import("wtguidance.diff", "diff_caseload"),
        ([_case()], "2018", "2023"),
        {"as_of": AS_OF, "overlay": None, "evidence": None, "jobs": 1},
    ),
    "wtguidance.diff.diff_caseload_file": lambda: (
        _import("wtguidance.diff", "diff_caseload_file"),
        (CENSUS, "2018", "2023"),
        {"as_of": AS_OF, "overlay": None, "jobs": 1},
    ),
}

# Public names that take no arguments, or are data (result types built by the library,
# errors, pydantic models that validate their own fields): nothing to feed wrong types to.
NOT_CALLED_WITH_ARGUMENTS = {
    "case_json_schema",
    "protocol_json_schema",
}


def _import(module: str, name: str) -> Any:
    return getattr(importlib.import_module(module), name)


def _public_callables() -> set[str]:
    """Every public function of the wings, and the constructors and public methods of
    the classes a caller drives (a runner or a builder; not a result type, an error or a
    pydantic model, which validates its own fields)."""
    from pydantic import BaseModel

    found: set[str] = set()
    for module_name in WINGS:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            obj = getattr(module, name)
            home = f"{module_name}.{name}"
            if inspect.isfunction(obj) and name not in NOT_CALLED_WITH_ARGUMENTS:
                found.add(home)
            elif inspect.isclass(obj) and issubclass(obj, BaseModel) and home not in RESULT_TYPES:
                # a model validates its own fields; its own public methods are checked here
                found.update(f"{home}.{method}" for method in _own_methods(obj))
            elif (
                inspect.isclass(obj)
                and not issubclass(obj, BaseException | BaseModel)
                and home not in RESULT_TYPES
            ):
                if _takes_arguments(obj):
                    found.add(home)
                found.update(
                    f"{home}.{method}"
                    for method, value in vars(obj).items()
                    if inspect.isfunction(value)
                    and not method.startswith("_")
                    and _takes_arguments(value, method=True)
                )
    return found


# Classes the library builds and hands out (results, read-only records), not driven by a
# caller: their constructors are not part of what a case system calls.
RESULT_TYPES = {
    "wtguidance.caseload.CaseloadSummary",
    "wtguidance.sources.cin_census.CensusHeader",
    "wtguidance.sources.annex_a.Allocation",
    "wtguidance.sources.annex_a.AnnexAEpisode",
    "wtguidance.sources.annex_a.AnnexAImport",
    "wtguidance.sources.annex_a.IgnoredSheet",
    "wtguidance.sources.annex_a.Latest",
    "wtguidance.sources.annex_a.ListCount",
    "wtguidance.sources.annex_a.RowRef",
    "wtguidance.protocol.ProtocolReport",
    "wtguidance.protocol.ProtocolFinding",
    "wtguidance.diff.CaseloadDiff",
    "wtguidance.diff.InstanceChange",
    "wtguidance.diff.ItemChanges",
    "wtguidance.diff.OverdueChange",
}


def _own_methods(cls: type) -> list[str]:
    """The public methods (and class methods) a class defines itself that take arguments."""
    names = []
    for method, value in vars(cls).items():
        if method.startswith(("_", "model_")):
            continue
        if isinstance(value, classmethod | staticmethod):
            if _takes_arguments(getattr(cls, method)):
                names.append(method)
        elif inspect.isfunction(value) and _takes_arguments(value, method=True):
            names.append(method)
    return names


def _takes_arguments(obj: Any, *, method: bool = False) -> bool:
    parameters = list(inspect.signature(obj).parameters)
    return len(parameters) > (1 if method else 0)


def test_every_public_callable_is_listed() -> None:
    missing = _public_callables() - set(VALID)
    assert not missing, f"add a valid call for {sorted(missing)} to VALID"


@pytest.mark.parametrize("name", sorted(VALID))
def test_the_valid_call_works(name: str) -> None:
    function, args, kwargs = VALID[name]()
    _consume(function(*args, **kwargs))


def _variants(name: str) -> list[tuple[str, int | str, Any]]:
    _function, args, kwargs = VALID[name]()
    out: list[tuple[str, int | str, Any]] = []
    for slot in [*range(len(args)), *kwargs]:
        out.extend((name, slot, wrong) for wrong in WRONG)
    return out


CASES = [v for name in sorted(VALID) for v in _variants(name)]


@pytest.mark.parametrize(
    ("name", "slot", "wrong"),
    CASES,
    ids=[f"{n}-{s}-{type(w).__name__}:{w!r:.12}" for n, s, w in CASES],
)
def test_a_wrong_argument_is_a_documented_error(name: str, slot: int | str, wrong: Any) -> None:
    function, args, kwargs = VALID[name]()
    if isinstance(slot, int):
        args = (*args[:slot], wrong, *args[slot + 1 :])
    else:
        kwargs = {**kwargs, slot: wrong}
    before = _descriptors()
    error: WtGuidanceError | None = None
    try:
        _consume(function(*args, **kwargs))
    except WtGuidanceError as raised:
        error = raised
    if error is not None:
        assert str(error) == error.one_line()
        assert "\n" not in str(error)
    # never taken for a file descriptor: 0, 1 and 2 are still open, and still the same
    assert _descriptors() == before


def _descriptors() -> list[tuple[int, int] | None]:
    found: list[tuple[int, int] | None] = []
    for fd in (0, 1, 2):
        try:
            info = os.fstat(fd)
        except OSError:
            found.append(None)
        else:
            found.append((info.st_ino, stat.S_IFMT(info.st_mode)))
    return found


@pytest.mark.parametrize("fd", [0, 1, 2, 5])
@pytest.mark.parametrize(
    "call",
    [
        lambda fd: list(_import("wtguidance.sources.cin_census", "iter_cin_census_cases")(fd)),
        lambda fd: list(_import("wtguidance.sources.cin_census", "read_cin_census")(fd)),
        lambda fd: _import("wtguidance.sources.annex_a", "read_annex_a")(fd),
        lambda fd: validate_protocol(fd),
        lambda fd: list(_import("wtguidance.sources.jsonl", "read_jsonl")(fd)),
    ],
    ids=["iter_cin_census_cases", "read_cin_census", "read_annex_a", "validate_protocol", "jsonl"],
)
def test_an_integer_is_never_a_file_descriptor(call: Callable[[int], object], fd: int) -> None:
    before = _descriptors()
    with pytest.raises(WtGuidanceError) as raised:
        call(fd)
    assert raised.value.code == "bad-argument"
    assert _descriptors() == before


def test_a_missing_census_file_is_a_documented_error(tmp_path: Path) -> None:
    census = _import("wtguidance.sources.cin_census", "read_cin_census")(tmp_path / "absent.xml")
    with pytest.raises(WtGuidanceError) as raised:
        list(census)
    assert raised.value.code == "missing-file"
    assert "absent.xml" in str(raised.value)
