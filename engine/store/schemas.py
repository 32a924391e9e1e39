"""Throw-away PostgreSQL schemas, for tests and benchmarks that must not see each other's rows."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import sqlalchemy as sa


@contextmanager
def postgres_schema(url: str, prefix: str = "t") -> Iterator[str]:
    """A throw-away PostgreSQL schema for one test or benchmark run.

    Yields a URL whose connections use the new schema (also from other processes), and drops the
    schema with everything in it afterwards.
    """
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in url else "?"
    try:
        yield f"{url}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()
