"""The outcome catalogue of a disclosure request (依申请公开办理结果).

Every request ends with exactly one outcome, and the outcomes are the rows of section 三(三)
"本年度办理结果" of table 三 "收到和处理政府信息公开申请情况" of the annual report form
(《中华人民共和国政府信息公开工作年度报告格式》, 国办公开办函〔2021〕30号). Keeping the catalogue
one-to-one with those rows means the annual report is a plain count by outcome code.

Each outcome carries the rule flags the workflow's guards need (legal basis, convenience reply,
prior correction, set only by the workflow) and the articles of the Regulations (条例, 2019
revision) it rests on. :func:`check_proposal` holds the rules that need nothing but the proposal
itself, so the ``propose`` data model and the workflow's guards apply the very same checks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

__all__ = [
    "GROUPS",
    "NOT_HELD_REASONS",
    "OUTCOMES",
    "OUTCOMES_BY_CODE",
    "OUTCOME_CODES",
    "PROPOSABLE_CODES",
    "PROPOSAL_FIELDS",
    "Group",
    "Outcome",
    "OutcomeGroup",
    "UnknownOutcome",
    "check_proposal",
    "outcome",
    "outcomes_in_group",
    "proposal_problems",
]

REPORT_SECTION = "三、本年度办理结果"
"""The row of table 三 under which every outcome row sits."""


class OutcomeGroup(StrEnum):
    """The six result groups of section 三(三) of the annual report table."""

    DISCLOSED = "disclosed"
    PARTIALLY_DISCLOSED = "partially_disclosed"
    WITHHELD = "withheld"
    UNAVAILABLE = "unavailable"
    NOT_PROCESSED = "not_processed"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Group:
    """One result group as the annual report form prints it, e.g. （三）不予公开."""

    group: OutcomeGroup
    number: str
    title_zh: str
    title_en: str

    @property
    def report_label(self) -> str:
        """The group's row heading in the form, e.g. ``（三）不予公开``."""
        return f"（{self.number}）{self.title_zh}"


GROUPS: Mapping[OutcomeGroup, Group] = MappingProxyType(
    {
        OutcomeGroup.DISCLOSED: Group(OutcomeGroup.DISCLOSED, "一", "予以公开", "disclosed"),
        OutcomeGroup.PARTIALLY_DISCLOSED: Group(
            OutcomeGroup.PARTIALLY_DISCLOSED,
            "二",
            "部分公开（区分处理的，只计这一情形，不计其他情形）",
            "partially disclosed",
        ),
        OutcomeGroup.WITHHELD: Group(OutcomeGroup.WITHHELD, "三", "不予公开", "withheld"),
        OutcomeGroup.UNAVAILABLE: Group(OutcomeGroup.UNAVAILABLE, "四", "无法提供", "unavailable"),
        OutcomeGroup.NOT_PROCESSED: Group(
            OutcomeGroup.NOT_PROCESSED, "五", "不予处理", "not processed"
        ),
        OutcomeGroup.OTHER: Group(OutcomeGroup.OTHER, "六", "其他处理", "other handling"),
    }
)
"""The six groups, in the form's order."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """One outcome of a disclosure request and one row of the annual report (办理结果).

    ``item`` is the row's number inside its group (``None`` for the two groups that are a single
    row: 予以公开 and 部分公开). ``title_zh`` is the row's wording in the form without its number.

    Rule flags:

    - ``requires_legal_basis``: the reply must state the legal basis for what is not disclosed
      (条例 36(3), 37; the grounds of 条例 14–16).
    - ``requires_convenience``: the reply must carry convenience content (便民答复; source document
      四(二): information does not exist, is not held, must be newly made, or stays unclear after
      correction); by default, unless the definition's ``convenience_required`` is off (视情).
    - ``requires_prior_correction``: only possible after the applicant was asked to correct the
      request (补正, 条例 30).
    - ``system_only``: set by the workflow when a period lapses, never proposed by staff.
    """

    code: str
    group: OutcomeGroup
    item: int | None
    title_zh: str
    title_en: str
    articles: tuple[str, ...]
    requires_legal_basis: bool = False
    requires_convenience: bool = False
    requires_prior_correction: bool = False
    system_only: bool = False

    @property
    def report_row(self) -> str:
        """Short label of the row in table 三, e.g. ``三(三)1`` for 属于国家秘密."""
        number = GROUPS[self.group].number
        return f"三({number})" if self.item is None else f"三({number}){self.item}"

    @property
    def report_label(self) -> str:
        """The row as the form prints it.

        E.g. ``三、本年度办理结果（三）不予公开 1.属于国家秘密``.
        """
        group_label = GROUPS[self.group].report_label
        if self.item is None:
            return f"{REPORT_SECTION}{group_label}"
        return f"{REPORT_SECTION}{group_label} {self.item}.{self.title_zh}"

    @property
    def proposable(self) -> bool:
        """Whether staff may propose this outcome (all but the lapse outcomes)."""
        return not self.system_only


_W = OutcomeGroup.WITHHELD
_U = OutcomeGroup.UNAVAILABLE
_N = OutcomeGroup.NOT_PROCESSED
_O = OutcomeGroup.OTHER

OUTCOMES: tuple[Outcome, ...] = (
    Outcome(
        "disclosed", OutcomeGroup.DISCLOSED, None, "予以公开",
        "disclosed (including information already made public)",
        ("条例 36(1)", "条例 36(2)"),
    ),
    Outcome(
        "partially_disclosed", OutcomeGroup.PARTIALLY_DISCLOSED, None,
        GROUPS[OutcomeGroup.PARTIALLY_DISCLOSED].title_zh,
        "partially disclosed (severable parts withheld with reasons)",
        ("条例 37",), requires_legal_basis=True,
    ),
    Outcome(
        "withheld.state_secret", _W, 1, "属于国家秘密",
        "withheld: state secret", ("条例 14",), requires_legal_basis=True,
    ),
    Outcome(
        "withheld.prohibited_by_law", _W, 2, "其他法律行政法规禁止公开",
        "withheld: disclosure prohibited by other laws or administrative regulations",
        ("条例 14",), requires_legal_basis=True,
    ),
    Outcome(
        "withheld.security_stability", _W, 3, "危及“三安全一稳定”",
        "withheld: would endanger national, public or economic security or social stability",
        ("条例 14",), requires_legal_basis=True,
    ),
    Outcome(
        "withheld.third_party_rights", _W, 4, "保护第三方合法权益",
        "withheld: protects a third party's lawful rights (trade secrets, privacy)",
        ("条例 15", "条例 32"), requires_legal_basis=True,
    ),
    Outcome(
        "withheld.internal_affairs", _W, 5, "属于三类内部事务信息",
        "withheld: internal affairs (personnel, logistics, internal procedures)",
        ("条例 16",), requires_legal_basis=True,
    ),
    Outcome(
        "withheld.process_information", _W, 6, "属于四类过程性信息",
        "withheld: process information (discussion records, drafts, consultation letters, "
        "internal reports)",
        ("条例 16",), requires_legal_basis=True,
    ),
    Outcome(
        "withheld.enforcement_file", _W, 7, "属于行政执法案卷",
        "withheld: administrative law-enforcement case file", ("条例 16",),
        requires_legal_basis=True,
    ),
    Outcome(
        "withheld.administrative_query", _W, 8, "属于行政查询事项",
        "withheld: administrative query matter with its own access rules "
        "(e.g. business or real-estate registration data)",
        ("条例 36(7)",), requires_legal_basis=True,
    ),
    Outcome(
        "unavailable.not_held", _U, 1, "本机关不掌握相关政府信息",
        "unavailable: not held by this agency (does not exist, or another agency's; name the "
        "responsible agency where known)",
        ("条例 36(4)", "条例 36(5)"), requires_convenience=True,
    ),
    Outcome(
        "unavailable.needs_creation", _U, 2, "没有现成信息需要另行制作",
        "unavailable: no existing information, would have to be newly made",
        ("条例 38",), requires_convenience=True,
    ),
    Outcome(
        "unavailable.unclear_after_correction", _U, 3, "补正后申请内容仍不明确",
        "unavailable: request still unclear after correction",
        ("条例 30",), requires_convenience=True, requires_prior_correction=True,
    ),
    Outcome(
        "not_processed.petition_complaint", _N, 1, "信访举报投诉类申请",
        "not processed: a petition, report or complaint (told the proper channel)",
        ("条例 39",),
    ),
    Outcome(
        "not_processed.repeated", _N, 2, "重复申请",
        "not processed: repeated request for information already answered", ("条例 36(6)",),
    ),
    Outcome(
        "not_processed.publication", _N, 3, "要求提供公开出版物",
        "not processed: request for a publication (told where to obtain it)", ("条例 39",),
    ),
    Outcome(
        "not_processed.excessive", _N, 4, "无正当理由大量反复申请",
        "not processed: large or repeated requests without good reason", ("条例 35",),
    ),
    Outcome(
        "not_processed.confirm_or_reissue", _N, 5, "要求行政机关确认或重新出具已获取信息",
        "not processed: asks the agency to confirm or re-issue information already obtained",
        (),
    ),
    Outcome(
        "other.no_correction", _O, 1,
        "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "other: applicant did not correct in time without good reason; request no longer "
        "processed",
        ("条例 30",), system_only=True,
    ),
    Outcome(
        "other.fee_unpaid", _O, 2,
        "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "other: applicant did not pay the fee notice in time; request no longer processed",
        ("条例 42", "国办函〔2020〕109号"), system_only=True,
    ),
    Outcome("other.other", _O, 3, "其他", "other", ()),
)
"""All outcomes, in the order of the annual report form."""

OUTCOMES_BY_CODE: Mapping[str, Outcome] = MappingProxyType({o.code: o for o in OUTCOMES})
"""Read-only mapping from outcome code to outcome."""

OUTCOME_CODES: tuple[str, ...] = tuple(o.code for o in OUTCOMES)
"""Every outcome code, in annual-report order."""

PROPOSABLE_CODES: tuple[str, ...] = tuple(o.code for o in OUTCOMES if o.proposable)
"""The codes staff may propose (all but the ones set by a lapse)."""


class UnknownOutcome(KeyError, ValueError):
    """An outcome code that is not in the catalogue.

    A :class:`KeyError` for mapping-style callers and a :class:`ValueError` so that pydantic
    validators turn it into a field error.
    """

    def __init__(self, code: object) -> None:
        self.code = code
        super().__init__(code)

    def __str__(self) -> str:
        return f"unknown outcome {self.code!r}; valid outcomes: {', '.join(OUTCOME_CODES)}"


def outcome(code: str) -> Outcome:
    """Look up an outcome by code; :class:`UnknownOutcome` lists the valid codes."""
    try:
        return OUTCOMES_BY_CODE[code]
    except (KeyError, TypeError):
        raise UnknownOutcome(code) from None


def outcomes_in_group(group: OutcomeGroup | str) -> tuple[Outcome, ...]:
    """The outcomes of one result group, in report order."""
    wanted = OutcomeGroup(group)
    return tuple(o for o in OUTCOMES if o.group is wanted)


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


_DISCLOSING = frozenset({OutcomeGroup.DISCLOSED, OutcomeGroup.PARTIALLY_DISCLOSED})


PROPOSAL_FIELDS: tuple[str, ...] = (
    "outcome",
    "legal_basis",
    "convenience",
    "withheld_parts",
    "public_interest",
    "not_held_reason",
    "search_record",
    "responsible_agency",
)
"""The proposal fields :func:`proposal_problems` may report on."""

NOT_HELD_REASONS: tuple[str, ...] = ("does_not_exist", "not_this_agency")
"""Why the agency does not hold the information (``unavailable.not_held``): it does not exist
(条例 36(4): the agency shows where and how it searched, ``search_record``), or it is another
agency's (条例 36(5): name the responsible agency where it can be determined)."""


def _not_held_problems(code: str, reason: str | None, search_record: str | None,
                       responsible_agency: str | None = None) -> dict[str, list[str]]:
    """The 条例 36(4)/(5) checks of ``unavailable.not_held``: which of the two, for
    ``does_not_exist`` the record of the search, and for ``not_this_agency`` the responsible
    agency; none of the three fields fits another outcome or the other reason."""
    problems: dict[str, list[str]] = {}
    if code != "unavailable.not_held":
        if reason is not None:
            problems["not_held_reason"] = [f"a reason for not holding applies to "
                                           f"unavailable.not_held only, not {code}"]
        if not _blank(search_record):
            problems["search_record"] = [f"a search record applies to unavailable.not_held "
                                         f"(does_not_exist) only, not {code}"]
        if not _blank(responsible_agency):
            problems["responsible_agency"] = [
                f"a responsible agency applies to unavailable.not_held (not_this_agency, "
                f"条例 36(5)) only, not {code}"]
        return problems
    if reason not in NOT_HELD_REASONS:
        problems["not_held_reason"] = [
            "unavailable.not_held needs not_held_reason: does_not_exist (条例 36(4)) or "
            "not_this_agency (条例 36(5))"]
    elif reason == "does_not_exist" and _blank(search_record):
        problems["search_record"] = ["does_not_exist needs search_record: where and how the "
                                     "agency searched (条例 36(4))"]
    elif reason == "not_this_agency" and not _blank(search_record):
        problems["search_record"] = ["a search record goes with does_not_exist (条例 36(4)), "
                                     "not with not_this_agency"]
    if reason == "does_not_exist" and not _blank(responsible_agency):
        problems["responsible_agency"] = ["a responsible agency goes with not_this_agency "
                                          "(条例 36(5)), not with does_not_exist"]
    return problems


def proposal_problems(
    outcome_code: str | Outcome,
    legal_basis: str | None = None,
    convenience: str | None = None,
    withheld_parts: Sequence[str] | None = None,
    *,
    public_interest: str | None = None,
    not_held_reason: str | None = None,
    search_record: str | None = None,
    responsible_agency: str | None = None,
    convenience_required: bool = True,
) -> dict[str, list[str]]:
    """The problems of :func:`check_proposal`, keyed by the field each one is about.

    Only fields with problems appear; the keys are from :data:`PROPOSAL_FIELDS`. Each problem
    depends on the outcome and on its own field alone (``search_record`` and
    ``responsible_agency`` also on ``not_held_reason``), so a form can show it next to the
    field. ``convenience_required`` off (the definition setting of the same name) follows the
    source document's "视情": the convenience reply is then the agency's choice.
    """
    chosen = outcome_code if isinstance(outcome_code, Outcome) else outcome(outcome_code)
    code = chosen.code
    is_partial = chosen.group is OutcomeGroup.PARTIALLY_DISCLOSED
    has_parts = any(part.strip() for part in withheld_parts or ())
    problems: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    if chosen.system_only:
        add("outcome", f"{code} is set by the workflow when a period lapses; it cannot be proposed")
    if chosen.requires_legal_basis and _blank(legal_basis):
        add("legal_basis", f"{code} needs the legal basis for what is withheld (条例 36(3), 37)")
    if is_partial and not has_parts:
        add("withheld_parts", "partially_disclosed needs the withheld parts (区分处理, 条例 37)")
    if has_parts and not is_partial:
        add("withheld_parts", f"withheld parts only apply to partially_disclosed, not {code}")
    if convenience_required and chosen.requires_convenience and _blank(convenience):
        add("convenience", f"{code} needs convenience reply content (便民答复, source 四(二))")
    if not _blank(public_interest) and chosen.group not in _DISCLOSING:
        add("public_interest", f"a public-interest finding (条例 15, 32) cannot support {code}")
    for field, messages in _not_held_problems(code, not_held_reason, search_record,
                                              responsible_agency).items():
        for message in messages:
            add(field, message)
    return problems


def check_proposal(
    outcome_code: str | Outcome,
    legal_basis: str | None = None,
    convenience: str | None = None,
    withheld_parts: Sequence[str] | None = None,
    *,
    public_interest: str | None = None,
    not_held_reason: str | None = None,
    search_record: str | None = None,
    responsible_agency: str | None = None,
    convenience_required: bool = True,
) -> list[str]:
    """Return the problems of a proposed outcome that need nothing but the proposal itself.

    An empty list means the proposal is consistent. The checks:

    - a lapse outcome (``other.no_correction``, ``other.fee_unpaid``) is set by the workflow and
      cannot be proposed;
    - what is withheld needs its legal basis (条例 36(3), 37; grounds of 条例 14–16);
    - partial disclosure names the withheld parts (区分处理, 条例 37), and only it does;
    - the ``unavailable.*`` outcomes carry convenience content (便民答复, source document 四(二));
    - a public-interest finding (条例 15, 32) only supports disclosing;
    - ``unavailable.not_held`` says why: ``does_not_exist`` with the ``search_record`` (条例
      36(4)) or ``not_this_agency`` (条例 36(5), with the ``responsible_agency`` where known);
      none of these fields fits another outcome.

    Rules that depend on the request's history (e.g. ``unavailable.unclear_after_correction``
    only after a correction, or a third party's objection) are the workflow's guards.
    Raises :class:`UnknownOutcome` for a code not in the catalogue.
    """
    by_field = proposal_problems(
        outcome_code, legal_basis, convenience, withheld_parts, public_interest=public_interest,
        not_held_reason=not_held_reason, search_record=search_record,
        responsible_agency=responsible_agency, convenience_required=convenience_required,
    )
    return [message for field in PROPOSAL_FIELDS for message in by_field.get(field, [])]
