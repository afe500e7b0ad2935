from django.apps import AppConfig


class IdverifyConfig(AppConfig):
    """The project package as an app: site templates, cross-app commands, system checks."""

    name = "idverify"
    verbose_name = "idverify"

    def ready(self) -> None:
        from idverify import checks  # noqa: F401 - registers the system checks
