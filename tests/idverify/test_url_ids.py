"""A public id from a URL: malformed, unknown and out-of-scope all read "No such ..."."""

from __future__ import annotations

import pytest

from accounts.models import Organization
from idverify.errors import NotFound
from idverify.url_ids import get_by_public_id
from tests.support.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_the_row_is_found_by_its_public_id_as_text_or_uuid() -> None:
    org = OrganizationFactory.create()
    everyone = Organization.objects.all()

    assert get_by_public_id(everyone, str(org.public_id), what="organisation") == org
    assert get_by_public_id(everyone, org.public_id, what="organisation") == org


# A well-formed id that no row has (fixed: xdist workers must collect the same tests).
UNKNOWN = "8d1c5f0e-4b7a-4f0e-9a57-3c6f2b1d9e40"


@pytest.mark.parametrize("value", ["not-a-uuid", "", UNKNOWN, "1; DROP TABLE x"])
def test_a_malformed_or_unknown_id_is_the_same_not_found(value: str) -> None:
    OrganizationFactory.create()
    with pytest.raises(NotFound, match=r"^No such organisation\.$"):
        get_by_public_id(Organization.objects.all(), value, what="organisation")


def test_a_row_outside_the_askers_scope_is_not_found_either() -> None:
    mine, theirs = OrganizationFactory.create(), OrganizationFactory.create()
    scoped = Organization.objects.filter(pk=mine.pk)

    with pytest.raises(NotFound, match=r"^No such organisation\.$"):
        get_by_public_id(scoped, theirs.public_id, what="organisation")
