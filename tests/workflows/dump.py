"""Test helpers for the disclosure request workflow: table dumps, routes to each state, actors,
and the ``shared_db`` fixture, a database per test module on each backend (import
``shared_db_fixture`` to use it).

``dump(engine)`` reads every row of the engine's tables through SQLAlchemy on ``engine.db``, so a
test can show that a refused call changed nothing (``with unchanged(engine): ...``).
``ROUTES`` names the steps that bring a freshly registered request into each open state.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

import engine.store.tables  # noqa: F401  (the tables)
from engine import Actor, Engine, Event
from engine.timesource import local_date, utc_dt
from tests.conftest import BACKENDS, _pg_schema_url
from tests.workflows.story import Story

TABLES = ("gongkai_instances", "gongkai_events", "gongkai_outbox", "gongkai_timers",
          "gongkai_counters")

SYSTEM_ROLE = "system"
HUMAN_ROLES = ("registrar", "handler", "office_head", "leader", "applicant")
EVERYONE = Actor("all-roles-1", HUMAN_ROLES)
"""One person holding every human role of the definition (not the engine's ``system``)."""

ROUTES: dict[str, tuple[str, ...]] = {
    "registered": (),
    "accepted": ("accept",),
    "awaiting_correction": ("request_correction",),
    "assigned": ("accept", "assign"),
    "awaiting_reasons": ("accept", "assign", "ask_reasons"),
    "consulting": ("accept", "assign", "consult"),
    "awaiting_fee": ("accept", "assign", "notify_fee"),
    "leader_review": ("accept", "assign", "propose"),
    "decided": ("accept", "assign", "propose", "approve"),
    "replied": ("accept", "assign", "propose", "approve", "reply"),
}
"""Steps from ``registered`` to each open state (all fired on one day in the tests)."""


@pytest.fixture(scope="module", params=BACKENDS, name="shared_db")
def shared_db_fixture(request: pytest.FixtureRequest,
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Like ``db_url`` (SQLite, and PostgreSQL when configured) but one database per module:
    each test still starts its own requests on it, and saves the schema set-up per test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('gongkai') / 'shared.db'}"
        return
    yield from _pg_schema_url()


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return utc_dt(value).astimezone(UTC)  # type: ignore[union-attr]
    return value


def dump(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Every row of every gongkai table, ordered by primary key, with UTC timestamps."""
    out: dict[str, list[dict[str, Any]]] = {}
    with engine.db.connect() as conn:
        for name in TABLES:
            table = SQLModel.metadata.tables[name]
            rows = conn.execute(sa.select(table).order_by(*table.primary_key.columns)).mappings()
            out[name] = [{k: _plain(v) for k, v in row.items()} for row in rows]
    return out


@contextmanager
def unchanged(engine: Engine) -> Iterator[None]:
    """Assert that nothing in the gongkai tables changes inside the block."""
    before = dump(engine)
    yield
    after = dump(engine)
    for name in TABLES:
        assert after[name] == before[name], f"{name} changed"


def story_in(db_url: str, state: str, received_on: str = "2025-11-03") -> Story:
    """A request received on ``received_on`` and brought into ``state`` on that same day."""
    story = Story(db_url, received_on)
    for trigger in ROUTES[state]:
        story.fire(trigger, received_on)
    assert story.now.state == state
    return story


def events(story: Story, trigger: str, clock: str | None = None) -> list[Event]:
    """The instance's events of one trigger (and one clock, for engine marks), in order."""
    return [e for e in story.engine.history(story.id) if e.trigger == trigger
            and (clock is None or e.data.get("clock") == clock)]


def local_day(moment: datetime) -> date:
    """The Beijing date of a stored moment."""
    return local_date(utc_dt(moment))  # type: ignore[arg-type]
