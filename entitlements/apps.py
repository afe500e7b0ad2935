from django.apps import AppConfig


class EntitlementsConfig(AppConfig):
    name = "entitlements"
    verbose_name = "Entitlements"

    def ready(self) -> None:
        # Registers the system checks, the readiness check and the schema extension.
        # ... and the compliance console link of the site navigation.
        from entitlements import checks, health, navigation, receivers, schema  # noqa: F401

        receivers.connect()

        from attestations.progress import register_tier_needs
        from entitlements.progress import tier_needs

        register_tier_needs(tier_needs)
