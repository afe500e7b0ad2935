from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from celery.signals import worker_shutdown

        from audit import checks  # noqa: F401 - registers the system checks
        from audit.shutdown import seal_before_exit

        worker_shutdown.connect(seal_before_exit, weak=False, dispatch_uid="audit-seal")
