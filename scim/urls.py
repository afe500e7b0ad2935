from django.urls import path, re_path

from scim import apis, views

urlpatterns = [
    re_path(r"^scim/v2(?:/(?P<path>.*))?$", apis.scim_endpoint, name="scim-endpoint"),
    path(
        "organizations/<str:org_id>/scim/tokens",
        views.scim_token_create_view,
        name="scim-token-create",
    ),
    path(
        "organizations/<str:org_id>/scim/tokens/<str:token_id>/revoke",
        views.scim_token_revoke_view,
        name="scim-token-revoke",
    ),
    path(
        "organizations/<str:org_id>/scim/sponsor-group",
        views.scim_sponsor_mapping_view,
        name="scim-sponsor-mapping",
    ),
]
