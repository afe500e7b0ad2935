"""How the OpenAPI schema describes model API clients' authentication and what verifiers read."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import serializers


class ModelClientAuthenticationScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "entitlements.authentication.ModelClientAuthentication"
    name = "modelClient"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "basic",
            "description": "Model API client credentials from `manage.py create_model_client` "
            "(or client_id and client_secret form fields).",
        }


# What verifiers read is built as plain dicts (publication, introspection); these
# serializers only describe it in the schema.


class JwkSerializer(serializers.Serializer[Any]):
    kty = serializers.ChoiceField(choices=["OKP"])
    crv = serializers.ChoiceField(choices=["Ed25519"])
    x = serializers.CharField(help_text="The public key, base64url.")
    kid = serializers.CharField()
    alg = serializers.ChoiceField(choices=["EdDSA"])
    use = serializers.ChoiceField(choices=["sig"])


class JwksSerializer(serializers.Serializer[Any]):
    keys = JwkSerializer(many=True, help_text="The next, active and retiring signing keys.")


class MetadataSerializer(serializers.Serializer[Any]):
    issuer = serializers.CharField()
    jwks_uri = serializers.URLField()
    token_endpoint = serializers.URLField()
    introspection_endpoint = serializers.URLField()
    introspection_endpoint_auth_methods_supported = serializers.ListField(
        child=serializers.CharField()
    )
    revocation_document_endpoint = serializers.URLField()
    revocation_endpoint = serializers.URLField()
    tiers_endpoint = serializers.URLField()
    directive_endpoint_template = serializers.CharField()
    token_type = serializers.CharField()
    revocation_document_type = serializers.CharField()
    token_signing_alg_values_supported = serializers.ListField(child=serializers.CharField())
    token_lifetime_seconds = serializers.IntegerField()
    max_token_lifetime_seconds = serializers.IntegerField()
    recommended_poll_interval_seconds = serializers.IntegerField()
    recommended_max_revocation_age_seconds = serializers.IntegerField()


class UsPersonClaimSerializer(serializers.Serializer[Any]):
    status = serializers.CharField()
    level = serializers.IntegerField()
    basis = serializers.CharField()


class GeoClaimSerializer(serializers.Serializer[Any]):
    country = serializers.CharField(allow_null=True)
    subdivision = serializers.CharField(allow_null=True)


class ConfirmationSerializer(serializers.Serializer[Any]):
    jkt = serializers.CharField()


class IntrospectionSerializer(serializers.Serializer[Any]):
    """RFC 7662: ``{"active": false}`` alone, or ``active`` with the token's claims."""

    active = serializers.BooleanField()
    token_type = serializers.CharField(required=False)
    iss = serializers.CharField(required=False)
    sub = serializers.CharField(required=False)
    aud = serializers.CharField(required=False)
    iat = serializers.IntegerField(required=False)
    nbf = serializers.IntegerField(required=False)
    exp = serializers.IntegerField(required=False)
    jti = serializers.CharField(required=False)
    usp = UsPersonClaimSerializer(required=False)
    org = serializers.CharField(required=False, allow_null=True)
    geo = GeoClaimSerializer(required=False)
    epoch = serializers.IntegerField(required=False)
    cnf = ConfirmationSerializer(required=False)
