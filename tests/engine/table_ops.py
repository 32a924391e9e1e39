"""A workflow table with columns of several types, and a one-step workflow whose action runs
whatever table operation a test hands it, so a test can call ``ctx.tables`` inside a real
transition (the store) or a guard context (in memory) and compare what each does."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from engine import (
    Actor,
    Engine,
    Registry,
    State,
    Title,
    Transition,
    TransitionContext,
    WorkflowDefinition,
)
from engine.testing import ManualClock, guard_context
from tests.engine.helpers import START, WeekdayCalendar

PACKAGE = "test_amounts"
CLERK = Actor("clerk-1", {"clerk"})
Op = Callable[[TransitionContext], Any]


class Amount(SQLModel, table=True):
    """A ledger of amounts: a text key, a 32-bit and a 64-bit integer, a flag, an optional
    note, an optional reference unique within the agency, and a CHECK the database enforces."""

    __tablename__ = "test_amounts"
    __table_args__ = (sa.UniqueConstraint("agency", "ref", name="test_amounts_ref"),
                      sa.CheckConstraint("amount >= 0", name="test_amounts_not_negative"))
    agency: str = Field(primary_key=True, max_length=64)
    doc: str = Field(primary_key=True, max_length=20)
    amount: int
    big: int = Field(default=0, sa_type=sa.BigInteger)
    public: bool = False
    note: str | None = None
    ref: str | None = None


_ops: list[Op] = []
results: list[Any] = []


def registry() -> Registry:
    reg = Registry()

    @reg.action("run_op")
    def run_op(ctx: TransitionContext) -> None:
        results.append(_ops.pop()(ctx))

    return reg


def definition() -> WorkflowDefinition:
    return WorkflowDefinition(
        name="amounts", version=1, title=Title("金额", "Amounts"),
        states=(State("open", Title("办理中", "Open"), "initial"),
                State("done", Title("完成", "Done"), "terminal")),
        transitions=(Transition("write", (), "open", roles=("clerk",), actions=("run_op",)),
                     Transition("close", ("open",), "done", roles=("clerk",))),
        roles=("clerk",), start_trigger="write")


@contextmanager
def amounts_engine(url: str, agency: str = "default") -> Iterator[Engine]:
    """An engine with the amounts workflow and its table registered."""
    engine = Engine(url, clock=ManualClock(START), calendar=WeekdayCalendar(),
                    registry=registry(), agency=agency)
    try:
        engine.register(definition())
        engine.register_tables(PACKAGE, 1, [Amount])
        yield engine
    finally:
        engine.close()


def run(engine: Engine, op: Op) -> Any:
    """Run ``op(ctx)`` in the action of a new instance's start transition; what it returned."""
    _ops[:] = [op]
    results.clear()
    engine.start("amounts", CLERK)
    return results[-1]


def in_memory(op: Op, rows: list[dict[str, Any]] | None = None, agency: str = "default") -> Any:
    """Run ``op(ctx)`` on a guard context whose tables hold ``rows`` of :class:`Amount`."""
    ctx = guard_context(definition(), "write", CLERK, calendar=WeekdayCalendar(),
                        rows={Amount: rows or []}, agency=agency)
    return op(ctx)
