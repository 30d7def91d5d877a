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


_NS = "http://schemas.openxmlformats.org"


def raw_workbook(
    path: Path,
    sheet_data: str,
    *,
    dimension: str | None = None,
    shared: Sequence[str] = (),
    sheet_name: str = "List 3",
) -> Path:
    """An .xlsx written by hand: one sheet whose ``<sheetData>`` is ``sheet_data`` as given.

    For what openpyxl itself never writes: a declared ``<dimension>`` larger than the data,
    shared-string references (``t="s"``) into the table ``shared``, rows far apart.
    """
    rel = f"{_NS}/officeDocument/2006/relationships"
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    strings = "".join(f"<si><t>{s}</t></si>" for s in shared)
    parts = {
        "[Content_Types].xml": (
            f'<Types xmlns="{_NS}/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{kind}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{kind}.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kind}.sharedStrings+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{_NS}/package/2006/relationships"><Relationship Id="rId1" '
            f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{_NS}/spreadsheetml/2006/main" xmlns:r="{rel}"><sheets>'
            f'<sheet name="{sheet_name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{_NS}/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ),
        "xl/sharedStrings.xml": (
            f'<sst xmlns="{_NS}/spreadsheetml/2006/main" count="{len(shared)}" '
            f'uniqueCount="{len(shared)}">{strings}</sst>'
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{_NS}/spreadsheetml/2006/main">{dim}'
            f"<sheetData>{sheet_data}</sheetData></worksheet>"
        ),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in parts.items():
            book.writestr(name, text)
    return path


def raw_row(number: int, values: Sequence[object], *, first_column: int = 1) -> str:
    """A ``<row>``: text as inline strings, numbers as numbers, ``("s", n)`` as shared string
    ``n``, ``None`` as no cell."""
    cells = []
    for offset, value in enumerate(values):
        if value is None:
            continue
        ref = f"{column_letter(first_column + offset)}{number}"
        if isinstance(value, tuple):
            cells.append(f'<c r="{ref}" t="s"><v>{value[1]}</v></c>')
        elif isinstance(value, int | float):
            cells.append(f'<c r="{ref}"><v>{value}</v></c>')
        else:
            cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'


def column_letter(number: int) -> str:
    """Excel's column name of a 1-based column number (1 → A, 16384 → XFD)."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def referral_cells(child: object, serial: int = 44090) -> list[object]:
    """A list 3 row for :func:`raw_row`: dates as Excel day numbers (44090 = 2020-09-16)."""
    return [child, "a) Male", "a) WBRI", 42005, 5, serial, "g) Police", "b) No", 0, "Duty", "W"]
