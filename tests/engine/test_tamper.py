"""Tampering by someone who can write the database (issue 13, kind 11): each rewrite is found
by ``Engine.verify_history`` and by ``gongkai verify`` (exit 1, one line naming the instance and
the problem), given the agency's history key and checkpoint log kept outside the database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result

from engine import Engine, HistoryTampered, InvalidArgument
from engine.audit import PLAIN, HistoryKey, seal
from engine.cli import main
from engine.errors import HistoryKeyMissing, StorageError
from engine.store.checkpoints import CheckpointFile
from engine.store.read import covered_row, event_from_row
from engine.store.tables import events
from engine.testing import ManualClock, dump
from tests.engine import sample
from tests.engine.helpers import CLERK, MANAGER, START, WeekdayCalendar

KEY = "k" * 32
STEPS = (("submit", CLERK, None), ("hold", MANAGER, None), ("release", MANAGER, None),
         ("approve", MANAGER, {"note": "ok"}))


class World:
    """An engine with a key and a log, a victim with five events and a bystander."""

    def __init__(self, url: str, log: Path, key: str | None = KEY, checkpoints: bool = True
                 ) -> None:
        self.url, self.log, self.key = url, log, key
        self.engine = self.open(key, checkpoints)
        self.engine.register(sample.definition())
        self.victim = self.story(self.engine, 4)
        self.row_at_4 = self.row()
        self.fire(self.victim, 3)
        self.bystander = self.story(self.engine, 5)

    def open(self, key: str | None, checkpoints: bool = True) -> Engine:
        return Engine(self.url, clock=ManualClock(START), calendar=WeekdayCalendar(),
                      registry=sample.make_registry(), history_key=key,
                      checkpoints=self.log if checkpoints else None)

    def story(self, engine: Engine, steps: int) -> str:
        inst = engine.start("purchase", CLERK, {"item": "chairs", "amount": 300})
        for n in range(steps - 1):
            self.fire(inst.id, n, engine)
        return str(inst.id)

    def fire(self, instance_id: str, n: int, engine: Engine | None = None) -> None:
        engine = engine or self.engine
        engine.clock.advance(timedelta(hours=3))  # type: ignore[attr-defined]
        trigger, actor, data = STEPS[n]
        engine.fire(instance_id, trigger, actor, data)

    def row(self) -> dict[str, Any]:
        last_hash = self.events()[-1].hash
        with self.engine.db.connect() as conn:
            return dict(covered_row(conn, self.victim), last_hash=last_hash)

    def events(self, instance_id: str | None = None) -> list[Any]:
        with self.engine.db.connect() as conn:
            return [event_from_row(r) for r in conn.execute(sa.select(events).where(
                events.c.instance_id == (instance_id or self.victim)).order_by(events.c.seq))]

    def sql(self, statement: str, **params: Any) -> None:
        with self.engine.db.begin() as conn:
            conn.execute(sa.text(statement), {"i": self.victim, **params})

    def restore_row(self, values: dict[str, Any]) -> None:
        table = sa.Table("gongkai_instances", sa.MetaData(), autoload_with=self.engine.db)
        with self.engine.db.begin() as conn:
            conn.execute(sa.update(table).where(table.c.id == self.victim).values(
                {k: v for k, v in values.items() if k != "id"}))

    def broken(self, *words: str) -> HistoryTampered:
        """Both the API and the CLI find the victim broken, naming it and ``words``."""
        with pytest.raises(HistoryTampered) as info:
            self.engine.verify_history(self.victim)
        assert info.value.instance_id == self.victim
        for word in words:
            assert word in str(info.value)
        self.engine.verify_history(self.bystander)
        result = self.cli()
        assert result.exit_code == 1, result.output
        lines = [line for line in result.stdout.splitlines() if self.victim in line]
        assert len(lines) == 1 and str(info.value) in lines[0], result.stdout
        assert self.bystander not in result.stdout
        return info.value

    def cli(self, *args: str, key: str | None = None) -> Result:
        env = {"GONGKAI_CHECKPOINT_LOG": str(self.log),
               "GONGKAI_HISTORY_KEY": key or self.key or ""}
        return CliRunner().invoke(main, [*(args or ("verify",)), "--db", self.url], env=env)


@pytest.fixture
def world(db_url: str, tmp_path: Path) -> Iterator[World]:
    w = World(db_url, tmp_path / "checkpoints.jsonl")
    yield w
    w.engine.close()


def test_an_untouched_keyed_history_verifies_and_is_checkpointed(world: World) -> None:
    check = world.engine.verify_history(world.victim)
    assert (check.events, check.keyed, check.unkeyed_events, check.row_covered,
            check.checkpointed) == (5, True, 0, True, 5)
    assert {e.scheme for e in world.engine.history(world.victim)} == {
        HistoryKey(KEY.encode()).scheme}
    assert len(world.log.read_text().splitlines()) == 10
    result = world.cli()
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "2 instance(s) checked, 0 with a broken history",
        f"history: chains keyed (history key {HistoryKey(KEY.encode()).id}); checkpoints in "
        f"CheckpointFile({str(world.log)!r})"]


def test_deleting_the_last_event_and_rolling_the_row_back_is_found(world: World) -> None:
    """The row is put back exactly as event 4 wrote it: chain and row agree; the log does
    not."""
    world.sql("DELETE FROM gongkai_events WHERE instance_id = :i AND seq = 5")
    world.restore_row(world.row_at_4)
    assert world.broken("event 5", "deleted or truncated").sequence == 5


def test_without_a_log_an_exact_rollback_is_not_found(db_url: str, tmp_path: Path) -> None:
    """What the log is for: without one, cutting the last event and restoring the row as the
    event before wrote it leaves a consistent, shorter history (HISTORY_GUARANTEES.md)."""
    w = World(db_url, tmp_path / "unused.jsonl", checkpoints=False)
    w.sql("DELETE FROM gongkai_events WHERE instance_id = :i AND seq = 5")
    w.restore_row(w.row_at_4)
    assert w.engine.verify_history(w.victim).events == 4


def test_truncating_history_is_found(world: World) -> None:
    world.sql("DELETE FROM gongkai_outbox WHERE instance_id = :i")
    world.sql("DELETE FROM gongkai_events WHERE instance_id = :i AND seq > 2")
    first_two = world.events()
    world.sql("UPDATE gongkai_instances SET seq = 2, last_hash = :h WHERE id = :i",
              h=first_two[-1].hash)
    world.broken("deleted or truncated")


@pytest.mark.parametrize("column, value", [
    ("state", "rejected"), ("data", '{"item": "chairs", "amount": 1}'), ("clocks", "{}"),
    ("version", 99), ("business_key", "forged"), ("agency", "other"),
    ("definition_version", 7)])
def test_editing_the_instance_row_is_found(world: World, column: str, value: Any) -> None:
    world.sql(f"UPDATE gongkai_instances SET {column} = :v WHERE id = :i", v=value)
    if column == "agency":  # the row moved away: this agency no longer sees it
        moved = world.open(KEY)
        moved.core.agency = "other"
        with pytest.raises(HistoryTampered, match="instance row"):
            moved.verify_history(world.victim)
        return
    assert world.broken("event 5", "instance row").sequence == 5


def test_reopening_a_closed_instance_is_found(world: World) -> None:
    assert world.engine.get(world.victim).closed
    world.sql("UPDATE gongkai_instances SET closed_at = NULL WHERE id = :i")
    world.broken("instance row")


def _recompute(world: World, scheme: str | None, key: HistoryKey | None, start: int = 1,
               note: str = "forged") -> None:
    """The attacker's rewrite: event 2's data changed and every hash from ``start`` recomputed
    under ``scheme`` (with ``key``), the row's head moved along."""
    history = world.events()
    prev = history[start - 2].hash if start > 1 else "0" * 64
    with world.engine.db.begin() as conn:
        for ev in history[start - 1:]:
            data = {"note": note} if ev.seq == 2 else ev.data
            forged = replace(ev, data=data, prev_hash=prev, scheme=scheme)
            digest = seal(forged, ev.row_digest, scheme, key)
            conn.execute(sa.text(
                "UPDATE gongkai_events SET data = :d, prev_hash = :p, hash = :h, scheme = :s "
                "WHERE instance_id = :i AND seq = :n"), {
                "d": json.dumps(data),
                "p": prev, "h": digest, "s": scheme, "i": world.victim, "n": ev.seq})
            prev = digest
        conn.execute(sa.text("UPDATE gongkai_instances SET last_hash = :h WHERE id = :i"),
                     {"h": prev, "i": world.victim})


def test_recomputing_the_whole_chain_without_the_key_is_found(world: World) -> None:
    """Unkeyed from the first event, the chain is consistent: the log's heads differ."""
    _recompute(world, PLAIN, None)
    world.broken("history rewritten")


def test_recomputing_with_a_guessed_key_is_found(world: World) -> None:
    guess = HistoryKey(b"g" * 32)
    _recompute(world, guess.scheme, guess)
    world.sql("UPDATE gongkai_events SET scheme = :s WHERE instance_id = :i",
              s=HistoryKey(KEY.encode()).scheme)
    world.broken("does not match its hash")


def test_rewriting_the_tail_unkeyed_is_found_without_a_log(db_url: str, tmp_path: Path) -> None:
    w = World(db_url, tmp_path / "unused.jsonl", checkpoints=False)
    _recompute(w, PLAIN, None, start=2)
    with pytest.raises(HistoryTampered, match="unkeyed after keyed") as info:
        w.engine.verify_history(w.victim)
    assert info.value.sequence == 2


def test_a_deleted_instance_is_named_from_the_log(world: World) -> None:
    for table, column in (("gongkai_outbox", "instance_id"), ("gongkai_timers", "instance_id"),
                          ("gongkai_links", "instance_id"), ("gongkai_events", "instance_id"),
                          ("gongkai_instances", "id")):
        world.sql(f"DELETE FROM {table} WHERE {column} = :i")
    problems = world.engine.verify_checkpoints()
    assert len(problems) == 1 and world.victim in problems[0] and "not in the database" in \
        problems[0]
    result = world.cli()
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if world.victim in line]
    assert lines == [f"-\t-\tCHECKPOINT\t{problems[0]}"]


def test_a_forged_log_entry_is_refused(world: World) -> None:
    lines = world.log.read_text().splitlines()
    world.log.write_text("\n".join([*lines[:-1], lines[-1].replace('"mac": "', '"mac": "0')])
                         + "\n")
    world.engine = world.open(KEY)  # a fresh reader of the log
    with pytest.raises(HistoryTampered, match="does not verify under the history key"):
        world.engine.verify_history(world.bystander)


def test_a_keyed_history_without_the_key_is_unverified(world: World) -> None:
    with pytest.raises(HistoryKeyMissing, match="no history key is configured"):
        world.open(None).verify_history(world.victim)
    result = world.cli(key="x" * 32)
    assert result.exit_code == 1
    assert f"{world.victim}\tpurchase\tUNVERIFIED\t" in result.stdout


def test_a_history_written_before_the_row_was_covered_still_verifies(world: World) -> None:
    """Events of an older gongkai (no scheme, no row digest, the legacy hash) verify as
    unkeyed, under a key or not."""
    prev, history = "0" * 64, world.events(world.bystander)
    with world.engine.db.begin() as conn:
        for ev in history:
            digest = seal(replace(ev, prev_hash=prev), None, None, None)
            conn.execute(sa.text(
                "UPDATE gongkai_events SET prev_hash = :p, hash = :h, scheme = NULL, "
                "row_digest = NULL WHERE instance_id = :i AND seq = :n"),
                {"p": prev, "h": digest, "i": world.bystander, "n": ev.seq})
            prev = digest
        conn.execute(sa.text("UPDATE gongkai_instances SET last_hash = :h WHERE id = :i"),
                     {"h": prev, "i": world.bystander})
    plain = Engine(world.url, calendar=WeekdayCalendar(), registry=sample.make_registry())
    for engine in (world.open(KEY, checkpoints=False), plain):
        check = engine.verify_history(world.bystander)
        assert (check.keyed, check.unkeyed_events, check.row_covered) == (False, 5, False)
    plain.close()


def test_an_old_database_gets_the_history_columns(db_url: str, tmp_path: Path) -> None:
    w = World(db_url, tmp_path / "c.jsonl")
    with w.engine.db.begin() as conn:
        conn.execute(sa.text("DELETE FROM gongkai_meta WHERE key = 'history_columns'"))
        conn.execute(sa.text("ALTER TABLE gongkai_events DROP COLUMN row_digest"))
        conn.execute(sa.text("ALTER TABLE gongkai_events DROP COLUMN scheme"))
    w.engine.close()
    again = w.open(KEY)
    with pytest.raises(HistoryTampered):  # its events lost what they covered
        again.verify_history(w.victim)
    fresh = again.start("purchase", CLERK, {"item": "desk", "amount": 5})
    assert again.verify_history(fresh.id).keyed
    again.close()


def test_a_head_written_in_a_rolled_back_savepoint_is_not_checkpointed(
        db_url: str, tmp_path: Path) -> None:
    """A timer's failed transition is undone by its savepoint: the log must not claim it."""
    w = World(db_url, tmp_path / "c.jsonl")
    before = w.log.read_text()
    core = w.engine.core
    with core.begin() as conn:
        savepoint = conn.begin_nested()
        kept = core.start_instance(core.port(conn), "purchase", CLERK, {"item": "a", "amount": 1},
                                   None, core.now())
        savepoint.rollback()
        with conn.begin_nested():
            core.start_instance(core.port(conn), "purchase", CLERK, {"item": "b", "amount": 1},
                                None, core.now())
    added = w.log.read_text()[len(before):].splitlines()
    assert len(added) == 1 and kept.instance_id not in added[0]
    assert w.engine.verify_checkpoints() == []


def test_a_log_that_cannot_be_written_does_not_undo_the_transition(
        db_url: str, tmp_path: Path) -> None:
    w = World(db_url, tmp_path / "c.jsonl")
    w.engine.core.history.sink = CheckpointFile(tmp_path / "no" / "such" / "dir.jsonl")
    w.fire(w.story(w.engine, 1), 0)
    assert len(list(w.engine.find())) == 3


@pytest.mark.parametrize("column, value", [("data", '{"item": "chairs", "amount": 1}'),
                                           ("state", "escalated")])
def test_a_transition_refuses_to_seal_a_row_changed_outside_the_engine(
        world: World, column: str, value: str) -> None:
    """A row edited through SQL is not laundered by the next transition: the transition (or a
    timer) refuses to build on it, names the instance, and writes nothing, so verification
    still finds the edit."""
    open_one = world.story(world.engine, 2)
    with world.engine.db.begin() as conn:
        conn.execute(sa.text(f"UPDATE gongkai_instances SET {column} = :v WHERE id = :i"),
                     {"v": value, "i": open_one})
    before = dump(world.engine)
    trigger = "hold" if column == "data" else "reject"
    with pytest.raises(HistoryTampered, match="differs from what this event wrote") as refused:
        world.engine.fire(open_one, trigger, MANAGER,
                          None if column == "data" else {"note": "no"})
    assert refused.value.instance_id == open_one
    assert dump(world.engine) == before
    with pytest.raises(HistoryTampered):
        world.engine.verify_history(open_one)


@pytest.mark.parametrize("statement", [
    "UPDATE gongkai_events SET data = '\"text\"' WHERE instance_id = :i AND seq = 2",
    "UPDATE gongkai_instances SET clocks = '[1]' WHERE id = :i",
    "UPDATE gongkai_instances SET data = 'null' WHERE id = :i"])
def test_a_record_that_cannot_be_read_is_reported_and_the_others_are_checked(
        world: World, statement: str) -> None:
    """A value no transition writes (valid JSON of the wrong shape, which PostgreSQL's JSON
    columns take as SQLite does) does not stop verification of the agency: the instance is
    reported as tampered (API and CLI), the bystander verifies, and a read of the instance is a
    StorageError, not a raw TypeError."""
    world.sql(statement)
    world.broken("cannot be read")
    with pytest.raises(StorageError, match="cannot read"):
        world.engine.history(world.victim) if "events" in statement else world.engine.get(
            world.victim)


def test_json_that_does_not_parse_is_a_record_that_cannot_be_read(tmp_path: Path) -> None:
    """SQLite keeps JSON as text, so an SQL edit can leave text no JSON reader takes
    (PostgreSQL refuses it in the UPDATE itself)."""
    w = World(f"sqlite:///{tmp_path / 'g.db'}", tmp_path / "checkpoints.jsonl")
    w.sql("UPDATE gongkai_events SET data = '{bad' WHERE instance_id = :i AND seq = 2")
    w.broken("cannot be read")
    with pytest.raises(StorageError, match="cannot read"):
        w.engine.history(w.victim)


def test_an_engine_without_the_key_writes_nothing_on_a_keyed_chain(world: World) -> None:
    """A process started without the history key (a worker missing the variable) would seal
    unkeyed events onto keyed chains and break them for good, or start chains anyone can
    recompute in a keyed database (the first keyed engine records the key's fingerprint in
    gongkai_meta): it is refused and writes nothing; with the key the same transition goes
    through."""
    open_one = world.story(world.engine, 2)
    keyless = world.open(None, checkpoints=False)
    keyless.clock.set(world.engine.clock.now())  # type: ignore[attr-defined]
    try:
        before = dump(world.engine)
        with pytest.raises(HistoryKeyMissing, match="no history key"):
            keyless.fire(open_one, "hold", MANAGER)
        with pytest.raises(HistoryKeyMissing, match="no history key"):
            keyless.start("purchase", CLERK, {"item": "chairs", "amount": 300})
        assert dump(world.engine) == before
        other_key = world.open("o" * 32, checkpoints=False)
        other_key.clock.set(world.engine.clock.now())  # type: ignore[attr-defined]
        with pytest.raises(HistoryKeyMissing):
            other_key.fire(open_one, "hold", MANAGER)
        other_key.close()
    finally:
        keyless.close()
    world.engine.fire(open_one, "hold", MANAGER)
    world.engine.verify_history(open_one)


def test_a_deleted_log_is_reported_and_a_log_that_cannot_be_made_is_refused(
        world: World, tmp_path: Path) -> None:
    """The first transition writes the log, so a log missing while the database holds
    instances was deleted or is misnamed: verify says so (exit 1) rather than comparing with
    nothing. A log whose directory does not exist is refused when the engine is made."""
    world.log.write_text("")
    assert any("missing or empty" in p for p in world.engine.verify_checkpoints())
    world.log.unlink()
    assert any("missing or empty" in p for p in world.engine.verify_checkpoints())
    result = world.cli()
    assert result.exit_code == 1 and "missing or empty" in result.stdout, result.output
    with pytest.raises(InvalidArgument, match="cannot be created or written"):
        world.open(KEY).__class__(world.url, checkpoints=tmp_path / "no" / "such" / "log")


def test_a_timer_batch_refuses_a_row_changed_outside_the_engine(world: World) -> None:
    """The timer drain reads a batch's rows with their last events in one query; a row edited
    through SQL is still refused (its timer's failure recorded, nothing written on it) while
    the other timers of the batch fire."""
    edited, untouched = world.story(world.engine, 2), world.story(world.engine, 2)
    with world.engine.db.begin() as conn:
        conn.execute(sa.text("UPDATE gongkai_instances SET data = :v WHERE id = :i"),
                     {"v": '{"item": "chairs", "amount": 1}', "i": edited})
    events_before = len(world.events(edited))
    world.engine.clock.advance(timedelta(days=30))  # type: ignore[attr-defined]
    world.engine.run_due_timers()
    assert len(world.events(edited)) == events_before
    assert len(world.events(untouched)) > 2
    failed = [t for t in world.engine.timers(edited) if t.last_error]
    assert failed and "differs from what this event wrote" in (failed[0].last_error or "")
