"""Keep the cached place rules in step with the table, however it is edited
(admin form, list edit, bulk delete, shell)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from geo.models import EmbargoedPlace
from geo.selectors import embargoed_place_rules_forget


@receiver(post_save, sender=EmbargoedPlace, dispatch_uid="geo-place-rules-saved")
@receiver(post_delete, sender=EmbargoedPlace, dispatch_uid="geo-place-rules-deleted")
def _place_rules_changed(**kwargs: Any) -> None:
    embargoed_place_rules_forget()
