"""factory_boy factories for the accounts app.

Call ``XFactory.create(...)`` (typed: returns the model) rather than ``XFactory(...)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.conf import global_settings
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import Membership, Organization, Sponsorship, User

PASSWORD = "correct-horse-battery-staple"
# What the tests hash passwords with (tests/conftest.py): the production hasher spends
# about 0.4 s of CPU on each by design.
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@contextmanager
def production_password_hashing() -> Iterator[None]:
    """Hash with the project's own hashers, for people who sign in to a server a test
    started as a process of its own, which does not know the tests' fast hasher."""
    import idverify.settings as project

    hashers = getattr(project, "PASSWORD_HASHERS", global_settings.PASSWORD_HASHERS)
    with override_settings(PASSWORD_HASHERS=hashers):
        yield


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Faker("name")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified_email(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class OrganizationFactory(factory.django.DjangoModelFactory[Organization]):
    class Meta:
        model = Organization

    legal_name = factory.Sequence(lambda n: f"Example Corp {n}")
    kind = Organization.Kind.CUSTOMER
    status = Organization.Status.VERIFIED


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Membership.Role.MEMBER


class SponsorshipFactory(factory.django.DjangoModelFactory[Sponsorship]):
    class Meta:
        model = Sponsorship

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    sponsored_by = factory.SubFactory(UserFactory)
    basis = "I-9 on file, U.S. citizen"
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=365))
