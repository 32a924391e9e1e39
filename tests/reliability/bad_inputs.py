"""The catalogue of bad inputs (issue 13): one entry a bad input, with the error it must raise.

Each :class:`Bad` names the input (``id``), how it is given (``call``, on a :class:`World`: an
engine holding disclosure requests in a few states), the exact error class expected (not a
parent) and a regex its message must match. ``test_bad_inputs`` runs every entry on SQLite and
PostgreSQL and checks, besides class and message, that the message is short and that the
database dump is the same before and after. :data:`CLI` lists bad ``gongkai`` command lines.

Dates: the world's requests are received in person on Mon 2025-11-03 and its clock stands at
10:00 Beijing that day, so 2025-11-04 is in the future; the fee period (国办函〔2020〕109号,
条例 42) ends on 2025-12-01 and the consultation period (条例 32) on 2025-11-24.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, time
from pathlib import Path
from typing import Any

from calendars import ChinaCalendar
from calendars import errors as calendar_errors
from calendars.errors import CalendarError, ScheduleFileError
from engine import (
    Actor,
    ConcurrentUpdate,
    DefinitionError,
    Engine,
    GuardRejected,
    InvalidData,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    grant_system,
)
from engine.clocks.schedules import ScheduleSpec
from engine.definition.io import definition_from_dict, definition_from_json
from engine.errors import DatabaseUnavailable, InvalidArgument, ScheduleError
from tests.engine.definition_edits import setting
from tests.workflows.story import HANDLER, REGISTRAR, payload

MB10 = 10 * 1024 * 1024
"""Ten megabytes of one character: the size of the issue's oversized values."""
DAY = "2025-11-03"
PARTY = "某科技有限公司"
IMPOSTOR = Actor("anyone", "system")
BRIDGE = grant_system("oa-scheduler")
OTHER_APPLICANT = Actor("app-2", "applicant")
DATE_OUT_OF_RANGE: type[CalendarError] = getattr(calendar_errors, "DateOutOfRange", CalendarError)
"""The calendar's error for a day past 9999-12-31 (issue 13, kind 9; the class comes with the CLI
error handler's branch, until then its parent, which today's ``OverflowError`` is not either)."""


@dataclass
class World:
    """What the entries act on: ``engine`` (every workflow registered, clock at 10:00 on
    :data:`DAY`), a request in each state of ``ids``, and a folder for files."""

    url: str
    engine: Engine
    ids: dict[str, str]
    folder: Path
    files: dict[str, Path] = field(default_factory=dict)

    def file(self, name: str, text: str) -> Path:
        """``text`` written to ``name`` in the world's folder (once)."""
        path = self.folder / name
        path.write_text(text, encoding="utf-8")
        return path


Call = Callable[[World], object]


@dataclass(frozen=True)
class Bad:
    """One bad input: ``call`` must raise exactly ``error`` with a message matching
    ``message`` (``re.search``)."""

    id: str
    call: Call
    error: type[BaseException]
    message: str


def nested(depth: int) -> dict[str, Any]:
    """An object nested ``depth`` levels deep."""
    value: dict[str, Any] = {}
    for _ in range(depth - 1):
        value = {"a": value}
    return value


def register(**extra: Any) -> Call:
    """Start a disclosure request with register data overridden by ``extra``."""
    return lambda w: w.engine.start("disclosure_request", REGISTRAR,
                                    payload("register", DAY, **extra))


def accept(data: object) -> Call:
    """Fire ``accept`` (a trigger without a data model) with ``data`` on the registered request."""
    return lambda w: w.engine.fire(w.ids["registered"], "accept", REGISTRAR,
                                   data)  # type: ignore[arg-type]


def fire(state: str, trigger: str, actor: Actor, data: dict[str, Any] | None = None,
         **options: Any) -> Call:
    """Fire ``trigger`` as ``actor`` on the request in ``state``."""
    return lambda w: w.engine.fire(w.ids[state], trigger, actor, data, **options)


# -- definitions ---------------------------------------------------------------------------------

def probe_definition() -> dict[str, Any]:
    """A small valid definition in its JSON form (registered by no test: only spoilt copies)."""
    return {
        "name": "bad_input_probe", "version": 1,
        "states": [{"name": "draft", "kind": "initial"}, {"name": "done", "kind": "terminal"}],
        "transitions": [
            {"trigger": "start", "sources": [], "dest": "draft", "roles": ["clerk"]},
            {"trigger": "finish", "sources": ["draft"], "dest": "done", "roles": ["clerk"]}],
        "roles": ["clerk"],
    }


def definition_json(text: str) -> Call:
    """Load ``text`` as a definition and register it."""
    return lambda w: w.engine.register(definition_from_json(text))


def spoilt(change: Callable[[dict[str, Any]], None]) -> Call:
    """Register the probe definition's JSON after ``change``."""
    raw = probe_definition()
    change(raw)
    return definition_json(json.dumps(raw))


def dropping(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda raw: raw.pop(key)


# -- schedules and schedule files ----------------------------------------------------------------

def schedule(spec: object, name: str = "bad-input-probe") -> Call:
    """Schedule the yearly disclosure-request start ``name`` with ``spec``."""
    return lambda w: w.engine.schedule(name, spec, "disclosure_request")  # type: ignore[arg-type]


SOURCE = "国务院办公厅关于2027年部分节假日安排的通知（测试用）"


def schedule_file(name: str, text: str) -> Call:
    """Write ``text`` as schedule file ``name`` and build a calendar from it (swapped in only
    if it loads)."""
    def call(w: World) -> None:
        w.engine.calendar = ChinaCalendar(schedule_files=[w.file(name, text)])
    return call


def toml(*lines: str) -> str:
    return "\n".join(lines) + "\n"


HEAD = (f'year = 2027\nsource = "{SOURCE}"',)


# -- the catalogue -------------------------------------------------------------------------------

API: list[Bad] = [
    # kind 1: raw exceptions instead of the package's errors
    Bad("start-data-is-a-string", lambda w: w.engine.start("disclosure_request", REGISTRAR,
                                                           "abc"),  # type: ignore[arg-type]
        InvalidData, r"\(data\): must be an object"),
    Bad("start-data-is-a-list", lambda w: w.engine.start("disclosure_request", REGISTRAR,
                                                         [("a", 1)]),  # type: ignore[arg-type]
        InvalidData, r"\(data\): must be an object"),
    Bad("start-actor-none", lambda w: w.engine.start("disclosure_request", None,  # type: ignore
                                                     payload("register", DAY)),
        TypeError, r"actor must be an engine\.Actor, not NoneType"),
    Bad("fire-actor-a-string", lambda w: w.engine.fire(w.ids["registered"], "accept",
                                                       "reg-1"),  # type: ignore[arg-type]
        TypeError, r"actor must be an engine\.Actor, not str"),
    Bad("start-workflow-not-a-string", lambda w: w.engine.start(5, REGISTRAR),  # type: ignore
        TypeError, r"workflow must be a string, not int"),
    Bad("start-unknown-workflow", lambda w: w.engine.start("no_such_workflow", REGISTRAR),
        NotFound, r"no_such_workflow"),
    Bad("fire-id-not-a-string", lambda w: w.engine.fire(123, "accept",  # type: ignore[arg-type]
                                                        REGISTRAR),
        TypeError, r"instance_id must be a string, not int"),
    Bad("fire-retries-negative", fire("registered", "accept", REGISTRAR, retries=-1),
        InvalidArgument, r"'retries' must be a whole number from 0"),
    Bad("fire-retries-a-float", fire("registered", "accept", REGISTRAR, retries=1.5),
        TypeError, r"retries must be an int, not float"),
    Bad("find-page-size-zero", lambda w: list(w.engine.find(page_size=0)),
        InvalidArgument, r"'page_size' must be a whole number from 1"),
    Bad("find-page-size-text", lambda w: list(w.engine.find(page_size="10")),  # type: ignore
        TypeError, r"page_size"),
    Bad("worklist-page-zero", lambda w: w.engine.worklist(REGISTRAR, page=0),
        InvalidArgument, r"'page' must be a whole number from 1"),
    Bad("worklist-page-size-huge", lambda w: w.engine.worklist(REGISTRAR, page_size=10**9),
        InvalidArgument, r"'page_size' must be a whole number from 1 to 10000"),
    Bad("run-due-timers-limit-zero", lambda w: w.engine.run_due_timers(limit=0),
        InvalidArgument, r"'limit' must be a whole number from 1"),
    Bad("start-worker-poll-nan", lambda w: w.engine.start_worker(poll_interval=math.nan),
        InvalidArgument, r"'poll_interval' must be a finite number of seconds from 0.01"),
    Bad("start-worker-poll-negative", lambda w: w.engine.start_worker(poll_interval=-1),
        InvalidArgument, r"'poll_interval' must be a finite number of seconds from 0.01"),
    Bad("advance-to-text", lambda w: w.engine.advance("2025-12-01"),  # type: ignore[arg-type]
        TypeError, r"to must be a datetime, not str"),
    Bad("events-since-text", lambda w: list(w.engine.events(since="yesterday")),  # type: ignore
        InvalidData, r"since: must be a datetime"),
    Bad("get-lone-surrogate", lambda w: w.engine.get("\ud800"),
        NotFound, r"instance .* not found"),
    Bad("get-nul", lambda w: w.engine.get("\x00"), NotFound, r"instance '\\x00' not found"),
    Bad("get-unknown-id", lambda w: w.engine.get("00000000-0000-0000-0000-000000000000"),
        NotFound, r"instance '00000000-0000-0000-0000-000000000000' not found"),
    Bad("history-10mb-id", lambda w: w.engine.history("x" * MB10),
        NotFound, r"^instance 'x{39}… not found$"),
    Bad("engine-sqlite-missing-directory", lambda w: Engine("sqlite:////no/such/dir/g.db"),
        DatabaseUnavailable, r"/no/such/dir"),
    Bad("engine-sqlite-memdb-vfs", lambda w: Engine("sqlite:///file:memdb1?vfs=memdb&uri=true"),
        DatabaseUnavailable, r"not a database in memory"),
    Bad("engine-password-in-query", lambda w: Engine("mysql://h/db?password=s3cret"),
        DatabaseUnavailable, r"password=\*\*\*"),
    Bad("engine-mysql-url", lambda w: Engine("mysql://user@localhost/gongkai"),
        DatabaseUnavailable, r"mysql"),
    Bad("engine-not-a-url", lambda w: Engine("not a database url"),
        DatabaseUnavailable, r"not a database url"),
    Bad("engine-blank-agency", lambda w: Engine(w.url, agency="  "),
        InvalidArgument, r"agency.*non-empty"),

    # kind 2: unchecked free-form data (accept has no data model)
    Bad("data-integer-key", accept({1: "a"}), InvalidData, r"field names must be text, not 1"),
    Bad("data-975-deep", accept(nested(975)), InvalidData, r"nested deeper than 16 levels"),
    Bad("data-17-deep", accept(nested(17)), InvalidData, r"nested deeper than 16 levels"),
    Bad("data-nan", accept({"x": math.nan}), InvalidData, r"x: must be a finite number, not nan"),
    Bad("data-infinity", accept({"x": math.inf}), InvalidData,
        r"x: must be a finite number, not inf"),
    Bad("data-minus-infinity-in-list", accept({"x": [1, -math.inf]}), InvalidData,
        r"x\[1\]: must be a finite number, not -inf"),
    Bad("data-integer-beyond-64-bits", accept({"x": 2**64}), InvalidData, r"x: .*64 bits"),
    Bad("data-a-set", accept({"x": {1, 2}}), InvalidData, r"x: must be text, .* not set"),
    Bad("data-bytes", accept({"x": b"abc"}), InvalidData, r"x: must be text, .* not bytes"),
    Bad("data-a-date", accept({"x": date(2025, 11, 3)}), InvalidData,
        r"x: must be text, .* not date"),
    Bad("data-1001-items", accept({"x": list(range(1001))}), InvalidData,
        r"x: holds 1001 entries; at most 1000"),
    Bad("data-over-1mb", accept({f"k{i}": "y" * 19_000 for i in range(60)}), InvalidData,
        r"holds about \d+ characters; at most 1000000"),
    Bad("data-blank-key", accept({" ": 1}), InvalidData, r"field name must be a non-empty"),

    # kind 3: no size limits (and no 10 MB echoed back)
    Bad("register-10mb-description", register(description="d" * MB10), InvalidData,
        r"description: .*at most 20000 characters"),
    Bad("actor-10mb-id", lambda w: Actor("a" * MB10, "registrar"), InvalidArgument,
        r"'actor id' has at most 128 characters"),
    Bad("start-10mb-business-key", lambda w: w.engine.start(
        "disclosure_request", REGISTRAR, payload("register", DAY), business_key="k" * MB10),
        InvalidData, r"business_key: has at most 255 characters"),
    Bad("fire-10mb-trigger", fire("registered", "t" * MB10, REGISTRAR), InvalidArgument,
        r"'trigger' has at most 200 characters"),
    Bad("data-10mb-key", accept({"k" * MB10: 1}), InvalidData, r"field name has at most 128"),
    Bad("data-10mb-text", accept({"note": "n" * MB10}), InvalidData,
        r"note: has at most 20000 characters"),

    # kind 4: blank, invisible and control text
    Bad("actor-blank-id", lambda w: Actor("   ", "registrar"), InvalidArgument,
        r"'actor id' must be a non-empty string"),
    Bad("actor-padded-id", lambda w: Actor(" reg-1", "registrar"), InvalidArgument,
        r"'actor id' may not begin or end with spaces"),
    Bad("actor-rtl-override-id", lambda w: Actor("reg\u202e1-", "registrar"), InvalidArgument,
        r"'actor id' may not contain .* U\+202E \(Cf\)"),
    Bad("actor-not-nfc-id", lambda w: Actor("e\u0301", "registrar"), InvalidArgument,
        r"normal form NFC"),
    Bad("actor-role-line-break", lambda w: Actor("reg-1", "registrar\n"), InvalidArgument,
        r"'actor role' may not contain .* U\+000A"),
    Bad("actor-roles-not-strings", lambda w: Actor("reg-1", [1]),  # type: ignore[list-item]
        TypeError, r"roles must be strings"),
    Bad("register-zero-width-description", register(description="\u200b\u200b\u200b"),
        InvalidData, r"description: .*U\+200B \(Cf\)"),
    Bad("register-blank-description", register(description="   "), InvalidData,
        r"description: "),
    Bad("start-empty-business-key", lambda w: w.engine.start(
        "disclosure_request", REGISTRAR, payload("register", DAY), business_key=""),
        InvalidData, r"business_key: must be a non-empty string"),
    Bad("start-rtl-business-key", lambda w: w.engine.start(
        "disclosure_request", REGISTRAR, payload("register", DAY), business_key="A\u202e1"),
        InvalidData, r"business_key: may not contain .*U\+202E \(Cf\)"),
    Bad("data-nul-inside", accept({"note": "a\x00b"}), InvalidData, r"note: .*U\+0000 \(Cc\)"),
    Bad("data-lone-surrogate", accept({"note": "a\udc00"}), InvalidData,
        r"note: .*U\+DC00 \(Cs\)"),
    Bad("data-key-with-nul", accept({"a\x00": 1}), InvalidData, r"field name may not contain"),

    # kind 5: lenient dates
    Bad("register-received-in-1900", register(received_on="1900-01-01"), InvalidData,
        r"received_on: .*1900-01-01 is outside 1949-10-01 to 2099-12-31"),
    Bad("register-received-after-2099", register(received_on="2100-01-04"), InvalidData,
        r"received_on: .*2100-01-04 is outside"),
    Bad("register-received-tomorrow", register(received_on="2025-11-04"), InvalidData,
        r"received_on: .*2025-11-04 is after today \(2025-11-03"),
    Bad("register-handed-in-naive-datetime", register(received_on=None,
                                                      handed_in_on="2025-11-03T09:00:00"),
        InvalidData, r"handed_in_on: .*needs its time zone"),
    Bad("register-received-basic-format", register(received_on="20251103"), InvalidData,
        r"received_on: .*not a date \(YYYY-MM-DD\)"),
    Bad("register-received-a-number", register(received_on=20251103), InvalidData,
        r"received_on: .*not a number"),
    Bad("register-received-30-february", register(received_on="2025-02-30"), InvalidData,
        r"received_on: .*not a date"),

    # kind 6: misleading errors
    Bad("fire-expected-version-true", fire("registered", "accept", REGISTRAR,
                                           expected_version=True),
        TypeError, r"expected_version must be an int, not bool"),
    Bad("fire-expected-version-zero", fire("registered", "accept", REGISTRAR,
                                           expected_version=0),
        InvalidArgument, r"'expected_version' must be a whole number from 1"),
    Bad("fire-expected-version-stale", fire("registered", "accept", REGISTRAR,
                                            expected_version=7),
        ConcurrentUpdate, r"expected row version 7, found 1"),
    Bad("start-invalid-data-names-no-instance", register(channel="pigeon"), InvalidData,
        r"^invalid data for 'register': (?!.*on instance)"),
    Bad("fire-trigger-not-valid-here", fire("registered", "approve", REGISTRAR),
        InvalidTransition, r"cannot fire 'approve' .* in state 'registered'; valid triggers"),

    # kind 7: definitions that load and then break every start
    Bad("definition-version-text", spoilt(setting("version", "2")), DefinitionError,
        r"version: must be a whole number of at least 1, not '2'"),
    Bad("definition-version-fraction", spoilt(setting("version", 2.5)), DefinitionError,
        r"version: must be a whole number of at least 1, not 2\.5"),
    Bad("definition-version-true", spoilt(setting("version", True)), DefinitionError,
        r"version: must be a whole number of at least 1, not True"),
    Bad("definition-merge-data-text", spoilt(setting("transitions.1.merge_data", "false")),
        DefinitionError, r"transitions\[1\] \('finish'\)\.merge_data: must be true or false"),
    Bad("definition-unknown-key", spoilt(setting("statse", [])), DefinitionError,
        r"definition: unknown key 'statse'"),
    Bad("definition-unknown-key-in-state", spoilt(setting("states.0.gaurds", [])),
        DefinitionError, r"states\[0\] \('draft'\): unknown key 'gaurds'"),
    Bad("definition-guards-a-string", spoilt(setting("transitions.1.guards", "abc")),
        DefinitionError, r"guards: must be a list of names, not the string 'abc'"),
    Bad("definition-missing-name", spoilt(dropping("name")), DefinitionError,
        r"definition \(unnamed\) .*missing key 'name'"),
    Bad("definition-json-array", definition_json("[1, 2]"), DefinitionError,
        r"definition: must be an object, not list"),
    Bad("definition-json-string", definition_json('"abc"'), DefinitionError,
        r"definition: must be an object, not str"),
    Bad("definition-not-json", definition_json("{name: probe"), DefinitionError,
        r"not valid JSON"),
    Bad("definition-json-nested-100000", definition_json("[" * 100_000 + "]" * 100_000),
        DefinitionError, r"JSON nested too deeply to read"),
    Bad("definition-10mb-name", spoilt(setting("name", "n" * MB10)), DefinitionError,
        r"name: has at most 200 characters"),
    Bad("definition-dict-not-a-dict", lambda w: w.engine.register(
        definition_from_dict(None)), DefinitionError, r"must be an object, not null"),

    # schedules
    Bad("schedule-unknown-kind", schedule({"kind": "monthly"}), ScheduleError,
        r"unknown kind 'monthly'"),
    Bad("schedule-n-zero", schedule({"kind": "nth_working_day", "n": 0}), ScheduleError,
        r"n must not be 0"),
    Bad("schedule-month-13", schedule({"kind": "nth_working_day", "months": [13]}),
        ScheduleError, r"months out of range 1-12: 13"),
    Bad("schedule-at-25h", schedule({"kind": "every_working_day", "at": "25:00"}),
        ScheduleError, r"at must be a time of day 'HH:MM'"),
    Bad("schedule-not-a-mapping", schedule("daily"), ScheduleError,
        r"must be a mapping \(JSON object\), got str"),
    Bad("schedule-unknown-key", schedule({"kind": "every_working_day", "when": "9"}),
        ScheduleError, r"unknown keys 'when'"),
    Bad("schedule-10mb-at", schedule({"kind": "every_working_day", "at": "9" * MB10}),
        ScheduleError, r"at must be a time of day 'HH:MM'"),
    Bad("schedule-spec-tz-aware-at", lambda w: ScheduleSpec.every_working_day(
        at=time(9, 0, tzinfo=UTC)), ScheduleError, r"must have no tzinfo"),
    Bad("schedule-blank-name", schedule({"kind": "every_working_day"}, name="  "),
        InvalidData, r"name"),

    # schedule files
    Bad("schedule-file-not-toml", schedule_file("broken.toml", 'year = 2027\nsource = "x\n'),
        ScheduleFileError, r"broken\.toml: not valid TOML"),
    Bad("schedule-file-missing-year", schedule_file("noyear.toml", f'source = "{SOURCE}"\n'),
        ScheduleFileError, r"missing `year`"),
    Bad("schedule-file-year-text", schedule_file("text.toml", toml(
        'year = "2027"', f'source = "{SOURCE}"')), ScheduleFileError, r"`year` must be"),
    Bad("schedule-file-date-outside-year", schedule_file("outside.toml", toml(
        *HEAD, "[[holidays]]", 'name = "元旦"', 'dates = ["2026-12-31"]')),
        ScheduleFileError, r"2026-12-31: .*outside year 2027"),
    Bad("schedule-file-workday-on-weekday", schedule_file("weekday.toml", toml(
        *HEAD, "[[workdays]]", 'name = "春节调休"', 'dates = ["2027-02-22"]')),
        ScheduleFileError, r"must be a Saturday or Sunday, this is a Monday"),
    Bad("schedule-file-unknown-key", schedule_file("typo.toml", toml(
        *HEAD, "[[holiday]]", 'name = "春节"')), ScheduleFileError, r"unknown key 'holiday'"),
    Bad("schedule-file-absent", lambda w: ChinaCalendar(
        schedule_files=[w.folder / "absent.toml"]), ScheduleFileError, r"cannot read"),
    Bad("schedule-file-nested-deep", schedule_file("deep.toml", "a = " + "[" * 100_000
                                                   + "]" * 100_000 + "\n"),
        ScheduleFileError, r"deep\.toml: .*nested too deeply"),
    Bad("calendar-add-past-9999", lambda w: ChinaCalendar(provisional=True).add_working_days(
        date(9999, 12, 31), 1), DATE_OUT_OF_RANGE, r"9999-12-31"),

    # kind 10: roles anyone can claim
    Bad("impostor-system-fires-fee-lapsed", fire("awaiting_fee", "fee_lapsed", IMPOSTOR),
        PermissionDenied, r"actor 'anyone' may not fire 'fee_lapsed' .*\(reserved role\)"),
    Bad("impostor-system-fires-consultation-lapsed", fire(
        "consulting", "consultation_lapsed", IMPOSTOR, {"party": PARTY}),
        PermissionDenied, r"\(reserved role\)"),
    Bad("granted-system-lapses-consultation-early", fire(
        "consulting", "consultation_lapsed", BRIDGE, {"party": PARTY}),
        GuardRejected, r"consultation_period_over.*ends on 2025-11-24"),
    Bad("granted-system-lapses-fee-early", fire("awaiting_fee", "fee_lapsed", BRIDGE),
        GuardRejected, r"fee_period_over.*ends on 2025-12-01"),
    Bad("another-applicant-withdraws", fire(
        "assigned", "withdraw", OTHER_APPLICANT, payload("withdraw", DAY)),
        PermissionDenied, r"actor 'app-2' may not fire 'withdraw' .*\(not the applicant\)"),
    Bad("handler-fires-register-only-trigger", fire("registered", "accept", HANDLER),
        PermissionDenied, r"actor 'div-1' with roles \['handler'\] may not fire 'accept'"),
]
"""Bad inputs to the library (and to the definition and schedule-file loaders)."""


# -- the command line ----------------------------------------------------------------------------

@dataclass(frozen=True)
class BadLine:
    """One bad ``gongkai`` command line: ``args`` (built on the world) must exit non-zero with
    one line ``gongkai: error: ...`` matching ``message``."""

    id: str
    args: Callable[[World], list[str]]
    message: str


def on_db(*args: str) -> Callable[[World], list[str]]:
    """``args`` with ``--db`` naming the world's database; an argument ``{state}`` is the id of
    the request in that state."""
    def build(w: World) -> list[str]:
        filled = [w.ids.get(a[1:-1], a) if a.startswith("{") else a for a in args]
        return [*filled, "--db", w.url]
    return build


def plain(*args: str) -> Callable[[World], list[str]]:
    return lambda w: list(args)


def with_file(name: str, text: str, *args: str) -> Callable[[World], list[str]]:
    """``args`` then the path of a file ``name`` holding ``text``."""
    return lambda w: [*args, str(w.file(name, text))]


REG = ("--actor", "reg-1", "--role", "registrar")
WITHDRAWAL = json.dumps(payload("withdraw", DAY), ensure_ascii=False)

CLI: list[BadLine] = [
    BadLine("cli-fire-nan-data", on_db("fire", "{registered}", "accept", *REG,
                                       "--data", '{"x": NaN}'),
            r"--data.*NaN is not a number JSON allows"),
    BadLine("cli-fire-data-a-list", on_db("fire", "{registered}", "accept", *REG,
                                          "--data", "[1]"),
            r"--data.*must be a JSON object, not list"),
    BadLine("cli-fire-data-not-json", on_db("fire", "{registered}", "accept", *REG,
                                            "--data", "{x"),
            r"--data.*not valid JSON"),
    BadLine("cli-fire-data-10mb", on_db("fire", "{registered}", "accept", *REG,
                                        "--data", json.dumps({"note": "n" * MB10})),
            r"note: has at most 20000 characters"),
    BadLine("cli-fire-data-deep", on_db("fire", "{registered}", "accept", *REG,
                                        "--data", "[" * 100_000 + "]" * 100_000),
            r"--data"),
    BadLine("cli-start-blank-actor", on_db("start", "disclosure_request", "--actor", "  ",
                                           "--role", "registrar", "--data",
                                           json.dumps(payload("register", DAY))),
            r"--actor.*non-empty"),
    BadLine("cli-start-zero-width-description", on_db(
        "start", "disclosure_request", *REG, "--data",
        json.dumps(payload("register", DAY, description="\u200b"))),
            r"InvalidData: .*description: .*U\+200B"),
    BadLine("cli-show-unknown-id", on_db("show", "00000000-0000-0000-0000-000000000000"),
            r"NotFound: instance '00000000-0000-0000-0000-000000000000' not found"),
    BadLine("cli-show-nul-id", on_db("show", "a\x00b"), r"NotFound: instance .* not found"),
    BadLine("cli-fire-unknown-trigger", on_db("fire", "{registered}", "no_such_trigger", *REG),
            r"InvalidTransition: cannot fire 'no_such_trigger'"),
    BadLine("cli-impostor-fee-lapsed", on_db("fire", "{awaiting_fee}", "fee_lapsed",
                                             "--actor", "anyone", "--role", "system"),
            r"PermissionDenied: .*reserved role"),
    BadLine("cli-another-applicant-withdraws", on_db(
        "fire", "{assigned}", "withdraw", "--actor", "app-2", "--role", "applicant",
        "--data", WITHDRAWAL), r"PermissionDenied: .*not the applicant"),
    BadLine("cli-todo-page-negative", on_db("todo", "--role", "registrar", "--page", "-1"),
            r"page"),
    BadLine("cli-todo-page-zero", on_db("todo", "--role", "registrar", "--page", "0"),
            r"page"),
    BadLine("cli-blank-agency", on_db("timers", "--agency", " "), r"agency"),
    BadLine("cli-db-missing-directory", plain("list", "disclosure_request", "--db",
                                              "sqlite:////no/such/dir/g.db"),
            r"/no/such/dir"),
    BadLine("cli-db-mysql", plain("list", "disclosure_request", "--db",
                                  "mysql://user@localhost/gongkai"), r"mysql"),
    BadLine("cli-db-missing-sqlite-file", lambda w: [
        "list", "disclosure_request", "--db", f"sqlite:///{w.folder / 'mistyped.db'}"],
            r"mistyped\.db"),
    BadLine("cli-calendar-add-past-9999", plain("calendar", "add", "9999-12-31", "1"),
            r"9999-12-31"),
    BadLine("cli-fire-data-twice-a-key", on_db("fire", "{registered}", "accept", *REG,
                                              "--data", '{"note": "a", "note": "b"}'),
            r"the key 'note' appears twice"),
    BadLine("cli-fire-data-huge-number", on_db("fire", "{registered}", "accept", *REG,
                                               "--data", '{"n": ' + "9" * 5000 + "}"),
            r"--data.*not JSON gongkai reads"),
    BadLine("cli-check-deep-definition", with_file(
        "deep-definition.json", "[" * 100_000 + "]" * 100_000, "check"),
            r"nested too deeply"),
    BadLine("cli-calendar-check-huge-year", with_file(
        "huge-year.toml", "year = " + "9" * 5000 + "\n", "calendar", "check"),
            r"huge-year\.toml: not a schedule file"),
    BadLine("cli-calendar-check-deep-toml", with_file(
        "deep-cli.toml", "a = " + "[" * 100_000 + "]" * 100_000 + "\n", "calendar", "check"),
            r"deep-cli\.toml: .*nested too deeply"),
    BadLine("cli-calendar-check-bad-file", with_file(
        "weekday-cli.toml", toml(*HEAD, "[[workdays]]", 'name = "春节调休"',
                                 'dates = ["2027-02-22"]'), "calendar", "check"),
            r"must be a Saturday or Sunday"),
]
"""Bad command lines, run through click's CliRunner."""

PROCESS: list[BadLine] = [
    BadLine("process-worker-poll-nan", on_db("worker", "--poll", "nan"), r"poll"),
    BadLine("process-worker-poll-negative", on_db("worker", "--poll", "-1"), r"poll"),
    BadLine("process-fire-infinity-data", on_db("fire", "{registered}", "accept", *REG,
                                                "--data", '{"x": Infinity}'),
            r"--data.*Infinity is not a number JSON allows"),
    BadLine("process-db-mysql", plain("list", "disclosure_request", "--db",
                                      "mysql://user@localhost/gongkai"), r"mysql"),
]
"""Bad command lines run as real ``gongkai`` processes (signals, a worker that must not start)."""
