"""The safe YAML reader (DESIGN §14): positions, duplicates, aliases, tags and limits."""

from __future__ import annotations

import pytest

from wtguidance._yaml import MAX_BYTES, MAX_DEPTH, YamlProblem, load_yaml


def _problem(text: str) -> YamlProblem:
    with pytest.raises(YamlProblem) as info:
        load_yaml(text, "t.yaml")
    return info.value


def test_positions_are_one_based_and_point_at_keys() -> None:
    doc = load_yaml("a: 1\nrules:\n  - id: x\n    then: {assert: {fact: y}}\n", "t.yaml")
    assert doc.positions[""] == (1, 1)
    assert doc.positions["/a"] == (1, 1)
    assert doc.positions["/rules"] == (2, 1)
    assert doc.positions["/rules/0"] == (3, 5)
    assert doc.positions["/rules/0/id"] == (3, 5)
    assert doc.positions["/rules/0/then"] == (4, 5)
    assert doc.positions["/rules/0/then/assert"] == (4, 12)
    assert doc.positions["/rules/0/then/assert/fact"] == (4, 21)


def test_locate_falls_back_to_the_nearest_ancestor() -> None:
    doc = load_yaml("a:\n  b: 1\n", "t.yaml")
    location = doc.locate("/a/b/c/d")
    assert (location.path, location.line, location.column) == ("t.yaml", 2, 3)
    assert location.pointer == "/a/b/c/d"
    assert doc.source_line(2) == "  b: 1"
    assert doc.source_line(99) == ""


def test_pointer_tokens_are_escaped() -> None:
    doc = load_yaml("'a/b': {'c~d': 1}\n", "t.yaml")
    assert doc.positions["/a~1b/c~0d"] == (1, 9)


def test_duplicate_key_names_both_lines() -> None:
    problem = _problem("x: 1\ny:\n  k: 1\n  k: 2\n")
    assert problem.message == "duplicate key 'k' (first defined at line 3)"
    assert (problem.location.line, problem.location.column) == (4, 3)
    assert problem.location.pointer == "/y/k"
    assert problem.hint


def test_anchor_and_alias_are_refused() -> None:
    problem = _problem("a: &x {b: 1}\nc: *x\n")
    assert "anchors and aliases are not allowed" in problem.message


def test_billion_laughs_is_refused_without_expanding() -> None:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        refs = ", ".join([f"*l{level - 1}"] * 9)
        lines.append(f"l{level}: &l{level} [{refs}]")
    problem = _problem("\n".join(lines) + "\n")
    assert "anchors and aliases are not allowed" in problem.message
    assert problem.location.line == 1


def test_merge_key_is_refused() -> None:
    problem = _problem("base: {a: 1}\nchild:\n  <<: {a: 2}\n  b: 3\n")
    assert "merge keys" in problem.message
    assert problem.location.line == 3


@pytest.mark.parametrize(
    "text",
    [
        "a: !!python/name:os.system ''\n",
        "a: !custom 1\n",
        "a: !!binary aGVsbG8=\n",
        "a: !!python/object:os.system {}\n",
        "a: !!python/object/apply:os.system ['true']\n",
        "a: !!set {x, y}\n",
        "a: !custom {b: 1}\n",
    ],
)
def test_unsupported_tags_are_refused(text: str) -> None:
    problem = _problem(text)
    assert problem.location.line == 1
    assert "tag" in problem.message.lower()


def test_non_scalar_keys_are_refused() -> None:
    problem = _problem("? [a, b]\n: 1\n")
    assert "mapping keys must be plain scalars" in problem.message


def test_size_limit() -> None:
    problem = _problem("a: '" + "x" * MAX_BYTES + "'\n")
    assert "larger than" in problem.message
    assert (problem.location.line, problem.location.column) == (1, 1)


def test_depth_limit() -> None:
    deep = "[" * (MAX_DEPTH + 2) + "]" * (MAX_DEPTH + 2)
    problem = _problem(f"a: {deep}\n")
    assert f"deeper than {MAX_DEPTH}" in problem.message
    ok = "[" * (MAX_DEPTH - 2) + "]" * (MAX_DEPTH - 2)
    load_yaml(f"a: {ok}\n", "t.yaml")


@pytest.mark.parametrize("text", ["", "   \n\n", "# only a comment\n"])
def test_empty_files_are_refused(text: str) -> None:
    problem = _problem(text)
    assert (problem.location.line, problem.location.column) == (1, 1)


def test_several_documents_are_refused() -> None:
    problem = _problem("a: 1\n---\nb: 2\n")
    assert (problem.location.line, problem.location.column) == (2, 1)
    problem = _problem("a: 1\nb: 2\n\n---\nc: 3\n")
    assert (problem.location.line, problem.location.column) == (4, 1)


def test_syntax_errors_are_located() -> None:
    problem = _problem("a: 1\nb: [1, 2\nc: 3\n")
    assert problem.location.path == "t.yaml"
    assert problem.location.line is not None
    assert problem.location.line >= 2


def test_dates_stay_strings() -> None:
    doc = load_yaml(
        "published: 2023-12-15\nquoted: '2023-12-15'\nstamp: 2001-12-14t21:59:43.10-05:00\n",
        "t.yaml",
    )
    assert doc.value == {
        "published": "2023-12-15",
        "quoted": "2023-12-15",
        "stamp": "2001-12-14t21:59:43.10-05:00",
    }


def test_plain_scalars_keep_their_yaml_types() -> None:
    doc = load_yaml("a: 1\nb: true\nc: null\nd: 1.5\ne: '1'\n", "t.yaml")
    assert doc.value == {"a": 1, "b": True, "c": None, "d": 1.5, "e": "1"}
