"""The rule pack's parts are frozen msgspec structs, not dataclasses: a dataclass compiles
its methods from source when its module is imported, about a sixth of a cold ``evaluate``
(docs/performance.md). They keep what the dataclasses gave: frozen, compared and hashed by
value, copied with changes, rules pickled."""

from __future__ import annotations

import dataclasses
import inspect
import pickle

import msgspec
import pytest

from _helpers import ROOT
from wtguidance._pack import model
from wtguidance.editions import load_pack_dir, shipped_editions

RULES_2023 = ROOT / "rules" / "2023"
PARTS = [
    cls
    for _name, cls in inspect.getmembers(model, inspect.isclass)
    if cls.__module__ == model.__name__
]


def test_every_part_is_a_struct() -> None:
    assert len(PARTS) >= 21
    for cls in PARTS:
        assert issubclass(cls, msgspec.Struct), cls
        assert not dataclasses.is_dataclass(cls), cls
        assert cls.__struct_config__.frozen, cls


@pytest.mark.parametrize("edition", ["2010", "2018", "2023"])
def test_two_loads_are_equal_and_hash_alike(edition: str) -> None:
    first = load_pack_dir(ROOT / "rules" / edition).pack
    second = load_pack_dir(ROOT / "rules" / edition).pack
    assert first == second
    assert first is not second
    for one, other in zip(first.rules, second.rules, strict=True):
        assert hash(one) == hash(other)
        assert hash(one.citation) == hash(other.citation)
    assert first.rules[0] != first.rules[1]


def test_a_changed_copy_leaves_the_original() -> None:
    pack = load_pack_dir(RULES_2023).pack
    rule = pack.rules[0]
    changed = msgspec.structs.replace(rule, summary="changed")
    assert changed.summary == "changed"
    assert rule.summary != "changed"
    assert changed != rule
    assert msgspec.structs.replace(changed, summary=rule.summary) == rule


def test_rules_pickle_to_equal_rules() -> None:
    for compiled in shipped_editions().packs:
        rules = compiled.pack.rules
        assert pickle.loads(pickle.dumps(rules)) == rules


def test_parts_are_built_by_keyword_and_position_alike() -> None:
    by_keyword = model.PersonSpec(roles=("social_worker",), social_work_qualified=True)
    assert model.PersonSpec(("social_worker",), True) == by_keyword
    assert model.Timescale(working_days=10).describe() == "10 working days"
    assert repr(by_keyword) == ("PersonSpec(roles=('social_worker',), social_work_qualified=True)")
