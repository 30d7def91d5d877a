"""``evaluate --format html`` and ``diff --format html`` in a real browser (headless Chromium).

The page is self-contained (no scripts, no external resources), so the browser needs no
network; a hostile case id must arrive in the DOM as text. Skips, saying why, where no
Chromium is installed (Debian: ``apt-get install chromium``).
"""

from __future__ import annotations

import json
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from _helpers import EXAMPLES, run_cli

HOSTILE = "<script>document.title='pwned'</script>\u202e[red]X"


def _browser(browser: str, *args: str, page: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            *args,
            page.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )


class _Dom(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.h1 = ""
        self.title = ""
        self._where: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._where.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._where:
            self._where.remove(tag)

    def handle_data(self, data: str) -> None:
        if "h1" in self._where:
            self.h1 += data
        if "title" in self._where:
            self.title += data


def _page(tmp_path: Path, *argv: str) -> Path:
    code, out, err = run_cli(*argv)
    assert (code, err) == (0, "")
    page = tmp_path / "page.html"
    page.write_text(out, encoding="utf-8")
    return page


def _hostile_case(tmp_path: Path) -> Path:
    data: dict[str, Any] = json.loads((EXAMPLES / "cases" / "cp-pathway.json").read_text("utf-8"))
    data["case_id"] = HOSTILE
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["evaluate", "diff"])
def test_the_page_renders_and_the_case_id_stays_text(
    command: str, tmp_path: Path, chromium: str
) -> None:
    case = str(_hostile_case(tmp_path))
    argv = (
        ["evaluate", case, "--as-of", "2025-06-01", "--format", "html"]
        if command == "evaluate"
        else ["diff", "2018", "2023", "--case", case, "--as-of", "2025-06-01", "--format", "html"]
    )
    page = _page(tmp_path, *argv)
    dumped = _browser(chromium, "--dump-dom", page=page)
    assert dumped.returncode == 0, dumped.stderr.decode(errors="replace")[-2000:]
    dom = _Dom()
    dom.feed(dumped.stdout.decode("utf-8"))
    assert "script" not in dom.tags  # the <script> in the case id never became an element
    assert dom.title != "pwned"  # ...and never ran
    expected = "<script>document.title='pwned'</script>\\u202e[red]X"
    if command == "evaluate":
        assert dom.h1.startswith(f"Case {expected} as of 2025-06-01")
        assert dom.title.startswith(f"Case {expected} as of")
    assert "table" in dom.tags
    shot = tmp_path / "page.png"
    taken = _browser(chromium, "--window-size=1280,1600", f"--screenshot={shot}", page=page)
    assert taken.returncode == 0, taken.stderr.decode(errors="replace")[-2000:]
    png = shot.read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(png) > 20_000  # a rendered page, not a blank canvas
