"""Recording benchmark figures: each runner owns one ``## Section`` of ``bench/RESULTS.md``."""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")
TITLE = "# Benchmark results"


def write_section(title: str, section: str) -> None:
    """Replace (or add) the section headed ``title``; the file is re-read right before writing,
    so runners recording at the same time keep each other's sections."""
    text = RESULTS.read_text("utf-8") if RESULTS.exists() else f"{TITLE}\n"
    start = text.find(f"\n{title}\n")
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + len(title) + 2)
        rest = text[end:] if end != -1 else ""
        text = text[: start + 1] + section + rest
    RESULTS.write_text(text, "utf-8")


def finish(title: str, section: str, ok: bool, write: bool) -> int:
    """Print the section, record it if asked, and give the runner's exit code (1: a target
    was missed)."""
    print(section)
    if write:
        write_section(title, section)
        print(f"recorded in {RESULTS}")
    return 0 if ok else 1
