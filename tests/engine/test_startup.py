"""Start-up: importing the engine or its command line, and asking an engine command for help, load
neither SQLAlchemy nor SQLModel (0.3 s of imports); they load when a command opens a database."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("sqlalchemy", "sqlmodel")


def _loaded_after(code: str) -> list[str]:
    probe = (f"{code}\nimport sys\n"
             f"print('loaded:', *[m for m in {HEAVY!r} if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)
    return done.stdout.splitlines()[-1].split()[1:]


def test_importing_the_engine_loads_no_database_library() -> None:
    assert _loaded_after("import engine\nfrom engine import WorkflowError, Actor") == []


def test_importing_the_command_line_loads_no_database_library() -> None:
    assert _loaded_after("import engine.cli") == []


def test_help_of_an_engine_command_loads_no_database_library() -> None:
    code = ("from engine.cli import main\n"
            "try:\n    main(['timers', '--help'])\nexcept SystemExit:\n    pass")
    assert _loaded_after(code) == []


def test_a_lazy_name_is_the_real_one() -> None:
    import engine
    from engine.runtime.engine import Engine

    assert engine.Engine is Engine
    assert "Engine" in dir(engine)
