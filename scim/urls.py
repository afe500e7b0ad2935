from django.urls import path

from scim import views

urlpatterns = [
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
