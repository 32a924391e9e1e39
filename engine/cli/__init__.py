"""The ``gongkai`` command line: diagrams, the worker, timers, worklists, instances and the
calendar.

The commands live in small modules (``staff``: diagram, worker, timers, todo; ``instances``:
list, show, start, fire, verify, checkpoint; the calendar in ``calendars.cli``) and are mounted
here on :data:`main`, whose one error handler (``engine.cli.errors``) turns every error into one
line and an exit code of its family (the table there, also at the end of ``gongkai --help``).
Workflow packages add their own sub-commands through the entry point group
``gongkai.commands`` (each entry point names a click command or group), so ``engine`` never
imports ``workflows``.
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any

import click

from engine.cli import check, instances, staff
from engine.cli.errors import GongkaiCommand, GongkaiGroup, exit_code_table, one_line_refusals
from engine.cli.options import (
    DEFAULT_DB,
    agency_option,
    all_definitions,
    db_option,
    open_engine,
    workflow_modules,
)
from engine.cli.render import one_line as _one_line

__all__ = ["DEFAULT_DB", "GongkaiCommand", "GongkaiGroup", "agency_option", "all_definitions",
           "db_option", "main", "one_line_refusals", "open_engine", "workflow_modules", "_one_line"]

ENGINE_COMMANDS: tuple[click.Command, ...] = (
    staff.diagram, staff.worker, staff.timers, staff.todo,
    instances.list_instances, instances.show, instances.start, instances.fire, instances.verify,
    instances.checkpoint, check.check)


class MainGroup(GongkaiGroup):
    """The ``gongkai`` group. Workflow packages' commands are mounted when the command line
    first looks a command up or lists them, not when ``engine.cli`` is imported, so a package's
    command module may import ``engine.cli`` whichever is imported first."""

    mounted = False

    def mount_packages(self) -> None:
        """Mount the ``gongkai.commands`` entry points, once."""
        if not self.mounted:
            self.mounted = True
            _mount_commands(self)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:  # an engine command loads no workflow package
            self.mount_packages()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self.mount_packages()
        return super().list_commands(ctx)


@click.group(cls=MainGroup, epilog="\b\nExit codes (engine.cli.errors):\n" + exit_code_table())
@click.version_option(package_name="gongkai")
@click.option("--debug", is_flag=True, help="Show the traceback of an error, not one line.")
def main(debug: bool) -> None:
    """gongkai (公开): government information disclosure workflows with working-day deadlines."""


def _mount_engine_commands(group: click.Group) -> None:
    for command in ENGINE_COMMANDS:
        group.add_command(command)


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


_mount_engine_commands(main)
_mount_calendar(main)
