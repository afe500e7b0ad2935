"""Transitional: the URL id parser lives in ``idverify.url_ids``.

Only accounts still imports this name; another branch is moving accounts' modules
while issue 18 is worked. Once accounts imports ``idverify.url_ids``, delete this module.
"""

from idverify.url_ids import uuid_or_not_found

__all__ = ["uuid_or_not_found"]
