"""Local assessment protocols (DESIGN §8): the model, checking one against an edition, applying it.

``model`` holds what a protocol file may say, ``report`` the findings, ``check`` reading
and checking a file (``edition_checks`` the checks that need the edition), ``apply`` the
overlay a valid protocol puts on its edition.
"""

from __future__ import annotations

from wtguidance.protocol.apply import protocol_overlay
from wtguidance.protocol.check import validate_protocol, validate_protocol_text
from wtguidance.protocol.model import PROTOCOL_SCHEMA_ID, LocalProtocol, protocol_json_schema
from wtguidance.protocol.report import CHECKS, READ_PROBLEMS, ProtocolFinding, ProtocolReport

__all__ = [
    "CHECKS",
    "PROTOCOL_SCHEMA_ID",
    "READ_PROBLEMS",
    "LocalProtocol",
    "ProtocolFinding",
    "ProtocolReport",
    "protocol_json_schema",
    "protocol_overlay",
    "validate_protocol",
    "validate_protocol_text",
]
