"""The caseload diff's HTML page: self-contained, scriptless, escaped; renders in Chromium.

The structural tests always run. The browser test needs the Debian package ``chromium``
and the ``playwright`` Python package (in the ``dev`` extra); it skips, saying which is
missing, when either is absent.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from _helpers import EXAMPLES, run_cli
from cin_builder import assessment, census, child, episode, s47

PROTOCOL = EXAMPLES / "protocols" / "exampleshire-2023.yaml"


def caseload(children: int = 12) -> bytes:
    """Assessments that the protocol's 35 working days make late or overdue, some not."""
    made = []
    for n in range(children):
        referral = f"2024-01-{1 + n % 20:02d}" if n % 3 else f"2024-02-{5 + n % 4:02d}"
        done = f"2024-03-{1 + n % 25:02d}" if n % 3 else None
        blocks = [assessment(referral, done)]
        if n % 4 == 0:
            blocks.append(s47(referral, icpc=f"2024-02-{1 + n % 20:02d}"))
        made.append(child(episode(referral, *blocks), child_id=f"K{n}"))
    made.append(child(episode("2024-02-30"), child_id="BAD"))
    made.append(
        child(episode("2024-02-06", assessment("2024-02-06")), child_id="&lt;b&gt;x&lt;/b&gt;")
    )
    return census(*made)


def page(tmp_path: Path, data: bytes, *extra: str) -> str:
    path = tmp_path / "census.xml"
    path.write_bytes(data)
    code, out, err = run_cli(
        "diff", "2023", "--caseload", str(path), "--protocol", str(PROTOCOL),
        "--as-of", "2024-04-05", "--format", "html", *extra,
    )  # fmt: skip
    assert code == 0, err
    return out


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> _Page:
    parsed = _Page()
    parsed.feed(html)
    return parsed


def test_page_is_self_contained_scriptless_and_escaped(tmp_path: Path) -> None:
    html = page(tmp_path, caseload())
    assert html.startswith("<!DOCTYPE html>")
    parsed = parse(html)
    names = [tag for tag, _ in parsed.tags]
    assert "script" not in names
    assert not {"link", "img", "iframe", "object", "embed"} & set(names)
    assert "b" not in names  # the child id <b>x</b> is text, not markup
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    csp = [a for tag, a in parsed.tags if tag == "meta" and a.get("http-equiv")]
    assert "default-src 'none'" in (csp[0]["content"] or "")
    for _tag, attrs in parsed.tags:
        for key in ("src", "href", "xlink:href"):
            assert not (attrs.get(key) or "").startswith(("http:", "https:", "//"))


def test_page_has_headline_chart_changes_and_children(tmp_path: Path) -> None:
    html = page(tmp_path, caseload())
    text = " ".join(parse(html).text)
    assert "Exampleshire County Council protocol" in text
    assert "14 records read; on each side 13 outcomes + 1 rejected = 14" in text
    assert html.count("<svg") == 1
    assert "met → met late" in text
    assert "pending → overdue" in text
    assert "Children who become overdue (5)" in text
    for heading in (
        "Status changes per obligation",
        "What changes",
        "Children who become overdue",
        "Children who stop being overdue (0)",
        "Rejected (1)",
    ):
        assert heading in text
    assert "assessment.complete" in text


def test_children_list_shows_the_first_100_and_the_total(tmp_path: Path) -> None:
    data = census(
        *(
            child(episode("2024-02-05", assessment("2024-02-05")), child_id=f"C{n:03d}")
            for n in range(130)
        )
    )
    html = page(tmp_path, data)
    text = " ".join(parse(html).text)
    assert "Children who become overdue (130)" in text
    assert "The first 100 of 130." in text
    assert html.count("<td>pending → overdue</td>") == 100


def test_nothing_changes_is_said_without_a_chart(tmp_path: Path) -> None:
    data = census(child(episode("2024-01-08", s47("2024-01-08", icpc="2024-01-20"))))
    path = tmp_path / "c.xml"
    path.write_bytes(data)
    code, out, _ = run_cli(
        "diff", "2023", "2023", "--caseload", str(path), "--as-of", "2024-04-05",
        "--format", "html",
    )  # fmt: skip
    assert code == 0
    assert "<svg" not in out
    assert "No instance changes status." in out
    assert "Nothing changes for any case." in out


def test_page_renders_in_headless_chromium(tmp_path: Path, playwright_chromium: str) -> None:
    chromium = playwright_chromium
    from playwright.sync_api import sync_playwright

    page_file = tmp_path / "diff.html"
    page_file.write_text(page(tmp_path, caseload()), encoding="utf-8")
    problems: list[str] = []
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            tab = browser.new_page(viewport={"width": 1200, "height": 900})
            tab.on(
                "console",
                lambda m: (
                    problems.append(f"{m.type}: {m.text}")
                    if m.type in ("error", "warning")
                    else None
                ),
            )
            tab.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            tab.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
            tab.on(
                "request",
                lambda r: (
                    None
                    if r.url.startswith("file:")
                    else problems.append(f"network request: {r.url}")
                ),
            )
            tab.goto(page_file.as_uri())
            chart = tab.evaluate(
                """() => [...document.querySelectorAll('figure.chart svg')].map(svg => {
                    const box = svg.getBoundingClientRect();
                    const marks = [...svg.querySelectorAll('path, rect')].filter(el => {
                        const r = el.getBoundingClientRect();
                        return r.width > 0 && r.height > 0;
                    });
                    return {width: box.width, height: box.height, marks: marks.length};
                })"""
            )
            overflow = tab.evaluate(
                "() => document.documentElement.scrollWidth > window.innerWidth"
            )
            tab.screenshot(path=str(tmp_path / "diff.png"), full_page=True)
        finally:
            browser.close()
    assert len(chart) == 1
    assert chart[0]["width"] > 300
    assert chart[0]["height"] > 80
    assert chart[0]["marks"] > 3, chart
    assert not overflow
    assert problems == []
    assert (tmp_path / "diff.png").stat().st_size > 10_000
