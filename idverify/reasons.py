"""The reason a person gives for a decision (revoke, suspend, reject, clear...).

Every such service requires one, because the audit log keeps it: this is the one
place that says what a usable reason is and what to tell someone who gave none.
"""

from __future__ import annotations

from idverify.errors import ValidationFailed

REASON_REQUIRED = "Give a reason; it is kept in the audit log."


def reason_problem(reason: str, *, max_length: int | None = None) -> str | None:
    """What is wrong with ``reason`` (already stripped), or None when it will do."""
    if not reason:
        return REASON_REQUIRED
    if max_length is not None and len(reason) > max_length:
        return f"Use at most {max_length} characters."
    return None


def required_reason(reason: str, *, max_length: int | None = None) -> str:
    """``reason`` without surrounding blanks; ValidationFailed (field ``reason``) when
    it is empty or longer than ``max_length``."""
    cleaned = reason.strip()
    problem = reason_problem(cleaned, max_length=max_length)
    if problem is not None:
        raise ValidationFailed(fields={"reason": [problem]})
    return cleaned
