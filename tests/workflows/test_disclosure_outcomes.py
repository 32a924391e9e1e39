"""The outcome catalogue against the annual report form (国办公开办函〔2021〕30号, table 三(三))."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from workflows.disclosure_request.outcomes import (
    GROUPS,
    OUTCOME_CODES,
    OUTCOMES,
    OUTCOMES_BY_CODE,
    PROPOSABLE_CODES,
    Outcome,
    OutcomeGroup,
    UnknownOutcome,
    check_proposal,
    outcome,
    outcomes_in_group,
    proposal_problems,
)

# Rows of 三、本年度办理结果 as the form prints them, in the form's order (without （七）总计).
FORM_ROWS = (
    "（一）予以公开",
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "（三）不予公开 1.属于国家秘密",
    "（三）不予公开 2.其他法律行政法规禁止公开",
    "（三）不予公开 3.危及“三安全一稳定”",
    "（三）不予公开 4.保护第三方合法权益",
    "（三）不予公开 5.属于三类内部事务信息",
    "（三）不予公开 6.属于四类过程性信息",
    "（三）不予公开 7.属于行政执法案卷",
    "（三）不予公开 8.属于行政查询事项",
    "（四）无法提供 1.本机关不掌握相关政府信息",
    "（四）无法提供 2.没有现成信息需要另行制作",
    "（四）无法提供 3.补正后申请内容仍不明确",
    "（五）不予处理 1.信访举报投诉类申请",
    "（五）不予处理 2.重复申请",
    "（五）不予处理 3.要求提供公开出版物",
    "（五）不予处理 4.无正当理由大量反复申请",
    "（五）不予处理 5.要求行政机关确认或重新出具已获取信息",
    "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "（六）其他处理 3.其他",
)

CODES_IN_FORM_ORDER = (
    "disclosed",
    "partially_disclosed",
    "withheld.state_secret",
    "withheld.prohibited_by_law",
    "withheld.security_stability",
    "withheld.third_party_rights",
    "withheld.internal_affairs",
    "withheld.process_information",
    "withheld.enforcement_file",
    "withheld.administrative_query",
    "unavailable.not_held",
    "unavailable.needs_creation",
    "unavailable.unclear_after_correction",
    "not_processed.petition_complaint",
    "not_processed.repeated",
    "not_processed.publication",
    "not_processed.excessive",
    "not_processed.confirm_or_reissue",
    "other.no_correction",
    "other.fee_unpaid",
    "other.other",
)


def _by(flag: str) -> set[str]:
    return {o.code for o in OUTCOMES if getattr(o, flag)}


def test_codes_are_the_contract_in_annual_report_order() -> None:
    assert OUTCOME_CODES == CODES_IN_FORM_ORDER
    assert len(set(OUTCOME_CODES)) == len(OUTCOME_CODES)


def test_every_code_maps_to_exactly_one_form_row_and_back() -> None:
    """One-to-one with table 三(三) of 国办公开办函〔2021〕30号, so the report is a plain count."""
    labels = [o.report_label for o in OUTCOMES]
    assert labels == ["三、本年度办理结果" + row for row in FORM_ROWS]
    assert len(set(labels)) == len(labels) == len(FORM_ROWS)
    rows = [o.report_row for o in OUTCOMES]
    assert len(set(rows)) == len(rows)
    assert outcome("withheld.state_secret").report_row == "三(三)1"
    assert outcome("disclosed").report_row == "三(一)"
    assert outcome("other.other").report_row == "三(六)3"


def test_code_prefix_names_the_group() -> None:
    for o in OUTCOMES:
        assert o.code.split(".")[0] == o.group.value
    assert {o.group for o in OUTCOMES} == set(OutcomeGroup) == set(GROUPS)


def test_groups_in_form_order() -> None:
    assert [g.report_label for g in GROUPS.values()] == [
        "（一）予以公开",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        "（三）不予公开",
        "（四）无法提供",
        "（五）不予处理",
        "（六）其他处理",
    ]
    assert [o.code for o in outcomes_in_group("unavailable")] == [
        "unavailable.not_held",
        "unavailable.needs_creation",
        "unavailable.unclear_after_correction",
    ]
    assert len(outcomes_in_group(OutcomeGroup.WITHHELD)) == 8


def test_every_outcome_has_titles() -> None:
    for o in OUTCOMES:
        assert o.title_zh.strip() and o.title_en.strip()


def test_requires_legal_basis() -> None:
    """条例 36(3): a refusal states its reasons; 条例 37: the withheld part of a partial disclosure
    too. The grounds are 条例 14–16 (and 36(7) for administrative query matters)."""
    withheld = {o.code for o in outcomes_in_group(OutcomeGroup.WITHHELD)}
    assert _by("requires_legal_basis") == withheld | {"partially_disclosed"}


def test_requires_convenience() -> None:
    """Source document 四(二): does not exist, not held, must be newly made, unclear after
    correction → 便民答复; these are exactly the 无法提供 rows (条例 36(4)(5), 38, 30)."""
    assert _by("requires_convenience") == {
        "unavailable.not_held",
        "unavailable.needs_creation",
        "unavailable.unclear_after_correction",
    }


def test_requires_prior_correction() -> None:
    """条例 30: "still unclear after correction" presupposes a correction notice."""
    assert _by("requires_prior_correction") == {"unavailable.unclear_after_correction"}


def test_system_only_outcomes_are_the_lapses() -> None:
    """条例 30 (no correction in time) and 国办函〔2020〕109号 (fee unpaid in time) end the request
    by themselves: the workflow sets them, staff never propose them."""
    assert _by("system_only") == {"other.no_correction", "other.fee_unpaid"}
    assert set(PROPOSABLE_CODES) == set(OUTCOME_CODES) - _by("system_only")
    assert not outcome("other.fee_unpaid").proposable


@pytest.mark.parametrize(
    ("code", "article"),
    [
        ("disclosed", "条例 36(1)"),
        ("partially_disclosed", "条例 37"),
        ("withheld.state_secret", "条例 14"),
        ("withheld.prohibited_by_law", "条例 14"),
        ("withheld.security_stability", "条例 14"),
        ("withheld.third_party_rights", "条例 15"),
        ("withheld.internal_affairs", "条例 16"),
        ("withheld.process_information", "条例 16"),
        ("withheld.enforcement_file", "条例 16"),
        ("unavailable.not_held", "条例 36(5)"),
        ("unavailable.needs_creation", "条例 38"),
        ("unavailable.unclear_after_correction", "条例 30"),
        ("not_processed.petition_complaint", "条例 39"),
        ("not_processed.repeated", "条例 36(6)"),
        ("not_processed.publication", "条例 39"),
        ("not_processed.excessive", "条例 35"),
        ("other.no_correction", "条例 30"),
        ("other.fee_unpaid", "条例 42"),
    ],
)
def test_articles_cited(code: str, article: str) -> None:
    assert article in outcome(code).articles


def test_catalogue_is_immutable() -> None:
    o = outcome("disclosed")
    with pytest.raises(dataclasses.FrozenInstanceError):
        o.code = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        OUTCOMES_BY_CODE["x"] = o  # type: ignore[index]
    assert isinstance(OUTCOMES, tuple)
    assert all(OUTCOMES_BY_CODE[o.code] is o for o in OUTCOMES)


def test_unknown_outcome_lists_valid_codes() -> None:
    with pytest.raises(UnknownOutcome) as caught:
        outcome("withheld.secret")
    message = str(caught.value)
    assert "'withheld.secret'" in message
    assert all(code in message for code in OUTCOME_CODES)
    assert isinstance(caught.value, KeyError) and isinstance(caught.value, ValueError)
    with pytest.raises(UnknownOutcome):
        outcome(None)  # type: ignore[arg-type]


# --- check_proposal: the self-contained rules -----------------------------------------------


def test_consistent_proposals_have_no_problems() -> None:
    assert check_proposal("disclosed") == []
    assert check_proposal("withheld.state_secret", legal_basis="条例 14") == []
    assert check_proposal("partially_disclosed", "条例 15", None, ["第3页身份证号"]) == []
    assert check_proposal("unavailable.not_held", convenience="可向市自然资源局申请",
                          not_held_reason="not_this_agency") == []
    assert check_proposal("disclosed", public_interest="不公开会对公共利益造成重大影响") == []
    assert check_proposal(outcome("not_processed.repeated")) == []


@pytest.mark.parametrize("code", [o.code for o in outcomes_in_group("withheld")])
def test_withheld_needs_legal_basis(code: str) -> None:
    """条例 36(3): tell the applicant it is withheld and why."""
    assert any("legal basis" in p for p in check_proposal(code))
    assert any("legal basis" in p for p in check_proposal(code, legal_basis="  "))
    assert check_proposal(code, legal_basis="条例 16") == []


def test_partial_disclosure_needs_parts_and_basis() -> None:
    """条例 37: give what can be given, and state the reasons for the withheld parts."""
    problems = proposal_problems("partially_disclosed")
    assert set(problems) == {"legal_basis", "withheld_parts"}
    assert "withheld_parts" in proposal_problems("partially_disclosed", "条例 15", None, [" "])


def test_withheld_parts_only_for_partial_disclosure() -> None:
    assert set(proposal_problems("disclosed", withheld_parts=["x"])) == {"withheld_parts"}


@pytest.mark.parametrize("code", [o.code for o in outcomes_in_group("unavailable")])
def test_unavailable_needs_convenience(code: str) -> None:
    """Source document 四(二): 便民答复 for the 无法提供 cases (for 本机关不掌握, whichever of
    条例 36(4), 36(5) applies)."""
    not_held = code == "unavailable.not_held"
    why: dict[str, Any] = {"not_held_reason": "not_this_agency"} if not_held else {}
    assert set(proposal_problems(code, **why)) == {"convenience"}
    assert check_proposal(code, convenience="建议向××局申请", **why) == []


@pytest.mark.parametrize("code", ["other.no_correction", "other.fee_unpaid"])
def test_lapse_outcomes_cannot_be_proposed(code: str) -> None:
    assert set(proposal_problems(code)) == {"outcome"}


def test_public_interest_only_supports_disclosure() -> None:
    """条例 15, 32: the finding lets the agency disclose despite a third party's objection."""
    problems = proposal_problems(
        "withheld.third_party_rights", legal_basis="条例 15", public_interest="重大公共利益"
    )
    assert set(problems) == {"public_interest"}


def test_check_proposal_lists_every_problem_in_field_order() -> None:
    problems = check_proposal("partially_disclosed", public_interest=None)
    assert len(problems) == 2
    assert "legal basis" in problems[0] and "withheld parts" in problems[1]


def test_check_proposal_unknown_code_raises() -> None:
    with pytest.raises(UnknownOutcome):
        check_proposal("maybe")


def test_outcome_values_are_hashable_and_comparable() -> None:
    assert len({*OUTCOMES}) == len(OUTCOMES)
    assert isinstance(OUTCOMES[0], Outcome)
