"""The HTML caseload report: self-contained, scriptless, escaped; and it renders in Chromium.

The structural tests always run. The browser test needs the Debian package ``chromium``
and the ``playwright`` Python package (in the ``dev`` extra); it skips, saying which is
missing, when either is absent.
"""

from __future__ import annotations

import io
from html.parser import HTMLParser
from pathlib import Path

import pytest

from cin_builder import assessment, census, child, episode, plan, s47
from wtguidance.cli import main

DATA = Path(__file__).parents[1] / "data" / "cin"


def report(data: bytes, tmp_path: Path, as_of: str = "2024-03-31") -> str:
    path = tmp_path / "census.xml"
    path.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["cin-census", str(path), "--as-of", as_of, "--format", "html"], stdout=out, stderr=err
    )
    assert code == 0, err.getvalue()
    return out.getvalue()


def caseload() -> bytes:
    """A small caseload with met, late, overdue, pending and ended duties, and a target."""
    children = []
    for n in range(12):
        month = 1 + n % 3
        referral = f"2024-0{month}-0{1 + n % 8}"
        start = f"2024-0{month}-1{n % 9}"
        blocks = [assessment(start, f"2024-0{month + 1}-2{n % 8}" if n % 4 else None)]
        if n % 3 == 0:
            blocks.append(
                s47(
                    start,
                    target=f"2024-0{month + 1}-0{1 + n % 8}",
                    icpc=f"2024-0{month + 1}-0{2 + n % 7}" if n % 2 else None,
                )
            )
        if n == 6:
            blocks.append(plan("2024-02-08", None, ["2024-03-20"]))
        closure = "2024-03-01" if n == 5 else None
        children.append(child(episode(referral, *blocks, closure=closure), child_id=f"K{n}"))
    children.append(child(episode("2024-02-30"), child_id="BAD"))
    return census(*children)


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
    page = _Page()
    page.feed(html)
    return page


def test_page_is_self_contained_and_scriptless(tmp_path: Path) -> None:
    html = report(caseload(), tmp_path)
    assert html.startswith("<!DOCTYPE html>")
    page = parse(html)
    names = [tag for tag, _ in page.tags]
    assert "script" not in names
    assert not {"link", "img", "iframe", "object", "embed"} & set(names)
    csp = [a for tag, a in page.tags if tag == "meta" and a.get("http-equiv")]
    assert csp
    assert "default-src 'none'" in (csp[0]["content"] or "")
    for _tag, attrs in page.tags:
        for key in ("src", "href", "xlink:href"):
            value = attrs.get(key) or ""
            assert not value.startswith(("http:", "https:", "//")), (key, value)


def test_page_has_headline_figures_charts_and_lists(tmp_path: Path) -> None:
    html = report(caseload(), tmp_path)
    page = parse(html)
    text = " ".join(page.text)
    assert "13 records: 12 outcomes, 1 rejected" in text
    figures = [a for tag, a in page.tags if tag == "figure" and "chart" in (a.get("class") or "")]
    assert len(figures) == 3
    assert html.count("<svg") == 3
    for heading in (
        "Overdue",
        "Due in the next 10 working days",
        "InitialCPCtarget cross-check",
        "Data-quality findings",
        "Rejected (1)",
    ):
        assert heading in text
    assert "records rejected" in text


def test_fake_file_report(tmp_path: Path) -> None:
    html = report((DATA / "fake_CIN_data.xml").read_bytes(), tmp_path, as_of="2022-07-21")
    assert "402 records: 402 outcomes, 0 rejected" in html
    assert "not evidenced" in html.lower()


def test_truncated_file_is_flagged_on_the_page(tmp_path: Path) -> None:
    data = caseload()
    path = tmp_path / "cut.xml"
    path.write_bytes(data[: len(data) // 2])
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["cin-census", str(path), "--as-of", "2024-03-31", "--format", "html"],
        stdout=out,
        stderr=err,
    )
    assert code == 2
    assert 'role="alert"' in out.getvalue()


def test_report_renders_in_headless_chromium(tmp_path: Path, playwright_chromium: str) -> None:
    chromium = playwright_chromium
    from playwright.sync_api import sync_playwright

    page_file = tmp_path / "report.html"
    page_file.write_text(report(caseload(), tmp_path), encoding="utf-8")
    problems: list[str] = []
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on(
                "console",
                lambda m: (
                    problems.append(f"{m.type}: {m.text}")
                    if m.type in ("error", "warning")
                    else None
                ),
            )
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
            page.on(
                "request",
                lambda r: (
                    None
                    if r.url.startswith("file:")
                    else problems.append(f"network request: {r.url}")
                ),
            )
            page.goto(page_file.as_uri())
            charts = page.evaluate(
                """() => [...document.querySelectorAll('figure.chart svg')].map(svg => {
                    const box = svg.getBoundingClientRect();
                    const marks = [...svg.querySelectorAll('path, rect')].filter(el => {
                        const r = el.getBoundingClientRect();
                        return r.width > 0 && r.height > 0;
                    });
                    return {width: box.width, height: box.height, marks: marks.length};
                })"""
            )
            page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        finally:
            browser.close()
    assert len(charts) == 3
    for chart in charts:
        assert chart["width"] > 300
        assert chart["height"] > 100
        assert chart["marks"] > 5, chart
    assert problems == []
    assert (tmp_path / "report.png").stat().st_size > 10_000


@pytest.mark.parametrize("obligations", [1, 2, 5])
def test_each_obligation_is_labelled_once(obligations: int) -> None:
    import datetime as dt

    from wtguidance._render.caseload.charts import charts
    from wtguidance.caseload.summary import CaseloadSummary

    summary = CaseloadSummary(None, dt.date(2024, 3, 31), "auto", None)
    for n in range(obligations):
        summary.obligations[(f"duty.{n}", "2023", "met")] = 3 + n
        summary.obligations[(f"duty.{n}", "2023", "not_evidenced")] = 180
    (title, svg, _text), *_ = charts(summary)
    assert title == "Timeliness by obligation"
    for n in range(obligations):
        assert svg.count(f">duty.{n}<") == 1, svg.count(f"duty.{n}")
