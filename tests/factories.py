"""factory_boy factories. People they make are obviously fake ("Testy Detainee 3")."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from campaigns.models import Campaign, Signatory
from cases.models import (
    Case,
    CaseShare,
    Charge,
    ChargeDocument,
    Detention,
    Facility,
    Hearing,
    ReviewItem,
    Source,
    TimelineEvent,
)
from casetracker.fields import Tier
from people.models import Membership, Organisation, Person


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Fake Org {n}")
    acronym = factory.Sequence(lambda n: f"FO{n}")
    country = "GB"
    is_member = True


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    # Hashed before the row is saved, so force_login's session hash matches the database.
    password = factory.django.Password("correct horse battery staple")
    is_staff = True

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        # skip_postgeneration_save leaves set_password() unsaved: store it, so the user can
        # log in and a session's auth hash matches the database.
        if create and results:
            instance.save(update_fields=["password"])


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.CASEWORKER


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    primary_name = factory.Sequence(lambda n: f"Testy Detainee {n}")
    country = "IN"
    roles = factory.LazyFunction(lambda: ["defender"])
    tier = Tier.PUBLIC


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    title = factory.LazyAttribute(lambda c: f"Case of {c.person.primary_name}")
    person = factory.SubFactory(PersonFactory)
    country = "IN"
    status = Case.Status.DETAINED
    owner = factory.SubFactory(OrganisationFactory)
    tier = Tier.PUBLIC
    consent = Case.Consent.PUBLIC
    consent_given_by = Case.ConsentBy.PUBLICATION
    detained_since = dt.date(2021, 11, 22)


class CaseShareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseShare

    case = factory.SubFactory(CaseFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    tier = Tier.PARTNERS


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    case = factory.SubFactory(CaseFactory)
    title = factory.Sequence(lambda n: f"Fake statement {n}")
    publisher = "Fake Monitor"
    tier = Tier.PUBLIC


class TimelineEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimelineEvent

    case = factory.SubFactory(CaseFactory)
    date = dt.date(2021, 11, 22)
    type = TimelineEvent.Type.ARREST
    summary = "Arrested at home (fake)."
    tier = Tier.PUBLIC


class ChargeDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChargeDocument

    case = factory.SubFactory(CaseFactory)
    kind = ChargeDocument.Kind.ARREST_MEMO
    date = dt.date(2021, 11, 22)
    tier = Tier.PUBLIC


class ChargeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Charge

    case = factory.SubFactory(CaseFactory)
    document = factory.SubFactory(ChargeDocumentFactory, case=factory.SelfAttribute("..case"))
    law = "Fake Penal Code"
    section = factory.Sequence(lambda n: str(100 + n))
    description = "criminal conspiracy"
    tier = Tier.PUBLIC


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facility
        django_get_or_create = ("name", "city", "country")

    name = factory.Sequence(lambda n: f"Fake Prison {n}")
    city = "Nowhere"
    country = "IN"


class HearingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hearing

    case = factory.SubFactory(CaseFactory)
    court = "Fake Special Court"
    date = dt.date(2030, 1, 21)
    kind = Hearing.Kind.REMAND
    tier = Tier.PUBLIC


class DetentionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Detention

    case = factory.SubFactory(CaseFactory)
    facility = factory.SubFactory(FacilityFactory)
    type = Detention.Type.PRE_TRIAL
    start = dt.date(2021, 12, 4)
    tier = Tier.PUBLIC


class ReviewItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewItem

    case = factory.SubFactory(CaseFactory)
    kind = ReviewItem.Kind.OUT_OF_SEQUENCE
    message = "A date is out of sequence (fake)."
    tier = Tier.INTERNAL


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    title = factory.Sequence(lambda n: f"Free the fake detainees {n}")
    slug = factory.Sequence(lambda n: f"fake-campaign-{n}")
    hashtag = "#NotACrime"
    owner = factory.SubFactory(OrganisationFactory)
    tier = Tier.PUBLIC


class SignatoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signatory

    campaign = factory.SubFactory(CampaignFactory)
    kind = Signatory.Kind.ORGANISATION
    name = factory.Sequence(lambda n: f"Fake Signing Org {n}")
