"""Template context: whether the GeoIP data in use is demo data."""

from __future__ import annotations

from django.http import HttpRequest

from geo.selectors import geo_reader


def geo_data(request: HttpRequest) -> dict[str, object]:
    databases = geo_reader().databases()
    demo = any(
        state.database is not None and state.database.info.demo
        for state in (databases.city, databases.anonymous)
    )
    return {"IDV_GEO_DEMO_DATA": demo}
