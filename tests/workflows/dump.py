"""Test helpers for the disclosure request workflow: table dumps, routes to each state, actors,
and the ``shared_db`` fixture, a database per test module on each backend (import
``shared_db_fixture`` to use it).

``dump(engine)`` reads every row of the engine's tables through SQLAlchemy on ``engine.db``, so a
test can show that a refused call changed nothing (``with unchanged(engine): ...``).
``ROUTES`` names the steps that bring a freshly registered request into each open state.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import Any

import pytest

from engine import Actor, Engine, Event
from engine.testing import dump as testing_dump
from engine.testing import unchanged as testing_unchanged
from engine.timesource import local_date, utc_dt
from tests.conftest import BACKENDS, _pg_schema_url
from tests.workflows.story import Story

TABLES = ("gongkai_instances", "gongkai_events", "gongkai_outbox", "gongkai_timers",
          "gongkai_counters")

SYSTEM_ROLE = "system"
HUMAN_ROLES = ("registrar", "handler", "office_head", "leader", "applicant", "secrecy_reviewer")
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
    "leader_review": ("accept", "assign", "review_confidentiality", "propose"),
    "decided": ("accept", "assign", "review_confidentiality", "propose", "approve"),
    "replied": ("accept", "assign", "review_confidentiality", "propose", "approve", "reply"),
    "awaiting_determination": ("accept", "assign", "refer_for_determination"),
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


def dump(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Every row of the request tables, ordered by primary key, with UTC timestamps."""
    return testing_dump(engine, TABLES)


def unchanged(engine: Engine) -> AbstractContextManager[None]:
    """Assert that nothing in the request tables changes inside the block."""
    return testing_unchanged(engine, TABLES)


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


def asked_for_reasons(db_url: str) -> Story:
    """A request received and assigned on Mon 2025-11-03 whose applicant was asked on Nov 4 for
    the reasons of a clearly unreasonable volume (条例 35)."""
    story = Story(db_url, "2025-11-03")
    story.fire("accept", "2025-11-03")
    story.fire("assign", "2025-11-03")
    story.fire("ask_reasons", "2025-11-04")
    return story
