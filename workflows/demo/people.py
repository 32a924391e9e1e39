"""Who asks: applicants of the simulated year, in the mix of a provincial department's requests
(mostly natural persons, some companies, a few research, social welfare, legal service and other
organisations: the columns of table 三)."""

from __future__ import annotations

import random
from typing import Any

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红"
APPLICANT_TYPES = (("natural_person", 80), ("commercial", 11), ("research", 3),
                   ("social_welfare", 2), ("legal_service", 3), ("other_org", 1))
ORGANISATIONS = {
    "commercial": ("{}{}科技有限公司", "{}{}机械制造有限公司", "{}{}新材料股份有限公司"),
    "research": ("{}{}产业研究院", "某大学{}{}课题组"),
    "social_welfare": ("{}{}公益基金会", "{}{}志愿者协会"),
    "legal_service": ("{}{}律师事务所",),
    "other_org": ("{}{}行业协会", "{}{}村民委员会"),
}
PLACES = "晋阳汾河太行长治云冈平遥五台吕梁"


def weighted(rng: random.Random, choices: tuple[tuple[str, int], ...]) -> str:
    """One of ``choices`` by weight."""
    names, weights = zip(*choices, strict=True)
    chosen: str = rng.choices(names, weights)[0]
    return chosen


def applicant(rng: random.Random, number: int, kind: str | None = None) -> dict[str, Any]:
    """An applicant of ``kind`` (drawn from the mix when not given); ``number`` keeps names and
    contacts distinct (the ledger counts distinct applicants, 条例 44)."""
    kind = kind or weighted(rng, APPLICANT_TYPES)
    if kind == "natural_person":
        name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
        contact = f"13{rng.randint(0, 9)}{number:08d}"
    else:
        place = "".join(rng.sample(PLACES, 2))
        name = rng.choice(ORGANISATIONS[kind]).format(place, f"{number:03d}")
        contact = f"0351-{6000000 + number}"
    return {"name": name, "type": kind, "contact": contact}
