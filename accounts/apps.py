from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and organisations"

    def ready(self) -> None:
        # Register the tasks in every process (web too): services enqueue them
        # by name (accounts.queue), and without a broker they run in-process.
        # The schema extension describes API-key authentication in the OpenAPI schema.
        # The navigation module adds the organisations and account links.
        from accounts import navigation, schema, tasks  # noqa: F401

        self._connect_second_factor_receivers()
        self._connect_api_key_receivers()

    def _connect_api_key_receivers(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from accounts.models import ApiKey, Membership, Organization, User
        from accounts.selectors import api_key_cache, memberships

        # A changed key, person, membership or organisation is not served from a
        # process's recent reads.
        for reads, models in (
            (api_key_cache.held, (ApiKey, User)),
            (memberships.recent_roles, (Membership, Organization, User)),
        ):
            for model in models:
                uid = f"{reads.name}.{model.__name__}"
                post_save.connect(reads.forget_on_change, sender=model, dispatch_uid=uid)
                post_delete.connect(reads.forget_on_change, sender=model, dispatch_uid=uid)

    def _connect_second_factor_receivers(self) -> None:
        from allauth.mfa import signals as mfa_signals
        from allauth.mfa.models import Authenticator
        from django.db.models.signals import post_delete, post_save

        from accounts.second_factor import receivers

        uid = "accounts.second_factor"
        mfa_signals.authenticator_added.connect(receivers.on_authenticator_added, dispatch_uid=uid)
        mfa_signals.authenticator_removed.connect(
            receivers.on_authenticator_removed, dispatch_uid=uid
        )
        post_save.connect(receivers.on_authenticator_saved, sender=Authenticator, dispatch_uid=uid)
        post_delete.connect(
            receivers.on_authenticator_deleted, sender=Authenticator, dispatch_uid=uid
        )
