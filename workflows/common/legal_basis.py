"""Reading the article of the 政府信息公开条例 a non-public attribute rests on (条例 14–16).

A basis is written many ways: ``条例第十四条``,
``《中华人民共和国政府信息公开条例》第十五条第一款``, ``第15条``, ``条例 16``, ``16``, full-width
digits. One reader serves drafting (不予发文, source
document 一(四)) and re-review (条例 18), so both accept and refuse the same texts: the article
is a whole number (``第二十四条`` is not 14), and a basis citing another law (``《保守国家秘密法》
第十四条``, ``…实施条例…``) names no article of the 条例.
"""

from __future__ import annotations

import re
import unicodedata

_PREFIX = re.compile(r"^(?:依据|根据)?(?:《?(?:中华人民共和国)?政府信息公开条例》?|条例)?")
_NUMBER = re.compile(r"^第?([0-9]{1,3}|[一二三四五六七八九十百]{1,5})(?:条|$|[（(款项第])")
_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
ARTICLES = (14, 15, 16)
"""The articles a non-public attribute may rest on: 条例 14, 15 and 16."""


def cited_article(basis: object) -> int | None:
    """The article of the 条例 that ``basis`` cites, or ``None`` if it cites none (or another
    law)."""
    if not isinstance(basis, str):
        return None
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", basis))
    rest = _PREFIX.sub("", text, count=1)
    found = _NUMBER.match(rest)
    if found is None:
        return None
    number = found.group(1)
    return int(number) if number.isdigit() else _chinese(number)


def _chinese(numeral: str) -> int | None:
    """一 … 九十九 and 一百…: the value of a Chinese numeral, or ``None``."""
    total, current = 0, 0
    for char in numeral:
        if char in _DIGITS:
            current = _DIGITS[char]
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        elif char == "百":
            total += (current or 1) * 100
            current = 0
    value = total + current
    return value or None
