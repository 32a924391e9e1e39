"""``gongkai demo``: simulate a provincial department's year on an embedded SQLite file, then
print table 三 and the year's metrics and write the HTML report and the workflow diagrams.

Mounted through the entry point group ``gongkai.commands``. The database is a fresh file (an
existing one is never overwritten unless it is an earlier demo and ``--fresh`` is given); the
clock is a manual one, walked through the year so that every timer fires by itself. The
workflows, the engine's runtime and rich are imported when the command runs, not for its help.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

import workflows
from engine.cli import GongkaiCommand, one_line_refusals
from engine.timesource import SystemClock, local_date

if TYPE_CHECKING:
    from engine import Engine
    from workflows.demo.scenario import Scenario
    from workflows.reports import AnnualReport
    from workflows.reports.metrics import YearMetrics

__all__ = ["demo"]


@click.command(cls=GongkaiCommand)
@click.option("--db", callback=lambda ctx, param, value: _db_path(value),
              default="gongkai-demo.db", show_default=True,
              help="SQLite file to create, a path or sqlite:///path (never overwrites another "
                   "file).")
@click.option("--fresh", is_flag=True, help="Remove an earlier demo database at --db first.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("gongkai-demo"), show_default=True,
              help="Folder for the HTML report and the workflow diagrams.")
@click.option("--year", type=click.IntRange(2009, None), default=2025, show_default=True,
              help="The year to simulate: a past year, or this one (reports cover no later).")
@click.option("--requests", "requests", type=click.IntRange(1, 10_000), default=300,
              show_default=True,
              help="How many disclosure requests to simulate; about 3% arrive the December "
                   "before, so table 三 has a carried-over row.")
@click.option("--seed", type=int, default=1, show_default=True,
              help="Random seed: the same seed gives the same year.")
def demo(db: Path, fresh: bool, out: Path, year: int, requests: int, seed: int) -> None:
    """Simulate a year of a provincial department's disclosure work (requests, publication
    approval, re-reviews, challenges) and print its annual report table 三 and metrics."""
    began = time.monotonic()
    this_year = local_date(SystemClock().now()).year
    if year > this_year:
        raise click.BadParameter(f"{year} is after this year, {this_year}: the annual report "
                                 "covers years up to the current one", param_hint="'--year'")
    _writable_folder(out)
    report, metrics = _run_year(db, fresh, year, requests, seed)
    _print_year(year, out, report, metrics)
    click.echo(f"Simulated {year} ({requests} requests, seed {seed}) in "
               f"{time.monotonic() - began:.1f} s; the database: sqlite:///{db}")


def _run_year(db: Path, fresh: bool, year: int, requests: int,
              seed: int) -> tuple[AnnualReport, YearMetrics]:
    """Simulate the year on a fresh SQLite file at ``db`` and read its annual report and
    metrics; an earlier file that is not a demo (or without ``fresh``) is a usage error."""
    from engine import Engine
    from engine.testing import ManualClock
    from workflows.demo.files import DatabaseInTheWay, finish_database, prepare_database
    from workflows.demo.scenario import generate
    from workflows.demo.year import moment
    from workflows.reports import annual_report
    from workflows.reports.metrics import year_metrics

    scenario = generate(year, requests, seed)
    try:
        prepare_database(db, fresh, {"year": year, "requests": requests, "seed": seed})
    except DatabaseInTheWay as exc:
        raise click.UsageError(str(exc)) from None
    engine = Engine(f"sqlite:///{db}", clock=ManualClock(moment(scenario.start)))
    try:
        with one_line_refusals():
            workflows.register_all(engine)
            _simulate(engine, scenario)
            report, metrics = annual_report(engine, year), year_metrics(engine, year)
    finally:
        engine.close()
    finish_database(db)
    return report, metrics


def _print_year(year: int, out: Path, report: AnnualReport, metrics: YearMetrics) -> None:
    """Print table 三 and the metrics; write the HTML report and the diagrams into ``out``."""
    from workflows.demo.files import write_outputs
    from workflows.reports.form import SECTION_TITLES
    from workflows.reports.render import metrics_text, table3_markdown

    click.echo(f"{year}年 {SECTION_TITLES['requests']}\n")
    click.echo(table3_markdown(report))
    click.echo()
    click.echo(metrics_text(metrics))
    written = write_outputs(out, report, workflows.definitions())
    click.echo(f"\nWrote {', '.join(str(p) for p in written)}")


def _db_path(value: str | Path) -> Path:
    """The demo's SQLite file from a path or a ``sqlite:///`` URL; any other URL is refused
    (the demo makes a fresh embedded file)."""
    text = str(value)
    if text.startswith("sqlite:///"):
        text = text.removeprefix("sqlite:///")
    elif "://" in text:
        raise click.BadParameter("the demo makes an embedded SQLite file: give a path or "
                                 "sqlite:///path", param_hint="'--db'")
    if not text or text.endswith(("/", "\\")) or Path(text).is_dir():
        raise click.BadParameter(f"{text or '(empty)'} is not a file path", param_hint="'--db'")
    return Path(text)


def _writable_folder(out: Path) -> None:
    """Create ``--out`` now, so a folder that cannot be written is refused before the year is
    simulated."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".gongkai-write-test"
        probe.write_text("", encoding="utf-8")
        probe.unlink()
    except OSError as exc:
        raise click.BadParameter(f"cannot write into {out}: {exc.strerror or exc}",
                                 param_hint="'--out'") from None


def _simulate(engine: Engine, scenario: Scenario) -> None:
    """Run the year with a progress bar on stderr."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from workflows.demo.year import run_year

    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True)) as bar:
        task = bar.add_task(f"Simulating {scenario.year}", total=len(scenario.steps))
        run_year(engine, scenario, lambda done: bar.advance(task, done))
