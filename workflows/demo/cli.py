"""``gongkai demo``: simulate a provincial department's year on an embedded SQLite file, then
print table 三 and the year's metrics and write the HTML report and the workflow diagrams.

Mounted through the entry point group ``gongkai.commands``. The database is a fresh file (an
existing one is never overwritten unless it is an earlier demo and ``--fresh`` is given); the
clock is a manual one, walked through the year so that every timer fires by itself.
"""

from __future__ import annotations

import time
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

import workflows
from engine import Engine, WorkflowError
from engine.testing import ManualClock
from workflows.demo.files import DatabaseInTheWay, prepare_database, write_outputs
from workflows.demo.scenario import Scenario, generate
from workflows.demo.year import moment, run_year
from workflows.reports import annual_report
from workflows.reports.metrics import year_metrics
from workflows.reports.render import metrics_text, table3_markdown

__all__ = ["demo"]


@click.command()
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("gongkai-demo.db"), show_default=True,
              help="SQLite file to create (never overwrites another file).")
@click.option("--fresh", is_flag=True, help="Remove an earlier demo database at --db first.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("gongkai-demo"), show_default=True,
              help="Folder for the HTML report and the workflow diagrams.")
@click.option("--year", type=click.IntRange(2009, 2098), default=2025, show_default=True,
              help="The year to simulate.")
@click.option("--requests", "requests", type=click.IntRange(1, 10_000), default=300,
              show_default=True, help="How many disclosure requests the year brings.")
@click.option("--seed", type=int, default=1, show_default=True,
              help="Random seed: the same seed gives the same year.")
def demo(db: Path, fresh: bool, out: Path, year: int, requests: int, seed: int) -> None:
    """Simulate a year of a provincial department's disclosure work (requests, publication
    approval, re-reviews, challenges) and print its annual report table 三 and metrics."""
    began = time.monotonic()
    scenario = generate(year, requests, seed)
    try:
        prepare_database(db, fresh, {"year": year, "requests": requests, "seed": seed})
    except DatabaseInTheWay as exc:
        raise click.ClickException(str(exc)) from None
    engine = Engine(f"sqlite:///{db}", clock=ManualClock(moment(scenario.start)))
    try:
        workflows.register_all(engine)
        _simulate(engine, scenario)
        report, metrics = annual_report(engine, year), year_metrics(engine, year)
    except WorkflowError as exc:
        raise click.ClickException(" | ".join([str(exc), *getattr(exc, "__notes__", [])])) \
            from None
    finally:
        engine.close()
    click.echo(table3_markdown(report))
    click.echo()
    click.echo(metrics_text(metrics))
    written = write_outputs(out, report, workflows.definitions())
    click.echo(f"\nWrote {', '.join(str(p) for p in written)}")
    click.echo(f"Simulated {year} ({requests} requests, seed {seed}) in "
               f"{time.monotonic() - began:.1f} s; the database: sqlite:///{db}")


def _simulate(engine: Engine, scenario: Scenario) -> None:
    """Run the year with a progress bar on stderr."""
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True)) as bar:
        task = bar.add_task(f"Simulating {scenario.year}", total=len(scenario.steps))
        run_year(engine, scenario, lambda done: bar.advance(task, done))
