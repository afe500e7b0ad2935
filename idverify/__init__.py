"""idverify: U.S.-person verification and signed entitlement tokens for model APIs."""

from idverify.celery import app as celery_app

__all__ = ["celery_app"]
