"""The native and durable_rules engines side by side (DESIGN §12, docs/engines.md).

Measures; asserts nothing. Run with ``make bench`` or ``.venv/bin/python bench/engines.py``.

- **speed**: the same generated cases through both engines in one process, alternated in
  chunks (the order swapped each round), thread CPU time, medians of the per-case cost,
  plus what building an evaluator costs (durable_rules compiles six rulesets);
- **memory** (``--memory N``): N cases through one durable evaluator (and one native), the
  process's resident memory sampled every N/10 cases, so growth over a batch shows; then
  evaluators built and dropped in a loop (each creates and deletes six rulesets);
  ``--tracemalloc`` adds the Python heap (slower).

Options: ``--cases N`` (default 1000), ``--chunk C`` (default 50), ``--seed S``,
``--memory N`` (e.g. 100000), ``--tracemalloc``, ``--churn N`` (evaluators built and
dropped, default 400).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import platform
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from _helpers import RandomChooser, realistic_case
from wtguidance._engine.durable import durable_available
from wtguidance.case import Case
from wtguidance.evaluation import Evaluator

AS_OF = dt.date(2025, 12, 31)
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def rss_mib() -> float:
    """Resident memory now (Linux /proc), else the peak so far."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * PAGE / 2**20
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cases(count: int, seed: int) -> list[Case]:
    pick = RandomChooser(random.Random(seed))
    return [Case.model_validate(realistic_case(pick, i)) for i in range(count)]


def per_case_us(evaluator: Evaluator, chunk: list[Case]) -> float:
    start = time.thread_time()
    for case in chunk:
        evaluator.evaluate(case, as_of=AS_OF)
    return (time.thread_time() - start) / len(chunk) * 1e6


def median_seconds(action: Callable[[], object], repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        start = time.thread_time()
        action()
        times.append(time.thread_time() - start)
    return statistics.median(times)


def speed(args: argparse.Namespace) -> None:
    batch = cases(args.cases, args.seed)
    events = sum(len(c.events) for c in batch)
    print(
        f"input:   {len(batch)} generated cases, {events} events, seed {args.seed}, as of {AS_OF}"
    )
    native, durable = Evaluator.create(), Evaluator.create(engine="durable")
    for case in batch[:20]:  # warm both, and check they agree on what is measured
        assert native.evaluate(case, as_of=AS_OF) == durable.evaluate(case, as_of=AS_OF)
    timings: dict[str, list[float]] = {"native": [], "durable": []}
    engines = {"native": native, "durable": durable}
    chunks = [batch[i : i + args.chunk] for i in range(0, len(batch), args.chunk)]
    for round_, chunk in enumerate(chunks):
        order = ("native", "durable") if round_ % 2 == 0 else ("durable", "native")
        for name in order:
            timings[name].append(per_case_us(engines[name], chunk))
    n, d = statistics.median(timings["native"]), statistics.median(timings["durable"])
    print(f"\nper case (median of {len(chunks)} chunks of {args.chunk}, thread CPU time):")
    print(f"  native   {n:9.0f} µs")
    print(f"  durable  {d:9.0f} µs   ({d / n:.1f}× native)")
    build_native = median_seconds(Evaluator.create)
    build_durable = median_seconds(lambda: Evaluator.create(engine="durable"))
    one_call = median_seconds(lambda: Evaluator.create(engine="durable").evaluate(batch[0]))
    print("\nbuilding an evaluator (median of 5; shipped editions already loaded):")
    print(f"  native   {build_native * 1e3:9.2f} ms")
    print(f"  durable  {build_durable * 1e3:9.2f} ms   (compiles and later deletes 6 rulesets)")
    print(f"  evaluate(case, engine='durable') once: {one_call * 1e3:.1f} ms")


def memory(args: argparse.Namespace) -> None:
    pool = cases(min(args.memory, 2000), args.seed)  # cycled, so the input stays the same size
    print(f"\nmemory: {args.memory} evaluations per engine, cycling {len(pool)} cases")
    if args.tracemalloc:
        tracemalloc.start()
    for name in ("native", "durable"):
        evaluator = Evaluator.create(engine=name)
        step = max(1, args.memory // 10)
        samples: list[str] = []
        start = time.perf_counter()
        for done in range(args.memory):
            evaluator.evaluate(pool[done % len(pool)], as_of=AS_OF)
            if (done + 1) % step == 0:
                gc.collect()
                sample = f"{done + 1:>7}: {rss_mib():6.1f} MiB"
                if args.tracemalloc:
                    sample += f", heap {tracemalloc.get_traced_memory()[0] / 2**20:5.1f} MiB"
                samples.append(sample)
        took = time.perf_counter() - start
        print(f"  {name} (resident memory after each tenth; {took:.0f} s wall):")
        for sample in samples:
            print(f"    {sample}")
        del evaluator
    gc.collect()
    sizes = [f"{rss_mib():.1f}"]
    for _ in range(4):
        for _ in range(args.churn // 4):
            Evaluator.create(engine="durable").evaluate(pool[0], as_of=AS_OF)
        gc.collect()
        sizes.append(f"{rss_mib():.1f}")
    churned = " → ".join(sizes)
    print(f"  {args.churn} durable evaluators built, used, dropped (each quarter): {churned} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--chunk", type=int, default=50)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--memory", type=int, default=0)
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--churn", type=int, default=400)
    args = parser.parse_args()
    print(
        f"machine: {platform.platform()}; {platform.processor() or platform.machine()}; "
        f"{os.cpu_count()} CPUs; load {os.getloadavg()[0]:.1f}"
    )
    print(f"python:  {platform.python_implementation()} {platform.python_version()}")
    reason = durable_available()
    if reason is not None:
        print(f"durable engine not measured: {reason}")
        return
    speed(args)
    if args.memory:
        memory(args)


if __name__ == "__main__":
    main()
