"""Calendar schedules at run time: instance-less jobs that start instances or fire a trigger.

A schedule (``Engine.schedule``) is a row of its agency with a working-day
:class:`~engine.clocks.schedules.ScheduleSpec` and its next occurrence (a Beijing date and its due
moment). The due loop (``engine.runtime.due``) claims a due row like a timer — ``FOR UPDATE SKIP
LOCKED`` on PostgreSQL, the single writer on SQLite — and in one transaction fires it through the
ordinary decide-and-write path as :data:`~engine.actor.SYSTEM` and moves the row on to the next
occurrence. So each occurrence fires exactly once, however many workers share the database:

* ``start``: one instance of the workflow per occurrence, with business key
  ``"{name}:{occurrence}"`` (e.g. ``"december-review:2024-12-02"``) and the schedule's data plus
  :data:`OCCURRENCE_FIELD` (the occurrence's ISO date) as the start trigger's data, so the start
  model must accept that field. If the agency already has an instance with that key (the schedule
  was removed and added again), the occurrence counts as started and the schedule moves on.
* ``fire``: the trigger, with the same data, on every open instance of the workflow in the
  schedule's agency where it is valid in the instance's state; instances whose guards refuse it,
  or whose definition version does not let SYSTEM fire it, are skipped. All of them and the move
  to the next occurrence commit together, or none does.

Missed occurrences (no worker ran): the occurrence the row waits for fires once, late, and the
next is the first one due after now; the ones in between are not fired one by one.

Failures (a start model refusing the data, an action raising, a lost race with a user's
transition): the whole firing is rolled back, the error is recorded, and the occurrence is retried
with the timers' back-off (:mod:`engine.runtime.retry`); after ``MAX_ATTEMPTS`` the schedule is
parked as ``failed``. Nothing is lost: scheduling it again (same content) revives it and fires the
parked occurrence.

Missing calendar data (a strict ``ChinaCalendar`` has no year without a State Council schedule,
``CalendarDataMissing``) is not a failure; the schedule waits for the data, status
:data:`~engine.store.schedules.WAITING` (``"waiting_calendar"``), ``last_error`` naming the year:

* An occurrence whose own day the calendar gives fires on time, even when the next one falls in
  a year without data (2026-12-31 on a calendar without 2027). The row then stays at the fired
  occurrence (``occurrence == last_occurrence``, so it can never fire again) and only the next
  occurrence waits.
* An occurrence that cannot be counted, or whose firing needs the missing year, does not fire:
  the firing is rolled back and the occurrence waits, unfired.

A waiting schedule is never parked: the worker looks again with the timers' back-off, at most
``RECHECK_MAX`` (an hour) apart, and :func:`recompute_schedules` (``Engine.recompute_deadlines``,
to run after ``engine.calendar = ...`` gained the year) looks at once. When the year is there the
next occurrence is counted after the last firing, and fires once (late, if its moment passed).

Calendar changes: the occurrence is counted after ``basis_at`` (creation, or the last firing);
:func:`recompute_schedules` counts it afresh with the new calendar, and a worker does the same
before firing, so an occurrence on a day that became a holiday moves rather than fires.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, cast

from engine.actor import SYSTEM
from engine.clocks.schedules import ScheduleCalendar, ScheduleSpec
from engine.errors import (
    DuplicateBusinessKey,
    GuardRejected,
    InvalidData,
    NotFound,
    PermissionDenied,
)
from engine.runtime.retry import recheck_at, retry_at
from engine.snapshot import Schedule
from engine.store import schedules as rows
from engine.store.claims import claim_due_schedule, claim_schedule
from engine.store.read import open_ids
from engine.store.schedules import StoredSchedule
from engine.store.tables import SCHEDULE_NAME_MAX
from engine.store.write import write
from engine.text import text_problem
from engine.transition.compile import CompiledDefinition
from engine.transition.decide import check_role, decide_fire, validate_data

if TYPE_CHECKING:
    from engine.runtime.core import Core

log = logging.getLogger("gongkai.schedules")
ACTIONS = ("start", "fire")
OCCURRENCE_FIELD = "occurrence"
"""The data field carrying the occurrence's Beijing date (ISO) into the started or fired event."""


def calendar_of(core: Core) -> ScheduleCalendar:
    """The engine's calendar as schedules use it (they also ask ``is_working_day``)."""
    if not callable(getattr(core.calendar, "is_working_day", None)):
        raise TypeError(f"calendar {core.calendar!r} has no is_working_day(); schedules need it")
    return cast(ScheduleCalendar, core.calendar)


# -- scheduling --------------------------------------------------------------------------------

def schedule(core: Core, name: str, spec: ScheduleSpec | Mapping[str, Any], workflow: str,
             action: str, trigger: str | None, data: Mapping[str, Any] | None) -> Schedule:
    """Create or update the agency's schedule ``name``; see ``Engine.schedule``."""
    spec = spec if isinstance(spec, ScheduleSpec) else ScheduleSpec.from_dict(spec)
    now = core.now()
    with core.begin() as conn:
        compiled = core.definitions.get(workflow, conn=conn)
        plain = _check(compiled, name, action, trigger, data)
        found = rows.find_schedule(conn, core.agency, name)
        values = rows.content(workflow, action, trigger, spec, plain)
        if found is None:
            occurrence, due = spec.next_after(now, calendar_of(core))
            _check_data(compiled, action, trigger, plain, occurrence)
            rows.insert_schedule(conn, core.agency, dict(
                values, name=name, created_at=now, **rows.position(occurrence, due, now)))
        elif _same(found.view, values) and found.view.status != "failed":
            return found.view
        else:
            place = _repositioned(found, spec, now, calendar_of(core))
            _check_data(compiled, action, trigger, plain, date.fromisoformat(place["occurrence"]))
            rows.update_schedule(conn, found.id, dict(values, **place))
        result = rows.find_schedule(conn, core.agency, name)
    core.after_commit(now)
    assert result is not None
    return result.view


def unschedule(core: Core, name: str) -> None:
    """Remove the agency's schedule ``name``; :class:`NotFound` if it has none of that name."""
    with core.begin() as conn:
        if not rows.delete_schedule(conn, core.agency, name):
            raise NotFound("schedule", name)


def listing(core: Core, status: str | None = None) -> list[Schedule]:
    with core.read() as conn:
        return rows.schedules(conn, core.agency, status)


def _check(compiled: CompiledDefinition, name: object, action: str, trigger: str | None,
           data: Mapping[str, Any] | None) -> dict[str, Any]:
    """The data as stored (JSON); raises :class:`InvalidData` listing every problem, then
    :class:`PermissionDenied` if SYSTEM may not fire the trigger."""
    problems: list[dict[str, str]] = []
    if (problem := text_problem(name, SCHEDULE_NAME_MAX)) is not None:
        problems.append({"field": "name", "message": problem})
    start = compiled.start.trigger
    if action not in ACTIONS:
        problems.append({"field": "action",
                         "message": f"must be 'start' or 'fire', not {action!r}"})
    elif action == "start" and trigger is not None:
        problems.append({"field": "trigger", "message": f"a 'start' schedule fires the start "
                         f"trigger {start!r}; give no trigger"})
    elif action == "fire" and trigger not in _fire_triggers(compiled):
        known = ", ".join(sorted(_fire_triggers(compiled))) or "none"
        problems.append({"field": "trigger", "message": f"{trigger!r} is not a trigger of "
                         f"{compiled.definition.name!r} that instances can fire (known: {known})"})
    plain, data_problems = _plain(data)
    problems += data_problems
    if problems:
        raise InvalidData("schedule", problems)
    fires = start if action == "start" else trigger
    assert fires is not None
    check_role([t for t in compiled.definition.transitions if t.trigger == fires], fires, SYSTEM,
               None)
    return plain


def _fire_triggers(compiled: CompiledDefinition) -> set[str]:
    return {t.trigger for t in compiled.definition.transitions if t is not compiled.start}


def _plain(data: Mapping[str, Any] | None) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The data as JSON gives it back (tuples become lists), and its problems."""
    if data is not None and not isinstance(data, Mapping):
        return {}, [{"field": "data", "message": f"must be a mapping, not {type(data).__name__}"}]
    try:
        plain: dict[str, Any] = json.loads(json.dumps(dict(data or {})))
    except (TypeError, ValueError) as exc:
        return {}, [{"field": "data", "message": f"must be JSON data: {exc}"}]
    if OCCURRENCE_FIELD in plain:
        return plain, [{"field": f"data.{OCCURRENCE_FIELD}",
                        "message": "is set by the schedule to each occurrence's date"}]
    return plain, []


def _check_data(compiled: CompiledDefinition, action: str, trigger: str | None,
                data: Mapping[str, Any], occurrence: date) -> None:
    """Raise :class:`InvalidData` now if the trigger's model would refuse the first firing."""
    fires = compiled.start.trigger if action == "start" else trigger
    assert fires is not None
    validate_data(compiled, fires, _firing_data(data, occurrence), None)


def _same(view: Schedule, values: Mapping[str, Any]) -> bool:
    return (view.workflow, view.action, view.trigger, view.spec.to_dict(), dict(view.data)) == (
        values["workflow"], values["action"], values["trigger"], values["spec"], values["data"])


def _repositioned(found: StoredSchedule, spec: ScheduleSpec, now: datetime,
                  cal: ScheduleCalendar) -> dict[str, Any]:
    """Where an updated schedule stands: with the same spec, at its pending occurrence (a parked
    one fires at the next round; one waiting for calendar data keeps waiting); with a new spec,
    at its first occurrence after now and after the last occurrence fired."""
    view = found.view
    if view.spec == spec and view.status == rows.WAITING:
        return {"occurrence": view.occurrence.isoformat()}
    if view.spec == spec:
        return rows.position(view.occurrence, spec.due_moment(view.occurrence), found.basis_at)
    basis = now
    if view.last_occurrence is not None:
        basis = max(now, spec.due_moment(view.last_occurrence))
    occurrence, due = spec.next_after(basis, cal)
    return rows.position(occurrence, due, basis)


# -- firing ------------------------------------------------------------------------------------

def fire_next_schedule(core: Core, now: datetime, agency: str | None) -> int | None:
    """Claim and fire one due schedule (of ``agency``, or of all when ``None``): 1 if an
    occurrence fired, 0 if it failed, moved, waits for calendar data or was already started,
    None if nothing was due."""
    with core.begin() as conn:
        job = claim_due_schedule(conn, core.dialect, now, agency)
        if job is None:
            return None
        try:
            with conn.begin_nested():
                outcome = _fire(conn, core, job, now)
        except Exception as exc:  # any failure is recorded on the schedule, never lost
            _record(conn, job, exc, now)
            return 0
    return outcome


def _fire(conn: Any, core: Core, job: StoredSchedule, now: datetime) -> int:
    cal = calendar_of(core)
    if _move(conn, job, cal) or _already_fired(job.view):
        return 0
    view = job.view
    basis = max(now, view.spec.due_moment(view.occurrence))
    following = _following(view, basis, cal, now)
    data = _firing_data(view.data, view.occurrence)
    if view.action == "start":
        fired = _start(conn, core, view, data, now)
    else:
        fired = True
        log.info("schedule %s of %s: %s fired on %d instances", view.name, view.agency,
                 view.trigger, _fire_on_open(conn, core, view, data, now))
    rows.fired(conn, job.id, view.occurrence, now, following)
    return 1 if fired else 0


def _following(view: Schedule, basis: datetime, cal: ScheduleCalendar, now: datetime
               ) -> dict[str, Any]:
    """Where the schedule stands once ``view.occurrence`` fired: at the first occurrence after
    ``basis``, or, when the calendar lacks the year that takes, waiting for it (still at the
    fired occurrence, so it cannot fire again)."""
    try:
        occurrence, due = view.spec.next_after(basis, cal)
    except Exception as exc:
        year = missing_year(exc)
        if year is None:
            raise
        log.warning("schedule %s of %s: the occurrence after %s needs calendar data for %d",
                    view.name, view.agency, view.occurrence, year)
        return dict(rows.waiting(1, _waiting_error(year, exc), recheck_at(1, now)),
                    basis_at=basis)
    return rows.position(occurrence, due, basis)


def _already_fired(view: Schedule) -> bool:
    """Whether the pending occurrence is one already fired (never fire it again)."""
    return view.last_occurrence is not None and view.occurrence <= view.last_occurrence


def _firing_data(data: Mapping[str, Any], occurrence: date) -> dict[str, Any]:
    return {**data, OCCURRENCE_FIELD: occurrence.isoformat()}


def _start(conn: Any, core: Core, view: Schedule, data: dict[str, Any], now: datetime) -> bool:
    """Start the occurrence's instance; False if the agency already has it (its business key)."""
    key = f"{view.name}:{view.occurrence.isoformat()}"
    try:
        with conn.begin_nested():  # a taken key must take back the counters too
            core.start_instance(core.port(conn, view.agency), view.workflow, SYSTEM, data, key,
                                now)
            return True
    except DuplicateBusinessKey:
        pass
    log.info("schedule %s of %s: occurrence %s already started (business key %s)", view.name,
             view.agency, view.occurrence, key)
    return False


def _fire_on_open(conn: Any, core: Core, view: Schedule, data: dict[str, Any],
                  now: datetime) -> int:
    """Fire the trigger on every open instance where it is valid; how many moved."""
    assert view.trigger is not None
    done = 0
    for instance_id in open_ids(conn, view.agency, view.workflow):
        row = core.load(conn, instance_id, any_agency=True)
        compiled = core.compiled(row, conn)
        if view.trigger not in compiled.valid_triggers(row.state):
            continue
        try:
            change = decide_fire(compiled, core.port(conn, row.agency), row, view.trigger,
                                 SYSTEM, data, now, core.calendar)
        except (GuardRejected, PermissionDenied):
            continue  # refused before anything was written: not this instance's trigger now
        write(conn, change, now, compiled.definition, core.calendar)
        done += 1
    return done


def missing_year(exc: BaseException) -> int | None:
    """The year the calendar has no data for, if that is what ``exc`` says
    (``calendars.CalendarDataMissing``, or any ``LookupError`` with an int ``year``)."""
    year = getattr(exc, "year", None)
    if isinstance(exc, LookupError) and isinstance(year, int) and not isinstance(year, bool):
        return year
    return None


def _waiting_error(year: int, exc: Exception) -> str:
    return f"waiting for calendar data for {year}: {type(exc).__name__}: {exc}"


def _record(conn: Any, job: StoredSchedule, exc: Exception, now: datetime) -> None:
    """Record why the claimed schedule did not fire: waiting for calendar data, or a failure."""
    year = missing_year(exc)
    if year is None:
        _record_failure(conn, job, exc, now)
        return
    checks = job.view.attempts + 1 if job.view.status == rows.WAITING else 1
    log.info("schedule %s of %s (occurrence %s) waits for calendar data for %d, look %d",
             job.view.name, job.view.agency, job.view.occurrence, year, checks)
    rows.update_schedule(conn, job.id, rows.waiting(checks, _waiting_error(year, exc),
                                                    recheck_at(checks, now)))


def _record_failure(conn: Any, job: StoredSchedule, exc: Exception, now: datetime) -> None:
    attempts = job.view.attempts + 1
    log.warning("schedule %s of %s (occurrence %s) failed, attempt %d: %s", job.view.name,
                job.view.agency, job.view.occurrence, attempts, exc)
    rows.failed_attempt(conn, job.id, attempts, f"{type(exc).__name__}: {exc}",
                        retry_at(attempts, now))


# -- calendar changes --------------------------------------------------------------------------

def recompute_schedules(core: Core, workflow: str | None = None, all_agencies: bool = False
                        ) -> int:
    """Count the pending occurrence of every active, retrying or waiting schedule afresh with
    the engine's calendar (of the core's agency, or of all); how many moved or stopped waiting
    for calendar data. A schedule whose occurrence still cannot be counted for want of calendar
    data waits (``waiting_calendar``); another error is recorded as a failed attempt."""
    with core.read() as conn:
        ids = rows.pending_ids(conn, None if all_agencies else core.agency, workflow)
    moved = 0
    for schedule_id in ids:
        with core.begin() as conn:
            job = claim_schedule(conn, core.dialect, schedule_id)
            if job is None:
                continue  # removed, parked, or being fired (the worker checks it then)
            try:
                moved += _move(conn, job, calendar_of(core))
            except Exception as exc:
                _record(conn, job, exc, core.now())
    return moved


def _move(conn: Any, job: StoredSchedule, cal: ScheduleCalendar) -> bool:
    """Move the schedule to the occurrence the calendar now gives after its basis, if that is
    another day or the schedule was waiting for calendar data; whether it moved. Raises what the
    calendar raises (``CalendarDataMissing``: it still waits)."""
    occurrence, due = job.view.spec.next_after(job.basis_at, cal)
    if occurrence == job.view.occurrence and job.view.status != rows.WAITING:
        return False
    log.info("schedule %s of %s: occurrence %s moved to %s (calendar changed)", job.view.name,
             job.view.agency, job.view.occurrence, occurrence)
    rows.update_schedule(conn, job.id, rows.position(occurrence, due, job.basis_at))
    return True
