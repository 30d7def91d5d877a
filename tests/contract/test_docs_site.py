"""The documentation site builds with ``mkdocs build --strict``, its links resolve, and its
main pages (and the HTML reports) render in a real browser without console errors.

The build takes a few seconds, so it runs with every ``make test``: a broken link, a page
missing from the navigation or a stale anchor fails CI, not just ``make docs``. The
browser test drives the Debian ``chromium`` package through Playwright and is skipped,
with the reason, where either is missing. Set ``WTGUIDANCE_SCREENSHOTS=DIR`` to keep the
screenshots it takes.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAIN_PAGES = [
    "index.html",
    "quickstart.html",
    "concepts.html",
    "service.html",
    "protocols.html",
    "ci.html",
    "pack-authoring.html",
    "reference/case-record.html",
    "reference/cli.html",
    "codes/index.html",
    "codes/invalid-case.html",
    "editions/2023.html",
    "changes/2018-to-2023.html",
    "performance.html",
    "limitations.html",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("mkdocs", reason="the docs site needs the 'docs' extra")
    pytest.importorskip("material", reason="the docs site needs the 'docs' extra")
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert done.returncode == 0, done.stderr
    return out


def test_the_site_builds_strictly_with_every_main_page(site: Path) -> None:
    missing = [page for page in MAIN_PAGES if not (site / page).is_file()]
    assert not missing


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        for name in ("href", "src"):
            if values.get(name) and tag in ("a", "img", "script", "link"):
                self.links.append(str(values[name]))


@functools.cache
def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_internal_link_and_anchor_resolves(site: Path) -> None:
    broken = []
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 60
    for page in pages:
        for link in _parse(page).links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("mailto:", "data:")):
                continue
            path = unquote(parts.path)
            if path.startswith("/"):  # 404.html links from the site's root
                target = site / path.lstrip("/")
            else:
                target = (page.parent / path).resolve() if path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(site)}: {link}")
            elif (
                parts.fragment
                and target.suffix == ".html"
                and unquote(parts.fragment) not in _parse(target).ids
            ):
                broken.append(f"{page.relative_to(site)}: {link} (no such anchor)")
    assert not broken, "\n".join(broken[:30])


# -- in a real browser -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    """The site (and the HTML reports beside it) over HTTP on loopback."""
    reports = site / "_reports"
    reports.mkdir(exist_ok=True)
    case = ROOT / "examples" / "cases" / "cp-pathway.json"
    command = [sys.executable, "-m", "wtguidance", "diff", "2018", "2023", "--format", "html"]
    command += ["--case", str(case), "--as-of", "2025-06-01"]
    html = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    (reports / "diff-2018-2023.html").write_text(html, encoding="utf-8")
    # a browser asks every host for /favicon.ico; the site names its own icon, a report none
    shutil.copy(site / "assets" / "images" / "favicon.png", site / "favicon.ico")
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def browser(playwright_chromium: str) -> Iterator[Any]:
    """One headless Chromium for every page (starting it takes seconds)."""
    found = playwright_chromium
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=found, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.mark.parametrize("page", [*MAIN_PAGES, "_reports/diff-2018-2023.html"])
def test_page_renders_without_console_errors(
    served: str, browser: Any, page: str, tmp_path: Path
) -> None:
    problems: list[str] = []
    view = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        view.on(
            "console",
            lambda m: (
                problems.append(f"console {m.type}: {m.text}")
                if m.type in ("error", "warning")
                else None
            ),
        )
        view.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        view.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
        view.on(
            "response",
            lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None,
        )
        response = view.goto(f"{served}/{page}", wait_until="networkidle")
        assert response is not None
        assert response.status == 200
        assert view.title()
        shots = Path(os.environ.get("WTGUIDANCE_SCREENSHOTS") or tmp_path)
        shots.mkdir(parents=True, exist_ok=True)
        view.screenshot(path=str(shots / (page.replace("/", "_") + ".png")))
    finally:
        view.close()
    assert not problems, problems
