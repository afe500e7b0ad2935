"""Readiness: are the GeoIP databases there, of what type, and how old."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from geo.mmdb_file import DatabaseState
from geo.selectors import geo_reader
from idverify.health import CheckResult, readiness_check


@readiness_check("geoip")
def check_geoip() -> CheckResult:
    """``fail`` only when the location database is missing or unreadable;
    ``warn`` when a database is older than ``IDV_GEOIP_MAX_AGE_DAYS``, the
    anonymiser database is configured but unusable, or data is demo data."""
    databases = geo_reader().databases()
    now = timezone.now()
    max_age = timedelta(days=settings.IDV_GEOIP_MAX_AGE_DAYS)
    details: dict[str, object] = {
        "city": _describe(databases.city, now),
        "anonymous": _describe(databases.anonymous, now),
    }
    city = databases.city.database
    if city is None:
        return CheckResult(
            "fail",
            f"The GeoIP location database is unavailable ({databases.city.error}); "
            "restricted models deny every request.",
            details,
        )
    warnings = []
    if now - city.info.build_date > max_age:
        warnings.append(f"the location database was built on {city.info.build_date.date()}")
    anonymous_state = databases.anonymous
    anonymous = anonymous_state.database
    if anonymous is not None and now - anonymous.info.build_date > max_age:
        warnings.append(f"the anonymiser database was built on {anonymous.info.build_date.date()}")
    if anonymous is None and anonymous_state.configured:
        warnings.append(f"the anonymiser database is unavailable ({anonymous_state.error})")
    if city.info.demo or (anonymous is not None and anonymous.info.demo):
        warnings.append("GeoIP data is demo data, not real geolocation")
    if warnings:
        limit = settings.IDV_GEOIP_MAX_AGE_DAYS
        return CheckResult(
            "warn", f"GeoIP: {'; '.join(warnings)} (age limit {limit} days).", details
        )
    message = f"{city.info.database_type} built {city.info.build_date.date()}"
    if anonymous is not None:
        message += f"; {anonymous.info.database_type} built {anonymous.info.build_date.date()}"
    elif not anonymous_state.configured:
        message += "; no anonymiser database configured (VPNs and proxies are not detected)"
    return CheckResult("ok", message, details)


def _describe(state: DatabaseState, now: datetime) -> dict[str, object]:
    if state.database is None:
        return {"configured": state.configured, "available": False, "error": state.error}
    info = state.database.info
    return {
        "configured": True,
        "available": True,
        "database_type": info.database_type,
        "build_date": info.build_date.isoformat(),
        "age_days": (now - info.build_date).days,
        "demo": info.demo,
    }
