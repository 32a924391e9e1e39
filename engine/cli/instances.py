"""The commands on instances: ``list``, ``show``, ``start``, ``fire``, ``verify`` and
``checkpoint``.

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
from engine.errors import HistoryKeyMissing, HistoryTampered
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
    """Verify every instance's history of the agency against its hash chain, its instance row
    and the checkpoint log, and the log against the database; print each problem on one line
    (the instance and what is wrong), then how many were checked, whether the chains are keyed
    and where checkpoints are (exit 1 if anything is wrong).

    The history key and the checkpoint log come from $GONGKAI_HISTORY_KEY_FILE and
    $GONGKAI_CHECKPOINT_LOG, as for the engine."""
    engine = open_engine(db_url, agency)
    checked, broken, unkeyed = 0, 0, 0
    for instance_id, workflow, result in engine.verify_histories():
        checked += 1
        if isinstance(result, HistoryTampered):
            broken += 1
            label = "UNVERIFIED" if isinstance(result, HistoryKeyMissing) else "TAMPERED"
            click.echo(f"{instance_id}\t{workflow}\t{label}\t{result}")
        else:
            unkeyed += result.unkeyed_events > 0
    problems = engine.verify_checkpoints()
    for problem in problems:
        click.echo(f"-\t-\tCHECKPOINT\t{problem}")
    click.echo(f"{checked} instance(s) checked, {broken} with a broken history")
    click.echo(f"history: {engine.history_status}" + (
        f"; {unkeyed} instance(s) with unkeyed events" if unkeyed else "") + (
        f"; {len(problems)} checkpoint problem(s)" if problems else ""))
    if broken or problems:
        ctx.exit(1)


@click.command()
@db_option
@agency_option
@click.pass_context
def checkpoint(ctx: click.Context, db_url: str, agency: str) -> None:
    """Append the head of every instance of the agency whose history verifies to the
    checkpoint log ($GONGKAI_CHECKPOINT_LOG): to start a log for an existing database, or to
    close the window of a crash between a commit and its checkpoint. Print each instance
    refused (exit 1 if any) and how many were written."""
    engine = open_engine(db_url, agency)
    written, refused = engine.checkpoint()
    for exc in refused:
        click.echo(f"{exc.instance_id}\t-\tREFUSED\t{exc}")
    click.echo(f"{written} checkpoint(s) written, {len(refused)} refused; "
               f"{engine.history_status}")
    if refused:
        ctx.exit(1)
