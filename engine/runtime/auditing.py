"""Verifying an agency's histories: each instance's chain, row and checkpoints, the checkpoint
log against the database, and starting a log for an existing database.

The :class:`~engine.runtime.engine.Engine` facade delegates here; the key and the log themselves
are ``engine.runtime.history``'s.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from engine.audit import Checkpoint, HistoryCheck
from engine.errors import HistoryTampered, InvalidArgument, StorageError
from engine.runtime.core import Core
from engine.runtime.faults import translated
from engine.store import read
from engine.store.checkpoints import CheckpointFile

Verified = tuple[str, str, HistoryCheck | HistoryTampered]
"""``(instance id, workflow, what was checked or why it does not verify)``."""


def verified(core: Core, instance_id: str, entries: Sequence[Checkpoint]) -> Verified:
    """One instance verified against its checkpoint ``entries``; a record that cannot even be
    read is reported as tampered. Raises :class:`NotFound` for an unknown instance."""
    workflow = "?"
    try:
        with translated(core.url), core.read() as conn:
            row = core.load(conn, instance_id)
            workflow = row.workflow
            return instance_id, workflow, core.history.verify(conn, row, entries)
    except HistoryTampered as exc:
        return instance_id, workflow, exc
    except StorageError as exc:
        return instance_id, workflow, HistoryTampered(
            instance_id, 0, f"its stored record cannot be read: {exc}")


def verify_one(core: Core, instance_id: str) -> HistoryCheck:
    """What was checked of one instance; raises :class:`HistoryTampered` if it does not
    verify."""
    index, _ = core.history.index()
    _, _, result = verified(core, instance_id, index.get(instance_id, ()))
    if isinstance(result, HistoryTampered):
        raise result
    return result


def verify_all(core: Core) -> Iterator[Verified]:
    """Every instance of the core's agency verified, in id order (ids are listed without
    reading records, so one that cannot be read does not stop the others)."""
    index, _ = core.history.index()
    for instance_id in read.ids_of(core.db, core.agency, {"gongkai_read": True}):
        yield verified(core, instance_id, index.get(instance_id, ()))


def log_problems(core: Core) -> list[str]:
    """The checkpoint log's problems for the agency, one line each."""
    index, problems = core.history.index()
    with core.read() as conn:
        lines = [*core.history.orphans(conn, core.agency, index), *problems]
        sink = core.history.sink
        if (isinstance(sink, CheckpointFile) and (sink.missing or not index)
                and read.has_instances(conn, core.agency)):
            lines.append(f"the checkpoint log {sink.path} is missing or empty though the "
                         "database holds instances (deleted or truncated, or a wrong path?); "
                         "gongkai checkpoint starts a new one")
    return lines


def checkpoint_all(core: Core) -> tuple[int, list[HistoryTampered]]:
    """Append the head of every instance that verifies to the log: how many, and the refusals
    of the others. Raises :class:`InvalidArgument` without a checkpoint log."""
    history = core.history
    if history.sink is None:
        raise InvalidArgument("checkpoints", "is not configured: no checkpoint log to append to")
    heads, broken = [], []
    for instance_id, _, result in verify_all(core):
        if isinstance(result, HistoryTampered):
            broken.append(result)
        else:
            heads.append(Checkpoint(core.agency, instance_id, result.events, result.head,
                                    core.now()).signed(history.key))
    history.sink.append(heads)
    return len(heads), broken
