"""Fixtures for the calendar tests: calendars that ignore the environment, schedule files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import pytest

from calendars import ChinaCalendar
from calendars.errors import SCHEDULE_DIR_ENV

WriteSchedule = Callable[..., Path]

@pytest.fixture(autouse=True)
def _no_ambient_schedule_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SCHEDULE_DIR_ENV, raising=False)


@pytest.fixture(scope="session")
def strict() -> ChinaCalendar:
    return ChinaCalendar(schedule_files=[])


@pytest.fixture(scope="session")
def provisional() -> ChinaCalendar:
    return ChinaCalendar(schedule_files=[], provisional=True)


def schedule_toml(
    year: object,
    source: object,
    holidays: Mapping[str, Iterable[object]] = {},
    workdays: Mapping[str, Iterable[object]] = {},
) -> str:
    """A schedule file's text; dates are written as given (quoted unless already TOML dates)."""
    lines = []
    if year is not None:
        lines.append(f"year = {year}")
    if source is not None:
        lines.append(f'source = "{source}"')
    for table, entries in (("holidays", holidays), ("workdays", workdays)):
        for name, dates in entries.items():
            written = ", ".join(
                d.isoformat() if isinstance(d, dt.date) else f'"{d}"' for d in dates
            )
            lines += ["", f"[[{table}]]", f'name = "{name}"', f"dates = [{written}]"]
    return "\n".join(lines) + "\n"


@pytest.fixture
def write_schedule(tmp_path: Path) -> WriteSchedule:
    """Write a schedule file into tmp_path (or `directory`) and return its path."""

    def write(
        year: object,
        source: object = "国务院办公厅关于部分节假日安排的通知（测试用）",
        holidays: Mapping[str, Iterable[object]] = {},
        workdays: Mapping[str, Iterable[object]] = {},
        *,
        name: str | None = None,
        directory: Path | None = None,
    ) -> Path:
        folder = directory or tmp_path
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / (name or f"{year}.toml")
        path.write_text(schedule_toml(year, source, holidays, workdays), encoding="utf-8")
        return path

    return write
