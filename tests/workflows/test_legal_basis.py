"""One reader of a non-public attribute's basis for drafting (不予发文, source document 一(四)) and
re-review (条例 18): only a whole article of the 政府信息公开条例 counts, 14 to 16."""

from __future__ import annotations

import pytest

from workflows.common.legal_basis import ARTICLES, cited_article


@pytest.mark.parametrize(("basis", "article"), [
    ("条例第十四条", 14), ("《中华人民共和国政府信息公开条例》第十五条第一款", 15),
    ("依据条例第十六条", 16), ("第15条", 15), ("条例 16", 16), ("16", 16),
    ("条例第１６条", 16),  # full-width digits
    ("条例第二十四条", 24), ("第一百一十四条", 114),  # whole numbers, never a part of one
    ("《保守国家秘密法》第十四条", None), ("依据《中华人民共和国保守国家秘密法》第十四条", None),
    ("《保守国家秘密法实施条例》第十四条", None),  # another law's article is no basis here
    ("工作需要", None), ("", None),
])
def test_the_basis_names_a_whole_article_of_the_regulations(basis: str,
                                                            article: int | None) -> None:
    assert cited_article(basis) == article
    assert (article in ARTICLES) == (article is not None and 14 <= article <= 16)
