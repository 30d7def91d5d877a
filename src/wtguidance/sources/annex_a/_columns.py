"""Which column of a sheet holds which Annex A field, whatever the council called it.

Each list (1–7) names the fields this importer reads. A field has header patterns, tried in
order against the header text lower-cased with punctuation turned into spaces; the first
pattern that picks out exactly one unclaimed column wins. Two columns fitting one pattern
is an error, never a coin toss. The patterns start from the canonical headers and the
``header_regex`` rules of ``Annex_A_schema.yml`` in SocialFinanceDigitalLabs/liia-tools-pipeline
(MIT licence, commit 4aff918, ``liiatools/annex_a_pipeline/spec/``) and add the variants
councils use (``S47`` for section 47, ``ICPC``, ``CP plan``, ``Sex`` for gender ...).

A sheet is recognised as list N when every *required* field of list N is found; required
fields are those without which an obligation would be misjudged (e.g. list 7 without the
latest review date would make every plan look unreviewed).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "LISTS",
    "ColumnMatch",
    "FieldSpec",
    "ListSpec",
    "header_key",
    "list_hint",
    "match_columns",
]

_NON_WORD = re.compile(r"[^0-9a-z]+")


def header_key(text: str) -> str:
    """A header as the patterns see it: lower case, punctuation and spaces as one space."""
    return _NON_WORD.sub(" ", text.casefold().replace("’", "'").replace("'", "")).strip()


@dataclass(frozen=True)
class FieldSpec:
    """One field of a list: its key, the canonical Annex A header, and header patterns."""

    key: str
    header: str
    patterns: tuple[re.Pattern[str], ...]


def _field(key: str, header: str, *patterns: str) -> FieldSpec:
    return FieldSpec(key, header, tuple(re.compile(p) for p in patterns))


@dataclass(frozen=True)
class ListSpec:
    """An Annex A list: its number, what it holds, its fields and the required ones."""

    number: int
    title: str
    fields: tuple[FieldSpec, ...]
    required: tuple[tuple[str, ...], ...]  # each entry: one of these field keys must be found

    def field(self, key: str) -> FieldSpec:
        return next(f for f in self.fields if f.key == key)

    def required_headers(self, found: Mapping[str, int]) -> list[str]:
        """The canonical headers of required fields not in ``found``."""
        return [
            " or ".join(repr(self.field(key).header) for key in keys)
            for keys in self.required
            if not any(key in found for key in keys)
        ]


_CHILD_ID = _field(
    "child_id",
    "Child Unique ID",
    r"\bchild\b.*\b(id|identifier)\b",
    r"\b(id|identifier)\b.*\bchild\b",
    r"\bchildid\b",
)
_GENDER = _field("gender", "Gender", r"^(gender|sex)\b", r"\b(gender|sex)\b")
_DOB = _field("date_of_birth", "Date of Birth", r"\bdate\b.*\bbirth\b", r"^dob$")
_DISABILITY = _field("disability", "Does the Child have a Disability", r"\bdisab")
_TEAM = _field("team", "Allocated Team", r"\ballocated\b.*\bteam\b", r"^team$")
_WORKER = _field(
    "worker",
    "Allocated Worker",
    r"\ballocated\b.*\bworker\b",
    r"^(allocated )?(social )?worker$",
)
_COMMON = (_CHILD_ID, _GENDER, _DOB)
_ALLOCATION = (_TEAM, _WORKER)

_CONTACTS = ListSpec(
    1,
    "contacts",
    (
        *_COMMON,
        _field(
            "contact_date", "Date of Contact", r"\bdate\b.*\bcontact\b", r"\bcontact\b.*\bdate\b"
        ),
        _field("contact_source", "Contact Source", r"\bcontact\b.*\bsource\b"),
    ),
    (("child_id",), ("contact_date",)),
)
_EARLY_HELP = ListSpec(
    2,
    "early help assessments",
    (
        *_COMMON,
        _field(
            "eh_start",
            "Assessment start date",
            r"\bassessment\b.*\bstart",
            r"\bstart\b.*\bassessment\b",
        ),
        _field(
            "eh_completed",
            "Assessment completion date",
            r"\bassessment\b.*\b(complet\w*|end)\b",
            r"\b(complet\w*|end)\b.*\bassessment\b",
        ),
        _field("organisation", "Organisation completing assessment", r"\borgani[sz]ation\b"),
    ),
    (("child_id",), ("eh_start",)),
)
_REFERRALS = ListSpec(
    3,
    "referrals",
    (
        *_COMMON,
        _field(
            "referral_date",
            "Date of referral",
            r"\bdate\b.*\breferral\b",
            r"\breferral\b.*\bdate\b",
        ),
        _field("nfa", "Referral NFA?", r"\bnfa\b", r"\bno further action\b"),
        _field("referral_source", "Referral Source", r"\breferral\b.*\bsource\b"),
        *_ALLOCATION,
    ),
    (("child_id",), ("referral_date",), ("nfa",)),
)
_ASSESSMENTS = ListSpec(
    4,
    "assessments",
    (
        *_COMMON,
        _DISABILITY,
        _field(
            "seen_date",
            "Date Child Seen During Assessment",
            r"\bdate\b.*\bchild\b.*\bseen\b",
            r"\bchild\b.*\bseen\b.*\bdate\b",
        ),
        _field(
            "seen", "Child Seen During Continuous Assessment", r"\bchild\b.*\bseen\b", r"\bseen\b"
        ),
        _field(
            "authorised",
            "Continuous Assessment Date of Authorisation",
            r"\bauthori[sz]",
            r"\bassessment\b.*\b(complet\w*|end)\b",
        ),
        _field(
            "assessment_start",
            "Continuous Assessment Start Date",
            r"\bassessment\b.*\bstart",
            r"\bstart\b.*\bassessment\b",
        ),
        _field(
            "needs_support",
            "Was the child assessed as requiring LA children's social care support?",
            r"\bassessed\b.*\bsupport\b",
            r"\brequir\w*\b.*\bsupport\b",
        ),
        *_ALLOCATION,
    ),
    (("child_id",), ("assessment_start",), ("authorised",), ("seen", "seen_date")),
)
_ENQUIRIES = ListSpec(
    5,
    "section 47 enquiries",
    (
        *_COMMON,
        _DISABILITY,
        _field(
            "icpc_unnecessary",
            "Was an Initial Child Protection Conference deemed unnecessary?",
            r"\bunnecessary\b",
            r"\bnot (required|needed)\b",
        ),
        _field(
            "icpc_date",
            "Date of Initial Child Protection Conference",
            r"\bdate\b.*\b(icpc|initial (child protection|cp) conference)\b",
            r"\b(icpc|initial (child protection|cp) conference)\b.*\bdate\b",
        ),
        _field(
            "icpc_plan",
            "Did the Initial Child Protection Conference Result in a Child Protection Plan",
            r"\bresult\w*\b.*\bplan\b",
            r"\b(icpc|conference)\b.*\bplan\b",
        ),
        _field(
            "s47_start",
            "Strategy discussion initiating Section 47 Enquiry Start Date",
            r"\bstrategy\b.*\b(start|date)\b",
            r"\bdate\b.*\bstrategy\b",
            r"\b(s47|s 47|section 47)\b.*\bstart\b",
            r"\bstart\b.*\b(s47|s 47|section 47)\b",
        ),
        *_ALLOCATION,
    ),
    (("child_id",), ("s47_start",), ("icpc_unnecessary",), ("icpc_date",), ("icpc_plan",)),
)
_CHILDREN_IN_NEED = ListSpec(
    6,
    "children in need",
    (
        *_COMMON,
        _DISABILITY,
        _field(
            "cin_start",
            "CIN Start Date",
            r"\b(cin|child in need|children in need)\b.*\bstart\b",
            r"\bstart\b.*\b(cin|child in need)\b",
        ),
        _field("primary_need", "Primary Need Code", r"\bprimary\b.*\bneed\b", r"\bneed code\b"),
        _field(
            "last_seen", "Date Child Was Last Seen", r"\blast\b.*\bseen\b", r"\bseen\b.*\blast\b"
        ),
        _field(
            "closure_reason",
            "Reason for Closure",
            r"\breason\b.*\bclos",
            r"\bclosure\b.*\breason\b",
        ),
        _field(
            "closed",
            "CIN Closure Date",
            r"\bclosure\b.*\bdate\b",
            r"\bdate\b.*\bclos",
            r"\bclosed\b.*\bdate\b",
        ),
        _field("case_status", "Case Status", r"\bcase status\b", r"^status$"),
        *_ALLOCATION,
    ),
    (("child_id",), ("cin_start",), ("closed",)),
)
_PLAN = r"\b(child protection|cp|cpp)\b.*\bplan\b|\bcpp\b"
_PLANS = ListSpec(
    7,
    "child protection plans",
    (
        *_COMMON,
        _DISABILITY,
        _field(
            "plan_start",
            "Child Protection Plan Start Date",
            rf"(?:{_PLAN}).*\bstart\b",
            rf"\bstart\b.*(?:{_PLAN})",
        ),
        _field(
            "plan_end",
            "Child Protection Plan End Date",
            rf"(?:{_PLAN}).*\bend\b",
            rf"\bend\b.*(?:{_PLAN})",
        ),
        _field(
            "latest_review",
            "Date of latest review conference",
            r"\breview conference\b",
            r"\b(latest|last)\b.*\breview\b",
            r"\breview\b.*\bdate\b|\bdate\b.*\breview\b",
        ),
        _field(
            "last_visit",
            "Date of the Last Statutory Visit",
            r"\bstatutory visit\b",
            r"\b(latest|last)\b.*\bvisit\b",
        ),
        _field("seen_alone", "Was the Child Seen Alone?", r"\bseen alone\b", r"\balone\b"),
        _field("initial_category", "Initial Category of Abuse", r"\binitial\b.*\bcategory\b"),
        _field("latest_category", "Latest Category of Abuse", r"\blatest\b.*\bcategory\b"),
        *_ALLOCATION,
    ),
    (("child_id",), ("plan_start",), ("plan_end",), ("latest_review",), ("last_visit",)),
)

LISTS: Mapping[int, ListSpec] = {
    spec.number: spec
    for spec in (
        _CONTACTS,
        _EARLY_HELP,
        _REFERRALS,
        _ASSESSMENTS,
        _ENQUIRIES,
        _CHILDREN_IN_NEED,
        _PLANS,
    )
}
"""Lists 1–7, by number."""

_NUMBERED = re.compile(r"\blist\s*0?(\d{1,2})\b")
_NAMED: tuple[tuple[re.Pattern[str], int], ...] = tuple(
    (re.compile(pattern), number)
    for pattern, number in (
        (r"\bcontacts?\b", 1),
        (r"\bearly help\b", 2),
        (r"\breferrals?\b", 3),
        (r"\bassessments?\b", 4),
        (r"\b(s47|s 47|section 47)\b", 5),
        (r"\b(cin|children in need|child in need)\b", 6),
        (r"\b(cp|cpp|child protection)\b", 7),
        (r"\b(cla|looked after|lac)\b", 8),
        (r"\bcare leavers?\b", 9),
        (r"\badopters?\b", 11),
        (r"\badoptions?\b", 10),
    )
)


def list_hint(name: str) -> int | None:
    """The list number a sheet or file name announces ("List 3", "list_05", "Referrals")."""
    key = header_key(name.replace("_", " "))
    numbered = _NUMBERED.search(key)
    if numbered:
        return int(numbered.group(1))
    for pattern, number in _NAMED:
        if pattern.search(key):
            return number
    return None


@dataclass(frozen=True)
class ColumnMatch:
    """Which 0-based column holds each field found, and fields two columns fitted."""

    columns: Mapping[str, int]
    ambiguous: Mapping[str, tuple[int, ...]]

    @property
    def score(self) -> int:
        return len(self.columns)


def match_columns(spec: ListSpec, headers: Sequence[Sequence[str]]) -> ColumnMatch:
    """Find each field of ``spec`` among header texts (several candidates per column).

    ``headers[c]`` lists the texts column ``c`` may be called, most specific first: the
    header cell itself, then that text prefixed by a merged group header above it. All
    columns' first texts are tried before any second text, so a group header never wins
    over a plain one.
    """
    keys = [[header_key(text) for text in texts] for texts in headers]
    depth = max((len(texts) for texts in keys), default=0)
    columns: dict[str, int] = {}
    ambiguous: dict[str, tuple[int, ...]] = {}
    for level in range(depth):
        for field in spec.fields:
            if field.key in columns or field.key in ambiguous:
                continue
            claimed = set(columns.values())
            for pattern in field.patterns:
                hits = [
                    c
                    for c, texts in enumerate(keys)
                    if c not in claimed and len(texts) > level and pattern.search(texts[level])
                ]
                if len(hits) == 1:
                    columns[field.key] = hits[0]
                    break
                if len(hits) > 1:
                    ambiguous[field.key] = tuple(hits)
                    break
    return ColumnMatch(columns, ambiguous)
