"""One way to build each thing: evaluators, protocol reports, and the errors they raise."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import MappingProxyType

import pytest

from _helpers import ROOT
from wtguidance import Evaluator, Overlay, load_edition, validate_protocol
from wtguidance._pack.model import Timescale
from wtguidance.case import parse_case_json
from wtguidance.editions import shipped_editions
from wtguidance.errors import ProtocolError, UnknownIdError, UsageError
from wtguidance.protocol import validate_protocol_text

CASE = parse_case_json((ROOT / "examples" / "cases" / "s17-met.json").read_text("utf-8"))
PROTOCOL = """\
protocol: wtguidance/local-protocol/v1
authority: Closureshire
edition: "2023"
non_working_days: [{days}]
"""


def _dues(evaluator: Evaluator) -> dict[str, dt.date | None]:
    outcome = evaluator.evaluate(CASE, as_of=dt.date(2024, 3, 1))
    return {o.id: o.due for o in outcome.obligations}


@pytest.mark.parametrize(
    ("closures", "assessment"),
    [
        ('"2024-01-08"', "2024-03-04"),  # the local 40 days run one day longer
        ('"2024-01-08", "2024-02-01"', "2024-03-05"),
        ('"2024-01-06"', "2024-03-01"),  # a Saturday: nothing moves
        # so many closures that the local count passes the national 45 days: national
        (", ".join(f'"2024-01-{d:02}"' for d in range(8, 32)), "2024-03-08"),
    ],
)
def test_direct_construction_applies_closure_days_like_create(
    closures: str, assessment: str
) -> None:
    days = frozenset(dt.date.fromisoformat(d.strip(' "')) for d in closures.split(","))
    overlay = Overlay(
        edition="2023",
        source="closures.yaml",
        non_working_days=days,
        timescales=MappingProxyType({"assessment.complete": Timescale(working_days=40)}),
    )
    editions = shipped_editions()
    direct, created = Evaluator(editions, overlay), Evaluator.create(editions, overlay)
    assert _dues(direct) == _dues(created)
    # closure days never move a national deadline (the referral decision: 1 working day)
    assert _dues(direct)["referral.decision"] == dt.date(2024, 1, 8)
    # a tightened one is due on the earlier of its local and its national count
    assert _dues(direct)["assessment.complete"] == dt.date.fromisoformat(assessment)


@pytest.mark.parametrize("name", ["council.txt", "missing.yaml", "no/such/dir/p.yml", "plain"])
def test_validate_protocol_reads_a_path_and_never_parses_the_name(
    tmp_path: Path, name: str
) -> None:
    with pytest.raises(ProtocolError) as caught:
        validate_protocol(tmp_path / name)
    assert caught.value.code == "missing-file"
    with pytest.raises(ProtocolError):
        validate_protocol(str(tmp_path / name))


def test_validate_protocol_text_never_reads_a_file(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(PROTOCOL.format(days=""), encoding="utf-8")
    report = validate_protocol_text(str(tmp_path / "p.yaml"), "inline")
    assert not report.valid
    assert report.findings[0].code == "schema"


@pytest.mark.parametrize("edition", ["1999", "2023 ", "", "auto"])
def test_an_unknown_edition_is_a_library_error_not_a_usage_error(edition: str) -> None:
    with pytest.raises(UnknownIdError) as caught:
        load_edition(edition)
    assert not isinstance(caught.value, UsageError)
    assert caught.value.code == "unknown-edition"
    if edition != "auto":
        with pytest.raises(UnknownIdError):
            Evaluator.create().evaluate(CASE, edition=edition, as_of=dt.date(2024, 3, 1))
