#!/usr/bin/env python
"""idverify's management commands.

In a checkout where `make run` has started the quick start, commands read its
environment from var/quickstart.env (unless a database is configured), so they
work without repeating it. Anywhere else, a missing or malformed setting is one
line on stderr and exit status 1.
"""

import os
import sys
from pathlib import Path


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "idverify.settings")
    from django.core.exceptions import ImproperlyConfigured

    from idverify.quickstart import env_file, env_file_load

    base_dir = Path(__file__).resolve().parent
    if env_file_load(base_dir, os.environ):
        sys.stderr.write(
            f"manage.py: using the quick start's settings ({env_file(base_dir, os.environ)})\n"
        )
    try:
        from django.conf import settings

        settings.INSTALLED_APPS  # noqa: B018 - reading a setting loads them all, here
    except ImproperlyConfigured as error:
        sys.stderr.write(f"manage.py: {error}\n")
        sys.exit(1)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
