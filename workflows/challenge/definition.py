"""The challenge workflow (行政复议和行政诉讼) as data: one case against one disclosure request.

An applicant who thinks a request's handling infringed their rights may apply for
administrative reconsideration or bring administrative litigation (条例 51). The agency's legal
officer (法制工作人员) files each case, linked to the request, and records its result; the annual
report's table 四 counts the cases by kind and result, and those still pending (尚未审结) on
31 December (国办公开办函〔2021〕30号). A case in which the reconsideration body is co-defendant
(行政诉讼法 26 第二款) is one case, under the original actor: the workflow never files a second.
"""

from __future__ import annotations

from engine import State, Title, Transition, WorkflowDefinition
from workflows.challenge.models import MODELS
from workflows.common.build import Builder

NAME = "challenge"
LEGAL_OFFICER = "legal_officer"
"""法制工作人员: files the cases and records their results."""
REQUEST_LINK = "disclosure_request"
"""The link kind tying a case to its request's instance id: ``engine.find(linked=(REQUEST_LINK,
request_id))`` lists a request's challenges."""

STATES = (
    State("pending", Title("尚未审结", "Pending"), "initial"),
    State("decided", Title("已审结", "Decided"), "terminal"),
)
_build = Builder(NAME, MODELS)


def _transitions() -> tuple[Transition, ...]:
    t = _build.transition
    return (
        t("file_challenge", (), "pending", LEGAL_OFFICER, ("登记复议或诉讼", "File a challenge"),
          guards=("request_of_agency", "filed_after_receipt", "reconsideration_matches"),
          actions="link_request"),
        t("decide_challenge", "pending", "decided", LEGAL_OFFICER,
          ("登记审结结果", "Record the decision"), guards="decided_after_filing"),
    )


def definition(version: int = 1) -> WorkflowDefinition:
    """The challenge definition: ``file_challenge`` starts a pending case, ``decide_challenge``
    records its result."""
    return WorkflowDefinition(
        name=NAME, version=version,
        title=Title("行政复议和行政诉讼", "Reconsideration or litigation"),
        states=STATES, transitions=_transitions(), roles=(LEGAL_OFFICER,),
        start_trigger="file_challenge",
        description="政府信息公开行政复议、行政诉讼 (条例 51; annual report table 四).",
        settings={"label_field": "case_number"})
