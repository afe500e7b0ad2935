from django.apps import AppConfig


class AttestationsConfig(AppConfig):
    name = "attestations"
    verbose_name = "Attestations and documents"

    def ready(self) -> None:
        # The OCR readiness check; the verification and review-queue links.
        from attestations import health, navigation  # noqa: F401
