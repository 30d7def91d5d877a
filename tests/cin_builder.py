"""Small hand-written CIN census files for the tests (our own, not from other projects)."""

from __future__ import annotations

from collections.abc import Sequence

HEADER = (
    "<Header><CollectionDetails><Collection>CIN</Collection><Year>2024</Year>"
    "<ReferenceDate>2024-03-31</ReferenceDate></CollectionDetails>"
    "<Source><SourceLevel>L</SourceLevel><LEA>201</LEA></Source></Header>"
)


def census(
    *children: str, header: str | None = HEADER, root: str = "Message", prolog: str = ""
) -> bytes:
    """A whole census file, one element per line so that line numbers are easy to predict."""
    body = "\n".join(children)
    head = header if header is not None else ""
    return f"{prolog}<{root}>\n{head}\n<Children>\n{body}\n</Children>\n</{root}>\n".encode()


def child(
    *episodes: str, child_id: str | None = "C1", birth: str | None = "2015-01-01", extra: str = ""
) -> str:
    ident = f"<LAchildID>{child_id}</LAchildID>" if child_id is not None else ""
    born = f"<PersonBirthDate>{birth}</PersonBirthDate>" if birth is not None else ""
    return (
        f"<Child>\n<ChildIdentifiers>{ident}{born}<Sex>F</Sex>{extra}</ChildIdentifiers>\n"
        "<ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>\n"
        + "\n".join(episodes)
        + "\n</Child>"
    )


def episode(
    referral: str | None = "2024-01-08",
    *blocks: str,
    closure: str | None = None,
    nfa: str = "false",
    icpc: str | None = None,
) -> str:
    parts = []
    if referral is not None:
        parts.append(f"<CINreferralDate>{referral}</CINreferralDate>")
    parts.append("<ReferralSource>1A</ReferralSource>")
    if closure is not None:
        parts.append(f"<CINclosureDate>{closure}</CINclosureDate>")
        parts.append("<ReasonForClosure>RC7</ReasonForClosure>")
    if icpc is not None:
        parts.append(f"<DateOfInitialCPC>{icpc}</DateOfInitialCPC>")
    parts.extend(blocks)
    parts.append(f"<ReferralNFA>{nfa}</ReferralNFA>")
    return "<CINdetails>\n" + "\n".join(parts) + "\n</CINdetails>"


def assessment(start: str, done: str | None = None) -> str:
    end = f"<AssessmentAuthorisationDate>{done}</AssessmentAuthorisationDate>" if done else ""
    begin = f"<AssessmentActualStartDate>{start}</AssessmentActualStartDate>"
    return f"<Assessments>{begin}{end}</Assessments>"


def s47(
    start: str, *, target: str | None = None, icpc: str | None = None, not_required: str = "false"
) -> str:
    parts = [f"<S47ActualStartDate>{start}</S47ActualStartDate>"]
    if target is not None:
        parts.append(f"<InitialCPCtarget>{target}</InitialCPCtarget>")
    if icpc is not None:
        parts.append(f"<DateOfInitialCPC>{icpc}</DateOfInitialCPC>")
    parts.append(f"<ICPCnotRequired>{not_required}</ICPCnotRequired>")
    return "<Section47>" + "".join(parts) + "</Section47>"


def plan(
    start: str, end: str | None = None, reviews: Sequence[str] = (), *, one_wrapper: bool = True
) -> str:
    parts = [f"<CPPstartDate>{start}</CPPstartDate>"]
    if end is not None:
        parts.append(f"<CPPendDate>{end}</CPPendDate>")
    parts.append(
        "<InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>"
        "<LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>"
        "<NumberOfPreviousCPP>0</NumberOfPreviousCPP>"
    )
    if reviews and one_wrapper:
        parts.append(
            "<Reviews>"
            + "".join(f"<CPPreviewDate>{r}</CPPreviewDate>" for r in reviews)
            + "</Reviews>"
        )
    else:
        parts.extend(f"<Reviews><CPPreviewDate>{r}</CPPreviewDate></Reviews>" for r in reviews)
    return "<ChildProtectionPlans>" + "".join(parts) + "</ChildProtectionPlans>"
