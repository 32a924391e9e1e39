"""Chain heads kept outside the database: what a writing transaction sealed, and the
append-only log they go to after commit.

A writing transaction carries a :class:`Heads` in its execution options (:data:`OPTION`):
``engine.store.write`` seals each event with its key and notes the new head there; a head noted
inside a savepoint that rolls back is dropped again (:func:`track_savepoints`). After commit
the runtime appends the heads to a :class:`CheckpointFile` (JSON lines, one ``os.write`` per
batch on a file opened ``O_APPEND``: processes sharing the file do not interleave lines) or to
any :class:`CheckpointSink` the agency names.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from sqlalchemy import Engine as SAEngine
from sqlalchemy import event
from sqlalchemy.engine import Connection

from engine.audit import Checkpoint, HistoryKey

OPTION = "gongkai_history"
"""The execution option of a writing connection holding its :class:`Heads`."""


class Heads:
    """The key a writing transaction seals events with, the heads it wrote, and (when the
    transaction asked for it, :meth:`hold_outbox`) the outbox rows it holds back to insert in
    one statement before commit."""

    __slots__ = ("key", "written", "held", "_marks")

    def __init__(self, key: HistoryKey | None) -> None:
        self.key = key
        self.written: list[Checkpoint] = []
        self.held: list[dict[str, Any]] | None = None
        self._marks: list[tuple[int, int]] = []

    def note(self, agency: str, instance_id: str, seq: int, digest: str, at: datetime) -> None:
        self.written.append(Checkpoint(agency, instance_id, seq, digest, at))

    def hold_outbox(self) -> None:
        """Hold outbox rows back from now on (``engine.store.write.flush_outbox`` inserts them):
        the timer drain writes a batch's rows in one statement."""
        if self.held is None:
            self.held = []

    def mark(self) -> None:
        """A savepoint began (savepoints nest: a stack of marks)."""
        self._marks.append((len(self.written), len(self.held or ())))

    def release(self) -> None:
        if self._marks:
            self._marks.pop()

    def undo(self) -> None:
        """The innermost savepoint rolled back: forget the heads noted, and the outbox rows
        held, since it began."""
        if self._marks:
            written, held = self._marks.pop()
            del self.written[written:]
            if self.held is not None:
                del self.held[held:]


def heads_of(conn: Connection) -> Heads | None:
    """The transaction's :class:`Heads` (``None``: a connection the runtime did not open)."""
    heads: Heads | None = conn.get_execution_options().get(OPTION)
    return heads


def track_savepoints(db: SAEngine) -> None:
    """Drop the heads noted inside a savepoint when it rolls back."""

    @event.listens_for(db, "savepoint")
    def _savepoint(conn: Connection, name: str | None) -> None:
        heads = heads_of(conn)
        if heads is not None:
            heads.mark()

    @event.listens_for(db, "release_savepoint")
    def _release(conn: Connection, name: str, context: Any) -> None:
        heads = heads_of(conn)
        if heads is not None:
            heads.release()

    @event.listens_for(db, "rollback_savepoint")
    def _rollback(conn: Connection, name: str, context: Any) -> None:
        heads = heads_of(conn)
        if heads is not None:
            heads.undo()


class CheckpointSink(Protocol):
    """Where checkpoints go: ``append`` is called after each commit with the heads it wrote."""

    def append(self, entries: Sequence[Checkpoint]) -> None: ...


@runtime_checkable
class ReadableSink(CheckpointSink, Protocol):
    """A sink that can be read back for verification: ``index`` answers every entry by
    instance, and the problems of entries that could not be read."""

    def index(self) -> tuple[Mapping[str, Sequence[Checkpoint]], Sequence[str]]: ...


class CallableSink:
    """A write-only sink: each entry handed to a callable (e.g. a remote append-only store)."""

    def __init__(self, call: Callable[[Checkpoint], None]) -> None:
        self.call = call

    def append(self, entries: Sequence[Checkpoint]) -> None:
        for entry in entries:
            self.call(entry)


class CheckpointFile:
    """A JSON-lines checkpoint log at ``path``: ``{"agency", "instance", "seq", "hash", "at",
    "mac"}`` per line. Reading is incremental: only lines appended since the last read are
    parsed (the index holds every entry in memory, about 200 bytes each)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._offset = 0
        self._entries: dict[str, list[Checkpoint]] = {}
        self._problems: list[str] = []

    def __repr__(self) -> str:
        return f"CheckpointFile({str(self.path)!r})"

    def check(self) -> None:
        """Raise ``OSError`` if the log cannot be written: its directory is missing or
        read-only, or the path is a directory."""
        folder = self.path.absolute().parent
        if not folder.is_dir():
            raise FileNotFoundError(f"the directory {folder} does not exist")
        if self.path.is_dir() or not os.access(folder if not self.path.exists() else self.path,
                                                os.W_OK):
            raise PermissionError(f"{self.path} cannot be written")

    @property
    def missing(self) -> bool:
        """Whether the log file does not exist (never written, deleted or misnamed)."""
        return not self.path.exists()

    def append(self, entries: Sequence[Checkpoint]) -> None:
        """Append ``entries`` in one write (raises ``OSError`` if the file cannot be written)."""
        if not entries:
            return
        text = "".join(json.dumps(_line(e), ensure_ascii=False) + "\n" for e in entries)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, text.encode())
        finally:
            os.close(fd)

    def index(self) -> tuple[Mapping[str, Sequence[Checkpoint]], Sequence[str]]:
        """Every entry by instance id, and a problem per line that is not an entry (or if the
        file shrank since it was last read: lines were removed)."""
        with self._lock:
            self._refresh()
            return self._entries, list(self._problems)

    def _refresh(self) -> None:
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            self._entries, self._offset, self._problems = {}, 0, []
            return
        if size < self._offset:
            self._entries, self._offset = {}, 0
            self._problems = [f"the checkpoint log {self.path} shrank while this engine read it"]
        if size == self._offset:
            return
        with self.path.open("rb") as f:
            f.seek(self._offset)
            chunk = f.read(size - self._offset)
        complete = chunk[:chunk.rfind(b"\n") + 1]
        first_line = self._line_number()
        for number, raw in enumerate(complete.splitlines(), start=first_line):
            self._add(number, raw)
        self._offset += len(complete)

    def _line_number(self) -> int:
        return sum(len(v) for v in self._entries.values()) + len(self._problems) + 1

    def _add(self, number: int, raw: bytes) -> None:
        try:
            entry = _entry(json.loads(raw))
        except (ValueError, KeyError, TypeError):
            self._problems.append(f"line {number} of {self.path} is not a checkpoint")
            return
        self._entries.setdefault(entry.instance_id, []).append(entry)


def _line(entry: Checkpoint) -> dict[str, Any]:
    line: dict[str, Any] = dict(agency=entry.agency, instance=entry.instance_id, seq=entry.seq,
                                hash=entry.hash, at=entry.at.astimezone(UTC).isoformat())
    if entry.mac is not None:
        line["mac"] = entry.mac
    return line


def _entry(raw: dict[str, Any]) -> Checkpoint:
    seq, at = raw["seq"], datetime.fromisoformat(raw["at"])
    if not isinstance(seq, int) or seq < 1 or at.tzinfo is None:
        raise ValueError("not a checkpoint")
    return Checkpoint(str(raw["agency"]), str(raw["instance"]), seq, str(raw["hash"]), at,
                      raw.get("mac"))
