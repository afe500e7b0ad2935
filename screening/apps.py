from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "screening"
    verbose_name = "Restricted-party screening"

    def ready(self) -> None:
        # Registers the tasks in every process: imports enqueue the re-screen by name.
        from screening import tasks  # noqa: F401
