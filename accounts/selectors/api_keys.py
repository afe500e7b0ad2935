"""A person's API keys, and the lookup by digest every API request makes."""

from __future__ import annotations

from django.db import router
from django.db.models import QuerySet

from accounts.models import ApiKey, User
from accounts.selectors.api_key_cache import api_key_held
from idverify.prepared import fetch, select_list


def api_key_list(*, viewer: User) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(user=viewer).order_by("-created_at")


_USER_FIELDS = tuple(User._meta.concrete_fields)

_API_KEY_SQL = (
    f"SELECT {select_list(ApiKey, 'k')}, {select_list(User, 'u')}"  # noqa: S608 - value is a parameter
    f" FROM {ApiKey._meta.db_table} k JOIN {User._meta.db_table} u ON u.id = k.user_id"
    " WHERE k.digest = %s"
)


def api_key_by_digest(digest: str) -> ApiKey | None:
    """The API key with ``digest``, its ``user`` loaded, or None: what
    ``ApiKey.objects.select_related("user").filter(digest=digest).first()`` returns.

    Every API request asks this, so it is one prepared statement
    (``idverify.prepared``): compiling the ORM query cost more than PostgreSQL's
    answer. Tests hold it equal to the ORM query.
    """
    using = router.db_for_read(ApiKey)
    rows = fetch(ApiKey, _API_KEY_SQL, [digest], extra=_USER_FIELDS, using=using)
    if not rows:
        return None
    key, user_values = rows[0]
    user = User.from_db(using, [field.attname for field in _USER_FIELDS], list(user_values))
    ApiKey._meta.get_field("user").set_cached_value(key, user)
    return key


def api_key_for_request(digest: str) -> ApiKey | None:
    """``api_key_by_digest``, from this process's copy of the last few seconds' reads
    when it has one (``accounts.selectors.api_key_cache``): what API authentication asks."""
    return api_key_held(digest, api_key_by_digest)
