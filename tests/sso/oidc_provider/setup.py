"""Migrate the provider's database and create its people and client applications.

    OIDC_PROVIDER_DB=… python -m tests.sso.oidc_provider.setup '<json>'

The JSON: {"users": [[username, email, password], …],
           "apps": [[client_id, client_secret, redirect_uri], …]}.
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.sso.oidc_provider.settings")

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from oauth2_provider.models import Application  # noqa: E402


def main() -> None:
    spec = json.loads(sys.argv[1])
    call_command("migrate", verbosity=0, interactive=False)
    for username, email, password in spec["users"]:
        User.objects.create_user(username=username, email=email, password=password)
    for client_id, secret, redirect_uri in spec["apps"]:
        Application.objects.create(
            name=client_id,
            client_id=client_id,
            client_secret=secret,
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=redirect_uri,
            skip_authorization=True,
            algorithm=Application.RS256_ALGORITHM,
        )


if __name__ == "__main__":
    main()
