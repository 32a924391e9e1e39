"""SIGKILL a client and a worker at random points, many times, on SQLite and PostgreSQL: nothing
committed is lost, nothing half-written remains, and the next processes carry on.

The client's ``slowbump`` guard and the worker's ``note`` action sleep inside their transaction
and write a marker first, so most kills land mid-transaction, and the test counts how many did:
a client whose last marker is an entry without its ``done``, a worker whose last entered
``note`` is not in history.
"""

from __future__ import annotations

import random
import signal
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from engine import Engine
from tests.reliability import flow

KILL_ROUNDS = 20
INSTANCES = 40
CLIENT_TRIGGERS = ("slowbump", "rearm", "hold", "release")
READY_TIMEOUT = 30.0
MAX_DELAY_AFTER_READY = 0.4
MIN_MID_TRANSACTION_KILLS = 8
PROCESS_SECONDS = 120.0  # longer than any round: every process ends by SIGKILL


def test_sigkilled_clients_and_workers_lose_nothing(db_url: str, tmp_path: Path) -> None:
    engine = flow.new_engine(db_url)
    ids = flow.start_instances(engine, INSTANCES)
    origin, wall_origin = flow.fast_origin(), time.time()
    rng = random.Random(13)
    client_mid = worker_mid = 0
    entered: Counter[str] = Counter()
    cut: Counter[str] = Counter()
    for r in range(KILL_ROUNDS):
        client_marks, worker_marks = tmp_path / f"client-{r}.marks", tmp_path / f"worker-{r}.marks"
        client = flow.SPAWN.Process(target=_client, args=(db_url, ids, tmp_path, r, client_marks))
        worker = flow.SPAWN.Process(target=flow.worker_process,
                                    args=(db_url, origin, wall_origin, PROCESS_SECONDS, r, None,
                                          worker_marks, 0.05))
        client.start()
        worker.start()
        _wait_for_lines(client_marks)
        time.sleep(rng.uniform(0, MAX_DELAY_AFTER_READY))
        for proc in (client, worker):
            proc.kill()
            proc.join(10)
            assert proc.exitcode == -signal.SIGKILL
        client_mid += _lines(client_marks)[-1].startswith("enter")
        worker_mid += _worker_cut(engine, _lines(worker_marks), entered, cut)

    late = flow.drain(db_url, flow.FastClock(origin, wall_origin).now() + timedelta(days=30))
    report = flow.check_everything(engine, flow.read_logs(tmp_path), max_unlogged=KILL_ROUNDS)
    if db_url.startswith("sqlite"):
        assert flow.sqlite_integrity(db_url) == "ok"
    assert report.logged > KILL_ROUNDS, "the clients barely ran"
    assert client_mid + worker_mid >= MIN_MID_TRANSACTION_KILLS, (client_mid, worker_mid)
    print(f"\nkills: {KILL_ROUNDS} clients + {KILL_ROUNDS} workers killed, {client_mid} clients "
          f"and {worker_mid} workers mid-transaction; {late} timers left for the drain; {report}")


def _client(url: str, ids: list[str], log_dir: Path, index: int, marks: Path) -> None:
    flow._open_markers(marks)
    engine = flow.new_engine(url)
    flow.client_thread(engine, ids, time.monotonic() + PROCESS_SECONDS,
                       log_dir / f"client-{index}-0.jsonl", seed=index, triggers=CLIENT_TRIGGERS)


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else [""]


def _wait_for_lines(path: Path) -> None:
    stop = time.monotonic() + READY_TIMEOUT
    while not (path.exists() and path.stat().st_size):
        assert time.monotonic() < stop, f"{path.name}: the client never began a transaction"
        time.sleep(0.01)


def _worker_cut(engine: Engine, lines: list[str], entered: Counter[str],
                cut: Counter[str]) -> bool:
    """Whether the killed worker was inside a ``note`` transaction: more ``note`` transactions
    were ever entered on its last instance than history holds notes, more than before."""
    enters = [line.split()[1] for line in lines if line.startswith("enter")]
    if not enters:
        return False
    last = enters[-1]
    entered.update(enters)
    now_cut = entered[last] - _notes(engine, last)
    was, cut[last] = cut[last], now_cut
    return now_cut > was


def _notes(engine: Engine, instance_id: str) -> int:
    return sum(1 for e in engine.history(instance_id) if e.trigger == "note")
