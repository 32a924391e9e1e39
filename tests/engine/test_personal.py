"""Masking personal data (个人信息) for display, and the ``personal_data`` definition setting.

Staff listings keep the first 3 and last 2 characters of a personal value of 6 or more
characters and mask the rest; shorter values are masked whole.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine import DefinitionError
from engine.definition.validate import validate
from engine.personal import mask_personal, mask_text, mask_value, path_problem, personal_paths
from tests.engine import sample


@pytest.mark.parametrize(("text", "masked"), [
    ("13800000000", "138******00"),
    ("zhang@example.cn", "zha***********cn"),
    ("123456", "123*56"),
    ("12345", "*****"),
    ("张三", "**"),
    ("", ""),
])
def test_a_text_keeps_its_first_three_and_last_two_characters(text: str, masked: str) -> None:
    assert mask_text(text) == masked


@given(st.text())
def test_a_masked_text_keeps_its_length_and_shows_at_most_five_characters(text: str) -> None:
    masked = mask_text(text)
    assert len(masked) == len(text)
    shown = [c for c, m in zip(text, masked, strict=True) if c == m and m != "*"]
    assert len(shown) <= 5
    if len(text) < 6:
        assert set(masked) <= {"*"}


def test_values_inside_a_masked_value_are_all_masked() -> None:
    assert mask_value({"tel": "13800000000", "ext": 1234, "note": None}) == {
        "tel": "138******00", "ext": "****", "note": None}
    assert mask_value(["1234567", True]) == ["123**67", "****"]


DATA: dict[str, Any] = {
    "applicant": {"name": "张三", "contact": "13800000000"},
    "parties": [{"name": "甲公司", "contact": "010-66668888"}, {"name": "乙"}],
    "register_number": "依申〔2025〕第0001号",
}


def test_paths_mask_only_what_they_name_and_lists_apply_to_every_item() -> None:
    before = copy.deepcopy(DATA)
    masked = mask_personal(DATA, ["applicant.contact", "parties.contact", "missing.field"])
    assert masked == {
        "applicant": {"name": "张三", "contact": "138******00"},
        "parties": [{"name": "甲公司", "contact": "010*******88"}, {"name": "乙"}],
        "register_number": "依申〔2025〕第0001号",
    }
    assert DATA == before  # the data itself is never changed


def test_a_path_to_an_object_masks_everything_inside_it() -> None:
    assert mask_personal(DATA, ["applicant"])["applicant"] == {"name": "**",
                                                               "contact": "138******00"}


def test_a_path_through_a_value_that_is_not_an_object_masks_nothing() -> None:
    assert mask_personal(DATA, ["register_number.x", "applicant.contact.more"]) == DATA


@pytest.mark.parametrize("path", ["", ".a", "a.", "a..b", " a", "a. b", 3, None])
def test_a_path_must_be_non_empty_dotted_segments(path: object) -> None:
    assert path_problem(path) is not None


@pytest.mark.parametrize("path", ["a", "applicant.contact", "申请人.联系方式"])
def test_dotted_paths_are_accepted(path: str) -> None:
    assert path_problem(path) is None


def test_settings_without_personal_data_have_no_paths() -> None:
    assert personal_paths({}) == ()
    assert personal_paths({"personal_data": ["a.b"]}) == ("a.b",)


@pytest.mark.parametrize(("value", "problem"), [
    ("applicant.contact", "personal_data must be a list of dotted paths"),
    (["applicant.contact", ""], "personal_data[1] must be a non-empty dotted string"),
    (["a..b"], "personal_data[0] 'a..b' has an empty or padded segment"),
    ([7], "personal_data[0] must be a non-empty dotted string, not 7"),
])
def test_the_validator_checks_the_personal_data_setting(value: object, problem: str) -> None:
    d = dataclasses.replace(sample.definition(), settings={"personal_data": value})
    with pytest.raises(DefinitionError) as info:
        validate(d, sample.make_registry())
    assert any(problem in p for p in info.value.problems), info.value.problems


def test_a_definition_with_good_personal_data_paths_is_valid() -> None:
    d = dataclasses.replace(sample.definition(), settings={"personal_data": ["item", "a.b"]})
    validate(d, sample.make_registry())
