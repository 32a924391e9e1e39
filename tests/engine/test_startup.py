"""Start-up: importing the engine, the workflows or the command line, and asking any command for
help (``gongkai --help`` lists the workflow packages' commands too), load neither SQLAlchemy nor
SQLModel (0.3 s of imports), nor rich, Jinja2 or the workflows' definitions and models; they load
when a command opens a database or renders a report (issue 13, start-up)."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("sqlalchemy", "sqlmodel")
FOR_HELP = (*HEAVY, "rich", "jinja2", "workflows.disclosure_request",
            "workflows.publication_approval", "workflows.attribute_review", "workflows.challenge",
            "workflows.ledger.tables", "workflows.reports.annual", "engine.runtime.engine",
            "pydantic", "hypothesis", "engine.transition.registry")
"""What showing help must not load."""


def _loaded_after(code: str, heavy: tuple[str, ...] = HEAVY) -> list[str]:
    probe = (f"{code}\nimport sys\n"
             f"print('loaded:', *[m for m in {heavy!r} if m in sys.modules])")
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


def _help_of(*args: str) -> str:
    return ("from engine.cli import main\n"
            f"try:\n    main([*{list(args)!r}, '--help'])\nexcept SystemExit:\n    pass")


def test_importing_the_workflows_loads_no_database_library() -> None:
    code = "import workflows, workflows.ledger, workflows.reports, workflows.demo"
    assert _loaded_after(code, FOR_HELP) == []


def test_the_help_listing_every_command_loads_nothing_heavy() -> None:
    done = subprocess.run([sys.executable, "-c", _help_of()], capture_output=True, text=True,
                          check=True)
    listed = {line.split()[0] for line in done.stdout.splitlines() if line.startswith("  ")}
    assert {"report", "metrics", "ledger", "demo", "check", "calendar"} <= listed
    assert _loaded_after(_help_of(), FOR_HELP) == []


def test_the_help_of_a_package_command_loads_nothing_heavy() -> None:
    for command in (["report"], ["report", "annual"], ["metrics"], ["ledger"], ["demo"]):
        assert _loaded_after(_help_of(*command), FOR_HELP) == [], command


def test_a_lazy_name_is_the_real_one() -> None:
    import engine
    from engine.runtime.engine import Engine

    assert engine.Engine is Engine
    assert "Engine" in dir(engine)


def test_a_workflow_package_lazy_name_is_the_real_one() -> None:
    import workflows
    import workflows.ledger.documents
    from workflows import ledger, reports
    from workflows.ledger import documents
    from workflows.ledger.tables import DocumentRow
    from workflows.reports.annual import annual_report

    module = sys.modules["workflows.ledger.documents"]
    assert documents is module.documents  # the function, though a submodule has its name
    assert ledger.DocumentRow is DocumentRow and reports.annual_report is annual_report
    assert workflows.disclosure_request.definition().name == "disclosure_request"
    assert {"DocumentRow", "documents", "register_tables"} <= set(dir(ledger))
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        ledger.nothing  # noqa: B018
