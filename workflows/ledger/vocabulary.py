"""The document ledger's (台账) closed lists of values: kinds, review levels, disclosure
attributes and statuses (source document 一(四), 条例 18).

Kept apart from the tables so that the command line's choices (``gongkai ledger --kind``) and the
filters of :func:`workflows.ledger.documents` need no SQLModel.
"""

from __future__ import annotations

__all__ = ["ATTRIBUTES", "KINDS", "REVIEW_LEVELS", "STATUSES"]

KINDS = ("policy", "normative", "regulation", "work_information", "other")
"""政策文件, 行政规范性文件, 规章, 工作信息, other."""
REVIEW_LEVELS = ("ordinary", "important", "major")
ATTRIBUTES = ("active", "on_request", "withheld")
"""主动公开, 依申请公开, 不予公开."""
STATUSES = ("drafting", "issued", "published", "retracted", "repealed")
"""An abandoned draft (撤销) keeps its row as ``drafting`` with no ``doc_number``: its 文号 is
free for another document, the row stays for the record."""
