"""factory_boy factories for the accounts app.

Call ``XFactory.create(...)`` (typed: returns the model) rather than ``XFactory(...)``.
"""

from __future__ import annotations

from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import Membership, Organization, Sponsorship, User

PASSWORD = "correct-horse-battery-staple"


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
