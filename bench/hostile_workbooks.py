"""Write the hostile Annex A workbooks of issue 19 (D6, D7) to measure ``annex-a`` on.

    .venv/bin/python bench/hostile_workbooks.py OUT_FOLDER

writes, in OUT_FOLDER:

- ``dimension-full-grid.xlsx`` (under 2 KB): one List 3 sheet declaring
  ``<dimension ref="A1:XFD1048576"/>``, a header, data rows 2 and 1,048,576;
- ``dimension-XFD10000.xlsx``: the same shape, last row 10,000;
- ``rows-100k.xlsx`` (about 130 KB): 100,000 identical List 3 rows, compressed.
- ``rows-over-limit.xlsx``: 200,001 rows, one over the documented row limit (refused).

Then measure each whole process, e.g.::

    /usr/bin/time -v .venv/bin/wtguidance annex-a OUT/rows-100k.xlsx --as-of 2021-03-31 \\
        --format json --out /dev/null

Nothing here asserts a time or a size (DESIGN §13: benchmarks measure).
"""

from __future__ import annotations

import argparse
import zipfile
from pathlib import Path

HEADER = [
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
]
ROW = ["C1", "a) Male", "a) WBRI", "", 5, "", "g) Police", "b) No", 0, "Duty", "A Worker"]


def _cells(number: int | None, values: list[object]) -> str:
    """One ``<row>``; without a ``number`` the row and its cells carry no ``r`` (Excel allows
    it: they follow on), so identical rows are identical bytes and compress to nothing."""
    out = []
    for index, value in enumerate(values):
        ref = f' r="{chr(ord("A") + index)}{number}"' if number is not None else ""
        if isinstance(value, int | float):
            out.append(f"<c{ref}><v>{value}</v></c>")
        elif value:
            out.append(f'<c{ref} t="inlineStr"><is><t>{value}</t></is></c>')
    row = f' r="{number}"' if number is not None else ""
    return f"<row{row}>{''.join(out)}</row>"


def _row(number: int, child: str, referral: int) -> list[object]:
    row: list[object] = [*ROW]
    row[0] = child
    row[3] = 42005  # 2015-01-01 as an Excel day number
    row[5] = referral
    return row


def _sheet(rows: str, dimension: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>'
    )


def _workbook(path: Path, sheet_xml: str) -> Path:
    """A minimal valid .xlsx with one sheet "List 3" holding ``sheet_xml``."""
    ns = "http://schemas.openxmlformats.org"
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<Types xmlns="{ns}/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<Relationships xmlns="{ns}/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<workbook xmlns="{ns}/spreadsheetml/2006/main" '
            f'xmlns:r="{ns}/officeDocument/2006/relationships">'
            '<sheets><sheet name="List 3" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<Relationships xmlns="{ns}/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/'
            'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        for name, text in parts.items():
            book.writestr(name, text)
    return path


def sparse(path: Path, last_row: int, dimension: str = "A1:XFD1048576") -> Path:
    """Header, data row 2 and data row ``last_row``, under a declared ``dimension``."""
    rows = _cells(1, list(HEADER)) + _cells(2, _row(2, "C1", 44090))
    rows += _cells(last_row, _row(last_row, "C2", 44091))
    return _workbook(path, _sheet(rows, dimension))


def dense(path: Path, count: int) -> Path:
    """``count`` identical data rows under a header (they compress to almost nothing)."""
    body = _cells(None, _row(2, "C1", 44090)) * count
    return _workbook(path, _sheet(_cells(1, list(HEADER)) + body, f"A1:K{count + 1}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    made = [
        sparse(args.out / "dimension-full-grid.xlsx", 1_048_576),
        sparse(args.out / "dimension-XFD10000.xlsx", 10_000),
        dense(args.out / "rows-100k.xlsx", 100_000),
        dense(args.out / "rows-over-limit.xlsx", 200_001),
    ]
    for path in made:
        print(f"{path}  {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
