"""The ``gongkai`` command line: diagrams, the worker, timers, worklists and the calendar."""

from __future__ import annotations

import os
import signal
import threading
from importlib.metadata import entry_points
from types import ModuleType
from typing import Any

import click

from engine.actor import Actor
from engine.definition import WorkflowDefinition
from engine.runtime import Engine
from engine.timesource import SHANGHAI

DEFAULT_DB = "sqlite:///gongkai.db"
db_option = click.option("--db", "db_url", envvar="GONGKAI_DB", default=DEFAULT_DB,
                         show_default=True, help="Database URL (or $GONGKAI_DB).")


def workflow_modules() -> list[ModuleType]:
    """Packages that provide workflows (entry point group ``gongkai.workflows``)."""
    return [ep.load() for ep in entry_points(group="gongkai.workflows")]


def all_definitions() -> dict[str, WorkflowDefinition]:
    found: dict[str, WorkflowDefinition] = {}
    for module in workflow_modules():
        for d in module.definitions():
            found[d.name] = d
    return found


def open_engine(db_url: str) -> Engine:
    engine = Engine(db_url)
    for module in workflow_modules():
        module.register_all(engine)
    return engine


@click.group()
@click.version_option(package_name="gongkai")
def main() -> None:
    """gongkai (公开): government information disclosure workflows with working-day deadlines."""


@main.command()
@click.argument("name", required=False)
def diagram(name: str | None) -> None:
    """Print the mermaid diagram of workflow NAME (or list the workflows)."""
    from engine.diagram import mermaid

    defs = all_definitions()
    if name is None:
        for d in defs.values():
            click.echo(f"{d.name}\tv{d.version}\t{d.title}")
        return
    if name not in defs:
        raise click.BadParameter(f"unknown workflow {name!r}; known: {', '.join(sorted(defs))}")
    click.echo(mermaid(defs[name]), nl=False)


@main.command()
@db_option
@click.option("--poll", default=1.0, show_default=True, help="Fallback poll interval (seconds).")
def worker(db_url: str, poll: float) -> None:
    """Fire due timers until SIGINT/SIGTERM."""
    from engine.worker import Worker

    engine = open_engine(db_url)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    w = Worker(engine, poll)
    w.start()
    click.echo(f"gongkai worker on {db_url} (pid {os.getpid()})", err=True)
    stop.wait()
    w.stop(wait=True)
    click.echo(f"gongkai worker stopped; fired {w.fired} timers", err=True)


@main.command()
@db_option
@click.option("--failed", is_flag=True, help="Only timers parked as failed.")
@click.option("--pending", is_flag=True, help="Only pending timers.")
def timers(db_url: str, failed: bool, pending: bool) -> None:
    """List timers (due time, kind, trigger, instance, status, last error)."""
    engine = open_engine(db_url)
    status = "failed" if failed else "pending" if pending else None
    for t in engine.timers(status=status):
        error = f"\t{t.last_error}" if t.last_error else ""
        due = t.due_at.astimezone(SHANGHAI).isoformat(timespec="minutes")
        click.echo(f"{due}\t{t.kind}\t{t.trigger}\t{t.instance_id}\t{t.status}"
                   f"\tattempts={t.attempts}{error}")


@main.command()
@db_option
@click.option("--role", "roles", multiple=True, required=True, help="Role(s) to act as.")
@click.option("--workflow", default=None)
@click.option("--page", default=1, show_default=True)
def todo(db_url: str, roles: tuple[str, ...], workflow: str | None, page: int) -> None:
    """Print the worklist (待办) for ROLE: overdue first, then by due date."""
    engine = open_engine(db_url)
    for item in engine.worklist(Actor("cli", roles), workflow, page):
        d = item.deadline
        due = f"{d.clock} due {d.due_date}{' OVERDUE' if d.overdue else ''}" if d else "-"
        label = engine.definition(item.instance.workflow).settings.get("label_field")
        key = (item.instance.data.get(label) if label else None) or item.instance.business_key
        key = key or ""
        click.echo(f"{item.instance.id}\t{key}\t{item.instance.state}\t{due}\t"
                   f"{','.join(item.triggers)}")


def _mount_calendar(group: Any) -> None:
    from calendars.cli import calendar_group

    group.add_command(calendar_group, "calendar")


_mount_calendar(main)
