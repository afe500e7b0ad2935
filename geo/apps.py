from django.apps import AppConfig


class GeoConfig(AppConfig):
    """Client IP, GeoIP lookups, embargoed places and anonymiser signals."""

    name = "geo"
    verbose_name = "Geo signals"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from geo import checks, health, receivers  # noqa: F401 - registers checks and receivers
