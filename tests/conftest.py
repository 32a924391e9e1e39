"""Fixtures shared by the whole suite: every engine test runs on SQLite and on PostgreSQL.

PostgreSQL tests run when ``GONGKAI_TEST_PG_URL`` is set (CI always sets it); each test gets a
schema of its own, so parallel runs and leftovers never collide.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from engine.testing import postgres_schema

PG_URL = os.environ.get("GONGKAI_TEST_PG_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'gongkai.db'}"
        return
    yield from _pg_schema_url()


@pytest.fixture
def pg_url() -> Iterator[str]:
    if not PG_URL:
        raise RuntimeError("GONGKAI_TEST_PG_URL is not set; this test needs PostgreSQL")
    yield from _pg_schema_url()


def _pg_schema_url() -> Iterator[str]:
    assert PG_URL
    with postgres_schema(PG_URL) as url:
        yield url


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without ``GONGKAI_TEST_PG_URL`` the PostgreSQL-only tests are deselected (never skipped):
    a user without PostgreSQL gets a green SQLite run; CI always sets the variable."""
    if PG_URL:
        return
    pg_only = [item for item in items if "pg_url" in getattr(item, "fixturenames", ())]
    if pg_only:
        config.hook.pytest_deselected(items=pg_only)
        items[:] = [item for item in items if item not in pg_only]
