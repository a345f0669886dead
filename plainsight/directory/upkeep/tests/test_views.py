"""Staff upkeep screens and the public "report a problem" form."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from plainsight.accounts.tests.factories import enrol_totp, has_totp
from plainsight.audit.models import AuditEvent
from plainsight.directory import models as m
from plainsight.directory.tests import factories
from plainsight.directory.upkeep import services
from plainsight.directory.upkeep.models import ProblemReport, ReportStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def staff(user) -> Client:
    if not has_totp(user):
        enrol_totp(user)  # staff pages require a second factor
    client = Client()
    client.force_login(user)
    return client


def url(name: str, *args) -> str:
    return reverse(f"directory_staff:{name}", args=args)


def test_the_staff_nav_reaches_the_directory_area(world):
    assert url("home") == "/staff/directory/"
    html = staff(world.coordinator).get("/staff/").content.decode()
    assert 'href="/staff/directory/"' in html


def test_visitors_are_sent_to_log_in_and_people_without_a_role_are_refused(world, client):
    for path in (url("home"), url("services"), url("stale"), url("reports")):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith(reverse("account_login"))
        assert staff(world.nobody).get(path).status_code == 403


def test_each_person_sees_the_listings_they_may_edit(world):
    html = staff(world.alliance_admin).get(url("services")).content.decode()
    assert "Emergency Shelter" in html and "Free Legal Help" not in html
    everything = staff(world.coordinator).get(url("services")).content.decode()
    assert "Free Legal Help" in everything and "Unmaintained Listing" in everything
    assert staff(world.alliance_admin).get(url("service", world.legal.pk)).status_code == 404
    assert staff(world.alliance_admin).get(url("service_edit", world.legal.pk)).status_code == 404
    assert (
        # An advocate has no upkeep role at all: refused before any record is looked up.
        staff(world.alliance_advocate).get(url("service_edit", world.shelter.pk)).status_code == 403
    )


def _edit_form(service, **changes) -> dict[str, str]:
    data = {
        "version": service.updated_at.isoformat(),
        "name": service.name,
        "description": service.description,
        "status": service.status,
        "name_es": "",
        "description_es": "",
        "phones-TOTAL_FORMS": "1",
        "phones-INITIAL_FORMS": "0",
        "phones-0-type": "voice",
        "hours-TOTAL_FORMS": "1",
        "hours-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_an_admin_saves_an_edit(world):
    client = staff(world.alliance_admin)
    page = client.get(url("service_edit", world.shelter.pk))
    assert page.status_code == 200 and 'name="phones-0-number"' in page.content.decode()
    response = client.post(
        url("service_edit", world.shelter.pk),
        _edit_form(
            world.shelter,
            name="Safe Shelter",
            name_es="Refugio seguro",
            **{
                "phones-0-number": "661-555-0123",
                "phones-0-call_outcome": "confidential_support",
                "hours-0-days": ["MO", "WE"],
                "hours-0-opens_at": "20:00",
                "hours-0-closes_at": "08:00",
            },
        ),
    )
    assert response.status_code == 302
    world.shelter.refresh_from_db()
    assert world.shelter.name == "Safe Shelter"
    assert world.shelter.translations["es"]["name"] == "Refugio seguro"
    assert world.shelter.phones.filter(number="661-555-0123").exists()
    assert world.shelter.schedules.get().byday == "MO,WE"
    assert AuditEvent.objects.filter(action="directory.service.updated").count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"minimum_age": "20", "maximum_age": "10"}, "Nothing was saved"),
        ({"name": ""}, "This field is required."),
        ({"hours-0-days": ["MO"]}, "Choose the days and both the opening and the closing time."),
        ({"phones-0-number": "call me"}, "Enter a phone number with its digits."),
        ({"email": "not an email"}, "Enter a valid email address."),
        ({"version": ""}, "This page is out of date."),
    ],
)
def test_bad_input_gets_clear_errors_and_saves_nothing(world, changes, message):
    client = staff(world.coordinator)
    audit_before = AuditEvent.objects.count()
    response = client.post(
        url("service_edit", world.shelter.pk), _edit_form(world.shelter, **changes)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    world.shelter.refresh_from_db()
    assert world.shelter.name == "Emergency Shelter"
    assert AuditEvent.objects.count() == audit_before


def _as_shown(page, *formsets: str) -> dict[str, Any]:
    """What an edit page's forms send back when nobody changes anything in them."""
    data: dict[str, Any] = {}
    forms_shown = [page.context["form"]]
    for name in formsets:
        forms_shown += [page.context[name].management_form, *page.context[name]]
    for form in forms_shown:
        for bound in form:
            value = bound.value()
            if isinstance(bound.field, forms.BooleanField):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(value, list):
                data[bound.html_name] = [str(item) for item in value]
            elif isinstance(value, dt.time):
                data[bound.html_name] = f"{value:%H:%M}"
            elif value is not None and value != "":
                data[bound.html_name] = str(value)
    return data


def test_a_save_never_undoes_one_made_after_the_form_was_opened(world):
    description = world.shelter.description
    first, second = staff(world.alliance_admin), staff(world.coordinator)
    path = url("service_edit", world.shelter.pk)
    first_form = _as_shown(first.get(path), "phones", "schedules")
    second_form = _as_shown(second.get(path), "phones", "schedules")
    assert first.post(path, {**first_form, "name": "Safe Shelter"}).status_code == 302
    response = second.post(path, {**second_form, "description": "Beds for women."})
    assert response.status_code == 400
    assert "Someone else saved this listing after you opened it." in response.content.decode()
    world.shelter.refresh_from_db()
    assert (world.shelter.name, world.shelter.description) == ("Safe Shelter", description)
    assert AuditEvent.objects.filter(action="directory.service.updated").count() == 1
    # Opened again, the page shows the first save; the second change is then saved with it.
    again = _as_shown(second.get(path), "phones", "schedules")
    assert second.post(path, {**again, "description": "Beds for women."}).status_code == 302
    world.shelter.refresh_from_db()
    assert (world.shelter.name, world.shelter.description) == ("Safe Shelter", "Beds for women.")


def _hours_of_shelter(world, **fields) -> m.Schedule:
    values: dict[str, Any] = {
        "freq": "WEEKLY",
        "byday": "MO,TU",
        "opens_at": dt.time(9),
        "closes_at": dt.time(17),
        "valid_from": dt.date(2026, 1, 1),
        "valid_to": dt.date(2026, 12, 31),
        "description": "Walk in",
        "iana_timezone": "America/Los_Angeles",
    }
    values.update(fields)
    return m.Schedule.objects.create(service=world.shelter, **values)


@pytest.mark.parametrize("time_zone", ["", "America/Los_Angeles"])
def test_an_hours_row_emptied_without_ticking_remove_is_removed(world, time_zone):
    """Clearing a row is how people remove it; the time zone left chosen does not keep it
    (it only qualifies times that are no longer there)."""
    hours = _hours_of_shelter(world)
    client = staff(world.alliance_admin)
    path = url("service_edit", world.shelter.pk)
    shown = _as_shown(client.get(path), "phones", "schedules")
    assert shown["hours-0-id"] == str(hours.pk) and "hours-1-id" not in shown  # + a blank row
    emptied = {k: v for k, v in shown.items() if not k.startswith("hours-0-")}
    emptied.update({"hours-0-id": str(hours.pk), "hours-0-iana_timezone": time_zone})
    assert client.post(path, emptied).status_code == 302
    assert not world.shelter.schedules.exists()  # and the blank row added none
    removed = AuditEvent.objects.get(action="directory.schedule_deleted")
    assert removed.target_id == str(hours.pk)


@pytest.mark.parametrize(
    "cleared",
    [
        ("hours-0-days",),
        ("hours-0-closes_at",),
        ("hours-0-days", "hours-0-opens_at", "hours-0-valid_from", "hours-0-valid_to"),
    ],
)
def test_an_hours_row_partly_emptied_is_refused_not_removed(world, cleared):
    hours = _hours_of_shelter(world)
    client = staff(world.alliance_admin)
    path = url("service_edit", world.shelter.pk)
    shown = _as_shown(client.get(path), "phones", "schedules")
    response = client.post(path, {k: v for k, v in shown.items() if k not in cleared})
    assert response.status_code == 400
    assert "Choose the days and both the opening and the closing time." in (
        response.content.decode()
    )
    assert world.shelter.schedules.get() == hours
    assert not AuditEvent.objects.filter(action="directory.schedule_deleted").exists()


@pytest.mark.parametrize("time_zone", ["America/Los_Angeles", ""])
def test_an_hours_row_shown_empty_is_kept(world, time_zone):
    """A row whose content the form cannot show (here a link to a calendar) looks empty;
    only a row someone emptied is removed (a time zone changed empties nothing)."""
    hours = _hours_of_shelter(
        world,
        byday="",
        opens_at=None,
        closes_at=None,
        valid_from=None,
        valid_to=None,
        description="",
        schedule_link="https://example.org/calendar",
    )
    client = staff(world.alliance_admin)
    path = url("service_edit", world.shelter.pk)
    shown = _as_shown(client.get(path), "phones", "schedules")
    assert shown["hours-0-id"] == str(hours.pk)
    assert shown["hours-0-iana_timezone"] == "America/Los_Angeles"
    assert client.post(path, {**shown, "hours-0-iana_timezone": time_zone}).status_code == 302
    assert world.shelter.schedules.get().schedule_link == "https://example.org/calendar"
    assert not AuditEvent.objects.filter(action="directory.schedule_deleted").exists()


# Rows the form cannot show as they are (HSDS imports bring them): each is read-only on
# the page, and saving the page leaves it as it was.
ROWS_THE_FORM_CANNOT_SHOW = {
    "first Monday": {
        "freq": "MONTHLY",
        "byday": "1MO",
        "wkst": "SU",
        "timezone": -8.0,
        "schedule_link": "https://example.org/calendar",
        "attending_type": "in person",
        "notes": "Bring an ID if you have one.",
    },
    "days of the month, no times": {
        "freq": "MONTHLY",
        "byday": "",
        "bymonthday": "1,15",
        "opens_at": None,
        "closes_at": None,
    },
    "every other week": {"byday": "MO,WE", "interval": 2, "dtstart": dt.date(2026, 1, 5)},
    "a number of times": {"count": 10},
    "until a date": {"until": dt.date(2026, 6, 30)},
    "weeks of the year": {"byweekno": "1,2"},
    "days of the year": {"byyearday": "100"},
    "every day": {"byday": ""},
    "days without times": {"opens_at": None, "closes_at": None},
    "seconds": {"opens_at": dt.time(9, 0, 30)},
    "another time zone": {"iana_timezone": "America/Boise"},
    "a long note": {"description": ("Walk in. " * 40).strip()},
    "a note on two lines": {"description": "Walk in.\nNo appointment needed."},
}


def _columns(schedule: m.Schedule) -> dict[str, Any]:
    return dict(m.Schedule.objects.filter(pk=schedule.pk).values().get())


@pytest.mark.parametrize(
    "fields", ROWS_THE_FORM_CANNOT_SHOW.values(), ids=list(ROWS_THE_FORM_CANNOT_SHOW)
)
def test_an_hours_row_the_form_cannot_show_survives_an_unchanged_save(world, fields):
    hours = _hours_of_shelter(world, **fields)
    before = _columns(hours)
    client = staff(world.alliance_admin)
    path = url("service_edit", world.shelter.pk)
    page = client.get(path)
    shown = _as_shown(page, "phones", "schedules")
    response = client.post(path, {**shown, "name": "Safe Shelter"})
    assert response.status_code == 302
    world.shelter.refresh_from_db()
    assert world.shelter.name == "Safe Shelter"
    assert _columns(hours) == before  # every column, updated_at too: not even re-saved
    assert not AuditEvent.objects.filter(action="directory.schedule_deleted").exists()
    assert 'name="hours-0-days"' not in page.content.decode()  # shown, not editable


def test_a_monthly_row_with_days_of_the_month_stays_monthly(world):
    hours = _hours_of_shelter(
        world, freq="MONTHLY", byday="", bymonthday="1,15", opens_at=None, closes_at=None
    )
    client = staff(world.alliance_admin)
    path = url("service_edit", world.shelter.pk)
    assert client.post(path, _as_shown(client.get(path), "phones", "schedules")).status_code == 302
    hours.refresh_from_db()
    assert (hours.freq, hours.bymonthday, hours.byday) == ("MONTHLY", "1,15", "")


def test_a_first_monday_row_is_described_not_emptied(world):
    _hours_of_shelter(world, freq="MONTHLY", byday="1MO")
    client = staff(world.alliance_admin)
    html = client.get(url("service_edit", world.shelter.pk)).content.decode()
    assert escape("First Monday of the month: 9 a.m. to 5 p.m.") in html
    assert "Walk in" in html  # its note
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    html = client.get(url("service_edit", world.shelter.pk)).content.decode()
    assert escape("Primer Lunes del mes: de 09:00 a 17:00") in html


@pytest.mark.parametrize(
    "fields", ROWS_THE_FORM_CANNOT_SHOW.values(), ids=list(ROWS_THE_FORM_CANNOT_SHOW)
)
def test_an_hours_row_the_form_cannot_show_can_be_removed(world, fields):
    hours = _hours_of_shelter(world, **fields)
    kept = _hours_of_shelter(world)
    client = staff(world.alliance_admin)
    path = url("service_edit", world.shelter.pk)
    shown = _as_shown(client.get(path), "phones", "schedules")
    index = next(k for k, v in shown.items() if v == str(hours.pk)).split("-")[1]
    assert client.post(path, {**shown, f"hours-{index}-DELETE": "on"}).status_code == 302
    assert list(world.shelter.schedules.all()) == [kept]
    removed = AuditEvent.objects.get(action="directory.schedule_deleted")
    assert removed.target_id == str(hours.pk)
    assert removed.actor_id == world.alliance_admin.pk


def test_a_page_that_would_write_over_a_read_only_row_saves_nothing(world):
    """Rows and forms are paired by their order on the page; were a weekly row's fields
    sent for a first-Monday row (a page out of step, a forged request), nothing is saved."""
    monthly = _hours_of_shelter(world, freq="MONTHLY", byday="1MO")
    weekly = _hours_of_shelter(world)
    before = {row.pk: _columns(row) for row in (monthly, weekly)}
    client = staff(world.alliance_admin)
    path = url("service_edit", world.shelter.pk)
    shown = _as_shown(client.get(path), "phones", "schedules")
    swap = {str(monthly.pk): str(weekly.pk), str(weekly.pk): str(monthly.pk)}
    swapped = {k: swap.get(v, v) if isinstance(v, str) else v for k, v in shown.items()}
    response = client.post(path, {**swapped, "name": "Safe Shelter"})
    assert response.status_code == 400
    assert "Some hours on this page can only be deleted, not changed." in response.content.decode()
    assert {row.pk: _columns(row) for row in (monthly, weekly)} == before
    world.shelter.refresh_from_db()
    assert world.shelter.name == "Emergency Shelter"


def test_a_weekly_row_edits_as_before_and_keeps_what_the_form_does_not_show(world):
    hours = _hours_of_shelter(
        world,
        freq="",  # weekly, as HSDS reads it
        schedule_link="https://example.org/calendar",
        attending_type="in person",
        notes="Bring an ID if you have one.",
        timezone=-8.0,
    )
    before = _columns(hours)
    client = staff(world.alliance_admin)
    path = url("service_edit", world.shelter.pk)
    shown = _as_shown(client.get(path), "phones", "schedules")
    assert shown["hours-0-days"] == ["MO", "TU"] and shown["hours-0-opens_at"] == "09:00"
    # Unchanged, the row is not even saved again.
    assert client.post(path, shown).status_code == 302
    assert _columns(hours) == before
    shown = _as_shown(client.get(path), "phones", "schedules")
    changed = {"hours-0-days": ["TU", "FR"], "hours-0-opens_at": "10:00", "hours-0-description": ""}
    assert client.post(path, {**shown, **changed}).status_code == 302
    after = _columns(hours)
    assert (after["byday"], after["opens_at"], after["description"]) == ("TU,FR", dt.time(10), "")
    unchanged = {
        k: v
        for k, v in after.items()
        if k not in {"byday", "opens_at", "description", "updated_at"}
    }
    assert unchanged == {k: before[k] for k in unchanged}


def test_new_hours_are_weekly(world):
    client = staff(world.alliance_admin)
    path = url("service_edit", world.shelter.pk)
    shown = _as_shown(client.get(path), "phones", "schedules")
    added = {"hours-0-days": ["SA"], "hours-0-opens_at": "10:00", "hours-0-closes_at": "14:00"}
    assert client.post(path, {**shown, **added}).status_code == 302
    hours = world.shelter.schedules.get()
    assert (hours.freq, hours.byday, hours.opens_at) == ("WEEKLY", "SA", dt.time(10))


def test_new_hours_that_are_only_a_note_are_kept(world):
    """Hours that are only "by appointment" are hours too (HSDS allows a schedule that is only a
    description): a new row with a note and no days was dropped without a word."""
    client = staff(world.alliance_admin)
    path = url("service_edit", world.shelter.pk)
    shown = _as_shown(client.get(path), "phones", "schedules")
    added = {"hours-0-description": "By appointment only", "hours-0-valid_from": "2027-01-04"}
    assert client.post(path, {**shown, **added}).status_code == 302
    hours = world.shelter.schedules.get()
    assert (hours.description, hours.valid_from, hours.byday) == (
        "By appointment only",
        dt.date(2027, 1, 4),
        "",
    )


@pytest.mark.parametrize("kind", ["place", "organization"])
def test_a_save_of_a_place_or_organization_never_undoes_a_later_one(world, kind):
    record: m.Location | m.Organization
    if kind == "place":
        record, path = world.shelter_location, url("location_edit", world.shelter_location.pk)
    else:
        record = world.shelter.organization
        path = url("organization_edit", record.pk)
    description = record.description
    first, second = staff(world.alliance_admin), staff(world.coordinator)
    first_form, second_form = _as_shown(first.get(path)), _as_shown(second.get(path))
    assert first.post(path, {**first_form, "name": "Renamed"}).status_code == 302
    response = second.post(path, {**second_form, "description": "Changed as well."})
    assert response.status_code == 400
    assert f"Someone else saved this {kind} after you opened it." in response.content.decode()
    record.refresh_from_db()
    assert (record.name, record.description) == ("Renamed", description)


def test_the_staleness_queue_and_marking_verified(world, settings):
    settings.DIRECTORY_STALE_AFTER_DAYS = 30
    world.legal.assured_date = timezone.localdate() - dt.timedelta(days=10)
    world.legal.save()
    client = staff(world.coordinator)
    html = client.get(url("stale")).content.decode()
    assert "Emergency Shelter" in html and "Free Legal Help" not in html
    response = client.post(
        url("service_verify", world.shelter.pk),
        {"method": "phone", "verified_on": timezone.localdate().isoformat(), "next": "stale"},
    )
    assert response.status_code == 302 and response.headers["Location"] == url("stale")
    assert "Emergency Shelter" not in client.get(url("stale")).content.decode()
    future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    refused = client.post(
        url("service_verify", world.legal.pk), {"method": "phone", "verified_on": future}
    )
    assert refused.status_code == 400
    assert "The date cannot be in the future." in refused.content.decode()


def test_capacity_is_one_field_with_or_without_javascript(world):
    client = staff(world.alliance_advocate)
    page = client.get(url("service", world.shelter.pk)).content.decode()
    assert 'hx-post="' + url("capacity", world.shelter.pk) + '"' in page
    assert "Edit listing" not in page  # an advocate updates beds, not the listing
    fragment = client.post(
        url("capacity", world.shelter.pk), {"available": "4"}, HTTP_HX_REQUEST="true"
    )
    assert fragment.status_code == 200
    assert "Saved." in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
    plain = client.post(url("capacity", world.shelter.pk), {"available": "2"})
    assert plain.status_code == 302
    assert world.shelter.capacities.get().available == 2
    bad = client.post(
        url("capacity", world.shelter.pk), {"available": "-5"}, HTTP_HX_REQUEST="true"
    )
    assert "greater than or equal to 0" in bad.content.decode()
    assert world.shelter.capacities.get().available == 2
    assert (
        staff(world.clinic_admin)
        .post(url("capacity", world.shelter.pk), {"available": "1"})
        .status_code
        == 404
    )


def test_the_capacity_screen_names_the_unit_in_the_staff_language(world):
    client = staff(world.alliance_advocate)
    fragment = client.post(
        url("capacity", world.shelter.pk), {"available": "1"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Now: 1 bed, updated" in fragment  # no maximum is known: none is shown
    capacity = world.shelter.capacities.get()
    capacity.maximum = 34
    capacity.save()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    page = client.get(url("service", world.shelter.pk)).content.decode()
    assert "Ahora: 1 cama de 34; actualizado el" in page
    client.post(url("capacity", world.shelter.pk), {"available": "3"})
    page = client.get(url("service", world.shelter.pk)).content.decode()
    assert "Ahora: 3 camas de 34; actualizado el" in page
    assert not re.search(r"\bbeds?\b", page, re.IGNORECASE)  # not "bed" inside an id


def test_only_coordinators_see_the_partner_choice(world):
    organization = world.shelter.organization
    admin_page = staff(world.alliance_admin).get(url("organization_edit", organization.pk))
    assert admin_page.status_code == 200 and 'name="partner"' not in admin_page.content.decode()
    coordinator_page = staff(world.coordinator).get(url("organization_edit", organization.pk))
    assert 'name="partner"' in coordinator_page.content.decode()


def test_a_location_edit_requires_a_note_for_a_confidential_place(world):
    client = staff(world.alliance_admin)
    data = {
        "version": world.shelter_location.updated_at.isoformat(),
        "name": "Safe house",
        "iana_timezone": "America/Los_Angeles",
        "confidential": "on",
        "address_1": "1 Main St",
        "city": "Bakersfield",
        "state_province": "CA",
        "postal_code": "93301",
    }
    response = client.post(url("location_edit", world.shelter_location.pk), data)
    assert response.status_code == 400
    assert "Say how people reach a confidential place" in response.content.decode()
    data["confidential_access_note"] = "Call the hotline."
    assert client.post(url("location_edit", world.shelter_location.pk), data).status_code == 302
    world.shelter_location.refresh_from_db()
    assert world.shelter_location.confidential


def test_a_places_street_address_can_be_removed(world):
    client = staff(world.alliance_admin)
    path = url("location_edit", world.shelter_location.pk)
    street = ("address_1", "address_2", "city", "state_province", "postal_code")
    data = {k: v for k, v in _as_shown(client.get(path)).items() if k not in street}
    assert client.post(path, data).status_code == 302
    assert not world.shelter_location.addresses.exists()
    assert 'name="address_1" value' not in client.get(path).content.decode()


def test_a_listing_links_only_the_places_the_reader_may_edit(world):
    """The rule of the place edit page decides the links: no link that answers 404."""
    shared = factories.LocationFactory.create(organization=None, name="Shared clinic")
    elsewhere = factories.LocationFactory.create(
        organization=world.legal.organization, name="Clinic office"
    )
    for place in (shared, elsewhere):
        factories.ServiceAtLocationFactory.create(service=world.shelter, location=place)
    own, others = world.shelter_location, (shared, elsewhere)

    admin = staff(world.alliance_admin)
    page = admin.get(url("service", world.shelter.pk)).content.decode()
    assert f'href="{url("location_edit", own.pk)}"' in page and "Edit Safe house" in page
    assert admin.get(url("location_edit", own.pk)).status_code == 200
    for place in others:
        assert url("location_edit", place.pk) not in page and f"Edit {place.name}" not in page
        assert admin.get(url("location_edit", place.pk)).status_code == 404
        assert admin.post(url("location_edit", place.pk), {"name": "Taken"}).status_code == 404
        place.refresh_from_db()
        assert place.name != "Taken"

    coordinator = staff(world.coordinator)
    page = coordinator.get(url("service", world.shelter.pk)).content.decode()
    for place in (own, *others):
        assert f'href="{url("location_edit", place.pk)}"' in page
        assert coordinator.get(url("location_edit", place.pk)).status_code == 200

    # An advocate updates beds only: no place is linked for editing.
    page = staff(world.alliance_advocate).get(url("service", world.shelter.pk)).content.decode()
    assert "/locations/" not in page


# --- The public form ------------------------------------------------------------------


def report_url(service) -> str:
    return reverse("directory_report:report", args=[service.pk])


def test_anyone_can_report_a_problem_and_staff_review_it(world, client):
    page = client.get(report_url(world.shelter))
    assert page.status_code == 200 and "Report a problem with this listing" in page.content.decode()
    response = client.post(
        report_url(world.shelter),
        {"kind": "phone", "details": "The number is disconnected."},
        REMOTE_ADDR="203.0.113.77",
        HTTP_USER_AGENT="CanaryBrowser/1.0",
    )
    assert response.status_code == 303
    assert response.headers["Location"] == reverse(
        "directory_report:thanks", args=[world.shelter.pk]
    )
    report = ProblemReport.objects.get()
    stored = " ".join(str(getattr(report, f.attname)) for f in ProblemReport._meta.concrete_fields)
    assert "203.0.113.77" not in stored and "Canary" not in stored
    queue = staff(world.alliance_admin).get(url("reports")).content.decode()
    assert "The number is disconnected." in queue
    assert (
        "The number is disconnected."
        not in staff(world.clinic_admin).get(url("reports")).content.decode()
    )
    decided = staff(world.alliance_admin).post(
        url("report_decide", report.pk), {"decision": "reject"}
    )
    assert decided.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.REJECTED
    assert (
        staff(world.clinic_admin)
        .post(url("report_decide", report.pk), {"decision": "accept"})
        .status_code
        == 404
    )


def test_a_report_needs_a_kind_and_short_details(world, client):
    response = client.post(report_url(world.shelter), {"details": "x" * 1001})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This field is required." in html
    assert "Ensure this value has at most 1000 characters" in html
    assert not ProblemReport.objects.exists()


def test_robots_filling_the_hidden_field_are_thanked_and_ignored(world, client):
    response = client.post(report_url(world.shelter), {"kind": "other", "website": "http://spam"})
    assert response.status_code == 303
    assert not ProblemReport.objects.exists()


def test_too_many_reports_get_a_kind_message(world, client):
    for _ in range(services.REPORTS_PER_LISTING_PER_HOUR):
        assert client.post(report_url(world.shelter), {"kind": "hours"}).status_code == 303
    response = client.post(report_url(world.shelter), {"kind": "hours"})
    assert response.status_code == 429
    assert "Please try again later." in response.content.decode()


def test_the_report_form_is_protected_against_forged_requests(world):
    client = Client(enforce_csrf_checks=True)
    assert client.post(report_url(world.shelter), {"kind": "phone"}).status_code == 403
    assert not ProblemReport.objects.exists()


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "Your report was not sent."), ("es", "Su reporte no se envió.")],
)
def test_a_report_refused_by_the_forgery_check_keeps_what_was_written(world, language, message):
    """No cookie (expired or cleared while the person wrote): the form again, in the
    page's language, with quick exit, what they wrote and a fresh token, so that
    sending again works; never Django's technical page, and nothing stored."""
    client = Client(enforce_csrf_checks=True)
    with translation.override(language):
        path = report_url(world.shelter)
    written = "The number rings <b>nowhere</b> & nobody answers."
    response = client.post(path, {"kind": "phone", "details": written})
    assert response.status_code == 403
    html = response.content.decode()
    assert "CSRF" not in html
    assert f'<html lang="{language}">' in html and "data-quick-exit" in html
    assert message in html
    assert escape(written) in html
    assert re.search(r'<input type="radio" name="kind" value="phone"[^>]*checked', html)
    assert not ProblemReport.objects.exists()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token is not None
    again = client.post(
        path, {"kind": "phone", "details": written, "csrfmiddlewaretoken": token.group(1)}
    )
    assert again.status_code == 303
    assert ProblemReport.objects.get().details == written
