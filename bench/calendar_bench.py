"""Benchmark the working-day calendar against workalendar's China and a day loop.

Times, per call, medians of repeated runs in one process:

* ``add_working_days(d, 20)`` and a 5-year ``get_working_days_delta`` on ``ChinaCalendar``,
  on workalendar's China (2018-2023 dates, the years it has data for) and on a loop over days
  asking chinese-calendar's ``is_workday``;
* ``add_working_days(d, 2000)`` on ``ChinaCalendar`` and on the day loop (2005-2017 dates, so
  that 2000 working days stay inside the official data);
* the lazy table build (first call on a fresh calendar).

Then checks the acceptance figures (exit status 1 if one fails): ``add_working_days(d, 20)`` at
least 100 times faster than workalendar's China, ``n = 2000`` at most twice the time of
``n = 20``, and no disagreement with the official data 2004-2026 besides the settled days.

Usage::

    python bench/calendar_bench.py [--repeat 7] [--write]

``--write`` records the results as the ``## Calendar`` section of ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import version

import chinese_calendar
import holidays
from report import RESULTS, finish  # noqa: E402  (a sibling module)
from workalendar.asia import China

from calendars import ChinaCalendar
from calendars.official import SETTLED, official_schedules

SECTION = "## Calendar"
SEED = 20261127
FAST = 25
"""Rounds over the dates for ChinaCalendar's calls in one timed run (5,000 calls)."""


def loop_add(day: dt.date, n: int) -> dt.date:
    """The n-th working day after `day`, one day at a time over chinese-calendar."""
    left = n
    while left:
        day += dt.timedelta(days=1)
        left -= chinese_calendar.is_workday(day)
    return day


def loop_delta(start: dt.date, end: dt.date) -> int:
    return sum(
        chinese_calendar.is_workday(start + dt.timedelta(days=i))
        for i in range(1, (end - start).days + 1)
    )


@dataclass(frozen=True)
class Case:
    """One timed call: `fn` on every day of `days`, `rounds` times over in one run."""

    fn: Callable[[dt.date], object]
    days: Sequence[dt.date]
    rounds: int = 1

    def run_once(self) -> float:
        """Microseconds a call in one run."""
        started = time.perf_counter()
        for _ in range(self.rounds):
            for day in self.days:
                self.fn(day)
        return (time.perf_counter() - started) / (len(self.days) * self.rounds) * 1e6


def measure(cases: dict[str, Case], repeat: int) -> dict[str, list[float]]:
    """`repeat` runs of every case, interleaved, so that all cases share the machine's load."""
    for case in cases.values():
        for day in case.days[:10]:
            case.fn(day)  # warm up
    samples: dict[str, list[float]] = {key: [] for key in cases}
    for _ in range(repeat):
        for key, case in cases.items():
            samples[key].append(case.run_once())
    return samples


def median_ratio(samples: dict[str, list[float]], slow: str, fast: str) -> float:
    """The median over runs of the ratio of two cases timed in the same run."""
    return statistics.median(a / b for a, b in zip(samples[slow], samples[fast], strict=True))


def random_days(rng: random.Random, first: dt.date, last: dt.date, k: int) -> list[dt.date]:
    span = (last - first).days
    return [first + dt.timedelta(days=rng.randint(0, span)) for _ in range(k)]


def table_build_ms(repeat: int) -> float:
    """A cold start: packaged data read from chinese-calendar, table built, first answer."""
    runs = []
    for _ in range(repeat):
        official_schedules.cache_clear()
        started = time.perf_counter()
        ChinaCalendar(schedule_files=[]).add_working_days(dt.date(2020, 1, 1), 1)
        runs.append((time.perf_counter() - started) * 1e3)
    return statistics.median(runs)


def disagreements() -> list[dt.date]:
    """Days 2004-2026 where ChinaCalendar and holidays' China differ, or ChinaCalendar and
    chinese-calendar differ on a day that is not a settled one."""
    ours = ChinaCalendar(schedule_files=[])
    reference = holidays.China(years=range(2004, 2027))  # type: ignore[attr-defined]
    settled = {s.day for s in SETTLED}
    day, wrong = dt.date(2004, 1, 1), []
    while day.year <= 2026:
        answer = ours.is_working_day(day)
        if answer != reference.is_working_day(day) or (
            day not in settled and answer != chinese_calendar.is_workday(day)
        ):
            wrong.append(day)
        day += dt.timedelta(days=1)
    return wrong


@dataclass(frozen=True)
class Row:
    call: str
    ours: float
    workalendar: float | None
    loop: float


def run(repeat: int) -> tuple[list[Row], dict[str, float]]:
    rng = random.Random(SEED)
    ours = ChinaCalendar(schedule_files=[])
    ours.add_working_days(dt.date(2020, 1, 1), 1)  # build the table outside the timings
    theirs = China()
    recent = random_days(rng, dt.date(2018, 1, 1), dt.date(2022, 6, 30), 200)
    older = random_days(rng, dt.date(2005, 1, 1), dt.date(2017, 12, 31), 200)
    starts = random_days(rng, dt.date(2018, 1, 1), dt.date(2018, 12, 31), 10)
    five_years = dt.timedelta(days=5 * 365 + 1)

    def ours_delta(d: dt.date) -> int:
        return ours.get_working_days_delta(d, d + five_years)

    def theirs_delta(d: dt.date) -> int:
        return int(theirs.get_working_days_delta(d, d + five_years))

    cases = {
        "ours_add20": Case(lambda d: ours.add_working_days(d, 20), recent, FAST),
        "wa_add20": Case(lambda d: theirs.add_working_days(d, 20), recent[:50]),
        "loop_add20": Case(lambda d: loop_add(d, 20), recent[:50]),
        "ours_delta": Case(ours_delta, starts, FAST * 20),
        "wa_delta": Case(theirs_delta, starts[:3]),
        "loop_delta": Case(lambda d: loop_delta(d, d + five_years), starts[:3]),
        "ours_old20": Case(lambda d: ours.add_working_days(d, 20), older, FAST),
        "loop_old20": Case(lambda d: loop_add(d, 20), older[:50]),
        "ours_old2000": Case(lambda d: ours.add_working_days(d, 2000), older, FAST),
        "loop_old2000": Case(lambda d: loop_add(d, 2000), older[:5]),
    }
    samples = measure(cases, repeat)
    med = {key: statistics.median(values) for key, values in samples.items()}
    rows = [
        Row(
            "add_working_days(d, 20), 2018-2022 dates",
            med["ours_add20"],
            med["wa_add20"],
            med["loop_add20"],
        ),
        Row(
            "get_working_days_delta over 5 years, 2018-2023",
            med["ours_delta"],
            med["wa_delta"],
            med["loop_delta"],
        ),
        Row("add_working_days(d, 20), 2005-2017 dates", med["ours_old20"], None, med["loop_old20"]),
        Row(
            "add_working_days(d, 2000), 2005-2017 dates",
            med["ours_old2000"],
            None,
            med["loop_old2000"],
        ),
    ]
    figures = {
        "workalendar_over_ours_add20": median_ratio(samples, "wa_add20", "ours_add20"),
        "workalendar_over_ours_delta5y": median_ratio(samples, "wa_delta", "ours_delta"),
        "n2000_over_n20": median_ratio(samples, "ours_old2000", "ours_old20"),
        "table_build_ms": table_build_ms(repeat),
    }
    return rows, figures


def report(
    rows: list[Row], figures: dict[str, float], wrong: list[dt.date], command: str, repeat: int
) -> tuple[str, bool]:
    settled = ", ".join(s.day.isoformat() for s in SETTLED)
    checks = [
        (
            "add_working_days(d, 20) at least 100x faster than workalendar's China (median ratio)",
            figures["workalendar_over_ours_add20"] >= 100,
        ),
        ("add_working_days(d, 2000) at most 2x the time of n = 20", figures["n2000_over_n20"] <= 2),
        (f"no disagreement with the official data 2004-2026 (settled: {settled})", not wrong),
    ]
    lines = [
        SECTION,
        "",
        f"Command: `{command}` (from the repository root, with the project installed).",
        "",
        f"Run {dt.datetime.now().strftime('%Y-%m-%d %H:%M')}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores; workalendar {version('workalendar')}, chinesecalendar "
        f"{chinese_calendar.__version__}; load average {os.getloadavg()[0]:.1f} at the end (the "
        f"machine may be shared). Medians of {repeat} interleaved runs, microseconds a call.",
        "",
        "| call | ChinaCalendar | workalendar China | day loop over chinese-calendar |",
        "| --- | ---: | ---: | ---: |",
    ]
    for row in rows:
        theirs = "n/a (no data)" if row.workalendar is None else f"{row.workalendar:,.1f}"
        lines.append(f"| {row.call} | {row.ours:,.2f} | {theirs} | {row.loop:,.1f} |")
    lines += [
        "",
        "- workalendar / ChinaCalendar, add 20: "
        f"**{figures['workalendar_over_ours_add20']:,.0f}x** (median of the per-run ratios)",
        "- workalendar / ChinaCalendar, 5-year delta: "
        f"**{figures['workalendar_over_ours_delta5y']:,.0f}x**",
        f"- ChinaCalendar n = 2000 / n = 20: **{figures['n2000_over_n20']:.2f}**",
        "- cold start (packaged data read, table 2004-2026 built, first answer): "
        f"**{figures['table_build_ms']:.1f} ms**",
        f"- disagreements with the official data 2004-2026: **{len(wrong)}**",
        "",
        "Acceptance:",
        "",
    ]
    lines += [f"- [{'x' if ok else ' '}] {text}" for text, ok in checks]
    return "\n".join(lines) + "\n", all(ok for _, ok in checks)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the working-day calendar.")
    parser.add_argument("--repeat", type=int, default=7, help="runs per timing (median)")
    parser.add_argument("--write", action="store_true", help=f"record in bench/{RESULTS.name}")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")  # workalendar's China warns on every call about its years
    command = " ".join(["python bench/calendar_bench.py", *(argv or sys.argv[1:])])
    rows, figures = run(args.repeat)
    section, ok = report(rows, figures, disagreements(), command, args.repeat)
    return finish(SECTION, section, ok, args.write)


if __name__ == "__main__":
    sys.exit(main())
