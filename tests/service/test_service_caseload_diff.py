"""``POST /v1/diff-caseload``: a caseload diff over HTTP, the CLI's JSON for a JSON Lines batch."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest

from _helpers import EXAMPLES, run_cli
from _server import running_server

ROOT = Path(__file__).resolve().parents[2]
OPENAPI = json.loads((ROOT / "schemas" / "openapi.json").read_text(encoding="utf-8"))
BATCH = (EXAMPLES / "batch" / "cases.jsonl").read_text(encoding="utf-8")
PROTOCOL = (EXAMPLES / "protocols" / "exampleshire-2023.yaml").read_text(encoding="utf-8")
LIMIT = 65_536


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with (
        running_server("--max-body-bytes", str(LIMIT)) as url,
        httpx.Client(base_url=url, timeout=60.0) as session,
    ):
        yield session


def _schema(status: int) -> dict[str, Any]:
    response = OPENAPI["paths"]["/v1/diff-caseload"]["post"]["responses"][str(status)]
    return {**response["content"]["application/json"]["schema"], **OPENAPI}


def _cli_json(*argv: str) -> str:
    code, out, err = run_cli("diff", *argv, "--caseload", "-", "--format", "json", stdin=BATCH)
    assert code == 0, err
    return out.replace("<stdin>", "<request>")


@pytest.mark.parametrize(
    ("body", "argv"),
    [
        ({"from": "2018", "to": "2023"}, ("2018", "2023")),
        ({"from": "2023", "to": "2026"}, ("2023", "2026")),
        (
            {"from": "2023", "protocol": PROTOCOL},
            ("2023", "--protocol", str(EXAMPLES / "protocols" / "exampleshire-2023.yaml")),
        ),
        (
            {"from": "auto", "protocol": PROTOCOL},
            ("auto", "--protocol", str(EXAMPLES / "protocols" / "exampleshire-2023.yaml")),
        ),
    ],
)
def test_answer_is_the_cli_json(client: Any, body: dict[str, Any], argv: tuple[str, ...]) -> None:
    response = client.post(
        "/v1/diff-caseload", json={**body, "as_of": "2024-04-05", "cases": BATCH}
    )
    assert response.status_code == 200, response.text
    assert response.text == _cli_json(*argv, "--as-of", "2024-04-05")
    document = response.json()
    jsonschema.validate(document, _schema(200))
    assert document["records"] == document["outcomes"] + document["rejected"]
    assert document["rejected"] >= 1  # the example batch has a bad line, named by number
    assert document["rejected_records"][0]["line"] == 3


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"from": "2023", "cases": BATCH}, 422, "invalid-request"),
        ({"from": "2018", "protocol": PROTOCOL, "cases": BATCH}, 422, "invalid-request"),
        ({"from": "1999", "to": "2023", "cases": BATCH}, 422, "unknown-edition"),
        ({"from": "2023", "to": "2026"}, 422, "invalid-request"),
        ({"from": "2023", "to": "2026", "cases": BATCH, "jobs": 2}, 422, "invalid-request"),
        (
            {"from": "2023", "to": "2026", "cases": BATCH, "as_of": "2024-02-30"},
            422,
            "invalid-date",
        ),
        ({"from": "2023", "protocol": "timescales: [", "cases": BATCH}, 422, None),
        ({"from": "2023", "to": "2026", "cases": "x" * LIMIT}, 413, "body-too-large"),
    ],
)
def test_bad_requests_get_the_error_document(
    client: Any, body: dict[str, Any], status: int, code: str | None
) -> None:
    response = client.post("/v1/diff-caseload", json=body)
    assert response.status_code == status, response.text
    assert "Traceback" not in response.text
    error = response.json()["error"]
    if code is not None:
        assert error["code"] == code
    jsonschema.validate(response.json(), {"$ref": "#/components/schemas/ErrorResponse", **OPENAPI})
