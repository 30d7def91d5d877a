"""Command-line and service leftovers of the hostile-input review (issue 19 item 8).

- absurd ``--max-bytes``/``--max-events``/``--jobs``/``--port``/``--workers``/
  ``--max-body-bytes``/``--host`` values, and the matching environment variables, are
  one-line usage errors (exit 2), never an ``OverflowError`` traceback (D15);
- a client that disconnects mid-upload is one log line, never a traceback or a 500 (D17);
- ``HEAD`` is answered wherever ``GET`` is, ``OPTIONS`` on every route (D20).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from _helpers import EXAMPLES, ROOT, run_cli

CASE = str(EXAMPLES / "cases" / "s17-met.json")
BATCH = str(EXAMPLES / "batch" / "cases.jsonl")
CENSUS = str(ROOT / "tests" / "data" / "cin" / "CIN_Census_2024.xml")
ABSURD = ["0", "-1", "-99999999999999999999", "99999999999999999999999", "abc", "1.5", "", "1e3"]


def _one_line(code: int, out: str, err: str, *words: str) -> None:
    assert (code, out) == (2, ""), err
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err
    assert "error[bad-flag]" in err, err
    for word in words:
        assert word in err, err


@pytest.mark.parametrize("value", ABSURD)
@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        (["evaluate", CASE], "--max-bytes"),
        (["evaluate", CASE], "--max-events"),
        (["diff", "2018", "2023", "--case", CASE], "--max-bytes"),
        (["diff", "2018", "2023", "--case", CASE], "--max-events"),
        (["batch", BATCH], "--jobs"),
        (["cin-census", CENSUS, "--as-of", "2024-03-31"], "--jobs"),
        (["annex-a", str(ROOT / "tests" / "annex_a"), "--as-of", "2021-03-31"], "--jobs"),
        (["serve"], "--port"),
        (["serve"], "--workers"),
        (["serve"], "--max-body-bytes"),
    ],
)
def test_absurd_flag_values_are_one_line(argv: list[str], flag: str, value: str) -> None:
    code, out, err = run_cli(*argv, f"{flag}={value}")
    _one_line(code, out, err, flag)


@pytest.mark.parametrize(("flag", "value"), [("--port", "65536"), ("--port", "100000")])
def test_ports_past_the_last_are_refused(flag: str, value: str) -> None:
    _one_line(*run_cli("serve", flag, value), flag)


@pytest.mark.parametrize("host", ["not a host!", "bad\x00host", "exa mple.invalid"])
def test_a_host_that_cannot_be_listened_on_is_one_line(host: str) -> None:
    pytest.importorskip("uvicorn")
    _one_line(*run_cli("serve", "--host", host, "--port", "8999"), "--host")


@pytest.mark.parametrize("value", ["1", "2", "1000", "1_024"])
def test_sane_jobs_still_run(value: str) -> None:
    code, out, err = run_cli("batch", BATCH, "--as-of", "2024-03-01", "--jobs", value)
    assert code == 0, err
    lines = Path(BATCH).read_text(encoding="utf-8").splitlines()
    assert out.count("\n") == sum(1 for line in lines if line.strip())


@pytest.mark.parametrize("variable", ["WTGUIDANCE_MAX_BYTES", "WTGUIDANCE_MAX_EVENTS"])
@pytest.mark.parametrize("value", ["99999999999999999999999", "1" + "0" * 40, "-3", "x"])
def test_absurd_limits_in_the_environment_are_one_line(
    variable: str, value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(variable, value)
    _one_line(*run_cli("evaluate", CASE, "--as-of", "2024-03-01"), variable)


def test_the_highest_limit_is_accepted() -> None:
    from wtguidance.limits import CEILING_MAX_BYTES, CEILING_MAX_EVENTS

    code, _, err = run_cli(
        "evaluate",
        CASE,
        "--as-of",
        "2024-03-01",
        "--max-bytes",
        str(CEILING_MAX_BYTES),
        "--max-events",
        str(CEILING_MAX_EVENTS),
    )
    assert code == 0, err


# -- the service ---------------------------------------------------------------------------

pytest.importorskip("fastapi", reason="the HTTP service needs the 'server' extra")


def _call(
    app: Any, method: str, path: str, body: list[bytes] | None = None, disconnect: bool = False
) -> tuple[int, dict[str, str], bytes]:
    """One request straight into the ASGI app; the body arrives in ``body``'s chunks."""
    chunks = list(body or [b""])
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if chunks:
            chunk = chunks.pop(0)
            more = bool(chunks) or disconnect
            return {"type": "http.request", "body": chunk, "more_body": more}
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    raw_path, _, query = path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": raw_path,
        "raw_path": raw_path.encode(),
        "query_string": query.encode(),
        "headers": [(b"host", b"test"), (b"content-type", b"application/json")],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    headers = {k.decode().lower(): v.decode() for k, v in start.get("headers", [])}
    content = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], headers, content


@pytest.fixture(scope="module")
def app() -> Any:
    from wtguidance.service.app import create_app

    return create_app()


GETS = ["/healthz", "/v1/editions", "/v1/diff/2018/2023", "/v1/explain/icpc.hold", "/openapi.json"]
POSTS = ["/v1/evaluate", "/v1/validate-protocol", "/v1/diff/2018/2023"]


@pytest.mark.parametrize("path", GETS)
def test_head_is_get_without_the_body(app: Any, path: str) -> None:
    status, headers, body = _call(app, "GET", path)
    head_status, head_headers, head_body = _call(app, "HEAD", path)
    assert head_status == status == 200
    assert head_body == b""
    assert head_headers["content-length"] == str(len(body))
    assert head_headers["content-type"] == headers["content-type"]


@pytest.mark.parametrize("path", ["/v1/explain/no.such.rule", "/v1/diff/2018/1999"])
def test_head_keeps_the_error_status(app: Any, path: str) -> None:
    status, _, _ = _call(app, "GET", path)
    head_status, _, head_body = _call(app, "HEAD", path)
    assert head_status == status
    assert 400 <= status < 500
    assert head_body == b""


@pytest.mark.parametrize(
    ("path", "methods"),
    [
        ("/healthz", "GET, HEAD, OPTIONS"),
        ("/v1/editions", "GET, HEAD, OPTIONS"),
        ("/v1/evaluate", "OPTIONS, POST"),
        ("/v1/validate-protocol", "OPTIONS, POST"),
        ("/v1/diff/2018/2023", "GET, HEAD, OPTIONS, POST"),
        ("/v1/explain/anything", "GET, HEAD, OPTIONS"),
    ],
)
def test_options_lists_the_methods_of_the_path(app: Any, path: str, methods: str) -> None:
    status, headers, body = _call(app, "OPTIONS", path)
    assert (status, body) == (204, b"")
    assert headers["allow"] == methods


@pytest.mark.parametrize("path", ["/v1/evaluate", "/v1/validate-protocol"])
def test_head_where_get_is_not_allowed_is_405(app: Any, path: str) -> None:
    status, _, _ = _call(app, "HEAD", path)
    assert status == 405


@pytest.mark.parametrize("path", ["/nowhere", "/v1", "/v1/diff/2018"])
def test_options_on_no_route_is_404(app: Any, path: str) -> None:
    status, _, _ = _call(app, "OPTIONS", path)
    assert status == 404


@pytest.mark.parametrize("path", POSTS)
@pytest.mark.parametrize("chunks", [[], [b'{"case": '], [b"{", b'"case"', b": {"]])
def test_a_client_disconnect_is_one_log_line_and_no_500(
    app: Any, path: str, chunks: list[bytes], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="wtguidance.service"):
        status, _, _ = _call(app, "POST", path, chunks, disconnect=True)
    assert status != 500
    records = [r for r in caplog.records if r.name == "wtguidance.service"]
    assert len(records) == 1
    assert "disconnected" in records[0].getMessage()
    assert records[0].exc_info is None
    assert path in records[0].getMessage()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_aborted_uploads_to_the_real_server_log_no_traceback(tmp_path: Path) -> None:
    pytest.importorskip("uvicorn")
    port = _free_port()
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "wtguidance", "serve", "--port", str(port)],
        stdout=log,
        stderr=log,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src"), "NO_COLOR": "1"},
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                assert server.poll() is None, (tmp_path / "serve.log").read_text()
                time.sleep(0.2)
        starts = [
            b'POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n{"case": ',
            b"POST /v1/diff/2018/2023 HTTP/1.1\r\nHost: x\r\nContent-Length: 99\r\n\r\n{",
            b"POST /v1/validate-protocol HTTP/1.1\r\nHost: x\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n",
        ]
        for start in starts:
            with socket.create_connection(("127.0.0.1", port)) as client:
                client.sendall(start)
                time.sleep(0.3)
        time.sleep(1.0)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    text = (tmp_path / "serve.log").read_text(encoding="utf-8")
    assert "Traceback" not in text
    assert " 500 " not in text
    assert "internal error" not in text
    assert text.count("client disconnected mid-request") == len(starts)
