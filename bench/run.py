"""Benchmarks for DESIGN §13, measured side by side in one process. Measures; asserts nothing.

Run with ``make bench`` (``.venv/bin/python bench/run.py``). Options: ``--cases N``
(default 500), ``--rounds R`` (default 5), ``--chunk C`` (default 50), ``--seed S``
(default 2024), ``--pairs P`` (cold-start pairs, default 10), ``--quick`` (fewer cases and
rounds, no 100,000-event case), ``--only SECTION`` (ratio, peers, scaling, cold, batch),
``--episodes E`` (census episodes for the batch section, default 20000), ``--batch-cases N``
(JSON Lines cases for the batch section, default 20000), ``--profile`` (the top cProfile
entries of validate + evaluate). Each figure is printed beside its goal (DESIGN §13 and
issue 23); the load average is printed with the machine.
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
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# one realistic-case generator, shared with the tests
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import batch
import cold
import peers
import scaling
from _helpers import RandomChooser, realistic_case
from measure import interleaved, ratio_per_round
from wtguidance.case import Case
from wtguidance.editions import shipped_editions
from wtguidance.evaluation import Evaluator, evaluate

AS_OF = dt.date(2025, 12, 31)
SECTIONS = ("ratio", "peers", "scaling", "cold", "batch")


def ratio_section(records: Sequence[dict[str, Any]], evaluator: Evaluator, args: Any) -> None:
    validate = Case.model_validate

    def validate_only(chunk: Sequence[dict[str, Any]]) -> None:
        for record in chunk:
            validate(record)

    def validate_and_evaluate(chunk: Sequence[dict[str, Any]]) -> None:
        for record in chunk:
            evaluator.evaluate(validate(record), as_of=AS_OF)

    def validate_and_evaluate_untraced(chunk: Sequence[dict[str, Any]]) -> None:
        for record in chunk:
            evaluator.evaluate(validate(record), as_of=AS_OF, trace=False)

    def validate_and_one_call(chunk: Sequence[dict[str, Any]]) -> None:
        for record in chunk:
            evaluate(validate(record), as_of=AS_OF)

    v, ve, vu, vo = interleaved(
        [
            ("validate", validate_only, records),
            ("validate+evaluate", validate_and_evaluate, records),
            ("validate+evaluate, trace=False", validate_and_evaluate_untraced, records),
            ("validate+evaluate(), one call", validate_and_one_call, records),
        ],
        chunk=args.chunk,
        rounds=args.rounds,
    )
    print("1. validate + evaluate vs pydantic validation alone (medians of per-round ratios)")
    print("   | workload | us/case | cases/s | ratio | goal |")
    print("   |---|---:|---:|---:|---|")
    rows = (
        ("validation alone", v, v, "reference"),
        ("validate + evaluate (reused Evaluator)", ve, v, "<= 5x (DESIGN: 3x)"),
        ("validate + evaluate, trace=False", vu, v, "reported"),
        ("validate + evaluate(...) one call", vo, v, "reported"),
        ("one call / reused Evaluator", vo, ve, "<= 1.2x"),
    )
    for label, timing, reference, goal in rows:
        print(
            f"   | {label} | {timing.median:.1f} | {1e6 / timing.median:.0f} | "
            f"{ratio_per_round(timing, reference):.2f}x | {goal} |"
        )


def peers_section(records: Sequence[dict[str, Any]], evaluator: Evaluator, args: Any) -> None:
    cases = [Case.model_validate(r) for r in records]
    found, missing = peers.peers(AS_OF)
    mini = Evaluator.create(peers.mini_editions())

    def each(function: Any) -> Any:
        def run(chunk: Sequence[Any]) -> None:
            for item in chunk:
                function(item)

        return run

    workloads = [
        ("validation alone (reference)", each(Case.model_validate), records),
        (
            "wtguidance, shipped editions (all duties)",
            each(lambda c: evaluator.evaluate(c, as_of=AS_OF)),
            cases,
        ),
        ("wtguidance, the 5 duties' rules", each(lambda c: mini.evaluate(c, as_of=AS_OF)), cases),
        *_durable_backend(cases, each),
        *((name, each(decide), cases) for name, decide in found),
    ]
    timings = interleaved(workloads, chunk=args.chunk, rounds=args.rounds)
    reference = timings[0]
    print("2. peers on the same cases (5 duties + a bank-holiday pre-pass for each peer)")
    print("   | engine | evaluate us/case | evaluate / validation |")
    print("   |---|---:|---:|")
    for timing in timings:
        print(
            f"   | {timing.name} | {timing.median:.1f} | "
            f"{ratio_per_round(timing, reference):.2f}x |"
        )
    ours = timings[1]
    fastest = min(
        (t for t in timings[2:] if not t.name.startswith(("wtguidance", "hand-written"))),
        key=lambda t: t.median,
        default=None,
    )
    if fastest is not None:
        print(
            f"   goal: ahead of every peer; wtguidance (all duties) / fastest peer "
            f"({fastest.name}): {ratio_per_round(ours, fastest):.2f}x"
        )
    for timing in timings[2:]:
        if timing.name.startswith(("business-rules", "rule-engine", "durable_rules")):
            gap = ratio_per_round(ours, timing)
            print(f"   wtguidance (all duties) / {timing.name}: {gap:.2f}x (goal < 1x)")
    for line in peers.agreement(cases[:200], AS_OF, found):
        print(f"   {line}")
    for name in missing:
        print(f"   not installed (pip install -e '.[bench]'): {name}")


def _durable_backend(cases: Sequence[Case], each: Any) -> list[Any]:
    """wtguidance's own durable_rules backend (DESIGN §12) on the same cases, if it installs
    (bench/engines.py compares the two engines in more detail)."""
    from wtguidance._engine.durable import durable_available

    if durable_available() is not None:  # None: it imports
        return []
    durable = Evaluator.create(shipped_editions(), engine="durable")
    name = "wtguidance, durable_rules backend (all duties)"
    return [(name, each(lambda c: durable.evaluate(c, as_of=AS_OF)), cases)]


def scaling_section(evaluator: Evaluator, args: Any) -> None:
    print(
        "3. scaling within one edition (goal: 200 reviews <= 12x of 20; 100,000 events in seconds)"
    )
    print(
        "   | case | events | validate ms | evaluate ms | per event us | vs 20 reviews | editions |"
    )
    print("   |---|---:|---:|---:|---:|---:|---|")
    rows = [
        scaling.measure(evaluator, reviews, times=times)
        for reviews, times in ((20, 25), (200, 7), (2_000, 3))
    ]
    if not args.quick:
        rows.append(scaling.hundred_thousand(evaluator))
    base = rows[0].evaluate_ms
    for row in rows:
        print(
            f"   | {row.label} | {row.events:,} | {row.validate_ms:.2f} | {row.evaluate_ms:.2f} | "
            f"{row.evaluate_ms / row.events * 1e3:.1f} | {row.evaluate_ms / base:.1f}x | "
            f"{', '.join(row.editions)} |"
        )


def cold_section(args: Any) -> None:
    print(f"4. cold start, whole processes ({args.pairs} pairs, medians; wall and CPU time)")
    print(
        "   | command | wall ms | baseline wall ms | wall ratio | CPU ms | baseline CPU ms | "
        "CPU ratio | goal |"
    )
    print("   |---|---:|---:|---:|---:|---:|---:|---|")
    for label, paired, goal in cold.measure(args.pairs):
        print(
            f"   | {label} | {paired.command_ms:.0f} | {paired.baseline_ms:.0f} | "
            f"{paired.ratio:.2f}x | {paired.command_cpu_ms:.0f} | {paired.baseline_cpu_ms:.0f} | "
            f"{paired.cpu_ratio:.2f}x | {goal} |"
        )
    print("   baseline: python -c 'import pydantic, yaml'")


def batch_section(args: Any) -> None:
    # ---- HOOK: batch throughput and memory (DESIGN §13) ---------------------------------
    count = 1000 if args.quick else args.batch_cases
    print(f"5. batch: whole-process CPU per case vs in-process validate + evaluate ({count} cases)")
    got = batch.measure(count, 3 if args.quick else args.rounds, args.seed, 1)
    print("   | measure | figure | goal |")
    print("   |---|---:|---|")
    print(f"   | wtguidance batch, CPU per case (start-up included) | {got['batch_us']:.1f} us | |")
    print(f"   | in-process validate + evaluate | {got['in_process_us']:.1f} us | |")
    print(f"   | batch / in-process | {got['ratio']:.2f}x | <= 1.4x |")
    if args.quick:
        print("   --jobs 2 vs 1 skipped with --quick (bench/batch.py --speedup, caseload.py)")
        return
    one, two, ratio, lines = batch.speedup(count, 3, args.seed)
    for line in lines:
        print(f"   {line}")
    label = f"batch --jobs 2 speed-up (wall, {one:.1f} s vs {two:.1f} s)"
    print(f"   | {label} | {ratio:.2f}x | >= 1.6x |")
    # `cin-census` measures itself in bench/caseload.py (whole processes, --jobs 1 and 2;
    # peak memory of 100k vs 1M episodes with `caseload.py memory`, which takes minutes).
    print("   cin-census throughput, --jobs 1 and 2 (bench/caseload.py):")
    script = Path(__file__).with_name("caseload.py")
    command = [sys.executable, str(script), "throughput", "--episodes", str(args.episodes)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    for line in (done.stdout + done.stderr).splitlines():
        print(f"   {line}")
    print("   memory (takes minutes): bench/caseload.py memory --episodes 100000 1000000")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--chunk", type=int, default=50)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--pairs", type=int, default=10)
    parser.add_argument("--episodes", type=int, default=20000)  # census size for section 5
    parser.add_argument("--batch-cases", type=int, default=20000)  # JSON Lines for section 5
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", choices=SECTIONS, action="append")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    if args.quick:
        args.cases, args.rounds, args.pairs = min(args.cases, 200), min(args.rounds, 3), 4
    wanted = args.only or SECTIONS

    print(
        f"machine: {platform.platform()}; {platform.processor() or platform.machine()}; "
        f"{os.cpu_count()} CPUs"
    )
    print(f"python:  {platform.python_implementation()} {platform.python_version()}")
    print(f"load:    {' '.join(f'{x:.1f}' for x in os.getloadavg())} (1, 5, 15 min averages)")
    pick = RandomChooser(random.Random(args.seed))
    records = [realistic_case(pick, i) for i in range(args.cases)]
    events = sum(len(r["events"]) for r in records)
    print(
        f"input:   {args.cases} generated cases, {events} events, seed {args.seed}; "
        f"{args.rounds} rounds, chunks of {args.chunk}, thread CPU time, medians"
    )
    evaluator = Evaluator.create(shipped_editions())
    for name, section in (
        ("ratio", lambda: ratio_section(records, evaluator, args)),
        ("peers", lambda: peers_section(records, evaluator, args)),
        ("scaling", lambda: scaling_section(evaluator, args)),
        ("cold", lambda: cold_section(args)),
        ("batch", lambda: batch_section(args)),
    ):
        if name in wanted:
            print()
            section()
            sys.stdout.flush()

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for record in records:
            evaluator.evaluate(Case.model_validate(record), as_of=AS_OF)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
        print()
        print("profile of validate + evaluate (top 25 by own time)")
        print(out.getvalue())


if __name__ == "__main__":
    main()
