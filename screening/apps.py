from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "screening"
    verbose_name = "Restricted-party screening"

    def ready(self) -> None:
        # Registers the tasks in every process (imports enqueue the re-screen by name)
        # and the screener that accounts and attestations call through their hook.
        from screening import hooks, tasks  # noqa: F401

        hooks.connect()
