"""Outputs never destroy inputs (issue 19 item 4; DESIGN §14; cli/_output.py).

``--out`` naming an input — by the same name, a relative path, a symbolic or hard link — is
refused with exit 2 and the input left byte for byte; reports are written to a new unique
file beside the target and renamed into place; a planted link is never followed; two runs
never mix; a full disk or a closed stdout is one line, exit 2.
"""

from __future__ import annotations

import errno
import io
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO

import pytest

from _helpers import EXAMPLES, ROOT, run_cli
from annex_a_helpers import HEADERS, D, csv_folder, lists, referral
from wtguidance.cli import _output
from wtguidance.cli.main import main
from wtguidance.errors import UsageError

CASE = EXAMPLES / "cases" / "s17-met.json"
BATCH = EXAMPLES / "batch" / "cases.jsonl"
PROTOCOL = EXAMPLES / "protocols" / "exampleshire-2023.yaml"
CENSUS = ROOT / "tests" / "data" / "cin" / "CIN_Census_2024.xml"
AS_OF = "2024-03-01"


def _one_line(code: int, err: str, *words: str) -> None:
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err
    for word in words:
        assert word in err, err


def _commands(tmp: Path) -> dict[str, tuple[Path, Callable[[str], list[str]]]]:
    """Every command that reads a file and writes a report: its input and its argv."""
    case = tmp / "case.json"
    shutil.copy(CASE, case)
    cases = tmp / "cases.jsonl"
    shutil.copy(BATCH, cases)
    census = tmp / "census.xml"
    shutil.copy(CENSUS, census)
    protocol = tmp / "protocol.yaml"
    shutil.copy(PROTOCOL, protocol)
    book = lists(tmp / "annex.xlsx", {3: [referral("C1", D(2021, 1, 4))]})
    folder = csv_folder(tmp / "annex", {"list_03.csv": [HEADERS[3], referral("C1", "04/01/2021")]})
    return {
        "evaluate": (case, lambda o: ["evaluate", str(case), "--as-of", AS_OF, "--out", o]),
        "evaluate-protocol": (
            protocol,
            lambda o: ["evaluate", str(case), "--protocol", str(protocol), "--out", o],
        ),
        "diff": (case, lambda o: ["diff", "2018", "2023", "--case", str(case), "--out", o]),
        "batch": (cases, lambda o: ["batch", str(cases), "--as-of", AS_OF, "--out", o]),
        "cin-census": (
            census,
            lambda o: ["cin-census", str(census), "--as-of", "2024-03-31", "--out", o],
        ),
        "annex-a": (book, lambda o: ["annex-a", str(book), "--as-of", "2021-03-31", "--out", o]),
        "annex-a-folder": (
            folder / "list_03.csv",
            lambda o: ["annex-a", str(folder), "--as-of", "2021-03-31", "--out", o],
        ),
    }


COMMANDS = (
    "evaluate",
    "evaluate-protocol",
    "diff",
    "batch",
    "cin-census",
    "annex-a",
    "annex-a-folder",
)


def _aliases(source: Path) -> dict[str, str]:
    """Other names of ``source``: relative, dotted, a symbolic link and a hard link."""
    link = source.with_name("link-" + source.name)
    link.symlink_to(source.name)
    hard = source.with_name("hard-" + source.name)
    os.link(source, hard)
    chain = source.with_name("chain-" + source.name)
    chain.symlink_to(link.name)
    return {
        "same": str(source),
        "relative": os.path.relpath(source),
        "dotted": str(source.parent / ".." / source.parent.name / source.name),
        "symlink": str(link),
        "hardlink": str(hard),
        "symlink-chain": str(chain),
    }


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(
    "alias", ["same", "relative", "dotted", "symlink", "hardlink", "symlink-chain"]
)
def test_out_that_is_an_input_is_refused(
    command: str, alias: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    source, argv = _commands(tmp_path)[command]
    before = source.read_bytes()
    out = _aliases(source)[alias]
    code, stdout, err = run_cli(*argv(out))
    _one_line(code, err, "error[cannot-write]", "would destroy it")
    assert stdout == ""
    assert source.read_bytes() == before
    assert not list(tmp_path.rglob("*.partial"))


def test_stdin_input_is_protected_too(tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    shutil.copy(CASE, case)
    with case.open(encoding="utf-8") as stdin:
        err = io.StringIO()
        code = main(
            ["evaluate", "-", "--as-of", AS_OF, "--out", str(case)],
            stdout=io.StringIO(),
            stderr=err,
            stdin=stdin,
        )
    _one_line(code, err.getvalue(), "<stdin>")
    assert case.read_bytes() == CASE.read_bytes()


@pytest.mark.parametrize("command", ["evaluate", "diff"])
@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "html"])
def test_evaluate_and_diff_out_is_what_stdout_shows(command: str, fmt: str, tmp_path: Path) -> None:
    argv = (
        ["evaluate", str(CASE), "--as-of", AS_OF]
        if command == "evaluate"
        else ["diff", "2018", "2023", "--case", str(CASE), "--as-of", AS_OF]
    )
    code, shown, err = run_cli(*argv, "--format", fmt)
    assert code == 0, err
    target = tmp_path / f"result.{fmt}"
    code, stdout, err = run_cli(*argv, "--format", fmt, "--out", str(target))
    assert (code, stdout, err) == (0, "", "")
    assert target.read_text(encoding="utf-8") == shown
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_existing_report_is_replaced_whole_and_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old report\n", encoding="utf-8")
    target.chmod(0o640)
    code, _, err = run_cli(
        "evaluate", str(CASE), "--as-of", AS_OF, "--format", "json", "--out", str(target)
    )
    assert code == 0, err
    assert target.read_text(encoding="utf-8").startswith("{")
    assert target.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize("planted", ["symlink", "regular", "dangling"])
def test_a_planted_partial_name_is_never_written_through(planted: str, tmp_path: Path) -> None:
    """The old fixed ``<out>.partial`` name, planted beforehand, is left alone."""
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    partial = tmp_path / "report.jsonl.partial"
    if planted == "symlink":
        partial.symlink_to(victim)
    elif planted == "dangling":
        partial.symlink_to(tmp_path / "nowhere")
    else:
        partial.write_text("someone else's\n", encoding="utf-8")
    target = tmp_path / "report.jsonl"
    code, _, err = run_cli("batch", str(BATCH), "--as-of", AS_OF, "--out", str(target))
    assert code == 0, err
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert not target.is_symlink()
    assert target.read_text(encoding="utf-8").startswith("{")
    assert partial.is_symlink() or partial.read_text(encoding="utf-8") == "someone else's\n"
    assert not (tmp_path / "nowhere").exists()


def test_out_that_is_a_link_to_another_file_replaces_the_link_not_its_target(
    tmp_path: Path,
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    target = tmp_path / "report.json"
    target.symlink_to(victim)
    code, _, err = run_cli("evaluate", str(CASE), "--as-of", AS_OF, "--out", str(target))
    assert code == 0, err
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert not target.is_symlink()


def test_a_failure_mid_report_leaves_the_target_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "report.csv"
    target.write_text("the last good report\n", encoding="utf-8")
    streams = io.StringIO(), io.StringIO()

    class _Ctx:
        stdout, stdin = streams

    def fail_half_way() -> None:
        with _output.open_out(str(target), _Ctx()) as out:  # type: ignore[arg-type]
            out.write("half a rep")
            raise RuntimeError("the run failed")

    with pytest.raises(RuntimeError):
        fail_half_way()
    assert target.read_text(encoding="utf-8") == "the last good report\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.csv"]


class _FullDisk(io.StringIO):
    def __init__(self, after: int, error: int = errno.ENOSPC) -> None:
        super().__init__()
        self.after, self.error = after, error

    def write(self, text: str) -> int:
        if self.tell() + len(text) > self.after:
            raise OSError(self.error, os.strerror(self.error))
        return super().write(text)


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("after", [0, 100])
def test_full_disk_on_out_is_one_line_and_leaves_nothing(
    command: str, after: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_output, "_text", lambda fd: (os.close(fd), _FullDisk(after))[1])
    _source, argv = _commands(tmp_path)[command]
    target = tmp_path / "report.out"
    target.write_text("previous\n", encoding="utf-8")
    code, _, err = run_cli(*argv(str(target)))
    _one_line(code, err, "error[cannot-write]", "No space left on device", "report.out")
    assert target.read_text(encoding="utf-8") == "previous\n"
    assert not list(tmp_path.rglob("*.partial"))


@pytest.mark.parametrize("error", [errno.ENOSPC, errno.EPIPE, errno.EIO, errno.EDQUOT])
@pytest.mark.parametrize(
    "argv",
    [
        ["evaluate", str(CASE), "--as-of", AS_OF],
        ["diff", "2018", "2023"],
        ["batch", str(BATCH), "--as-of", AS_OF],
        ["cin-census", str(CENSUS), "--as-of", "2024-03-31", "--format", "csv"],
        ["validate-protocol", str(PROTOCOL), "--format", "sarif"],
        ["editions"],
        ["schema", "case"],
        ["explain", "icpc.hold"],
    ],
    ids=lambda a: a[0] if isinstance(a, list) else None,
)
def test_failed_stdout_is_one_line(error: int, argv: list[str]) -> None:
    err = io.StringIO()
    code = main(argv, stdout=_FullDisk(10, error), stderr=err, stdin=io.StringIO())
    _one_line(code, err.getvalue(), "<stdout>", "error[cannot-write]", os.strerror(error))


def _subprocess(*argv: str, **kw: object) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.Popen(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "wtguidance", *argv], env=env, cwd=ROOT, **kw
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
@pytest.mark.parametrize(
    "argv",
    [
        ["evaluate", str(CASE), "--as-of", AS_OF],
        ["batch", str(BATCH), "--as-of", AS_OF],
        ["batch", str(BATCH), "--as-of", AS_OF, "--out", "/dev/full"],
        ["diff", "2010", "2023", "--out", "/dev/full"],
    ],
)
def test_dev_full_is_one_line(argv: list[str]) -> None:
    with open("/dev/full", "wb") as full:
        done = _subprocess(*argv, stdout=full, stderr=subprocess.PIPE)
        _, err = done.communicate(timeout=120)
    _one_line(done.returncode, err.decode(), "No space left on device")


def test_a_closed_pipe_is_one_line(tmp_path: Path) -> None:
    many = tmp_path / "many.jsonl"
    line = CASE.read_text(encoding="utf-8").replace("\n", " ")
    many.write_text((line + "\n") * 400, encoding="utf-8")
    done = _subprocess(
        "batch", str(many), "--as-of", AS_OF, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert done.stdout is not None
    assert done.stderr is not None
    done.stdout.read(100)
    done.stdout.close()
    err = done.stderr.read().decode()
    done.wait(timeout=120)
    _one_line(done.returncode, err, "<stdout>", "Broken pipe")


def test_concurrent_runs_never_mix(tmp_path: Path) -> None:
    many = tmp_path / "many.jsonl"
    line = CASE.read_text(encoding="utf-8").replace("\n", " ")
    many.write_text((line + "\n") * 150, encoding="utf-8")
    target = tmp_path / "same.jsonl"
    runs = [
        _subprocess(
            "batch", str(many), "--as-of", day, "--out", str(target), stderr=subprocess.PIPE
        )
        for day in ("2024-03-01", "2025-03-01")
    ]
    for run in runs:
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
    rows = target.read_text(encoding="utf-8").splitlines()
    assert len(rows) == 150
    days = {row.split('"as_of": ')[1][:12] for row in rows}
    assert len(days) == 1, days
    assert not list(tmp_path.glob("*.partial"))


def test_threads_writing_one_target_each_land_whole(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    streams = io.StringIO(), io.StringIO()

    class _Ctx:
        stdout, stdin = streams

    def write(mark: str) -> None:
        with _output.open_out(str(target), _Ctx()) as out:  # type: ignore[arg-type]
            for _ in range(2000):
                out.write(mark * 50 + "\n")

    threads = [threading.Thread(target=write, args=(m,)) for m in "abcdefgh"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    text = target.read_text(encoding="utf-8")
    assert len(set(text.replace("\n", ""))) == 1
    assert len(text.splitlines()) == 2000
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]


@pytest.mark.parametrize(
    ("out", "words"),
    [
        ("", ("empty",)),
        ("/nonexistent/folder/r.json", ("does not exist",)),
        ("/proc/version", ("/proc/version",)),
    ],
)
def test_unwritable_out_is_one_line(out: str, words: tuple[str, ...]) -> None:
    code, _, err = run_cli("evaluate", str(CASE), "--as-of", AS_OF, "--out", out)
    _one_line(code, err, "error[cannot-write]", *words)


def test_out_to_a_directory_is_one_line(tmp_path: Path) -> None:
    code, _, err = run_cli("diff", "2018", "2023", "--out", str(tmp_path))
    _one_line(code, err, "error[cannot-write]", "is a directory")


def test_guarded_stream_names_its_output() -> None:
    stream: IO[str] = _output.guarded(_FullDisk(0), "somewhere.txt")
    with pytest.raises(UsageError) as caught:
        stream.write("x")
    assert caught.value.code == "cannot-write"
    assert "somewhere.txt" in str(caught.value)
