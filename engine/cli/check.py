"""``gongkai check DEFINITION.json``: validate a workflow definition an agency wrote, then drive
it at random through a throw-away engine and report the first invariant it breaks.

The definition's guards, actions and data models come from ``--registry module:attr`` (an
:class:`~engine.Registry`, or a callable returning one). Static validation runs first, as
:meth:`Engine.register` runs it, and lists every problem on its own line; a definition that
validates is then explored by :func:`engine.testing.workflow_state_machine` under hypothesis,
checking :data:`engine.testing.BUILTIN_INVARIANTS` (and any ``--invariant``) after every step.
A failure prints hypothesis' shrunk counterexample as numbered steps and the invariant's message.
Exit codes: 0 no problem found, 1 a problem found, 2 a usage error (a missing file, bad JSON, a
bad ``--registry``). hypothesis is imported only when the command runs (the ``testing`` extra).
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from engine.definition.io import definition_from_json
from engine.definition.model import WorkflowDefinition
from engine.definition.validate import validate
from engine.errors import DefinitionError
from engine.testing.explore import SHRINK_SECONDS
from engine.transition.registry import Registry

PROBLEM = 1


def _definition(path: Path) -> WorkflowDefinition:
    """The definition in ``path``; a usage error if it cannot be read or is not JSON. Shape
    problems are a :class:`DefinitionError`, reported as the definition's problems."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise click.BadParameter(f"cannot read {path}: {exc}",
                                 param_hint="'DEFINITION'") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise click.BadParameter(f"{path} is not valid JSON: {exc.msg} (line {exc.lineno}, "
                                 f"column {exc.colno})", param_hint="'DEFINITION'") from None
    if not isinstance(raw, dict):
        raise click.BadParameter(f"{path} must hold a JSON object, not {type(raw).__name__}",
                                 param_hint="'DEFINITION'")
    return definition_from_json(text)


def load_object(spec: str, option: str) -> Any:
    """The object ``module:attr`` names (``attr`` may be dotted); a usage error naming
    ``option`` if the module cannot be imported or has no such attribute."""
    module_name, sep, attr = spec.partition(":")
    if not sep or not module_name or not attr:
        raise click.BadParameter(f"{spec!r} is not 'module:attr'", param_hint=option)
    try:
        found: Any = importlib.import_module(module_name)
    except Exception as exc:  # any import failure is the user's module to fix
        raise click.BadParameter(f"cannot import {module_name!r}: {type(exc).__name__}: {exc}",
                                 param_hint=option) from None
    for part in attr.split("."):
        if not hasattr(found, part):
            raise click.BadParameter(f"{module_name!r} has no attribute {attr!r}",
                                     param_hint=option)
        found = getattr(found, part)
    return found


def load_registry(spec: str | None) -> Registry:
    """The registry ``--registry`` names (an empty one without the option)."""
    if spec is None:
        return Registry()
    found = load_object(spec, "'--registry'")
    if not isinstance(found, Registry) and callable(found):
        found = found()
    if not isinstance(found, Registry):
        raise click.BadParameter(f"{spec!r} is not an engine.Registry (nor a callable "
                                 f"returning one), but {type(found).__name__}",
                                 param_hint="'--registry'")
    return found


def _invariants(specs: Sequence[str]) -> list[Callable[..., None]]:
    found = [load_object(spec, "'--invariant'") for spec in specs]
    for spec, invariant in zip(specs, found, strict=True):
        if not callable(invariant):
            raise click.BadParameter(f"{spec!r} is not callable", param_hint="'--invariant'")
    return found


def _problems(definition: WorkflowDefinition, registry: Registry) -> tuple[str, ...]:
    """Every static problem of the definition (none if it validates)."""
    try:
        validate(definition, registry)
    except DefinitionError as exc:
        return exc.problems
    return ()


@click.command("check")
@click.argument("definition_path", metavar="DEFINITION.json",
                type=click.Path(path_type=Path, dir_okay=False))
@click.option("--registry", "registry_spec", metavar="MODULE:ATTR",
              help="The engine.Registry (or a callable returning one) holding the guards, "
                   "actions and data models the definition names.")
@click.option("--invariant", "invariant_specs", multiple=True, metavar="MODULE:ATTR",
              help="An extra invariant (engine, instance_id) -> None raising AssertionError "
                   "(repeatable).")
@click.option("--examples", type=click.IntRange(min=1), default=50, show_default=True,
              help="How many random runs to try.")
@click.option("--steps", type=click.IntRange(min=1), default=20, show_default=True,
              help="Steps per run.")
@click.option("--seed", type=int, default=None,
              help="Seed of the random runs (default: the same runs every time).")
@click.option("--shrink-seconds", type=click.IntRange(min=1), default=SHRINK_SECONDS,
              show_default=True, help="How long to shorten a failing run.")
def check(definition_path: Path, registry_spec: str | None, invariant_specs: tuple[str, ...],
          examples: int, steps: int, seed: int | None, shrink_seconds: int) -> None:
    """Validate DEFINITION.json, then drive it at random and check the invariants."""
    definition = _definition(definition_path)
    registry = load_registry(registry_spec)
    invariants = _invariants(invariant_specs)
    label = f"{definition.name} v{definition.version}"
    problems = _problems(definition, registry)
    if problems:
        click.echo(f"invalid: {label} has {len(problems)} problem(s):")
        for problem in problems:
            click.echo(f"  - {problem}")
        raise SystemExit(PROBLEM)
    click.echo(f"valid: {label}; exploring {examples} random runs of up to {steps} steps")
    try:
        import hypothesis  # noqa: F401
    except ImportError:
        raise click.UsageError("gongkai check explores with hypothesis, which is not installed: "
                               "pip install 'gongkai[testing]'") from None
    from engine.testing.explore import explore

    found = explore(definition, invariants, registry=registry, runs=examples, steps=steps,
                    seed=seed, shrink_seconds=shrink_seconds)
    if found.failure is None:
        click.echo(f"ok: {examples} examples, no invariant broken")
        return
    click.echo(f"failed: {type(found.failure).__name__}: {found.failure}")
    click.echo("shrunk counterexample:")
    for number, line in enumerate(found.steps, 1):
        click.echo(f"  {number}. {line}")
    raise SystemExit(PROBLEM)
