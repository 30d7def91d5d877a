"""Councils' many spellings of the same Annex A answer, reduced to one value.

``"a) Yes"``, ``"Y"``, ``"1"``, ``"1 - Yes"`` and a ticked TRUE cell all mean yes; ``"a) Male"``,
``"M"``, ``"1"`` and ``"Male"`` all mean male. The spellings come from the category lists of
``Annex_A_schema.yml`` in SocialFinanceDigitalLabs/liia-tools-pipeline (MIT licence, commit
4aff918, ``liiatools/annex_a_pipeline/spec/``), trimmed to the columns this importer reads,
with two deliberate differences: ``U`` on "Referral NFA?" means unknown here (that schema
reads it as no), and an answer no table knows is reported, never coerced.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Literal

from wtguidance.sources.annex_a._cells import CellError, as_text

__all__ = [
    "Answer",
    "case_status",
    "closure_reason",
    "disability",
    "gender",
    "referral_nfa",
    "yes_no",
]

Answer = Literal["yes", "no", "unknown"]
"""A yes/no column's value; ``unknown`` when the council recorded that it does not know."""

_LABEL_PREFIX = re.compile(r"^[a-z]{1,2}[).]\s*")  # "a) ", "b. ", "zz) "
_SPACES = re.compile(r"\s+")


def _key(text: str) -> str:
    return _SPACES.sub(" ", text.replace("\u00a0", " ")).strip().casefold()


def _table(groups: Mapping[str, Iterable[str]]) -> dict[str, str]:
    return {_key(name): code for code, names in groups.items() for name in names}


_YES_NO = _table(
    {
        "yes": ["a) yes", "a. yes", "yes", "y", "1", "1 - yes", "true"],
        "no": ["b) no", "b. no", "no", "n", "0", "0 - no", "false"],
        "unknown": [
            "c) unknown",
            "unknown",
            "not known",
            "u",
            "nobt",
            "nobt - information not yet obtained",
            "not obtained",
            "refu",
            "refused",
        ],
    }
)
_NFA = {
    **_YES_NO,
    **_table({"yes": ["nfa", "no further action"], "no": ["fa", "further action"]}),
}
_DISABILITY = {
    **_YES_NO,
    **_table(
        {
            "no": ["none", "no disability"],
            "yes": [
                "disability",
                "disabled under dda - no other",
                "asperger syndrome",
                "autism",
                "autism or asperger syndrome",
                "diagnosed with autism or asperger syndrome",
                "aut",
                "beh",
                "behaviour",
                "comm",
                "communication",
                "con",
                "consciousness",
                "conciousness",
                "dda",
                "other dda",
                "hand",
                "hand function",
                "hear",
                "hearing",
                "inc",
                "incontinence",
                "incontience",
                "ld",
                "learning",
                "mob",
                "mobility",
                "pc",
                "personal care",
                "vis",
                "vision",
            ],
        }
    ),
}
_GENDER = _table(
    {
        "male": ["a) male", "1", "1 - male", "m", "male"],
        "female": ["b) female", "2", "2 - female", "f", "female"],
        "not stated/recorded": [
            "c) not stated/recorded",
            "c) not stated/recorded (or unborn)",
            "c) not stated / recorded (or unborn)",
            "not stated/recorded",
            "not stated / recorded",
            "0",
            "0 - not known",
            "0 - not recorded",
            "0 - not stated",
            "u",
            "unknown",
            "not known",
            "not recorded",
            "not specified",
            "unspecified",
            "unborn",
            "unborn/unknown",
            "withheld",
        ],
        "neither": [
            "d) neither",
            "neither",
            "9",
            "i",
            "indeterminate",
            "indeterminate gender",
            "non-binary",
            "non binary",
        ],
    }
)
_CLOSURE = _table(
    {
        "adopted": ["a) adopted", "adopted", "rc1"],
        "died": ["b) died", "died", "rc2"],
        "residence or child arrangements order": [
            "c) residence order",
            "residence order",
            "child arrangements order",
            "rc3",
        ],
        "special guardianship order": [
            "d) special guardianship order",
            "special guardianship order",
            "rc4",
        ],
        "transferred to another local authority": [
            "e) transfer to another la",
            "transfer to another la",
            "transferred to another la",
            "rc5",
        ],
        "transferred to adult social care": [
            "f) transfer to adult social services",
            "transfer to adult social services",
            "transferred to adult social care",
            "rc6",
        ],
        "other, including no longer in need": [
            "g) 'other' incl. child no longer in need",
            "other",
            "child no longer in need",
            "rc7",
        ],
        "not in need after assessment": [
            "h) child not in need after assessment",
            "child not in need after assessment",
            "rc8",
        ],
        "referred to early help after assessment": ["rc9"],
        "not stated": ["i) not stated", "not stated"],
    }
)
_CASE_STATUS = _table(
    {
        "looked after": ["a) looked after child", "looked after child", "lac", "cla"],
        "child protection plan": ["b) child protection plan", "child protection plan", "cp"],
        "child in need plan": ["c) child in need plan", "child in need plan", "cin"],
        "open assessment": ["d) open assessment", "open assessment"],
        "closed episode": ["e) closed episode", "closed episode", "closed"],
    }
)


def _lookup(value: object, table: Mapping[str, str], what: str) -> str | None:
    if isinstance(value, bool):
        value = "true" if value else "false"
    text = as_text(value)
    if text is None:
        return None
    key = _key(text)
    found = table.get(key)
    if found is None:
        found = table.get(_LABEL_PREFIX.sub("", key))
    if found is None:
        raise CellError(f"{text!r} is not a {what} this importer knows")
    return found


def yes_no(value: object) -> Answer | None:
    """A yes/no/unknown answer (``None`` when blank)."""
    return _answer(_lookup(value, _YES_NO, "yes/no answer"))


def referral_nfa(value: object) -> Answer | None:
    """ "Referral NFA?": yes/no, also written ``NFA`` or ``Further action``."""
    return _answer(_lookup(value, _NFA, "yes/no answer"))


def disability(value: object) -> Answer | None:
    """ "Does the child have a disability": yes/no/unknown, or a census disability code."""
    return _answer(_lookup(value, _DISABILITY, "disability answer"))


def gender(value: object) -> str | None:
    """Sex or gender as ``male``, ``female``, ``not stated/recorded`` or ``neither``."""
    return _lookup(value, _GENDER, "sex or gender code")


def closure_reason(value: object) -> str | None:
    """A CIN closure reason in plain words (Annex A letters or census RC codes)."""
    return _lookup(value, _CLOSURE, "closure reason")


def case_status(value: object) -> str | None:
    """List 6 "Case Status" in plain words."""
    return _lookup(value, _CASE_STATUS, "case status")


def _answer(code: str | None) -> Answer | None:
    if code == "yes":
        return "yes"
    if code == "no":
        return "no"
    if code == "unknown":
        return "unknown"
    return None
