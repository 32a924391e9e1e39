"""The instance commands ``gongkai list``, ``show``, ``start``, ``fire`` and ``verify``, personal
data masking, and the group's one error handler, through click's CliRunner on SQLite and
PostgreSQL (the ``db_url`` fixture).

The CLI runs on the real clock and the built-in workflows (registered as ``open_engine`` does,
through the ``gongkai.workflows`` entry point). A request received today has its reply period
(20 working days, 条例 33) running; one received on 2025-09-12 is long overdue.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result

import workflows
from calendars import ChinaCalendar
from engine import Engine, State, Title, Transition, WorkflowDefinition
from engine.cli import main
from engine.timesource import SHANGHAI

REPLY_DAYS = 20
"""条例 33: the reply is due within 20 working days of receipt."""
NOTICE_DAYS = 7
"""条例 30: a correction is asked for within 7 working days of receipt."""
CONTACT = "13800000000"
MASKED_CONTACT = "138******00"
OLD = date(2025, 9, 12)


def today() -> date:
    return datetime.now(SHANGHAI).date()


def request_data(received: date, contact: str = CONTACT) -> dict[str, Any]:
    """A request received online on ``received`` (README, "Use it as a library")."""
    return {"applicant": {"name": "张三", "type": "natural_person", "contact": contact,
                          "id": "zhang.san"},
            "channel": "online", "confirmed_on": received.isoformat(),
            "description": "2024年技术改造项目扶持资金分配结果"}


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def ok(*args: str) -> list[list[str]]:
    result = cli(*args)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return [line.split("\t") for line in result.stdout.splitlines()]


def refused(code: int, *args: str) -> str:
    """The one stderr line of a refused command (nothing on stdout), after checking the exit
    code."""
    result = cli(*args)
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("gongkai: error: ")
    return lines[0]


def start(db_url: str, received: date, *extra: str) -> list[list[str]]:
    return ok("start", "disclosure_request", "--db", db_url, "--actor", "li.na",
              "--role", "registrar", "--data", json.dumps(request_data(received)), *extra)


def reply_due(received: date) -> str:
    return ChinaCalendar(provisional=True).add_working_days(received, REPLY_DAYS).isoformat()


def notice_due(received: date) -> str:
    return ChinaCalendar(provisional=True).add_working_days(received, NOTICE_DAYS).isoformat()


def deadlines(lines: list[list[str]]) -> dict[str, list[str]]:
    return {row[1]: row[2:] for row in lines if row[0] == "deadline"}


def opened(db_url: str) -> Engine:
    """An engine of its own on the database, with the built-in workflows, to read back."""
    engine = Engine(db_url)
    workflows.register_all(engine)
    return engine


def history_length(db_url: str, instance_id: str) -> int:
    with opened(db_url) as engine:
        return len(engine.history(instance_id))


# -- start and fire -------------------------------------------------------------------------------

def test_start_prints_the_id_label_state_and_deadlines(db_url: str) -> None:
    lines = start(db_url, OLD)
    instance_id, label, state = lines[0]
    with opened(db_url) as engine:
        stored = engine.get(instance_id)
    assert (label, state) == (stored.data["register_number"], "registered")
    assert stored.data["applicant"]["contact"] == CONTACT  # masking never touches the data
    reply = deadlines(lines)["reply"]
    assert reply[1] == f"due {reply_due(OLD)} OVERDUE"
    assert set(deadlines(lines)) == set(stored.deadlines)


def test_start_today_runs_the_reply_period(db_url: str) -> None:
    reply = deadlines(start(db_url, today()))["reply"]
    assert reply[0] == "running"
    assert reply[1].startswith(f"due {reply_due(today())}") and "OVERDUE" not in reply[1]


def test_fire_prints_the_new_state_and_deadlines(db_url: str) -> None:
    instance_id = start(db_url, today())[0][0]
    lines = ok("fire", instance_id, "accept", "--db", db_url, "--actor", "li.na",
               "--role", "registrar")
    assert lines[0][0] == instance_id and lines[0][2] == "accepted"
    assert deadlines(lines)["reply"][1].startswith(f"due {reply_due(today())}")
    wrong = ok("fire", instance_id, "withdraw", "--db", db_url, "--actor", "zhang.san",
               "--role", "applicant", "--data", json.dumps({"withdrawn_on":
                                                            today().isoformat()}))
    assert wrong[0][2] == "closed"
    assert all(row[2] == "stopped" for row in wrong[1:])


# -- refusals: one line on stderr, nothing changed ------------------------------------------------

def test_refusals_are_one_line_and_change_nothing(db_url: str) -> None:
    instance_id = start(db_url, today())[0][0]
    act = ("--db", db_url, "--actor", "li.na")
    assert refused(3, "fire", "no-such-id", "accept", *act, "--role", "registrar") == (
        "gongkai: error: NotFound: instance 'no-such-id' not found")
    assert refused(3, "show", "no-such-id", "--db", db_url).startswith(
        "gongkai: error: NotFound: ")
    wrong_role = refused(4, "fire", instance_id, "accept", *act, "--role", "applicant")
    assert wrong_role.startswith("gongkai: error: PermissionDenied: actor 'li.na'")
    unknown = refused(4, "fire", instance_id, "approve_everything", *act, "--role", "registrar")
    assert unknown.startswith("gongkai: error: InvalidTransition: ")
    assert "accept" in unknown  # the valid triggers are named
    bad_json = refused(2, "fire", instance_id, "accept", *act, "--role", "registrar",
                       "--data", "{applicant:")
    assert bad_json.startswith("gongkai: error: BadParameter: Invalid value for '--data': "
                               "not valid JSON")
    not_object = refused(2, "fire", instance_id, "accept", *act, "--role", "registrar",
                         "--data", "[1, 2]")
    assert "must be a JSON object, not list" in not_object
    assert history_length(db_url, instance_id) == 1
    assert ok("show", instance_id, "--db", db_url)[2] == ["state", "registered"]


def test_invalid_start_data_is_refused_and_starts_nothing(db_url: str) -> None:
    data = request_data(today())
    del data["applicant"]
    line = refused(5, "start", "disclosure_request", "--db", db_url, "--actor", "li.na",
                   "--role", "registrar", "--data", json.dumps(data))
    assert line.startswith("gongkai: error: InvalidData: invalid data for 'register'")
    assert "applicant" in line
    assert ok("list", "disclosure_request", "--db", db_url) == []


def test_usage_errors_exit_2_with_one_line(db_url: str) -> None:
    missing = refused(2, "start", "disclosure_request", "--db", db_url, "--role", "registrar",
                      "--data", "{}")
    assert missing == "gongkai: error: MissingParameter: Missing option '--actor'."
    assert refused(2, "fire", "x", "accept", "--db", db_url, "--actor", " ",
                   "--role", "r").startswith("gongkai: error: BadParameter: ")
    assert refused(2, "--no-such-flag", "list") == (
        "gongkai: error: NoSuchOption: No such option '--no-such-flag'.")
    assert refused(2, "start", "no_such_workflow", "--db", db_url, "--actor", "a",
                   "--role", "r", "--data", "{}").startswith(
        "gongkai: error: BadParameter: Invalid value for 'WORKFLOW': unknown workflow")


def test_debug_shows_the_traceback_instead(db_url: str) -> None:
    opened(db_url).close()
    result = cli("--debug", "show", "no-such-id", "--db", db_url)
    assert result.exit_code == 3
    assert result.stderr.startswith("Traceback (most recent call last):")
    assert result.stderr.rstrip().endswith("engine.errors.NotFound: instance 'no-such-id' "
                                           "not found")
    assert "gongkai: error:" not in result.stderr


def test_a_group_without_a_command_still_prints_its_help() -> None:
    result = cli()
    assert "Usage:" in result.output and "gongkai: error" not in result.output


# -- list -----------------------------------------------------------------------------------------

def test_list_shows_label_state_and_the_most_urgent_deadline(db_url: str) -> None:
    old = start(db_url, OLD)[0][0]
    new = start(db_url, today())[0][0]
    ok("fire", new, "accept", "--db", db_url, "--actor", "li.na", "--role", "registrar")
    with opened(db_url) as engine:
        labels = {i: engine.get(i).data["register_number"] for i in (old, new)}
    rows = {row[0]: row[1:] for row in ok("list", "disclosure_request", "--db", db_url)}
    assert set(rows) == {old, new}
    assert rows[old][:2] == [labels[old], "registered"]
    # the correction notice period (7 working days, 条例 30) ends before the reply period
    assert rows[old][2] == f"correction_notice due {notice_due(OLD)} OVERDUE"
    assert rows[new] == [labels[new], "accepted", f"correction_notice due {notice_due(today())}"]
    overdue = ok("list", "disclosure_request", "--overdue", "--db", db_url)
    assert [row[0] for row in overdue] == [old]
    accepted = ok("list", "disclosure_request", "--state", "accepted", "--db", db_url)
    assert [row[0] for row in accepted] == [new]
    assert ok("list", "publication_approval", "--db", db_url) == []


def test_list_refuses_an_unknown_workflow_or_state_naming_the_known_ones(db_url: str) -> None:
    opened(db_url).close()
    line = refused(2, "list", "disclosure", "--db", db_url)
    assert "unknown workflow 'disclosure'; known: " in line
    assert "disclosure_request" in line and "publication_approval" in line
    state = refused(2, "list", "disclosure_request", "--state", "nowhere", "--db", db_url)
    assert "has no state 'nowhere'" in state and "registered" in state


def test_list_is_of_one_agency(db_url: str) -> None:
    start(db_url, today(), "--agency", "a")
    assert ok("list", "disclosure_request", "--db", db_url) == []
    assert len(ok("list", "disclosure_request", "--db", db_url, "--agency", "a")) == 1


# -- show -----------------------------------------------------------------------------------------

def test_show_prints_the_timeline(db_url: str) -> None:
    instance_id = start(db_url, today())[0][0]
    ok("fire", instance_id, "accept", "--db", db_url, "--actor", "wang", "--role", "registrar")
    lines = ok("show", instance_id, "--db", db_url)
    with opened(db_url) as engine:
        stored = engine.get(instance_id)
        events = engine.history(instance_id)
    assert lines[:4] == [["instance", instance_id], ["workflow", "disclosure_request", "v1"],
                         ["state", "accepted"], ["label", stored.data["register_number"]]]
    shown = [row for row in lines if row[0] == "event"]
    assert [row[1:4] for row in shown] == [
        [str(e.seq), e.event_time.astimezone(SHANGHAI).isoformat(sep=" ", timespec="seconds"),
         e.trigger] for e in events]
    assert [row[4:6] for row in shown] == [["li.na (registrar)", "-→registered"],
                                           ["wang (registrar)", "registered→accepted"]]
    registered = json.loads(shown[0][6])
    assert registered["applicant"]["contact"] == MASKED_CONTACT
    assert registered["register_number"] == stored.data["register_number"]
    assert "reply start" in shown[0][7]  # 条例 33: the reply period runs from receipt
    current = {row[1]: row[2:] for row in lines if row[0] == "deadline"}
    assert current["reply"][0] == "running"
    assert current["reply"][1].startswith(f"due {reply_due(today())}")
    moved = [row[1:] for row in lines if row[0] == "due" and row[1] == "reply"]
    assert moved == [["reply", reply_due(today()), "epoch 1", "set in registered", "pending"]]


def test_show_tells_where_the_deadline_stopped(db_url: str) -> None:
    instance_id = start(db_url, today())[0][0]
    ok("fire", instance_id, "withdraw", "--db", db_url, "--actor", "zhang.san",
       "--role", "applicant", "--data", json.dumps({"withdrawn_on": today().isoformat()}))
    lines = ok("show", instance_id, "--db", db_url)
    assert lines[2][:2] == ["state", "closed"] and lines[2][2].startswith("closed ")
    withdraw = [row for row in lines if row[0] == "event"][-1]
    assert withdraw[3] == "withdraw" and "running clocks stop (closed)" in withdraw[7]
    assert {row[1]: row[2] for row in lines if row[0] == "deadline"}["reply"] == "stopped"
    reply_timer = [row for row in lines if row[0] == "due" and row[1] == "reply"]
    assert reply_timer[0][5].startswith("cancelled ")


def test_show_unmasks_personal_data_only_when_asked(db_url: str) -> None:
    instance_id = start(db_url, today())[0][0]
    masked = cli("show", instance_id, "--db", db_url).stdout
    assert CONTACT not in masked and MASKED_CONTACT in masked
    plain = cli("show", instance_id, "--db", db_url, "--show-personal-data").stdout
    assert CONTACT in plain and MASKED_CONTACT not in plain


# -- verify ---------------------------------------------------------------------------------------

def test_verify_counts_intact_histories(db_url: str) -> None:
    start(db_url, today())
    start(db_url, OLD)
    assert ok("verify", "--db", db_url) == [
        ["2 instance(s) checked, 0 with a broken history"],
        ["history: chains UNKEYED (no history key: set $GONGKAI_HISTORY_KEY_FILE); no "
         "checkpoint log (set $GONGKAI_CHECKPOINT_LOG); 2 instance(s) with unkeyed events"]]


def test_verify_names_each_tampered_instance_and_exits_1(db_url: str) -> None:
    victim = start(db_url, today())[0][0]
    bystander = start(db_url, OLD)[0][0]
    ok("fire", victim, "accept", "--db", db_url, "--actor", "li.na", "--role", "registrar")
    with Engine(db_url) as engine, engine.db.begin() as conn:
        conn.execute(sa.text("UPDATE gongkai_events SET trigger = 'reply' "
                             "WHERE instance_id = :i AND seq = 2"), {"i": victim})
    result = cli("verify", "--db", db_url)
    assert result.exit_code == 1, result.output
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert lines[0][:3] == [victim, "disclosure_request", "TAMPERED"]
    assert f"history of instance {victim} is broken at event 2" in lines[0][3]
    assert lines[1] == ["2 instance(s) checked, 1 with a broken history"]
    assert lines[2][0].startswith("history: chains UNKEYED")
    assert bystander not in result.stdout


# -- masking in listings of a definition whose label is personal ----------------------------------

def visit() -> WorkflowDefinition:
    """A visitor log whose label is the visitor's phone, marked personal with every contact."""
    return WorkflowDefinition(
        name="visit", version=1, title=Title("来访登记", "Visit"),
        states=(State("waiting", Title("等候"), "initial"),
                State("seen", Title("已接待"), "terminal")),
        transitions=(Transition("arrive", (), "waiting", roles=("clerk",)),
                     Transition("see", ("waiting",), "seen", roles=("clerk",))),
        start_trigger="arrive", roles=("clerk",),
        settings={"label_field": "phone", "personal_data": ["phone", "companions.contact"]})


def test_list_todo_and_show_mask_what_the_definition_marks_personal(db_url: str) -> None:
    with Engine(db_url) as engine:
        engine.register(visit())
    data = {"phone": "13912345678", "companions": [{"name": "李四", "contact": "lisi@qq.com"}]}
    started = ok("start", "visit", "--db", db_url, "--actor", "c", "--role", "clerk",
                 "--data", json.dumps(data))
    instance_id = started[0][0]
    assert started[0][1] == "139******78"
    assert ok("list", "visit", "--db", db_url)[0][:2] == [instance_id, "139******78"]
    assert ok("list", "visit", "--db", db_url, "--show-personal-data")[0][1] == "13912345678"
    assert ok("todo", "--role", "clerk", "--db", db_url)[0][1] == "139******78"
    assert ok("todo", "--role", "clerk", "--db", db_url,
              "--show-personal-data")[0][1] == "13912345678"
    event = [row for row in ok("show", instance_id, "--db", db_url) if row[0] == "event"][0]
    assert json.loads(event[6]) == {"phone": "139******78",
                                    "companions": [{"name": "李四", "contact": "lis******om"}]}


@pytest.mark.parametrize("command", ["list", "show", "todo", "start", "fire"])
def test_every_instance_listing_offers_show_personal_data(command: str) -> None:
    assert "--show-personal-data" in cli(command, "--help").stdout
