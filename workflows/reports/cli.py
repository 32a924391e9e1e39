"""``gongkai report annual`` and ``gongkai metrics``: the annual report (条例 49, format of
国办公开办函〔2021〕30号) and the year's metrics from the command line.

Mounted through the entry point group ``gongkai.commands``. A report that cannot be made (a year
out of range, a cell the form does not have, agency figures that do not read) is one line on
stderr and a non-zero exit, not a traceback. The reports, their renderers (Jinja2) and the
workflows' models are imported when a command runs, so ``gongkai --help`` loads none of them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from engine.cli import (
    GongkaiCommand,
    GongkaiGroup,
    agency_option,
    db_option,
    one_line_refusals,
    open_engine,
)

if TYPE_CHECKING:
    from engine import Engine
    from workflows.reports.annual import AnnualReport

__all__ = ["metrics", "report"]

FORMATS = ("csv", "html", "json", "md")
"""The output formats of ``report annual`` (:func:`writers`)."""

YEAR = click.IntRange(1, 9999)
"""A calendar year (``--year``); one the reports cannot cover is refused by them (ReportError)."""


@contextmanager
def opened(db_url: str, agency: str) -> Iterator[Engine]:
    """The engine on ``db_url`` (closed on exit), with the workflow errors raised inside the
    block turned into one-line click errors."""
    engine = open_engine(db_url, agency)
    if next(iter(engine.find(page_size=1)), None) is None:
        click.echo(f"gongkai: warning: agency {agency!r} has no records in this database; "
                   "every figure is 0", err=True)
    try:
        with one_line_refusals():
            yield engine
    finally:
        engine.close()


def writers() -> dict[str, Callable[[AnnualReport], str]]:
    """The function that writes the annual report in each of :data:`FORMATS`."""
    from workflows.reports.render import report_csv, report_html, report_json, report_markdown

    return {"md": report_markdown, "csv": report_csv, "json": report_json, "html": report_html}


@click.group(cls=GongkaiGroup)
def report() -> None:
    """Reports over the agency's records."""


@report.command()
@db_option
@agency_option
@click.option("--year", required=True, type=YEAR, help="Calendar year of the report.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="md",
              show_default=True, help="Output format (csv: table 三 only).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (UTF-8) instead of stdout.")
@click.option("--explain", nargs=2, default=None, metavar="ROW COL",
              help="Instead of the report, list the requests behind one cell of table 三 "
                   "(row and column keys as in the JSON, e.g. disclosed natural_person).")
@click.option("--figures", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The agency's own figures for table 二 (TOML or JSON file).")
def annual(db_url: str, agency: str, year: int, fmt: str, out: Path | None,
           explain: tuple[str, str] | None, figures: Path | None) -> None:
    """The annual report (政府信息公开工作年度报告) for YEAR: tables 二, 三, 四 and the fee
    line of 六."""
    from workflows.reports.active import AgencyFigures, load_figures
    from workflows.reports.annual import annual_report

    with opened(db_url, agency) as engine:
        supplied = load_figures(figures) if figures is not None else AgencyFigures()
        made = annual_report(engine, year, figures=supplied)
        if explain is not None and fmt != "md":
            raise click.UsageError("--explain lists requests, one a line; it takes no --format")
        text = _explain(made, *explain) if explain is not None else writers()[fmt](made)
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        exc.add_note(f"cannot write the report to {out} (--out)")
        raise


def _explain(made: AnnualReport, row: str, column: str) -> str:
    """Register number, received, finished and outcome of each request behind a cell, a line
    each."""
    from workflows.reports.annual import explain

    return "".join(
        f"{f.register_number}\t{f.received_on.isoformat()}\t"
        f"{f.finished_on.isoformat() if f.finished_on else ''}\t{f.outcome or ''}\n"
        for f in explain(made, row, column))


@click.command(cls=GongkaiCommand)
@db_option
@agency_option
@click.option("--year", required=True, type=YEAR, help="Calendar year.")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of the text summary.")
def metrics(db_url: str, agency: str, year: int, as_json: bool) -> None:
    """The year's metrics: replies on time, publication in time, interpretation, re-review."""
    from workflows.reports.metrics import year_metrics
    from workflows.reports.render import metrics_text

    with opened(db_url, agency) as engine:
        taken = year_metrics(engine, year)
    if as_json:
        click.echo(json.dumps(taken.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(metrics_text(taken), nl=False)
