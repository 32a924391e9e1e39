"""The ``gongkai`` command line: diagrams, the worker, timers, worklists and the calendar.

Workflow packages add their own sub-commands through the entry point group ``gongkai.commands``
(each entry point names a click command or group), so ``engine`` never imports ``workflows``.
"""

from __future__ import annotations

import os
import re
import signal
import threading
from importlib.metadata import entry_points
from types import ModuleType
from typing import Any

import click

from engine.actor import Actor
from engine.definition.model import WorkflowDefinition
from engine.runtime.core import check_agency
from engine.runtime.engine import Engine
from engine.store.tables import DEFAULT_AGENCY
from engine.timesource import SHANGHAI

DEFAULT_DB = "sqlite:///gongkai.db"
db_option = click.option("--db", "db_url", envvar="GONGKAI_DB", default=DEFAULT_DB,
                         show_default=True, help="Database URL (or $GONGKAI_DB).")


def _agency(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An agency code the engine accepts, refused as a usage error rather than a traceback."""
    if value is not None:
        try:
            check_agency(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None
    return value


agency_option = click.option("--agency", envvar="GONGKAI_AGENCY", default=DEFAULT_AGENCY,
                             show_default=True, callback=_agency,
                             help="Agency (机关) code (or $GONGKAI_AGENCY).")


def workflow_modules() -> list[ModuleType]:
    """Packages that provide workflows (entry point group ``gongkai.workflows``)."""
    return [ep.load() for ep in entry_points(group="gongkai.workflows")]


def all_definitions() -> dict[str, WorkflowDefinition]:
    found: dict[str, WorkflowDefinition] = {}
    for module in workflow_modules():
        for d in module.definitions():
            found[d.name] = d
    return found


def open_engine(db_url: str, agency: str = DEFAULT_AGENCY) -> Engine:
    """An engine on ``db_url`` for ``agency`` with every installed workflow registered.

    A database that cannot be opened (a malformed URL, an unknown driver, a file in a missing
    directory, a server that does not answer, another schema version) is a usage error naming
    ``--db``, not a traceback; a password in the URL is not repeated.
    """
    try:
        engine = Engine(db_url, agency=agency)
    except Exception as exc:  # any failure to open is the user's --db to fix
        reason = (str(exc).strip().splitlines() or [""])[0]
        raise click.BadParameter(f"cannot open {_masked(db_url)}: {type(exc).__name__}: "
                                 f"{reason}", param_hint="'--db'") from None
    for module in workflow_modules():
        module.register_all(engine)
    return engine


def _masked(url: str) -> str:
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


def _one_line(text: str | None) -> str:
    """An error as one line of a tab-separated listing."""
    return " | ".join(line.strip() for line in (text or "").splitlines() if line.strip())


@click.group()
@click.version_option(package_name="gongkai")
def main() -> None:
    """gongkai (公开): government information disclosure workflows with working-day deadlines."""


@main.command()
@click.argument("name", required=False)
def diagram(name: str | None) -> None:
    """Print the mermaid diagram of workflow NAME (or list the workflows)."""
    from engine.definition.diagram import mermaid

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
@click.option("--agency", default=None, envvar="GONGKAI_AGENCY", callback=_agency,
              help="Only this agency's timers (default: every agency in the database).")
def worker(db_url: str, poll: float, agency: str | None) -> None:
    """Fire due timers and schedules (every agency's unless --agency) until SIGINT/SIGTERM."""
    from engine.runtime.worker import Worker

    engine = open_engine(db_url, agency or DEFAULT_AGENCY)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    w = Worker(engine.core, poll, all_agencies=agency is None)
    w.start()
    click.echo(f"gongkai worker on {db_url} (pid {os.getpid()})", err=True)
    stop.wait()
    w.stop(wait=True)
    click.echo(f"gongkai worker stopped; fired {w.fired} timers", err=True)


@main.command()
@db_option
@agency_option
@click.option("--failed", is_flag=True, help="Only timers and schedules parked as failed.")
@click.option("--pending", is_flag=True, help="Only pending timers and schedules.")
def timers(db_url: str, agency: str, failed: bool, pending: bool) -> None:
    """List timers (due time, kind, trigger, instance, status, last error), then calendar
    schedules (next due time, "schedule", name, when and what, status, last error)."""
    engine = open_engine(db_url, agency)
    status = "failed" if failed else "pending" if pending else None
    for t in engine.timers(status=status):
        error = f"\t{_one_line(t.last_error)}" if t.last_error else ""
        due = t.due_at.astimezone(SHANGHAI).isoformat(timespec="minutes")
        click.echo(f"{due}\t{t.kind}\t{t.trigger}\t{t.instance_id}\t{t.status}"
                   f"\tattempts={t.attempts}{error}")
    for s in engine.schedules():
        if status is not None and (s.status == "failed") != failed:
            continue
        error = f"\t{_one_line(s.last_error)}" if s.last_error else ""
        due = s.next_due_at.astimezone(SHANGHAI).isoformat(timespec="minutes")
        what = f"start {s.workflow}" if s.action == "start" else f"fire {s.trigger} on {s.workflow}"
        click.echo(f"{due}\tschedule\t{s.name}\t{s.spec.describe()}: {what}\t{s.status}"
                   f"\tattempts={s.attempts}{error}")


@main.command()
@db_option
@agency_option
@click.option("--role", "roles", multiple=True, required=True, help="Role(s) to act as.")
@click.option("--workflow", default=None)
@click.option("--page", default=1, show_default=True)
def todo(db_url: str, agency: str, roles: tuple[str, ...], workflow: str | None, page: int
         ) -> None:
    """Print the worklist (待办) for ROLE: overdue first, then by due date; a period still waiting
    for its recipient's receipt is shown as such (the definition's ``waiting_field`` setting)."""
    engine = open_engine(db_url, agency)
    for item in engine.worklist(Actor("cli", roles), workflow, page):
        d = item.deadline
        due = f"{d.clock} due {d.due_date}{' OVERDUE' if d.overdue else ''}" if d else "-"
        settings = engine.definition(item.instance.workflow).settings
        label = settings.get("label_field")
        key = (item.instance.data.get(label) if label else None) or item.instance.business_key
        key = key or ""
        waiting = _waiting_notes(item.instance.data, settings.get("waiting_field"))
        click.echo(f"{item.instance.id}\t{key}\t{item.instance.state}\t{due}\t"
                   f"{','.join(item.triggers)}{waiting}")


def _waiting_notes(data: Any, field: object) -> str:
    """The notes of what the instance waits for (each entry's ``note``), as a trailing column."""
    entries = data.get(field) if isinstance(field, str) else None
    notes = [e["note"] for e in entries or () if isinstance(e, dict) and e.get("note")]
    return f"\t{'; '.join(notes)}" if notes else ""


def _mount_calendar(group: click.Group) -> None:
    from calendars.cli import calendar_group

    group.add_command(calendar_group, "calendar")


def _mount_commands(group: click.Group) -> None:
    """Add the sub-commands workflow packages publish (entry point group ``gongkai.commands``).

    A command whose name the engine already uses is refused loudly rather than shadowing it.
    """
    for ep in entry_points(group="gongkai.commands"):
        command: Any = ep.load()
        if not isinstance(command, click.Command):
            raise TypeError(f"entry point {ep.name!r} ({ep.value}) is not a click command")
        if ep.name in group.commands:
            raise RuntimeError(f"gongkai command {ep.name!r} is already defined; entry point "
                               f"{ep.value} may not replace it")
        group.add_command(command, ep.name)


_mount_calendar(main)
_mount_commands(main)
