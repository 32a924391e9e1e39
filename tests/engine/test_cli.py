"""The command line for staff: ``gongkai timers`` (``--failed``, ``--pending``) and ``gongkai todo
--role ROLE``, run through click's CliRunner against a database the test filled.

(``gongkai worker`` runs as a real process in ``test_worker.py``: signals need one.)
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from click.testing import CliRunner

from calendars import ChinaCalendar
from engine import Engine, TransitionContext
from engine.cli import main
from engine.runtime.due import MAX_ATTEMPTS
from engine.testing import ManualClock
from tests.engine import timer_defs
from tests.engine.helpers import START, WeekdayCalendar
from tests.engine.timer_defs import CLERK


def run(*args: str, env: dict[str, str] | None = None) -> list[list[str]]:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return [line.split("\t") for line in result.output.splitlines()]


def moment(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def beijing(y: int, m: int, d: int, hh: int = 0) -> datetime:
    return datetime(y, m, d, hh, tzinfo=UTC) - timedelta(hours=8)


def unreachable(ctx: TransitionContext) -> dict[str, Any]:
    raise ConnectionError("mail gateway unreachable")


# -- gongkai timers -------------------------------------------------------------------------------

def test_timers_lists_failed_pending_and_all(db_url: str) -> None:
    # Ticket 1 (Mon 2025-03-03): reminder Wed 3-5 09:00 fires; its expiry (00:00 Fri 3-7) calls
    # a gateway that is down and is parked as failed. Ticket 2 (Fri 3-7, 01:00): 3-10, 3-11,
    # 3-12 → due Wed 3-12; reminder Tue 3-11 09:00, expiry 00:00 Thu 3-13, both pending.
    engine = Engine(db_url, clock=ManualClock(START), calendar=WeekdayCalendar(),
                    registry=timer_defs.ticket_registry(unreachable))
    engine.register(timer_defs.ticket(("notify_gateway",)))
    first = engine.start("ticket", CLERK).id
    engine.advance(datetime(2025, 3, 7, 1))
    second = engine.start("ticket", CLERK).id

    failed = run("timers", "--failed", "--db", db_url)
    assert [row[1:] for row in failed] == [
        ["automatic", "lapse", first, "failed", f"attempts={MAX_ATTEMPTS}",
         "ConnectionError: mail gateway unreachable"]]
    assert moment(failed[0][0]) >= beijing(2025, 3, 7)

    pending = run("timers", "--pending", "--db", db_url)
    assert [(moment(r[0]), *r[1:]) for r in pending] == [
        (beijing(2025, 3, 11, 9), "reminder", "reminder", second, "pending", "attempts=0"),
        (beijing(2025, 3, 13), "automatic", "lapse", second, "pending", "attempts=0"),
    ]

    everything = run("timers", env={"GONGKAI_DB": db_url})  # the database from the environment
    assert [(r[3], r[2], r[4]) for r in everything] == [
        (first, "reminder", "fired"), (first, "lapse", "failed"),
        (second, "reminder", "pending"), (second, "lapse", "pending")]


# -- gongkai todo ---------------------------------------------------------------------------------

def test_todo_prints_the_worklist_of_a_role(db_url: str) -> None:
    # Official calendar; the command runs on the real clock, long after these deadlines:
    # T2 received Mon 2025-01-20 → due 2025-02-21 (Spring Festival case of test_clock_rule);
    # T1 received Mon 2025-03-03 → due 2025-03-31; T3 paused by a consultation; T4 replied.
    clock = ManualClock(datetime(2025, 1, 20, 10))
    engine = Engine(db_url, clock=clock, calendar=ChinaCalendar(provisional=True))
    engine.register(timer_defs.request())

    def receive(day: str, key: str) -> str:
        clock.set(datetime.combine(date.fromisoformat(day), time(10)))
        return engine.start("request", CLERK, {"received_on": day}, business_key=key).id

    t2 = receive("2025-01-20", "依申〔2025〕2号")
    t4 = receive("2025-02-08", "依申〔2025〕4号")
    engine.fire(t4, "reply", CLERK, {"replied_on": "2025-02-08"})
    t1 = receive("2025-03-03", "依申〔2025〕1号")
    t3 = receive("2025-09-22", "依申〔2025〕3号")
    clock.set(datetime(2025, 9, 26, 10))
    engine.fire(t3, "consult", CLERK, {"sent_on": "2025-09-26"})

    clerk_triggers = "consult,reply,request_correction,withdraw"
    assert run("todo", "--role", "clerk", "--db", db_url) == [
        [t2, "依申〔2025〕2号", "registered", "reply due 2025-02-21 OVERDUE", clerk_triggers],
        [t1, "依申〔2025〕1号", "registered", "reply due 2025-03-31 OVERDUE", clerk_triggers],
        [t3, "依申〔2025〕3号", "consulting", "-", "receive_opinions,withdraw"],
    ]
    assert [row[0] for row in run("todo", "--role", "head", "--db", db_url)] == [t2, t1]
    assert [row[4] for row in run("todo", "--role", "head", "--db", db_url)] == ["extend"] * 2
    both = run("todo", "--role", "head", "--role", "clerk", "--workflow", "request",
               "--db", db_url)
    assert [row[0] for row in both] == [t2, t1, t3]
    assert both[0][4] == "consult,extend,reply,request_correction,withdraw"
    assert run("todo", "--role", "clerk", "--page", "2", "--db", db_url) == []
    assert run("todo", "--role", "visitor", "--db", db_url) == []


def test_a_database_that_cannot_be_opened_is_a_storage_error_without_the_password(
        tmp_path: Any) -> None:
    """Exit 7 (the storage family of engine.cli.errors), one line naming --db; a SQLite file in
    a directory that does not exist is a missing file (exit 2, below)."""
    for url in ("not-a-url", "postgresql+psycopg://nobody:secret@127.0.0.1:1/x"):
        for command in (["timers"], ["todo", "--role", "registrar"]):
            result = CliRunner().invoke(main, [*command, "--db", url])
            assert result.exit_code == 7, result.output
            assert "DatabaseUnavailable: " in result.output and "opening --db" in result.output
            assert "secret" not in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(main, ["timers", "--db", f"sqlite:///{tmp_path}/missing/dir/x.db"])
    assert result.exit_code == 2 and "no database at" in result.output, result.output


def test_a_missing_sqlite_file_is_refused_and_not_created(tmp_path: Any) -> None:
    """A mistyped --db would otherwise make an empty database (and a report of zeros)."""
    url = f"sqlite:///{tmp_path}/typo.db"
    for command in (["timers"], ["todo", "--role", "registrar"], ["verify"],
                    ["list", "disclosure_request"], ["show", "x"]):
        result = CliRunner().invoke(main, [*command, "--db", url])
        assert result.exit_code == 2, result.output
        assert "no database at" in result.output and "typo.db" in result.output
    assert not (tmp_path / "typo.db").exists()


def test_another_applications_sqlite_file_is_refused_and_left_alone(tmp_path: Any) -> None:
    """A --db naming another application's SQLite file must not get gongkai's tables created
    in it, by a command that reads or by one that would create a new database."""
    import sqlite3

    path = tmp_path / "app.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE orders (id INTEGER)")
    for command in (["timers"], ["verify"], ["list", "disclosure_request"],
                    ["start", "disclosure_request", "--actor", "a", "--role", "registrar",
                     "--data", "{}"]):
        result = CliRunner().invoke(main, [*command, "--db", f"sqlite:///{path}"])
        assert result.exit_code == 2, result.output
        assert "is not a gongkai database" in result.output
    with sqlite3.connect(path) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master")]
    assert names == ["orders"]


def test_a_multi_line_error_stays_on_its_timer_line() -> None:
    from engine.cli import _one_line

    assert _one_line("DefinitionError: definition x is invalid:\n  - a\n  - b\n") == (
        "DefinitionError: definition x is invalid: | - a | - b")
