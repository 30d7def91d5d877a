"""One deliberately broken pack per error code (``tests/packs/invalid/<name>/``).

Each directory is ``tests/packs/valid-minimal/`` with one thing broken. The table says
which error it must raise and exactly where it must point: a reader of the message
should land on the offending key. Conflicting rules are an evaluation-time error, so
that pack loads and the error comes from evaluating a case.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import NamedTuple, get_args

import pytest

from wtguidance.case import Case
from wtguidance.codes import CATALOGUE, ErrorCode
from wtguidance.editions import Editions, load_editions, load_pack_dir
from wtguidance.errors import (
    EvaluationError,
    PackCompileError,
    PackSchemaError,
    PackSyntaxError,
    WtGuidanceError,
)
from wtguidance.evaluation import Evaluator

PACKS = Path(__file__).parents[1] / "packs"
INVALID = PACKS / "invalid"


class Expected(NamedTuple):
    error: type[WtGuidanceError]
    code: str
    file: str
    line: int | None
    column: int | None
    rule_id: str | None
    fragment: str


TABLE: dict[str, Expected] = {
    "invalid-yaml": Expected(
        PackSyntaxError, "invalid-yaml", "rules.yaml", 9, 9, None, "expected ',' or '}'"
    ),
    "duplicate-key": Expected(
        PackSyntaxError, "duplicate-key", "rules.yaml", 13, 9, None, "duplicate key 'actor'"
    ),
    "missing-pack": Expected(
        PackSyntaxError, "missing-pack", "pack.yaml", None, None, None, "has no pack.yaml"
    ),
    "schema": Expected(
        PackSchemaError,
        "schema",
        "rules.yaml",
        13,
        9,
        "wt2023.referral.decision",
        "'ought' is not one of ['must', 'should']",
    ),
    "missing-citation": Expected(
        PackSchemaError,
        "missing-citation",
        "rules.yaml",
        5,
        5,
        "wt2023.referral.decision",
        "rule has no citation",
    ),
    "unknown-event": Expected(
        PackCompileError,
        "unknown-event",
        "rules.yaml",
        15,
        24,
        "wt2023.referral.decision",
        "unknown event type 'referal_decision'",
    ),
    "unknown-field": Expected(
        PackCompileError,
        "unknown-field",
        "rules.yaml",
        20,
        49,
        "wt2023.stage.s47",
        "event 'strategy_discussion' has no field 'starts_s47'",
    ),
    "unknown-value": Expected(
        PackCompileError,
        "unknown-value",
        "rules.yaml",
        20,
        49,
        "wt2023.stage.s47",
        "strategy_discussion.initiates_s47 can never be 'yes'",
    ),
    "unknown-fact": Expected(
        PackCompileError,
        "unknown-fact",
        "rules.yaml",
        26,
        5,
        "wt2023.case_holder.s47",
        "fact 'stage.s74' is not declared",
    ),
    "unknown-fact-never-asserted": Expected(
        PackCompileError,
        "unknown-fact",
        "rules.yaml",
        27,
        5,
        "wt2023.case_holder.s47",
        "fact 'stage.cp_plan' is declared but no rule asserts it",
    ),
    "unknown-obligation": Expected(
        PackCompileError,
        "unknown-obligation",
        "rules.yaml",
        11,
        9,
        "wt2023.referral.decision",
        "unknown obligation id 'referral.decide'",
    ),
    "unknown-sign-off": Expected(
        PackCompileError,
        "unknown-sign-off",
        "rules.yaml",
        38,
        9,
        "wt2023.sign_off.cp_plan.end",
        "unknown sign-off id 'cp_plan.close'",
    ),
    "unknown-role": Expected(
        PackCompileError,
        "unknown-role",
        "rules.yaml",
        40,
        33,
        "wt2023.sign_off.cp_plan.end",
        "unknown role 'conference_chiar'",
    ),
    "duplicate-rule-id": Expected(
        PackCompileError,
        "duplicate-rule-id",
        "rules.yaml",
        23,
        5,
        "wt2023.stage.s47",
        "rule id 'wt2023.stage.s47' is used twice",
    ),
    "duplicate-fact": Expected(
        PackCompileError,
        "duplicate-fact",
        "rules.yaml",
        4,
        5,
        None,
        "fact 'stage.s47' is declared twice",
    ),
    "edition-mismatch": Expected(
        PackCompileError,
        "edition-mismatch",
        "rules.yaml",
        32,
        5,
        "wt2018.sign_off.cp_plan.end",
        "does not belong to edition 2023",
    ),
    "dangling-override": Expected(
        PackCompileError,
        "dangling-override",
        "rules.yaml",
        35,
        5,
        "wt2023.sign_off.cp_plan.end",
        "rule overrides 'wt2023.sign_off.cp_plan.ended', which is not in this pack",
    ),
    "rule-cycle": Expected(
        PackCompileError,
        "rule-cycle",
        "rules.yaml",
        18,
        5,
        "wt2023.stage.s47",
        "wt2023.stage.s47 -> wt2023.stage.s47_open -> wt2023.stage.s47",
    ),
    "aliases": Expected(
        PackSyntaxError,
        "invalid-yaml",
        "rules.yaml",
        2,
        6,
        None,
        "anchors and aliases are not allowed",
    ),
    "merge-key": Expected(
        PackSyntaxError, "invalid-yaml", "rules.yaml", 16, 9, None, "merge keys ('<<')"
    ),
}

KNOWN_BUGS: dict[str, str] = {}


def _params() -> list[object]:
    params: list[object] = []
    for name, expected in TABLE.items():
        marks = (
            [pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[name])] if name in KNOWN_BUGS else []
        )
        params.append(pytest.param(name, expected, id=name, marks=marks))
    return params


def test_every_broken_pack_is_in_the_table() -> None:
    on_disk = {p.name for p in INVALID.iterdir() if p.is_dir()}
    assert on_disk == set(TABLE) | {"conflicting-rules"}


def test_every_pack_error_code_has_a_broken_pack() -> None:
    (packs,) = [g for g in CATALOGUE if g.title.startswith("Rule packs")]
    pack_codes = {code for entry in packs.entries for code in entry.codes}
    tested = {expected.code for expected in TABLE.values()}
    assert tested <= set(get_args(ErrorCode))
    assert pack_codes - tested == set()


def test_the_minimal_pack_is_valid() -> None:
    pack = load_pack_dir(PACKS / "valid-minimal")
    assert pack.edition == "2023"
    assert len(pack.pack.rules) == 4


@pytest.mark.parametrize(("name", "expected"), _params())
def test_broken_pack(name: str, expected: Expected) -> None:
    root = INVALID / name
    with pytest.raises(expected.error) as info:
        load_pack_dir(root)
    error = info.value
    assert type(error) is expected.error
    assert error.code == expected.code
    assert error.location is not None
    assert error.location.path == f"{root}/{expected.file}"
    assert (error.location.line, error.location.column) == (expected.line, expected.column)
    assert error.rule_id == expected.rule_id
    assert expected.fragment in error.message
    line = error.one_line()
    assert "\n" not in line
    prefix = f"{root}/{expected.file}"
    if expected.line is not None:
        prefix += f":{expected.line}:{expected.column}"
    assert line.startswith(f"{prefix}: error[{expected.code}] ")
    if expected.rule_id is not None:
        assert f"(rule {expected.rule_id})" in line


@pytest.mark.parametrize("name", sorted(TABLE))
def test_broken_pack_breaks_load_editions(name: str, tmp_path: Path) -> None:
    """A broken edition in a rules tree stops the whole set loading, naming the file."""
    shutil.copytree(PACKS / "valid-minimal", tmp_path / "2023")
    shutil.copytree(INVALID / name, tmp_path / "2024")
    with pytest.raises(TABLE[name].error) as info:
        load_editions(tmp_path)
    assert info.value.code == TABLE[name].code
    assert info.value.one_line().startswith(f"{tmp_path}/2024/{TABLE[name].file}")


def test_cycle_names_the_other_rule() -> None:
    with pytest.raises(PackCompileError) as info:
        load_pack_dir(INVALID / "rule-cycle")
    (related,) = info.value.related
    assert (related.path, related.line, related.column) == (
        f"{INVALID}/rule-cycle/rules.yaml",
        24,
        5,
    )


REFERRAL = Case.model_validate(
    {"case_id": "c1", "child": {}, "events": [{"type": "referral", "date": "2024-01-05"}]}
)


def test_conflicting_rules_fail_at_evaluation() -> None:
    root = INVALID / "conflicting-rules"
    pack = load_pack_dir(root)
    evaluator = Evaluator.create(Editions((pack,)))
    with pytest.raises(EvaluationError) as info:
        evaluator.evaluate(REFERRAL, as_of=dt.date(2024, 2, 1))
    error = info.value
    assert error.code == "conflicting-rules"
    assert error.rule_id == "wt2023.referral.decision.urgent"
    assert error.location is not None
    assert (error.location.path, error.location.line, error.location.column) == (
        f"{root}/rules.yaml",
        17,
        5,
    )
    assert [(r.line, r.column) for r in error.related] == [(5, 5)]
    assert "neither overrides the other" in error.message
    line = error.one_line()
    assert "\n" not in line
    assert line.startswith(f"{root}/rules.yaml:17:5: error[conflicting-rules] ")


def test_conflicting_rules_pass_with_overrides(tmp_path: Path) -> None:
    root = tmp_path / "pack"
    shutil.copytree(INVALID / "conflicting-rules", root)
    topic = root / "rules.yaml"
    text = topic.read_text(encoding="utf-8")
    marker = "  - id: wt2023.referral.decision.urgent\n"
    topic.write_text(
        text.replace(marker, marker + "    overrides: wt2023.referral.decision\n"),
        encoding="utf-8",
    )
    outcome = Evaluator.create(Editions((load_pack_dir(root),))).evaluate(
        REFERRAL, as_of=dt.date(2024, 2, 1)
    )
    (obligation,) = outcome.obligations
    assert obligation.rule == "wt2023.referral.decision.urgent"
    assert obligation.modality == "must"
    assert obligation.status == "overdue"
