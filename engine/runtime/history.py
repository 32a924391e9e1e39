"""An engine's history guarantees: its key, its checkpoint log, and verifying against both.

Configuration (an :class:`~engine.Engine` argument first, else the environment, so that the
agency's application, its workers and the ``gongkai`` command line all seal and check alike):

- the history key: ``Engine(history_key=...)`` (bytes, or text taken as UTF-8), else the file
  named by ``$GONGKAI_HISTORY_KEY_FILE`` (its bytes, surrounding whitespace stripped), else
  ``$GONGKAI_HISTORY_KEY``. At least 16 bytes; generate one with
  ``python -c "import secrets; print(secrets.token_hex(32))"``. Keep it outside the database and
  away from whoever administers it. Without a key, chains are plain SHA-256 and verification
  says they are unkeyed.
- the checkpoint log: ``Engine(checkpoints=...)`` (a path of a JSON-lines file, a
  :class:`~engine.store.checkpoints.CheckpointSink`, or a callable taking each
  :class:`~engine.audit.Checkpoint`), else the file ``$GONGKAI_CHECKPOINT_LOG``. Every commit that
  wrote events appends their heads after it committed; a crash between the commit and the append
  (or a log that cannot be written: logged, never raised) leaves those events unprotected until
  the next transition of the instance or :meth:`History.checkpoint_all`. A callable sink cannot be
  read back: verification then does not compare.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from engine.audit import (
    Checkpoint,
    HistoryCheck,
    HistoryKey,
    check_checkpoints,
    check_row,
    verify_chain,
)
from engine.errors import InvalidArgument
from engine.store import read
from engine.store.checkpoints import (
    CallableSink,
    CheckpointFile,
    CheckpointSink,
    Heads,
    ReadableSink,
)
from engine.transition.change import StoredInstance

log = logging.getLogger("gongkai.history")
KEY_FILE_ENV = "GONGKAI_HISTORY_KEY_FILE"
KEY_ENV = "GONGKAI_HISTORY_KEY"
LOG_ENV = "GONGKAI_CHECKPOINT_LOG"
Checkpoints = str | os.PathLike[str] | CheckpointSink | Callable[[Checkpoint], None] | None


def history_key(value: bytes | str | HistoryKey | None) -> HistoryKey | None:
    """The key an engine seals with: ``value``, else the environment's (see the module).
    Raises :class:`InvalidArgument` for a key too short or a key file that cannot be read."""
    if isinstance(value, HistoryKey):
        return value
    source, secret = "history_key", value
    if secret is None and os.environ.get(KEY_FILE_ENV):
        source, secret = f"${KEY_FILE_ENV}", _read_key(os.environ[KEY_FILE_ENV])
    elif secret is None and os.environ.get(KEY_ENV):
        source, secret = f"${KEY_ENV}", os.environ[KEY_ENV]
    if secret is None:
        return None
    try:
        return HistoryKey(secret.encode() if isinstance(secret, str) else bytes(secret))
    except ValueError as exc:
        raise InvalidArgument(source, str(exc)) from None


def _read_key(path: str) -> bytes:
    try:
        return Path(path).read_bytes().strip()
    except OSError as exc:
        raise InvalidArgument(f"${KEY_FILE_ENV}", f"names {path}, which cannot be read: "
                                                  f"{exc.strerror}") from None


def checkpoint_sink(value: Checkpoints) -> CheckpointSink | None:
    """Where checkpoints go: ``value``, else ``$GONGKAI_CHECKPOINT_LOG`` (see the module)."""
    if value is None:
        value = os.environ.get(LOG_ENV) or None
    if value is None or hasattr(value, "append"):
        return value  # type: ignore[return-value]
    if callable(value):
        return CallableSink(value)
    sink = CheckpointFile(value)
    try:
        sink.check()
    except OSError as exc:
        raise InvalidArgument("checkpoints", f"names a log that cannot be created or written: "
                                             f"{exc}") from exc
    return sink


class History:
    """The key and checkpoint sink of one engine, and verification against them."""

    def __init__(self, key: bytes | str | HistoryKey | None, checkpoints: Checkpoints) -> None:
        self.key = history_key(key)
        self.sink = checkpoint_sink(checkpoints)

    def transaction(self) -> Heads:
        """What a writing transaction carries (``engine.store.checkpoints``)."""
        return Heads(self.key)

    def committed(self, heads: Heads) -> None:
        """Append the heads a committed transaction wrote; never raises (it has committed)."""
        if self.sink is None or not heads.written:
            return
        try:
            self.sink.append([entry.signed(self.key) for entry in heads.written])
        except Exception as exc:  # the transition stands; the log misses these heads
            log.error("appending %d checkpoint(s) to %r failed (%s: %s); gongkai checkpoint "
                      "appends them later", len(heads.written), self.sink, type(exc).__name__,
                      exc)

    def describe(self) -> str:
        """One line: keyed or not, and where checkpoints go."""
        keyed = (f"chains keyed (history key {self.key.id})" if self.key is not None else
                 f"chains UNKEYED (no history key: set ${KEY_FILE_ENV})")
        if self.sink is None:
            return f"{keyed}; no checkpoint log (set ${LOG_ENV})"
        readable = "" if isinstance(self.sink, ReadableSink) else ", write-only: not compared"
        return f"{keyed}; checkpoints in {self.sink!r}{readable}"

    def index(self) -> tuple[Mapping[str, Sequence[Checkpoint]], Sequence[str]]:
        """The log's entries by instance and its unreadable lines (nothing without a log)."""
        if isinstance(self.sink, ReadableSink):
            return self.sink.index()
        return {}, []

    def verify(self, conn: Any, row: StoredInstance,
               entries: Sequence[Checkpoint] = ()) -> HistoryCheck:
        """Verify the instance's chain, its row and its checkpoints (``entries``, read before
        ``row`` so that a concurrent commit cannot look like a deletion)."""
        events = read.history(conn, row)
        check = verify_chain(row.id, events, row.last_hash, row.seq, self.key,
                             created_at=row.created_at)
        highest = check_checkpoints(row.id, events, entries, self.key)
        covered = check_row(row.id, events, read.covered_row(conn, row.id))
        return replace(check, row_covered=covered, checkpointed=highest)

    def orphans(self, conn: Any, agency: str,
                index: Mapping[str, Sequence[Checkpoint]]) -> list[str]:
        """One line per instance of ``agency`` the log knows and the database does not."""
        mine = {iid: entries for iid, entries in index.items()
                if any(e.agency == agency for e in entries)}
        found = read.existing_ids(conn, agency, mine)
        return [_missing(iid, entries, self.key) for iid, entries in mine.items()
                if iid not in found]


def _missing(instance_id: str, entries: Sequence[Checkpoint], key: HistoryKey | None) -> str:
    last = max(entries, key=lambda e: e.seq)
    forged = "" if all(e.authentic(key) for e in entries) else (
        " (and its entries do not verify under the history key)")
    return (f"instance {instance_id}: the checkpoint log records event {last.seq} of "
            f"{last.at.isoformat()} but the instance is not in the database: deleted{forged}")
