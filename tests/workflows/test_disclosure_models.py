"""Trigger data of the disclosure request workflow: good payloads pass, bad ones fail by field."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from workflows.disclosure_request.models import (
    MODELS,
    ApplicantType,
    Channel,
    ConsultData,
    NotifyFeeData,
    ProposeData,
    ReceiveOpinionsData,
    RegisterData,
    ReplyOnTheSpotData,
    validate_trigger_data,
)
from workflows.disclosure_request.receipt import ReceiptDateError, receipt_date

D = dt.date(2026, 3, 2)
APPLICANT = {"name": " 张三 ", "type": "natural_person", "contact": "13800000000"}

GOOD: dict[str, dict[str, Any]] = {
    "register": {
        "applicant": APPLICANT,
        "channel": "in_person",
        "handed_in_on": "2026-03-02",
        "description": "2025年全省工业技改项目清单",
        "form": "电子邮件",
    },
    "request_correction": {"items": ["请明确文件名称"], "period_days": 15, "notified_on": D},
    "receive_correction": {"received_on": D},
    "consult": {
        "parties": [
            {"name": "某公司", "kind": "third_party"},
            {"name": "省发改委", "kind": "agency"},
        ],
        "sent_on": D,
    },
    "receive_opinions": {
        "received_on": D,
        "opinions": [
            {"party": "某公司", "agrees": False, "reasons": "商业秘密", "good_reason": True},
            {"party": "省发改委", "agrees": True},
        ],
    },
    "consultation_lapsed": {"party": "某公司"},
    "record_receipt": {"notice": "consultation", "party": "某公司", "received_on": D},
    "notify_fee": {
        "amount": 200,
        "notified_on": D,
        "method": "by_item",
        "items": 2,
        "items_this_month_before": 10,
        "basis": "国办函〔2020〕109号",
    },
    "receive_payment": {"paid_on": D},
    "propose": {"outcome": "disclosed", "reasons": "属于可公开信息"},
    "return_for_revision": {"instructions": "补充法律依据"},
    "approve": {},
    "extend": {"reason": "需协调多个处室", "notified_on": D},
    "reply": {"replied_on": D, "document_number": "晋工信公复〔2026〕1号"},
    "reply_on_the_spot": {
        "outcome": "not_processed.publication",
        "reasons": "公开出版物",
        "replied_on": D,
    },
    "serve": {"served_on": D, "method": "post"},
    "withdraw": {"withdrawn_on": D},
    "assign": {"division": "政策法规处"},
    "ask_reasons": {"asked_on": D, "questions": "请说明用途"},
    "receive_reasons": {"received_on": D, "reasonable": False},
    "set_reply_period": {"extra_days": 15, "reason": "信息量大", "notified_on": D},
    "correction_lapsed": {"on": D},
    "fee_lapsed": {},
    "review_confidentiality": {"result": "clear", "reviewed_on": D, "notes": "不涉密"},
    "refer_for_determination": {"referred_on": D, "authority": "省国家保密局",
                                "question": "是否属于国家秘密"},
    "receive_determination": {"received_on": D, "result": "withhold"},
    "reasons_lapsed": {"on": D},
}


def _errors(model: type[BaseModel], data: dict[str, Any]) -> dict[tuple[Any, ...], str]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return {tuple(e["loc"]): e["msg"] for e in caught.value.errors()}


def test_every_trigger_has_a_model_and_a_good_payload() -> None:
    assert set(MODELS) == set(GOOD)


@pytest.mark.parametrize("trigger", sorted(GOOD))
def test_good_payload_accepted_frozen_and_round_trips(trigger: str) -> None:
    model = MODELS[trigger]
    data = model.model_validate(GOOD[trigger])
    assert model.model_config.get("extra") == "forbid"
    assert model.model_config.get("frozen") is True
    assert model.__doc__ and model.__doc__.strip()
    with pytest.raises(ValidationError):
        data.__setattr__(next(iter(model.model_fields)), None)
    again = model.model_validate_json(data.model_dump_json())
    assert again == data
    hash(data)


@pytest.mark.parametrize("trigger", sorted(GOOD))
def test_unknown_fields_refused(trigger: str) -> None:
    errors = _errors(MODELS[trigger], {**GOOD[trigger], "surprise": 1})
    assert ("surprise",) in errors


def test_validate_trigger_data() -> None:
    assert isinstance(validate_trigger_data("approve"), BaseModel)
    with pytest.raises(KeyError, match="known"):
        validate_trigger_data("accept_bribe", {})


# --- register: 条例 31 -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("channel", "field"),
    [
        ("in_person", "handed_in_on"),
        ("post_signed", "signed_for_on"),
        ("post_ordinary", "confirmed_on"),
        ("online", "confirmed_on"),
        ("fax", "confirmed_on"),
    ],
)
def test_receipt_date_derived_from_the_channel_date(channel: str, field: str) -> None:
    """条例 31: in person the day handed in; post needing a signature the day signed for; ordinary
    letter the day confirmed with the applicant; online or fax the day both sides confirmed."""
    base = {"applicant": APPLICANT, "channel": channel, "description": "x"}
    data = RegisterData.model_validate({**base, field: "2026-03-05"})
    assert data.received_on == dt.date(2026, 3, 5)
    agreed = RegisterData.model_validate({**base, field: "2026-03-05", "received_on": "2026-03-05"})
    assert agreed.received_on == dt.date(2026, 3, 5)
    errors = _errors(RegisterData, {**base, field: "2026-03-05", "received_on": "2026-03-04"})
    assert "条例 31" in errors[("received_on",)]
    errors = _errors(RegisterData, base)
    assert "条例 31" in errors[("received_on",)] and field in errors[("received_on",)]


def test_received_on_alone_is_enough() -> None:
    data = RegisterData.model_validate(
        {"applicant": APPLICANT, "channel": "online", "description": "x", "received_on": D}
    )
    assert data.received_on == D and data.confirmed_on is None
    assert data.channel is Channel.ONLINE
    assert data.applicant.name == "张三"
    assert data.applicant.type is ApplicantType.NATURAL_PERSON


def test_date_of_another_channel_refused() -> None:
    errors = _errors(
        RegisterData,
        {"applicant": APPLICANT, "channel": "online", "description": "x",
         "received_on": D, "signed_for_on": D},
    )
    assert set(errors) == {("signed_for_on",)}


def test_register_field_errors() -> None:
    errors = _errors(
        RegisterData,
        {"applicant": {"name": " ", "type": "alien", "contact": "x"}, "channel": "pigeon",
         "description": "", "received_on": 20260302},
    )
    assert {("applicant", "name"), ("applicant", "type"), ("channel",), ("description",),
            ("received_on",)} <= set(errors)


@pytest.mark.parametrize("kind", [t.value for t in ApplicantType])
def test_applicant_types_of_the_annual_report(kind: str) -> None:
    payload = {**GOOD["register"], "applicant": {**APPLICANT, "type": kind}}
    data = RegisterData.model_validate(payload)
    assert data.applicant.type == kind


def test_receipt_date_function() -> None:
    assert receipt_date("post_signed", signed_for_on=D) == D
    with pytest.raises(ReceiptDateError, match="does not apply"):
        receipt_date("in_person", D, confirmed_on=D)
    with pytest.raises(ReceiptDateError, match="needs handed_in_on"):
        receipt_date(Channel.IN_PERSON)


# --- request_correction, consult, opinions ----------------------------------------------------


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"items": []}, ("items",)),
        ({"items": ["  "]}, ("items", 0)),
        ({"period_days": 0}, ("period_days",)),
        ({"period_days": 61}, ("period_days",)),
        ({"period_days": True}, ("period_days",)),
        ({"notified_on": "yesterday"}, ("notified_on",)),
    ],
)
def test_request_correction_rejects(change: dict[str, Any], loc: tuple[Any, ...]) -> None:
    """条例 30: one notice naming what to correct, with a reasonable period."""
    assert loc in _errors(MODELS["request_correction"], {**GOOD["request_correction"], **change})


def test_consult_parties() -> None:
    """条例 32 (third parties) and 34 (agencies); names unique so answers can be matched."""
    data = ConsultData.model_validate(GOOD["consult"])
    assert data.party_names == {"某公司", "省发改委"}
    assert ("parties",) in _errors(ConsultData, {**GOOD["consult"], "parties": []})
    twice = [{"name": "某公司", "kind": "third_party"}] * 2
    assert ("parties",) in _errors(ConsultData, {**GOOD["consult"], "parties": twice})
    bad_kind = [{"name": "某公司", "kind": "friend"}]
    assert ("parties", 0, "kind") in _errors(ConsultData, {**GOOD["consult"], "parties": bad_kind})


def test_receive_opinions_shape_for_the_guard() -> None:
    """条例 32: an objection with good reason blocks disclosure; the guard checks completeness."""
    data = ReceiveOpinionsData.model_validate(GOOD["receive_opinions"])
    assert data.parties == {"某公司", "省发改委"}
    assert data.objections_with_good_reason == ("某公司",)
    assert data.missing(["某公司", "省发改委", "某银行"]) == ("某银行",)


@pytest.mark.parametrize(
    ("opinion", "loc"),
    [
        ({"party": "某公司", "agrees": False}, ("opinions", 0)),
        ({"party": "某公司", "agrees": True, "good_reason": False}, ("opinions", 0)),
        ({"party": "", "agrees": True}, ("opinions", 0, "party")),
        ({"party": "某公司"}, ("opinions", 0, "agrees")),
    ],
)
def test_receive_opinions_rejects(opinion: dict[str, Any], loc: tuple[Any, ...]) -> None:
    errors = _errors(ReceiveOpinionsData, {"received_on": D, "opinions": [opinion]})
    assert loc in errors


def test_one_opinion_per_party() -> None:
    same = {"party": "某公司", "agrees": True}
    assert ("opinions",) in _errors(ReceiveOpinionsData, {"received_on": D, "opinions": [same] * 2})


# --- notify_fee --------------------------------------------------------------------------------


def test_notify_fee_assessment() -> None:
    """国办函〔2020〕109号: items 11 and 12 of the month cost 100 each."""
    data = NotifyFeeData.model_validate(GOOD["notify_fee"])
    assert data.assessment is not None and data.assessment.amount == 200
    pages = NotifyFeeData.model_validate(
        {"amount": 700, "notified_on": D, "method": "by_page", "pages": 100}
    )
    assert pages.assessment is not None and pages.assessment.amount == 700
    bare = NotifyFeeData.model_validate({"amount": 50, "notified_on": D, "method": "by_page"})
    assert bare.assessment is None
    reduced = NotifyFeeData.model_validate({**GOOD["notify_fee"], "amount": 0})
    assert reduced.amount == 0


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"amount": -1}, ("amount",)),
        ({"amount": True}, ("amount",)),
        ({"method": "by_weight"}, ("method",)),
        ({"pages": 40}, ()),
        ({"method": "by_page"}, ()),
        ({"items": None}, ()),
        ({"amount": 201}, ()),
        ({"items": 0}, ("items",)),
    ],
)
def test_notify_fee_rejects(change: dict[str, Any], loc: tuple[Any, ...]) -> None:
    """One method only, and never above the standard (国办函〔2020〕109号 第三条)."""
    assert loc in _errors(NotifyFeeData, {**GOOD["notify_fee"], **change})


# --- propose and reply_on_the_spot -------------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        {"outcome": "withheld.state_secret", "reasons": "涉密", "legal_basis": "条例 14"},
        {"outcome": "partially_disclosed", "reasons": "部分涉及个人隐私", "legal_basis": "条例 15",
         "withheld_parts": ["附件2 身份证号码"]},
        {"outcome": "unavailable.not_held", "reasons": "不掌握", "convenience": "可向省统计局申请",
         "not_held_reason": "not_this_agency", "responsible_agency": "山西省统计局"},
        {"outcome": "unavailable.not_held", "reasons": "经检索不存在", "convenience": "可参考年鉴",
         "not_held_reason": "does_not_exist",
         "search_record": "2026-03-02 检索本厅发文系统、档案室2019年以来档案，关键词“技改”"},
        {"outcome": "disclosed", "reasons": "第三方反对但不公开将严重损害公共利益",
         "public_interest": "涉及公共安全"},
        {"outcome": "other.other", "reasons": "申请人死亡", "legal_basis": "  "},
    ],
)
def test_propose_accepts(payload: dict[str, Any]) -> None:
    data = ProposeData.model_validate(payload)
    assert data.outcome_info.code == payload["outcome"]


@pytest.mark.parametrize(
    ("payload", "locs"),
    [
        ({"outcome": "withheld.third_party_rights", "reasons": "r"}, {("legal_basis",)}),
        ({"outcome": "partially_disclosed", "reasons": "r"},
         {("legal_basis",), ("withheld_parts",)}),
        ({"outcome": "unavailable.needs_creation", "reasons": "r", "convenience": " "},
         {("convenience",)}),
        ({"outcome": "other.no_correction", "reasons": "r"}, {("outcome",)}),
        ({"outcome": "withheld.everything", "reasons": "r"}, {("outcome",)}),
        ({"outcome": "disclosed", "reasons": ""}, {("reasons",)}),
        ({"outcome": "disclosed", "reasons": "r", "withheld_parts": ["p"]}, {("withheld_parts",)}),
        ({"outcome": "withheld.internal_affairs", "reasons": "r", "legal_basis": "条例 16",
          "public_interest": "x"}, {("public_interest",)}),
    ],
)
def test_propose_rejects_by_field(payload: dict[str, Any], locs: set[tuple[Any, ...]]) -> None:
    """The self-contained rules of outcomes.check_proposal, reported on the field concerned:
    条例 36(3)/37 legal basis, 条例 37 withheld parts, 便民答复 (source 四(二)), lapse outcomes."""
    assert set(_errors(ProposeData, payload)) == locs


def test_unknown_outcome_error_lists_codes() -> None:
    errors = _errors(ProposeData, {"outcome": "nope", "reasons": "r"})
    assert "unavailable.not_held" in errors[("outcome",)]


def test_reply_on_the_spot_uses_the_proposal_rules() -> None:
    """条例 33: on the spot where possible — with the same outcome rules as a proposal."""
    data = ReplyOnTheSpotData.model_validate(GOOD["reply_on_the_spot"])
    assert data.replied_on == D
    errors = _errors(ReplyOnTheSpotData, {"outcome": "withheld.state_secret", "reasons": "r"})
    assert set(errors) == {("legal_basis",), ("replied_on",)}


def test_optional_text_blank_is_absent() -> None:
    data = ProposeData.model_validate(
        {"outcome": "disclosed", "reasons": " r ", "responsible_agency": "   "}
    )
    assert data.reasons == "r" and data.responsible_agency is None


# --- the rest -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trigger", "payload", "loc"),
    [
        ("extend", {"reason": " ", "notified_on": D}, ("reason",)),
        ("extend", {"reason": "复杂"}, ("notified_on",)),
        ("return_for_revision", {"instructions": ""}, ("instructions",)),
        ("reply", {"document_number": "x"}, ("replied_on",)),
        ("serve", {"served_on": D, "method": "carrier_pigeon"}, ("method",)),
        ("serve", {"method": "email"}, ("served_on",)),
        ("withdraw", {"reason": "不需要了"}, ("withdrawn_on",)),
        ("receive_payment", {"paid_on": "2026-02-30"}, ("paid_on",)),
        ("receive_correction", {}, ("received_on",)),
        ("consultation_lapsed", {"on": 3, "party": "某公司"}, ("on",)),
        ("consultation_lapsed", {"on": D}, ("party",)),
        ("fee_lapsed", {"on": "soon"}, ("on",)),
    ],
)
def test_other_triggers_reject(trigger: str, payload: dict[str, Any], loc: tuple[Any, ...]) -> None:
    assert loc in _errors(MODELS[trigger], payload)


def test_lapse_date_is_optional() -> None:
    assert MODELS["correction_lapsed"].model_validate({}).model_dump() == {"on": None}


def test_a_receipt_before_the_regulations_took_effect_is_refused() -> None:
    """The Regulations took effect on 2008-05-01; an earlier receipt date is a typing error that
    would sit in every later annual report as carried over (table 三)."""
    from pydantic import ValidationError

    from workflows.disclosure_request.models.request import RegisterData

    base = {"applicant": {"name": "张三", "type": "natural_person", "contact": "13800000000"},
            "channel": "online", "description": "某信息"}
    with pytest.raises(ValidationError, match="before the Regulations took effect"):
        RegisterData.model_validate({**base, "confirmed_on": "2008-04-30"})
    assert str(RegisterData.model_validate({**base, "confirmed_on": "2008-05-01"}).received_on
               ) == "2008-05-01"
