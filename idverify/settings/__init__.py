"""Settings, read from the environment (see the configuration table in README.md).

Two modes:
- production (default): every secret and the database must be given; DEBUG off.
- quick start (``IDV_QUICKSTART=1``, set by ``make run``): SQLite, tasks run
  in-process, secrets generated once into ``var/`` so the service starts on a
  fresh machine with nothing configured.

One module per concern; each setting is defined once, in the module a reader
would open for it. Later modules may read earlier ones, never the reverse.
"""

from __future__ import annotations

from idverify.settings.api import *
from idverify.settings.apps import *
from idverify.settings.audit import *
from idverify.settings.auth import *
from idverify.settings.base import *
from idverify.settings.entitlements import *
from idverify.settings.geo import *
from idverify.settings.onboarding import *
from idverify.settings.organisations import *
from idverify.settings.queues import *
from idverify.settings.screening import *
from idverify.settings.security import *
