"""A YAML document as :mod:`wtguidance._yaml` reads it: plain values with the position of
every node, and the problem it raises.

Kept apart from the reader, which imports PyYAML, so that what only holds or caches parsed
documents (the pack cache, the validator) starts without it: a command that finds its packs
in the cache never imports PyYAML (docs/performance.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from wtguidance.codes import ErrorCode
from wtguidance.errors import SourceLocation

__all__ = ["MAX_BYTES", "MAX_DEPTH", "YamlDocument", "YamlProblem", "pointer_join"]

MAX_BYTES = 2_000_000
MAX_DEPTH = 64


class YamlProblem(Exception):  # noqa: N818 - internal signal, wrapped by callers
    """Raised by :func:`load_yaml`; callers wrap it in their own error class."""

    def __init__(
        self,
        message: str,
        location: SourceLocation,
        hint: str | None = None,
        *,
        code: ErrorCode = "invalid-yaml",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint
        self.code: ErrorCode = code


def pointer_join(pointer: str, key: str | int) -> str:
    """Append one reference token to a JSON pointer (RFC 6901 escaping)."""
    token = str(key).replace("~", "~0").replace("/", "~1")
    return f"{pointer}/{token}"


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML document: its plain value and the position of every node."""

    path: str
    value: Any
    positions: Mapping[str, tuple[int, int]]
    lines: tuple[str, ...]

    def locate(self, pointer: str) -> SourceLocation:
        """The source location of the node at ``pointer`` (or its nearest ancestor)."""
        probe = pointer
        while True:
            if probe in self.positions:
                line, column = self.positions[probe]
                return SourceLocation(self.path, line, column, pointer or "")
            if not probe:
                return SourceLocation(self.path, 1, 1, pointer or "")
            probe = probe.rsplit("/", 1)[0]

    def source_line(self, line: int) -> str:
        """The text of a 1-based line, or an empty string."""
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""
