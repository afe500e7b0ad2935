from django.apps import AppConfig


class AttestationsConfig(AppConfig):
    name = "attestations"
    verbose_name = "Attestations and documents"

    def ready(self) -> None:
        # System checks (the document-type mapping's among them), the OCR readiness
        # check; the verification and review-queue links.
        from attestations import checks, document_rules, health, navigation  # noqa: F401
