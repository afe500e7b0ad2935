"""What vulture cannot see being used: names our settings, URLconf and tests give
Django, DRF, allauth, gunicorn or logging as dotted strings (scripts/deadcode.py).

Each line touches the object itself, so mypy fails here when one is renamed or
removed; then update the string that names it too. Framework hooks called by
method name (``has_add_permission``, ``clean_<field>``...) are ignored by name in
``[tool.vulture]`` in pyproject.toml instead.
"""

# ruff: noqa: B018 - each line is a use, for vulture's eyes only

from accounts import authentication, schema, throttling
from accounts.second_factor import adapter, middleware
from attestations.apis.attestations import AttestationOutput
from entitlements import middleware as entitlements_middleware
from entitlements import schema as entitlements_schema
from geo import context_processors
from idverify import api_errors, asgi, db_router, gunicorn_config, logging, page_errors, views, wsgi
from idverify import middleware as site_middleware
from idverify_verifier.testing.doubles import MemoryFetch
from sso import adapter as sso_adapter
from sso import backends as sso_backends
from tests.sso.oidc_provider import validator as oidc_validator
from tests.support import celery_worker, nodes

# REST_FRAMEWORK, MIDDLEWARE, TEMPLATES, LOGGING and the allauth adapters (settings/).
authentication.ApiKeyAuthentication
api_errors.exception_handler
site_middleware.RequestIdMiddleware
site_middleware.SecurityHeadersMiddleware
site_middleware.ApiErrorShapeMiddleware
site_middleware.RequestSizeLimitMiddleware
middleware.SecondFactorMiddleware
adapter.SecondFactorAdapter
sso_adapter.SocialAccountAdapter
context_processors.geo_data
logging.RequestIdFilter
# drf-spectacular finds its extensions by subclassing; DRF calls get_<field>.
schema.ApiKeyAuthenticationScheme
entitlements_schema.ModelClientAuthenticationScheme
AttestationOutput.get_level
# handler400...handler500 in idverify/urls.py.
views.bad_request
views.permission_denied
views.page_not_found
views.server_error
# WSGI/ASGI entry points and gunicorn's server hooks (idverify/gunicorn_config.py).
wsgi.application
asgi.application
gunicorn_config.post_worker_init
gunicorn_config.worker_exit
# The worker test's EMAIL_BACKEND.
celery_worker.RecordingEmailBackend
# The published verifier's test doubles, for its users' tests (docs/verifier.md).
MemoryFetch.calls_to

# Named in settings: DEFAULT_THROTTLE_CLASSES, MIDDLEWARE, DATABASE_ROUTERS.
throttling.UserRateThrottle
throttling.AnonRateThrottle
entitlements_middleware.PolledDocumentsMiddleware
db_router.ReplicaRouter
db_router.ReplicaReadsMiddleware
page_errors.PageErrorsMiddleware
# AUTHENTICATION_BACKENDS: passwords refused where single sign-on is mandatory.
sso_backends.PasswordBackend
sso_backends.AllauthPasswordBackend
# The test OpenID provider's settings name its validator (OAUTH2_VALIDATOR_CLASS).
oidc_validator.Validator
# bench/faults.py (outside the checked paths) restarts a private cluster.
nodes.private_postgres
