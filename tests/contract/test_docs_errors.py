"""One typed set of codes: what the code raises, what the docs explain and the fixtures test."""

from __future__ import annotations

from typing import get_args

import pytest

from wtguidance.codes import CATALOGUE, ErrorCode, FindingCode
from wtguidance.errors import (
    CalendarError,
    CaseError,
    EvaluationError,
    PackCompileError,
    PackError,
    PackSchemaError,
    PackSyntaxError,
    ProtocolError,
    UnknownIdError,
    UsageError,
    WtGuidanceError,
)

DOCUMENTED = [code for group in CATALOGUE for entry in group.entries for code in entry.codes]


def test_every_code_is_documented_once_and_nothing_else_is() -> None:
    assert len(DOCUMENTED) == len(set(DOCUMENTED))
    assert set(DOCUMENTED) == set(get_args(ErrorCode)) | set(get_args(FindingCode))
    assert not set(get_args(ErrorCode)) & set(get_args(FindingCode))


@pytest.mark.parametrize(
    "cls",
    [
        CalendarError,
        CaseError,
        PackSchemaError,
        PackSyntaxError,
        ProtocolError,
        UnknownIdError,
        UsageError,
    ],
)
def test_concrete_errors_default_to_a_documented_code(cls: type[WtGuidanceError]) -> None:
    assert cls("x").code in get_args(ErrorCode)


@pytest.mark.parametrize("cls", [WtGuidanceError, PackError, PackCompileError, EvaluationError])
def test_abstract_errors_must_be_given_a_code(cls: type[WtGuidanceError]) -> None:
    with pytest.raises(TypeError, match="needs a code"):
        cls("x")
    assert cls("x", code="rule-cycle").code == "rule-cycle"
