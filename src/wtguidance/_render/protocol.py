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
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote
from xml.etree import ElementTree as ET

from wtguidance._render.text import citation_line, one_line, visible
from wtguidance._version import __version__
from wtguidance.errors import DOCS_URL, error_url
from wtguidance.protocol import CHECKS, READ_PROBLEMS, ProtocolFinding, ProtocolReport

__all__ = ["FORMATS", "render_report", "render_reports"]

INFORMATION_URI = DOCS_URL
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
    return None if cite is None else f"{citation_line(cite)} <{cite.url}>"


def _unread(report: ProtocolReport) -> bool:
    return any(f.code in READ_PROBLEMS for f in report.findings)


def _describe(code: str) -> str:
    return CHECKS.get(code) or READ_PROBLEMS.get(code, code)


def render_text(report: ProtocolReport, *, strict: bool = False, color: bool = False) -> str:
    def paint(text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if color else text

    shown = one_line(report.file)
    out: list[str] = []
    for f in report.findings:
        sev = paint(f.severity, "1;31" if f.severity == "error" else "1;33")
        out.append(f"{shown}:{f.line}:{f.column}: {sev}[{f.code}] {one_line(f.message)}")
        source = report.source_line(f.line)
        if source:
            gutter = " " * len(str(f.line))
            column = len(visible(source[: max(f.column - 1, 0)])) + 1
            out.append(f" {f.line} | {visible(source)}")
            out.append(f" {gutter} | {paint(_caret(visible(source), column), '1;31')}")
        if f.hint:
            out.append(f"  hint: {one_line(f.hint)}")
        cite = _cite(f)
        if cite:
            out.append(f"  cited: {cite}")
    errors, warnings = len(report.errors), len(report.warnings)
    edition = f" against edition {report.edition}" if report.edition else ""
    if any(f.code in READ_PROBLEMS for f in report.findings):
        verdict = "cannot be read"
    elif report.unparsable:
        verdict = "cannot be parsed"
    elif errors or (strict and warnings):
        verdict = "is invalid"
    else:
        verdict = "is valid"
    out.append(
        f"{shown}: protocol {verdict}{edition}: "
        f"{errors} error{'s' if errors != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''}"
    )
    return "\n".join(out)


def _json_data(report: ProtocolReport, strict: bool) -> dict[str, Any]:
    data = report.as_dict()
    if strict and report.warnings:
        data["valid"] = False
    return data


def render_json(reports: Sequence[ProtocolReport], *, strict: bool = False) -> str:
    """One report as an object; several as an array of them."""
    data = [_json_data(r, strict) for r in reports]
    return json.dumps(data[0] if len(data) == 1 else data, indent=2, ensure_ascii=False)


def _junit_suite(report: ProtocolReport, strict: bool) -> ET.Element:
    by_code: dict[str, list[ProtocolFinding]] = {code: [] for code in CHECKS}
    for f in report.findings:
        by_code.setdefault(f.code, []).append(f)
    suite = ET.Element(
        "testsuite",
        name="wtguidance.validate-protocol",
        tests=str(len(by_code)),
    )
    failures = skipped = 0
    for code, found in by_code.items():
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"validate-protocol.{report.file}",
            name=f"{code}: {_describe(code)}",
        )
        if report.unparsable and not found:
            why = "read" if _unread(report) else "parsed"
            ET.SubElement(case, "skipped", message=f"the file cannot be {why}")
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
    return suite


def render_junit(reports: Sequence[ProtocolReport], *, strict: bool = False) -> str:
    """One ``testsuite`` per file, in one ``testsuites`` document."""
    suites = ET.Element("testsuites", name="wtguidance")
    for report in reports:
        suites.append(_junit_suite(report, strict))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode")


def render_sarif(reports: Sequence[ProtocolReport], *, strict: bool = False) -> str:
    """One SARIF log with one run whose results cover every file."""
    codes = sorted({f.code for r in reports for f in r.findings})
    rules: list[dict[str, Any]] = [
        {
            "id": code,
            "name": "".join(part.title() for part in code.split("-")),
            "shortDescription": {"text": _describe(code)},
            "helpUri": error_url(code),
            "defaultConfiguration": {"level": "warning" if code in _WARNINGS else "error"},
        }
        for code in codes
    ]
    results: list[dict[str, Any]] = []
    uris = list(dict.fromkeys(_uri(r.file) for r in reports))  # each file once (SARIF)
    for report in reports:
        index = uris.index(_uri(report.file))
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
                            "artifactLocation": {"uri": _uri(report.file), "index": index},
                            "region": {"startLine": f.line, "startColumn": f.column},
                        },
                        "logicalLocations": [
                            {"fullyQualifiedName": f.path or "/", "kind": "object"}
                        ],
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
                "artifacts": [{"location": {"uri": uri}} for uri in uris],
                "results": results,
                "invocations": [{"executionSuccessful": not any(r.unparsable for r in reports)}],
            }
        ],
    }
    return json.dumps(sarif, indent=2, ensure_ascii=False)


_WARNINGS = frozenset(
    {
        "missing-timescale",
        "published-before-edition",
        "duplicate-non-working-day",
        "too-many-non-working-days",
    }
)


def _uri(path: str) -> str:
    """A relative URI reference for a file name (RFC 3986 percent-encoding)."""
    return quote(path.replace("\\", "/"), safe="/:@!$&'()*+,;=-._~")


def _escape_data(text: str) -> str:
    """A workflow command's message, escaped as GitHub documents (``%``, CR, LF).

    Other control and bidirectional characters are then shown as ``\\uXXXX`` (they are not
    GitHub's to interpret, and could colour or reorder the log).
    """
    return visible(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_property(text: str) -> str:
    """A workflow command's property value: a message's escapes plus ``:`` and ``,``."""
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _not_a_command(line: str) -> str:
    """A plain log line that the runner cannot read as a workflow command.

    The runner takes a line that starts with ``::`` (after leading white space) as a
    command; a file name can start that way, so such a line gets ``./`` in front.
    """
    return f"./{line}" if line.lstrip().startswith("::") else line


def _render_github(report: ProtocolReport, strict: bool) -> str:
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
    out.append(_not_a_command(f"{one_line(report.file)}: {errors} error(s), {warnings} warning(s)"))
    return "\n".join(out)


def render_github(reports: Sequence[ProtocolReport], *, strict: bool = False) -> str:
    """GitHub Actions workflow commands (one block per file)."""
    return "\n".join(_render_github(r, strict) for r in reports)


def _render_texts(reports: Sequence[ProtocolReport], *, strict: bool = False) -> str:
    return "\n".join(render_text(r, strict=strict) for r in reports)


FORMATS: dict[str, Callable[..., str]] = {
    "text": _render_texts,
    "json": render_json,
    "junit": render_junit,
    "sarif": render_sarif,
    "github": render_github,
}


def render_reports(
    reports: Sequence[ProtocolReport],
    fmt: str = "text",
    *,
    strict: bool = False,
    color: bool = False,
) -> str:
    """Render every report as one document in one of :data:`FORMATS`."""
    if fmt == "text":
        return "\n".join(render_text(r, strict=strict, color=color) for r in reports)
    return FORMATS[fmt](reports, strict=strict)


def render_report(
    report: ProtocolReport, fmt: str = "text", *, strict: bool = False, color: bool = False
) -> str:
    """Render ``report`` in one of :data:`FORMATS`."""
    return render_reports([report], fmt, strict=strict, color=color)
