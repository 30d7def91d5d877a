"""Local assessment protocols (DESIGN §8): read, check against an edition, apply.

A local authority publishes a protocol for assessment; ``wtguidance/local-protocol/v1``
is its machine-readable part. :func:`validate_protocol` checks one protocol against the
edition it names (or ``edition=``) and returns a :class:`ProtocolReport` holding every
finding, each with a stable code, a severity, a 1-based ``line``/``column``, a JSON
pointer and the citation of the edition rule concerned. :func:`protocol_overlay` turns a
valid report into the :class:`~wtguidance.overlay.Overlay` the evaluator applies.

Finding codes (see ``docs/protocols.md``):

==============================  =========  ===========================================
code                            severity   when
==============================  =========  ===========================================
``invalid-yaml``                error      the file cannot be parsed (CLI exit 2)
``schema``                      error      the YAML is not a ``local-protocol/v1``
``unknown-edition``             error      the protocol names an edition not encoded
``edition-mismatch``            error      the file's edition differs from ``--edition``
``unknown-obligation``          error      a timescale for an id the edition lacks
``timescale-looser-than-statute`` error    a local limit longer than the edition's
``timescale-unit-mismatch``     error      local and statutory limits in unlike units
``missing-timescale``           warning    a limit the edition leaves to local decision
``unknown-stage``               error      a lead-practitioner stage the edition lacks
``unknown-role``                error      a role the case model does not know
``role-not-permitted``          error      a role the edition does not allow there
``oversight-required``          error      non-social-worker leads without SW oversight
``qualification-weaker``        error      drops a social-work qualification requirement
``unknown-sign-off``            error      a sign-off id the edition lacks
``missing-section``             error      a section the edition requires is absent
``published-before-edition``    warning    protocol predates the edition it claims
``duplicate-non-working-day``   warning    the same date listed twice
``too-many-non-working-days``   warning    over 10 working days closed in one year
==============================  =========  ===========================================
"""

from __future__ import annotations

import os
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import ValidationError

from wtguidance import _ids
from wtguidance._arguments import require, require_edition, require_path, require_text
from wtguidance._pack.compile import CompiledPack
from wtguidance._pack.model import PersonSpec
from wtguidance._pack.vocabulary import case_vocabulary
from wtguidance._yaml import MAX_BYTES, YamlProblem, load_yaml, pointer_join
from wtguidance.codes import ErrorCode
from wtguidance.editions import Editions
from wtguidance.errors import ProtocolError, SourceLocation
from wtguidance.protocol.edition_checks import EditionChecks
from wtguidance.protocol.model import PROTOCOL_SCHEMA_ID, LocalProtocol, keys_of, model_at
from wtguidance.protocol.report import FindingsCollector, ProtocolReport

__all__ = ["validate_protocol", "validate_protocol_text"]


def validate_protocol(
    path: str | os.PathLike[str],
    edition: str | None = None,
    editions: Editions | None = None,
    *,
    source: str | None = None,
) -> ProtocolReport:
    """Check the protocol file at ``path`` against its edition and return every finding.

    ``source`` is the name shown in findings (default: the path). ``edition`` pins the
    edition to check against (the file's own must then agree); ``editions`` defaults to
    the shipped set. A file that cannot be read raises
    :class:`~wtguidance.errors.ProtocolError`. For YAML text already in memory, use
    :func:`validate_protocol_text`.
    """
    require_path(path, "path", "validate_protocol")
    shown = source if source is not None else os.fspath(path)
    return validate_protocol_text(read_protocol(Path(path), shown), shown, edition, editions)


def validate_protocol_text(
    text: str, source: str, edition: str | None = None, editions: Editions | None = None
) -> ProtocolReport:
    """Like :func:`validate_protocol` for YAML text already read; ``source`` names it."""
    require_text(text, "text", "validate_protocol_text")
    require_text(source, "source", "validate_protocol_text")
    if edition is not None:
        require_edition(edition, "edition", "validate_protocol_text")
    if editions is not None:
        require(editions, Editions, "editions", "validate_protocol_text")
    text = text.removeprefix("\ufeff")  # a byte-order mark, as in a case record
    if editions is None:
        from wtguidance.editions import shipped_editions

        editions = shipped_editions()
    return _Checker(source, text, editions, edition).run()


def read_protocol(path: Path, shown: str) -> str:
    """The text of a protocol file, read with the YAML size limit; ProtocolError if it cannot be."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise _unreadable(shown, "no such protocol file", "missing-file") from None
    except IsADirectoryError:
        raise _unreadable(
            shown, "is a directory, expected a protocol file", "missing-file"
        ) from None
    except OSError as exc:
        raise _unreadable(
            shown, f"cannot read the protocol ({exc.strerror})", "missing-file"
        ) from None
    if len(data) > MAX_BYTES:
        raise _unreadable(
            shown, f"the protocol file is larger than {MAX_BYTES:,} bytes", "input-too-large"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _unreadable(
            shown,
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            "invalid-input",
        ) from None


def _unreadable(shown: str, message: str, code: ErrorCode) -> ProtocolError:
    return ProtocolError(message, code=code, location=SourceLocation(shown))


class _Checker:
    def __init__(self, shown: str, text: str, editions: Editions, edition: str | None) -> None:
        self.shown = shown
        self.text = text
        self.editions = editions
        self.asked = edition
        self.found = FindingsCollector(shown)
        self.roles = case_vocabulary().roles
        self.sign_offs: dict[str, PersonSpec] = {}

    def report(self, edition: str | None, protocol: LocalProtocol | None) -> ProtocolReport:
        doc = self.found.doc
        lines = doc.lines if doc else tuple(self.text.splitlines())
        return ProtocolReport(
            self.shown,
            edition,
            self.found.ordered(),
            protocol,
            lines,
            MappingProxyType(self.sign_offs),
        )

    # the run
    def run(self) -> ProtocolReport:
        try:
            self.found.doc = doc = load_yaml(self.text, self.shown)
        except YamlProblem as problem:
            self.found.add(
                "invalid-yaml", problem.message, "", hint=problem.hint, location=problem.location
            )
            return self.report(self.asked, None)
        value = doc.value
        if not isinstance(value, dict):
            self.found.add("schema", "a protocol must be a YAML mapping (key: value pairs)", "")
            return self.report(self.asked, None)
        protocol = self.parse(value)
        if protocol is None:
            claimed = value.get("edition")
            return self.report(self.asked or (str(claimed) if claimed else None), None)
        pack = self.choose_edition(protocol)
        if pack is None:  # an edition that is not encoded was checked against nothing
            asked = self.asked or protocol.edition
            return self.report(asked if asked in self.editions.ids else None, protocol)
        checks = EditionChecks(self.found, protocol, pack, self.roles)
        checks.run()
        self.sign_offs = checks.accepted_sign_offs
        return self.report(pack.edition, protocol)

    def parse(self, value: dict[str, Any]) -> LocalProtocol | None:
        try:
            return LocalProtocol.model_validate(value)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                self.schema_error(error["loc"], error["msg"], error["type"], error.get("input"))
            return None

    def schema_error(self, loc: tuple[int | str, ...], msg: str, kind: str, given: object) -> None:
        parts = [p for p in loc if not (isinstance(p, str) and p.startswith("function-"))]
        pointer = "".join(pointer_join("", p) for p in parts)
        dotted = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts).lstrip(".")
        message = msg.removeprefix("Value error, ")
        hint = None
        if kind == "extra_forbidden":
            message = f"unknown key {str(parts[-1])!r}"
            siblings = keys_of(model_at(parts[:-1]))
            hint = _ids.did_you_mean(str(parts[-1]), siblings)
        elif kind == "missing":
            message = f"required key {str(parts[-1])!r} is missing"
            pointer = "".join(pointer_join("", p) for p in parts[:-1])
        elif kind == "literal_error" and parts == ["protocol"]:
            message = f"'protocol' must be {PROTOCOL_SCHEMA_ID!r}, got {given!r}"
        elif kind.endswith("_type") and isinstance(given, (str, bool, int, float)):
            shown = repr(given) if isinstance(given, str) else str(given).lower()
            message += f" (got {shown[:60]})"
        text = f"{dotted}: {message}" if dotted else message
        if kind in {"missing", "extra_forbidden"}:
            parent = parts[:-1]
            text = f"{'.'.join(map(str, parent))}: {message}" if parent else message
        self.found.add("schema", text, pointer, hint=hint)

    def choose_edition(self, protocol: LocalProtocol) -> CompiledPack | None:
        known = self.editions.ids
        if protocol.edition not in known:
            hint = self.editions.nearest_hint(protocol.edition) or _ids.did_you_mean(
                protocol.edition, known
            )
            self.found.add(
                "unknown-edition",
                f"edition {protocol.edition!r} is not encoded; known editions: {', '.join(known)}",
                "/edition",
                hint=hint,
            )
            return None
        if self.asked is not None and self.asked != protocol.edition:
            if self.asked not in known:
                self.found.add(
                    "unknown-edition",
                    f"--edition {self.asked!r} is not encoded; known: {', '.join(known)}",
                    "/edition",
                )
                return None
            self.found.add(
                "edition-mismatch",
                f"the protocol is written for edition {protocol.edition} but was checked "
                f"against {self.asked}",
                "/edition",
                hint=f"update 'edition' to {self.asked!r} and review the protocol against it",
            )
            return None
        return self.editions.get(protocol.edition)
