"""Guards and actions of the publication approval workflow, each citing its rule.

Guards return ``None`` to allow or the reason for refusing. Actions write the document ledger
(台账, :class:`workflows.ledger.DocumentRow`) through ``ctx.tables``, so a ledger change commits
with the event that made it. The ledger key ``doc_id`` is this instance's id, or, for a document
converted by a re-review round that is already in the ledger under its 文号, that row's key.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from engine import Registry, TransitionContext
from workflows.common.fields import parse_day
from workflows.common.legal_basis import ARTICLES, cited_article
from workflows.disclosure_request.documents import threshold_round
from workflows.ledger import DocumentRow, insert_document, sync_counts
from workflows.publication_approval.definition import MIN_REASONS_CHARS, NAME, SYSTEM

rules = Registry(prefix=NAME)
guard, action = rules.guard, rules.action

NON_PUBLIC = ("on_request", "withheld")
BASIS_ARTICLES = ARTICLES
"""条例 14 (secrets, security), 15 (trade secrets, privacy), 16 (internal and process
information): the only bases for a non-public attribute."""
NO_INTERPRETATION = "policy_without_interpretation"
"""The flag on a policy document published with no interpretation on record (谁起草、谁解读,
source document 二(二)): in the instance's ``flags`` and, as ``without_interpretation``, on each
ledger publication entry made then."""

def _current(ctx: TransitionContext, name: str) -> Any:
    return ctx.data.get(name, ctx.instance_data.get(name))


def attribute_problem(attribute: str | None, basis: str | None, reasons: str | None,
                      min_reasons: int) -> str | None:
    """Why a draft's attribute proposal means 不予发文 (source document 一(四)), or ``None``."""
    if attribute is None:
        return "the draft has no disclosure attribute (公开属性); 不予发文 (source document 一(四))"
    if attribute not in NON_PUBLIC:
        return None
    if not basis:
        return (f"a {attribute} attribute needs its legal basis (条例 14–16); 不予发文 "
                "(source document 一(四))")
    if len((reasons or "").strip()) < min_reasons:
        return (f"a {attribute} attribute needs its reasons (at least {min_reasons} characters); "
                "不予发文 (source document 一(四))")
    article = cited_article(basis)
    if article not in BASIS_ARTICLES:
        return (f"basis {basis!r} is not 条例 14, 15 or 16, the only grounds for not publishing; "
                "不予发文 (source document 一(四))")
    return None


@guard("attribute_complete")
def attribute_complete(ctx: TransitionContext) -> str | None:
    """Source document 一(四): the attribute goes with the draft; a non-public one needs its basis
    in 条例 14–16 and its reasons, or the document is not issued (不予发文)."""
    minimum = int(ctx.definition.settings.get("min_reasons_chars", MIN_REASONS_CHARS))
    return attribute_problem(_current(ctx, "attribute"), _current(ctx, "attribute_basis"),
                             _current(ctx, "attribute_reasons"), minimum)


def _level_is(ctx: TransitionContext, *levels: str) -> str | None:
    level = ctx.instance_data.get("review_level")
    if level in levels:
        return None
    return (f"a {level} document does not take this route (分级审核: ordinary -> secrecy review; "
            "important -> office; major -> office and leader, source document 二(一))")


@guard("ordinary")
def ordinary(ctx: TransitionContext) -> str | None:
    """Ordinary documents are approved with the secrecy review (source document 二(一))."""
    return _level_is(ctx, "ordinary")


@guard("graded")
def graded(ctx: TransitionContext) -> str | None:
    """Important and major documents go on to the general office (source document 二(一))."""
    return _level_is(ctx, "important", "major")


@guard("important")
def important(ctx: TransitionContext) -> str | None:
    """Important documents are approved by the general office (source document 二(一))."""
    return _level_is(ctx, "important")


@guard("major")
def major(ctx: TransitionContext) -> str | None:
    """Major documents go on to the leader (source document 二(一))."""
    return _level_is(ctx, "major")


@guard("active")
def active(ctx: TransitionContext) -> str | None:
    """Only 主动公开 documents are published (条例 19–20, 26)."""
    attribute = ctx.instance_data.get("attribute")
    if attribute == "active":
        return None
    return f"a {attribute} document is not published (主动公开 only, 条例 19, 26)"


@guard("not_converted")
def not_converted(ctx: TransitionContext) -> str | None:
    """A document drafted anew starts its 20 working days when it is signed (条例 26 "形成")."""
    if ctx.instance_data.get("converted_from"):
        return "a converted document's period already runs from its conversion (条例 26 \"变更\")"
    return None


@guard("converted")
def converted(ctx: TransitionContext) -> str | None:
    """A document converted to active disclosure by a re-review already counts its 20 working
    days from the conversion (条例 26 "变更"): signing it starts no second period."""
    if ctx.instance_data.get("converted_from"):
        return None
    return "only a converted document is signed without starting its publication period"


@guard("non_public")
def non_public(ctx: TransitionContext) -> str | None:
    """Only non-public documents are filed without publication (source document 一(四))."""
    attribute = ctx.instance_data.get("attribute")
    if attribute in NON_PUBLIC:
        return None
    return f"an {attribute} document must be published within 20 working days (条例 26)"


@guard("determination_allows")
def determination_allows(ctx: TransitionContext) -> str | None:
    """条例 17: where the competent department found the content not public, an active document
    cannot pass the secrecy review as it stands; it is returned for revision."""
    found = ctx.instance_data.get("determination") or {}
    attribute = ctx.instance_data.get("attribute")
    if found.get("determination") == "not_public" and attribute == "active":
        return (f"{found.get('authority')} determined the content not public (条例 17); an active "
                "document cannot pass: return it for revision")
    return None


@guard("formed_and_numbered")
def formed_and_numbered(ctx: TransitionContext) -> str | None:
    """The step that signs the document records its 签发/成文 date (条例 26 counts from it) and
    its 文号. The date is a Beijing day no later than today and no earlier than the day the
    draft was started, whatever the attribute. A converted document keeps the 文号 it was
    issued under (the re-review converted that document, 条例 18) and its original 成文 date,
    which it may also be signed with."""
    if "formed_on" not in ctx.data:
        return "the signing step needs formed_on, the 签发/成文 date (条例 26 counts from it)"
    if not _current(ctx, "doc_number"):
        return "the signing step needs the doc_number (文号) unless it was given at drafting"
    formed = parse_day(ctx.data["formed_on"])
    if ctx.instance_data.get("converted_from") and formed == _row(ctx)["formed_on"]:
        return None
    if formed > ctx.today:
        return f"formed_on {formed} is after today, {ctx.today}"
    drafted = ctx.instance_data.get("drafted_on")
    if drafted and formed < parse_day(drafted):
        return f"formed_on {formed} is before the draft was started, {drafted}"
    number = ctx.instance_data.get("doc_number")
    if ctx.instance_data.get("converted_from") and ctx.data.get("doc_number") not in (None,
                                                                                      number):
        return (f"a converted document keeps its 文号 {number!r}; it cannot be signed as "
                f"{ctx.data['doc_number']!r} (条例 18, 26)")
    return None


@guard("conversion_source")
def conversion_source(ctx: TransitionContext) -> str | None:
    """``converted_from`` is the system's: only the conversion of a re-review (条例 18, 26;
    ``workflows.attribute_review.conversion``) starts a publication on a document already in
    the ledger, and only when that document's last review entry is that instance's conversion.
    Any other draft naming an existing 文号 is refused as a duplicate."""
    source = ctx.data.get("converted_from")
    if not source:
        return None
    if SYSTEM not in ctx.actor.roles:
        return "converted_from is set only by a re-review's conversion (the system), 条例 18"
    number = ctx.data.get("doc_number")
    rows = ctx.tables.select(DocumentRow, doc_number=number) if number else []
    reviews = rows[0]["reviews"] if rows else []
    last = reviews[-1] if reviews else {}
    if last.get("result") != "converted" or last.get("instance") != source:
        return (f"document {number!r} was not converted to active disclosure by re-review "
                f"{source!r} (its last review entry is not that conversion)")
    return None


@guard("keeps_conversion")
def keeps_conversion(ctx: TransitionContext) -> str | None:
    """A document converted to active disclosure by a re-review is published (条例 18, 26): its
    publication may not change the attribute away from ``active``."""
    attribute = ctx.data.get("attribute")
    if ctx.instance_data.get("converted_from") and attribute not in (None, "active"):
        return (f"a document converted to active disclosure cannot be submitted as {attribute} "
                "(条例 18, 26: the conversion ends in publication)")
    return None


@guard("abandonable")
def abandonable(ctx: TransitionContext) -> str | None:
    """The publication a conversion started must end in publication within 20 working days of
    the change (条例 18, 26): it is not abandoned."""
    if ctx.instance_data.get("converted_from"):
        return "a converted document's publication cannot be abandoned (条例 18, 26)"
    return None


def _dated(ctx: TransitionContext, field: str, since_forming: bool) -> str | None:
    """The problem with the date in ``field``: after today, or (``since_forming``) before the
    document's 签发/成文 date."""
    day = parse_day(ctx.data[field])
    formed = ctx.instance_data.get("formed_on")
    if day > ctx.today:
        return f"{field} {day} is after today, {ctx.today}"
    if since_forming and formed and day < parse_day(formed):
        return f"{field} {day} is before the document was formed, {formed}"
    return None


@guard("received_by_today")
def received_by_today(ctx: TransitionContext) -> str | None:
    """A determination (条例 17) is received on a past day or today, not in the future."""
    return _dated(ctx, "received_on", since_forming=False)


@guard("interpretation_dated")
def interpretation_dated(ctx: TransitionContext) -> str | None:
    """An interpretation (谁起草、谁解读, source document 二(二)) is published between the
    document's 签发/成文 date and today."""
    return _dated(ctx, "published_on", since_forming=True)


@guard("repeal_dated")
def repeal_dated(ctx: TransitionContext) -> str | None:
    """A document is repealed between its 签发/成文 date and today."""
    return _dated(ctx, "repealed_on", since_forming=True)


def _doc_id(ctx: TransitionContext) -> str:
    return str(ctx.instance_data.get("doc_id") or ctx.instance_id)


def _update(ctx: TransitionContext, **values: Any) -> None:
    ctx.tables.update(DocumentRow, {"doc_id": _doc_id(ctx)}, **values)


def _row(ctx: TransitionContext) -> dict[str, Any]:
    row = ctx.tables.get(DocumentRow, doc_id=_doc_id(ctx))
    assert row is not None, f"ledger row {_doc_id(ctx)} is missing"
    return row


@action("record_draft")
def record_draft(ctx: TransitionContext) -> dict[str, Any]:
    """Enter the draft in the ledger (status drafting) with the requests that already named its
    文号 (条例 44); a 文号 the agency already has is a :class:`DuplicateRow`. A converted document
    (``converted_from`` vetted by ``conversion_source``) keeps its row, which takes the new
    attribute proposal. A draft without an attribute yet is entered with an empty one (the
    ledger column is required). ``drafted_on`` (today) bounds the signing date."""
    d = ctx.data
    fields = {"title": d["title"], "drafting_division": d["drafting_division"],
              "kind": d["kind"], "review_level": d["review_level"],
              "attribute": d.get("attribute", ""), "attribute_basis": d.get("attribute_basis"),
              "attribute_reasons": d.get("attribute_reasons")}
    number = d.get("doc_number")
    existing = (ctx.tables.select(DocumentRow, doc_number=number)
                if number and d.get("converted_from") else [])
    if existing:
        doc_id = existing[0]["doc_id"]
        ctx.tables.update(DocumentRow, {"doc_id": doc_id}, **fields)
    else:
        doc_id = ctx.instance_id
        insert_document(ctx.tables, doc_id=doc_id, doc_number=number, status="drafting",
                        **fields)
    if number:
        ctx.link("document", number)
    return {"doc_id": doc_id, "drafted_on": ctx.today.isoformat()}


@action("record_attribute")
def record_attribute(ctx: TransitionContext) -> dict[str, Any]:
    """The submitted attribute proposal goes into the ledger (source document 一(四))."""
    _update(ctx, attribute=_current(ctx, "attribute"),
            attribute_basis=_current(ctx, "attribute_basis"),
            attribute_reasons=_current(ctx, "attribute_reasons"))
    return {}


@action("record_approval")
def record_approval(ctx: TransitionContext) -> dict[str, Any]:
    """签发: the ledger gets ``formed_on`` and the 文号, with the requests that already named the
    文号 (条例 44); the instance is linked to the 文号. A converted document keeps its original
    成文 date in the ledger and on the instance; ``signed_on`` is the date given at signing, or
    today when the original date was given."""
    number = str(_current(ctx, "doc_number"))
    formed_on = str(ctx.data["formed_on"])
    if ctx.instance_data.get("converted_from"):
        original = _row(ctx)["formed_on"]
        kept = original.isoformat() if original else None
        signed = ctx.today.isoformat() if formed_on == kept else formed_on
        return {"signed_on": signed, "doc_number": number, "formed_on": kept}
    _update(ctx, formed_on=date.fromisoformat(formed_on), doc_number=number)
    sync_counts(ctx.tables, number)
    ctx.link("document", number)
    return {"formed_on": formed_on, "doc_number": number}


@action("count_return")
def count_return(ctx: TransitionContext) -> dict[str, Any]:
    """Count the returns for revision (a review statistic)."""
    return {"returns": int(ctx.instance_data.get("returns", 0)) + 1}


@action("record_publication")
def record_publication(ctx: TransitionContext) -> dict[str, Any]:
    """Release: the ledger's status becomes published and each channel is appended to its
    ``publications``; a policy document without an interpretation on record is flagged (谁起草、
    谁解读, source document 二(二))."""
    missing = (ctx.instance_data.get("kind") == "policy"
               and not ctx.instance_data.get("interpretations"))
    entries = [{"channel": c["channel"], "date": c["published_on"], "address": c.get("address"),
                **({"without_interpretation": True} if missing else {})}
               for c in ctx.data["channels"]]
    _update(ctx, status="published", publications=[*_row(ctx)["publications"], *entries])
    if not missing:
        return {}
    return {"flags": [*ctx.instance_data.get("flags", []), NO_INTERPRETATION]}


@action("record_interpretation")
def record_interpretation(ctx: TransitionContext) -> dict[str, Any]:
    """谁起草、谁解读 (source document 二(二)(三)): the interpretation goes into the ledger and the
    instance."""
    entry = {"forms": ctx.data["forms"], "channels": ctx.data["channels"],
             "date": ctx.data["published_on"]}
    _update(ctx, interpretations=[*_row(ctx)["interpretations"], entry])
    return {"interpretations": [*ctx.instance_data.get("interpretations", []), entry]}


@action("record_filing")
def record_filing(ctx: TransitionContext) -> dict[str, Any]:
    """印发不公开: the document is issued and waits in the ledger for re-review (条例 18); if the
    requests that named it already reach the threshold, a re-review opens now (条例 44)."""
    _update(ctx, status="issued")
    threshold_round(ctx, str(_current(ctx, "doc_number")))
    return {}


@action("record_abandonment")
def record_abandonment(ctx: TransitionContext) -> dict[str, Any]:
    """撤销: the ledger row stays (status ``drafting``, for the record) but gives up its 文号,
    which is free again for another document; its request counts go with the 文号."""
    _update(ctx, doc_number=None, requests=0, applicants=0)
    return {}


@action("record_repeal")
def record_repeal(ctx: TransitionContext) -> dict[str, Any]:
    """废止: the ledger's status becomes repealed, with the day (table 二's 本年废止件数 and
    现行有效件数 count from it); its publications stay on record."""
    _update(ctx, status="repealed", repealed_on=parse_day(ctx.data["repealed_on"]))
    return {}


@action("record_retraction")
def record_retraction(ctx: TransitionContext) -> dict[str, Any]:
    """A published item is retracted with its reason; its publications stay on record."""
    _update(ctx, status="retracted")
    return {}
