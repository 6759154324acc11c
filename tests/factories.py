"""factory_boy factories for everything the cast in conftest.py does not cover."""

import datetime as dt

import factory

from governance.models import Board, Organisation, Role, Seat, User

SEATED_FROM = dt.date(2020, 1, 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    full_name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def _save(self, create, extracted, **kwargs):
        if create:
            self.save()


class BoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Board

    name = factory.Sequence(lambda n: f"Board {n}")
    slug = factory.Sequence(lambda n: f"board-{n}")
    timezone = "Europe/London"
    currency = "USD"
    quorum_count = 2


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    board = factory.SubFactory(BoardFactory)
    name = factory.Sequence(lambda n: f"Organisation {n}")
    short_name = factory.Sequence(lambda n: f"Org{n}")
    joined_on = SEATED_FROM


class SeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Seat

    board = factory.SubFactory(BoardFactory)
    person = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory, board=factory.SelfAttribute("..board"))
    role = Role.VOTING
    starts_on = SEATED_FROM
