"""The demo's files: its SQLite database, recognised by a marker beside it, and what it writes
(the HTML report and one Mermaid diagram per workflow)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from engine import WorkflowDefinition
from engine.definition.diagram import mermaid
from workflows.reports import AnnualReport
from workflows.reports.render import report_html

SQLITE_SUFFIXES = ("", "-wal", "-shm")
"""The database file and SQLite's write-ahead log and shared memory files beside it."""


class DatabaseInTheWay(ValueError):
    """The database file the demo would write exists and may not be replaced."""


def marker(db: Path) -> Path:
    """The file beside ``db`` that says a demo made it (so ``--fresh`` never removes anything
    else)."""
    return db.with_name(f"{db.name}.demo.json")


def prepare_database(db: Path, fresh: bool, about: dict[str, object]) -> None:
    """Make way for a new demo database at ``db`` and mark it as the demo's: nothing there, or
    (with ``fresh``) an earlier demo's files, removed. Raises :class:`DatabaseInTheWay`, changing
    nothing, for any other file, or an earlier demo without ``fresh``."""
    present = [Path(f"{db}{s}") for s in SQLITE_SUFFIXES if Path(f"{db}{s}").exists()]
    if present:
        if not marker(db).exists():
            raise DatabaseInTheWay(f"{db} exists and is not a gongkai demo database; it is left "
                                   "alone: choose another --db")
        if not fresh:
            state = "an unfinished" if not _finished(db) else "an earlier"
            raise DatabaseInTheWay(f"{db} holds {state} demo; pass --fresh to replace it, or "
                                   "choose another --db")
        for path in present:
            path.unlink()
    db.parent.mkdir(parents=True, exist_ok=True)
    _mark(db, {"gongkai": "demo", **about, "finished": False})


def finish_database(db: Path) -> None:
    """Mark the demo database at ``db`` as a whole year (an interrupted run stays unfinished)."""
    _mark(db, {**json.loads(marker(db).read_text(encoding="utf-8")), "finished": True})


def _finished(db: Path) -> bool:
    try:
        return bool(json.loads(marker(db).read_text(encoding="utf-8")).get("finished", True))
    except (OSError, ValueError, AttributeError):
        return False


def _mark(db: Path, about: dict[str, object]) -> None:
    marker(db).write_text(json.dumps(about, ensure_ascii=False) + "\n", encoding="utf-8")


def write_outputs(out: Path, report: AnnualReport,
                  definitions: Iterable[WorkflowDefinition]) -> list[Path]:
    """Write ``report-<year>.html`` and ``<workflow>.mmd`` for each definition into ``out``
    (created if needed); the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    html = out / f"report-{report.year}.html"
    html.write_text(report_html(report), encoding="utf-8")
    written = [html]
    for definition in definitions:
        path = out / f"{definition.name}.mmd"
        path.write_text(mermaid(definition) + "\n", encoding="utf-8")
        written.append(path)
    return written
