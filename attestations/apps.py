from django.apps import AppConfig


class AttestationsConfig(AppConfig):
    name = "attestations"
    verbose_name = "Attestations and documents"

    def ready(self) -> None:
        # The OCR readiness check; the verification and review-queue links; the
        # document-type mapping's system check.
        from attestations import document_rules, health, navigation  # noqa: F401
