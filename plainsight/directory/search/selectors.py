"""Public reads for the "Find help" pages.

``public_service`` returns plain data for one listing page, built so that what must
not be shown cannot reach a template: for a confidential location the view object has
no address, no coordinates, no name and no directions, only how to reach it by phone.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from plainsight.directory import models as directory
from plainsight.directory import units
from plainsight.directory.demo import DEMO_ALERTS
from plainsight.directory.search import hours, places, presentation
from plainsight.directory.search.documents import INDEXED_STATUSES, schedule_input
from plainsight.directory.search.translations import in_language, translated


@dataclass(frozen=True)
class LocationView:
    id: uuid.UUID
    confidential: bool
    access_note: str  # for a confidential location: how to reach it
    name: str = ""
    address_lines: tuple[str, ...] = ()
    transportation: str = ""
    map_href: str = ""  # a geo: link the phone's own map app opens
    is_virtual: bool = False
    url: str = ""
    hours: tuple[str, ...] = ()
    time_zone: str = ""
    open_now: bool | None = None
    accessibility: tuple[str, ...] = ()
    phones: tuple[presentation.PhoneLink, ...] = ()


@dataclass(frozen=True)
class ServiceView:
    id: uuid.UUID
    name: str
    organization: str
    description: str
    alert: str
    eligibility: str
    how_to_apply: str
    fees: str
    url: str
    email: str
    temporarily_closed: bool
    demo: bool
    assured_date: dt.date | None
    verification_method: str
    minimum_age: int | None
    maximum_age: int | None
    free: bool | None
    police_report_required: bool | None
    minors_on_their_own: bool | None
    any_immigration_status: bool | None
    t_u_visa: bool | None
    interpretation: bool | None
    open_24_7: bool
    tribal: str
    tribal_affiliation: str
    delivery: tuple[str, ...]
    categories: tuple[str, ...]
    languages: tuple[tuple[str, str], ...]  # (name, how it is offered)
    areas: tuple[str, ...]
    phones: tuple[presentation.PhoneLink, ...]
    hours: tuple[str, ...]
    time_zone: str
    open_now: bool | None
    locations: tuple[LocationView, ...]
    capacity: tuple[tuple[str, dt.datetime], ...] = field(default=())  # ("3 beds", updated)

    @property
    def verified_text(self) -> str:
        return presentation.verified_text(self.assured_date)


def _phones(rows: list[directory.Phone], language: str) -> tuple[presentation.PhoneLink, ...]:
    links = []
    for phone in rows:
        description = in_language(phone, "description", language)
        links.append(
            presentation.phone_link(
                number=phone.number,
                extension=phone.extension,
                kind=phone.type,
                description=description,
                outcome=phone.call_outcome,
                available_24_7=phone.available_24_7,
            )
        )
    return tuple(links)


def _open_now(schedules: list[directory.Schedule], zone: str, moment: dt.datetime) -> bool | None:
    rules = [r for s in schedules for r in hours.rules_for(schedule_input(s), zone)]
    if not rules:
        return None
    return hours.is_open(rules, moment)


def _area_from_code(area: directory.ServiceArea) -> str:
    """A service area named from its code in the page's language, or "" if it cannot be."""
    code = area.area_code.strip()
    if area.area_type == directory.AreaType.COUNTY:
        county = places.county_name(code)
        return _("%(county)s County") % {"county": county} if county else ""
    if area.area_type == directory.AreaType.POSTAL_CODE and code:
        return _("ZIP code %(zip)s") % {"zip": code}
    if area.area_type == directory.AreaType.STATE:
        return places.STATE_NAMES.get(code.upper(), "")
    if area.area_type == directory.AreaType.COUNTRY and code.upper() == "US":
        return _("Anywhere in the United States")
    return ""


def _area_text(area: directory.ServiceArea, language: str) -> str:
    """A service area in words: its own name, else one made from its code.

    The name is the data's, in English ("Kern County, California"): on a page in another
    language a translation of it comes first, then the name made from the code ("Condado
    de Kern"), and the English name only when neither exists."""
    if language and language != "en":
        named = in_language(area, "name", language)
        if named != area.name:
            return named
        return _area_from_code(area) or area.name or area.area_code.strip()
    return area.name or _area_from_code(area) or area.area_code.strip()


def public_service(
    service_id: uuid.UUID, *, language: str, moment: dt.datetime | None = None
) -> ServiceView | None:
    """One listing as the public may see it, or None (unknown, inactive or defunct)."""
    moment = moment or timezone.now()
    service = (
        directory.Service.objects.filter(pk=service_id, status__in=INDEXED_STATUSES)
        .select_related("organization")
        .prefetch_related(
            "phones",
            "schedules",
            "languages",
            "service_areas",
            Prefetch(
                "capacities",
                # A capacity whose unit is not in the directory yet says nothing readable.
                queryset=directory.ServiceCapacity.objects.filter(
                    unit__isnull=False
                ).select_related("unit"),
            ),
            Prefetch(
                "service_at_locations",
                queryset=directory.ServiceAtLocation.objects.select_related(
                    "location"
                ).prefetch_related(
                    "phones",
                    "schedules",
                    "location__addresses",
                    "location__schedules",
                    "location__phones",
                    "location__accessibility",
                ),
            ),
        )
        .first()
    )
    if service is None:
        return None
    default_zone = settings.TIME_ZONE
    term_ids = directory.Attribute.objects.filter(
        link_entity=directory.LinkEntity.SERVICE, link_id=service.pk
    ).values_list("taxonomy_term_id", flat=True)
    terms = directory.TaxonomyTerm.objects.filter(pk__in=list(term_ids)).order_by("name")
    categories = tuple(in_language(t, "name", language) for t in terms)

    service_schedules = list(service.schedules.all())
    locations: list[LocationView] = []
    for sal in sorted(service.service_at_locations.all(), key=lambda s: s.location.name):
        location = sal.location
        zone = hours.valid_zone(location.iana_timezone) or default_zone
        schedules = list(sal.schedules.all()) or service_schedules or list(location.schedules.all())
        hours_lines = tuple(presentation.schedules_text([schedule_input(s) for s in schedules]))
        open_now = _open_now(schedules, zone, moment)
        phones = _phones(list(sal.phones.all()) + list(location.phones.all()), language)
        if location.confidential:
            locations.append(
                LocationView(
                    id=location.id,
                    confidential=True,
                    access_note=in_language(location, "confidential_access_note", language),
                    hours=hours_lines,
                    time_zone=presentation.zone_name(zone),
                    open_now=open_now,
                    phones=phones,
                )
            )
            continue
        lines: list[str] = []
        for address in location.addresses.all():
            lines.append(", ".join(p for p in (address.address_1, address.address_2) if p))
            lines.append(
                " ".join(
                    p
                    for p in (
                        f"{address.city},",
                        address.state_province,
                        address.postal_code,
                    )
                    if p
                )
            )
            break
        map_href = ""
        if location.latitude is not None and location.longitude is not None:
            map_href = f"geo:{location.latitude:.5f},{location.longitude:.5f}"
        locations.append(
            LocationView(
                id=location.id,
                confidential=False,
                access_note="",
                name=in_language(location, "name", language),
                address_lines=tuple(line for line in lines if line.strip(", ")),
                transportation=in_language(location, "transportation", language),
                map_href=map_href,
                is_virtual=location.location_type == directory.LocationType.VIRTUAL,
                url=location.url,
                hours=hours_lines,
                time_zone=presentation.zone_name(zone),
                open_now=open_now,
                accessibility=tuple(
                    a.description for a in location.accessibility.all() if a.description
                ),
                phones=phones,
            )
        )

    languages = tuple(
        (
            presentation.language_name(lang.code, lang.name),
            str(directory.LanguageProvision(lang.provided_by).label) if lang.provided_by else "",
        )
        for lang in service.languages.all()
    )
    with translation.override(language or None):
        capacity = tuple(
            (units.amount_text(cap.available, cap.unit.name), cap.updated)
            for cap in service.capacities.all()  # prefetched with a unit only
            if cap.unit is not None
        )
    delivery = tuple(
        str(directory.DeliveryMethod(method).label)
        for method in service.delivery_methods or []
        if method in directory.DeliveryMethod.values
    )
    demo = service.demo_data or service.organization.demo_data
    alert = in_language(service, "alert", language)
    if demo and alert in DEMO_ALERTS:
        # The demo's HSDS alert marks it for other systems; the page says it in its own notice.
        alert = ""
    return ServiceView(
        id=service.pk,
        name=in_language(service, "name", language),
        organization=in_language(service.organization, "name", language),
        description=in_language(service, "description", language),
        alert=alert,
        eligibility=in_language(service, "eligibility_description", language),
        how_to_apply=in_language(service, "application_process", language),
        fees=in_language(service, "fees_description", language),
        url=service.url,
        email=service.email,
        temporarily_closed=service.status == directory.ServiceStatus.TEMPORARILY_CLOSED,
        demo=demo,
        assured_date=service.assured_date,
        verification_method=(
            str(directory.VerificationMethod(service.verification_method).label)
            if service.verification_method in directory.VerificationMethod.values
            else ""
        ),
        minimum_age=service.minimum_age,
        maximum_age=service.maximum_age,
        free=service.free_of_charge,
        police_report_required=service.police_report_required,
        minors_on_their_own=service.serves_minors_without_guardian,
        any_immigration_status=service.immigration_status_neutral,
        t_u_visa=service.t_u_visa_assistance,
        interpretation=service.interpretation_available,
        open_24_7=service.open_24_7,
        tribal=(
            str(directory.TribalEligibility(service.tribal_eligibility).label)
            if service.tribal_eligibility in directory.TribalEligibility.values
            else ""
        ),
        tribal_affiliation=service.tribal_affiliation,
        delivery=delivery,
        categories=categories,
        languages=languages,
        areas=tuple(_area_text(a, language) for a in service.service_areas.all()),
        phones=_phones(list(service.phones.all()), language),
        hours=tuple(presentation.schedules_text([schedule_input(s) for s in service_schedules])),
        time_zone=presentation.zone_name(default_zone),
        open_now=(
            False
            if service.status == directory.ServiceStatus.TEMPORARILY_CLOSED
            else True
            if service.open_24_7
            else _open_now(service_schedules, default_zone, moment)
        ),
        locations=tuple(locations),
        capacity=capacity,
    )


def translated_term_name(term: directory.TaxonomyTerm, language: str) -> str:
    return translated(term.translations, "name", language) or term.name
