"""Edits, verification, capacity and public reports: rights, audit, all-or-nothing."""

from __future__ import annotations

import datetime as dt
import threading
import time
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from plainsight.audit.models import AuditEvent
from plainsight.directory import models as m
from plainsight.directory.search.engine import SearchRequest, search
from plainsight.directory.search.models import SearchDocument
from plainsight.directory.search.services import search_index_rebuild
from plainsight.directory.upkeep import services
from plainsight.directory.upkeep.models import ProblemReport, ReportStatus, VerificationLog
from plainsight.directory.upkeep.services import PhoneData, ScheduleData

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


def phone(**overrides) -> PhoneData:
    values = {
        "id": None,
        "number": "661-555-0199",
        "extension": None,
        "type": "voice",
        "call_outcome": "confidential_support",
        "description": "24-hour line",
        "available_24_7": True,
    }
    values.update(overrides)
    return PhoneData(**values)  # type: ignore[arg-type]


# --- Editing a listing ----------------------------------------------------------------


def test_an_admin_edits_their_listing_with_phones_hours_and_spanish(world):
    search_index_rebuild()
    old_phone = world.shelter.phones.get()
    services.service_update(
        actor=world.alliance_admin,
        service=world.shelter,
        changes={"name": "Safe Shelter", "police_report_required": False, "minimum_age": 18},
        spanish={"name": "Refugio seguro", "description": "", "alert": ""},
        phones=[
            phone(id=old_phone.pk, number="661-555-0102", delete=False),
            phone(),
        ],
        schedules=[
            ScheduleData(
                id=None,
                byday="MO,TU",
                opens_at=dt.time(9),
                closes_at=dt.time(17),
                valid_from=None,
                valid_to=None,
                description="",
                iana_timezone="",
            )
        ],
    )
    world.shelter.refresh_from_db()
    assert world.shelter.name == "Safe Shelter"
    assert world.shelter.translations == {"es": {"name": "Refugio seguro"}}
    assert world.shelter.police_report_required is False
    assert world.shelter.last_modified is not None
    assert sorted(world.shelter.phones.values_list("number", flat=True)) == [
        "661-555-0102",
        "661-555-0199",
    ]
    assert world.shelter.schedules.get().byday == "MO,TU"
    [event] = events("directory.service.updated")
    assert event.actor_id == world.alliance_admin.pk
    assert event.target_id == str(world.shelter.pk)
    assert event.organization_id == world.alliance.pk
    # The search index changed in the same transaction.
    assert [h.name for h in search(SearchRequest(text="safe shelter")).hits] == ["Safe Shelter"]


def test_nothing_is_half_saved_when_a_child_row_is_wrong(world):
    with pytest.raises(ValidationError):
        services.service_update(
            actor=world.alliance_admin,
            service=world.shelter,
            changes={"name": "Renamed"},
            phones=[phone(call_outcome="not-a-code")],
        )
    world.shelter.refresh_from_db()
    assert world.shelter.name == "Emergency Shelter"
    assert world.shelter.phones.count() == 1
    assert events("directory.service.updated") == []


def test_an_edit_opened_before_someone_elses_save_is_refused(world):
    opened = world.shelter.updated_at
    services.service_update(
        actor=world.coordinator, service=world.shelter, changes={"alert": "Full"}
    )
    with pytest.raises(ValidationError) as refused:
        services.service_update(
            actor=world.alliance_admin,
            service=world.shelter,
            changes={"name": "Renamed", "alert": ""},
            phones=[phone()],
            unchanged_since=opened,
        )
    assert refused.value.code == "changed"
    world.shelter.refresh_from_db()
    assert (world.shelter.name, world.shelter.alert) == ("Emergency Shelter", "Full")
    assert world.shelter.phones.count() == 1
    assert len(events("directory.service.updated")) == 1


def test_an_age_range_upside_down_is_refused(world):
    with pytest.raises(ValidationError):
        services.service_update(
            actor=world.coordinator,
            service=world.shelter,
            changes={"minimum_age": 20, "maximum_age": 10},
        )


def test_a_phone_of_another_listing_cannot_be_changed_through_this_one(world):
    stranger = m.Phone.objects.create(service=world.legal, number="661-555-0177")
    with pytest.raises(PermissionDenied):
        services.service_update(
            actor=world.coordinator,
            service=world.shelter,
            changes={"name": "Renamed"},
            phones=[phone(id=stranger.pk, delete=True)],
        )
    assert m.Phone.objects.filter(pk=stranger.pk).exists()
    world.shelter.refresh_from_db()
    assert world.shelter.name == "Emergency Shelter"


@pytest.mark.parametrize("who", ["clinic_admin", "alliance_advocate", "nobody"])
def test_others_cannot_edit(world, who):
    with pytest.raises(PermissionDenied):
        services.service_update(
            actor=getattr(world, who), service=world.shelter, changes={"name": "Mine now"}
        )
    assert events("directory.service.updated") == []


def test_only_editable_fields_are_accepted(world):
    with pytest.raises(ValueError):
        services.service_update(
            actor=world.coordinator, service=world.shelter, changes={"organization_id": None}
        )


def hours_data(**overrides) -> ScheduleData:
    values: dict = {
        "id": None,
        "byday": "MO,TU",
        "opens_at": dt.time(9),
        "closes_at": dt.time(17),
        "valid_from": None,
        "valid_to": None,
        "description": "",
        "iana_timezone": "",
    }
    values.update(overrides)
    return ScheduleData(**values)


def test_an_hours_edit_changes_only_what_it_says(world):
    """A weekly row keeps its frequency as written ("" is weekly too) and every field
    the edit does not carry (a link, notes, how to attend…)."""
    hours = m.Schedule.objects.create(
        service=world.shelter,
        freq="",
        byday="MO",
        opens_at=dt.time(9),
        closes_at=dt.time(17),
        schedule_link="https://example.org/calendar",
        attending_type="in person",
        notes="Bring an ID if you have one.",
        timezone=-8.0,
    )
    services.service_update(
        actor=world.alliance_admin,
        service=world.shelter,
        changes={},
        schedules=[hours_data(id=hours.pk, byday="TU,FR"), hours_data()],
    )
    hours.refresh_from_db()
    assert (hours.freq, hours.byday, hours.schedule_link) == (
        "",
        "TU,FR",
        "https://example.org/calendar",
    )
    assert (hours.attending_type, hours.notes, hours.timezone) == (
        "in person",
        "Bring an ID if you have one.",
        -8.0,
    )
    added = world.shelter.schedules.exclude(pk=hours.pk).get()
    assert (added.freq, added.byday) == ("WEEKLY", "MO,TU")


@pytest.mark.parametrize(
    "fields",
    [
        {"freq": "MONTHLY", "byday": "1MO"},
        {"freq": "MONTHLY", "bymonthday": "1,15", "opens_at": None, "closes_at": None},
        {"freq": "WEEKLY", "byday": "MO", "interval": 2, "dtstart": dt.date(2026, 1, 5)},
        {"freq": "WEEKLY", "byday": "MO", "count": 10},
        {"freq": "WEEKLY", "byday": "MO", "until": dt.date(2026, 6, 30)},
        {"freq": "WEEKLY", "byday": "MO", "byweekno": "1"},
        {"freq": "WEEKLY", "byday": "MO", "byyearday": "100"},
    ],
)
def test_hours_an_edit_cannot_say_are_only_ever_removed(world, fields):
    """Writing days and times onto them would change what they mean (a first Monday
    would become every Monday): the whole edit is refused, and nothing is saved."""
    values = {"opens_at": dt.time(9), "closes_at": dt.time(17), **fields}
    hours = m.Schedule.objects.create(service=world.shelter, **values)
    before = m.Schedule.objects.filter(pk=hours.pk).values().get()
    with pytest.raises(ValidationError) as refused:
        services.service_update(
            actor=world.alliance_admin,
            service=world.shelter,
            changes={"name": "Renamed"},
            schedules=[hours_data(id=hours.pk, byday="MO")],
        )
    assert refused.value.code == "hours_not_editable"
    assert m.Schedule.objects.filter(pk=hours.pk).values().get() == before
    world.shelter.refresh_from_db()
    assert world.shelter.name == "Emergency Shelter"
    services.service_update(
        actor=world.alliance_admin,
        service=world.shelter,
        changes={},
        schedules=[hours_data(id=hours.pk, delete=True)],
    )
    assert not world.shelter.schedules.exists()
    [removed] = events("directory.schedule_deleted")
    assert removed.target_id == str(hours.pk)


# --- Places and organizations -----------------------------------------------------


def test_making_a_place_confidential_hides_it_from_search_at_once(world):
    search_index_rebuild()
    services.location_update(
        actor=world.alliance_admin,
        location=world.shelter_location,
        changes={"confidential": True, "confidential_access_note": "Call the hotline."},
    )
    document = SearchDocument.objects.get(location=world.shelter_location)
    assert document.place == ""
    assert (document.latitude, document.longitude) != (35.3733, -119.0187)
    assert events("directory.location.updated")[0].organization_id == world.alliance.pk


def test_a_places_street_address_is_kept_unless_removed(world):
    location = world.shelter_location
    services.location_update(actor=world.alliance_admin, location=location, changes={})
    assert location.addresses.count() == 1
    services.location_update(
        actor=world.alliance_admin, location=location, changes={}, address=None
    )
    assert not location.addresses.exists()
    assert len(events("directory.location.updated")) == 2


def test_what_an_edit_removes_takes_its_terms_and_history_along(world):
    """Attributes and metadata point at rows by id (no foreign key): removing a phone,
    an hours row or an address must not leave them pointing at nothing (an export would
    list them, linked to no record)."""
    term = m.TaxonomyTerm.objects.first() or m.TaxonomyTerm.objects.create(
        name="Hotline", code="hotline"
    )
    old_phone = world.shelter.phones.get()
    hours = m.Schedule.objects.create(service=world.shelter, freq="WEEKLY", byday="MO")
    address = world.shelter_location.addresses.get()
    for row, entity in ((old_phone, "phone"), (hours, "schedule"), (address, "address")):
        m.Attribute.objects.create(taxonomy_term=term, link_entity=entity, link_id=row.pk)
        m.Metadata.objects.create(
            resource_id=row.pk,
            resource_type=entity,
            last_action_date=dt.date(2026, 1, 5),
            last_action_type="update",
            field_name="description",
            updated_by="211",
        )
    services.service_update(
        actor=world.alliance_admin,
        service=world.shelter,
        changes={},
        phones=[phone(id=old_phone.pk, delete=True)],
        schedules=[
            ScheduleData(
                id=hours.pk,
                byday="MO",
                opens_at=None,
                closes_at=None,
                valid_from=None,
                valid_to=None,
                description="",
                iana_timezone="",
                delete=True,
            )
        ],
    )
    services.location_update(
        actor=world.alliance_admin, location=world.shelter_location, changes={}, address=None
    )
    removed = [old_phone.pk, hours.pk, address.pk]
    assert not m.Phone.objects.filter(pk=old_phone.pk).exists()
    assert not m.Attribute.objects.filter(link_id__in=removed).exists()
    assert not m.Metadata.objects.filter(resource_id__in=removed).exists()


def test_only_coordinators_choose_who_maintains_a_record(world):
    organization = world.legal.organization
    with pytest.raises(PermissionDenied):
        services.organization_update(
            actor=world.clinic_admin,
            organization=organization,
            changes={},
            partner=world.alliance,
        )
    services.organization_update(
        actor=world.clinic_admin, organization=organization, changes={"name": "Clinic"}
    )
    services.organization_update(
        actor=world.coordinator, organization=organization, changes={}, partner=world.alliance
    )
    organization.refresh_from_db()
    assert organization.partner == world.alliance
    assert [e.action for e in AuditEvent.objects.order_by("pk")] == [
        "directory.organization.updated",
        "directory.organization.updated",
        "directory.organization.partner_set",
    ]


# --- Verification ----------------------------------------------------------------------


def test_marking_verified_sets_the_date_and_keeps_a_log(world):
    today = timezone.localdate()
    services.service_verify(
        actor=world.alliance_admin, service=world.shelter, verified_on=today, method="phone"
    )
    world.shelter.refresh_from_db()
    assert world.shelter.assured_date == today
    assert world.shelter.verification_method == "phone"
    services.service_verify(
        actor=world.coordinator,
        service=world.shelter,
        verified_on=today - dt.timedelta(days=3),
        method="email",
    )
    world.shelter.refresh_from_db()
    assert world.shelter.assured_date == today  # an older check does not move it back
    assert VerificationLog.objects.filter(service=world.shelter).count() == 2
    assert len(events("directory.service.verified")) == 2


@pytest.mark.parametrize(("days", "method"), [(-1, "phone"), (400, "phone"), (0, "pigeon")])
def test_bad_verifications_are_refused(world, days, method):
    with pytest.raises(ValidationError):
        services.service_verify(
            actor=world.coordinator,
            service=world.shelter,
            verified_on=timezone.localdate() - dt.timedelta(days=days),
            method=method,
        )
    assert not VerificationLog.objects.exists()


# --- Capacity ---------------------------------------------------------------------------


def test_beds_available_are_updated_by_any_member_of_the_provider(world):
    capacity = services.service_capacity_update(
        actor=world.alliance_advocate, service=world.shelter, available=3
    )
    assert capacity.unit is not None and capacity.unit.name == "bed"
    assert capacity.available == Decimal(3)
    capacity.maximum = Decimal(10)
    capacity.save()
    services.service_capacity_update(
        actor=world.alliance_advocate, service=world.shelter, available=0
    )
    assert world.shelter.capacities.get().available == 0
    with pytest.raises(ValidationError):
        services.service_capacity_update(
            actor=world.coordinator, service=world.shelter, available=11
        )
    with pytest.raises(ValidationError):
        services.service_capacity_update(
            actor=world.coordinator, service=world.shelter, available=-1
        )
    with pytest.raises(PermissionDenied):
        services.service_capacity_update(
            actor=world.clinic_admin, service=world.shelter, available=1
        )
    assert world.shelter.capacities.get().available == 0
    assert len(events("directory.capacity.updated")) == 2


# --- Reports from the public --------------------------------------------------------


def test_a_report_is_queued_with_nothing_about_who_sent_it(world):
    report = services.problem_report_submit(
        service=world.shelter, kind="phone", details="  The number changed to 661-555-0000.  "
    )
    assert report.status == ReportStatus.PENDING
    assert report.details == "The number changed to 661-555-0000."
    [event] = events("directory.report.received")
    assert event.actor_id is None and event.target_id == str(report.pk)


def test_reports_are_limited_per_listing_and_overall(world, monkeypatch):
    for _ in range(services.REPORTS_PER_LISTING_PER_HOUR):
        services.problem_report_submit(service=world.shelter, kind="hours", details="")
    with pytest.raises(services.ReportLimitReached):
        services.problem_report_submit(service=world.shelter, kind="hours", details="")
    # Another listing is not blocked by the first one's limit...
    services.problem_report_submit(service=world.legal, kind="hours", details="")
    # ...until the overall hourly limit is reached (by the six reports received).
    monkeypatch.setattr(services, "REPORTS_PER_HOUR", 6)
    with pytest.raises(services.ReportLimitReached):
        services.problem_report_submit(service=world.orphan, kind="hours", details="")
    assert ProblemReport.objects.count() == 6


@pytest.mark.django_db(transaction=True)
def test_reports_sent_at_the_same_instant_do_not_pass_a_limit_together(world, monkeypatch):
    """Each report counts the last hour's, then adds itself: two counting before either
    is added would both pass. Every report here waits between the two steps, so all
    of them would count the same four without taking turns."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's IMMEDIATE transactions let one writer in at a time")
    for _ in range(services.REPORTS_PER_LISTING_PER_HOUR - 1):
        services.problem_report_submit(service=world.shelter, kind="hours", details="")
    create = ProblemReport.objects.create

    def slow_create(**fields):
        time.sleep(0.3)
        return create(**fields)

    monkeypatch.setattr(ProblemReport.objects, "create", slow_create)
    senders = 4
    start = threading.Barrier(senders)
    outcomes: list[str] = []

    def send() -> None:
        try:
            start.wait()
            services.problem_report_submit(service=world.shelter, kind="hours", details="")
            outcomes.append("sent")
        except services.ReportLimitReached:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused"] * (senders - 1) + ["sent"]
    assert ProblemReport.objects.count() == services.REPORTS_PER_LISTING_PER_HOUR


def test_report_limits_hold_whatever_the_cache_forgets(world, monkeypatch):
    # Django's database cache culls entries once it holds 300: reports spread over many
    # listings (one cache entry each) pushed the overall count out, and it restarted from
    # zero (1,103 reports taken in one hour under a limit of 300). Redis evicts as well.
    for _ in range(services.REPORTS_PER_LISTING_PER_HOUR):
        services.problem_report_submit(service=world.shelter, kind="hours", details="")
    cache.clear()
    with pytest.raises(services.ReportLimitReached):
        services.problem_report_submit(service=world.shelter, kind="hours", details="")
    monkeypatch.setattr(services, "REPORTS_PER_HOUR", 6)
    services.problem_report_submit(service=world.legal, kind="hours", details="")
    cache.clear()
    with pytest.raises(services.ReportLimitReached):
        services.problem_report_submit(service=world.orphan, kind="hours", details="")
    # The limits are for the last hour.
    ProblemReport.objects.update(created_at=timezone.now() - dt.timedelta(minutes=61))
    services.problem_report_submit(service=world.shelter, kind="hours", details="")
    assert ProblemReport.objects.count() == 7


def test_reports_are_reviewed_once_by_someone_allowed(world):
    report = services.problem_report_submit(service=world.shelter, kind="closed", details="")
    with pytest.raises(PermissionDenied):
        services.problem_report_decide(actor=world.clinic_admin, report=report, accept=True)
    services.problem_report_decide(actor=world.alliance_admin, report=report, accept=True)
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    assert report.moderated_by == world.alliance_admin and report.moderated_at is not None
    with pytest.raises(ValidationError):
        services.problem_report_decide(actor=world.coordinator, report=report, accept=False)
    assert [e.action for e in AuditEvent.objects.order_by("pk")] == [
        "directory.report.received",
        "directory.report.accepted",
    ]


def test_reviewed_reports_are_purged_after_the_retention_period(world):
    old = services.problem_report_submit(service=world.shelter, kind="other", details="old")
    recent = services.problem_report_submit(service=world.shelter, kind="other", details="new")
    pending = services.problem_report_submit(service=world.shelter, kind="other", details="wait")
    for report in (old, recent):
        services.problem_report_decide(actor=world.coordinator, report=report, accept=False)
    ProblemReport.objects.filter(pk=old.pk).update(
        moderated_at=timezone.now() - dt.timedelta(days=91)
    )
    assert services.problem_reports_purge() == 1
    assert set(ProblemReport.objects.values_list("pk", flat=True)) == {recent.pk, pending.pk}


def test_each_purged_report_is_audited(world):
    report = services.problem_report_submit(service=world.shelter, kind="other", details="x")
    services.problem_report_decide(actor=world.coordinator, report=report, accept=False)
    ProblemReport.objects.filter(pk=report.pk).update(
        moderated_at=timezone.now() - dt.timedelta(days=91)
    )
    services.problem_reports_purge()
    [event] = events("directory.report.purged")
    assert (event.actor_id, event.target_type, event.target_id) == (
        None,
        "directory.problem_report",
        str(report.pk),
    )
    assert event.organization_id == world.alliance.pk
