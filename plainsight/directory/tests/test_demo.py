"""The demo directory: Kern and national resources, honest labels, idempotent."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from plainsight.directory import demo, models, selectors

pytestmark = pytest.mark.django_db


def test_demo_loads_idempotently():
    demo.load(io.StringIO())
    counts = {m: m.objects.count() for m in (models.Service, models.Phone, models.Schedule)}
    out = io.StringIO()
    demo.load(out)
    assert {m: m.objects.count() for m in counts} == counts
    assert "0 rows created, 0 updated" in out.getvalue()


def test_every_demo_record_says_verify_before_use():
    demo.load(io.StringIO())
    assert not models.Service.objects.filter(demo_data=False).exists()
    assert not models.Organization.objects.filter(demo_data=False).exists()
    assert not models.Service.objects.exclude(alert=demo.DEMO_ALERT).exists()
    for service in models.Service.objects.all():
        assert service.translations["es"]["alert"] == demo.DEMO_ALERT_ES
        assert service.translations["es"]["name"]


def test_every_demo_service_text_a_listing_shows_is_in_spanish_too():
    """Every text of a service that a listing page shows reads in Spanish on the Spanish
    page (the referral instructions were English there)."""
    demo.load(io.StringIO())
    shown = (
        "name",
        "description",
        "alert",
        "application_process",
        "fees_description",
        "eligibility_description",
    )
    for service in models.Service.objects.all():
        spanish = service.translations["es"]
        for field in shown:
            if getattr(service, field):
                assert spanish.get(field), (service.name, field)


def test_every_shelter_says_in_spanish_how_to_get_there():
    demo.load(io.StringIO())
    confidential = models.Location.objects.filter(confidential=True)
    assert confidential.exists()
    for location in confidential:
        spanish = location.translations["es"]["confidential_access_note"]
        assert "refugio" in spanish.lower() and "privada" in spanish


def test_every_phone_says_what_calling_it_does():
    demo.load(io.StringIO())
    assert not models.Phone.objects.filter(call_outcome="").exists()
    cps = models.Phone.objects.get(number="(661) 631-6011")
    assert cps.call_outcome == models.CallOutcome.REPORT_TO_CHILD_WELFARE
    assert "confidential" not in cps.description.lower()
    assert "report" in cps.description.lower()
    hotline = models.Phone.objects.get(number="1-888-373-7888")
    assert hotline.call_outcome == models.CallOutcome.CONFIDENTIAL_SUPPORT
    assert hotline.available_24_7
    hsi = models.Phone.objects.get(number="1-866-347-2423")
    assert hsi.call_outcome == models.CallOutcome.REPORT_TO_LAW_ENFORCEMENT


def test_family_justice_center_hours_and_shelters():
    demo.load(io.StringIO())
    fjc = models.Service.objects.get(name="Family Justice Center: walk-in help")
    (schedule,) = fjc.schedules.all()
    assert (schedule.byday, schedule.opens_at, schedule.closes_at) == (
        "MO,TU,WE,TH,FR",
        dt.time(8, 0),
        dt.time(17, 0),
    )
    assert schedule.iana_timezone == "America/Los_Angeles"
    assert fjc.police_report_required is False
    shelter = models.Service.objects.get(name="Alliance emergency shelter")
    location = shelter.service_at_locations.get().location
    assert location.confidential and location.confidential_access_note
    assert shelter.capacities.get().maximum == 34
    tejon = models.Service.objects.get(name="Tejon community advocacy")
    assert tejon.tribal_eligibility == models.TribalEligibility.OPEN_TO_ALL


def test_categories_exist_in_english_and_spanish():
    demo.load(io.StringIO())
    terms = models.TaxonomyTerm.objects.all()
    assert terms.count() == len(demo.CATEGORIES)
    for term in terms:
        assert term.translations["es"]["name"]
    legal = models.TaxonomyTerm.objects.get(code="legal-help")
    assert {t.code for t in legal.children.all()} == {
        "immigration-legal-help",
        "victim-rights",
        "labor-rights",
    }
    immigration = selectors.filter_services(
        selectors.public_service_queryset(), taxonomy_term_id=legal.pk
    )
    assert immigration.filter(name__icontains="CAST").exists()


@pytest.mark.parametrize(
    ("language", "notice"),
    [
        ("en", "Demo listing: these details are examples. Verify before use."),
        ("es", "Servicio de ejemplo: estos datos son de muestra. Verifíquelos antes de"),
    ],
)
def test_a_demo_listing_says_verify_before_use_once(client, language, notice):
    """The demo's HSDS ``alert`` carries the mark for other systems; the page says it once."""
    from plainsight.directory.search.services import search_index_rebuild

    demo.load(io.StringIO())
    search_index_rebuild()
    hotline = models.Service.objects.get(name__startswith="National Human Trafficking Hotline")
    page = client.get(f"/{language}/find-help/service/{hotline.pk}/").content.decode()
    assert page.count(notice) == 1
    for alert in (demo.DEMO_ALERT, demo.DEMO_ALERT_ES):
        assert alert not in page
    # An alert of its own (not the demo mark) is still shown.
    hotline.alert = "Phones down until noon."
    hotline.translations["es"]["alert"] = "Teléfonos sin servicio hasta el mediodía."
    hotline.save()
    page = client.get(f"/{language}/find-help/service/{hotline.pk}/").content.decode()
    own = "Phones down until noon." if language == "en" else "Teléfonos sin servicio hasta"
    assert own in page and page.count(notice) == 1
