"""What the SCIM service announces and how tolerant it is: one provider, one service.

The policy takes the two readings Microsoft Entra ID relies on: a PATCH
``remove`` whose ``value`` names the members to remove, and a PATCH path
filter that matches nothing creating the entry it describes
(``emails[type eq "work"].value`` on a user with no work address yet).
Capitalised operations (``"Replace"``) and booleans sent as strings
(``"False"``) are read by scim2-models as they are.
"""

from __future__ import annotations

from functools import cache

from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    ETag,
    External,
    Filter,
    Pagination,
    Patch,
    Reference,
    ResourceType,
    ScimPolicy,
    ScimProvider,
    ServiceProviderConfig,
    Sort,
)
from scim2_server.service import ScimService

from scim.protocol.resources import EnterpriseUser, Group, ScimUserResource, User

MAX_RESULTS = 200
DEFAULT_PAGE_SIZE = 100

BEARER = AuthenticationScheme(
    type=AuthenticationScheme.Type.oauthbearertoken,
    name="OAuth Bearer Token",
    description="The organisation's SCIM token, sent as 'Authorization: Bearer idv_scim_…'.",
    spec_uri=Reference[External]("https://www.rfc-editor.org/rfc/rfc6750"),
    primary=True,
)


def service_provider_config() -> ServiceProviderConfig:
    return ServiceProviderConfig(
        documentation_uri=None,
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_RESULTS),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=True),
        pagination=Pagination(index=True, cursor=False, default_page_size=DEFAULT_PAGE_SIZE),
        authentication_schemes=[BEARER],
    )


POLICY = ScimPolicy(
    remove_value_as_filter=ScimPolicy.RemoveValue.apply,
    unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create,
)


@cache
def provider() -> ScimProvider:
    return ScimProvider(
        models=[User, EnterpriseUser, Group],
        resource_types=[
            ResourceType.from_resource(ScimUserResource),
            ResourceType.from_resource(Group),
        ],
        config=service_provider_config(),
        policy=POLICY,
    )


@cache
def service() -> ScimService:
    # No cursor pagination is announced, so the service needs no secret.
    return ScimService(provider())
