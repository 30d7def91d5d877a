"""Safe YAML reading that remembers where every node came from.

Rule packs and local protocols are YAML written by people, so every later error must be
able to point at ``file:line:column``. This module composes the YAML node graph with
PyYAML's *safe* loader (no Python tags, nothing executed) and converts it to plain
values itself, recording the 1-based position of every mapping, sequence and scalar
under its JSON pointer. On the way it enforces the input rules of DESIGN §14:

- duplicate mapping keys are an error (PyYAML silently keeps the last one);
- anchors and aliases are refused outright, which rules out "billion laughs" expansion;
- size and nesting depth are capped;
- timestamps stay strings, so the schema (not YAML's resolver) decides what a date is.
"""

from __future__ import annotations

from typing import Any

import yaml

from wtguidance._yaml_document import (
    MAX_BYTES,
    MAX_DEPTH,
    YamlDocument,
    YamlProblem,
    pointer_join,
)
from wtguidance.errors import SourceLocation

__all__ = ["MAX_BYTES", "MAX_DEPTH", "YamlDocument", "YamlProblem", "load_yaml", "pointer_join"]

# libyaml's C parser when PyYAML was built with it (the PyPI wheels are): about ten times
# faster than the pure-Python scanner, with the same safe constructor and marks.
_SafeBase: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _NoTimestampLoader(_SafeBase):  # type: ignore[misc,valid-type]
    """Safe loader without the implicit timestamp resolver (dates stay strings)."""


_NoTimestampLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}


class _Converter:
    def __init__(self, path: str, loader: _NoTimestampLoader) -> None:
        self.path = path
        self.loader = loader
        self.positions: dict[str, tuple[int, int]] = {}
        self.seen: set[int] = set()

    def where(self, node: yaml.Node, pointer: str) -> SourceLocation:
        mark = node.start_mark
        return SourceLocation(self.path, mark.line + 1, mark.column + 1, pointer or "")

    def convert(self, node: yaml.Node, pointer: str, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise YamlProblem(f"nesting deeper than {MAX_DEPTH} levels", self.where(node, pointer))
        if id(node) in self.seen:
            raise YamlProblem(
                "anchors and aliases are not allowed",
                self.where(node, pointer),
                hint="write the value out in full",
            )
        self.seen.add(id(node))
        self.positions[pointer] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            if node.tag != "tag:yaml.org,2002:map":
                raise YamlProblem(f"unsupported YAML tag {node.tag!r}", self.where(node, pointer))
            return self._mapping(node, pointer, depth)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                raise YamlProblem(f"unsupported YAML tag {node.tag!r}", self.where(node, pointer))
            return [
                self.convert(item, pointer_join(pointer, index), depth + 1)
                for index, item in enumerate(node.value)
            ]
        assert isinstance(node, yaml.ScalarNode)
        if node.tag not in _SCALAR_TAGS:
            raise YamlProblem(f"unsupported YAML tag {node.tag!r}", self.where(node, pointer))
        return self.loader.construct_object(node, deep=True)

    def _mapping(self, node: yaml.MappingNode, pointer: str, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlProblem(
                    "merge keys ('<<') are not allowed", self.where(key_node, pointer)
                )
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlProblem(
                    "mapping keys must be plain scalars", self.where(key_node, pointer)
                )
            key = str(self.loader.construct_object(key_node))
            if key in first_seen:
                earlier = first_seen[key].start_mark
                raise YamlProblem(
                    f"duplicate key {key!r} (first defined at line {earlier.line + 1})",
                    self.where(key_node, pointer_join(pointer, key)),
                    hint="remove or rename one of the two entries",
                    code="duplicate-key",
                )
            first_seen[key] = key_node
            child = pointer_join(pointer, key)
            result[key] = self.convert(value_node, child, depth + 1)
            # point at the key, which is where a reader looks for an offending entry
            self.positions[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        return result


def load_yaml(text: str, path: str) -> YamlDocument:
    """Parse one YAML document safely, keeping positions; raise :class:`YamlProblem`."""
    if len(text.encode("utf-8", errors="replace")) > MAX_BYTES:
        raise YamlProblem(f"file is larger than {MAX_BYTES} bytes", SourceLocation(path, 1, 1))
    if not text.strip():
        raise YamlProblem("file is empty", SourceLocation(path, 1, 1))
    loader = _NoTimestampLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise YamlProblem("file holds no YAML document", SourceLocation(path, 1, 1))
        converter = _Converter(path, loader)
        value = converter.convert(node, "", 0)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        column = mark.column + 1 if mark else 1
        problem = exc.problem or exc.context or "cannot parse YAML"
        began, hint = _construct_start(exc, path)
        if began is not None:
            problem += f" ({exc.context} that began at line {began.line}, column {began.column})"
        raise YamlProblem(problem, SourceLocation(path, line, column), hint) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(str(exc).splitlines()[0], SourceLocation(path, 1, 1)) from None
    finally:
        loader.dispose()
    return YamlDocument(path, value, converter.positions, tuple(text.splitlines()))


#: what a reader should look for when a construct that began earlier never closed
_UNCLOSED: tuple[tuple[str, str], ...] = (
    ("flow sequence", "is a '[' there left unclosed?"),
    ("flow mapping", "is a '{' there left unclosed?"),
    ("quoted scalar", "is a quote there left unclosed?"),
    ("block collection", "is an item there indented differently from the ones before it?"),
    ("block mapping", "is a key there indented differently from the ones before it?"),
)


def _construct_start(
    exc: yaml.MarkedYAMLError, path: str
) -> tuple[SourceLocation | None, str | None]:
    """Where the construct being parsed began, when that is not where parsing failed.

    PyYAML reports the failure at the point it gave up (often the next line, or the end
    of the file) and the construct it was in the middle of (an unclosed ``[`` three lines
    up, say); a reader needs both.
    """
    start, stop = exc.context_mark, exc.problem_mark
    if start is None or stop is None or not exc.context:
        return None, None
    if (start.line, start.column) == (stop.line, stop.column):
        return None, None
    where = SourceLocation(path, start.line + 1, start.column + 1)
    hint = next((text for what, text in _UNCLOSED if what in exc.context), None)
    if hint is not None:
        hint = f"line {where.line}, column {where.column}: {hint}"
    return where, hint
