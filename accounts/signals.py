"""Events other apps react to. Sent by accounts' services after the change commits.

Higher layers (entitlements) connect receivers in their ``AppConfig.ready``;
accounts never imports them.
"""

from __future__ import annotations

from django.dispatch import Signal

# kwargs: user (User), organization (Organization), reason (str), actor (User | None)
sponsorship_revoked = Signal()
# kwargs: organization (Organization), reason (str), actor (User | None)
organization_suspended = Signal()
