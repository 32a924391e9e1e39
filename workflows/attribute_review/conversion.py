"""Conversion to active disclosure starts the document's publication (条例 18, 26).

A converted document is active from the conversion date and must be published within 20 working
days of that change (条例 26 "变更"), so ``approve_proposal`` of a conversion starts an instance of
:data:`PUBLICATION_WORKFLOW` in the same transaction (both commit or neither does), linked to the
round (parent and child) and to ``("document", 文号)``. The child's start trigger receives
:func:`conversion_data`: the ledger fields its ``draft`` trigger takes, the 文号 and
``converted_from`` (the round's instance id); it is started as :data:`CONVERSION_ACTOR`, so that
trigger must allow the ``system`` role.
"""

from __future__ import annotations

from typing import Any

from engine import SYSTEM

PUBLICATION_WORKFLOW = "publication_approval"
"""The workflow a conversion starts (先审后发, issue 10 section 2)."""
CONVERSION_ACTOR = SYSTEM
"""Who starts it: the system, on the office's approval (the office is not the drafter)."""
LINK_KIND = "document"
"""The link kind tying review and publication instances to the document's 文号."""
DRAFT_FIELDS = ("title", "drafting_division", "kind", "review_level")
"""The ledger fields copied into the publication's ``draft`` data (``attribute`` becomes
``active``; basis and reasons are only for non-public attributes, so none are passed)."""


def conversion_data(row: dict[str, Any], round_instance: str) -> dict[str, Any]:
    """The publication's ``draft`` data for the converted ledger ``row``: its fields, attribute
    ``active``, ``doc_number`` and ``converted_from`` (the round's instance id)."""
    data = {field: row[field] for field in DRAFT_FIELDS}
    data.update(attribute="active", doc_number=row["doc_number"], converted_from=round_instance)
    return data
