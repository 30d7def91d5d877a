"""Input limits (DESIGN §14): how big a case record may be, in bytes and in events.

A case record larger than :data:`DEFAULT_MAX_BYTES` or with more events than
:data:`DEFAULT_MAX_EVENTS` is refused before it is decoded or validated, so ``/dev/zero`` or
a 5 GB file is turned away in well under a second instead of filling the memory. Both limits
are configurable:

- in Python, ``Limits(max_bytes=..., max_events=...)`` passed to
  :func:`~wtguidance.case.parse_case_json` or :func:`~wtguidance.case.parse_case_obj`;
- on the command line, ``--max-bytes`` and ``--max-events``;
- in the environment, ``WTGUIDANCE_MAX_BYTES`` and ``WTGUIDANCE_MAX_EVENTS`` (the flags win).

Local protocols and rule packs are YAML and have their own fixed limit (2,000,000 bytes,
64 levels of nesting; see ``wtguidance._yaml``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from wtguidance.errors import UsageError

__all__ = [
    "CEILING_MAX_BYTES",
    "CEILING_MAX_EVENTS",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_EVENTS",
    "ENV_MAX_BYTES",
    "ENV_MAX_EVENTS",
    "Limits",
    "ceiling",
]

DEFAULT_MAX_BYTES = 64_000_000
"""The largest case record read by default: 64 MB (a real case is a few kilobytes)."""

DEFAULT_MAX_EVENTS = 100_000
"""The most events one case record may hold by default (DESIGN §13 evaluates 100,000)."""

CEILING_MAX_BYTES = 1 << 40
"""The highest ``max_bytes`` that may be set (1 TiB); more is an error, not "no limit"."""

CEILING_MAX_EVENTS = 100_000_000
"""The highest ``max_events`` that may be set; more is an error, not "no limit"."""

ENV_MAX_BYTES = "WTGUIDANCE_MAX_BYTES"
ENV_MAX_EVENTS = "WTGUIDANCE_MAX_EVENTS"
_CEILINGS = {"max_bytes": CEILING_MAX_BYTES, "max_events": CEILING_MAX_EVENTS}


def _positive(value: object, name: str) -> int:
    ceiling = _CEILINGS[name]
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= ceiling:
        raise UsageError(
            f"{name} must be a whole number from 1 to {ceiling:,}, not {value!r}",
            code="bad-argument",
        )
    return value


def ceiling(name: str) -> int:
    """The highest value limit ``name`` (``max_bytes``, ``max_events``) may be set to."""
    return _CEILINGS[name]


@dataclass(frozen=True)
class Limits:
    """The largest case record accepted: ``max_bytes`` of JSON, ``max_events`` events."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_events: int = DEFAULT_MAX_EVENTS

    def __post_init__(self) -> None:
        _positive(self.max_bytes, "max_bytes")
        _positive(self.max_events, "max_events")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Limits:
        """The limits set in the environment (see the module docstring), or the defaults."""
        env = os.environ if environ is None else environ
        return cls(
            max_bytes=_from_env(env, ENV_MAX_BYTES, DEFAULT_MAX_BYTES, CEILING_MAX_BYTES),
            max_events=_from_env(env, ENV_MAX_EVENTS, DEFAULT_MAX_EVENTS, CEILING_MAX_EVENTS),
        )


def _from_env(env: Mapping[str, str], name: str, default: int, highest: int) -> int:
    text = env.get(name)
    if text is None or not text.strip():
        return default
    try:
        value = int(text.strip().replace("_", ""))
    except ValueError:
        value = 0
    if not 1 <= value <= highest:
        raise UsageError(
            f"{name}={text!r} is not a whole number from 1 to {highest:,}", code="bad-flag"
        )
    return value
