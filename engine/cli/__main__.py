"""``python -m engine.cli``: the ``gongkai`` command, for a shell without the script on its path."""

from __future__ import annotations

from engine.cli import main

main(prog_name="gongkai")
