from django.http import HttpRequest, HttpResponse
from django.urls import re_path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def scim_endpoint(request: HttpRequest, path: str = "") -> HttpResponse:
    """``scim.apis.scim_endpoint``, imported at the first SCIM request.

    scim2-models builds its pydantic models when imported: about 1.5 s of CPU that
    every process loading the URLs (each web worker, every ``manage.py`` command)
    would spend at start, most of them never to answer a SCIM request.
    """
    from scim import apis

    return apis.scim_endpoint(request, path)


# The SCIM 2.0 service provider, outside /api/v1/ (idverify.urls includes it at the root).
urlpatterns = [
    re_path(r"^scim/v2(?:/(?P<path>.*))?$", scim_endpoint, name="scim-endpoint"),
]
