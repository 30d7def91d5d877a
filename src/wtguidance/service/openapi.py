"""The service's OpenAPI document: built from the routes and the models, committed as text.

FastAPI writes the paths; the schemas of what is exchanged come from the library's own
types, so the document describes exactly what the service reads and answers: the case
record and the service's request and error models are pydantic models; the outcome is
generated from the result structs themselves (:mod:`wtguidance.results`, by
``msgspec.json.schema_components``), each field described by its class docstring's
``Attributes:`` entry, so a field added to a result is typed here with no second copy.
Request bodies are read by the service itself (to give the CLI's error messages), so
their schemas are declared here rather than inferred. ``schemas/openapi.json`` is
:func:`openapi_text` of the default application, written by
``python -m wtguidance._generate``.
"""

from __future__ import annotations

import inspect
import json
import re
from typing import TYPE_CHECKING, Any

import msgspec
from pydantic import BaseModel, Field
from pydantic.json_schema import models_json_schema

from wtguidance import results
from wtguidance.case import Case
from wtguidance.results import Outcome
from wtguidance.service.errors import ErrorResponse
from wtguidance.service.requests import CaseloadDiffRequest, DiffCaseRequest, EvaluateRequest

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["DESCRIPTION", "openapi_document", "openapi_text", "operation_docs"]

DESCRIPTION = (
    "Working Together to Safeguard Children (England) as cited rule packs, over HTTP. "
    "Every response body is the JSON the `wtguidance` command line prints for the same "
    'input. Errors answer `{"error": {"code", "message", "location"}}` with the '
    "command line's error code and one-line cause. Not legal advice."
)

_REF = "#/components/schemas/{model}"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": _REF.format(model=name)}


# -- documentation-only shapes of the CLI's other documents -------------------------------
class EditionRow(BaseModel):
    """One encoded edition (``wtguidance editions --format json``)."""

    edition: str
    title: str
    published: str = Field(description="YYYY-MM-DD")
    in_force_from: str = Field(description="YYYY-MM-DD")
    governs_until: str | None = Field(description="YYYY-MM-DD; null for the current edition")
    status: str = Field(description="verified or provisional")
    rules: int


class ProtocolFindingDocument(BaseModel):
    """One finding about a local protocol: its code, severity, message and where it is."""

    code: str
    severity: str = Field(description="error or warning")
    message: str
    line: int
    column: int
    path: str = Field(description="JSON pointer into the protocol")
    citation: dict[str, Any] | None
    hint: str | None


class ProtocolReportDocument(BaseModel):
    """``wtguidance validate-protocol FILE --format json``."""

    valid: bool
    edition: str | None
    file: str
    findings: list[ProtocolFindingDocument]


_MODELS: tuple[tuple[type[BaseModel], Any], ...] = (
    (Case, "validation"),
    (EvaluateRequest, "validation"),
    (DiffCaseRequest, "validation"),
    (CaseloadDiffRequest, "validation"),
    (EditionRow, "serialization"),
    (ProtocolReportDocument, "serialization"),
    (ErrorResponse, "serialization"),
)


_ATTRIBUTE = re.compile(r"^(\w+): (.*)$")


def _attribute_docs(doc: str) -> tuple[str, dict[str, str]]:
    """A result class's docstring split into its description and each field's description.

    The ``Attributes:`` section lists ``name: text`` lines (indented continuation lines
    join the text); what comes before it describes the class.
    """
    text = inspect.cleandoc(doc)
    head, _, section = text.partition("\nAttributes:\n")
    fields: dict[str, str] = {}
    name = None
    for line in inspect.cleandoc(section).splitlines():
        match = _ATTRIBUTE.match(line)
        if match:
            name = match.group(1)
            fields[name] = match.group(2)
        elif name is not None and line.strip():
            fields[name] += " " + line.strip()
    return head.strip(), fields


def result_schemas() -> dict[str, Any]:
    """The JSON Schemas of the outcome and every result it holds, from the structs."""
    _outcome, components = msgspec.json.schema_components(
        [Outcome], ref_template=_REF.replace("{model}", "{name}")
    )
    for name, schema in components.items():
        struct = getattr(results, name)  # every struct the outcome holds is a result
        description, fields = _attribute_docs(struct.__doc__ or "")
        schema["description"] = description
        for attribute, encoded in zip(
            struct.__struct_fields__, struct.__struct_encode_fields__, strict=True
        ):
            if attribute in fields:  # tests/engine/test_results.py holds every field to a line
                schema["properties"][encoded]["description"] = fields[attribute]
    return components


def _json_content(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    meaning = {
        400: "The body is not JSON (or not UTF-8, or empty, or has a duplicate key)",
        404: "The path names an unknown edition or rule",
        413: "The body is larger than the configured limit",
        422: "The body is JSON but not a valid request, case, edition, date or protocol",
    }
    return {s: _json_content(_ref("ErrorResponse"), meaning[s]) for s in statuses}


def _json_body(name: str) -> dict[str, Any]:
    return {
        "requestBody": {"required": True, "content": {"application/json": {"schema": _ref(name)}}}
    }


_OPERATIONS: dict[str, dict[str, Any]] = {
    "evaluate": {
        "summary": "Evaluate a case",
        "description": "As `wtguidance evaluate CASE --as-of D --edition E [--protocol P] "
        "--format json`.",
        "responses": {
            200: _json_content(
                _ref("Outcome"), "The outcome, as `wtguidance evaluate --format json` prints it"
            ),
            **_errors(400, 413, 422),
        },
        "openapi_extra": _json_body("EvaluateRequest"),
    },
    "validate-protocol": {
        "summary": "Validate a local assessment protocol",
        "description": "The body is the protocol's YAML text. As `wtguidance "
        "validate-protocol FILE --format json`: a protocol with errors is answered 200 with "
        '`"valid": false`; YAML that cannot be parsed is refused with 422.',
        "responses": {
            200: _json_content(
                _ref("ProtocolReportDocument"),
                "The findings, as `wtguidance validate-protocol --format json` prints them",
            ),
            **_errors(400, 413, 422),
        },
        "openapi_extra": {
            "requestBody": {
                "required": True,
                "content": {
                    media: {"schema": {"type": "string"}}
                    for media in ("application/yaml", "text/plain")
                },
            }
        },
    },
    "diff": {
        "summary": "What changed between two editions",
        "description": "As `wtguidance diff A B --format json`.",
        "responses": {
            200: _json_content(
                {"type": "object"},
                "The edition diff, as `wtguidance diff A B --format json` prints it",
            ),
            **_errors(404),
        },
    },
    "diff-case": {
        "summary": "What changed between two editions, and for one case",
        "description": "As `wtguidance diff A B --case CASE --as-of D --format json`.",
        "responses": {
            200: _json_content({"type": "object"}, "The edition diff with the case's outcomes"),
            **_errors(400, 404, 413, 422),
        },
        "openapi_extra": _json_body("DiffCaseRequest"),
    },
    "diff-caseload": {
        "summary": "What two editions, or a protocol against national rules, change for a caseload",
        "description": "As `wtguidance diff A B --caseload CASES.jsonl --as-of D --format "
        "json`, or with `to` null and a `protocol`, `wtguidance diff A --caseload CASES.jsonl "
        "--protocol P ...`. The body limit bounds the batch; every line is an outcome or a "
        "rejected record (`records` = `outcomes` + `rejected`).",
        "responses": {
            200: _json_content(_ref("CaseloadDiff"), "The caseload diff"),
            **_errors(400, 404, 413, 422),
        },
        "openapi_extra": _json_body("CaseloadDiffRequest"),
    },
    "editions": {
        "summary": "The encoded editions",
        "description": "As `wtguidance editions --format json`.",
        "responses": {
            200: _json_content(
                {"type": "array", "items": _ref("EditionRow")}, "One row per edition"
            )
        },
    },
    "explain": {
        "summary": "One rule, or every rule behind a stable id, with its citation",
        "description": "As `wtguidance explain ID --format json`: an object for one rule, "
        "an array when a stable id has a rule in several editions.",
        "responses": {
            200: _json_content(
                {"oneOf": [{"type": "object"}, {"type": "array", "items": {"type": "object"}}]},
                "The rule(s)",
            ),
            **_errors(404),
        },
    },
    "health": {
        "summary": "The service is up and its rule packs are loaded",
        "responses": {200: {"description": "`status`, `version` and the edition ids"}},
    },
}


def operation_docs(name: str) -> dict[str, Any]:
    """The keyword arguments that document route ``name`` (summary, responses, body)."""
    return {"operation_id": name.replace("-", "_"), **_OPERATIONS[name]}


def openapi_document(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document of ``app``, with the service's own schemas."""
    from fastapi.openapi.utils import get_openapi

    document = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    _keys, definitions = models_json_schema(_MODELS, ref_template=_REF)
    schemas = dict(definitions.get("$defs", {}))
    results = result_schemas()
    clash = sorted(set(schemas) & set(results))
    assert not clash, f"a result struct and a request model share a name: {clash}"
    schemas.update(results)
    for request in ("EvaluateRequest", "DiffCaseRequest"):  # ``case`` is read as any JSON
        case = schemas[request]["properties"]["case"]
        schemas[request]["properties"]["case"] = {
            **_ref("Case"),
            "description": case["description"],
        }
    for operation in (op for path in document["paths"].values() for op in path.values()):
        responses = operation.setdefault("responses", {})
        queries = [p for p in operation.get("parameters", ()) if p["in"] == "query"]
        if "requestBody" not in operation and not queries:
            responses.pop("422", None)  # a path parameter is any string: never a 422
        elif "422" in responses:  # FastAPI's parameter check answers with our error document
            responses["422"] = _errors(422)[422]
    for name, schema in _struct_schemas().items():  # shared types keep the outcome's schema
        schemas.setdefault(name, schema)
    document["components"] = {"schemas": dict(sorted(schemas.items()))}
    return document


def _struct_schemas() -> dict[str, Any]:
    """The caseload diff's schemas, generated from its msgspec types."""
    import msgspec

    from wtguidance.diff.caseload import CaseloadDiff

    _refs, components = msgspec.json.schema_components(
        (CaseloadDiff,), ref_template=_REF.replace("{model}", "{name}")
    )
    return dict(components)


def openapi_text(app: FastAPI) -> str:
    """The document as committed: two-space indent, sorted keys, a final newline."""
    return json.dumps(openapi_document(app), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
