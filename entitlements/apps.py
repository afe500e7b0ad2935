from django.apps import AppConfig


class EntitlementsConfig(AppConfig):
    name = "entitlements"
    verbose_name = "Entitlements"

    def ready(self) -> None:
        # Registers the system checks and the readiness check.
        from entitlements import checks, readiness, receivers  # noqa: F401

        receivers.connect()
