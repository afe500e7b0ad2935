"""REST endpoints of the entitlements app, one module per resource; URLs import from here.

The HTTP contract is docs/contract.md. Views are thin: validate, call one service or
selector, serialise.
"""

from entitlements.apis.introspection import IntrospectApi
from entitlements.apis.keys import JwksApi
from entitlements.apis.metadata import MetadataApi
from entitlements.apis.revocations import RevocationsApi
from entitlements.apis.tiers import TierDetailApi, TierDirectiveApi, TierListApi
from entitlements.apis.tokens import TokenCreateApi

__all__ = [
    "IntrospectApi",
    "JwksApi",
    "MetadataApi",
    "RevocationsApi",
    "TierDetailApi",
    "TierDirectiveApi",
    "TierListApi",
    "TokenCreateApi",
]
