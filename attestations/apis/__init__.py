"""REST endpoints of the attestations app, one module per resource; URLs import from here."""

from attestations.apis.attestations import AttestationCreateApi, AttestationCurrentApi
from attestations.apis.declarations import DeclarationCurrentApi
from attestations.apis.documents import DocumentCreateApi, DocumentDetailApi

__all__ = [
    "AttestationCreateApi",
    "AttestationCurrentApi",
    "DeclarationCurrentApi",
    "DocumentCreateApi",
    "DocumentDetailApi",
]
