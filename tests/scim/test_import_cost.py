"""Loading the URLs does not import scim2-models: the SCIM endpoint imports it when
first asked (scim/api_urls.py), so no other process pays its 1.5 s at start."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PROBE = """
import sys
import django
django.setup()
from django.urls import get_resolver, resolve
get_resolver().check()
assert resolve("/scim/v2/Users").url_name == "scim-endpoint"
print(sorted(name for name in sys.modules if name.startswith(("scim2_models", "scim2_server"))))
"""


@pytest.mark.slow
def test_a_process_that_loads_the_urls_does_not_import_the_scim_library() -> None:
    done = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", PROBE],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "idverify.settings"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
