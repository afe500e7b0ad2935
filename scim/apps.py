from django.apps import AppConfig


class ScimConfig(AppConfig):
    name = "scim"
    verbose_name = "SCIM provisioning"

    def ready(self) -> None:
        # A person who joins through a SCIM-sent invitation is linked to their SCIM
        # record (and sponsored, if their group says so) when the membership appears.
        from scim import receivers

        receivers.connect()
