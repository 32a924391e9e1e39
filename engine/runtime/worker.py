"""The worker: APScheduler wakes it, the database tells it what is due.

APScheduler (3.x) only schedules wake-ups: one at the next due time and a fallback poll, so timers
written by other processes are found too. Timers themselves live in gongkai's tables and are
claimed there, so any number of workers on any number of hosts can share one PostgreSQL database.
"""

from __future__ import annotations

import atexit
import logging
import threading
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from apscheduler.executors.debug import DebugExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from engine.runtime import arguments
from engine.runtime.due import next_due, run_due_timers

if TYPE_CHECKING:
    from engine.runtime.core import Core

log = logging.getLogger("gongkai.worker")


class Worker:
    """Fires due timers and delivers outbox rows in a background thread until stopped."""

    def __init__(self, core: Core, poll_interval: float = 1.0, all_agencies: bool = False
                 ) -> None:
        """``poll_interval``: seconds between fallback polls, a finite number above 0
        (``InvalidArgument`` otherwise, ``TypeError`` for a bool or a non-number): 0, a
        negative or NaN interval would make the scheduler spin and never stop."""
        self.core = core
        self.all_agencies = all_agencies
        self.poll_interval = arguments.seconds("poll_interval", poll_interval)
        self.fired = 0
        self._lock = threading.Lock()
        self._stopping = False
        # Rounds run on the scheduler's own thread: they are short, and a thread pool would refuse
        # work once the interpreter starts shutting down.
        self._scheduler = BackgroundScheduler(timezone=UTC,
                                              executors={"default": DebugExecutor()})

    def start(self) -> None:
        self._scheduler.add_job(self.tick, "interval", seconds=self.poll_interval, id="poll",
                                max_instances=1, coalesce=True, next_run_time=datetime.now(UTC))
        self._scheduler.start()
        atexit.register(self.stop)

    def stop(self, wait: bool = True) -> None:
        atexit.unregister(self.stop)
        self._stopping = True
        if self._scheduler.running:
            # Pause, then clear the jobs (this waits for a round in progress): APScheduler 3's
            # shutdown marks itself stopped first, and a round that ends after that crashes the
            # scheduler thread (JobLookupError) when it removes its finished wake-up job.
            self._scheduler.pause()
            self._scheduler.remove_all_jobs()
            self._scheduler.shutdown(wait=wait)

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)

    def wake(self) -> None:
        """Run a round now (e.g. after a transition wrote a timer due soon).

        Never waits: a round runs on the scheduler's thread and holds its job store, so asking
        for a wake-up during one would block the caller (a user's transition) until it ends. The
        round reads the next due time when it finishes; the fallback poll covers the rest.
        """
        if self._lock.locked():
            return
        self._schedule_at(datetime.now(UTC), "wake")

    def tick(self) -> None:
        """One round: fire what is due, deliver events, then sleep until the next due time."""
        if not self._lock.acquire(blocking=False):
            return
        try:
            self.fired += run_due_timers(self.core, all_agencies=self.all_agencies)
            self.core.outbox.deliver(self.core.now())
            self.core.outbox.tidy(self.core.now())
            due = next_due(self.core, self.all_agencies)
        except Exception:  # the worker keeps running; the timer rows keep the failure
            log.exception("worker round failed")
            return
        finally:
            self._lock.release()
        if due is not None:
            self._schedule_at(due)

    def _schedule_at(self, when: datetime, job_id: str | None = None) -> None:
        if self._stopping or not self._scheduler.running:
            return
        if when - datetime.now(UTC) > timedelta(seconds=self.poll_interval):
            return
        # Rounds run inside the scheduler's pass over its due jobs, which removes a finished date
        # job by id afterwards: a wake-up at the next due time gets an id of its own, or the pass
        # would remove it together with the job that set it (and the timer waits for the poll).
        self._scheduler.add_job(self.tick, "date", run_date=when,
                                id=job_id or f"due-{when.isoformat()}",
                                replace_existing=True, misfire_grace_time=None)
