from django.apps import AppConfig


class IdverifyConfig(AppConfig):
    """The project package as an app: site templates, cross-app commands, system checks."""

    name = "idverify"
    verbose_name = "idverify"

    def ready(self) -> None:
        # Registers the system checks and the admin link of the site navigation.
        from idverify import checks, navigation  # noqa: F401
