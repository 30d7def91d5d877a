"""``batch --jobs N``: workers read, evaluate and encode their lines; the output is the
``--jobs 1`` output byte for byte, whatever the lines hold and wherever chunks break."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import wtguidance
from _helpers import EXAMPLES, random_cases, run_cli
from wtguidance.cli import _batch_tasks as batch_command
from wtguidance.cli._batch_tasks import LINES_PER_TASK
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


#: the environment of a whole-process run of the code under test
_THIS = {**os.environ, "PYTHONPATH": str(Path(wtguidance.__file__).parents[1])}


def _awkward_bytes(count: int) -> bytes:
    """Cases in every line ending (LF, CRLF, a lone CR), with bytes that are not UTF-8, a
    line of only a carriage return and a final line with no ending at all."""
    rows = [json.dumps(r).encode() for r in random_cases(count, seed=count)]
    endings = (b"\n", b"\r\n", b"\r")
    out = b"".join(row + endings[i % 3] for i, row in enumerate(rows[:-1]))
    out += b'{"case_id": "bad\xff\xfe"}\r\n\r\n\r' + rows[-1]  # no ending on the last line
    return out


@pytest.mark.parametrize(("count", "jobs", "chars"), [(20, 2, 1 << 20), (21, 2, 900), (9, 3, 1)])
def test_jobs_read_every_line_ending_as_one_job(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, count: int, jobs: int, chars: int
) -> None:
    # ``chars`` closes tasks early: after every line (1), every few lines (900) or never
    monkeypatch.setattr(batch_command, "CHARS_PER_TASK", chars)
    source = tmp_path / "cases.jsonl"
    source.write_bytes(_awkward_bytes(count))
    argv = ("batch", str(source), "--as-of", "2025-06-30")
    code, one, err_one = run_cli(*argv)
    assert code == 0
    code, many, err_many = run_cli(*argv, "--jobs", str(jobs))
    assert (code, many, err_many) == (0, one, err_one)
    assert f"{count + 1} records: {count} outcomes, 1 rejected" in err_one
    assert '"line":' in one.splitlines()[count - 1]  # the line that is not UTF-8, named


def test_tasks_keep_every_line_in_order_within_their_bounds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(batch_command, "LINES_PER_TASK", 3)
    monkeypatch.setattr(batch_command, "CHARS_PER_TASK", 10)
    lines = [(n, "x" * size, True) for n, size in enumerate([1, 2, 30, 4, 4, 4, 4, 0, 9, 1], 1)]
    tasks = list(batch_command._tasks(iter(lines)))
    assert [line for task in tasks for line in task] == lines  # none lost, none repeated
    assert all(task for task in tasks)
    for task in tasks:
        assert len(task) <= 3
        # a task goes past the character bound only when it is one line longer than it
        assert len(task) == 1 or sum(len(text) for _, text, _ in task) <= 10
    assert [len(task) for task in tasks] == [2, 1, 2, 3, 2]
    assert list(batch_command._tasks(iter([]))) == []


_START_METHODS = """
import threading
from wtguidance.caseload.run import pool_context
alone = pool_context().get_start_method()
stop = threading.Event()
other = threading.Thread(target=stop.wait)
other.start()
beside = pool_context().get_start_method()
stop.set()
other.join()
print(alone, beside, pool_context().get_start_method())
"""


@pytest.mark.skipif(sys.platform != "linux", reason="forking is chosen only on Linux")
def test_workers_fork_only_when_no_other_thread_runs() -> None:
    # in a process of its own: this test run may have threads of its own running
    done = subprocess.run(
        [sys.executable, "-c", _START_METHODS],
        capture_output=True,
        check=True,
        timeout=120,
        env=_THIS,
    )
    assert done.stdout.split() == [b"fork", b"forkserver", b"fork"]


@pytest.mark.parametrize("jobs", ["2", "3"])
def test_forked_workers_write_nothing_of_their_own_to_stdout(tmp_path: Path, jobs: str) -> None:
    """A whole process writing to a pipe: stdout holds each answer once, in order, however
    the workers were started (a forked worker must not flush a copy of the parent's buffer)."""
    source = tmp_path / "cases.jsonl"
    source.write_text("\n".join(_lines(70, seed=5)) + "\n", encoding="utf-8")
    argv = [sys.executable, "-m", "wtguidance", "batch", str(source), "--as-of", "2025-06-30"]
    one = subprocess.run(argv, capture_output=True, check=True, timeout=300, env=_THIS)
    many = subprocess.run(
        [*argv, "--jobs", jobs], capture_output=True, check=True, timeout=300, env=_THIS
    )
    assert many.stdout == one.stdout
    assert many.stderr == one.stderr
    assert one.stdout.count(b"\n") == 74


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_forked_census_workers_leave_the_parents_stdout_alone(fmt: str) -> None:
    """A whole census run to a pipe: the report once, as one process writes it."""
    census = str(EXAMPLES / "census" / "exampleshire-2025.xml")
    argv = [sys.executable, "-m", "wtguidance", "cin-census", census, "--as-of", "2025-03-31"]
    argv += ["--format", fmt]
    one = subprocess.run(argv, capture_output=True, check=True, timeout=300, env=_THIS)
    many = subprocess.run(
        [*argv, "--jobs", "2"], capture_output=True, check=True, timeout=300, env=_THIS
    )
    assert many.stdout == one.stdout
    assert many.stderr == one.stderr


_CALLER = """
import datetime as dt, sys
sys.path.insert(0, {tests!r})
from _helpers import random_cases
from wtguidance.case import Case
from wtguidance.caseload import Settings, evaluate_stream
print("written before the pool starts")  # held in stdout's buffer: stdout is a pipe
cases = [Case.model_validate(r) for r in random_cases(40, seed=1)]
done = list(evaluate_stream(cases, Settings(dt.date(2025, 6, 30)), jobs={jobs}))
print(len(done))
"""


@pytest.mark.parametrize("jobs", [2, 3])
def test_a_caller_s_buffered_output_is_written_once(jobs: int) -> None:
    """A program that printed to a pipe and then runs a pool: a forked worker must not
    write the program's still-buffered output a second time."""
    tests = str(Path(__file__).resolve().parents[1])
    script = _CALLER.format(tests=tests, jobs=jobs)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, check=True, timeout=300, env=_THIS
    )
    assert done.stdout == b"written before the pool starts\n40\n"
