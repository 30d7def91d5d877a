"""``batch --jobs N``: workers read, evaluate and encode their lines; the output is the
``--jobs 1`` output byte for byte, whatever the lines hold and wherever chunks break."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from _helpers import EXAMPLES, random_cases, run_cli
from wtguidance.cli.batch import LINES_PER_TASK
from wtguidance.sources.jsonl import numbered_lines, read_jsonl, read_line

PROTOCOL = str(EXAMPLES / "protocols" / "exampleshire-2023-local-obligations.yaml")


def _lines(count: int, seed: int) -> list[str]:
    """Cases, with rejected, blank, over-long-ish and hostile lines mixed in."""
    lines = [json.dumps(r, ensure_ascii=False) for r in random_cases(count, seed=seed)]
    lines.insert(3, '{"case_id": "broken", "events": [')
    lines.insert(5, "")
    lines.insert(6, "   ")
    lines.insert(9, '{"case_id": "x\u202e", "child": {}, "events": [{"type": "referal"}]}')
    lines.insert(LINES_PER_TASK, "[1, 2, 3]")  # at a chunk boundary
    lines.append('{"case_id": 5}')
    return lines


@pytest.mark.parametrize(
    ("count", "jobs", "extra"),
    [
        (10, 2, ()),
        (LINES_PER_TASK * 3 + 1, 2, ()),
        (LINES_PER_TASK * 2, 3, ()),
        (45, 2, ("--protocol", PROTOCOL)),
        (40, 2, ("--edition", "2018")),
    ],
)
def test_jobs_write_what_one_job_writes(
    tmp_path: Path, count: int, jobs: int, extra: tuple[str, ...]
) -> None:
    source = tmp_path / "cases.jsonl"
    source.write_text("\n".join(_lines(count, seed=count)) + "\n", encoding="utf-8")
    argv = ("batch", str(source), "--as-of", "2025-06-30", *extra)
    code, one, err_one = run_cli(*argv)
    assert code == 0
    code, many, err_many = run_cli(*argv, "--jobs", str(jobs))
    assert code == 0
    assert many == one
    assert err_many == err_one
    rows = one.split("\n")[:-1]
    assert len(rows) == count + 4  # every non-blank line answered
    assert sum('"rejected"' in r[:14] for r in rows) == 4


def test_reading_in_two_steps_is_reading_in_one() -> None:
    text = "\n".join(_lines(12, seed=3)) + "\n"
    whole = list(read_jsonl(io.StringIO(text), name="f"))
    steps = [read_line(*item, name="f") for item in numbered_lines(io.StringIO(text))]
    assert steps == whole
    too_long = list(numbered_lines(io.StringIO("x" * 50 + "\n{}\n"), max_line_chars=10))
    assert too_long[0] == (1, "", False)
    assert read_line(*too_long[0], max_line_chars=10).line == 1
