"""The resource directory: Open Referral HSDS 3.1 tables plus the PlainSight profile.

Every table and field name follows HSDS 3.1 (``docs/hsds-profile/``), so the API, the
JSON and the CSV package map one to one onto these models. Fields that HSDS lacks and
survivors need (confidential locations, "no police report required", IANA time zones…)
are marked ``# profile`` and documented as JSON merge patches in ``docs/hsds-profile/``.

Children that HSDS lets hang from several parents at once (a phone may belong to a
service, one of its locations and a contact, all at the same time) keep one nullable
foreign key per parent, exactly like the HSDS tabular format. HSDS requires none of
them, so a row may (rarely: an import that names a parent we do not hold) belong to
nothing; readers reach these rows through their parents only, so such a row is shown
nowhere. A link to a record the directory does not hold is never stored in a foreign
key: the id waits in ``unresolved_links`` until that record arrives.
``attribute`` and ``metadata`` point at any table by ``link_id`` / ``resource_id``
(a UUID without a foreign key), as in HSDS.

Models are thin: writes go through ``services.py`` / ``importing.py``; public reads
through ``selectors.py``, which is where confidential data is withheld.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# --- Code lists -------------------------------------------------------------------------


class ServiceStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    DEFUNCT = "defunct", _("Defunct")
    TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")


# What the public sees (a closed service stays visible so people learn it is closed).
PUBLIC_SERVICE_STATUSES = (ServiceStatus.ACTIVE, ServiceStatus.TEMPORARILY_CLOSED)


class LocationType(models.TextChoices):
    PHYSICAL = "physical", _("Physical")
    POSTAL = "postal", _("Postal")
    VIRTUAL = "virtual", _("Virtual")


class AddressType(models.TextChoices):
    PHYSICAL = "physical", _("Physical")
    POSTAL = "postal", _("Postal")
    VIRTUAL = "virtual", _("Virtual")


class Weekday(models.TextChoices):
    MO = "MO", _("Monday")
    TU = "TU", _("Tuesday")
    WE = "WE", _("Wednesday")
    TH = "TH", _("Thursday")
    FR = "FR", _("Friday")
    SA = "SA", _("Saturday")
    SU = "SU", _("Sunday")


class Frequency(models.TextChoices):
    WEEKLY = "WEEKLY", _("Weekly")
    MONTHLY = "MONTHLY", _("Monthly")


class ExtentType(models.TextChoices):
    GEOJSON = "geojson", "GeoJSON"
    TOPOJSON = "topojson", "TopoJSON"
    KML = "kml", "KML"
    TEXT = "text", _("Text")


class PhoneType(models.TextChoices):
    """RFC 6350 telephone types, as HSDS recommends (an open list: others are kept)."""

    TEXT = "text", _("Text message (SMS)")
    VOICE = "voice", _("Voice")
    FAX = "fax", _("Fax")
    CELL = "cell", _("Mobile")
    VIDEO = "video", _("Video")
    PAGER = "pager", _("Pager")
    TEXTPHONE = "textphone", _("Textphone (TTY)")


# --- PlainSight profile code lists -----------------------------------------------------


class CallOutcome(models.TextChoices):
    """What calling a number *does* (profile). A caller must know before dialling."""

    CONFIDENTIAL_SUPPORT = (
        "confidential_support",
        _("Confidential: you talk with an advocate or counselor"),
    )
    REPORT_TO_CHILD_WELFARE = (
        "report_to_child_welfare",
        _("Makes a report to child welfare (child protective services)"),
    )
    REPORT_TO_LAW_ENFORCEMENT = (
        "report_to_law_enforcement",
        _("Reaches law enforcement"),
    )
    EMERGENCY = "emergency", _("Emergency services (police, fire, ambulance)")
    INFORMATION = "information", _("Information and appointments")


class TribalEligibility(models.TextChoices):
    """Who a tribal program serves (profile)."""

    MEMBERS_ONLY = "tribal_members_only", _("Tribal members only")
    OPEN_TO_ALL = "tribal_program_open_to_all", _("Tribal program that helps anyone")


class LanguageProvision(models.TextChoices):
    """How a language is offered (profile): HSDS lists only languages staff speak."""

    STAFF = "staff", _("Spoken by staff")
    INTERPRETER = "interpreter", _("Through an interpreter")


class DeliveryMethod(models.TextChoices):
    """How a service reaches people (profile)."""

    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")
    TEXT = "text", _("By text message")
    ONLINE = "online", _("Online")
    OUTREACH = "outreach", _("They come to you")


class AreaType(models.TextChoices):
    """Structured service areas (profile), so "serves my area" needs no geocoder."""

    COUNTRY = "country", _("Country")
    STATE = "state", _("State")
    COUNTY = "county", _("County")
    CITY = "city", _("City")
    POSTAL_CODE = "postal_code", _("ZIP code")


class VerificationMethod(models.TextChoices):
    """How a record was last checked (profile; pairs with HSDS ``assured_date``)."""

    PHONE = "phone", _("Phone call")
    EMAIL = "email", _("Email")
    SITE_VISIT = "site_visit", _("Site visit")
    PROVIDER_UPDATE = "provider_update", _("Update from the provider")
    IMPORT = "import", _("Imported from another directory")


# --- Base ---------------------------------------------------------------------------


class HSDSModel(models.Model):
    """An HSDS table row: a UUID ``id`` that other systems share with us."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    # Internal bookkeeping, never exported: when our copy last changed.
    updated_at = models.DateTimeField(auto_now=True)
    # Links HSDS lets point at a record we do not hold (yet): {"organization_id": "<uuid>"},
    # by HSDS column name. The foreign key stays empty, so nothing ever follows a broken
    # link; exports write the id back, and an import that brings the record makes the
    # link. None when every link is made (see docs/decisions/unresolved-hsds-links.md).
    unresolved_links = models.JSONField(
        _("links to records not in the directory"), null=True, blank=True, editable=False
    )

    class Meta:
        abstract = True


def _nullable_fk(to: str, related_name: str, verbose_name: StrOrPromise) -> Any:
    return models.ForeignKey(
        to,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name=related_name,
        verbose_name=verbose_name,
    )


# --- Organizations and programs ------------------------------------------------------


class Organization(HSDSModel):
    name = models.CharField(_("name"), max_length=500)
    alternate_name = models.CharField(_("alternate name"), max_length=500, blank=True)
    description = models.TextField(_("description"))
    email = models.EmailField(_("email"), max_length=254, blank=True)
    website = models.URLField(_("website"), max_length=2000, blank=True)
    tax_status = models.CharField(_("tax status"), max_length=200, blank=True)
    tax_id = models.CharField(_("tax id"), max_length=200, blank=True)
    year_incorporated = models.PositiveSmallIntegerField(
        _("year incorporated"), null=True, blank=True
    )
    legal_status = models.CharField(_("legal status"), max_length=200, blank=True)
    logo = models.CharField(_("logo"), max_length=2000, blank=True)
    uri = models.URLField(_("URI"), max_length=2000, blank=True)
    # HSDS allows a parent outside the data set: its id then waits in unresolved_links.
    parent_organization = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="child_organizations",
        verbose_name=_("parent organization"),
    )
    # profile
    demo_data = models.BooleanField(_("demo data: verify before use"), default=False)
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    # Internal, never exported: the coalition partner that keeps this record up to date.
    partner = models.ForeignKey(
        "partners.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="directory_organizations",
        verbose_name=_("maintained by partner"),
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        # The API's pages: sorted by name then id, read from the index alone.
        indexes = [models.Index(fields=["name", "id"], name="dir_org_name_id")]

    def __str__(self) -> str:
        return self.name


class OrganizationIdentifier(HSDSModel):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="organization_identifiers"
    )
    identifier_scheme = models.CharField(_("identifier scheme"), max_length=200, blank=True)
    identifier_type = models.CharField(_("identifier type"), max_length=200)
    identifier = models.CharField(_("identifier"), max_length=200)

    class Meta:
        ordering = ["identifier_type", "identifier"]
        verbose_name = _("organization identifier")
        verbose_name_plural = _("organization identifiers")

    def __str__(self) -> str:
        return f"{self.identifier_type}: {self.identifier}"


class Program(HSDSModel):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="programs"
    )
    name = models.CharField(_("name"), max_length=500)
    alternate_name = models.CharField(_("alternate name"), max_length=500, blank=True)
    description = models.TextField(_("description"))

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")

    def __str__(self) -> str:
        return self.name


# --- Services ---------------------------------------------------------------------------


class Service(HSDSModel):
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="services"
    )
    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.SET_NULL, related_name="services"
    )
    name = models.CharField(_("name"), max_length=500)
    alternate_name = models.CharField(_("alternate name"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("website"), max_length=2000, blank=True)
    email = models.EmailField(_("email"), max_length=254, blank=True)
    status = models.CharField(
        _("status"), max_length=24, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE
    )
    interpretation_services = models.TextField(_("interpretation services"), blank=True)
    application_process = models.TextField(_("how to apply"), blank=True)
    fees_description = models.TextField(_("fees"), blank=True)
    wait_time = models.TextField(_("wait time"), blank=True)
    fees = models.TextField(_("fees (deprecated field)"), blank=True)
    accreditations = models.TextField(_("accreditations"), blank=True)
    eligibility_description = models.TextField(_("eligibility"), blank=True)
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    assured_date = models.DateField(_("last verified"), null=True, blank=True)
    assurer_email = models.EmailField(_("verified by (email)"), max_length=254, blank=True)
    licenses = models.TextField(_("licenses"), blank=True)
    alert = models.TextField(_("alert"), blank=True)
    last_modified = models.DateTimeField(_("last modified"), null=True, blank=True)

    # profile: what survivors need to know before they call.
    police_report_required = models.BooleanField(
        _("police report required"),
        null=True,
        blank=True,
        help_text=_("No means help is given without a police report. Empty means unknown."),
    )
    serves_minors_without_guardian = models.BooleanField(
        _("serves minors on their own"),
        null=True,
        blank=True,
        help_text=_("Helps young people under 18 without a parent or guardian present."),
    )
    tribal_eligibility = models.CharField(
        _("tribal eligibility"), max_length=32, choices=TribalEligibility.choices, blank=True
    )
    tribal_affiliation = models.CharField(_("tribe or nation"), max_length=300, blank=True)
    immigration_status_neutral = models.BooleanField(
        _("serves people of any immigration status"),
        null=True,
        blank=True,
        help_text=_("Does not ask about immigration status and serves everyone."),
    )
    t_u_visa_assistance = models.BooleanField(_("helps with T and U visas"), null=True, blank=True)
    interpretation_available = models.BooleanField(
        _("interpreters available for other languages"), null=True, blank=True
    )
    open_24_7 = models.BooleanField(_("open 24 hours, 7 days"), default=False)
    free_of_charge = models.BooleanField(_("free of charge"), null=True, blank=True)
    delivery_methods = models.JSONField(_("how it is delivered"), default=list, blank=True)
    verification_method = models.CharField(
        _("verification method"), max_length=24, choices=VerificationMethod.choices, blank=True
    )
    demo_data = models.BooleanField(_("demo data: verify before use"), default=False)
    translations = models.JSONField(_("translations"), default=dict, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ServiceStatus.values), name="dir_service_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(minimum_age__isnull=True)
                | Q(maximum_age__isnull=True)
                | Q(minimum_age__lte=models.F("maximum_age")),
                name="dir_service_age_range",
            ),
            models.CheckConstraint(
                condition=Q(tribal_eligibility__in=["", *TribalEligibility.values]),
                name="dir_service_tribal_valid",
            ),
        ]
        indexes = [
            # Lists are sorted by name then id: walking this index stops after a page,
            # and with the status in it the walk (and a count) never reads the wide
            # rows. No index starts with the status: it matches almost every row, and
            # SQLite would pick it and then sort every public service for one page.
            models.Index(fields=["name", "id", "status"], name="dir_service_list"),
            # The same by id: a set of services found otherwise (a search, a category)
            # is checked, sorted by name and taken to its organizations from this
            # index, not from the wide rows.
            models.Index(
                fields=["id", "name", "status", "organization"], name="dir_service_id_name_org"
            ),
            # The few withheld services: "not one of these" keeps a public list's count
            # and filters off the services table (see selectors).
            models.Index(
                fields=["id"],
                condition=~Q(status__in=PUBLIC_SERVICE_STATUSES),
                name="dir_service_withheld",
            ),
            # With the id: "changed since" gives its services from the indexes alone.
            models.Index(fields=["last_modified", "id"], name="dir_service_modified_id"),
            models.Index(fields=["updated_at", "id"], name="dir_service_updated_id"),
            models.Index(fields=["assured_date"], name="dir_service_assured"),
        ]

    def __str__(self) -> str:
        return self.name


# --- Locations ------------------------------------------------------------------------


class Location(HSDSModel):
    location_type = models.CharField(
        _("location type"),
        max_length=16,
        choices=LocationType.choices,
        default=LocationType.PHYSICAL,
    )
    url = models.URLField(_("URL (virtual locations)"), max_length=2000, blank=True)
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="locations",
    )
    name = models.CharField(_("name"), max_length=500, blank=True)
    alternate_name = models.CharField(_("alternate name"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    transportation = models.TextField(_("how to get there"), blank=True)
    # No range constraint: HSDS's own example uses latitude 100. Imports warn instead,
    # and proximity search ignores coordinates outside WGS84 ranges.
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    external_identifier = models.CharField(_("external identifier"), max_length=200, blank=True)
    external_identifier_type = models.CharField(
        _("external identifier type"), max_length=200, blank=True
    )
    # profile
    confidential = models.BooleanField(
        _("confidential location"),
        default=False,
        help_text=_(
            "A shelter or safe house: its address and coordinates are never shown or "
            "exported. People are told how to reach it instead."
        ),
    )
    confidential_access_note = models.TextField(
        _("how to reach a confidential location"),
        blank=True,
        help_text=_("For example: call the 24-hour line and an advocate will meet you."),
    )
    iana_timezone = models.CharField(_("time zone"), max_length=64, blank=True)
    translations = models.JSONField(_("translations"), default=dict, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        constraints = [
            models.CheckConstraint(
                condition=Q(location_type__in=LocationType.values),
                name="dir_location_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="dir_location_lat_lon_pair",
            ),
        ]
        indexes = [
            # Proximity reads the box, whether the location may be used and its id from
            # this index alone (never the wide rows of the locations it leaves out).
            models.Index(
                fields=["latitude", "longitude", "confidential", "id"],
                name="dir_location_coords_id",
            ),
        ]

    def __str__(self) -> str:
        return self.name or str(self.id)


class ServiceAtLocation(HSDSModel):
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["service", "id"]
        verbose_name = _("service at location")
        verbose_name_plural = _("services at locations")
        constraints = [
            models.UniqueConstraint(fields=["service", "location"], name="dir_sal_unique_pair")
        ]
        # With the ids: pages sorted by the service's name (service by service) and by
        # distance (location by location) read these indexes alone.
        indexes = [
            models.Index(fields=["location", "service", "id"], name="dir_sal_location_id"),
            models.Index(fields=["service", "id"], name="dir_sal_service_id"),
        ]

    def __str__(self) -> str:
        return f"{self.service_id} @ {self.location_id}"


class Address(HSDSModel):
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    attention = models.CharField(_("attention"), max_length=300, blank=True)
    address_1 = models.CharField(_("address"), max_length=500)
    address_2 = models.CharField(_("address line 2"), max_length=500, blank=True)
    city = models.CharField(_("city"), max_length=200)
    region = models.CharField(_("region"), max_length=200, blank=True)
    state_province = models.CharField(_("state"), max_length=100)
    postal_code = models.CharField(_("ZIP code"), max_length=40)
    country = models.CharField(_("country"), max_length=2)
    address_type = models.CharField(
        _("address type"),
        max_length=16,
        choices=AddressType.choices,
        default=AddressType.PHYSICAL,
    )

    class Meta:
        ordering = ["location", "id"]
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        constraints = [
            models.CheckConstraint(
                condition=Q(address_type__in=AddressType.values), name="dir_address_type_valid"
            )
        ]
        indexes = [models.Index(fields=["postal_code"], name="dir_address_postal")]

    def __str__(self) -> str:
        return f"{self.address_1}, {self.city}"


class Accessibility(HSDSModel):
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="accessibility")
    description = models.TextField(_("description"), blank=True)
    details = models.TextField(_("details"), blank=True)
    url = models.URLField(_("URL"), max_length=2000, blank=True)

    class Meta:
        ordering = ["location", "id"]
        verbose_name = _("accessibility")
        verbose_name_plural = _("accessibility")

    def __str__(self) -> str:
        return self.description[:60]


# --- Contacts, phones, languages, URLs -----------------------------------------------


class Contact(HSDSModel):
    organization = _nullable_fk("Organization", "contacts", _("organization"))
    service = _nullable_fk("Service", "contacts", _("service"))
    service_at_location = _nullable_fk("ServiceAtLocation", "contacts", _("service at location"))
    location = _nullable_fk("Location", "contacts", _("location"))
    name = models.CharField(_("name"), max_length=300, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    department = models.CharField(_("department"), max_length=300, blank=True)
    email = models.EmailField(_("email"), max_length=254, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name or str(self.id)


class Phone(HSDSModel):
    location = _nullable_fk("Location", "phones", _("location"))
    service = _nullable_fk("Service", "phones", _("service"))
    organization = _nullable_fk("Organization", "phones", _("organization"))
    contact = _nullable_fk("Contact", "phones", _("contact"))
    service_at_location = _nullable_fk("ServiceAtLocation", "phones", _("service at location"))
    number = models.CharField(_("number"), max_length=100)
    extension = models.PositiveIntegerField(_("extension"), null=True, blank=True)
    # An open list in HSDS (RFC 6350 types); see PhoneType for the usual values.
    type = models.CharField(_("type"), max_length=32, blank=True)
    description = models.TextField(_("description"), blank=True)
    # profile
    call_outcome = models.CharField(
        _("what calling does"), max_length=32, choices=CallOutcome.choices, blank=True
    )
    available_24_7 = models.BooleanField(_("answered 24 hours, 7 days"), default=False)
    translations = models.JSONField(_("translations"), default=dict, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("phone")
        verbose_name_plural = _("phones")
        constraints = [
            models.CheckConstraint(
                condition=Q(call_outcome__in=["", *CallOutcome.values]),
                name="dir_phone_call_outcome_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class Language(HSDSModel):
    service = _nullable_fk("Service", "languages", _("service"))
    location = _nullable_fk("Location", "languages", _("location"))
    phone = _nullable_fk("Phone", "languages", _("phone"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    # ISO 639 (1, 2 or 3) or a BCP 47 tag, as HSDS allows.
    code = models.CharField(_("code"), max_length=35, blank=True)
    note = models.TextField(_("note"), blank=True)
    # profile
    provided_by = models.CharField(
        _("offered"), max_length=16, choices=LanguageProvision.choices, blank=True
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        constraints = [
            models.CheckConstraint(
                condition=Q(provided_by__in=["", *LanguageProvision.values]),
                name="dir_language_provided_by_valid",
            ),
        ]
        indexes = [models.Index(fields=["code"], name="dir_language_code")]

    def __str__(self) -> str:
        return self.name or self.code


class Url(HSDSModel):
    organization = _nullable_fk("Organization", "additional_websites", _("organization"))
    service = _nullable_fk("Service", "additional_urls", _("service"))
    label = models.CharField(_("label"), max_length=300, blank=True)
    url = models.URLField(_("URL"), max_length=2000)

    class Meta:
        ordering = ["label", "id"]
        verbose_name = _("URL")
        verbose_name_plural = _("URLs")

    def __str__(self) -> str:
        return self.url


# --- Schedules and areas -------------------------------------------------------------


class Schedule(HSDSModel):
    service = _nullable_fk("Service", "schedules", _("service"))
    location = _nullable_fk("Location", "schedules", _("location"))
    service_at_location = _nullable_fk("ServiceAtLocation", "schedules", _("service at location"))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    dtstart = models.DateField(_("first occurrence"), null=True, blank=True)
    # HSDS: a UTC offset in hours. Kept as given; ``iana_timezone`` is authoritative.
    timezone = models.FloatField(_("UTC offset (hours)"), null=True, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)
    count = models.PositiveIntegerField(_("count"), null=True, blank=True)
    wkst = models.CharField(_("week starts"), max_length=2, choices=Weekday.choices, blank=True)
    freq = models.CharField(_("frequency"), max_length=8, choices=Frequency.choices, blank=True)
    interval = models.PositiveIntegerField(_("interval"), null=True, blank=True)
    byday = models.CharField(_("days"), max_length=200, blank=True)
    byweekno = models.CharField(_("weeks of the year"), max_length=200, blank=True)
    bymonthday = models.CharField(_("days of the month"), max_length=200, blank=True)
    byyearday = models.CharField(_("days of the year"), max_length=400, blank=True)
    description = models.TextField(_("description"), blank=True)
    # Local wall-clock times in ``iana_timezone`` (or the location's, or the
    # deployment's). closes_at before opens_at means the period ends the next day.
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    schedule_link = models.URLField(_("schedule link"), max_length=2000, blank=True)
    attending_type = models.TextField(_("how to attend"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # profile
    iana_timezone = models.CharField(_("time zone"), max_length=64, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("schedule")
        verbose_name_plural = _("schedules")
        constraints = [
            models.CheckConstraint(
                condition=Q(freq__in=["", *Frequency.values]), name="dir_schedule_freq_valid"
            ),
            models.CheckConstraint(
                condition=Q(wkst__in=["", *Weekday.values]), name="dir_schedule_wkst_valid"
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lte=models.F("valid_to")),
                name="dir_schedule_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.freq} {self.byday} {self.opens_at}-{self.closes_at}"


class ServiceArea(HSDSModel):
    service = _nullable_fk("Service", "service_areas", _("service"))
    service_at_location = _nullable_fk(
        "ServiceAtLocation", "service_areas", _("service at location")
    )
    name = models.TextField(_("name"), blank=True)
    description = models.TextField(_("description"), blank=True)
    extent = models.TextField(_("extent"), blank=True)
    extent_type = models.CharField(_("extent type"), max_length=16, blank=True)
    uri = models.CharField(_("URI"), max_length=2000, blank=True)
    # profile: a machine-readable area. Codes: country "US"; state "CA"; county
    # 5-digit FIPS "06029"; city "Bakersfield" (with state from the area's record);
    # postal_code "93301".
    area_type = models.CharField(
        _("area type"), max_length=16, choices=AreaType.choices, blank=True
    )
    area_code = models.CharField(_("area code"), max_length=64, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("service area")
        verbose_name_plural = _("service areas")
        constraints = [
            models.CheckConstraint(
                condition=Q(area_type__in=["", *AreaType.values]),
                name="dir_service_area_type_valid",
            ),
        ]
        # "Serves this ZIP code" reads these alone: the areas covering a place, with
        # whose they are; and whether a service (or its location) states any area.
        indexes = [
            models.Index(
                fields=["area_type", "area_code", "service", "service_at_location"],
                name="dir_service_area_code_of",
            ),
            models.Index(fields=["service", "area_type"], name="dir_service_area_service"),
            models.Index(fields=["service_at_location", "area_type"], name="dir_service_area_sal"),
        ]

    def __str__(self) -> str:
        return self.name[:60] or f"{self.area_type}:{self.area_code}"


# --- Money, documents, capacity -------------------------------------------------------


class CostOption(HSDSModel):
    service = _nullable_fk("Service", "cost_options", _("service"))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    option = models.TextField(_("option"), blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    amount_description = models.TextField(_("amount description"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("cost option")
        verbose_name_plural = _("cost options")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="dir_cost_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


class Funding(HSDSModel):
    organization = _nullable_fk("Organization", "funding", _("organization"))
    service = _nullable_fk("Service", "funding", _("service"))
    source = models.TextField(_("source"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("funding")
        verbose_name_plural = _("funding")

    def __str__(self) -> str:
        return self.source[:60]


class RequiredDocument(HSDSModel):
    service = _nullable_fk("Service", "required_documents", _("service"))
    document = models.TextField(_("document"), blank=True)
    uri = models.URLField(_("URI"), max_length=2000, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")

    def __str__(self) -> str:
        return self.document[:60]


class Unit(HSDSModel):
    name = models.CharField(_("name"), max_length=200)
    scheme = models.CharField(_("scheme"), max_length=200, blank=True)
    identifier = models.CharField(_("identifier"), max_length=200, blank=True)
    uri = models.URLField(_("URI"), max_length=2000, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name


class ServiceCapacity(HSDSModel):
    # Both may be empty while the record they name is not in the directory; its id
    # then waits in unresolved_links. HSDS requires the unit, so a capacity always names
    # one (held, or by the id kept): exports write every capacity (hsds.unknown_unit).
    service = _nullable_fk("Service", "capacities", _("service"))
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="capacities",
        verbose_name=_("unit"),
    )
    available = models.DecimalField(_("available"), max_digits=12, decimal_places=2)
    maximum = models.DecimalField(
        _("maximum"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    description = models.TextField(_("description"), blank=True)
    updated = models.DateTimeField(_("updated"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("service capacity")
        verbose_name_plural = _("service capacities")
        constraints = [
            models.CheckConstraint(
                condition=Q(available__gte=0), name="dir_capacity_available_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(maximum__isnull=True) | Q(maximum__gte=0),
                name="dir_capacity_maximum_not_negative",
            ),
            models.CheckConstraint(
                # IS NOT NULL too: PostgreSQL's ``?`` on NULL is NULL, and a check passes NULL.
                condition=Q(unit__isnull=False)
                | Q(unresolved_links__isnull=False, unresolved_links__has_key="unit_id"),
                name="dir_capacity_names_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.available} {self.unit_id}"


# --- Taxonomies and attributes ---------------------------------------------------------


class Taxonomy(HSDSModel):
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"))
    uri = models.URLField(_("URI"), max_length=2000, blank=True)
    version = models.CharField(_("version"), max_length=100, blank=True)
    # profile
    translations = models.JSONField(_("translations"), default=dict, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("taxonomy")
        verbose_name_plural = _("taxonomies")

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(HSDSModel):
    code = models.CharField(_("code"), max_length=200, blank=True)
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"))
    # HSDS lets a term name a parent outside the data set: its id then waits in
    # unresolved_links.
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        verbose_name=_("parent term"),
    )
    taxonomy = models.CharField(_("taxonomy (free text)"), max_length=500, blank=True)
    taxonomy_detail = models.ForeignKey(
        Taxonomy,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="terms",
        db_column="taxonomy_id",
        verbose_name=_("taxonomy"),
    )
    language = models.CharField(_("language"), max_length=35, blank=True)
    term_uri = models.URLField(_("term URI"), max_length=2000, blank=True)
    # profile
    translations = models.JSONField(_("translations"), default=dict, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("taxonomy term")
        verbose_name_plural = _("taxonomy terms")
        constraints = [
            models.UniqueConstraint(
                fields=["taxonomy_detail", "code"],
                condition=~Q(code=""),
                name="dir_term_unique_code",
            )
        ]

    def __str__(self) -> str:
        return self.name


class LinkEntity(models.TextChoices):
    """Tables an attribute or metadata row may point at (HSDS table names)."""

    ORGANIZATION = "organization", _("organization")
    SERVICE = "service", _("service")
    LOCATION = "location", _("location")
    SERVICE_AT_LOCATION = "service_at_location", _("service at location")
    ADDRESS = "address", _("address")
    PHONE = "phone", _("phone")
    SCHEDULE = "schedule", _("schedule")
    LANGUAGE = "language", _("language")
    ACCESSIBILITY = "accessibility", _("accessibility")
    SERVICE_AREA = "service_area", _("service area")
    CONTACT = "contact", _("contact")
    COST_OPTION = "cost_option", _("cost option")
    FUNDING = "funding", _("funding")
    PROGRAM = "program", _("program")
    REQUIRED_DOCUMENT = "required_document", _("required document")
    SERVICE_CAPACITY = "service_capacity", _("service capacity")
    UNIT = "unit", _("unit")
    URL = "url", _("URL")
    ORGANIZATION_IDENTIFIER = "organization_identifier", _("organization identifier")
    TAXONOMY = "taxonomy", _("taxonomy")
    TAXONOMY_TERM = "taxonomy_term", _("taxonomy term")


class Attribute(HSDSModel):
    """A taxonomy term applied to any row (``link_id`` in table ``link_entity``)."""

    link_id = models.UUIDField(_("linked record"))
    # Kept as given by the source; PlainSight writes the HSDS table name (LinkEntity).
    link_entity = models.CharField(_("linked table"), max_length=64)
    link_type = models.CharField(_("link type"), max_length=200, blank=True)
    taxonomy_term = models.ForeignKey(
        TaxonomyTerm, on_delete=models.PROTECT, related_name="attributes"
    )
    value = models.TextField(_("value"), blank=True)
    label = models.CharField(_("label"), max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("attribute")
        verbose_name_plural = _("attributes")
        indexes = [
            models.Index(fields=["link_id"], name="dir_attribute_link"),
            models.Index(fields=["taxonomy_term", "link_id"], name="dir_attribute_term_link"),
        ]

    def __str__(self) -> str:
        return f"{self.link_entity}:{self.link_id} → {self.taxonomy_term_id}"


class Metadata(HSDSModel):
    """A provenance record: who changed which field of which row, when."""

    resource_id = models.UUIDField(_("record"))
    resource_type = models.CharField(_("record type"), max_length=64)
    last_action_date = models.DateField(_("date"))
    last_action_type = models.CharField(_("action"), max_length=64)
    field_name = models.CharField(_("field"), max_length=200)
    previous_value = models.TextField(_("previous value"), blank=True)
    replacement_value = models.TextField(_("new value"), blank=True)
    updated_by = models.CharField(_("updated by"), max_length=300)

    class Meta:
        ordering = ["last_action_date", "id"]
        verbose_name = _("metadata")
        verbose_name_plural = _("metadata")
        indexes = [models.Index(fields=["resource_id"], name="dir_metadata_resource")]

    def __str__(self) -> str:
        return f"{self.resource_type}:{self.resource_id} {self.field_name}"


class MetaTableDescription(HSDSModel):
    name = models.CharField(_("name"), max_length=300, blank=True)
    language = models.CharField(_("language"), max_length=35, blank=True)
    character_set = models.CharField(_("character set"), max_length=64, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("table description")
        verbose_name_plural = _("table descriptions")

    def __str__(self) -> str:
        return self.name


# --- Import jobs ------------------------------------------------------------------------


class ImportFormat(models.TextChoices):
    JSON = "json", _("HSDS JSON")
    CSV = "csv", _("HSDS CSV package (zip)")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Imported")
    VALIDATED = "validated", _("Checked (dry run)")
    FAILED = "failed", _("Failed")


class DirectoryJob(models.Model):
    """What import and export jobs share: a row that a task runs, knowing only its id,
    with its progress for the page that follows it. ``file_name`` is a name in the
    default storage (never a path outside it), which no URL serves: the upload to
    import, or the export to download through its staff view."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    format = models.CharField(_("format"), max_length=8, choices=ImportFormat.choices)
    file_name = models.CharField(_("stored file"), max_length=500)
    # JSON only: the HSDS record type of the documents ("" = detect from their keys).
    entity = models.CharField(_("record type"), max_length=64, blank=True)
    # Each kind of job names its own statuses; all begin "pending", then "running", and
    # a run that crashes ends "failed".
    status = models.CharField(_("status"), max_length=16, default="pending")
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.format} {self.status} {self.created_at:%Y-%m-%d %H:%M}"


class ImportJob(DirectoryJob):
    """One upload to import, run by a task. The task receives only this row's id."""

    dry_run = models.BooleanField(_("dry run"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    # [{"file", "row", "field", "message"}, …] — about directory data, never about people.
    errors = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    # summary: {"created": {"service": 3, …}, "updated": {…}, "unchanged": {…}}

    class Meta(DirectoryJob.Meta):
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ImportStatus.values), name="dir_import_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(format__in=ImportFormat.values), name="dir_import_format_valid"
            ),
        ]


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    READY = "ready", _("Ready to download")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Deleted (expired)")


class ExportJob(DirectoryJob):
    """One export of the whole directory for the coordinator who asked for it, built by
    a task (which receives only this row's id) and kept until ``expires_at``."""

    status = models.CharField(
        _("status"), max_length=16, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    # summary: {"count": documents or files written, "bytes": size of the file}
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)

    class Meta(DirectoryJob.Meta):
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ExportStatus.values), name="dir_export_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(format__in=ImportFormat.values), name="dir_export_format_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=ExportStatus.READY) | Q(expires_at__isnull=False),
                name="dir_export_ready_expires",
            ),
        ]
        indexes = [
            models.Index(fields=["created_by", "-created_at"], name="dir_export_by_created"),
            models.Index(fields=["status", "expires_at"], name="dir_export_status_expires"),
        ]
