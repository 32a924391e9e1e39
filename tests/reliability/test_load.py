"""Load on PostgreSQL: 4 client processes x 2 threads fire random valid triggers on 200 shared
instances while 2 worker processes fire timers and a daily calendar schedule; afterwards nothing
is lost, doubled or out of order.

Clients log every successful call (instance, trigger, resulting version); the checks are in
``flow.check_everything``: no lost update (each logged success is in history exactly once, the
counted bumps equal the bump events, the counter's numbers are gapless), no gap or repeat in any
event sequence, every chain verifies, row versions match event counts, each timer fired exactly
once, and each schedule occurrence started exactly one instance.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path

from engine.testing import ManualClock
from tests.reliability import flow

CLIENT_PROCESSES = 4
THREADS_PER_CLIENT = 2
INSTANCES = 200
CLIENT_SECONDS = 20.0
WORKERS = 2
WORKER_SECONDS = CLIENT_SECONDS + 3.0
RESULT_TIMEOUT = 120


def test_load_on_postgresql_loses_nothing(pg_url: str, tmp_path: Path) -> None:
    engine = flow.new_engine(pg_url)
    ids = flow.start_instances(engine, INSTANCES)
    origin = flow.fast_origin()
    with flow.new_engine(pg_url, clock=ManualClock(origin)) as planner:
        planner.schedule(flow.SCHEDULE, {"kind": "every_working_day", "at": "09:00"}, "load",
                         data={"since": flow.since()})
    results = flow.SPAWN.Queue()
    wall_origin = time.time()
    procs = [flow.SPAWN.Process(target=flow.worker_process,
                                args=(pg_url, origin, wall_origin, WORKER_SECONDS, w, results))
             for w in range(WORKERS)]
    procs += [flow.SPAWN.Process(target=flow.client_process,
                                 args=(pg_url, ids, CLIENT_SECONDS, tmp_path, c,
                                       THREADS_PER_CLIENT, results))
              for c in range(CLIENT_PROCESSES)]
    for p in procs:
        p.start()
    try:
        outcomes = [results.get(timeout=RESULT_TIMEOUT) for _ in procs]
    finally:
        for p in procs:
            p.join(timeout=30)
    assert [p.exitcode for p in procs] == [0] * len(procs)
    clients = [o for o in outcomes if o[0] == "client"]
    assert [e for o in clients for e in o[4]] == [], "a client got an error that is no refusal"
    calls = sum(o[2] for o in clients)
    assert calls >= 100 * CLIENT_PROCESSES, f"only {calls} successful calls: no load"
    worker_fired = sum(o[2] for o in outcomes if o[0] == "worker")

    end = flow.FastClock(origin, wall_origin).now()
    late = flow.drain(pg_url, end)
    report = flow.check_everything(engine, flow.read_logs(tmp_path))
    assert report.logged == calls == report.client_events

    occurrences = sorted(i.business_key for i in engine.find(workflow="load")
                         if i.business_key is not None)
    due = [f"{flow.SCHEDULE}:{d.date().isoformat()}" for d in _weekday_nines(origin, end)]
    (schedule,) = engine.schedules()
    # Each occurrence started one instance and none twice; the first is always among them.
    # Occurrences that fell due while the workers were busy with a backlog of due timers
    # collapse into one late firing (``engine.runtime.schedules``: missed occurrences), so fewer
    # than ``due`` may have fired.
    assert len(set(occurrences)) == len(occurrences) >= 1
    assert set(occurrences) <= set(due) and occurrences[0] == due[0]
    assert f"{flow.SCHEDULE}:{schedule.last_occurrence}" == occurrences[-1]
    assert schedule.status == "active" and schedule.next_due_at > end
    print(f"\nload: {calls} calls ok, {worker_fired} fired by the workers, {late} at the drain, "
          f"{len(occurrences)} of {len(due)} occurrences fired; {report}")


def _weekday_nines(origin: datetime, end: datetime) -> list[datetime]:
    """Each weekday's 09:00 in (origin, end] (origin is a Monday 00:00)."""
    day, out = origin, []
    while (nine := day + timedelta(hours=9)) <= end:
        if nine.weekday() < 5 and nine > origin:
            out.append(nine)
        day += timedelta(days=1)
    return out
