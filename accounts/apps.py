from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and organisations"

    def ready(self) -> None:
        # Register the tasks in every process (web too): services enqueue them
        # by name (accounts.queue), and without a broker they run in-process.
        # The schema extension describes API-key authentication in the OpenAPI schema.
        from accounts import schema, tasks  # noqa: F401
