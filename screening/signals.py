"""Events higher apps react to, sent after the change commits.

entitlements connects a receiver that voids the subjects' live tokens; screening
never imports entitlements.
"""

from __future__ import annotations

from django.dispatch import Signal

# kwargs: users (list[User]), organizations (list[Organization]), reason (str)
subjects_held = Signal()
