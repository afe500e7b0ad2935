from django.urls import re_path

from scim import apis

# The SCIM 2.0 service provider, outside /api/v1/ (idverify.urls includes it at the root).
urlpatterns = [
    re_path(r"^scim/v2(?:/(?P<path>.*))?$", apis.scim_endpoint, name="scim-endpoint"),
]
