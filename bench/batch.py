"""``wtguidance batch`` CPU per case against in-process validate + evaluate (DESIGN §13).

Measures; asserts nothing. The same generated cases (seeded, as ``bench/run.py`` makes
them) are written as JSON Lines to a temporary file; each round runs

- ``wtguidance batch FILE --as-of D --out /dev/null`` in a fresh process: its CPU time
  (user + system, from ``os.wait4``), so reading, parsing, encoding and start-up are
  included; and
- in this process, ``Case.model_validate`` + a reused ``Evaluator.evaluate`` of the same
  records (thread CPU time),

in turn, and prints the medians and the median of the per-round ratios (goal ≤ 1.4×).
``--speedup`` also runs ``--jobs 1`` and ``--jobs 2`` in turn (wall time; goal ≥ 1.6× on
two cores, which only an otherwise idle machine can show) and prints, per run, the CPU of
the main process and of its workers and the speed-up that split allows on two free cores.

    .venv/bin/python bench/batch.py --cases 20000 --rounds 5 [--speedup]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from _helpers import RandomChooser, realistic_case
from measure import describe, jobs_run, speedup_bound
from wtguidance.case import Case
from wtguidance.evaluation import Evaluator

AS_OF = dt.date(2025, 12, 31)


def records(count: int, seed: int) -> list[dict[str, Any]]:
    pick = RandomChooser(random.Random(seed))
    return [realistic_case(pick, i) for i in range(count)]


def cli() -> list[str]:
    found = shutil.which("wtguidance", path=os.path.dirname(sys.executable))
    return [found] if found else [sys.executable, "-m", "wtguidance"]


def process_cpu(argv: list[str]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one whole process."""
    begin = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - begin
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv)} failed")
    return usage.ru_utime + usage.ru_stime, wall


def in_process(data: Sequence[dict[str, Any]], evaluator: Evaluator) -> float:
    validate = Case.model_validate
    begin = time.thread_time()
    for record in data:
        evaluator.evaluate(validate(record), as_of=AS_OF)
    return time.thread_time() - begin


def measure(count: int, rounds: int, seed: int, jobs: int) -> dict[str, float]:
    data = records(count, seed)
    evaluator = Evaluator.create()
    in_process(data[:50], evaluator)  # warm
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cases.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in data), encoding="utf-8")
        argv = [*cli(), "batch", str(path), "--as-of", AS_OF.isoformat(), "--out", os.devnull]
        if jobs != 1:
            argv += ["--jobs", str(jobs)]
        process_cpu(argv)  # warm: bytecode, pack cache, disk cache
        batch_us, inproc_us, walls, ratios = [], [], [], []
        for _ in range(rounds):
            cpu, wall = process_cpu(argv)
            inside = in_process(data, evaluator)
            batch_us.append(cpu / count * 1e6)
            inproc_us.append(inside / count * 1e6)
            walls.append(wall)
            ratios.append(cpu / inside)
    return {
        "batch_us": statistics.median(batch_us),
        "in_process_us": statistics.median(inproc_us),
        "ratio": statistics.median(ratios),
        "wall_s": statistics.median(walls),
    }


def speedup(count: int, rounds: int, seed: int) -> tuple[float, float, float, list[str]]:
    """Median wall seconds of ``--jobs 1`` and ``--jobs 2``, the median paired ratio, and a
    line per run: wall, CPU of the whole and of the main process, the load average, and the
    speed-up the split of the work allows on two free cores (measure.speedup_bound)."""
    data = records(count, seed)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cases.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in data), encoding="utf-8")
        argv = ["batch", str(path), "--as-of", AS_OF.isoformat(), "--out", os.devnull]
        one, two, lines = [], [], []
        for index in range(rounds + 1):
            a = jobs_run(sys.executable, [*argv, "--jobs", "1"])
            b = jobs_run(sys.executable, [*argv, "--jobs", "2"])
            if index:  # the first pair warms caches
                one.append(a)
                two.append(b)
                lines += [describe(1, a), describe(2, b)]
                lines.append(f"  split allows {speedup_bound(a, b):.2f}x on two free cores")
    ratio = statistics.median(a.wall / b.wall for a, b in zip(one, two, strict=True))
    walls = statistics.median(a.wall for a in one), statistics.median(b.wall for b in two)
    return walls[0], walls[1], ratio, lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--speedup", action="store_true")
    args = parser.parse_args(argv)
    got = measure(args.cases, args.rounds, args.seed, args.jobs)
    print(
        f"batch ({args.cases} cases, --jobs {args.jobs}): {got['batch_us']:.1f} us CPU/case "
        f"(wall {got['wall_s']:.2f} s); in-process validate + evaluate "
        f"{got['in_process_us']:.1f} us/case; ratio {got['ratio']:.2f}x (goal <= 1.4x)"
    )
    if args.speedup:
        one, two, ratio, lines = speedup(args.cases, args.rounds, args.seed)
        print("\n".join(lines))
        print(
            f"batch --jobs 1: {one:.2f} s, --jobs 2: {two:.2f} s (wall); "
            f"--jobs 2 speed-up {ratio:.2f}x (goal >= 1.6x)"
        )


if __name__ == "__main__":
    main()
