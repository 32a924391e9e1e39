"""One runner for every benchmark: ``python -m bench`` (from the repository root).

Each bench prints its figures next to the floor measured in the same run, with medians, ratios
and the machine's load (``os.getloadavg``: the machine may be shared, and figures taken under
load are slower for engine and floor alike). ``--only`` picks benches; the issue 13 benches
(``open``, ``outbox``, ``register``, ``drain``) run in this process and ``--write`` records them
in ``bench/RESULTS.md`` under "Issue 13: speed and scale"; the older benches (``calendar``,
``engine``, ``timers``, ``demo``) run as their own scripts, which record their own sections.

Examples::

    python -m bench                                    # everything, SQLite only
    python -m bench --only open drain --sizes 1000,10000,100000
    python -m bench --only open outbox register drain --pg postgresql+psycopg://…/test --write
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import scale_bench as scale  # noqa: E402  (a sibling module, found through HERE)
from report import finish  # noqa: E402

from engine.store.outbox import TIDY_CALLS  # noqa: E402

SECTION = "## Issue 13: speed and scale"
OLD = {"calendar": "calendar_bench.py", "engine": "engine_bench.py",
       "timers": "timers_bench.py", "demo": "demo_bench.py"}
NEW = ("open", "outbox", "register", "drain")
TAKES_PG = ("engine", "timers")


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f} / {five:.1f} / {fifteen:.1f}"


def ms(values: list[float]) -> str:
    return f"{statistics.median(values):.2f}"


def _run_old(name: str, pg: str | None, write: bool) -> bool:
    command = [sys.executable, str(HERE / OLD[name])]
    if pg and name in TAKES_PG:
        command += ["--pg", pg]
    if write:
        command.append("--write")
    print(f"== {name}: {' '.join(command[1:])} (load {load()})", flush=True)
    return subprocess.run(command, check=False).returncode == 0


def _open(backends: list[str], pg: str | None, sizes: dict[str, list[int]], ops: int,
          rounds: int) -> tuple[list[str], bool]:
    lines = [
        "Cost against the number of open requests (each with a running clock and two pending "
        f"timers), ms per operation, median of {rounds} interleaved rounds of {ops}; "
        "\"vs first\" is the size's median over the first size's. The floor is a plain Core "
        "UPDATE of the instance row and INSERT of its event; the clocked floor adds what a "
        "clocked step must also write (its outbox row, the clock's pending timers cancelled, "
        "two new timers): \"clocked floor / restart\" is the issue's goal (>= 0.8).", "",
        "| back end | open requests | populate s | start | clocked step (restart) | plain step "
        "(touch) | floor | clocked floor | restart / floor | clocked floor / restart | start vs "
        "first | restart vs first | touch vs first | load |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | "
        "---: | --- |"]
    ok = True
    for backend in backends:
        first: scale.OpenResult | None = None
        for size in sizes[backend]:
            with scale.database(backend, pg) as url:
                result = scale.open_size(backend, url, size, ops, rounds)
            first = first or result
            rel = {s: result.median(s) / first.median(s) for s in scale.STEPS}
            ok &= all(rel[s] <= 1 + scale.FLAT_WITHIN for s in ("start", "restart", "touch"))
            row = (f"| {backend} | {size:,} | {result.populate_s:.0f} | {ms(result.ms['start'])} "
                   f"| {ms(result.ms['restart'])} | {ms(result.ms['touch'])} | "
                   f"{ms(result.ms['floor'])} | {ms(result.ms['clocked floor'])} | "
                   f"{result.median('restart') / result.median('floor'):.2f}x | "
                   f"{result.median('clocked floor') / result.median('restart'):.2f} | "
                   f"{rel['start']:.2f} | {rel['restart']:.2f} | {rel['touch']:.2f} | {load()} |")
            print(row, flush=True)
            lines.append(row)
    return lines, ok


def _outbox(backends: list[str], pg: str | None, transitions: int) -> tuple[list[str], bool]:
    lines = [f"Outbox rows left after {transitions:,} transitions nobody subscribes to:", "",
             "| back end | retention 0 | retention off (None) |", "| --- | ---: | ---: |"]
    ok = True
    for backend in backends:
        with scale.database(backend, pg) as url:
            bounded = scale.outbox_rows_after(url, transitions, timedelta(0))
        with scale.database(backend, pg) as url:
            kept = scale.outbox_rows_after(url, transitions, None)
        ok &= bounded <= TIDY_CALLS and kept == transitions
        lines.append(f"| {backend} | {bounded:,} | {kept:,} |")
        print(lines[-1], flush=True)
    return lines, ok


def _register(backends: list[str], pg: str | None, ops: int, rounds: int
              ) -> tuple[list[str], bool]:
    lines = ["A step drawing a register number against the same step without one, one process, "
             f"ms per step (median of {rounds} interleaved rounds of {ops}):", "",
             "| back end | register | touch | register / touch |", "| --- | ---: | ---: | ---: |"]
    for backend in backends:
        with scale.database(backend, pg) as url:
            result = scale.register_vs_touch(url, ops, rounds)
        reg, touch = (statistics.median(result.ms[s]) for s in ("register", "touch"))
        lines.append(f"| {backend} | {reg:.2f} | {touch:.2f} | {reg / touch:.2f}x |")
        print(lines[-1], flush=True)
    return lines, True


def _drain(backends: list[str], pg: str | None, timers: int, rounds: int
           ) -> tuple[list[str], bool]:
    lines = [f"Firing {timers:,} due reminders (`run_due_timers`, {scale.BATCH} a transaction) "
             "against a floor writing the same rows (timer settled, instance row, event, outbox "
             f"row) in transactions of {scale.BATCH}; seconds, median of {rounds}:", "",
             "| back end | engine s | floor s | engine per timer | engine / floor |",
             "| --- | ---: | ---: | ---: | ---: |"]
    ok = True
    for backend in backends:
        with scale.database(backend, pg) as url:
            result = scale.drain(backend, url, timers, rounds)
        eng, flo = statistics.median(result.engine_s), statistics.median(result.floor_s)
        ok &= eng / flo <= scale.DRAIN_MAX
        lines.append(f"| {backend} | {eng:.2f} | {flo:.2f} | {1000 * eng / timers:.2f} ms | "
                     f"{eng / flo:.2f}x |")
        print(lines[-1], flush=True)
    return lines, ok


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="+", choices=[*NEW, *OLD], help="benches to run")
    parser.add_argument("--pg", help="also run on this PostgreSQL URL (scratch schemas)")
    parser.add_argument("--sizes", default="1000,10000",
                        help="open requests for the open bench, comma separated")
    parser.add_argument("--pg-sizes", help="open requests on PostgreSQL (default: --sizes)")
    parser.add_argument("--ops", type=int, default=100, help="operations per timed round")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (median)")
    parser.add_argument("--transitions", type=int, default=1_000, help="for the outbox bench")
    parser.add_argument("--timers", type=int, default=2_000, help="for the drain bench")
    parser.add_argument("--write", action="store_true", help="record in bench/RESULTS.md")
    args = parser.parse_args(argv)
    chosen = args.only or [*NEW, *OLD]
    backends = ["sqlite"] + (["postgresql"] if args.pg else [])
    sizes = {"sqlite": [int(s) for s in args.sizes.split(",")],
             "postgresql": [int(s) for s in (args.pg_sizes or args.sizes).split(",")]}
    ok = True
    parts: list[str] = []
    for name in chosen:
        print(f"== {name} (load {load()})", flush=True)
        if name in OLD:
            ok &= _run_old(name, args.pg, args.write)
            continue
        lines, good = {
            "open": lambda: _open(backends, args.pg, sizes, args.ops, args.rounds),
            "outbox": lambda: _outbox(backends, args.pg, args.transitions),
            "register": lambda: _register(backends, args.pg, args.ops, args.rounds),
            "drain": lambda: _drain(backends, args.pg, args.timers, args.rounds),
        }[name]()
        ok &= good
        parts += [f"### {name}", "", *lines, ""]
    if not parts:
        return 0 if ok else 1
    command = "python -m bench " + " ".join(argv if argv is not None else sys.argv[1:])
    head = [SECTION, "", f"Command: `{command.strip()}` (from the repository root).", "",
            f"Run {datetime.now():%Y-%m-%d %H:%M}, Python {platform.python_version()}, "
            f"{os.cpu_count()} cores, load average (1/5/15 min) {load()} at the end (the machine "
            "may be shared).", ""]
    return finish(SECTION, "\n".join(head + parts), ok, args.write)


if __name__ == "__main__":
    raise SystemExit(main())
