"""The annual report form as data: row and column keys with the labels exactly as printed.

The form is the one of 国办公开办函〔2021〕30号 (《中华人民共和国政府信息公开工作年度报告格式》),
used for every agency's 政府信息公开工作年度报告 from the 2021 report on. Keys are the stable
names agency systems read (JSON and ``--explain``); labels are the form's own wording, full-width
punctuation included. The outcome rows of table 三 come from the disclosure request's outcome
catalogue, so a request's final outcome code is its row key.
"""

from __future__ import annotations

from dataclasses import dataclass

from workflows.disclosure_request.models.request import ApplicantType
from workflows.disclosure_request.outcomes import GROUPS, OUTCOMES, OutcomeGroup

__all__ = [
    "ACTIVE_ROWS",
    "CHALLENGE_BLOCKS",
    "CHALLENGE_COLUMNS",
    "COLUMNS",
    "CORNER_NOTE",
    "FormColumn",
    "FormRow",
    "REQUEST_ROWS",
    "SECTION_TITLES",
    "TOTAL",
    "row_by_key",
]

TOTAL = "total"
"""The key of the 总计 column and of the （七）总计 row."""

CORNER_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
"""The corner cell of table 三, as printed."""

SECTION_TITLES = {
    "overview": "一、总体情况",
    "active": "二、主动公开政府信息情况",
    "requests": "三、收到和处理政府信息公开申请情况",
    "challenges": "四、政府信息公开行政复议、行政诉讼情况",
    "problems": "五、存在的主要问题及改进情况",
    "other": "六、其他需要报告的事项",
}
"""The six sections of the report, as printed."""


@dataclass(frozen=True, slots=True)
class FormColumn:
    """One numeric column of table 三: an applicant type (申请人情况) or the total."""

    key: str
    label: str
    organisation: bool = False
    """Under the merged header 法人或其他组织."""


COLUMNS: tuple[FormColumn, ...] = (
    FormColumn(ApplicantType.NATURAL_PERSON.value, "自然人"),
    FormColumn(ApplicantType.COMMERCIAL.value, "商业企业", True),
    FormColumn(ApplicantType.RESEARCH.value, "科研机构", True),
    FormColumn(ApplicantType.SOCIAL_WELFARE.value, "社会公益组织", True),
    FormColumn(ApplicantType.LEGAL_SERVICE.value, "法律服务机构", True),
    FormColumn(ApplicantType.OTHER_ORG.value, "其他", True),
    FormColumn(TOTAL, "总计"),
)
"""The seven columns of table 三, in the form's order; the last is the total."""


@dataclass(frozen=True, slots=True)
class FormRow:
    """One row of table 三.

    ``level`` is 0 for the four numbered items (一 … 四), 1 for the result groups （一）…（七）
    and 2 for their numbered sub-rows. ``counted`` is false for the rows that carry no numbers of
    their own: 三、本年度办理结果 and the group headings （三）…（六）.
    """

    key: str
    label: str
    level: int
    counted: bool = True


def _outcome_rows() -> tuple[FormRow, ...]:
    rows: list[FormRow] = []
    for group in OutcomeGroup:
        members = [o for o in OUTCOMES if o.group is group]
        heading = GROUPS[group].report_label
        if len(members) == 1 and members[0].item is None:
            rows.append(FormRow(members[0].code, heading, 1))
            continue
        rows.append(FormRow(group.value, heading, 1, counted=False))
        rows.extend(FormRow(o.code, f"{o.item}.{o.title_zh}", 2) for o in members)
    return tuple(rows)


REQUEST_ROWS: tuple[FormRow, ...] = (
    FormRow("new", "一、本年新收政府信息公开申请数量", 0),
    FormRow("carried_over", "二、上年结转政府信息公开申请数量", 0),
    FormRow("results", "三、本年度办理结果", 0, counted=False),
    *_outcome_rows(),
    FormRow(TOTAL, "（七）总计", 1),
    FormRow("carried_forward", "四、结转下年度继续办理", 0),
)
"""Every row of table 三 in the form's order (headings included)."""


def row_by_key(key: str) -> FormRow:
    """The table 三 row with this key, or ``KeyError`` naming the valid keys."""
    for row in REQUEST_ROWS:
        if row.key == key:
            return row
    raise KeyError(f"unknown row {key!r}; rows: {', '.join(r.key for r in REQUEST_ROWS)}")


CHALLENGE_BLOCKS: tuple[tuple[str, str, str], ...] = (
    ("reconsideration", "行政复议", ""),
    ("litigation", "行政诉讼", "未经复议直接起诉"),
    ("litigation_after_reconsideration", "行政诉讼", "复议后起诉"),
)
"""Table 四's three blocks: key, heading, sub-heading (the challenge workflow's ``kind``)."""

CHALLENGE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    (TOTAL, "总计"),
)
"""The five columns of each block of table 四."""

ACTIVE_ROWS: tuple[tuple[str, str, str], ...] = (
    ("regulation", "第二十条第（一）项", "规章"),
    ("normative", "第二十条第（一）项", "行政规范性文件"),
    ("licensing", "第二十条第（五）项", "行政许可"),
    ("penalty", "第二十条第（六）项", "行政处罚"),
    ("enforcement", "第二十条第（六）项", "行政强制"),
    ("fees", "第二十条第（八）项", "行政事业性收费"),
)
"""Table 二's rows: key, block (the article of 条例 20), 信息内容."""
