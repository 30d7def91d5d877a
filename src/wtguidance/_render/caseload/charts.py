"""The report's charts, drawn with matplotlib as inline SVG (no script, no network).

matplotlib is imported only here, when an HTML report is asked for (the optional extra
``report``). Figures are built on :class:`matplotlib.figure.Figure` directly (no pyplot
state); text stays text in the SVG, and the output is byte-stable (fixed ids, no date).
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from typing import TYPE_CHECKING

from wtguidance._render.style import CHART_HISTOGRAM, CHART_LIMIT, CHART_STATUS_COLOURS
from wtguidance.caseload.summary import _MAX_TAKEN, CaseloadSummary, histogram_limit

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["COLOURS", "HISTOGRAM", "LABELS", "LIMIT", "Chart", "charts"]

Chart = tuple[str, str, str]
"""(title, inline SVG, a sentence describing it for screen readers)."""

COLOURS = CHART_STATUS_COLOURS
LABELS = {
    "met": "met",
    "met_late": "met late",
    "overdue": "overdue",
    "pending": "pending",
    "ended": "ended (clock stopped)",
    "not_evidenced": "not evidenced by the source",
    "unscheduled": "no timescale",
}
_MONTHS_SHOWN = 24
HISTOGRAM = CHART_HISTOGRAM
LIMIT = CHART_LIMIT


def _months_band(months: int, as_of: dt.date) -> tuple[int, int] | None:
    """The fewest and most working days ``months`` months held, starting in the year to
    ``as_of`` (England and Wales bank holidays); None where the calendar cannot say."""
    from wtguidance.calendar import WorkingCalendar, add_months
    from wtguidance.errors import WtGuidanceError

    try:
        calendar = WorkingCalendar(first_year=as_of.year - 1, last_year=as_of.year + 2)
        spans = [
            calendar.working_days_between(start, add_months(start, months))
            for start in (as_of - dt.timedelta(days=k) for k in range(365))
        ]
    except (WtGuidanceError, ValueError, OverflowError):
        return None
    return min(spans), max(spans)


def _svg(figure: Figure) -> str:
    import matplotlib as mpl
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    buffer = io.StringIO()
    with mpl.rc_context({"svg.fonttype": "none", "svg.hashsalt": "wtguidance"}):
        FigureCanvasSVG(figure).print_svg(  # type: ignore[no-untyped-call]
            buffer, metadata={"Date": None}
        )
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=96, layout="constrained")


def _style(axes: Axes, *, integer_x: bool = False) -> None:
    from matplotlib.ticker import MaxNLocator

    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.tick_params(labelsize=9)
    if integer_x:
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    else:
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))


def _by_obligation(summary: CaseloadSummary) -> Chart | None:
    totals: dict[str, Counter[str]] = {}
    for (obligation, _edition, status), n in summary.obligations.items():
        totals.setdefault(obligation, Counter())[status] += n
    if not totals:
        return None
    names = sorted(totals, key=lambda o: (-sum(totals[o].values()), o))[:15][::-1]
    figure = _figure(9, 0.42 * len(names) + 1.4)
    axes = figure.add_subplot()
    left = [0] * len(names)
    for status in COLOURS:
        values = [totals[o].get(status, 0) for o in names]
        if any(values):
            axes.barh(
                names,
                values,
                left=left,
                color=COLOURS[status],
                label=LABELS[status],
                edgecolor="white",
                linewidth=0.5,
            )
            left = [a + b for a, b in zip(left, values, strict=True)]
    axes.set_xlabel("obligation instances", fontsize=9)
    axes.legend(fontsize=8, frameon=False, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=4)
    _style(axes, integer_x=True)  # counts along x; y keeps one tick per obligation
    return (
        "Timeliness by obligation",
        _svg(figure),
        "Stacked bars: for each obligation, how many instances were met, met late, are "
        "overdue, pending, ended or not evidenced.",
    )


def _month_range(first: str, last: str) -> list[str]:
    """Every ``YYYY-MM`` from ``first`` to ``last``, so an empty month keeps its place."""
    year, month = int(first[:4]), int(first[5:7])
    out: list[str] = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _by_month(summary: CaseloadSummary) -> Chart | None:
    months = sorted(m for m, counts in summary.by_month.items() if sum(counts.values()))
    if not months:
        return None
    cut = f"{summary.as_of:%Y-%m}"
    every = _month_range(months[0], months[-1])
    shown = [m for m in every if m <= cut][-_MONTHS_SHOWN:]
    shown += [m for m in every if m > cut][:3]
    if not shown:
        return None
    figure = _figure(9, 3.2)
    axes = figure.add_subplot()
    bottom = [0] * len(shown)
    for status in ("met", "met_late", "overdue", "pending"):
        values = [summary.by_month.get(m, Counter()).get(status, 0) for m in shown]
        if any(values):
            axes.bar(
                shown,
                values,
                bottom=bottom,
                color=COLOURS[status],
                label=LABELS[status],
                edgecolor="white",
                linewidth=0.5,
            )
            bottom = [a + b for a, b in zip(bottom, values, strict=True)]
    axes.set_ylabel("instances due", fontsize=9)
    axes.tick_params(axis="x", labelrotation=60)
    axes.legend(fontsize=8, frameon=False, ncols=4, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    _style(axes)
    return (
        "Timeliness by month due",
        _svg(figure),
        f"Stacked bars per month of the due date (up to {_MONTHS_SHOWN} months to the reference "
        "date and up to three after; a month with nothing due keeps its place, empty): met, "
        "met late, overdue and pending.",
    )


def _taken(summary: CaseloadSummary) -> Chart | None:
    names = sorted(o for o, c in summary.taken.items() if sum(c.values()))
    if not names:
        return None
    from matplotlib.ticker import MaxNLocator

    columns = min(3, len(names))
    rows = -(-len(names) // columns)
    figure = _figure(9, 2.4 * rows + 0.3)
    grid = figure.subplots(rows, columns, squeeze=False)
    for index, obligation in enumerate(names):
        axes = grid[index // columns][index % columns]
        counts = summary.taken[obligation]
        days = sorted(counts)
        axes.bar(days, [counts[d] for d in days], width=0.9, color=HISTOGRAM)
        view = summary.limits.get(obligation)  # typed: never parsed back from words
        limit = histogram_limit(view)
        right = max(days) + 1
        if view is not None and view.working_days is not None:
            allowed = view.working_days
            axes.axvline(allowed + 0.5, color=LIMIT, linestyle="--", linewidth=1.2)
            right = max(right, allowed + 2)
        elif view is not None and view.months is not None:
            band = _months_band(view.months, summary.as_of)
            if band is not None:
                low, high = band
                axes.axvspan(low + 0.5, high + 0.5, color=LIMIT, alpha=0.15, linewidth=0)
                for edge in band:
                    axes.axvline(edge + 0.5, color=LIMIT, linestyle=":", linewidth=1)
                right = max(right, high + 2)
        if days[-1] >= _MAX_TAKEN:  # the summary counts everything from there in one bar
            axes.annotate(
                f"{_MAX_TAKEN}+",
                (days[-1], counts[days[-1]]),
                textcoords="offset points",
                xytext=(0, 2),
                ha="center",
                fontsize=7,
            )
        axes.set_xlim(-0.5, right + 0.5)
        axes.set_title(f"{obligation} ({limit or 'no limit'})", fontsize=9)
        axes.set_xlabel("working days from clock to done", fontsize=8)
        _style(axes, integer_x=True)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    for index in range(len(names), rows * columns):
        grid[index // columns][index % columns].set_visible(False)
    return (
        "Working days taken",
        _svg(figure),
        "Histograms of the working days from each clock start to the event that met it. A "
        "dashed red line marks a limit in working days (bars to its right were late); a red "
        "band marks a limit in months, spanning the fewest to the most working days that many "
        f"months held in the year to the reference date. A bar marked {_MAX_TAKEN}+ counts every "
        f"duty that took {_MAX_TAKEN} working days or more.",
    )


def charts(summary: CaseloadSummary) -> list[Chart]:
    """Every chart that has data to show."""
    return [c for c in (_by_obligation(summary), _by_month(summary), _taken(summary)) if c]
