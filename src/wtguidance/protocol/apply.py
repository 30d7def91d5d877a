"""Turn a validated protocol into the :class:`~wtguidance.overlay.Overlay` evaluation applies."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from wtguidance._pack.model import (
    PersonSpec,
)
from wtguidance.errors import ProtocolError, SourceLocation, UsageError
from wtguidance.overlay import Overlay
from wtguidance.protocol.model import LocalProtocol
from wtguidance.protocol.report import ProtocolReport

__all__ = ["protocol_overlay"]


# -- the overlay ------------------------------------------------------------------------
def protocol_overlay(report_or_protocol: ProtocolReport | LocalProtocol) -> Overlay:
    """The :class:`Overlay` a valid protocol applies to its edition.

    A report with errors is refused with :class:`~wtguidance.errors.ProtocolError`; pass a
    bare :class:`LocalProtocol` only if it has been validated.
    """
    if not isinstance(report_or_protocol, (ProtocolReport, LocalProtocol)):
        raise UsageError(
            "protocol_overlay needs a ProtocolReport (from validate_protocol) or a "
            f"LocalProtocol, not {type(report_or_protocol).__name__}",
            code="bad-argument",
        )
    if isinstance(report_or_protocol, ProtocolReport):
        report = report_or_protocol
        if not report.valid or report.protocol is None:
            first = report.errors[0] if report.errors else None
            raise ProtocolError(
                report.summary(),
                code="invalid-protocol",
                location=SourceLocation(
                    report.file,
                    first.line if first else None,
                    first.column if first else None,
                    first.path if first else None,
                ),
            )
        protocol, source = report.protocol, report.file
        sign_offs: Mapping[str, PersonSpec] = report.sign_offs
    else:
        protocol, source = report_or_protocol, "<protocol>"
        sign_offs = {
            k: PersonSpec(tuple(v.roles), v.social_work_qualified)
            for k, v in (protocol.sign_offs or {}).items()
        }
    return Overlay(
        edition=protocol.edition,
        source=source,
        timescales=MappingProxyType(
            {k: v.as_timescale() for k, v in (protocol.timescales or {}).items()}
        ),
        sign_offs=MappingProxyType(dict(sign_offs)),
        lead_roles=MappingProxyType(
            {k: tuple(v.roles) for k, v in (protocol.lead_practitioners or {}).items()}
        ),
        non_working_days=frozenset(protocol.non_working_days),
        trigger=protocol.counting.weekend_or_holiday_trigger if protocol.counting else "same_day",
    )
