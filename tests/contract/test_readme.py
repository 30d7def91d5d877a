"""The README's "Using it" examples run as written, from the root of a checkout.

Every ``$ `` line of a ``console`` block is run through the command line's entry point
in-process (``python -m wtguidance --help`` is run as a real process by test_cli), with the
checkout as the working directory; a ``> FILE`` redirect goes to a temporary folder, and
every file the command names must be in the repository. Every ``python`` block runs as a
script. Adding an example that does not run makes this test fail.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from _helpers import ROOT, run_cli

README = (ROOT / "README.md").read_text(encoding="utf-8")
PROGRAM = ".venv/bin/wtguidance"


def _section(title: str) -> str:
    start = README.index(f"## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end > 0 else None]


def _blocks(language: str, section: str = "Using it") -> list[str]:
    pattern = rf"^```{language}\n(.*?)^```"
    return re.findall(pattern, _section(section), flags=re.DOTALL | re.MULTILINE)


COMMANDS = [
    line.removeprefix("$ ")
    for block in _blocks("console")
    for line in block.splitlines()
    if line.startswith("$ ")
]
SCRIPTS = _blocks("python")
CASELOAD_COMMANDS = [
    line.removeprefix("$ ")
    for block in _blocks("console", "Caseloads: CIN census returns, Ofsted Annex A, batches")
    for line in block.splitlines()
    if line.startswith("$ ")
]


def test_the_section_has_examples_and_no_other_shell_blocks() -> None:
    assert len(COMMANDS) >= 10
    assert SCRIPTS
    assert not _blocks("sh"), "write shell examples as ```console blocks with '$ ' prompts"


def _is_path(word: str) -> bool:
    return "/" in word or word.endswith((".json", ".yaml", ".yml"))


@pytest.mark.parametrize("command", COMMANDS)
def test_command_runs_as_written(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    words = shlex.split(command, comments=True)
    assert words[0] == PROGRAM, command
    args = words[1:]
    target = None
    if ">" in args:
        at = args.index(">")
        args, target = args[:at], tmp_path / args[at + 1]
    for word in args:
        if _is_path(word) and not word.startswith("-"):
            assert (ROOT / word).exists(), f"{word} is not in the repository"
    code, out, err = run_cli(*args)
    assert code == 0, err
    assert out.strip()
    if target is not None:
        target.write_text(out, encoding="utf-8")
        assert target.stat().st_size > 0


@pytest.mark.parametrize("script", SCRIPTS)
def test_python_example_runs_as_written(script: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "assessment.complete" in done.stdout


@pytest.mark.parametrize("command", CASELOAD_COMMANDS)
def test_caseload_command_runs_as_written(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The caseload examples run; what they write (``--out``) is ignored by git."""
    monkeypatch.chdir(ROOT)
    words = shlex.split(command, comments=True)
    assert words[0] == PROGRAM, command
    args = words[1:]
    for word in args:
        if _is_path(word) and not word.startswith("-") and "." in Path(word).name:
            assert (ROOT / word).exists() or word == args[args.index("--out") + 1], word
    out_file = None
    if "--out" in args:
        at = args.index("--out") + 1
        ignored = subprocess.run(
            ["git", "check-ignore", "-q", args[at]], cwd=ROOT, check=False
        ).returncode
        assert ignored == 0, f"{args[at]} is not ignored by git"
        out_file = tmp_path / Path(args[at]).name
        args[at] = str(out_file)
    code, out, err = run_cli(*args)
    assert code == 0, err
    assert (out_file is not None and out_file.stat().st_size > 0) or out.strip()
