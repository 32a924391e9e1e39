"""The annual report's table 三 over random disclosure histories: after every step of the
``disclosure_request`` machine (tests/properties/test_disclosure_rules.py, with its shortcut
towards replies), the report of the clock's year and of the year before passes the form's
column check, 一 + 二 = 三（七）+ 四 (国办公开办函〔2021〕30号, the table's corner note), and
each year's 二 上年结转 equals the year before's 四 结转下年度继续办理, column by column
(annual-report-form.md: what is carried forward at the end of one year is what the next
year carries over).
"""

from __future__ import annotations

from collections import Counter

from hypothesis.stateful import run_state_machine_as_test

from engine import Engine
from engine.timesource import local_date
from tests.properties.conftest import profile
from tests.properties.test_disclosure_rules import DisclosureRulesMachine
from workflows.reports import annual_report
from workflows.reports.table3 import RequestTable

REACHED: Counter[str] = Counter()
"""What the reports counted along the walks (report-steps), to show the checks bite."""


def _table(engine: Engine, year: int) -> RequestTable:
    table = annual_report(engine, year).requests
    table.check()
    return table


def report_columns_balance_and_carry_over(engine: Engine, instance_id: str) -> None:
    """For the clock's year N and N−1: table 三's check passes, and 二(Y) == 四(Y−1) in every
    column, for Y = N and N−1. Computed once per step (for the machine's first instance); the
    report covers every request of the engine."""
    first = next(engine.find("disclosure_request"), None)
    if first is None or first.id != instance_id:
        return
    year = local_date(engine.clock.now()).year
    tables = {y: _table(engine, y) for y in (year - 2, year - 1, year)}
    for y in (year - 1, year):
        carried_over = tables[y].numbers()["carried_over"]
        carried_forward = tables[y - 1].numbers()["carried_forward"]
        assert carried_over == carried_forward, (
            f"table 三 of {y}: 二 上年结转 {carried_over} is not 四 of {y - 1} "
            f"{carried_forward}")
        numbers = tables[y].numbers()
        REACHED["new"] += numbers["new"]["total"]
        REACHED["carried over"] += numbers["carried_over"]["total"]
        REACHED["finished"] += numbers["total"]["total"]


class ReportMachine(DisclosureRulesMachine):
    """The disclosure machine with the report's check as its only extra invariant."""

    extra_invariants = (report_columns_balance_and_carry_over,)


def test_annual_report_columns_balance_over_random_histories() -> None:
    run_state_machine_as_test(ReportMachine, settings=profile())
