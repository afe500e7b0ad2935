"""A decision's reason: required, trimmed, and no longer than where it is kept."""

from __future__ import annotations

import pytest

from idverify.errors import ValidationFailed
from idverify.reasons import REASON_REQUIRED, reason_problem, required_reason


def test_a_reason_is_kept_without_surrounding_blanks() -> None:
    assert required_reason("  Left the company.\n") == "Left the company."


@pytest.mark.parametrize("blank", ["", "   ", "\n\t"])
def test_no_reason_is_refused_on_the_reason_field(blank: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        required_reason(blank)
    assert refused.value.fields == {"reason": [REASON_REQUIRED]}


def test_a_reason_longer_than_its_column_is_refused_not_cut() -> None:
    assert required_reason("x" * 300, max_length=300) == "x" * 300
    with pytest.raises(ValidationFailed) as refused:
        required_reason("x" * 301, max_length=300)
    assert refused.value.fields == {"reason": ["Use at most 300 characters."]}
    assert reason_problem("x" * 501, max_length=500) == "Use at most 500 characters."
    assert reason_problem("fine") is None
