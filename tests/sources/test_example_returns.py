"""The realistic example returns (``examples/generate.py``): up to date, valid, and telling.

The README's caseload commands run on ``examples/census/exampleshire-2025.xml`` and
``examples/annex-a/exampleshire-2025.xlsx``. They must be what the seeded generator writes,
the census must validate against the 2024-25 layout, and the reports must show what a
performance manager looks for: met, late, pending and overdue duties at about the national
rates, and few data-quality warnings. The HTML reports are screenshotted in headless
Chromium (skipped, saying why, where it is missing); the PNGs are written to
``WTGUIDANCE_SCREENSHOTS`` when that is set, else to the test's temporary folder.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from _helpers import run_cli

ROOT = Path(__file__).resolve().parents[2]
XSD = ROOT / "tests" / "data" / "cin" / "xsd" / "CIN_schema_2025.xsd"
CENSUS = ROOT / "examples" / "census" / "exampleshire-2025.xml"
ANNEX_A = ROOT / "examples" / "annex-a" / "exampleshire-2025.xlsx"
AS_OF = "2025-03-31"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "examples_generate", ROOT / "examples" / "generate.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_committed_returns_are_what_the_generator_writes() -> None:
    pytest.importorskip("openpyxl")
    generated = _generator().outputs()
    assert set(generated) == {CENSUS, ANNEX_A}
    for path, data in generated.items():
        assert path.read_bytes() == data, f"{path.name}: run python examples/generate.py"


def test_the_generator_is_seeded() -> None:
    generate = _generator()
    assert generate.census_xml(generate.build(7)) == generate.census_xml(generate.build(7))
    assert generate.census_xml(generate.build(7)) != generate.census_xml(generate.build(8))


def test_the_census_validates_against_the_2024_25_layout() -> None:
    xmlschema = pytest.importorskip("xmlschema")
    errors = list(xmlschema.XMLSchema(str(XSD)).iter_errors(str(CENSUS)))
    assert errors == []


def _report(command: str, path: Path) -> dict[str, Any]:
    code, out, err = run_cli(command, str(path), "--as-of", AS_OF, "--format", "json")
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def _statuses(data: dict[str, Any]) -> Counter[tuple[str, str]]:
    counts: Counter[tuple[str, str]] = Counter()
    for outcome in data["outcomes"]:
        for item in outcome["obligations"]:
            counts[(item["id"], item["status"])] += 1
    return counts


def _on_time(counts: Counter[tuple[str, str]], obligation: str) -> float:
    met, late = counts[(obligation, "met")], counts[(obligation, "met_late")]
    return met / (met + late)


def test_the_census_report_looks_like_the_national_figures() -> None:
    data = _report("cin-census", CENSUS)
    summary = data["summary"]
    assert summary["counts"]["records"] >= 300
    assert summary["counts"]["rejected"] == 0
    counts = _statuses(data)
    statuses = {status for (_id, status) in counts}
    assert {"met", "met_late", "overdue", "pending"} <= statuses
    assert 0.80 <= _on_time(counts, "assessment.complete") <= 0.92  # England: 86 % (2024-25)
    assert 0.70 <= _on_time(counts, "icpc.hold") <= 0.88  # England: 78 % (2022-23)
    assert 0.85 <= _on_time(counts, "review_conference.first") <= 0.99
    warnings = sum(f["count"] for f in summary["findings"] if f["severity"] != "info")
    assert warnings <= summary["counts"]["records"] // 50
    assert summary["icpc_target_check"]["compared"] > 50


def test_the_annex_a_report_judges_and_finds_little() -> None:
    pytest.importorskip("openpyxl")
    data = _report("annex-a", ANNEX_A)
    summary = data["summary"]
    assert summary["counts"]["records"] >= 300
    assert summary["counts"]["rejected"] == 0
    counts = _statuses(data)
    assert {"met", "met_late", "overdue", "pending"} <= {status for (_id, status) in counts}
    warnings = sum(f["count"] for f in summary["findings"] if f["severity"] != "info")
    assert warnings <= summary["counts"]["records"] // 50
    assert summary["icpc_target_check"]["compared"] == 0  # Annex A states no targets


@pytest.mark.parametrize(("command", "path"), [("cin-census", CENSUS), ("annex-a", ANNEX_A)])
def test_html_report_screenshot(
    command: str, path: Path, tmp_path: Path, playwright_chromium: str
) -> None:
    """Render the README's report at 1280 px; it must not overflow or ask the network."""
    chromium = playwright_chromium
    pytest.importorskip("matplotlib")
    if command == "annex-a":
        pytest.importorskip("openpyxl")
    from playwright.sync_api import sync_playwright

    code, html, err = run_cli(command, str(path), "--as-of", AS_OF, "--format", "html")
    assert code == 0, err
    page_file = tmp_path / f"{command}.html"
    page_file.write_text(html, encoding="utf-8")
    folder = Path(os.environ.get("WTGUIDANCE_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    requests: list[str] = []
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on(
                "request", lambda r: None if r.url.startswith("file:") else requests.append(r.url)
            )
            page.goto(page_file.as_uri())
            page.screenshot(path=str(folder / f"{command}.png"), full_page=True)
            overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
            text = page.inner_text("body")
        finally:
            browser.close()
    assert requests == []
    assert not overflow
    assert (folder / f"{command}.png").stat().st_size > 10_000
    assert "Not legal advice" in text
    assert ("InitialCPCtarget" in text) == (command == "cin-census")
    for word in ("met late", "overdue", "pending"):
        assert word in text
