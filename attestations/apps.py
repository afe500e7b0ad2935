from django.apps import AppConfig


class AttestationsConfig(AppConfig):
    name = "attestations"
    verbose_name = "Attestations and documents"

    def ready(self) -> None:
        from attestations import health  # noqa: F401 - registers the OCR readiness check
