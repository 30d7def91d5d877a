"""Run the DfE CIN validator on one census file and print its issues as JSON (one list).

This file runs under the *validator's* interpreter, never wtguidance's: the validator
(``csc-validator-be-cin`` on PyPI, module ``cin_validator``) pins ``pandas<2`` and needs
``numpy<2``, so it lives in a virtual environment of its own. It imports nothing from
wtguidance; ``bench/dfe_validator.py`` starts it and reads what it prints:

    python bench/dfe_validator_run.py FILE.xml RULESET

Each issue is ``{"rule", "child", "table", "column", "value", "error_id"}``, one per
location the validator reports (its ``user_report``).
"""

from __future__ import annotations

import importlib
import json
import sys
import xml.etree.ElementTree as ET  # the validator's own reader

from cin_validator import cin_validator  # type: ignore[import-not-found]


def main(path: str, ruleset: str) -> None:
    root = ET.parse(path).getroot()  # as its own CLI does
    tables = cin_validator.process_data(cin_validator.convert_data(root))
    registry = importlib.import_module(f"cin_validator.rules.{ruleset}").registry
    report = cin_validator.CinValidator(tables, registry).user_report
    issues = []
    for row in report.to_dict("records"):
        issues.append(
            {
                "rule": str(row.get("rule_code")),
                "child": None if row.get("LAchildID") is None else str(row.get("LAchildID")),
                "table": str(row.get("tables_affected")),
                "column": str(row.get("columns_affected")),
                "value": str(row.get("value_flagged")),
                "error_id": str(row.get("ERROR_ID")),
            }
        )
    json.dump(issues, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
