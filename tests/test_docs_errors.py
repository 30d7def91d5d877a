"""Every error code the library can raise has a section in docs/errors.md."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
DOCUMENTED = set(
    re.findall(
        r"`([a-z0-9-]+)`", "\n".join(line for line in DOC.splitlines() if line.startswith("### "))
    )
)
BASE_DEFAULTS = {"error", "pack", "compile", "evaluation"}  # class defaults, never raised


def _codes_in_source() -> set[str]:
    codes: set[str] = set()
    for path in (ROOT / "src" / "wtguidance").rglob("*.py"):
        if "protocol" in path.relative_to(ROOT / "src" / "wtguidance").parts[0]:
            continue  # protocol findings are documented in docs/protocols.md
        text = path.read_text(encoding="utf-8")
        codes.update(re.findall(r'code="([a-z0-9-]+)"', text))
        codes.update(re.findall(r'code="([a-z0-9-]+)",', text))
        codes.update(re.findall(r'Finding\(\s*code="([a-z0-9-]+)"', text))
        codes.update(re.findall(r'default_code = "([a-z0-9-]+)"', text))
        if path.name in {"_validate.py", "validate.py"}:  # problem(msg, "code", ...)
            codes.update(re.findall(r'^\s+"([a-z]+(?:-[a-z0-9]+)+)",\s*$', text, re.MULTILINE))
    return codes - BASE_DEFAULTS


def test_every_raised_code_is_documented() -> None:
    missing = sorted(_codes_in_source() - DOCUMENTED)
    assert not missing, f"add a section to docs/errors.md for: {missing}"


def test_every_broken_pack_fixture_code_is_documented() -> None:
    fixtures = {p.name for p in (ROOT / "tests" / "packs" / "invalid").iterdir() if p.is_dir()}
    codes = {name for name in fixtures if name in DOCUMENTED}
    assert len(codes) >= 15, sorted(fixtures - DOCUMENTED)
