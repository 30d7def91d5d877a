"""Turn a validated protocol into the :class:`~wtguidance.overlay.Overlay` evaluation applies."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from wtguidance._pack.model import (
    Citation,
    ObligationSpec,
    Pattern,
    PersonSpec,
    ProtocolSource,
    Rule,
    WhereClause,
)
from wtguidance._yaml_document import pointer_join
from wtguidance.errors import ProtocolError, SourceLocation, UsageError
from wtguidance.overlay import Overlay
from wtguidance.protocol.model import LocalObligation, LocalPattern, LocalProtocol
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
        rules=tuple(
            local_rule(protocol, local_id, duty, source)
            for local_id, duty in sorted((protocol.local_obligations or {}).items())
        ),
        authority=protocol.authority,
        published=protocol.published,
        url=protocol.url,
    )


def local_rule(protocol: LocalProtocol, local_id: str, duty: LocalObligation, source: str) -> Rule:
    """A local obligation as a rule of its edition, judged with ``source: local``.

    Its id is the protocol's ``local.`` id (rule and obligation alike); it cites the
    protocol itself (authority, published date and ``url``, or the file it came from),
    never a part of the edition.
    """
    pointer = pointer_join("/local_obligations", local_id)
    where = SourceLocation(source, None, None, pointer)
    citation = Citation(
        edition=protocol.edition,
        chapter=None,
        section=f"Local protocol of {protocol.authority}",
        paragraph=None,
        url=protocol.url or source,
        protocol=ProtocolSource(
            protocol.authority, protocol.edition, protocol.published, protocol.url
        ),
    )
    return Rule(
        id=local_id,
        edition=protocol.edition,
        summary=duty.summary,
        citation=citation,
        match=_pattern(duty.trigger, where),
        when=None,
        then=ObligationSpec(
            id=local_id,
            actor=duty.actor,
            modality=duty.modality,
            timescale=duty.timescale.as_timescale(),
            timescale_source="local",
            on_repeat="separate",
            satisfied_by=_pattern(duty.satisfied_by, where),
            window="on_or_after",
            withdrawn_by=(),
            ended_by=tuple(_pattern(p, where) for p in duty.repeat.until) if duty.repeat else (),
            repeat_every=duty.repeat.every.as_timescale() if duty.repeat else None,
        ),
        location=where,
        notes=f"Set by the local protocol of {protocol.authority}"
        + (f"; tightens {duty.tightens}" if duty.tightens else ""),
    )


def _pattern(pattern: LocalPattern, where: SourceLocation) -> Pattern:
    clauses = tuple(
        WhereClause(
            tuple(name.split(".")),
            False,
            frozenset(value if isinstance(value, list) else [value]),
        )
        for name, value in sorted((pattern.where or {}).items())
    )
    return Pattern("event", pattern.event, clauses, where)
