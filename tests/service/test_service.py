"""The HTTP service (DESIGN §15) against the real server: ``wtguidance serve`` on loopback.

Every answer is compared with what the command line prints for the same input, byte for
byte; every bad input must get a 4xx and the error document, never a 500 or a traceback.
"""

from __future__ import annotations

import io
import itertools
import json
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the HTTP service needs the 'server' extra")
httpx = pytest.importorskip("httpx", reason="the service tests need httpx (dev extra)")

import jsonschema  # noqa: E402
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from _server import running_server  # noqa: E402
from wtguidance.cli import main  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CASES = sorted((ROOT / "examples" / "cases").glob("*.json"))
PROTOCOLS = sorted((ROOT / "examples" / "protocols").rglob("*.yaml"))
MALFORMED = sorted((ROOT / "tests" / "malformed" / "cases").glob("*.json"))
AS_OF = "2024-03-01"
LIMIT = 65_536  # the body limit the test server is started with
OPENAPI = json.loads((ROOT / "schemas" / "openapi.json").read_text(encoding="utf-8"))


def cli(*argv: str, stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err, stdin=io.StringIO(stdin))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with running_server("--max-body-bytes", str(LIMIT)) as url:
        yield url


@pytest.fixture(scope="module")
def client(base: str) -> Iterator[Any]:
    with httpx.Client(base_url=base, timeout=60.0) as session:
        yield session


def schema_for(path: str, method: str, status: int) -> dict[str, Any]:
    """The response schema the committed OpenAPI document gives, resolvable on its own."""
    response = OPENAPI["paths"][path][method]["responses"][str(status)]
    schema = response["content"]["application/json"]["schema"]
    return {**schema, "components": OPENAPI["components"]}


def assert_error(response: Any, *statuses: int) -> dict[str, Any]:
    """A well-formed error answer: an allowed 4xx, the error document, no traceback."""
    assert response.status_code in statuses, (response.status_code, response.text)
    assert response.headers["content-type"] == "application/json"
    assert "Traceback" not in response.text
    body = response.json()
    error_schema = {"$ref": "#/components/schemas/ErrorResponse", **OPENAPI}
    jsonschema.validate(body, error_schema)
    assert "\n" not in body["error"]["message"]
    return dict(body["error"])


# -- the same bytes as the command line ------------------------------------------------------
@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
@pytest.mark.parametrize("edition", ["auto", "2023"])
def test_evaluate_is_the_cli_json(client: Any, path: Path, edition: str) -> None:
    text = path.read_text(encoding="utf-8")
    code, expected, _err = cli(
        "evaluate", "-", "--as-of", AS_OF, "--edition", edition, "--format", "json", stdin=text
    )
    assert code == 0
    body = {"case": json.loads(text), "as_of": AS_OF, "edition": edition}
    response = client.post("/v1/evaluate", json=body)
    assert response.status_code == 200
    assert response.content == expected.encode("utf-8")
    jsonschema.validate(response.json(), schema_for("/v1/evaluate", "post", 200))


@pytest.mark.parametrize("name", ["exampleshire-2023.yaml", "oxfordshire-style-2013.yaml"], ids=str)
def test_evaluate_with_a_protocol_is_the_cli_json(client: Any, name: str) -> None:
    protocol = ROOT / "examples" / "protocols" / name
    case = ROOT / "examples" / "cases" / "s17-met.json"
    code, expected, _ = cli(
        "evaluate", str(case), "--as-of", AS_OF, "--protocol", str(protocol), "--format", "json"
    )
    assert code == 0
    body = {
        "case": json.loads(case.read_text(encoding="utf-8")),
        "as_of": AS_OF,
        "protocol": protocol.read_text(encoding="utf-8"),
    }
    response = client.post("/v1/evaluate", json=body)
    assert (response.status_code, response.text) == (200, expected)


@pytest.mark.parametrize("path", PROTOCOLS, ids=lambda p: p.stem)
@pytest.mark.parametrize("strict", [False, True])
def test_validate_protocol_is_the_cli_json(client: Any, path: Path, strict: bool) -> None:
    shown = str(path.relative_to(ROOT))
    code, expected, _ = cli(
        "validate-protocol", str(path), "--format", "json", *(["--strict"] if strict else [])
    )
    expected = expected.replace(str(path), shown)
    response = client.post(
        "/v1/validate-protocol",
        params={"file": shown, "strict": str(strict).lower()},
        content=path.read_bytes(),
        headers={"content-type": "application/yaml"},
    )
    if code == 2:  # the CLI cannot parse it: the service refuses it with the same cause
        error = assert_error(response, 422)
        finding = json.loads(expected)["findings"][0]
        assert (error["code"], error["message"]) == (finding["code"], finding["message"])
        assert (error["location"]["line"], error["location"]["column"]) == (
            finding["line"],
            finding["column"],
        )
        return
    assert (response.status_code, response.text) == (200, expected)
    jsonschema.validate(response.json(), schema_for("/v1/validate-protocol", "post", 200))


def test_an_invalid_protocol_is_refused_by_evaluate_with_the_cli_cause(client: Any) -> None:
    protocol = ROOT / "examples" / "protocols" / "invalid" / "role-not-permitted.yaml"
    case = ROOT / "examples" / "cases" / "s17-met.json"
    code, _, err = cli("evaluate", str(case), "--protocol", str(protocol), "--as-of", AS_OF)
    assert code == 2
    body = {
        "case": json.loads(case.read_text(encoding="utf-8")),
        "as_of": AS_OF,
        "protocol": protocol.read_text(encoding="utf-8"),
    }
    error = assert_error(client.post("/v1/evaluate", json=body), 422)
    assert error["code"] == "invalid-protocol"
    # the same cause; the CLI adds a hint naming the command that lists every finding
    assert f"error[invalid-protocol] {error['message']}; hint: " in err.splitlines()[-1]
    assert error["location"]["pointer"] == "/protocol"
    assert error["location"]["line"] > 1


PAIRS = [("2010", "2013"), ("2018", "2023"), ("2023", "2026"), ("2026", "2013")]


@pytest.mark.parametrize(("a", "b"), PAIRS, ids="-".join)
def test_diff_is_the_cli_json(client: Any, a: str, b: str) -> None:
    _, expected, _ = cli("diff", a, b, "--format", "json")
    response = client.get(f"/v1/diff/{a}/{b}")
    assert (response.status_code, response.text) == (200, expected)
    case = ROOT / "examples" / "cases" / "cp-pathway.json"
    _, expected, _ = cli("diff", a, b, "--case", str(case), "--as-of", AS_OF, "--format", "json")
    body = {"case": json.loads(case.read_text(encoding="utf-8")), "as_of": AS_OF}
    response = client.post(f"/v1/diff/{a}/{b}", json=body)
    assert (response.status_code, response.text) == (200, expected)


@pytest.mark.parametrize("rule", ["icpc.hold", "wt2023.icpc.hold", "assessment.approve", "s17"])
def test_explain_is_the_cli_json(client: Any, rule: str) -> None:
    code, expected, _ = cli("explain", rule, "--format", "json")
    response = client.get(f"/v1/explain/{rule}")
    if code == 2:
        assert_error(response, 404)
    else:
        assert (response.status_code, response.text) == (200, expected)


def test_editions_health_and_openapi(client: Any) -> None:
    _, expected, _ = cli("editions", "--format", "json")
    response = client.get("/v1/editions")
    assert (response.status_code, response.text) == (200, expected)
    jsonschema.validate(response.json(), schema_for("/v1/editions", "get", 200))
    health = client.get("/healthz").json()
    assert health["status"] == "ok"
    assert health["editions"] == [row["edition"] for row in json.loads(expected)]
    served = client.get("/openapi.json")
    assert served.content == (ROOT / "schemas" / "openapi.json").read_bytes()


# -- bad input: a 4xx with the CLI's code and cause --------------------------------------------
@pytest.mark.parametrize("path", MALFORMED, ids=lambda p: p.stem)
def test_malformed_case_gets_the_cli_code_and_cause(client: Any, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    code, _, err = cli("evaluate", "-", "--as-of", AS_OF, stdin=text)
    assert code == 2
    cli_line = err.strip()
    # the case file itself as the body: never a 500, always the error document
    assert_error(client.post("/v1/evaluate", content=text.encode("utf-8")), 400, 422)
    try:
        case = json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except ValueError:  # not JSON: spliced into a request, the body is not JSON either
        spliced = '{"as_of": "2024-03-01", "case": ' + text + "}"
        error = assert_error(client.post("/v1/evaluate", content=spliced.encode()), 400)
        assert error["code"] in {"invalid-json", "duplicate-key"}
        return
    error = assert_error(client.post("/v1/evaluate", json={"case": case, "as_of": AS_OF}), 422)
    assert f"error[{error['code']}] {error['message']}" in cli_line
    assert error["location"]["pointer"].startswith("/case")


def _no_constant(name: str) -> Any:
    raise ValueError(name)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    if len({key for key, _ in pairs}) != len(pairs):
        raise ValueError("duplicate key")
    return dict(pairs)


def test_a_duplicate_key_in_the_case_names_it_as_the_cli_does(client: Any) -> None:
    text = (ROOT / "tests" / "malformed" / "cases" / "duplicate-key.json").read_text()
    _, _, err = cli("evaluate", "-", stdin=text)
    spliced = '{"case": ' + text + "}"
    error = assert_error(client.post("/v1/evaluate", content=spliced.encode()), 400)
    assert error["code"] == "duplicate-key"
    cli_message = err.split("error[duplicate-key] ", 1)[1].strip()
    assert error["message"] in {f"case.{cli_message}", f"case: {cli_message}"}
    assert error["location"]["pointer"].startswith("/case/")


BAD_REQUESTS: list[tuple[str, str, bytes, int, str]] = [
    ("POST", "/v1/evaluate", b"", 400, "empty-input"),
    ("POST", "/v1/evaluate", b"   \n", 400, "empty-input"),
    ("POST", "/v1/evaluate", b"{", 400, "invalid-json"),
    ("POST", "/v1/evaluate", b'{"case": NaN}', 400, "invalid-json"),
    ("POST", "/v1/evaluate", b'{"case": 1e999999999999999}', 422, "invalid-case"),
    ("POST", "/v1/evaluate", b"\xff\xfe{}", 400, "invalid-input"),
    ("POST", "/v1/evaluate", b"[" * 100_000, 413, "body-too-large"),
    ("POST", "/v1/evaluate", b"[" * 60_000, 400, "invalid-json"),
    ("POST", "/v1/evaluate", b"[]", 422, "invalid-request"),
    ("POST", "/v1/evaluate", b"{}", 422, "invalid-request"),
    ("POST", "/v1/evaluate", b'{"case": {}, "extra": 1}', 422, "invalid-request"),
    ("POST", "/v1/evaluate", b'{"case": {}, "as_of": 20240301}', 422, "invalid-request"),
    ("POST", "/v1/evaluate", b'{"case": {}, "protocol": 5}', 422, "invalid-request"),
    ("POST", "/v1/evaluate", b'{"case": []}', 422, "invalid-case"),
    ("POST", "/v1/evaluate", b'{"case": {}}', 422, "invalid-case"),
    ("POST", "/v1/diff/2018/2023", b'{"case": {}, "edition": "2023"}', 422, "invalid-request"),
    ("POST", "/v1/diff/2018/2023", b"nope", 400, "invalid-json"),
    ("POST", "/v1/diff/2018/1999", b"{}", 404, "unknown-edition"),
    ("GET", "/v1/diff/2018/1999", b"", 404, "unknown-edition"),
    ("GET", "/v1/diff/../2023", b"", 404, "not-found"),
    ("GET", "/v1/explain/wt2023.nothing", b"", 404, "unknown-rule"),
    ("GET", "/v1/nothing", b"", 404, "not-found"),
    ("DELETE", "/v1/evaluate", b"", 405, "method-not-allowed"),
    ("POST", "/v1/validate-protocol", b"a: [", 422, "invalid-yaml"),
    ("POST", "/v1/validate-protocol", b"a: *x", 422, "invalid-yaml"),
    ("POST", "/v1/validate-protocol?strict=perhaps", b"a: 1", 422, "invalid-request"),
    ("POST", "/v1/validate-protocol?edition=1999", b"a: 1", 422, "unknown-edition"),
    ("POST", "/v1/validate-protocol", b"\xc3\x28", 400, "invalid-input"),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code"),
    BAD_REQUESTS,
    ids=[f"{i}-{c}" for i, (*_, c) in enumerate(BAD_REQUESTS)],
)
def test_bad_request(
    client: Any, method: str, path: str, body: bytes, status: int, code: str
) -> None:
    response = client.request(method, path, content=body)
    assert assert_error(response, status)["code"] == code


def _case_body(**changes: Any) -> dict[str, Any]:
    case = json.loads((ROOT / "examples" / "cases" / "s17-met.json").read_text())
    return {"case": case, "as_of": AS_OF, **changes}


@pytest.mark.parametrize(
    ("changes", "code", "pointer"),
    [
        ({"edition": "1999"}, "unknown-edition", "/edition"),
        ({"edition": ""}, "unknown-edition", "/edition"),
        ({"as_of": "2024-02-30"}, "invalid-date", "/as_of"),
        ({"as_of": "2024-3-1"}, "invalid-date", "/as_of"),
        (
            {
                "case": {
                    "case_id": "old",
                    "child": {"date_of_birth": "1980-01-01"},
                    "events": [{"type": "referral", "date": "1985-01-02"}],
                },
                "as_of": "1985-03-01",
                "edition": "2023",
            },
            "calendar-range",
            None,
        ),
        ({"protocol": "a: [1"}, "invalid-protocol", "/protocol"),
        ({"protocol": ""}, "invalid-protocol", "/protocol"),
        ({"protocol": "protocol: wtguidance/local-protocol/v1\n"}, "invalid-protocol", "/protocol"),
    ],
    ids=lambda v: str(v) if not isinstance(v, dict) else "-".join(map(str, v.values()))[:30],
)
def test_bad_fields_of_an_evaluate_request(
    client: Any, changes: dict[str, Any], code: str, pointer: str | None
) -> None:
    error = assert_error(client.post("/v1/evaluate", json=_case_body(**changes)), 422)
    assert error["code"] == code
    if pointer is not None:
        assert error["location"]["pointer"] == pointer


def test_the_body_limit_is_stated_and_also_applies_without_a_length(client: Any) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"case": "'
        for _ in range(LIMIT // 1000 + 1):
            yield b"x" * 1000

    response = client.post("/v1/evaluate", content=chunks())  # chunked: no Content-Length
    error = assert_error(response, 413)
    assert f"limit of {LIMIT} bytes" in error["message"]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)
event_like = st.fixed_dictionaries(
    {"type": st.sampled_from(["referral", "allocation", "icpc", "sign_off", "x"])},
    optional={"date": st.text(max_size=12) | st.integers(), "outcome": json_values},
)
bodies = st.one_of(
    st.binary(max_size=300),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries(
        {"case": json_values | st.fixed_dictionaries({"events": st.lists(event_like)})},
        optional={"as_of": json_values, "edition": json_values, "protocol": json_values},
    ).map(lambda v: json.dumps(v).encode()),
)


@given(body=bodies)
def test_many_malformed_bodies_never_give_a_500(client: Any, body: bytes) -> None:
    for path in ("/v1/evaluate", "/v1/diff/2018/2023"):
        response = client.post(path, content=body)
        if response.status_code != 200:
            assert_error(response, 400, 413, 422)


def test_malformed_protocol_texts_never_give_a_500(client: Any) -> None:
    samples = [p.read_bytes() for p in PROTOCOLS]
    cuts = [s[:n] for s in samples for n in range(0, len(s), max(len(s) // 25, 1))]
    for body in [*cuts, b"\x00", b"- - - [", b"? a\n: b", b"a: !!python/object {}"]:
        response = client.post("/v1/validate-protocol", content=body)
        if response.status_code != 200:
            assert_error(response, 400, 422)


# -- concurrency: a bounded number of parallel requests, each answered exactly -----------------
def test_parallel_requests_each_get_their_own_cli_answer(base: str) -> None:
    expected = {}
    for path, edition in itertools.product(CASES, ["auto", "2018"]):
        text = path.read_text(encoding="utf-8")
        _, out, _ = cli("evaluate", "-", "--as-of", AS_OF, "--edition", edition, "--format", "json",
                        stdin=text)  # fmt: skip
        expected[(path.name, edition)] = (json.loads(text), out)
    jobs = list(itertools.islice(itertools.cycle(sorted(expected)), 32))

    def ask(job: tuple[str, str]) -> tuple[tuple[str, str], int, str]:
        case, _out = expected[job]
        with httpx.Client(base_url=base, timeout=120.0) as session:
            body = {"case": case, "as_of": AS_OF, "edition": job[1]}
            response = session.post("/v1/evaluate", json=body)
        return job, response.status_code, response.text

    with ThreadPoolExecutor(max_workers=32) as pool:
        answers = list(pool.map(ask, jobs))
    assert len(answers) == 32
    for job, status, text in answers:
        assert (status, text) == (200, expected[job][1]), job


# -- the command -------------------------------------------------------------------------------
def test_serve_without_the_extra_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # as if it were not installed
    code, out, err = cli("serve", "--port", "1")
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert "error[missing-extra]" in err
    from wtguidance._install_hint import install_command

    assert err.rstrip().endswith(install_command("server"))
    assert "-m pip install -e '" in err  # from this checkout, not an unpublished name


@pytest.mark.parametrize(
    "flags", [["--workers", "0"], ["--max-body-bytes", "0"], ["--port", "http"]], ids=str
)
def test_serve_refuses_bad_flags_in_one_line(flags: list[str]) -> None:
    code, _, err = cli("serve", *flags)
    assert code == 2
    assert err.count("\n") == 1


def test_the_cli_default_body_limit_is_the_service_default() -> None:
    from wtguidance.cli.main import build_parser
    from wtguidance.service import DEFAULT_MAX_BODY_BYTES

    args = build_parser().parse_args(["serve"])
    assert args.max_body_bytes == DEFAULT_MAX_BODY_BYTES


def test_several_workers_answer_alike() -> None:
    _, expected, _ = cli("editions", "--format", "json")
    with running_server("--workers", "2") as url, httpx.Client(base_url=url) as session:
        answers = {session.get("/v1/editions").text for _ in range(8)}
    assert answers == {expected}
