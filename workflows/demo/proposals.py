"""What the handling division proposes for each planned outcome: the proposal data the
disclosure request's models and guards require (legal basis for what is withheld, 条例 36(3),
37; convenience replies, source document 四(二); the reason for not holding, 条例 36(4)(5))."""

from __future__ import annotations

import random
from typing import Any

LEGAL_BASIS = {
    "partially_disclosed": "《政府信息公开条例》第三十七条",
    "withheld.state_secret": "《政府信息公开条例》第十四条",
    "withheld.prohibited_by_law": "《政府信息公开条例》第十四条",
    "withheld.security_stability": "《政府信息公开条例》第十四条",
    "withheld.third_party_rights": "《政府信息公开条例》第十五条、第三十二条",
    "withheld.internal_affairs": "《政府信息公开条例》第十六条第一款",
    "withheld.process_information": "《政府信息公开条例》第十六条第二款",
    "withheld.enforcement_file": "《政府信息公开条例》第十六条第二款",
    "withheld.administrative_query": "《政府信息公开条例》第三十六条第七项",
}
REASONS = {
    "disclosed": "所申请信息不涉及国家秘密、商业秘密和个人隐私，予以公开",
    "partially_disclosed": "所申请信息中含有个人隐私，作区分处理后公开其余部分",
    "withheld.state_secret": "所申请信息经保密审查属于国家秘密",
    "withheld.prohibited_by_law": "所申请信息属于法律、行政法规禁止公开的信息",
    "withheld.security_stability": "公开后可能危及经济安全和社会稳定",
    "withheld.third_party_rights": "第三方不同意公开且理由成立，公开会损害其商业秘密",
    "withheld.internal_affairs": "所申请信息属于本机关内部管理信息",
    "withheld.process_information": "所申请信息属于讨论记录、过程稿等过程性信息",
    "withheld.enforcement_file": "所申请信息属于行政执法案卷信息",
    "withheld.administrative_query": "所申请信息属于工商登记资料查询事项，告知按规定办理",
    "unavailable.not_held": "经检索，本机关未制作或获取所申请信息",
    "unavailable.needs_creation": "所申请信息需要对现有信息进行加工、分析，本机关不予提供",
    "unavailable.unclear_after_correction": "经补正后申请内容仍不明确",
    "not_processed.petition_complaint": "申请内容属于投诉举报事项，告知通过信访渠道反映",
    "not_processed.repeated": "申请人已就同一内容提出申请并获答复，属重复申请",
    "not_processed.publication": "申请获取公开出版物，告知获取途径",
    "not_processed.excessive": "申请数量明显超过合理范围且说明的理由不合理",
    "not_processed.confirm_or_reissue":
        "要求确认或重新出具已获取的信息，不作为政府信息公开申请处理",
}
CONVENIENCE = "已告知申请人可向有关行政机关咨询或通过本厅门户网站查询相关信息"


def proposal(result: str, rng: random.Random, public_interest: bool = False) -> dict[str, Any]:
    """The ``propose`` (or on-the-spot reply) data for the outcome ``result``."""
    data: dict[str, Any] = {"outcome": result, "reasons": REASONS[result]}
    if result in LEGAL_BASIS:
        data["legal_basis"] = LEGAL_BASIS[result]
    if result == "partially_disclosed":
        data["withheld_parts"] = ["涉及自然人的身份证号码和联系方式"]
    if result.startswith("unavailable."):
        data["convenience"] = CONVENIENCE
    if result == "unavailable.not_held":
        if rng.random() < 0.6:
            data.update(not_held_reason="does_not_exist",
                        search_record="检索本厅2019年以来发文目录、档案系统及承办处室台账，未发现")
        else:
            data.update(not_held_reason="not_this_agency",
                        responsible_agency=rng.choice(("省市场监督管理局", "省生态环境厅",
                                                       "省发展和改革委员会")))
    if public_interest:
        data["public_interest"] = "项目涉及公共安全，不公开会对公共利益造成重大影响"
    return data
