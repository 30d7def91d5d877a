"""Cold start: whole processes, each command paired with ``python -c "import pydantic,
yaml"`` (A B A B …), median wall time and the median of the paired ratios."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from measure import Paired, paired_processes

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "cases" / "s17-met.json"


def commands() -> list[tuple[str, list[str], str]]:
    """(label, argv, DESIGN §13 goal) for each command the bench starts cold."""
    cli = shutil.which("wtguidance", path=os.path.dirname(sys.executable)) or "wtguidance"
    return [
        ("wtguidance --help", [cli, "--help"], "<= 2x"),
        (
            "wtguidance evaluate FILE --format json",
            [cli, "evaluate", str(EXAMPLE), "--as-of", "2024-03-01", "--format", "json"],
            "<= 3x",
        ),
    ]


BASELINE = [sys.executable, "-c", "import pydantic, yaml"]


def compile_package() -> None:
    """Write the package's bytecode first, as installing a wheel does (a checkout run with
    PYTHONDONTWRITEBYTECODE would otherwise compile every module on every start)."""
    import compileall

    import wtguidance

    compileall.compile_dir(str(Path(wtguidance.__file__).parent), quiet=1)


def measure(pairs: int) -> list[tuple[str, Paired, str]]:
    compile_package()
    return [
        (label, paired_processes(argv, BASELINE, pairs=pairs), goal)
        for label, argv, goal in commands()
    ]
