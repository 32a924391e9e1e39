"""Fixtures shared by the whole suite: every engine test runs on SQLite and on PostgreSQL.

PostgreSQL tests run when ``GONGKAI_TEST_PG_URL`` is set (CI always sets it); each test gets a
schema of its own, so parallel runs and leftovers never collide.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import pytest
import sqlalchemy as sa

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
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()
