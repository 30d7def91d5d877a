"""Loading editions: load → validate → compile, for one pack or the shipped set.

Nothing here is registered globally: :func:`load_editions` returns a value, and two
different sets (say the shipped packs and a pack under development) can live side by
side. The shipped set is memoised by :func:`shipped_editions` because it is immutable.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from msgspec.structs import replace

from wtguidance._arguments import require_edition
from wtguidance._pack.compile import CompiledPack, compile_pack
from wtguidance._pack.load import edition_dirs, read_pack_files
from wtguidance._pack.model import (
    CaseHolderSpec,
    LocalPolicy,
    ObligationSpec,
    Rule,
    RulePack,
    SignOffSpec,
)
from wtguidance._resources import data_dir
from wtguidance.calendar import DateWindow
from wtguidance.errors import PackError, UnknownIdError, UsageError
from wtguidance.overlay import Overlay

if TYPE_CHECKING:
    from wtguidance._pack.vocabulary import Vocabulary
    from wtguidance._resources import Traversable

__all__ = [
    "CompiledEdition",
    "Editions",
    "load_edition",
    "load_editions",
    "load_pack_dir",
    "shipped_editions",
]


def load_pack_dir(
    root: Traversable | Path | str,
    *,
    shown_as: str | None = None,
    vocabulary: Vocabulary | None = None,
    check_schema: bool = True,
    cache: bool = False,
) -> CompiledPack:
    """Load, validate and compile one edition directory.

    ``cache=True`` takes the validated pack (or, failing that, the parsed YAML) from the
    content-keyed cache of :mod:`wtguidance._pack.cache` when these exact files were
    loaded before by this exact code, with the case vocabulary (``vocabulary`` None).
    """
    base = Path(root) if isinstance(root, str) else root
    label, sources = read_pack_files(base, shown_as=shown_as)

    def validated() -> RulePack:
        # imported here: a pack found in the cache needs neither (docs/performance.md)
        from wtguidance._pack.load import parse_pack
        from wtguidance._pack.validate import validate_pack

        raw = parse_pack(label, sources, cache=cache)
        return validate_pack(raw, vocabulary, check_schema=check_schema)

    if cache and vocabulary is None:
        from wtguidance._pack.cache import validated_cached

        flavour = f"schema={check_schema}"
        return compile_pack(validated_cached(label, sources, flavour, validated))
    return compile_pack(validated())


CompiledEdition = CompiledPack
"""One edition compiled and ready to evaluate: what :func:`load_edition` returns.

Immutable and safe to share across threads. Its ``edition`` is the id (``"2023"``), its
``pack`` the validated rule pack with every rule and citation."""


@dataclass(frozen=True)
class Editions:
    """A set of compiled editions ordered by the date they came into force."""

    packs: tuple[CompiledPack, ...]

    def __post_init__(self) -> None:
        if not self.packs:
            raise PackError("an edition set needs at least one edition", code="no-packs")
        if not all(isinstance(p, CompiledPack) for p in self.packs):
            raise UsageError(
                "Editions holds compiled packs (from load_editions or load_pack_dir)",
                code="bad-argument",
            )
        ordered = tuple(sorted(self.packs, key=lambda p: p.pack.meta.in_force_from))
        object.__setattr__(self, "packs", ordered)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(p.edition for p in self.packs)

    def get(self, edition: str) -> CompiledPack:
        require_edition(edition, "edition", "Editions.get")
        for pack in self.packs:
            if pack.edition == edition:
                return pack
        raise UnknownIdError(
            f"unknown edition {edition!r}; known editions: {', '.join(self.ids)}",
            code="unknown-edition",
            hint=self.nearest_hint(edition),
        )

    def nearest_hint(self, edition: object) -> str | None:
        """For a year that is not an edition, the edition in force during that year."""
        text = str(edition).strip()
        if not (len(text) == 4 and text.isdigit()):
            return None
        year = int(text)
        earlier = [p for p in self.packs if p.pack.meta.in_force_from.year <= year]
        if not earlier:
            first = self.packs[0]
            return f"the earliest edition is {first.edition}"
        in_force = earlier[-1].edition
        return f"editions are named by year of publication; {in_force} was in force in {year}"

    def window(self, edition: str) -> DateWindow:
        """The dates an edition governs: from its in-force date until the next one's."""
        window = self._windows.get(edition)
        if window is None:
            self.get(edition)  # raises UnknownIdError
            raise AssertionError(edition)  # pragma: no cover
        return window

    @cached_property
    def _windows(self) -> dict[str, DateWindow]:
        starts = [p.pack.meta.in_force_from for p in self.packs]
        return {
            pack.edition: DateWindow(start, starts[i + 1] if i + 1 < len(starts) else None)
            for i, (pack, start) in enumerate(zip(self.packs, starts, strict=True))
        }

    def with_commenced(self, commenced: Mapping[str, dt.date]) -> Editions:
        """A what-if copy in which each named rule awaiting commencement
        (``in_force_from: pending``) applies from the given date.

        For asking what a case would look like once a duty is commenced; the shipped
        packs never guess a commencement date. Naming a rule that is not pending, or that
        no edition has, is an :class:`UnknownIdError` (``unknown-rule``).
        """
        pending = {r.id for p in self.packs for r in p.dormant}
        unknown = sorted(set(commenced) - pending)
        if unknown:
            raise UnknownIdError(
                f"not a rule awaiting commencement: {', '.join(unknown)}",
                code="unknown-rule",
                hint="rules awaiting commencement: " + (", ".join(sorted(pending)) or "none"),
            )
        packs = []
        for compiled in self.packs:
            if not any(r.id in commenced for r in compiled.dormant):
                packs.append(compiled)
                continue
            rules = tuple(
                replace(r, in_force_from=commenced[r.id], commencement_pending=False)
                if r.id in commenced
                else r
                for r in compiled.pack.rules
            )
            packs.append(compile_pack(replace(compiled.pack, rules=rules)))
        return Editions(tuple(packs))

    @property
    def protocol(self) -> LocalPolicy | None:
        """The local protocol that tightened one of these editions, if any."""
        return next((p.pack.protocol for p in self.packs if p.pack.protocol is not None), None)

    def tightened_by(self, overlay: Overlay) -> Editions:
        """New editions in which the overlay's edition is tightened by a local protocol.

        Like a reform in OpenFisca, applying a protocol yields a new, immutable set and
        leaves this one as it was; the engine never sees the protocol. The protocol's
        edition gets, as data, compiled once: its tightened limits (``timescale_source:
        local``, the national limit kept beside them), the narrowed lead roles, the
        stricter sign-off roles, the protocol's own ``local.`` duties, and the protocol's
        closure days and counting policy (which apply to its own limits only). Other
        editions are unchanged. Applying the protocol a set already carries returns the
        set unchanged; applying a second, different one is refused (``bad-argument``).
        """
        if not isinstance(overlay, Overlay):
            raise UsageError(
                f"tightened_by needs an Overlay (protocol_overlay(...)), not "
                f"{type(overlay).__name__}",
                code="bad-argument",
            )
        target = self.get(overlay.edition)  # unknown edition: UnknownIdError
        policy = _policy(overlay)
        applied = self.protocol
        if applied is not None:
            if applied == policy and target.pack.protocol == policy:
                return self
            raise UsageError(
                "these editions are already tightened by the local protocol of "
                f"{applied.source.authority}; apply one protocol to the untightened editions",
                code="bad-argument",
            )
        rules = tuple(_tighten(rule, overlay) for rule in target.pack.rules) + overlay.rules
        pack = replace(target.pack, rules=rules, protocol=policy)
        tightened = compile_pack(pack)
        return Editions(tuple(tightened if p is target else p for p in self.packs))

    def with_rules(self, edition: str, rules: tuple[Rule, ...]) -> Editions:
        """A copy in which ``edition`` also holds ``rules`` (a local protocol's own
        obligations): they run with the edition and only where it governs."""
        require_edition(edition, "edition", "Editions.with_rules")
        if not rules:
            return self
        packs = tuple(
            compile_pack(replace(p.pack, rules=(*p.pack.rules, *rules)))
            if p.edition == edition
            else p
            for p in self.packs
        )
        if packs == self.packs:
            self.get(edition)  # unknown edition: UnknownIdError
        return Editions(packs)

    def in_force_on(self, day: dt.date) -> CompiledPack | None:
        """The edition in force on ``day``, or None before the earliest one."""
        windows = self._windows
        for pack in self.packs:
            if windows[pack.edition].contains(day):
                return pack
        return None


def _policy(overlay: Overlay) -> LocalPolicy:
    return LocalPolicy(
        source=overlay.protocol,
        non_working_days=frozenset(overlay.non_working_days),
        trigger=overlay.trigger,
    )


def _tighten(rule: Rule, overlay: Overlay) -> Rule:
    """``rule`` as the protocol tightens it (the rule itself when it does not)."""
    then = rule.then
    if isinstance(then, ObligationSpec) and then.id in overlay.timescales:
        local = overlay.timescales[then.id]
        return replace(
            rule,
            then=replace(
                then,
                timescale=local,
                timescale_source="local",
                national=then.timescale,
                national_source=then.timescale_source if then.timescale is not None else None,
            ),
        )
    if isinstance(then, CaseHolderSpec) and then.stage in overlay.lead_roles:
        allowed = set(overlay.lead_roles[then.stage])
        lead = replace(then.lead, roles=tuple(r for r in then.lead.roles if r in allowed))
        return replace(rule, then=replace(then, lead=lead))
    if isinstance(then, SignOffSpec) and then.id in overlay.sign_offs:
        required = overlay.sign_offs[then.id]
        return replace(rule, then=replace(then, required_from=required))
    return rule


def load_editions(root: Traversable | Path | str | None = None) -> Editions:
    """Load every edition directory under ``root`` (default: the shipped ``rules/``)."""
    base: Traversable | Path
    if root is None:
        base = data_dir("rules")
    elif isinstance(root, (str, os.PathLike)):
        if not os.fspath(root):
            raise UsageError(
                "load_editions: the rules directory path is empty", code="bad-argument"
            )
        base = Path(root)
    elif hasattr(root, "iterdir") and hasattr(root, "is_dir"):
        base = root
    else:
        raise UsageError(
            f"load_editions needs a directory path, not {type(root).__name__}",
            code="bad-argument",
        )
    shown = "rules" if root is None else str(root)
    entries = edition_dirs(base, shown)
    vocabulary = None  # the shipped packs' is the case model's, read only on a cache miss
    if root is not None:
        from wtguidance._pack.vocabulary import case_vocabulary

        vocabulary = case_vocabulary()  # read once for every pack
    # The shipped packs are schema-checked by the test suite and `lint-packs`; at run time
    # only the (cheap) semantic checks run again, on YAML parsed once per content and
    # cached, and the validated packs too (see wtguidance._pack.cache). Any other directory
    # is parsed and checked in full.
    return Editions(
        tuple(
            load_pack_dir(
                e,
                shown_as=f"{shown}/{e.name}",
                vocabulary=vocabulary,
                check_schema=root is not None,
                cache=root is None,
            )
            for e in entries
        )
    )


@cache
def shipped_editions() -> Editions:
    """The editions shipped with the package (loaded once per process; immutable)."""
    return load_editions()


def load_edition(edition: str) -> CompiledEdition:
    """One shipped edition by id, e.g. ``load_edition("2023")``."""
    return shipped_editions().get(require_edition(edition, "edition", "load_edition"))
