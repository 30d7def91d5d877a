"""Render a :class:`~wtguidance.protocol.ProtocolReport` for people and for CI.

``text``    compiler style: ``file:line:col: error[code] message``, the source line, a caret
``json``    ``{"valid": bool, "edition": "...", "file": "...", "findings": [...]}``
``junit``   JUnit XML, one ``testcase`` per check (CI test-report widgets)
``sarif``   SARIF 2.1.0 (GitHub code scanning, GitLab, Azure DevOps ...)
``github``  GitHub Actions workflow commands (``::error file=...,line=...::message``)
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from xml.etree import ElementTree as ET

from wtguidance._version import __version__
from wtguidance.protocol import CHECKS, ProtocolFinding, ProtocolReport

__all__ = ["FORMATS", "render_report"]

INFORMATION_URI = "https://pypi.org/project/wtguidance/"
_TOKEN_END = re.compile(r"[\s:,\[\]{}#]")


def _caret(source_line: str, column: int) -> str:
    """A caret line underlining the token that starts at 1-based ``column``."""
    start = max(column - 1, 0)
    rest = source_line[start:]
    if rest.startswith(("'", '"')):
        end = rest.find(rest[0], 1)
        width = end + 1 if end > 0 else len(rest)
    else:
        match = _TOKEN_END.search(rest)
        width = match.start() if match else len(rest)
    return " " * start + "^" * max(width, 1)


def _cite(finding: ProtocolFinding) -> str | None:
    cite = finding.citation
    if cite is None:
        return None
    chapter = f"chapter {cite.chapter}, " if cite.chapter else ""
    para = f", paragraph {cite.paragraph}" if cite.paragraph else ""
    return f"Working Together {cite.edition}, {chapter}{cite.section}{para} <{cite.url}>"


def render_text(report: ProtocolReport, *, strict: bool = False, color: bool = False) -> str:
    def paint(text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if color else text

    out: list[str] = []
    for f in report.findings:
        sev = paint(f.severity, "1;31" if f.severity == "error" else "1;33")
        out.append(f"{report.file}:{f.line}:{f.column}: {sev}[{f.code}] {f.message}")
        source = report.source_line(f.line)
        if source:
            gutter = " " * len(str(f.line))
            out.append(f" {f.line} | {source}")
            out.append(f" {gutter} | {paint(_caret(source, f.column), '1;31')}")
        if f.hint:
            out.append(f"  hint: {f.hint}")
        cite = _cite(f)
        if cite:
            out.append(f"  cited: {cite}")
    errors, warnings = len(report.errors), len(report.warnings)
    edition = f" against edition {report.edition}" if report.edition else ""
    if report.unparsable:
        verdict = "cannot be parsed"
    elif errors or (strict and warnings):
        verdict = "is invalid"
    else:
        verdict = "is valid"
    out.append(
        f"{report.file}: protocol {verdict}{edition}: "
        f"{errors} error{'s' if errors != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''}"
    )
    return "\n".join(out)


def render_json(report: ProtocolReport, *, strict: bool = False) -> str:
    data = report.as_dict()
    if strict and report.warnings:
        data["valid"] = False
    return json.dumps(data, indent=2)


def render_junit(report: ProtocolReport, *, strict: bool = False) -> str:
    by_code: dict[str, list[ProtocolFinding]] = {code: [] for code in CHECKS}
    for f in report.findings:
        by_code.setdefault(f.code, []).append(f)
    suite = ET.Element(
        "testsuite",
        name="wtguidance.validate-protocol",
        tests=str(len(by_code)),
        timestamp="",
    )
    suite.attrib.pop("timestamp")
    failures = skipped = 0
    for code, found in by_code.items():
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"validate-protocol.{report.file}",
            name=f"{code}: {CHECKS.get(code, code)}",
        )
        if report.unparsable and code != "invalid-yaml":
            ET.SubElement(case, "skipped", message="the file cannot be parsed")
            skipped += 1
            continue
        failing = [f for f in found if f.severity == "error" or strict]
        lines = [f"{report.file}:{f.line}:{f.column}: {f.severity}: {f.message}" for f in found]
        if failing:
            failures += 1
            failure = ET.SubElement(
                case,
                "failure",
                message=failing[0].message,
                type=code,
            )
            failure.text = "\n".join(lines)
        elif found:
            out = ET.SubElement(case, "system-out")
            out.text = "\n".join(lines)
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", str(skipped))
    suites = ET.Element("testsuites", name="wtguidance")
    suites.append(suite)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode")


def render_sarif(report: ProtocolReport, *, strict: bool = False) -> str:
    codes = sorted({f.code for f in report.findings})
    rules: list[dict[str, Any]] = [
        {
            "id": code,
            "name": "".join(part.title() for part in code.split("-")),
            "shortDescription": {"text": CHECKS.get(code, code)},
            "helpUri": f"{INFORMATION_URI}#{code}",
            "defaultConfiguration": {"level": "warning" if code in _WARNINGS else "error"},
        }
        for code in codes
    ]
    results: list[dict[str, Any]] = []
    for f in report.findings:
        text = f.message + (f" ({f.hint})" if f.hint else "")
        result: dict[str, Any] = {
            "ruleId": f.code,
            "ruleIndex": codes.index(f.code),
            "level": "error" if f.severity == "error" or strict else "warning",
            "message": {"text": text},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(report.file)},
                        "region": {"startLine": f.line, "startColumn": f.column},
                    },
                    "logicalLocations": [{"fullyQualifiedName": f.path or "/", "kind": "object"}],
                }
            ],
        }
        cite = _cite(f)
        if cite:
            result["properties"] = {"citation": cite}
        results.append(result)
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "wtguidance",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": rules,
                    }
                },
                "results": results,
                "invocations": [{"executionSuccessful": not report.unparsable}],
            }
        ],
    }
    return json.dumps(sarif, indent=2)


_WARNINGS = frozenset(
    {"missing-timescale", "published-before-edition", "duplicate-non-working-day"}
)


def _uri(path: str) -> str:
    return path.replace("\\", "/").replace(" ", "%20")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(report: ProtocolReport, *, strict: bool = False) -> str:
    out: list[str] = []
    for f in report.findings:
        level = "error" if f.severity == "error" or strict else "warning"
        title = _escape_property(f"wtguidance {f.code}")
        message = f.message + (f" ({f.hint})" if f.hint else "")
        out.append(
            f"::{level} file={_escape_property(report.file)},line={f.line},col={f.column},"
            f"title={title}::{_escape_data(message)}"
        )
    errors, warnings = len(report.errors), len(report.warnings)
    out.append(f"{report.file}: {errors} error(s), {warnings} warning(s)")
    return "\n".join(out)


FORMATS: dict[str, Callable[..., str]] = {
    "text": render_text,
    "json": render_json,
    "junit": render_junit,
    "sarif": render_sarif,
    "github": render_github,
}


def render_report(
    report: ProtocolReport, fmt: str = "text", *, strict: bool = False, color: bool = False
) -> str:
    """Render ``report`` in one of :data:`FORMATS`."""
    if fmt == "text":
        return render_text(report, strict=strict, color=color)
    return FORMATS[fmt](report, strict=strict)
