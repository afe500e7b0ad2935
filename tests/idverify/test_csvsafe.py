"""CSV cells a spreadsheet would run as formulas get an apostrophe, however they are dressed."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from idverify.csvsafe import formula_start, neutralise

# What a spreadsheet may skip or not show before a sign.
SKIPPED = [" ", "\t", "\r", "\n", "\u00a0", "\u1680", "\u180e", "\u2028", "\u202f", "\u205f"]
SKIPPED += [chr(c) for c in range(0x2000, 0x200C)]  # U+2000-U+200B
SKIPPED += ["\u200c", "\u200d", "\u2060", "\u3000", "\ufeff", "\u00ad"]
# The ASCII signs and forms that NFKC turns into them (fullwidth, small, super/subscript).
SIGNS = ["=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20"]
SIGNS += ["\ufe66", "\ufe62", "\ufe63", "\ufe6b", "\u207c", "\u207a", "\u208c", "\u208a"]

prefixes = st.lists(st.sampled_from(SKIPPED), max_size=6).map("".join)
signs = st.sampled_from(SIGNS)


def test_every_listed_sign_is_a_formula_sign_after_nfkc() -> None:
    assert {unicodedata.normalize("NFKC", sign) for sign in SIGNS} == set("=+-@")


@pytest.mark.parametrize(
    "attack", [" =1+1", "\u00a0=2+2", "\uff1d3+3", "\u3000@SUM(A1)", "\ufeff-1", "\u200b+1"]
)
def test_the_reported_bypasses_are_defused(attack: str) -> None:
    assert neutralise(attack) == "'" + attack


@given(prefix=prefixes, sign=signs, rest=st.text(max_size=20))
def test_a_sign_behind_any_skipped_characters_is_defused(prefix: str, sign: str, rest: str) -> None:
    value = prefix + sign + rest
    assert formula_start(value)
    assert neutralise(value) == "'" + value


@given(st.text(max_size=40))
@example("")
@example("   ")
@example("plain text")
@example("x=1")
def test_nothing_leaves_looking_like_a_formula_and_nothing_else_changes(value: str) -> None:
    out = neutralise(value)
    assert out in (value, "'" + value)
    assert not formula_start(out)
    assert neutralise(out) == out  # defusing twice changes nothing more


@given(st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1, max_size=20))
def test_text_starting_with_a_letter_or_digit_is_left_alone(value: str) -> None:
    assert neutralise(value) == value


def test_non_text_values_are_written_as_text() -> None:
    assert neutralise(None) == ""
    assert neutralise(-3) == "'-3"
    assert neutralise(0.5) == "0.5"
