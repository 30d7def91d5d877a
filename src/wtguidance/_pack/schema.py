"""Stage 2a, the JSON Schema pass: each pack file against ``schemas/rule-pack.schema.json``.

Apart from the semantic checks (:mod:`wtguidance._pack.validate`): this pass only asks
whether a file has the right shape, and names the most specific field that does not.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from typing import Any

from wtguidance._resources import read_schema_text
from wtguidance._yaml_document import YamlDocument, pointer_join
from wtguidance.errors import PackError, PackSchemaError

__all__ = ["schema_errors"]


@cache
def _schema_validator() -> Any:
    # The schema text is immutable package data; parsing it once is a pure memo.
    # jsonschema is imported here, not at module level: it costs ~0.2 s of start-up.
    import jsonschema

    schema = json.loads(read_schema_text("rule-pack.schema.json"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def schema_errors(doc: YamlDocument) -> Iterator[PackError]:
    """The problems of one pack file's shape: missing citations, then the best schema error."""
    if isinstance(doc.value, dict):
        yield from _missing_citations(doc)
    errors = list(_schema_validator().iter_errors(doc.value))
    if not errors:
        return
    from jsonschema.exceptions import best_match

    best = best_match(errors)
    # descend into oneOf/anyOf to the most specific message
    while best.context:
        best = best_match(best.context)
    pointer = "".join(pointer_join("", p) for p in best.absolute_path)
    where = doc.locate(pointer)
    rule_id = _rule_id_at(doc, pointer)
    field = pointer or "/"
    yield PackSchemaError(
        f"{field}: {best.message}",
        code="schema",
        location=where,
        rule_id=rule_id,
        hint="see schemas/rule-pack.schema.json",
    )


def _missing_citations(doc: YamlDocument) -> Iterator[PackError]:
    rules = doc.value.get("rules")
    if not isinstance(rules, list):
        return
    for index, rule in enumerate(rules):
        if isinstance(rule, dict) and "citation" not in rule:
            yield PackSchemaError(
                "rule has no citation",
                code="missing-citation",
                location=doc.locate(f"/rules/{index}"),
                rule_id=str(rule.get("id")) if rule.get("id") else None,
                hint="every rule cites {chapter, section, paragraph, url}; "
                "use paragraph: null when the number is not verified",
            )


def _rule_id_at(doc: YamlDocument, pointer: str) -> str | None:
    parts = pointer.split("/")
    if len(parts) >= 3 and parts[1] == "rules" and isinstance(doc.value, dict):
        try:
            rule = doc.value["rules"][int(parts[2])]
        except (KeyError, IndexError, ValueError, TypeError):
            return None
        if isinstance(rule, dict) and isinstance(rule.get("id"), str):
            return str(rule["id"])
    return None
