"""Geo signals: GeoIP databases and trusted proxies (geo app)."""

from __future__ import annotations

from idverify.env import env_bool, env_int, env_list, env_str
from idverify.settings.base import QUICKSTART, VAR_DIR

# --- Geo signals ---------------------------------------------------------------------
IDV_TRUSTED_PROXIES = env_list("IDV_TRUSTED_PROXIES", [])
IDV_GEOIP_CITY_DB = env_str("IDV_GEOIP_CITY_DB") or (
    str(VAR_DIR / "geoip" / "demo-city.mmdb") if QUICKSTART else None
)
IDV_GEOIP_ANONYMOUS_DB = env_str("IDV_GEOIP_ANONYMOUS_DB") or (
    str(VAR_DIR / "geoip" / "demo-anonymous-ip.mmdb") if QUICKSTART else None
)
IDV_GEOIP_MAX_AGE_DAYS = env_int("IDV_GEOIP_MAX_AGE_DAYS", 35, minimum=1)
# Loopback/private clients pass the places policy only here (development).
IDV_GEO_ALLOW_LOCAL = env_bool("IDV_GEO_ALLOW_LOCAL", QUICKSTART)
