"""Definition builders: transitions and clock effects written once, names qualified."""

from __future__ import annotations

import pytest

from engine import ClockEffect, Title, Transition
from workflows.common.build import Builder, ClockOps

build = Builder("review", models={"approve": object, "submit": object})


def test_a_transition_spelled_out() -> None:
    made = build.transition(
        "approve", ("drafted", "revised"), "approved", ("leader", "deputy"), ("批准", "Approve"),
        guards=("all_signed", "within_term"), actions=("number_it",), data_key="approval",
        merge_data=False, effects=(ClockOps("review").stop("approved_on"),))
    assert made == Transition(
        "approve", ("drafted", "revised"), "approved", roles=("leader", "deputy"),
        guards=("review.all_signed", "review.within_term"), actions=("review.number_it",),
        data="review.approve", data_key="approval", merge_data=False,
        effects=(ClockEffect("review", "stop", "approved_on"),), title=Title("批准", "Approve"))


def test_one_name_is_one_name_not_its_letters() -> None:
    made = build.transition("approve", "drafted", "approved", "leader", ("批准", "Approve"),
                            guards="all_signed", actions="number_it",
                            effects=ClockOps("review").stop())
    assert made.sources == ("drafted",) and made.roles == ("leader",)
    assert made.guards == ("review.all_signed",) and made.actions == ("review.number_it",)
    assert made.effects == (ClockEffect("review", "stop"),)


def test_defaults() -> None:
    made = build.transition("note", "drafted", None, "clerk", Title("备注"))
    assert made == Transition("note", ("drafted",), None, roles=("clerk",), title=Title("备注"))
    assert made.internal and made.data is None and made.merge_data


def test_names_of_other_workflows_are_left_alone() -> None:
    made = build.transition("submit", (), "drafted", "clerk", ("提交", "Submit"),
                            guards=("disclosure_request.correction_once", "complete"))
    assert made.guards == ("disclosure_request.correction_once", "review.complete")
    assert made.data == "review.submit"


def test_a_trigger_without_a_model_carries_no_data_model() -> None:
    assert Builder("review").transition("approve", "a", "b", "r", ("批", "A")).data is None


@pytest.mark.parametrize("workflow", ["", "review.v2"])
def test_a_bad_workflow_name_is_refused_at_once(workflow: str) -> None:
    with pytest.raises(ValueError):
        Builder(workflow)


def test_an_empty_guard_name_is_refused() -> None:
    with pytest.raises(ValueError):
        build.transition("approve", "a", "b", "r", ("批", "A"), guards=("",))


def test_clock_effects() -> None:
    reply = ClockOps("reply")
    assert reply.start("received_on") == ClockEffect("reply", "start", "received_on")
    assert reply.start("notified_on", length_field="period_days") == ClockEffect(
        "reply", "start", "notified_on", length_field="period_days")
    assert reply.pause("sent_on") == ClockEffect("reply", "pause", "sent_on")
    assert reply.resume() == ClockEffect("reply", "resume")
    assert reply.restart("received_on") == ClockEffect("reply", "restart", "received_on")
    assert reply.extend(by=20, max_times=1) == ClockEffect("reply", "extend", by=20, max_times=1)
    assert reply.extend(length_field="extra_days") == ClockEffect(
        "reply", "extend", length_field="extra_days")
    assert reply.stop("replied_on") == ClockEffect("reply", "stop", "replied_on")


def test_separation_of_duties_passes_through_by_trigger_name() -> None:
    """The drafter does not approve their own document (source document 二(一)): the builder
    keeps ``separate_from`` as trigger names, which are never qualified."""
    made = build.transition("approve", "drafted", "approved", "leader", ("批准", "Approve"),
                            separate_from="submit")
    assert made.separate_from == ("submit",)
