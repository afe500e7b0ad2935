"""Offline verification of idverify entitlement tokens for model APIs.

from idverify_verifier import Verifier, InvalidToken

verifier = Verifier(issuer=..., audience="fable-5", jwks_url=..., revocations_url=...)
claims = verifier.verify(token)  # raises InvalidToken(code, message)
"""

from idverify_verifier.claims import Claims, Geo, UsPerson
from idverify_verifier.errors import REASON_CODES, InvalidToken, ReasonCode
from idverify_verifier.http import Fetch, HttpResponse, urllib_fetch
from idverify_verifier.sources import Status
from idverify_verifier.verifier import Verifier

__all__ = [
    "REASON_CODES",
    "Claims",
    "Fetch",
    "Geo",
    "HttpResponse",
    "InvalidToken",
    "ReasonCode",
    "Status",
    "UsPerson",
    "Verifier",
    "urllib_fetch",
]
