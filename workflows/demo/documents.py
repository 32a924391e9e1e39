"""The year's documents as dated steps: publication approval (先审后发), filing without
publication, repeal, and the re-reviews of non-public documents (公开属性复核).

Active documents go through graded review (source document 二(一): ordinary ones are signed at
the secrecy review, important ones by the general office, major ones by the leader), are
published within the 20 working days of 条例 26 (one a little late) and, for policy documents,
interpreted by their drafters in several forms and channels (谁起草、谁解读, 二(二)(三)); two
are repealed later in the year. Non-public ones are filed (印发不公开) with their basis and
reasons (一(四)). One withheld document is asked for by three applicants, which opens a
threshold re-review at once (条例 44); in December the yearly round (条例 18) re-reviews every
non-public document: most are retained, one converted to active disclosure (whose publication
the conversion starts), one classified.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import Any

from workflows.demo.people import weighted
from workflows.demo.steps import Locate, Plan, iso

POLICY_KINDS = ("policy", "normative", "regulation")
ACTIVE_KINDS = (("policy", 30), ("normative", 20), ("regulation", 5), ("work_information", 35),
                ("other", 10))
LEVELS = (("ordinary", 5), ("important", 3), ("major", 2))
TITLES = {
    "policy": "关于推动{}高质量发展的若干措施", "normative": "{}专项资金管理办法",
    "regulation": "{}管理规定", "work_information": "关于{}工作情况的通报",
    "other": "关于开展{}工作的通知",
}
TOPICS = ("制造业数字化转型", "专精特新中小企业", "工业绿色低碳", "新能源汽车产业", "工业互联网",
          "原材料工业", "消费品工业", "中小企业公共服务", "工业设计", "特色专业镇")
DIVISIONS = ("产业政策与法规处", "中小企业处", "节能与综合利用处", "信息化推进处", "装备工业处")
FORMS = ("chart", "video", "animation", "qa", "audio")
CHANNELS = ("wechat", "media", "press_conference", "platform")
NON_PUBLIC = (
    ("on_request", "条例第十五条", "涉及第三方合法权益，待项目结束后再行评估"),
    ("withheld", "条例第十六条", "属于行政机关内部事务信息，不宜公开"),
    ("withheld", "条例第十六条第二款", "属于过程性信息，尚未形成最终结论"),
    ("on_request", "条例第十五条", "涉及企业商业秘密，仅对申请人依法提供"),
)

RETAIN = {
    "withheld": {"attribute_basis": "条例第十六条",
                 "attribute_reasons": "仍属于内部事务信息，不宜公开"},
    "on_request": {"attribute_basis": "条例第十五条",
                   "attribute_reasons": "第三方仍不同意公开，理由成立"},
}
"""The December proposals to retain a non-public attribute, by attribute (条例 15, 16)."""


@dataclass(frozen=True)
class Filed:
    """A non-public document as planned: its case, 文号, attribute, kind, 成文 and filing days."""

    key: str
    number: str
    attribute: str
    kind: str
    formed: date
    filed: date


def _draft_data(rng: random.Random, kind: str, level: str, attribute: str) -> dict[str, Any]:
    return {"title": TITLES[kind].format(rng.choice(TOPICS)),
            "drafting_division": rng.choice(DIVISIONS), "kind": kind, "review_level": level,
            "attribute": attribute}


def _review(plan: Plan, rng: random.Random, key: str, day: date, level: str, number: str
            ) -> date:
    """Submit, division approval and the secrecy review, then the signing step of ``level``
    (分级审核); the 成文 day."""
    day = plan.add(key, plan.wd(day, 1), "submit", "drafter", {})
    if rng.random() < 0.1:
        day = plan.add(key, plan.wd(day, 1), "return_for_revision", "division_head",
                       {"comments": "请完善公开属性的说明"})
        day = plan.add(key, plan.wd(day, 1), "submit", "drafter", {})
    day = plan.add(key, plan.wd(day, 1), "approve_division", "division_head", {"notes": "同意"})
    day = plan.wd(day, 1)
    signing = {"formed_on": iso(day), "doc_number": number}
    plan.add(key, day, "pass_confidentiality", "secrecy_reviewer", {
        "reviewed_on": iso(day), "notes": "不涉及国家秘密、工作秘密",
        **(signing if level == "ordinary" else {})})
    if level == "important":
        day = plan.wd(day, 1)
        plan.add(key, day, "approve_office", "office",
                 {"notes": "同意", "formed_on": iso(day), "doc_number": number})
    elif level == "major":
        day = plan.add(key, plan.wd(day, 1), "approve_office", "office",
                       {"notes": "属重大政策，报领导签发"})
        day = plan.wd(day, 1)
        plan.add(key, day, "approve_leader", "leader",
                 {"formed_on": iso(day), "doc_number": number})
    return day


def _publish(plan: Plan, rng: random.Random, key: str, day: date, number: str, kind: str
             ) -> None:
    """Publish on the website (and often a second channel); interpret a policy document."""
    channels = [{"channel": "website", "published_on": iso(day),
                 "address": f"https://gxt.example.gov.cn/zfxxgk/{number}.html"}]
    if rng.random() < 0.6:
        channels.append({"channel": rng.choice(("wechat", "gazette")), "published_on": iso(day)})
    plan.add(key, day, "publish", "office", {"channels": channels})
    if kind in POLICY_KINDS and rng.random() < 0.96:
        forms = ["text", *rng.sample(FORMS, 0 if rng.random() < 0.06 else rng.choice((1, 2)))]
        ways = ["website", *rng.sample(CHANNELS, 0 if rng.random() < 0.3 else rng.choice((1, 2)))]
        plan.add(key, day, "add_interpretation", "drafter",
                 {"forms": forms, "channels": ways, "published_on": iso(day)})


def active_documents(plan: Plan, rng: random.Random, year: int, count: int) -> None:
    """``count`` active documents drafted through the year, two of them repealed later."""
    repealable: list[tuple[str, date]] = []
    for i in range(count):
        key, kind = f"D{i + 1:02d}", weighted(rng, ACTIVE_KINDS)
        level = weighted(rng, LEVELS)
        drafted = plan.wd(plan.working(date(year, 1, 5)), rng.randint(0, 215))
        number = f"晋工信{'发' if kind in POLICY_KINDS else '办发'}〔{year}〕{i + 1}号"
        plan.add(key, drafted, "draft", "drafter", _draft_data(rng, kind, level, "active"),
                 workflow="publication_approval")
        formed = _review(plan, rng, key, drafted, level, number)
        published = plan.wd(formed, rng.randint(22, 25) if i == 3 else rng.randint(1, 12))
        _publish(plan, rng, key, published, number, kind)
        if published < date(year, 6, 1):
            repealable.append((key, published))
    for key, published in rng.sample(repealable, min(2, len(repealable))):
        day = plan.wd(published, rng.randint(60, 110))
        plan.add(key, day, "repeal", "office",
                 {"repealed_on": iso(day), "basis": f"晋工信发〔{year}〕{rng.randint(40, 60)}号"})


def non_public_documents(plan: Plan, rng: random.Random, year: int, count: int
                         ) -> list[Filed]:
    """``count`` documents issued without publication (印发不公开), the first one in February
    (the one the threshold requests will name)."""
    filed: list[Filed] = []
    for i in range(count):
        key, (attribute, basis, reasons) = f"N{i + 1:02d}", NON_PUBLIC[i % len(NON_PUBLIC)]
        if i == 0:
            attribute, basis, reasons = NON_PUBLIC[2]
        kind = "work_information" if i % 3 else "other"
        drafted = plan.wd(plan.working(date(year, 2, 3)), 0 if i == 0 else rng.randint(10, 170))
        number = f"晋工信办字〔{year}〕{i + 1}号"
        plan.add(key, drafted, "draft", "drafter", {
            **_draft_data(rng, kind, "ordinary", attribute),
            "attribute_basis": basis, "attribute_reasons": reasons},
            workflow="publication_approval")
        formed = _review(plan, rng, key, drafted, "ordinary", number)
        day = plan.wd(formed, 1)
        plan.add(key, day, "file", "office", {"filed_on": iso(day), "notes": "印发，不予公开"})
        filed.append(Filed(key, number, attribute, kind, formed, day))
    return filed


def threshold_review(plan: Plan, rng: random.Random, doc: Filed, opened: date) -> None:
    """The re-review the third applicant's request opened (条例 44): retained."""
    key = f"T{doc.key[1:]}"
    locate = Locate("attribute_review", {"doc_number": doc.number, "reason": "threshold"})
    day = plan.add(key, plan.wd(opened, rng.randint(3, 8)), "propose_retain",
                   "drafting_division", {"attribute_basis": "条例第十六条",
                                         "attribute_reasons": "仍属于过程性信息，最终结论尚未形成"},
                   locate=locate)
    plan.add(key, plan.wd(day, 2), "approve_proposal", "office", {"notes": "同意维持"})


def yearly_round(plan: Plan, rng: random.Random, year: int, docs: list[Filed]) -> None:
    """The December round (条例 18): it opens by itself on the first working day of December
    with one review per non-public document; each is decided here, and the office closes the
    round on the year's last working day."""
    opens = plan.working(date(year, 12, 1))
    due = [d for d in docs if d.filed < opens]
    converting = next((d for d in due if d.attribute == "on_request"), None)
    classifying = next((d for d in reversed(due) if d.attribute == "withheld"
                        and d.key != "N01"), None)
    for doc in due:
        key = f"V{doc.key[1:]}"
        locate = Locate("attribute_review", {"doc_number": doc.number, "reason": "yearly"})
        day = plan.wd(opens, rng.randint(2, 7))
        if doc is converting:
            _convert(plan, key, doc, day, locate)
        elif doc is classifying:
            plan.add(key, day, "propose_classification", "drafting_division",
                     {"level": "secret", "period": "10年", "scope": "本厅有关处室"}, locate=locate)
            plan.add(key, plan.wd(day, 2), "approve_classification", "classification_officer",
                     {"notes": "同意定为秘密级"})
        else:
            plan.add(key, day, "propose_retain", "drafting_division", RETAIN[doc.attribute],
                     locate=locate)
            plan.add(key, plan.wd(day, rng.randint(1, 3)), "approve_proposal", "office",
                     {"notes": "同意维持"})
    last = plan.calendar.sub_working_days(date(year + 1, 1, 1), 1)
    plan.add("Y", last, "close_round", "office", {"on": iso(last)},
             locate=Locate("attribute_review_round", {"round": str(year)}))


def _convert(plan: Plan, key: str, doc: Filed, day: date, locate: Locate) -> None:
    """Convert to active disclosure; the conversion starts the document's publication approval,
    due 20 working days from the change (条例 26), which goes through review and is published."""
    plan.add(key, day, "propose_conversion", "drafting_division",
             {"reasons": "项目已结束，第三方同意公开，情况已变化"}, locate=locate)
    day = plan.add(key, plan.wd(day, 2), "approve_proposal", "office",
                   {"notes": "同意转为主动公开"})
    child = f"P{doc.key[1:]}"
    find = Locate("publication_approval", match_refs={"converted_from": key})
    day = plan.add(child, plan.wd(day, 1), "submit", "drafter", {}, locate=find)
    day = plan.add(child, plan.wd(day, 1), "approve_division", "division_head", {"notes": "同意"})
    day = plan.wd(day, 1)
    plan.add(child, day, "pass_confidentiality", "secrecy_reviewer", {
        "reviewed_on": iso(day), "formed_on": iso(doc.formed), "doc_number": doc.number})
    day = plan.wd(day, 1)
    plan.add(child, day, "publish", "office", {"channels": [
        {"channel": "website", "published_on": iso(day),
         "address": f"https://gxt.example.gov.cn/zfxxgk/{doc.number}.html"}]})
