"""The data each trigger of the challenge workflow carries (行政复议和行政诉讼).

Field names are fixed: agency systems send them, and the annual report reads ``kind``,
``filed_on``, ``result`` and ``decided_on`` from the instance's data. What depends on other
instances (the request exists in the agency, its receipt date, the earlier reconsideration) is
checked by the guards in :mod:`workflows.challenge.rules`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, StrictBool, model_validator

from workflows.common.fields import Date, OptionalText, Text, TriggerData

Kind = Literal["reconsideration", "litigation", "litigation_after_reconsideration"]
"""行政复议, 未经复议直接起诉 and 复议后起诉: the three blocks of table 四."""
Result = Literal["upheld", "corrected", "other"]
"""结果维持, 结果纠正 and 其他结果 (e.g. withdrawn or dismissed), the columns of table 四."""
AFTER_RECONSIDERATION = "litigation_after_reconsideration"


class FileChallenge(TriggerData):
    """``file_challenge``: the disclosure request (its instance id) the case is about, the kind
    of case and the day it was filed (a Beijing date); optionally the case number, the agency's
    earlier reconsideration on the same request (for litigation after reconsideration) and
    whether the reconsideration body is co-defendant (行政诉讼法 26 第二款: only where it upheld
    the act, so only in litigation after reconsideration; informational, the case still counts
    once, under the original actor)."""

    request_id: Text
    kind: Kind
    filed_on: Date
    case_number: OptionalText = None
    reconsideration_id: OptionalText = None
    co_defendant: StrictBool = False

    @model_validator(mode="after")
    def _after_reconsideration_only(self) -> FileChallenge:
        if self.kind != AFTER_RECONSIDERATION:
            if self.reconsideration_id is not None:
                raise ValueError(f"reconsideration_id is given only for {AFTER_RECONSIDERATION}")
            if self.co_defendant:
                raise ValueError("the reconsideration body is co-defendant only in litigation "
                                 "after reconsideration (行政诉讼法 26 第二款)")
        return self


class DecideChallenge(TriggerData):
    """``decide_challenge``: the result and the day of the decision or judgment (a Beijing
    date)."""

    result: Result
    decided_on: Date


MODELS: dict[str, type[BaseModel]] = {
    "file_challenge": FileChallenge,
    "decide_challenge": DecideChallenge,
}
