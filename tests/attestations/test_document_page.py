"""The page for adding a document tells people what to photograph."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from accounts.models import User
from tests.attestations.factories import AttestationFactory

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    """The words a person reads: tags dropped, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_upload_page_asks_for_both_sides_of_an_id_card(client: Client, stranger: User) -> None:
    AttestationFactory.create(user=stranger)
    client.force_login(stranger)
    response = client.get("/documents/")
    assert response.status_code == 200
    text = _text(response.content.decode())
    assert "For a card, send both sides in one picture." in text
    assert "we need the front, with the photo, and the back, with the three lines" in text
    assert "(ICAO TD1)" in text
    # Beside the file field too, where a person looks while choosing the file.
    assert (
        "For a card, both sides in one picture: the front with your photo and the back "
        "with the three lines." in text
    )
