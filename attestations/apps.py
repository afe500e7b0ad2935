from django.apps import AppConfig


class AttestationsConfig(AppConfig):
    name = "attestations"
    verbose_name = "Attestations and documents"

    def ready(self) -> None:
        # System checks, the OCR readiness check; the verification and review-queue links.
        from attestations import checks, health, navigation  # noqa: F401
