"""The commands on instances: ``list``, ``show``, ``start``, ``fire`` and ``verify``.

Every refusal of the engine (unknown id, wrong role, invalid data, a trigger not valid here)
reaches the group's error handler (``engine.cli.errors``) as it is; personal data is masked in
everything printed unless ``--show-personal-data``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from engine.cli.options import (
    actor_of,
    actor_option,
    agency_option,
    data_option,
    db_option,
    known_workflow,
    open_engine,
    personal_data_option,
    roles_option,
)
from engine.cli.render import Shown, deadline_line, nearest_text, shown
from engine.cli.timeline import deadline_history, event_line, header
from engine.errors import HistoryTampered
from engine.snapshot import Instance

if TYPE_CHECKING:
    from engine.runtime.engine import Engine


def _view(engine: Engine, instance: Instance, unmasked: bool) -> Shown:
    return shown(instance, engine.definition(instance.workflow, instance.definition_version),
                 unmasked)


def _known_state(engine: Engine, workflow: str, state: str | None) -> str | None:
    if state is None:
        return None
    states = sorted({s.name for s in engine.definition(workflow).states})
    if state not in states:
        raise click.BadParameter(f"{workflow} has no state {state!r}; its states: "
                                 f"{', '.join(states)}", param_hint="'--state'")
    return state


@click.command("list")
@click.argument("workflow")
@click.option("--state", default=None, help="Only instances in this state.")
@click.option("--overdue", is_flag=True, help="Only instances with an overdue deadline.")
@db_option
@agency_option
@personal_data_option
def list_instances(workflow: str, state: str | None, overdue: bool, db_url: str, agency: str,
                   show_personal: bool) -> None:
    """List the instances of WORKFLOW: id, label, state, most urgent running deadline."""
    from engine.runtime.worklist import nearest_deadline

    engine = open_engine(db_url, agency)
    state = _known_state(engine, known_workflow(engine, workflow), state)
    for inst in engine.find(workflow, state=state):
        nearest = nearest_deadline(inst)
        if overdue and not (nearest and nearest.overdue):
            continue
        view = _view(engine, inst, show_personal)
        click.echo(f"{inst.id}\t{view.label or '-'}\t{inst.state}\t{nearest_text(inst)}")


@click.command()
@click.argument("instance_id", metavar="ID")
@db_option
@agency_option
@personal_data_option
def show(instance_id: str, db_url: str, agency: str, show_personal: bool) -> None:
    """Show instance ID's timeline: header, every event in order, its deadlines as they
    moved."""
    engine = open_engine(db_url, agency)
    view = _view(engine, engine.get(instance_id), show_personal)
    lines = [*header(view), *(event_line(view, e) for e in engine.history(instance_id)),
             *deadline_history(view, engine.timers(instance_id))]
    click.echo("\n".join(lines))


def _result(engine: Engine, instance: Instance, unmasked: bool) -> None:
    view = _view(engine, instance, unmasked)
    click.echo(f"{instance.id}\t{view.label or '-'}\t{instance.state}")
    for d in instance.deadlines.values():
        click.echo(deadline_line(d))


@click.command()
@click.argument("workflow")
@actor_option
@roles_option
@data_option(required=True)
@click.option("--business-key", default=None, help="The instance's business key, if any.")
@db_option
@agency_option
@personal_data_option
def start(workflow: str, actor_id: str, roles: tuple[str, ...], data: dict[str, Any],
          business_key: str | None, db_url: str, agency: str, show_personal: bool) -> None:
    """Start an instance of WORKFLOW; print its id, label and state, then its deadlines."""
    engine = open_engine(db_url, agency, create=True)
    known_workflow(engine, workflow)
    inst = engine.start(workflow, actor_of(actor_id, roles), data, business_key)
    _result(engine, inst, show_personal)


@click.command()
@click.argument("instance_id", metavar="ID")
@click.argument("trigger")
@actor_option
@roles_option
@data_option(required=False)
@db_option
@agency_option
@personal_data_option
def fire(instance_id: str, trigger: str, actor_id: str, roles: tuple[str, ...],
         data: dict[str, Any] | None, db_url: str, agency: str, show_personal: bool) -> None:
    """Fire TRIGGER on instance ID; print its id, label and new state, then its deadlines."""
    engine = open_engine(db_url, agency)
    inst = engine.fire(instance_id, trigger, actor_of(actor_id, roles), data)
    _result(engine, inst, show_personal)


@click.command()
@db_option
@agency_option
@click.pass_context
def verify(ctx: click.Context, db_url: str, agency: str) -> None:
    """Verify the hash chain of every instance's history of the agency; print how many were
    checked, and each broken one (exit 1 if any)."""
    engine = open_engine(db_url, agency)
    checked, broken = 0, 0
    for inst in engine.find():
        checked += 1
        try:
            engine.verify_history(inst.id)
        except HistoryTampered as exc:
            broken += 1
            click.echo(f"{inst.id}\t{inst.workflow}\tTAMPERED\t{exc}")
    click.echo(f"{checked} instance(s) checked, {broken} with a broken history")
    if broken:
        ctx.exit(1)
