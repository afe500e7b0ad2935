from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "screening"
    verbose_name = "Restricted-party screening"

    def ready(self) -> None:
        # Registers the tasks in every process (imports enqueue the re-screen by name),
        # the screener that accounts and attestations call through their hook, and the
        # review queue's link in the site navigation.
        from screening import hooks, navigation, tasks  # noqa: F401

        hooks.connect()
