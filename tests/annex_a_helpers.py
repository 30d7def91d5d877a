"""Build small Annex A workbooks and CSV folders at test time (openpyxl, csv)."""

from __future__ import annotations

import csv
import datetime as dt
import re
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import openpyxl

D = dt.datetime

HEADERS: Mapping[int, list[str]] = {
    3: [
        "Child Unique ID",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age",
        "Date of Referral",
        "Referral Source",
        "Referral NFA?",
        "Number of Referrals in Last 12 Months",
        "Allocated Team",
        "Allocated Worker",
    ],
    4: [
        "Child Unique ID",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age",
        "Does the Child have a Disability",
        "Continuous Assessment Start Date",
        "Child Seen During Continuous Assessment",
        "Continuous Assessment Date of Authorisation",
        "Was the child assessed as requiring LA children's social care support?",
        "Allocated Team",
        "Allocated Worker",
    ],
    5: [
        "Child Unique ID",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age",
        "Does the Child have a Disability",
        "Strategy discussion initiating Section 47 Enquiry Start Date",
        "Was an Initial Child Protection Conference deemed unnecessary?",
        "Date of Initial Child Protection Conference",
        "Did the Initial Child Protection Conference Result in a Child Protection Plan",
        "Number of Section 47 Enquiries in the last 12 months",
        "Number of ICPCs in the last 12 months",
        "Allocated Team",
        "Allocated Worker",
    ],
    6: [
        "Child Unique ID",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age",
        "Does the Child have a Disability",
        "CIN Start Date",
        "Primary Need Code",
        "Date Child Was Last Seen",
        "CIN Closure Date",
        "Reason for Closure",
        "Case Status",
        "Allocated Team",
        "Allocated Worker",
    ],
    7: [
        "Child Unique ID",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age",
        "Does the Child have a Disability",
        "Child Protection Plan Start Date",
        "Initial Category of Abuse",
        "Latest Category of Abuse",
        "Date of the Last Statutory Visit",
        "Was the Child Seen Alone?",
        "Date of latest review conference",
        "Child Protection Plan End Date",
        "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six "
        "Months (Y/N)",
        "Number of Previous Child Protection Plans",
        "Allocated Team",
        "Allocated Worker",
    ],
}


def referral(child: object, date: object, nfa: object = "b) No", **kw: object) -> list[object]:
    return [
        child,
        "a) Male",
        "a) WBRI",
        kw.get("dob", D(2015, 1, 1)),
        5,
        date,
        "g) Police",
        nfa,
        0,
        kw.get("team", "Duty Team"),
        kw.get("worker", "A Worker"),
    ]


def assessment(
    child: object, start: object, authorised: object = None, seen: object = "a) Yes"
) -> list[object]:
    return [
        child,
        "a) Male",
        "a) WBRI",
        D(2015, 1, 1),
        5,
        "b) No",
        start,
        seen,
        authorised,
        "Yes",
        "Assessment Team",
        "B Worker",
    ]


def enquiry(
    child: object,
    start: object,
    unnecessary: object = "b) No",
    icpc: object = None,
    plan: object = "",
) -> list[object]:
    return [
        child,
        "a) Male",
        "a) WBRI",
        D(2015, 1, 1),
        5,
        "b) No",
        start,
        unnecessary,
        icpc,
        plan,
        1,
        1,
        "CP Team",
        "C Worker",
    ]


def cin(child: object, start: object, closed: object = None, reason: object = None) -> list[object]:
    return [
        child,
        "a) Male",
        "a) WBRI",
        D(2015, 1, 1),
        5,
        "b) No",
        start,
        "N1",
        None,
        closed,
        reason,
        "c) Child in need plan",
        "CIN Team",
        "D Worker",
    ]


def plan(
    child: object,
    start: object,
    review: object = None,
    end: object = None,
    visit: object = None,
) -> list[object]:
    return [
        child,
        "a) Male",
        "a) WBRI",
        D(2015, 1, 1),
        5,
        "b) No",
        start,
        "a) Neglect",
        "a) Neglect",
        visit,
        "a) Yes",
        review,
        end,
        "b) No",
        0,
        "CP Team",
        "E Worker",
    ]


def workbook(path: Path, sheets: Mapping[str, Sequence[Sequence[object]]]) -> Path:
    """A workbook with one sheet per entry: rows as given (the first is usually the header)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return path


def lists(path: Path, rows: Mapping[int, Sequence[Sequence[object]]]) -> Path:
    """A workbook with sheets "List N" holding the standard headers and ``rows``."""
    return workbook(path, {f"List {n}": [HEADERS[n], *r] for n, r in rows.items()})


def cache_formula_values(path: Path, values: Mapping[str, str]) -> None:
    """Give formula cells a cached result, as Excel does when it saves ({"A1": "44090"})."""
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    for name, data in parts.items():
        if not name.startswith("xl/worksheets/sheet"):
            continue
        text = data.decode()
        for ref, value in values.items():
            text = re.sub(
                rf'(<c r="{ref}"[^>]*>)(<f>[^<]*</f>)<v\s*/?>(?:</v>)?',
                rf"\1\2<v>{value}</v>",
                text,
            )
        parts[name] = text.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


def csv_folder(
    folder: Path,
    files: Mapping[str, Sequence[Sequence[object]]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in files.items():
        with (folder / name).open("w", encoding=encoding, newline="") as stream:
            writer = csv.writer(stream, delimiter=delimiter)
            for row in rows:
                writer.writerow(["" if v is None else v for v in row])
    return folder
