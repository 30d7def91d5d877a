"""Caseload reports: a terminal table, JSON, CSV and a self-contained HTML page.

Every format states how many outcomes and rejected records there were, and every piece of
text that came from the input is escaped for the format it lands in (terminal markup and
control characters, CSV formulas, HTML).
"""

from __future__ import annotations

from wtguidance._render.caseload.csv_out import write_csv
from wtguidance._render.caseload.html import render_html
from wtguidance._render.caseload.json_out import write_json
from wtguidance._render.caseload.table import render_table

__all__ = ["render_html", "render_table", "write_csv", "write_json"]
