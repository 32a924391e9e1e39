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
import inspect
import re
import traceback
from collections.abc import Callable, Mapping, Sequence
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from engine.errors import DefinitionError
from engine.json_text import JSONTextError, read_json
from engine.testing.defaults import SHRINK_SECONDS

if TYPE_CHECKING:
    from engine.definition.model import WorkflowDefinition
    from engine.transition.registry import Registry

PROBLEM = 1


HINT = "'DEFINITION.json'"


def _definition(path: Path, registry_given: bool) -> WorkflowDefinition:
    """The definition in ``path``; a usage error if it cannot be read, is not JSON or is not
    shaped like a definition; the problems :func:`definition_from_json` finds are reported as
    the definition's (exit 1)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise click.BadParameter(f"cannot read {path}: {exc}", param_hint=HINT) from None
    try:
        raw = read_json(text)
    except JSONTextError as exc:
        raise click.BadParameter(f"{path}: {exc}", param_hint=HINT) from None
    if not isinstance(raw, dict):
        raise click.BadParameter(f"{path} must hold a JSON object, not {type(raw).__name__}",
                                 param_hint=HINT)
    try:
        from engine.definition.io import definition_from_json

        return definition_from_json(text)
    except DefinitionError as exc:
        _report_invalid(f"{raw.get('name') or path.name}", exc.problems, registry_given)
    except (AttributeError, TypeError, KeyError, ValueError) as exc:
        raise click.BadParameter(f"{path} is not shaped like a workflow definition "
                                 f"({type(exc).__name__}: {exc})", param_hint=HINT) from None


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
    from engine.transition.registry import Registry

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
    """The ``--invariant`` functions, each callable as ``fn(engine, instance_id)``."""
    found = [load_object(spec, "'--invariant'") for spec in specs]
    for spec, invariant in zip(specs, found, strict=True):
        try:
            inspect.signature(invariant).bind(None, "")
        except (TypeError, ValueError):
            raise click.BadParameter(f"{spec!r} is not a function (engine, instance_id) -> "
                                     "None", param_hint="'--invariant'") from None
    return found


def _problems(definition: WorkflowDefinition, registry: Registry) -> tuple[str, ...]:
    """Every static problem of the definition, each once (none if it validates)."""
    from engine.definition.validate import validate

    try:
        validate(definition, registry)
    except DefinitionError as exc:
        return tuple(dict.fromkeys(exc.problems))
    return ()


def _examples(spec: str | None) -> dict[str, Any] | None:
    """The example data ``--examples`` names: a mapping of trigger to ``fn(today, instance)``."""
    if spec is None:
        return None
    found = load_object(spec, "'--examples'")
    if not isinstance(found, Mapping) or not all(map(callable, found.values())):
        raise click.BadParameter(f"{spec!r} is not a mapping of trigger names to functions "
                                 "(today, instance) -> data", param_hint="'--examples'")
    return dict(found)


def _report_invalid(label: str, problems: Sequence[str], registry_given: bool) -> NoReturn:
    click.echo(f"invalid: {label} has {_count(len(problems), 'problem')}:")
    for problem in problems:
        click.echo(f"  - {problem}")
    if not registry_given and any(re.search(r"unknown (guard|action|data model)", p)
                                  for p in problems):
        click.echo("hint: the definition names guards, actions or data models: give the "
                   "registry that holds them, --registry module:attr")
    raise SystemExit(PROBLEM)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _report(found: Any) -> None:
    """Print what the exploration found; exit 1 for a failure or a run that tested nothing."""
    runs = _count(found.runs, "run")
    if found.failure is None and not found.tested:
        click.echo(f"inconclusive: {runs}, but no instance was started: the generated start "
                   "data never passed the definition's checks; give example data that does "
                   "(--examples module:attr)")
        raise SystemExit(PROBLEM)
    if found.failure is None:
        click.echo(f"ok: {runs}, {_count(found.started, 'instance')} started, states reached: "
                   f"{', '.join(found.states)}; no invariant broken")
        return
    click.echo(f"failed: {type(found.failure).__name__}: {found.failure}")
    where = traceback.extract_tb(found.failure.__traceback__)
    if where:
        click.echo(f"raised in {where[-1].name} ({where[-1].filename}:{where[-1].lineno})")
    click.echo("shrunk counterexample:")
    for number, line in enumerate(found.steps, 1):
        click.echo(f"  {number}. {line}")
    raise SystemExit(PROBLEM)


@click.command("check")
@click.argument("definition_path", metavar="DEFINITION.json",
                type=click.Path(path_type=Path, dir_okay=False))
@click.option("--registry", "registry_spec", metavar="MODULE:ATTR",
              help="The engine.Registry (or a callable returning one) holding the guards, "
                   "actions and data models the definition names.")
@click.option("--invariant", "invariant_specs", multiple=True, metavar="MODULE:ATTR",
              help="An extra invariant (engine, instance_id) -> None raising AssertionError "
                   "(repeatable).")
@click.option("--examples", "examples_spec", metavar="MODULE:ATTR",
              help="Example data the definition's checks accept: a mapping of trigger names "
                   "to functions (today, instance) -> data, so runs get deep.")
@click.option("--runs", type=click.IntRange(1, 100_000), default=50, show_default=True,
              help="How many random runs to try.")
@click.option("--steps", type=click.IntRange(1, 10_000), default=20, show_default=True,
              help="Steps per run.")
@click.option("--seed", type=int, default=None,
              help="Seed of the random runs (default: the same runs every time).")
@click.option("--shrink-seconds", type=click.IntRange(1, 3_600), default=SHRINK_SECONDS,
              show_default=True, help="How long to shorten a failing run.")
def check(definition_path: Path, registry_spec: str | None, invariant_specs: tuple[str, ...],
          examples_spec: str | None, runs: int, steps: int, seed: int | None,
          shrink_seconds: int) -> None:
    """Validate DEFINITION.json, then drive it at random and check the invariants."""
    registry = load_registry(registry_spec)
    invariants, examples = _invariants(invariant_specs), _examples(examples_spec)
    definition = _definition(definition_path, registry_spec is not None)
    label = f"{definition.name} v{definition.version}"
    problems = _problems(definition, registry)
    if problems:
        _report_invalid(label, problems, registry_spec is not None)
    click.echo(f"valid: {label}; exploring {_count(runs, 'random run')} of up to "
               f"{_count(steps, 'step')}")
    if find_spec("hypothesis") is None:
        raise click.UsageError("gongkai check explores with hypothesis, which is not installed: "
                               "pip install 'gongkai[testing]'")
    from engine.testing.exploration import explore

    try:
        found = explore(definition, invariants, registry=registry, examples=examples, runs=runs,
                        steps=steps, seed=seed, shrink_seconds=shrink_seconds)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--examples'") from None
    _report(found)
