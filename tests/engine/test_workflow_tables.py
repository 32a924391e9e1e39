"""Workflow-owned tables: a package registers its SQLModel tables (a ledger 台账 here), writes them
through ``ctx.tables`` inside transitions, and reads them with ``Engine.rows``.

A ledger row and the event that changed it commit together; a refusal or a failure after the
write leaves neither; the package's tables are versioned in ``gongkai_meta``; rows belong to an
agency.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict
from sqlmodel import Field, SQLModel

from engine import (
    Actor,
    DefinitionError,
    DuplicateBusinessKey,
    Engine,
    GuardRejected,
    Registry,
    State,
    Title,
    Transition,
    TransitionContext,
    WorkflowDefinition,
)
from engine.errors import DuplicateRow, InvalidRow, SchemaMismatch, TableMisuse
from engine.testing import ManualClock
from tests.engine.helpers import GONGKAI_TABLES, START, WeekdayCalendar, dump
from tests.engine.table_ops import Amount, Op, amounts_engine, run

PACKAGE = "test_ledger"
CLERK = Actor("clerk-1", {"clerk"})


class LedgerEntry(SQLModel, table=True):
    """A non-public document in the ledger: its basis and whether it became public."""

    __tablename__ = "test_ledger_entries"
    agency: str = Field(primary_key=True, max_length=64)
    document: str = Field(primary_key=True)
    basis: str
    status: str = "withheld"
    instance_id: str


class LedgerNote(SQLModel, table=True):
    """A second table, added by version 2 of the package."""

    __tablename__ = "test_ledger_notes"
    agency: str = Field(primary_key=True, max_length=64)
    id: int = Field(primary_key=True)
    text: str


class NoAgency(SQLModel, table=True):
    __tablename__ = "test_ledger_no_agency"
    document: str = Field(primary_key=True)


class NumericAgency(SQLModel, table=True):
    __tablename__ = "test_ledger_numeric_agency"
    agency: int = Field(primary_key=True)
    document: str = Field(primary_key=True)


class NullableAgency(SQLModel, table=True):
    __tablename__ = "test_ledger_nullable_agency"
    agency: str | None = Field(default=None, max_length=64)
    id: int = Field(primary_key=True)


class AgencyOutsideKey(SQLModel, table=True):
    __tablename__ = "test_ledger_agency_outside_key"
    agency: str = Field(max_length=64)
    id: int = Field(primary_key=True)


class UniqueAcrossAgencies(SQLModel, table=True):
    __tablename__ = "test_ledger_unique_across"
    agency: str = Field(primary_key=True, max_length=64)
    id: int = Field(primary_key=True)
    number: str = Field(unique=True)


class EngineNamed(SQLModel, table=True):
    __tablename__ = "gongkai_ledger"
    agency: str = Field(primary_key=True, max_length=64)
    document: str = Field(primary_key=True)


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")
    document: str
    basis: str
    fail: bool = False
    set_agency: bool = False


class Convert(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str


def ledger_registry() -> Registry:
    reg = Registry()
    reg.model("ledger.Record", Record)
    reg.model("ledger.Convert", Convert)

    @reg.guard("not_recorded")
    def not_recorded(ctx: TransitionContext) -> str | None:
        found = ctx.tables.get(LedgerEntry, document=ctx.data["document"])
        return None if found is None else f"{ctx.data['document']} is already in the ledger"

    @reg.action("record_entry")
    def record_entry(ctx: TransitionContext) -> dict[str, Any]:
        extra = {"agency": "someone-else"} if ctx.data["set_agency"] else {}
        ctx.tables.insert(LedgerEntry, document=ctx.data["document"], basis=ctx.data["basis"],
                          instance_id=ctx.instance_id, **extra)
        return {"ledger_size": len(ctx.tables.select(LedgerEntry))}

    @reg.action("fail_if_asked")
    def fail_if_asked(ctx: TransitionContext) -> None:
        if ctx.data["fail"]:
            raise RuntimeError("the action after the insert failed")

    @reg.action("convert_entry")
    def convert_entry(ctx: TransitionContext) -> dict[str, Any]:
        document = ctx.instance_data["document"]
        changed = ctx.tables.update(LedgerEntry, where={"document": document}, status="public")
        row = ctx.tables.get(LedgerEntry, document=document)
        return {"updated": changed, "status": row["status"] if row else None}

    return reg


def ledger_definition() -> WorkflowDefinition:
    return WorkflowDefinition(
        name="ledger", version=1, title=Title("台账", "Ledger"),
        states=(State("withheld", Title("不予公开", "Withheld"), "initial"),
                State("public", Title("已公开", "Public"), "terminal")),
        transitions=(
            Transition("record", (), "withheld", roles=("clerk",), data="ledger.Record",
                       guards=("not_recorded",), actions=("record_entry", "fail_if_asked")),
            Transition("convert", ("withheld",), "public", roles=("clerk",),
                       data="ledger.Convert", actions=("convert_entry",)),
        ),
        roles=("clerk",), start_trigger="record")


def ledger_engine(url: str, agency: str = "default", tables: bool = True) -> Engine:
    """An engine with the ledger workflow; ``tables`` registers the package's tables, as the
    workflow's ``register(engine)`` would."""
    engine = Engine(url, clock=ManualClock(START), calendar=WeekdayCalendar(),
                    registry=ledger_registry(), agency=agency)
    engine.register(ledger_definition())
    if tables:
        engine.register_tables(PACKAGE, 1, [LedgerEntry])
    return engine


@contextmanager
def opened(url: str, agency: str = "default", tables: bool = True) -> Iterator[Engine]:
    engine = ledger_engine(url, agency, tables)
    try:
        yield engine
    finally:
        engine.close()


ALL = (*GONGKAI_TABLES, "gongkai_meta", "test_ledger_entries")


def record(engine: Engine, document: str, **extra: Any) -> Any:
    return engine.start("ledger", CLERK, {"document": document, "basis": "条例 16", **extra},
                        business_key=document)


def has_table(engine: Engine, name: str) -> bool:
    return sa.inspect(engine.db).has_table(name)


# writing with the transition --------------------------------------------------------------

def test_a_ledger_row_commits_with_the_event_that_wrote_it(db_url: str) -> None:
    with opened(db_url) as engine:
        inst = record(engine, "某办发〔2026〕1号")
        assert engine.rows(LedgerEntry) == [{
            "agency": "default", "document": "某办发〔2026〕1号", "basis": "条例 16",
            "status": "withheld", "instance_id": inst.id}]
        assert [e.trigger for e in engine.history(inst.id)] == ["record"]
        assert inst.data["ledger_size"] == 1

        done = engine.fire(inst.id, "convert", CLERK, {"reason": "情况变化"})
        assert done.data["updated"] == 1 and done.data["status"] == "public"
        assert [r["status"] for r in engine.rows(LedgerEntry)] == ["public"]
        assert [e.trigger for e in engine.history(inst.id)] == ["record", "convert"]
        engine.verify_history(inst.id)


def test_a_failing_action_after_the_insert_leaves_neither_row_nor_event(db_url: str) -> None:
    with opened(db_url) as engine:
        record(engine, "某办发〔2026〕1号")
        before = dump(engine, ALL)
        with pytest.raises(RuntimeError, match="after the insert failed"):
            record(engine, "某办发〔2026〕2号", fail=True)
        assert dump(engine, ALL) == before
        assert [r["document"] for r in engine.rows(LedgerEntry)] == ["某办发〔2026〕1号"]


def test_a_refused_write_after_the_insert_leaves_no_row(db_url: str) -> None:
    """The business key is refused when the change is written, after the action inserted."""
    with opened(db_url) as engine:
        record(engine, "某办发〔2026〕1号")
        before = dump(engine, ALL)
        with pytest.raises(DuplicateBusinessKey):
            engine.start("ledger", CLERK, {"document": "某办发〔2026〕9号", "basis": "条例 16"},
                         business_key="某办发〔2026〕1号")
        assert dump(engine, ALL) == before


def test_a_guard_reads_the_ledger_and_its_rejection_changes_nothing(db_url: str) -> None:
    with opened(db_url) as engine:
        record(engine, "某办发〔2026〕1号")
        before = dump(engine, ALL)
        with pytest.raises(GuardRejected, match="already in the ledger"):
            engine.start("ledger", CLERK, {"document": "某办发〔2026〕1号", "basis": "条例 15"},
                         business_key="second")
        assert dump(engine, ALL) == before


def test_the_agency_is_the_engines_and_may_not_be_given(db_url: str) -> None:
    with opened(db_url) as engine:
        before = dump(engine, ALL)
        with pytest.raises(DefinitionError, match="'agency' is filled by the engine"):
            record(engine, "某办发〔2026〕1号", set_agency=True)
        assert dump(engine, ALL) == before
        with pytest.raises(DefinitionError, match="'agency' is filled by the engine"):
            engine.rows(LedgerEntry, agency="default")


def test_a_column_the_table_lacks_is_refused(db_url: str) -> None:
    with opened(db_url) as engine:
        with pytest.raises(DefinitionError, match="has no column colour"):
            engine.rows(LedgerEntry, colour="red")


# registration and versions ------------------------------------------------------------------

def test_registering_creates_the_tables_and_records_the_version(db_url: str) -> None:
    with opened(db_url, tables=False) as engine:
        assert not has_table(engine, "test_ledger_entries")
        engine.register_tables(PACKAGE, 1, [LedgerEntry])
        assert has_table(engine, "test_ledger_entries")
        meta = {r["key"]: r["value"] for r in dump(engine, ["gongkai_meta"])["gongkai_meta"]}
        assert meta[f"tables:{PACKAGE}"] == "1"
        record(engine, "某办发〔2026〕1号")
        before = dump(engine, ALL)
        engine.register_tables(PACKAGE, 1, [LedgerEntry])  # the same again: a no-op
        assert dump(engine, ALL) == before


def test_a_fresh_engine_registers_again_and_reads_the_rows(db_url: str) -> None:
    with opened(db_url) as engine:
        inst = record(engine, "某办发〔2026〕1号")
        rows = engine.rows(LedgerEntry)
    with opened(db_url, tables=False) as fresh:
        with pytest.raises(DefinitionError, match="not registered with this engine"):
            fresh.rows(LedgerEntry)
        before = dump(fresh, ALL)
        with pytest.raises(DefinitionError, match="not registered with this engine"):
            record(fresh, "某办发〔2026〕2号")
        assert dump(fresh, ALL) == before
        fresh.register_tables(PACKAGE, 1, [LedgerEntry])
        assert dump(fresh, ALL) == before
        assert fresh.rows(LedgerEntry) == rows
        assert fresh.rows(LedgerEntry, document="某办发〔2026〕1号") == rows
        assert fresh.rows(LedgerEntry, document="某办发〔2026〕2号") == []
        fresh.fire(inst.id, "convert", CLERK, {"reason": "情况变化"})
        assert fresh.rows(LedgerEntry, status="public") == [{**rows[0], "status": "public"}]


def test_another_version_in_the_database_is_a_schema_mismatch(db_url: str) -> None:
    with opened(db_url) as engine:
        record(engine, "某办发〔2026〕1号")
    with opened(db_url, tables=False) as fresh:
        before = dump(fresh, ALL)
        with pytest.raises(SchemaMismatch) as caught:
            fresh.register_tables(PACKAGE, 2, [LedgerEntry, LedgerNote])
        assert (caught.value.found, caught.value.expected, caught.value.key) == (
            "1", "2", f"tables:{PACKAGE}")
        assert dump(fresh, ALL) == before
        assert not has_table(fresh, "test_ledger_notes")
        with pytest.raises(DefinitionError, match="not registered"):
            fresh.rows(LedgerEntry)


def test_one_engine_keeps_one_set_of_tables_per_package_version(db_url: str) -> None:
    with opened(db_url) as engine:
        with pytest.raises(DefinitionError, match="other tables need another version"):
            engine.register_tables(PACKAGE, 1, [LedgerEntry, LedgerNote])
        assert not has_table(engine, "test_ledger_notes")


@pytest.mark.parametrize(("model", "message"), [
    (NoAgency, "'test_ledger_no_agency' has no 'agency' column of type str"),
    (NumericAgency, "'test_ledger_numeric_agency' has no 'agency' column of type str"),
    (EngineNamed, "'gongkai_ledger' clashes with the engine's own tables"),
    (NullableAgency, "column 'agency' must be NOT NULL"),
    (NullableAgency, "column 'agency' must be part of the primary key"),
    (AgencyOutsideKey, "'test_ledger_agency_outside_key': column 'agency' must be part of the "
                       "primary key, or agencies would collide"),
    (UniqueAcrossAgencies, r"unique constraint on \['number'\] must include 'agency'"),
    (Record, "'Record' is not a SQLModel table"),
])
def test_a_table_the_engine_cannot_own_is_refused(db_url: str, model: type[Any],
                                                  message: str) -> None:
    with opened(db_url, tables=False) as engine:
        before = dump(engine, ALL[:-1])
        with pytest.raises(DefinitionError, match=message) as caught:
            engine.register_tables("other", 1, [LedgerEntry, model])
        assert caught.value.name == "tables:other"
        assert dump(engine, ALL[:-1]) == before
        assert not has_table(engine, "test_ledger_entries")
        assert not has_table(engine, getattr(model, "__tablename__", "x"))
        with pytest.raises(DefinitionError, match="not registered"):
            engine.rows(LedgerEntry)


def test_a_table_of_another_package_is_refused_naming_both(db_url: str) -> None:
    with opened(db_url) as engine:
        before = dump(engine, ALL)
        with pytest.raises(DefinitionError) as caught:
            engine.register_tables("other", 1, [LedgerEntry])
        assert ("table 'test_ledger_entries' of package 'other' is already registered by "
                f"package '{PACKAGE}'") in str(caught.value)
        assert dump(engine, ALL) == before


# agencies -------------------------------------------------------------------------------------

def test_each_agency_sees_and_changes_only_its_own_rows(db_url: str) -> None:
    with opened(db_url, agency="A") as a, opened(db_url, agency="B") as b:
        a1 = record(a, "某办发〔2026〕1号")
        a2 = record(a, "某办发〔2026〕2号")
        b1 = record(b, "某办发〔2026〕1号")  # the same number: another agency's document
        assert (a1.data["ledger_size"], a2.data["ledger_size"], b1.data["ledger_size"]) == (
            1, 2, 1)
        assert [(r["agency"], r["document"]) for r in a.rows(LedgerEntry)] == [
            ("A", "某办发〔2026〕1号"), ("A", "某办发〔2026〕2号")]
        assert [(r["agency"], r["instance_id"]) for r in b.rows(LedgerEntry)] == [("B", b1.id)]

        done = b.fire(b1.id, "convert", CLERK, {"reason": "情况变化"})
        assert done.data["updated"] == 1
        assert [r["status"] for r in a.rows(LedgerEntry)] == ["withheld", "withheld"]
        assert b.rows(LedgerEntry, status="public")[0]["instance_id"] == b1.id


# values, keys and NULLs (the same on SQLite and PostgreSQL) ------------------------------------

AMOUNT_TABLES = (*GONGKAI_TABLES, "test_amounts")


def insert(**values: Any) -> Op:
    return lambda ctx: ctx.tables.insert(Amount, **values)


def update(where: dict[str, Any], **values: Any) -> Op:
    return lambda ctx: ctx.tables.update(Amount, where, **values)


def test_a_key_the_agency_holds_is_a_duplicate_row_naming_table_and_key(db_url: str) -> None:
    with amounts_engine(db_url) as engine:
        run(engine, insert(doc="D1", amount=1, ref="R1"))
        run(engine, insert(doc="D5", amount=5))
        before = dump(engine, AMOUNT_TABLES)
        for op, key in [(insert(doc="D1", amount=2), {"doc": "D1"}),
                        (update({"doc": "D5"}, doc="D1"), {"doc": "D1"}),
                        (insert(doc="D2", amount=2, ref="R1"), {"ref": "R1"}),
                        (update({"doc": "D5"}, ref="R1"), {"ref": "R1"})]:
            with pytest.raises(DuplicateRow) as caught:
                run(engine, op)
            assert (caught.value.table, caught.value.key, caught.value.agency) == (
                "test_amounts", key, "default")
            assert "'test_amounts' already has a row of agency 'default' with " in str(
                caught.value)
            assert dump(engine, AMOUNT_TABLES) == before


def test_another_agency_may_hold_the_same_keys(db_url: str) -> None:
    with amounts_engine(db_url, "A") as a, amounts_engine(db_url, "B") as b:
        run(a, insert(doc="D1", amount=1, ref="R1"))
        run(b, insert(doc="D1", amount=2, ref="R1"))
        assert [(r["agency"], r["amount"]) for r in a.rows(Amount)] == [("A", 1)]
        assert [(r["agency"], r["amount"]) for r in b.rows(Amount, ref="R1")] == [("B", 2)]


def test_an_action_that_catches_a_duplicate_row_carries_on(db_url: str) -> None:
    """Each write runs in a savepoint: on PostgreSQL too the transaction stays usable."""
    def insert_or_add(ctx: TransitionContext) -> int:
        try:
            ctx.tables.insert(Amount, doc="D1", amount=1)
        except DuplicateRow:
            row = ctx.tables.get(Amount, doc="D1")
            assert row is not None
            return ctx.tables.update(Amount, {"doc": "D1"}, amount=row["amount"] + 1)
        return 0

    with amounts_engine(db_url) as engine:
        assert [run(engine, insert_or_add) for _ in range(3)] == [0, 1, 1]
        assert [r["amount"] for r in engine.rows(Amount)] == [3]
        assert len(dump(engine)["gongkai_instances"]) == 3


BAD_WRITES: list[tuple[Op, str, str]] = [
    (insert(amount=2), "doc", "required (NOT NULL, no default), not given"),
    (insert(doc=None, amount=2), "doc", "may not be None (NOT NULL)"),
    (insert(doc="D2"), "amount", "required"),
    (insert(doc="D2", amount="lots"), "amount", "expected an int, not str 'lots'"),
    (insert(doc="D2", amount=True), "amount", "expected an int, not bool True"),
    (insert(doc="D2", amount=2.5), "amount", "expected an int"),
    (insert(doc="D2", amount=10**20), "amount", "expected an int from -2147483648 to 2147483647"),
    (insert(doc="D2", amount=2**31), "amount", "expected an int from -2147483648"),
    (insert(doc="D2", amount=1, big=2**63), "big", "expected an int from -9223372036854775808"),
    (insert(doc="D2", amount=1, public=1), "public", "expected a bool, not int 1"),
    (insert(doc="D2", amount=1, note=5), "note", "expected a str, not int 5"),
    (insert(doc="D" * 21, amount=1), "doc", "expected at most 20 characters (21 given)"),
    (insert(doc="D\x002", amount=1), "doc", "without NUL characters"),
    (insert(doc="D2", amount=-1), "?", "refused by the database"),
    (update({"doc": "D1"}, amount="lots"), "amount", "expected an int"),
    (update({"doc": "D1"}, amount=None), "amount", "may not be None"),
    (update({"doc": "D1"}, amount=-5), "?", "refused by the database"),
    (update({"amount": "lots"}, note="x"), "amount", "expected an int"),
]


@pytest.mark.parametrize(("op", "column", "message"), BAD_WRITES)
def test_a_value_that_does_not_fit_its_column_is_invalid_row(db_url: str, op: Op, column: str,
                                                             message: str) -> None:
    with amounts_engine(db_url) as engine:
        run(engine, insert(doc="D1", amount=1))
        before = dump(engine, AMOUNT_TABLES)
        with pytest.raises(InvalidRow) as caught:
            run(engine, op)
        assert caught.value.table == "test_amounts"
        assert [e["column"] for e in caught.value.errors] == [column]
        assert message in caught.value.errors[0]["message"]
        assert dump(engine, AMOUNT_TABLES) == before


def test_values_that_fit_are_stored_as_given(db_url: str) -> None:
    with amounts_engine(db_url) as engine:
        run(engine, insert(doc="D" * 20, amount=2**31 - 1, big=-(2**63), public=True, note=""))
        assert engine.rows(Amount) == [{
            "agency": "default", "doc": "D" * 20, "amount": 2**31 - 1, "big": -(2**63),
            "public": True, "note": "", "ref": None}]


@pytest.mark.parametrize(("filters", "column"), [
    ({"amount": "abc"}, "amount"), ({"amount": 10**20}, "amount"), ({"doc": 1}, "doc"),
    ({"public": 0}, "public"), ({"note": "a\x00"}, "note")])
def test_a_filter_no_row_could_match_is_invalid_row(db_url: str, filters: dict[str, Any],
                                                    column: str) -> None:
    with amounts_engine(db_url) as engine:
        with pytest.raises(InvalidRow) as caught:
            engine.rows(Amount, **filters)
        assert [e["column"] for e in caught.value.errors] == [column]
        with pytest.raises(InvalidRow):
            run(engine, lambda ctx: ctx.tables.select(Amount, **filters))


def test_a_none_filter_means_is_null(db_url: str) -> None:
    with amounts_engine(db_url) as engine:
        run(engine, insert(doc="D1", amount=1))
        run(engine, insert(doc="D2", amount=2, note="seen"))
        run(engine, insert(doc="D3", amount=3))
        assert [r["doc"] for r in engine.rows(Amount, note=None)] == ["D1", "D3"]
        assert [r["doc"] for r in engine.rows(Amount, note=None, amount=3)] == ["D3"]
        assert [r["doc"] for r in engine.rows(Amount, note="seen")] == ["D2"]
        assert run(engine, lambda ctx: [r["doc"] for r in ctx.tables.select(
            Amount, note=None)]) == ["D1", "D3"]
        assert run(engine, lambda ctx: ctx.tables.update(Amount, {"note": None}, note="n")) == 2
        assert engine.rows(Amount, note=None) == []
        assert [r["doc"] for r in engine.rows(Amount, note="n")] == ["D1", "D3"]
        assert run(engine, lambda ctx: ctx.tables.get(Amount, doc=None)) is None


# what a misuse says ---------------------------------------------------------------------------

def test_runtime_misuse_reads_as_misuse_of_the_table(db_url: str) -> None:
    with amounts_engine(db_url) as engine:
        with pytest.raises(TableMisuse) as caught:
            engine.rows(Amount, nope=1)
        assert str(caught.value) == (
            "workflow table 'test_amounts' used wrongly: select: table 'test_amounts' has no "
            "column nope")
        assert isinstance(caught.value, DefinitionError)
        with pytest.raises(TableMisuse, match=r"used wrongly: get takes the primary key "
                                              r"\['doc'\], not \['amount'\]"):
            run(engine, lambda ctx: ctx.tables.get(Amount, amount=1))
        with pytest.raises(TableMisuse, match="used wrongly: update: no values to set"):
            run(engine, lambda ctx: ctx.tables.update(Amount, {"doc": "D1"}))
        with pytest.raises(TableMisuse, match="used wrongly: 2 problems:\n  - insert: 'agency'"):
            run(engine, insert(doc="D1", amount=1, agency="x", colour="red"))
        assert engine.rows(Amount) == []


def test_a_definition_error_counts_its_problems_in_good_english() -> None:
    assert "(1 problem):" in str(DefinitionError("x", 1, ["one"]))
    assert "(2 problems):" in str(DefinitionError("x", 1, ["one", "two"]))


def test_a_version_mismatch_names_the_packages_version(db_url: str) -> None:
    with opened(db_url):
        pass
    with opened(db_url, tables=False) as fresh:
        with pytest.raises(SchemaMismatch) as caught:
            fresh.register_tables(PACKAGE, 2, [LedgerEntry])
        message = str(caught.value)
        assert "version '1' of package 'test_ledger''s tables" in message
        assert "not the package's version '2'" in message and "gongkai's" not in message


def test_registering_the_same_tables_at_another_version_says_so(db_url: str) -> None:
    with opened(db_url) as engine:
        with pytest.raises(DefinitionError) as caught:
            engine.register_tables(PACKAGE, 2, [LedgerEntry])
        assert ("package 'test_ledger' is registered with this engine at version 1 (tables "
                "['test_ledger_entries']); the same tables cannot be registered again at "
                "version 2") in str(caught.value)
        assert "other tables" not in str(caught.value)
        meta = {r["key"]: r["value"] for r in dump(engine, ["gongkai_meta"])["gongkai_meta"]}
        assert meta[f"tables:{PACKAGE}"] == "1"
