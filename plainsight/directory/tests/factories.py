"""factory-boy factories for the directory tables."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from plainsight.directory import models


class OrganizationFactory(factory.django.DjangoModelFactory[models.Organization]):
    class Meta:
        model = models.Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    description = "Helps people in Kern County."


class ServiceFactory(factory.django.DjangoModelFactory[models.Service]):
    class Meta:
        model = models.Service

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Service {n}")
    description = "Advocacy and support."
    status = models.ServiceStatus.ACTIVE
    last_modified = factory.LazyFunction(timezone.now)


class LocationFactory(factory.django.DjangoModelFactory[models.Location]):
    class Meta:
        model = models.Location

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Location {n}")
    location_type = models.LocationType.PHYSICAL
    latitude = 35.3733
    longitude = -119.0187
    iana_timezone = "America/Los_Angeles"


class AddressFactory(factory.django.DjangoModelFactory[models.Address]):
    class Meta:
        model = models.Address

    location = factory.SubFactory(LocationFactory)
    address_1 = "1600 Truxtun Ave"
    city = "Bakersfield"
    state_province = "CA"
    postal_code = "93301"
    country = "US"
    address_type = models.AddressType.PHYSICAL


class ServiceAtLocationFactory(factory.django.DjangoModelFactory[models.ServiceAtLocation]):
    class Meta:
        model = models.ServiceAtLocation

    service = factory.SubFactory(ServiceFactory)
    location = factory.SubFactory(LocationFactory)


class PhoneFactory(factory.django.DjangoModelFactory[models.Phone]):
    class Meta:
        model = models.Phone

    service = factory.SubFactory(ServiceFactory)
    number = "+1 661-555-0100"
    type = "voice"
    call_outcome = models.CallOutcome.INFORMATION


class ScheduleFactory(factory.django.DjangoModelFactory[models.Schedule]):
    class Meta:
        model = models.Schedule

    service = factory.SubFactory(ServiceFactory)
    freq = models.Frequency.WEEKLY
    byday = "MO,TU,WE,TH,FR"
    opens_at = dt.time(8, 0)
    closes_at = dt.time(17, 0)
    iana_timezone = "America/Los_Angeles"


class TaxonomyFactory(factory.django.DjangoModelFactory[models.Taxonomy]):
    class Meta:
        model = models.Taxonomy

    name = factory.Sequence(lambda n: f"Taxonomy {n}")
    description = "Categories."


class TaxonomyTermFactory(factory.django.DjangoModelFactory[models.TaxonomyTerm]):
    class Meta:
        model = models.TaxonomyTerm

    taxonomy_detail = factory.SubFactory(TaxonomyFactory)
    code = factory.Sequence(lambda n: f"term-{n}")
    name = factory.Sequence(lambda n: f"Term {n}")
    description = "A category."


class AttributeFactory(factory.django.DjangoModelFactory[models.Attribute]):
    class Meta:
        model = models.Attribute

    taxonomy_term = factory.SubFactory(TaxonomyTermFactory)
    link_entity = "service"
    link_id = factory.LazyAttribute(lambda o: ServiceFactory.create().id)
