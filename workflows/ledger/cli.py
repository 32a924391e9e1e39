"""``gongkai ledger``: the document ledger (台账) as a tab-separated listing.

Mounted through the entry point group ``gongkai.commands``.
"""

from __future__ import annotations

import click

from engine.cli import (
    GongkaiCommand,
    agency_option,
    db_option,
    one_line_refusals,
    open_engine,
)
from workflows.ledger.documents import Document, documents
from workflows.ledger.vocabulary import ATTRIBUTES, KINDS, STATUSES

__all__ = ["ledger"]


@click.command(cls=GongkaiCommand)
@db_option
@agency_option
@click.option("--attribute", type=click.Choice(ATTRIBUTES), default=None,
              help="Only documents with this disclosure attribute.")
@click.option("--kind", type=click.Choice(KINDS), default=None, help="Only this kind.")
@click.option("--status", type=click.Choice(STATUSES), default=None, help="Only this status.")
def ledger(db_url: str, agency: str, attribute: str | None, kind: str | None,
           status: str | None) -> None:
    """List the ledger's documents: 文号, title, kind, attribute, status, formed on, and
    requests/applicants that named it (条例 44). A document still drafted has no 文号 ("-")."""
    engine = open_engine(db_url, agency)
    try:
        with one_line_refusals():
            found = documents(engine, attribute=attribute, status=status, kind=kind)
    finally:
        engine.close()
    for doc in found:
        click.echo(_line(doc))


def _line(doc: Document) -> str:
    formed = doc.formed_on.isoformat() if doc.formed_on else "-"
    return (f"{doc.doc_number or '-'}\t{doc.title}\t{doc.kind}\t{doc.attribute}\t{doc.status}"
            f"\t{formed}\t{doc.requests}/{doc.applicants}")
