"""The commands for running the office: diagrams, the worker, timers and the worklist (待办)."""

from __future__ import annotations

import os
import signal
import threading

import click

from engine.actor import Actor
from engine.cli.options import (
    agency_option,
    all_definitions,
    check_agency_option,
    db_option,
    known_workflow,
    open_engine,
    page_type,
    personal_data_option,
    seconds_type,
)
from engine.cli.render import due_text, one_line, shown, waiting_notes
from engine.store.limits import DEFAULT_AGENCY
from engine.timesource import SHANGHAI


@click.command()
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


@click.command()
@db_option
@click.option("--poll", type=seconds_type, default=1.0, show_default=True,
              help="Fallback poll interval in seconds (more than 0, at most 86400).")
@click.option("--agency", default=None, envvar="GONGKAI_AGENCY", callback=check_agency_option,
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


@click.command()
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
        error = f"\t{one_line(t.last_error)}" if t.last_error else ""
        due = t.due_at.astimezone(SHANGHAI).isoformat(timespec="minutes")
        click.echo(f"{due}\t{t.kind}\t{t.trigger}\t{t.instance_id}\t{t.status}"
                   f"\tattempts={t.attempts}{error}")
    for s in engine.schedules():
        if status is not None and (s.status == "failed") != failed:
            continue
        error = f"\t{one_line(s.last_error)}" if s.last_error else ""
        due = s.next_due_at.astimezone(SHANGHAI).isoformat(timespec="minutes")
        what = f"start {s.workflow}" if s.action == "start" else f"fire {s.trigger} on {s.workflow}"
        click.echo(f"{due}\tschedule\t{s.name}\t{s.spec.describe()}: {what}\t{s.status}"
                   f"\tattempts={s.attempts}{error}")


@click.command()
@db_option
@agency_option
@click.option("--role", "roles", multiple=True, required=True, help="Role(s) to act as.")
@click.option("--workflow", default=None)
@click.option("--page", type=page_type, default=1, show_default=True,
              help="Page of the worklist, from 1.")
@personal_data_option
def todo(db_url: str, agency: str, roles: tuple[str, ...], workflow: str | None, page: int,
         show_personal: bool) -> None:
    """Print the worklist (待办) for ROLE: overdue first, then by due date; a period still waiting
    for its recipient's receipt is shown as such (the definition's ``waiting_field`` setting).
    Personal data is masked unless --show-personal-data."""
    engine = open_engine(db_url, agency)
    if workflow is not None:
        known_workflow(engine, workflow, "'--workflow'")
    for item in engine.worklist(Actor("cli", roles), workflow, page):
        inst = item.instance
        view = shown(inst, engine.definition(inst.workflow, inst.definition_version),
                     show_personal)
        waiting = waiting_notes(view.data, view.definition.settings.get("waiting_field"))
        click.echo(f"{inst.id}\t{view.label}\t{inst.state}\t{due_text(item.deadline)}\t"
                   f"{','.join(item.triggers)}{waiting}")
