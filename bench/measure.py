"""How the bench times things: chunks alternated between workloads, thread CPU time, medians.

The machines are shared and noisy: wall-clock "best of" readings moved by 2× between runs.
Interleaving the workloads in small chunks makes every workload see the same machine
conditions, thread CPU time leaves out time spent descheduled, and medians over several
rounds drop the odd slow or lucky round.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

#: one workload: a name and what it does to one chunk of its items
Workload = tuple[str, Callable[[Sequence[Any]], object], Sequence[Any]]


@dataclass(frozen=True)
class Timing:
    """Microseconds per item for each round (medians are what the bench prints)."""

    name: str
    per_item_us: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.per_item_us)


def interleaved(workloads: Sequence[Workload], *, chunk: int, rounds: int) -> list[Timing]:
    """Run every workload over its items, chunk by chunk in turn, ``rounds`` times.

    All workloads must have the same number of items (the same cases, in whatever form
    each one takes). Returns µs per item per round, in thread CPU time.
    """
    count = len(workloads[0][2])
    if any(len(items) != count for _, _, items in workloads):
        raise ValueError("every workload needs the same number of items")
    clock = time.thread_time
    for _name, action, items in workloads:  # warm caches and lazy imports
        action(items[:chunk])
    totals: dict[str, list[float]] = {name: [] for name, _, _ in workloads}
    for _ in range(rounds):
        spent = dict.fromkeys(totals, 0.0)
        for start in range(0, count, chunk):
            for name, action, items in workloads:
                part = items[start : start + chunk]
                begin = clock()
                action(part)
                spent[name] += clock() - begin
        for name, seconds in spent.items():
            totals[name].append(seconds / count * 1e6)
    return [Timing(name, tuple(values)) for name, values in totals.items()]


def ratio_per_round(numerator: Timing, denominator: Timing) -> float:
    """The median of the per-round ratios (each round's two figures share its conditions)."""
    return statistics.median(
        a / b for a, b in zip(numerator.per_item_us, denominator.per_item_us, strict=True)
    )


def repeat_cpu(action: Callable[[], object], *, times: int) -> float:
    """Median thread CPU seconds of ``times`` runs of ``action``."""
    clock = time.thread_time
    spent = []
    for _ in range(times):
        begin = clock()
        action()
        spent.append(clock() - begin)
    return statistics.median(spent)


@dataclass(frozen=True)
class Paired:
    """Whole-process wall and CPU (user + system) times of a command and its baseline,
    run in turn; CPU time is the steadier of the two on a loaded machine."""

    command_ms: float
    baseline_ms: float
    ratio: float
    command_cpu_ms: float = 0.0
    baseline_cpu_ms: float = 0.0
    cpu_ratio: float = 0.0


def paired_processes(command: list[str], baseline: list[str], *, pairs: int) -> Paired:
    """Run ``command`` and ``baseline`` in turn (A B A B …); medians and the paired ratios."""
    a_times: list[tuple[float, float]] = []
    b_times: list[tuple[float, float]] = []
    for index in range(pairs + 1):
        a = _run(command)
        b = _run(baseline)
        if index:  # the first pair warms the disk cache
            a_times.append(a)
            b_times.append(b)
    median = statistics.median
    return Paired(
        median(a[0] for a in a_times) * 1e3,
        median(b[0] for b in b_times) * 1e3,
        median(a[0] / b[0] for a, b in zip(a_times, b_times, strict=True)),
        median(a[1] for a in a_times) * 1e3,
        median(b[1] for b in b_times) * 1e3,
        median(a[1] / b[1] for a, b in zip(a_times, b_times, strict=True)),
    )


def _run(argv: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one whole process."""
    begin = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - begin
    if os.waitstatus_to_exitcode(status) != 0:
        raise subprocess.CalledProcessError(os.waitstatus_to_exitcode(status), argv)
    return wall, usage.ru_utime + usage.ru_stime


# The command runs under this wrapper, which writes its own process's CPU seconds (not its
# workers') to the file named by the environment when it exits; os.wait4 gives the whole
# (the process and the workers it forked and reaped).
_OWN_CPU = (
    "import atexit, os, resource, runpy, sys\n"
    "out = os.environ.pop('WTGUIDANCE_BENCH_OWN_CPU')\n"
    "def own():\n"
    "    usage = resource.getrusage(resource.RUSAGE_SELF)\n"
    "    with open(out, 'w') as f: f.write(str(usage.ru_utime + usage.ru_stime))\n"
    "atexit.register(own)\n"
    "sys.argv = ['wtguidance', *sys.argv[1:]]\n"
    "runpy.run_module('wtguidance', run_name='__main__')\n"
)


@dataclass(frozen=True)
class JobsRun:
    """One whole ``wtguidance`` process with ``--jobs``: wall seconds, CPU seconds of the
    process and its workers together, of the main process alone, and the load average."""

    wall: float
    cpu: float
    parent_cpu: float
    load: float

    @property
    def workers_cpu(self) -> float:
        return self.cpu - self.parent_cpu


def jobs_run(python: str, arguments: list[str]) -> JobsRun:
    """Run ``python -m wtguidance ARGUMENTS`` (through the wrapper above) once."""
    import tempfile

    with tempfile.NamedTemporaryFile("r", suffix=".cpu") as note:
        env = {**os.environ, "WTGUIDANCE_BENCH_OWN_CPU": note.name}
        begin = time.perf_counter()
        child = subprocess.Popen(
            [python, "-c", _OWN_CPU, *arguments],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        _pid, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - begin
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            raise subprocess.CalledProcessError(os.waitstatus_to_exitcode(status), arguments)
        parent = float(note.read() or "nan")
    return JobsRun(wall, usage.ru_utime + usage.ru_stime, parent, os.getloadavg()[0])


def speedup_bound(one: JobsRun, two: JobsRun, cores: int = 2) -> float:
    """The speed-up of ``two`` over ``one`` that its split of the work allows on ``cores``
    free cores: ``one``'s CPU over the larger of the main process's CPU (which no worker
    can take over) and all the CPU spread over the cores."""
    return one.cpu / max(two.parent_cpu, two.cpu / cores)


def describe(jobs: int, run: JobsRun) -> str:
    return (
        f"--jobs {jobs}: wall {run.wall:.2f} s, CPU {run.cpu:.2f} s (main process "
        f"{run.parent_cpu:.2f} s, workers {run.workers_cpu:.2f} s), load {run.load:.1f}"
    )
