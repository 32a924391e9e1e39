"""The year's disclosure requests (依申请公开) as dated steps, and the challenges some of them
draw (行政复议, 行政诉讼).

Each request gets a :class:`Profile` — channel, applicant, planned result and what happens on the
way (correction, consultation, fee, extension, a late reply, a return for revision) — and
:func:`request_steps` writes its steps with the delays the law allows: a correction received
within its period (条例 30), opinions within 15 working days or a silent party's lapse (条例 32),
payment within 20 working days (国办函〔2020〕109号), a reply within 20 working days, 40 with
the extension (条例 33), except the few planned late. Lapses are not steps: the engine's timers
fire them when their period runs out.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import Any

from workflows.demo.people import weighted
from workflows.demo.proposals import proposal
from workflows.demo.steps import Plan, iso
from workflows.disclosure_request.fees import page_fee

CHANNELS = (("online", 62), ("post_signed", 12), ("post_ordinary", 5), ("in_person", 18),
            ("fax", 3))
CHANNEL_DATE = {"in_person": "handed_in_on", "post_signed": "signed_for_on"}
SERVICE = {"online": "online", "post_signed": "post", "post_ordinary": "post",
           "in_person": "in_person", "fax": "email"}
RESULTS = (
    ("disclosed", 33), ("partially_disclosed", 12),
    ("withheld.state_secret", 1), ("withheld.prohibited_by_law", 1),
    ("withheld.security_stability", 1), ("withheld.third_party_rights", 3),
    ("withheld.internal_affairs", 3), ("withheld.process_information", 3),
    ("withheld.enforcement_file", 1), ("withheld.administrative_query", 2),
    ("unavailable.not_held", 13), ("unavailable.needs_creation", 3),
    ("unavailable.unclear_after_correction", 2),
    ("not_processed.petition_complaint", 3), ("not_processed.repeated", 2),
    ("not_processed.publication", 2), ("not_processed.excessive", 1),
    ("not_processed.confirm_or_reissue", 1),
    ("other.no_correction", 3), ("other.fee_unpaid", 2), ("withdrawn", 4),
)
"""The planned results and their weights: most disclosed or partly disclosed, then not held,
withheld with a legal basis, not processed, lapses and withdrawals."""
DISCLOSING = ("disclosed", "partially_disclosed")
DIVISIONS = ("运行监测协调处", "产业政策与法规处", "中小企业处", "节能与综合利用处", "原材料工业处",
             "装备工业处", "消费品工业处", "信息化推进处")
SUBJECTS = ("{}年度工业企业技术改造项目扶持资金分配结果",
            "{}年度专精特新中小企业认定名单及评审依据",
            "{}年度重点用能企业节能监察结果", "{}年度工业固体废物综合利用项目备案情况",
            "{}年度某产业园区规划调整的审批文件", "{}年度新能源汽车推广应用补助资金清算情况",
            "{}年度省级企业技术中心认定材料", "{}年度某化工企业搬迁改造项目批复")


@dataclass(frozen=True)
class Profile:
    """One request as planned: ``result`` is an outcome code or ``withdrawn``; ``correction``
    ``received``/``lapsed``; ``consultation`` ``agree``/``silent``/``objection``/``override``
    (disclosed in the public interest over an objection, 条例 15, 32); ``fee``
    ``paid``/``lapsed``."""

    key: str
    received: date
    channel: str
    applicant: dict[str, Any]
    result: str
    on_the_spot: bool = False
    correction: str | None = None
    consultation: str | None = None
    fee: str | None = None
    extension: bool = False
    late: bool = False
    revision: bool = False
    documents: tuple[str, ...] = ()


def draw_result(rng: random.Random) -> str:
    """A planned result from the mix of :data:`RESULTS`."""
    return weighted(rng, RESULTS)


def profile(rng: random.Random, key: str, received: date, applicant: dict[str, Any],
            result: str, documents: tuple[str, ...] = ()) -> Profile:
    """The request's path to ``result``, with the variations drawn at their rates."""
    channel = weighted(rng, CHANNELS)
    if documents:
        return Profile(key, received, channel, applicant, result, documents=documents)
    spot = (result == "not_processed.publication"
            or (result == "disclosed" and rng.random() < 0.05)
            or (result in ("not_processed.petition_complaint", "not_processed.repeated")
                and rng.random() < 0.5))
    if spot:
        return Profile(key, received, "in_person", applicant, result, on_the_spot=True)
    correction = {"other.no_correction": "lapsed",
                  "unavailable.unclear_after_correction": "received"}.get(
        result, "received" if rng.random() < 0.07 else None)
    consultation = "objection" if result == "withheld.third_party_rights" else None
    if result in DISCLOSING and rng.random() < 0.12:
        consultation = weighted(rng, (("agree", 6), ("silent", 3), ("override", 1)))
        consultation = "agree" if consultation == "override" and result != "disclosed" \
            else consultation
    fee = "lapsed" if result == "other.fee_unpaid" else (
        "paid" if result in DISCLOSING and rng.random() < 0.06 else None)
    plain = consultation is None and fee is None
    late = plain and rng.random() < 0.03
    return Profile(key, received, channel, applicant, result, correction=correction,
                   consultation=consultation, fee=fee, extension=not late and rng.random() < 0.06,
                   late=late, revision=rng.random() < 0.04)


def register_data(p: Profile, rng: random.Random) -> dict[str, Any]:
    """The ``register`` data: the channel's receipt date field (条例 31) and the applicant's
    actor id (``applicant-<case>``, the actor who may withdraw it)."""
    subject = rng.choice(SUBJECTS).format(p.received.year - rng.choice((1, 1, 2)))
    applicant = {**p.applicant, "id": f"applicant-{p.key}"}
    data: dict[str, Any] = {"applicant": applicant, "channel": p.channel,
                            CHANNEL_DATE.get(p.channel, "confirmed_on"): iso(p.received),
                            "description": subject}
    if p.documents:
        data.update(documents=list(p.documents), description=f"{p.documents[0]}全文")
    return data


def request_steps(plan: Plan, rng: random.Random, p: Profile, number: int) -> date | None:
    """Write the request's steps; the day of its written reply, or ``None`` if it ends another
    way (withdrawn, lapsed)."""
    plan.add(p.key, p.received, "register", "registrar", register_data(p, rng),
             workflow="disclosure_request")
    if p.on_the_spot:
        return _on_the_spot(plan, rng, p)
    started = _accept(plan, rng, p)
    if started is None:
        return None
    day = plan.wd(started, 1)
    plan.add(p.key, day, "assign", "registrar",
             {"division": rng.choice(DIVISIONS), "assigned_on": iso(day)})
    if p.extension:
        day = plan.wd(day, 1)
        plan.add(p.key, day, "extend", "office_head",
                 {"reason": "涉及多个年度档案，需调取核实", "notified_on": iso(day)})
    if p.result == "withdrawn":
        day = plan.wd(day, rng.randint(1, 6))
        plan.add(p.key, day, "withdraw", "applicant",
                 {"withdrawn_on": iso(day), "reason": "已通过其他途径获取"})
        return None
    ready = _before_proposal(plan, rng, p, day)
    return None if ready is None else _decide(plan, rng, p, started, ready, number)


def _on_the_spot(plan: Plan, rng: random.Random, p: Profile) -> date:
    """当场答复 (条例 33): on the day of receipt; what is disclosed is already public."""
    data = {**proposal(p.result, rng), "replied_on": iso(p.received)}
    if p.result == "disclosed":
        data.update(already_public=True, where_published="本厅门户网站政府信息公开专栏")
    plan.add(p.key, p.received, "reply_on_the_spot", "registrar", data)
    plan.add(p.key, p.received, "serve", "registrar",
             {"served_on": iso(p.received), "method": "in_person"})
    return p.received


def _accept(plan: Plan, rng: random.Random, p: Profile) -> date | None:
    """Accept, or ask once for a correction (条例 30); the day the reply period (re)starts, or
    ``None`` if the correction lapses."""
    if p.correction is None:
        return plan.add(p.key, p.received, "accept", "registrar", {})
    sent = plan.wd(p.received, rng.randint(1, 4))
    got = sent if p.channel in ("online", "fax") else plan.wd(sent, 2)
    period = rng.choice((10, 15))
    notice = {"items": ["所需信息的名称、文号或者便于查询的其他特征性描述"], "period_days": period,
              "notified_on": iso(sent)}
    if got == sent:
        plan.add(p.key, sent, "request_correction", "handler", {**notice, "received_on": iso(got)})
    else:  # posted: the period runs from the receipt the proof of service shows (送达回证)
        plan.add(p.key, sent, "request_correction", "handler", notice)
        plan.add(p.key, got, "record_receipt", "handler",
                 {"notice": "correction", "received_on": iso(got)})
    if p.correction == "lapsed":
        return None
    day = plan.wd(got, rng.randint(1, period - 2))
    return plan.add(p.key, day, "receive_correction", "registrar", {"received_on": iso(day)})


def _before_proposal(plan: Plan, rng: random.Random, p: Profile, day: date) -> date | None:
    """Reasons (条例 35), consultation (条例 32) and the fee (国办函〔2020〕109号), as planned;
    the last day of them, or ``None`` if the fee lapses."""
    if p.result == "not_processed.excessive":
        day = plan.wd(day, 1)
        plan.add(p.key, day, "ask_reasons", "handler", {
            "asked_on": iso(day), "questions": "请说明本月申请40余项信息的用途"})
        day = plan.wd(day, rng.randint(2, 6))
        plan.add(p.key, day, "receive_reasons", "registrar", {
            "received_on": iso(day), "reasonable": False, "explanation": "未说明具体用途"})
    if p.consultation:
        day = _consult(plan, rng, p, day)
    if p.fee:
        sent = plan.wd(day, rng.randint(1, 3))
        pages = rng.randint(120, 400)
        plan.add(p.key, sent, "notify_fee", "handler", {
            "amount": _page_fee(pages), "method": "by_page", "pages": pages,
            "notified_on": iso(sent), "received_on": iso(sent)})
        if p.fee == "lapsed":
            return None
        day = plan.wd(sent, rng.randint(2, 12))
        plan.add(p.key, day, "receive_payment", "registrar", {"paid_on": iso(day)})
    return day


def _page_fee(pages: int) -> int:
    return int(page_fee(pages).amount)


def _consult(plan: Plan, rng: random.Random, p: Profile, day: date) -> date:
    """征求意见 (条例 32): one or two companies, each answering within its 15 working days, or
    (``silent``) the last one not answering, so its period lapses by itself."""
    sent = plan.wd(day, rng.randint(1, 3))
    names = [f"{n}{p.key[-3:]}有限公司" for n in rng.sample(("华晋装备", "太行新材", "汾河能源"),
                                                           rng.choice((1, 1, 2)))]
    received = {n: sent for n in names}
    plan.add(p.key, sent, "consult", "handler", {
        "parties": [{"name": n, "kind": "third_party", "received_on": iso(received[n])}
                    for n in names], "sent_on": iso(sent)})
    answers: list[tuple[date, str]] = []
    end = sent
    for i, name in enumerate(names):
        if p.consultation == "silent" and i == len(names) - 1:
            end = max(end, plan.wd(plan.wd(received[name], 15), 1))
            continue
        answers.append((plan.wd(received[name], rng.randint(3, 12)), name))
    for when, name in sorted(answers):
        objects = p.consultation in ("objection", "override") and name == names[0]
        opinion: dict[str, Any] = {"party": name, "agrees": not objects}
        if objects:
            opinion.update(reasons="涉及本公司商业秘密", good_reason=True)
        plan.add(p.key, when, "receive_opinions", "handler",
                 {"received_on": iso(when), "opinions": [opinion]})
        end = max(end, when)
    return end


def _decide(plan: Plan, rng: random.Random, p: Profile, started: date, day: date,
            number: int) -> date:
    """Review (条例 17, before disclosing), propose, approve, reply and serve."""
    if p.late:
        target = plan.wd(started, 20 + rng.randint(1, 4))
    elif p.extension:
        target = plan.wd(started, rng.randint(22, 32))
    else:
        target = plan.wd(day, rng.randint(2, 7))
    day = _propose(plan, rng, p, max(target, plan.wd(day, 1)))
    if p.revision:
        day = plan.add(p.key, plan.wd(day, 1), "return_for_revision", "leader",
                       {"instructions": "请补充法律依据和检索情况"})
        day = _propose(plan, rng, p, plan.wd(day, 1))
    day = plan.add(p.key, plan.wd(day, rng.randint(1, 2)), "approve", "leader",
                   {"comments": "同意"})
    reply = plan.wd(day, 1)
    data: dict[str, Any] = {"replied_on": iso(reply),
                            "document_number": f"晋工信依复〔{reply.year}〕{number}号"}
    if p.consultation == "override":
        data["third_party_notified_on"] = iso(reply)
    plan.add(p.key, reply, "reply", "registrar", data)
    method = SERVICE[p.channel]
    served = reply if method in ("online", "email") else plan.wd(reply, rng.randint(1, 3))
    plan.add(p.key, served, "serve", "registrar", {"served_on": iso(served), "method": method})
    return reply


def _propose(plan: Plan, rng: random.Random, p: Profile, day: date) -> date:
    """The confidentiality review before a disclosing proposal (条例 17), then the proposal."""
    if p.result in DISCLOSING:
        plan.add(p.key, day, "review_confidentiality", "secrecy_reviewer",
                 {"result": "clear", "reviewed_on": iso(day), "notes": "不涉及国家秘密、工作秘密"})
    return plan.add(p.key, day, "propose", "handler",
                    proposal(p.result, rng, p.consultation == "override"))


CHALLENGEABLE = ("partially_disclosed", "withheld.", "unavailable.", "not_processed.")
CHALLENGE_RESULTS = (("upheld", 6), ("corrected", 2), ("other", 2))


def challenge_steps(plan: Plan, rng: random.Random, p: Profile, replied: date) -> None:
    """Some applicants refused in whole or part challenge the reply (条例 51): a reconsideration
    (sometimes followed by a lawsuit) or a lawsuit; decided, or pending at year end (steps after
    31 December are left out of the year)."""
    if not p.result.startswith(CHALLENGEABLE) or rng.random() >= 0.1:
        return
    kind = "reconsideration" if rng.random() < 0.7 else "litigation"
    key = f"C{p.key[1:]}"
    filed = plan.wd(replied, rng.randint(10, 40))
    decided = _case(plan, rng, key, p.key, kind, filed, {})
    if kind == "reconsideration" and rng.random() < 0.35:
        _case(plan, rng, f"{key}L", p.key, "litigation_after_reconsideration",
              plan.wd(decided, rng.randint(5, 15)), {"reconsideration_id": key})


def _case(plan: Plan, rng: random.Random, key: str, request: str, kind: str, filed: date,
          refs: dict[str, str]) -> date:
    number = f"晋{'复' if kind == 'reconsideration' else '行诉'}〔{filed.year}〕{key[1:]}号"
    plan.add(key, filed, "file_challenge", "legal_officer",
             {"kind": kind, "filed_on": iso(filed), "case_number": number},
             workflow="challenge", refs={"request_id": request, **refs})
    decided = plan.wd(filed, rng.randint(30, 70) if kind == "reconsideration"
                      else rng.randint(50, 120))
    plan.add(key, decided, "decide_challenge", "legal_officer",
             {"result": weighted(rng, CHALLENGE_RESULTS), "decided_on": iso(decided)})
    return decided


__all__ = ["Profile", "challenge_steps", "draw_result", "profile", "request_steps"]
