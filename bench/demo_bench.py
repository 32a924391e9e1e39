"""Wall time of ``gongkai demo`` as a newcomer runs it: a new process in an empty directory,
imports, a fresh SQLite file, the simulated year, the report and diagrams written.

Run from the repository root with the project installed: ``python bench/demo_bench.py --write``.
Target (issue: the README's first command): under 60 s at the default size.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from report import finish  # noqa: E402

TITLE = "## Demo"
TARGET_S = 60.0


def gongkai() -> str:
    """The ``gongkai`` script of the running interpreter's environment."""
    script = Path(sys.executable).with_name("gongkai")
    return str(script) if script.exists() else shutil.which("gongkai") or "gongkai"


def one_run(requests: int, seed: int) -> float:
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        subprocess.run([gongkai(), "demo", "--requests", str(requests), "--seed", str(seed)],
                       cwd=folder, check=True, capture_output=True)
        return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="record in bench/RESULTS.md")
    args = parser.parse_args()
    sizes = (300, 1000)
    times = {n: [one_run(n, seed) for seed in range(1, args.runs + 1)] for n in sizes}
    med = {n: statistics.median(t) for n, t in times.items()}
    rows = "\n".join(f"| {n} | {med[n]:.1f} | {', '.join(f'{t:.1f}' for t in times[n])} |"
                     for n in sizes)
    section = (
        f"{TITLE}\n\nCommand: `python bench/demo_bench.py --runs {args.runs} --write` (from the "
        f"repository root, with the project installed).\n\nRun "
        f"{datetime.now():%Y-%m-%d %H:%M}, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end. Each run is "
        f"`gongkai demo --requests N --seed S` in a new process and an empty directory (seeds "
        f"1..{args.runs}), wall time in seconds including imports.\n\n"
        "| requests | median s | all runs |\n| ---: | ---: | --- |\n"
        f"{rows}\n\n- 1,000 / 300 requests: **{med[1000] / med[300]:.2f}x** the time\n\n"
        f"Acceptance:\n\n- [{'x' if med[300] < TARGET_S else ' '}] `gongkai demo` (300 "
        f"requests) under {TARGET_S:.0f} s: median {med[300]:.1f} s\n")
    return finish(TITLE, section, med[300] < TARGET_S, args.write)


if __name__ == "__main__":
    raise SystemExit(main())
