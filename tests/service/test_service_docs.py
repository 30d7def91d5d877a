"""The service describes itself: ``/docs`` from installed files, a typed OpenAPI outcome,
405s that name the method, and the service's own code for a bad date in a body.

- ``GET /docs`` is Swagger UI whose every script, stylesheet and image is served by the
  service itself (checked in the HTML, in the Content-Security-Policy, and in headless
  Chromium by recording every request the page makes: all go to the service's host);
- the committed OpenAPI document types every field of every obligation, sign-off and
  case-holder verdict, and the service's real answers validate against it;
- a wrong method on any path answers 405 naming the method(s) to use, with ``Allow``;
- a bad ``as_of`` in a body is ``invalid-date`` (a documented service code), not ``bad-flag``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

pytest.importorskip("fastapi", reason="the HTTP service needs the 'server' extra")
httpx = pytest.importorskip("httpx", reason="the service tests need httpx (dev extra)")

import jsonschema  # noqa: E402

from _server import running_server  # noqa: E402
from wtguidance.codes import CATALOGUE  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
OPENAPI = json.loads((ROOT / "schemas" / "openapi.json").read_text(encoding="utf-8"))
CASES = sorted((ROOT / "examples" / "cases").glob("*.json"))


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with running_server() as url:
        yield url


@pytest.fixture(scope="module")
def client(base: str) -> Iterator[Any]:
    with httpx.Client(base_url=base, timeout=60.0) as session:
        yield session


# -- /docs --------------------------------------------------------------------------------------
class _Resources(HTMLParser):
    """Every URL an HTML page would load (src, href, and url(...) in inline styles)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href", "data", "poster", "srcset") and value:
                self.urls.append(value)


def test_docs_page_names_no_other_host(client: Any) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    parser = _Resources()
    parser.feed(response.text)
    assert {"/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css"} <= set(parser.urls)
    for url in parser.urls:
        assert not urlsplit(url).netloc, url  # relative to the service: no host named
        assert not url.startswith("//"), url
    assert "http://" not in response.text
    assert "https://" not in response.text
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self' 'unsafe-inline';" in policy


@pytest.mark.parametrize("asset", ["swagger-ui-bundle.js", "swagger-ui.css", "favicon.png"])
def test_docs_assets_are_served_from_the_installed_package(client: Any, asset: str) -> None:
    from wtguidance.service.interactive_docs import assets_dir

    response = client.get(f"/docs/assets/{asset}")
    assert response.status_code == 200
    assert response.content == (assets_dir() / asset).read_bytes()


@pytest.mark.parametrize("path", ["/docs/assets/nothing.js", "/docs/assets/../app.py"])
def test_a_missing_docs_asset_is_the_services_404(client: Any, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not-found"


def test_docs_in_a_browser_load_nothing_from_another_host(
    base: str, playwright_chromium: str
) -> None:
    import playwright.sync_api as sync_api

    host = urlsplit(base).netloc
    requested: list[str] = []
    problems: list[str] = []
    with sync_api.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=playwright_chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("request", lambda r: requested.append(r.url))
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on(
                "console",
                lambda m: problems.append(m.text) if m.type == "error" else None,
            )
            page.goto(f"{base}/docs", wait_until="networkidle")
            # Swagger UI rendered the document: every operation is listed
            page.wait_for_selector(".opblock", timeout=30_000)
            operations = page.locator(".opblock").count()
            title = page.locator(".title").first.inner_text()
        finally:
            browser.close()
    assert not problems, problems
    assert operations == sum(len(methods) for methods in OPENAPI["paths"].values())
    assert "wtguidance" in title
    others = [url for url in requested if urlsplit(url).scheme not in ("data", "blob")]
    assert f"{base}/openapi.json" in others
    assert all(urlsplit(url).netloc == host for url in others), others


# -- the OpenAPI document types the whole outcome -------------------------------------------
def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref is None:
        return schema
    resolved: dict[str, Any] = OPENAPI["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return resolved


def _typed(schema: dict[str, Any]) -> bool:
    schema = _resolve(schema)
    if "anyOf" in schema:
        return all(_typed(option) for option in schema["anyOf"])
    return any(key in schema for key in ("type", "enum", "const", "properties"))


@pytest.mark.parametrize(
    "name",
    ["Outcome", "ObligationResult", "SignOffResult", "CaseHolderVerdict", "TimescaleEntry"],
)
def test_every_outcome_field_is_typed_and_described(name: str) -> None:
    schema = OPENAPI["components"]["schemas"][name]
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert schema["properties"]
    for field, value in schema["properties"].items():
        assert _typed(value), (name, field)
        assert value.get("description"), (name, field)


def test_timescale_view_has_one_unit_per_key_and_no_untyped_values() -> None:
    schema = OPENAPI["components"]["schemas"]["TimescaleView"]
    assert set(schema["properties"]) == {
        "working_days",
        "months",
        "working_days_before",
        "calendar_days",
        "hours",
    }
    assert schema["required"] == []


def test_the_committed_document_is_the_generated_one() -> None:
    from wtguidance.service.app import create_app
    from wtguidance.service.openapi import openapi_text

    assert openapi_text(create_app()) == (ROOT / "schemas" / "openapi.json").read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_real_outcomes_validate_against_the_document(client: Any, path: Path) -> None:
    body = {"case": json.loads(path.read_text(encoding="utf-8")), "as_of": "2025-12-15"}
    response = client.post("/v1/evaluate", json=body)
    assert response.status_code == 200, response.text
    schema = {"$ref": "#/components/schemas/Outcome", "components": OPENAPI["components"]}
    jsonschema.validate(response.json(), schema)
    # and the document is strict enough to catch a wrong type
    broken = response.json()
    if broken["obligations"]:
        broken["obligations"][0]["due"] = 20240301
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, schema)


# -- 405 names the method ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "path", "template", "allowed"),
    [
        ("GET", "/v1/evaluate", "/v1/evaluate", {"POST"}),
        ("PUT", "/v1/evaluate", "/v1/evaluate", {"POST"}),
        ("DELETE", "/v1/evaluate", "/v1/evaluate", {"POST"}),
        ("GET", "/v1/validate-protocol", "/v1/validate-protocol", {"POST"}),
        ("POST", "/v1/editions", "/v1/editions", {"GET"}),
        ("POST", "/healthz", "/healthz", {"GET"}),
        ("POST", "/openapi.json", "/openapi.json", {"GET"}),
        ("POST", "/docs", "/docs", {"GET"}),
        ("DELETE", "/v1/explain/wt2023.assessment.complete", "/v1/explain/{rule_id}", {"GET"}),
        # the client's path text never reaches the message (a line break stays out of it)
        ("DELETE", "/v1/explain/a%0Ab%22", "/v1/explain/{rule_id}", {"GET"}),
        ("DELETE", "/v1/diff/2018/2023", "/v1/diff/{a}/{b}", {"GET", "POST"}),  # two routes
        ("PATCH", "/v1/diff/2018/2023", "/v1/diff/{a}/{b}", {"GET", "POST"}),
    ],
)
def test_a_wrong_method_answers_405_naming_the_method(
    client: Any, method: str, path: str, template: str, allowed: set[str]
) -> None:
    response = client.request(method, path)
    assert response.status_code == 405
    error = response.json()["error"]
    assert error["code"] == "method-not-allowed"
    assert "\n" not in error["message"]
    for name in allowed:
        assert name in error["message"], error["message"]
    assert template in error["message"]
    assert method in error["message"]
    assert set(response.headers["allow"].replace(" ", "").split(",")) - {"HEAD"} == allowed


# -- a bad as_of is the service's own code ---------------------------------------------------
@pytest.mark.parametrize("as_of", ["2024-02-30", "2024-3-1", "01/03/2024", "", "2024-13-01"])
@pytest.mark.parametrize("path", ["/v1/evaluate", "/v1/diff/2018/2023"])
def test_a_bad_as_of_in_a_body_is_invalid_date(client: Any, path: str, as_of: str) -> None:
    case = json.loads((ROOT / "examples" / "cases" / "s17-met.json").read_text())
    response = client.post(path, json={"case": case, "as_of": as_of})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid-date"
    assert error["location"]["pointer"] == "/as_of"
    assert repr(as_of) in error["message"]


def test_invalid_date_is_a_documented_service_code() -> None:
    (group,) = [g for g in CATALOGUE if g.title.startswith("HTTP service")]
    entry = next(e for e in group.entries if "invalid-date" in e.codes)
    assert "as_of" in entry.text
    page = ROOT / "docs" / "codes" / "invalid-date.md"
    assert page.is_file()
