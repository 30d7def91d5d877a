"""Benchmarks for DESIGN §13, measured side by side in one process. Measures; asserts nothing.

Run with ``make bench`` (``.venv/bin/python bench/run.py``). Options: ``--cases N`` (default
2000), ``--repeats R`` (default 5), ``--seed S`` (default 2024), ``--profile`` (print the top
cProfile entries of validate + evaluate).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import os
import platform
import pstats
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from wtguidance.case import Case

# one realistic-case generator, shared with the tests
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from _helpers import RandomChooser, realistic_case
from wtguidance.editions import shipped_editions
from wtguidance.evaluation import Evaluator

AS_OF = dt.date(2025, 12, 31)


def best_of(repeats: int, action: Callable[[], object]) -> float:
    """Best wall-clock time (seconds) of ``repeats`` runs."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def cold_start(argv: list[str], repeats: int = 5) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    print(
        f"machine: {platform.platform()}; {platform.processor() or platform.machine()}; "
        f"{os.cpu_count()} CPUs"
    )
    print(f"python:  {platform.python_implementation()} {platform.python_version()}")
    rng = random.Random(args.seed)
    pick = RandomChooser(rng)
    records = [realistic_case(pick, i) for i in range(args.cases)]
    events = sum(len(r["events"]) for r in records)
    print(
        f"input:   {args.cases} generated cases, {events} events, seed {args.seed}, "
        f"best of {args.repeats}"
    )
    evaluator = Evaluator.create(shipped_editions())
    evaluator.evaluate(Case.model_validate(records[0]), as_of=AS_OF)  # warm caches

    def validate_only() -> None:
        for record in records:
            Case.model_validate(record)

    def validate_and_evaluate() -> None:
        for record in records:
            evaluator.evaluate(Case.model_validate(record), as_of=AS_OF)

    t_validate = best_of(args.repeats, validate_only)
    t_both = best_of(args.repeats, validate_and_evaluate)
    print()
    print("1. validate + evaluate vs pydantic validation alone (goal <= 3x)")
    print(f"   validation alone:    {args.cases / t_validate:10.0f} cases/s")
    print(f"   validate + evaluate: {args.cases / t_both:10.0f} cases/s")
    print(f"   ratio:               {t_both / t_validate:10.1f}x")

    small = Case.model_validate(realistic_case(RandomChooser(random.Random(1)), 0, reviews=20))
    large = Case.model_validate(realistic_case(RandomChooser(random.Random(1)), 0, reviews=200))
    # judge each on its last day, so that no event is dropped as "after as_of"
    small_as_of = max(e.date for e in small.events)
    large_as_of = max(e.date for e in large.events)
    loops = 20

    def run_small() -> None:
        for _ in range(loops):
            evaluator.evaluate(small, as_of=small_as_of)

    def run_large() -> None:
        for _ in range(loops):
            evaluator.evaluate(large, as_of=large_as_of)

    t_small = best_of(args.repeats, run_small) / loops
    t_large = best_of(args.repeats, run_large) / loops
    print()
    print("2. a case with 200 review conferences vs one with 20 (goal <= 12x)")
    print(f"   20 reviews:  {len(small.events):4d} events, {t_small * 1000:8.2f} ms")
    print(f"   200 reviews: {len(large.events):4d} events, {t_large * 1000:8.2f} ms")
    print(f"   ratio:       {t_large / t_small:8.1f}x")

    cli = shutil.which("wtguidance", path=os.path.dirname(sys.executable)) or "wtguidance"
    help_probe = subprocess.run([cli, "validate-protocol", "--help"], capture_output=True)
    command = ["validate-protocol", "--help"] if help_probe.returncode == 0 else ["editions"]
    t_cli = cold_start([cli, *command])
    t_base = cold_start([sys.executable, "-c", "import pydantic, yaml"])
    print()
    print(
        f"3. cold start: wtguidance {' '.join(command)} vs python -c 'import pydantic, yaml' "
        "(goal <= 2x; best of 5)"
    )
    print(f"   wtguidance {' '.join(command)}: {t_cli * 1000:8.0f} ms")
    print(f"   import pydantic, yaml:   {t_base * 1000:8.0f} ms")
    print(f"   ratio:                   {t_cli / t_base:8.1f}x")

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        validate_and_evaluate()
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(20)
        print()
        print("profile of validate + evaluate (top 20 by own time)")
        print(out.getvalue())


if __name__ == "__main__":
    main()
