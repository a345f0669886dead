"""The public "Find help" pages: words by POST only, filters, listing, print, size."""

from __future__ import annotations

import datetime as dt
import gzip
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.http import QueryDict
from django.test import Client

from plainsight.directory.search import views
from plainsight.directory.search.tests.fixture_directory import uid

pytestmark = pytest.mark.django_db

FIND_HELP = "/en/find-help/"
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data-url", "hx-get", "hx-post"}
SECRET_ADDRESS = ("1921 Nineteenth Street", "Alliance safe house", "35.371", "119.005", "37123")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.scripts: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in URL_ATTRIBUTES and value:
                self.urls.append(value)
        if tag == "script":
            self.scripts.append(dict(attrs))


def links(html: bytes) -> _Links:
    parser = _Links()
    parser.feed(html.decode())
    return parser


def service_url(key: str, language: str = "en") -> str:
    return f"/{language}/find-help/service/{uid('service', key)}/"


# --- Words never in an address -------------------------------------------------------


def test_find_help_is_in_the_main_navigation(client, kern):
    assert f'href="{FIND_HELP}"' in client.get("/en/").content.decode()


def test_words_go_by_post_and_never_appear_in_any_address(client, kern):
    response = client.post(FIND_HELP, {"q": "sheltr", "near": "93301"})
    assert response.status_code == 200
    assert "Location" not in response.headers
    assert "no-store" in response.headers["Cache-Control"]
    html = response.content.decode()
    assert "Emergency Shelter" in html
    assert "you typed “sheltr”" in html
    for url in links(response.content).urls:
        assert "sheltr" not in url.lower() and "shelter" not in url.lower(), url
    # Browsers must not remember what was typed.
    assert re.search(r'<input[^>]*name="q"[^>]*autocomplete="off"', html)


def test_a_get_with_words_is_sent_to_the_same_filters_without_them(client, kern):
    response = client.get(FIND_HELP + "?q=abogado&near=93301&free=on")
    assert response.status_code == 303
    assert response.headers["Location"] == FIND_HELP + "?near=93301&free=on"
    assert "abogado" not in response.headers["Location"]


def test_filters_alone_get_a_shareable_address(client, kern):
    response = client.post(FIND_HELP, {"q": "", "near": "93301", "free": "on"})
    assert response.status_code == 303
    assert response.headers["Location"] == FIND_HELP + "?near=93301&free=on"
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and "Community Food Pantry" in page.content.decode()


def _every_filter() -> dict[str, str]:
    from plainsight.directory.search.forms import FindHelpForm

    form = FindHelpForm(language="en")

    def first_value(name: str) -> str:
        choices: Any = getattr(form.fields[name], "choices", [])
        return next(str(value) for value, _label in choices if value)

    return {
        "near": "93301",
        "radius": "50",
        "serves_area": "on",
        "category": first_value("category"),
        "language": first_value("language"),
        "age": "17",
        "open_now": "on",
        "free": "on",
        "no_police_report": "on",
        "any_immigration_status": "on",
        "minors_on_their_own": "on",
        "by_phone": "on",
        "online": "on",
        "sort": "distance",
    }


def test_every_filter_travels_in_the_shareable_address_and_the_words_never(client, kern):
    """Filters alone: the answer to the POST (what the page's script also follows and
    shows in the address bar) is an address with every filter, and it gives the same
    page. With words, the page is shown at the form's own address."""
    filters = _every_filter()
    response = client.post(FIND_HELP, {"q": "", **filters})
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith(FIND_HELP + "?")
    assert QueryDict(location.split("?", 1)[1]).dict() == filters
    page = client.get(location)
    assert page.status_code == 200 and 'id="results-heading"' in page.content.decode()

    with_words = client.post(FIND_HELP, {"q": "sheltr", **filters})
    assert with_words.status_code == 200 and "Location" not in with_words.headers
    # The script shows the form's address after a search with words: the plain one (it
    # leaves out the "#results" that opens the answer at its results without JavaScript).
    assert re.search(
        rf'<form method="post" action="{FIND_HELP}#results"', with_words.content.decode()
    )


def _spanish_link(response: Any) -> str:
    match = re.search(r'<a href="([^"]*)" lang="es" hreflang="es">', response.content.decode())
    assert match is not None
    return match.group(1).replace("&amp;", "&")


def test_the_language_link_keeps_the_filters_and_never_the_words(client, kern):
    filters = {"near": "93301", "free": "on"}
    by_filters = client.get(FIND_HELP + "?near=93301&free=on")
    assert _spanish_link(by_filters) == "/es/find-help/?near=93301&free=on"
    with_words = client.post(FIND_HELP, {"q": "abogado", **filters})
    assert 'id="results-heading"' in with_words.content.decode()
    assert _spanish_link(with_words) == "/es/find-help/?near=93301&free=on"
    # Even when the form was sent to an address that carried words.
    odd_address = client.post(FIND_HELP + "?q=abogado&near=93301", {"q": "abogado"})
    assert _spanish_link(odd_address) == "/es/find-help/"
    for url in links(odd_address.content).urls:
        assert "abogado" not in url, url


def test_the_script_keeps_nothing_in_the_history_and_never_an_address_with_words():
    script = _static("js/find-help.js").decode()
    calls = re.findall(r"history\.(?:pushState|replaceState)\(([^,]*),", script)
    assert calls, "the script shows a search by filters at its shareable address"
    assert all(state.strip() == "null" for state in calls), calls
    assert 'searchParams.has("q")' in script
    assert "localStorage" not in script and "sessionStorage" not in script


def test_the_search_form_is_protected_against_forged_requests(kern):
    client = Client(enforce_csrf_checks=True)
    assert client.post(FIND_HELP, {"q": "shelter"}).status_code == 403
    page = client.get(FIND_HELP)
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content)
    assert match is not None
    token = match.group(1)
    ok = client.post(FIND_HELP, {"q": "shelter", "csrfmiddlewaretoken": token.decode()})
    assert ok.status_code == 200


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Your search was not sent."),
        ("es", "Su búsqueda no se envió."),
    ],
)
def test_a_search_refused_by_the_forgery_check_keeps_what_was_typed(kern, language, message):
    """No cookie (expired, cleared or blocked): the search page again, in the page's
    language, with quick exit, the words and filters still in the form and a fresh
    token, so that pressing Search again works; never Django's technical page."""
    client = Client(enforce_csrf_checks=True)
    url = f"/{language}/find-help/"
    response = client.post(url, {"q": "abogado gratis", "near": "93301", "free": "on"})
    assert response.status_code == 403
    assert "no-store" in response.headers["Cache-Control"]
    html = response.content.decode()
    assert "CSRF" not in html
    assert f'<html lang="{language}">' in html and "data-quick-exit" in html
    assert message in html
    assert re.search(r'<input type="search" name="q" value="abogado gratis"', html)
    assert re.search(r'<input type="text" name="near" value="93301"', html)
    assert re.search(r'<input type="checkbox" name="free"[^>]*checked', html)
    for link in links(response.content).urls:
        assert "abogado" not in link, link
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token is not None
    again = client.post(
        url,
        {"q": "abogado", "near": "93301", "free": "on", "csrfmiddlewaretoken": token.group(1)},
    )
    assert again.status_code == 200 and 'id="results-heading"' in again.content.decode()


def test_the_next_page_is_another_post_carrying_the_words_in_the_form(client, kern, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    first = client.post(FIND_HELP, {"q": "abogado"})
    html = first.content.decode()
    assert "Page 1 of" in html
    assert re.search(r'<input type="hidden" name="q" value="abogado">', html)
    assert re.search(r'<button type="submit" name="page" value="2"', html)
    for url in links(first.content).urls:
        assert "abogado" not in url
    second = client.post(FIND_HELP, {"q": "abogado", "page": "2"})
    assert "Page 2 of" in second.content.decode()
    names = lambda r: re.findall(r'<h3><a href="[^"]+">([^<]+)</a>', r.content.decode())  # noqa: E731
    assert names(first) and not set(names(first)) & set(names(second))


def test_what_was_typed_is_kept_nowhere(client, kern, monkeypatch):
    """The words of a search reach no table, cache entry or log record (a made-up
    word, a typing mistake, a second page, and a GET that is sent on without them)."""
    from plainsight.testing.trace import LogCapture, cache_entries, database_rows

    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    made_up = "zorblaxquint"
    with LogCapture() as logs:
        client.post(FIND_HELP, {"q": f"sheltr {made_up}", "near": "93301"})
        client.post(FIND_HELP, {"q": f"abogado {made_up}", "page": "2"})
        client.get(FIND_HELP + f"?q={made_up}&near=93301")
        client.post("/es/find-help/", {"q": f"refugio {made_up}"})
        # As the page's script sends it: words with every filter, redirects followed.
        client.post(FIND_HELP, {"q": f"abogado {made_up}", **_every_filter()}, follow=True)
    haystack: list[tuple[str, bytes]] = [*database_rows(), *cache_entries()]
    haystack += [(where, text.encode()) for where, text in logs.parts()]
    for where, blob in haystack:
        assert made_up.encode() not in blob.lower(), f"the words were kept in {where}"
    # The check can see: what the page showed would be found.
    assert made_up in client.post(FIND_HELP, {"q": made_up}).content.decode()


def test_filter_pages_are_links(client, kern, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 5)
    html = client.get(FIND_HELP + "?near=93301&radius=any").content.decode()
    assert 'href="/en/find-help/?near=93301&amp;radius=any&amp;page=2#results"' in html


def test_words_that_mean_a_filter_tick_it(client, kern):
    html = client.post(FIND_HELP, {"q": "no police", "near": "93301"}).content.decode()
    assert re.search(r'<input type="checkbox" name="no_police_report"[^>]*checked', html)
    assert "We also applied these filters: No police report needed" in html


# --- Bad input ---------------------------------------------------------------------


def test_an_unknown_place_gets_a_clear_message(client, kern):
    html = client.post(FIND_HELP, {"q": "food", "near": "Atlantis"}).content.decode()
    assert "We could not find this place." in html
    assert "services found" not in html


@pytest.mark.parametrize(
    ("language", "message", "county_message"),
    [
        (
            "en",
            "More than one place is called Greenfield. Enter its ZIP code, or its name and "
            "county as one of these: Greenfield, Monterey County; Greenfield, Kern County.",
            "More than one place is called Lake. Enter its ZIP code.",
        ),
        (
            "es",
            "Hay más de un lugar llamado Greenfield. Escriba su código postal, o su nombre y "
            "condado como uno de estos: Greenfield, Condado de Monterey; Greenfield, Condado "
            "de Kern.",
            "Hay más de un lugar llamado Lake. Escriba su código postal.",
        ),
    ],
)
def test_a_name_two_places_share_asks_which_one(
    client, kern, california_places, language, message, county_message
):
    url = f"/{language}/find-help/"
    html = client.post(url, {"q": "food", "near": "Greenfield"}).content.decode()
    assert message in html
    assert 'id="results-heading"' not in html
    html = client.post(url, {"q": "food", "near": "Lake County"}).content.decode()
    assert county_message in html
    chosen = client.post(url, {"q": "food", "near": "Greenfield, Condado de Kern"})
    assert 'id="results-heading"' in chosen.content.decode()


@pytest.mark.parametrize("near", ["shelter 93301", "abogado, CA 93301"])
def test_words_typed_with_a_zip_code_are_not_taken_for_a_place(client, kern, near):
    """Only a city or state may come before a ZIP code ("Bakersfield, CA 93301"): other
    words are not a place, and must not travel to the filters' address."""
    response = client.post(FIND_HELP, {"q": "", "near": near})
    assert response.status_code == 200 and "Location" not in response.headers
    assert "We could not find this place." in response.content.decode()


def test_serves_my_area_needs_a_place(client, kern):
    html = client.post(FIND_HELP, {"q": "food", "serves_area": "on"}).content.decode()
    assert "Enter your ZIP code or city to see the services that serve your area." in html


@pytest.mark.parametrize(
    "data",
    [
        {"q": "x" * 500},
        {"q": "food", "age": "-3"},
        {"q": "food", "radius": "7"},
        {"q": "food", "category": "not-a-category"},
        {"q": "food", "page": "0"},
        {"q": "'; DROP TABLE directory_service; --"},
        {"q": "\x00\x01"},
    ],
)
def test_odd_input_never_breaks_the_page(client, kern, data):
    assert client.post(FIND_HELP, data).status_code == 200


@pytest.mark.parametrize("page", ["abc", "0", "-1", "51", "99999999999999999999", "1e3"])
def test_a_page_number_that_is_not_a_page_shows_results_not_a_blank_page(client, kern, page):
    """The page number is set by the pager, never typed: a tampered or stale one shows
    results (the first page, or the last one there can be), not an empty page with an
    error attached to a hidden field nobody can see or correct."""
    for response in (
        client.get(FIND_HELP + f"?near=93301&page={page}"),
        client.post(FIND_HELP, {"q": "food", "page": page}),
    ):
        assert response.status_code == 200
        html = response.content.decode()
        assert 'id="results-heading"' in html, (response.request["REQUEST_METHOD"], page)
        assert 'class="result"' in html


# --- Size, speed, no JavaScript needed ------------------------------------------------


def _static(path: str) -> bytes:
    return (Path(settings.BASE_DIR) / "plainsight" / "static" / path).read_bytes()


def test_a_full_results_page_is_under_40_kb_compressed_with_its_css(client, kern):
    response = client.get(FIND_HELP + "?near=93301&radius=any")
    html = response.content
    assert html.count(b'class="result"') == 20
    total = sum(
        len(gzip.compress(body, 6))
        for body in (html, _static("css/public.css"), _static("css/find-help.css"))
    )
    assert total <= 40 * 1024, total
    # Scripts are optional enhancements: external, deferred, nothing inline.
    for script in links(html).scripts:
        assert script.get("src") and "defer" in script


def test_a_search_makes_few_queries(client, kern, django_assert_max_num_queries):
    """Vocabulary, menus, one query per ring of distance read (at most 7 within 25
    miles) and the opening hours of the page: never one query per result."""
    client.get(FIND_HELP)
    with django_assert_max_num_queries(14):
        assert (
            client.post(FIND_HELP, {"q": "abogado", "near": "93301", "free": "on"}).status_code
            == 200
        )


# --- Confidential places --------------------------------------------------------------


def test_a_confidential_place_never_shows_its_address_or_position(client, kern):
    pages = [
        client.post(FIND_HELP, {"q": "shelter", "near": "93301"}),
        client.get(FIND_HELP + "?near=93301&sort=distance"),
        client.get(service_url("alliance_shelter")),
        client.get(service_url("alliance_shelter") + "print/"),
        client.get(service_url("alliance_shelter", "es")),
        client.get(service_url("high_desert")),
    ]
    for response in pages:
        assert response.status_code == 200
        html = response.content.decode()
        for secret in (*SECRET_ADDRESS, "101 Secret Way", "Ridgecrest shelter", "35.6301"):
            assert secret not in html, (response.request["PATH_INFO"], secret)
    listing = client.get(service_url("alliance_shelter")).content.decode()
    assert "Call for location." in listing
    assert "geo:" not in listing
    assert "an advocate will meet you at a safe place" in listing


# --- A listing -------------------------------------------------------------------------


def test_each_phone_says_what_calling_does(client, kern):
    crisis = client.get(service_url("crisis_line")).content.decode()
    assert 'href="tel:+16613271091"' in crisis
    assert "Confidential: you talk with an advocate or counselor" in crisis
    report = client.get(service_url("child_abuse")).content.decode()
    assert "This call makes a report." in report
    assert "Makes a report to child welfare" in report
    hotline = client.get(service_url("nhth")).content.decode()
    assert 'href="tel:+18883737888"' in hotline
    assert 'href="sms:233733"' in hotline


def test_a_listing_shows_hours_place_and_how_to_get_there(client, kern):
    html = client.get(service_url("fjc")).content.decode()
    assert "Monday to Friday: 8 a.m. to 5 p.m." in html
    assert "Times are in Pacific Time." in html
    assert "1600 E Truxtun Ave" in html and "Bakersfield, CA 93301" in html
    assert "GET bus routes 1 and 7" in html
    assert 'href="geo:35.37750,-119.02160"' in html
    assert "Last verified Nov. 2, 2026" in html
    assert "You do not need a police report." in html
    teen = client.get(service_url("teen_shelter")).content.decode()
    assert "Every day: 7 p.m. to 7 a.m. the next day" in teen
    monthly = client.get(service_url("legal_clinic_monthly")).content.decode()
    assert "First Saturday of the month: 9 a.m. to 1 p.m." in monthly


def test_a_listing_never_verified_says_so(client, kern):
    assert "Not verified" in client.get(service_url("tehachapi")).content.decode()
    html = client.post(FIND_HELP, {"q": "family resource center"}).content.decode()
    assert "Not verified" in html


def test_copy_link_print_and_report_a_problem(client, kern):
    html = client.get(service_url("legal_aid")).content.decode()
    assert f'value="http://testserver{service_url("legal_aid")}" readonly' in html
    assert "data-copy=" in html and " hidden>" in html  # the button waits for JavaScript
    assert f'href="{service_url("legal_aid")}print/"' in html
    assert f'href="{service_url("legal_aid")}report/"' in html
    printable = client.get(service_url("legal_aid") + "print/").content.decode()
    assert "css/find-help.css" in printable and "Printed on" in printable
    assert "data-quick-exit" in printable


def test_listings_in_spanish(client, kern):
    html = client.get(service_url("alliance_shelter", "es")).content.decode()
    assert '<html lang="es">' in html
    assert "Refugio de emergencia" in html
    # Languages are named in Spanish, as in the search form's menu.
    assert "Idiomas: Inglés (lo habla el personal), Español (lo habla el personal)" in html
    assert "Spanish" not in html
    mixteco = client.get(service_url("immigration", "es")).content.decode()
    assert "Mixteco (con intérprete)" in mixteco  # unknown to Django: named as the data says
    results = client.post("/es/find-help/", {"q": "comida", "near": "93301"}).content.decode()
    assert "Despensa comunitaria de alimentos" in results


def test_open_now_on_a_listing_follows_the_clock(client, kern):
    tuesday_10am = dt.datetime(2026, 11, 3, 10, tzinfo=ZoneInfo("America/Los_Angeles"))
    with time_machine.travel(tuesday_10am, tick=False):
        assert "Open now" in client.get(service_url("food_pantry")).content.decode()
    with time_machine.travel(tuesday_10am + dt.timedelta(hours=6), tick=False):
        assert "Closed now" in client.get(service_url("food_pantry")).content.decode()


@pytest.mark.parametrize("key", ["closed_program", "no_such_listing"])
def test_missing_or_defunct_listings_are_not_found(client, kern, key):
    assert client.get(service_url(key)).status_code == 404
    assert client.get(service_url(key) + "print/").status_code == 404


# --- Imported rows that link to records nobody holds ---------------------------------


def test_an_imported_listing_whose_links_lead_nowhere_still_shows(client):
    """The HSDS CSV example links rows to records that exist nowhere (kept for the round
    trip); a capacity in a unit we do not hold is not shown, and nothing breaks."""
    from django.utils import timezone

    from plainsight.directory import hsds, importing, models

    report = importing.run_import(
        [(hsds.EXAMPLES_DIR / "csv", "csv")], file_format=models.ImportFormat.CSV
    )
    assert report.ok, [str(p) for p in report.errors]
    service_id = "ac148810-d857-441c-9679-408f346de14b"
    models.ServiceCapacity.objects.create(
        service_id=service_id,
        unresolved_links={"unit_id": "187a37a2-7b40-11ef-9790-dbf7623d4407"},
        available=7,
        updated=timezone.now(),
        description="Rooms in a unit nobody knows",
    )
    for language in ("en", "es"):
        response = client.get(f"/{language}/find-help/service/{service_id}/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "Community Counselling" in html
        assert "187a37a2" not in html and "Beds available" not in html
        assert "Rooms in a unit" not in html
        assert client.get(f"/{language}/find-help/").status_code == 200


def test_beds_available_read_in_the_visitors_language(client, kern):
    english = client.get(service_url("alliance_shelter")).content.decode()
    assert "Available now: 11 beds" in english
    spanish = client.get(service_url("alliance_shelter", "es")).content.decode()
    assert "Disponible ahora: 11 camas" in spanish
    assert not re.search(r"\bbeds?\b", spanish, re.IGNORECASE)  # not "bed" inside an id
    printed = client.get(service_url("alliance_shelter", "es") + "print/").content.decode()
    assert "Disponible ahora: 11 camas" in printed


def test_one_bed_is_singular_and_an_unknown_unit_keeps_its_name(client, kern):
    from plainsight.directory import models as m

    capacity = m.ServiceCapacity.objects.get(service_id=uid("service", "alliance_shelter"))
    capacity.available = 1
    capacity.save()
    assert "Available now: 1 bed <" in client.get(service_url("alliance_shelter")).content.decode()
    assert "Disponible ahora: 1 cama <" in (
        client.get(service_url("alliance_shelter", "es")).content.decode()
    )
    assert capacity.unit_id is not None
    m.Unit.objects.filter(pk=capacity.unit_id).update(name="literas")  # imported, not known
    for language in ("en", "es"):
        html = client.get(service_url("alliance_shelter", language)).content.decode()
        assert "1 literas" in html


def test_a_card_never_offers_to_call_a_number_that_only_takes_texts(client, kern):
    """A listing reached only by text message: its card must not say "Call 233733" with
    a tel: link (the call cannot go through); the listing page offers the text."""
    from plainsight.directory import models as m
    from plainsight.directory.search.services import search_index_services

    service_id = uid("service", "nhth")
    service = m.Service.objects.get(pk=service_id)
    m.Phone.objects.filter(service=service).exclude(type="text").delete()
    m.Phone.objects.filter(organization_id=service.organization_id).delete()
    search_index_services(service_ids=[service_id])
    html = client.post(FIND_HELP, {"q": "trafficking hotline"}).content.decode()
    card = _card_html(html, service_url("nhth"))
    assert "tel:" not in card and "Call 233733" not in card, card
    listing = client.get(service_url("nhth")).content.decode()
    assert 'href="sms:233733"' in listing and 'href="tel:233733"' not in listing


# --- The markup the page promises (labels, ids, errors, cards) -----------------------


def _card_html(html: str, href: str) -> str:
    start = html.index(f'<li class="result">\n  <h3><a href="{href}')
    return html[start : html.index("</li>", start) + len("</li>")]


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        (
            "en",
            (
                "Confidential location: call for location",
                '<span class="badge open">Open 24 hours</span> <span class="badge">Free</span>'
                ' <span class="badge">No police report needed</span>'
                ' <span class="badge">Any immigration status</span>',
                "Call (661) 327-1091",
                "Confidential: you talk with an advocate or counselor",
            ),
        ),
        (
            "es",
            (
                "Lugar confidencial: llame para saber dónde es",
                '<span class="badge open">Abierto las 24 horas</span>'
                ' <span class="badge">Gratis</span>'
                ' <span class="badge">No se necesita reporte policial</span>'
                ' <span class="badge">Cualquier estatus migratorio</span>',
                "Llame al (661) 327-1091",
                "Confidencial: habla con una persona defensora o consejera",
            ),
        ),
    ],
)
def test_a_result_card(client, kern, language, texts):
    where, badges, call, outcome = texts
    html = client.post(
        f"/{language}/find-help/", {"q": "shelter", "near": "93301"}
    ).content.decode()
    card = _card_html(html, service_url("alliance_shelter", language) + '"')
    lines = card.split("\n")
    assert lines[1].endswith("</a></h3>")  # a confidential place: no link to its location
    assert lines[2] == (
        '  <p class="org">Alliance Against Family Violence &amp; Sexual Assault</p>'
    )
    assert lines[3] == f'  <p class="where">{where}</p>'  # and no distance: no position
    assert lines[4] == f'  <p class="badges">{badges}</p>'
    assert lines[6] == (
        '  <p class="call-line"><a class="call" href="tel:+16613271091">'
        f'{call}</a> <span class="outcome">{outcome}</span></p>'
    )
    assert lines[7].startswith('  <p class="verified">')


def test_a_card_says_when_calling_makes_a_report(client, kern):
    html = client.post(FIND_HELP, {"q": "child abuse report", "near": "93301"}).content.decode()
    card = _card_html(html, service_url("child_abuse"))
    assert '<span class="outcome makes-report">Makes a report to child welfare' in card


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(
    "data",
    [
        {},
        {"q": "food", "near": "Bakersfield", "radius": "50", "sort": "distance", "free": "on"},
        {"q": "food", "near": "Atlantis", "age": "300", "serves_area": "on", "radius": "7"},
        {"q": "food", "serves_area": "on", "category": "nope", "language": "es"},
    ],
    ids=["empty", "chosen", "errors", "more-errors"],
)
def test_the_search_form_is_djangos_own_markup(client, kern, language, data):
    """Each field as Django's own form templates write it: label, help, error list and
    widget with their ids, aria attributes, selected option and ticked box."""
    from django.forms.renderers import DjangoTemplates
    from django.utils import translation

    from plainsight.directory.search.forms import FindHelpForm

    url = f"/{language}/find-help/"
    html = (client.post(url, data) if data else client.get(url)).content.decode()
    with translation.override(language):
        bound = QueryDict(mutable=True)
        bound.update(data)
        form = FindHelpForm(bound if data else None, language=language)
        form.renderer = DjangoTemplates()
        form.is_valid()
        for name in ("q", "near", "radius", "category", "language", "age", "sort"):
            assert f'<div class="field">{form[name].as_field_group()}</div>' in html, name
        for field in form.checks():
            assert (
                f'<div class="check">{field} <label for="{field.id_for_label}">'
                f"{field.label}</label></div>"
            ) in html, field.name


def test_the_search_form_in_spanish(client, kern):
    html = client.post(
        "/es/find-help/", {"q": "comida", "near": "Atlantis", "age": "300", "radius": "50"}
    ).content.decode()
    assert '<label for="id_near">Cerca de (código postal o ciudad):</label>' in html
    assert (
        '<ul class="errorlist" id="id_near_error"><li>No encontramos ese lugar. Escriba un '
        "código postal de 5 números o el nombre de una ciudad o condado de California.</li></ul>"
    ) in html
    assert (
        '<input type="text" name="near" value="Atlantis" autocomplete="off" inputmode="text"'
        ' maxlength="100" aria-invalid="true" aria-describedby="id_near_error" id="id_near">'
    ) in html
    assert '<ul class="errorlist" id="id_age_error">' in html
    assert '<option value="50" selected>50 millas</option>' in html
    assert '<label for="id_free">Gratis</label>' in html


# --- What a newcomer met on a phone (a walk-through at 360 and 320 px wide) ----------


@pytest.mark.parametrize("address", ["?near=93301", "?open_now=on", "?near=93301&free=on"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_a_filter_address_shows_the_default_distance_and_order(client, kern, address, language):
    """A filter address (a shared link, a search by filters alone, the other language's
    link) leaves the default distance and order out. The menus must still show them: a
    menu with nothing selected shows its first option, "5 miles", and the visitor's next
    search then quietly looked only 5 miles around."""
    html = client.get(f"/{language}/find-help/{address}").content.decode()
    assert re.search(r'<option value="25" selected>25 (miles|millas)</option>', html)
    assert re.search(r'<option value="relevance" selected>', html)
    chosen = client.get(f"/{language}/find-help/{address}&radius=50&sort=distance").content
    assert re.search(r'<option value="50" selected>', chosen.decode())
    assert re.search(r'<option value="distance" selected>', chosen.decode())


def test_the_answer_opens_at_the_results(client, kern, monkeypatch):
    """Without JavaScript the answer is a new page, and it opened at its top: on a phone
    the results were two or three screens below the form, and it looked as if Search had
    done nothing. The form, the pager and the page links now lead to the results."""
    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    form_page = client.get(FIND_HELP).content.decode()
    assert f'<form method="post" action="{FIND_HELP}#results"' in form_page
    answer = client.post(FIND_HELP, {"q": "abogado"}).content.decode()
    assert '<div id="results" data-find-help-results>' in answer
    assert f'<form method="post" action="{FIND_HELP}#results" class="pager"' in answer
    by_filters = client.get(FIND_HELP + "?near=93301&radius=any").content.decode()
    assert 'href="/en/find-help/?near=93301&amp;radius=any&amp;page=2#results"' in by_filters
    # A search sent back to be corrected opens at its top, where its first fields are.
    mistake = client.post(FIND_HELP, {"q": "food", "near": "Atlantis"}).content.decode()
    assert 'id="results"' not in mistake


def test_a_result_opens_its_listing_at_the_top(client, kern):
    """A result linked to its place on the listing (#location-…): the listing opened
    halfway down, at an address, with its name and its Call button above the screen."""
    html = client.post(FIND_HELP, {"q": "legal", "near": "93301"}).content.decode()
    hrefs = re.findall(r'<h3><a href="([^"]+)">', html)
    assert len(hrefs) > 3
    assert [href for href in hrefs if "#" in href] == []


def test_the_areas_a_listing_serves_read_in_spanish(client, kern):
    """An area's name is the data's, in English ("Kern County, California"); a Spanish
    page names the area from its code instead, unless the name has a translation."""
    from plainsight.directory import models as m

    m.ServiceArea.objects.filter(service_id=uid("service", "crisis_line")).update(
        name="Kern County, California"
    )
    m.ServiceArea.objects.filter(service_id=uid("service", "nhth")).update(name="United States")
    english = client.get(service_url("crisis_line")).content.decode()
    assert "Serves: Kern County, California" in english  # the data's own words
    spanish = client.get(service_url("crisis_line", "es")).content.decode()
    assert "Atiende: Condado de Kern<" in spanish
    assert "Kern County" not in spanish
    hotline = client.get(service_url("nhth", "es")).content.decode()
    assert "Atiende: En cualquier parte de Estados Unidos<" in hotline
    assert "United States" not in hotline


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("en", ("Call 1-888-373-7888", "Text 233733", "Call 911", "Get help now")),
        ("es", ("Llame al 1-888-373-7888", "Envíe un texto al 233733", "Llame al 911")),
    ],
)
def test_nothing_found_still_offers_help_now(client, kern, language, texts):
    """No result: the hotline by call and by text (someone who cannot talk aloud), 911,
    and the way to the "Get help now" page."""
    html = client.post(f"/{language}/find-help/", {"q": "zorblaxquint"}).content.decode()
    results = html[html.index("data-find-help-results") :]
    assert 'class="result"' not in results
    for href in ("tel:+18883737888", "sms:233733", "tel:911", f"/{language}/"):
        assert f'href="{href}"' in results, href
    for text in texts:
        assert text in results, text


def test_a_card_shows_the_extension_it_dials(client, kern):
    """The card's Call link dials the extension after a pause; the words show it too, for
    a phone that does not dial it by itself."""
    from plainsight.directory import models as m
    from plainsight.directory.search.services import search_index_services

    service_id = uid("service", "crisis_line")
    m.Phone.objects.filter(service_id=service_id).update(extension=205)
    search_index_services(service_ids=[service_id])
    for language, call in (("en", "Call"), ("es", "Llame al")):
        html = client.post(f"/{language}/find-help/", {"q": "crisis line"}).content.decode()
        card = _card_html(html, service_url("crisis_line", language))
        assert f'href="tel:+16613271091,205">{call} (661) 327-1091 ext. 205</a>' in card


def test_the_print_view_never_prints_open_now(client, kern):
    """On paper "Open now" is read days later: the printed listing gives the hours only."""
    assert "Open now" in client.get(service_url("crisis_line")).content.decode()
    for language in ("en", "es"):
        printed = client.get(service_url("crisis_line", language) + "print/").content.decode()
        for status in ("Open now", "Closed now", "Abierto ahora", "Cerrado ahora"):
            assert status not in printed, (language, status)


@pytest.mark.parametrize("age", ["-1", "200", "1.5", "ten"])
@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Enter an age from 0 to 120, in whole years."),
        ("es", "Escriba una edad de 0 a 120, en años cumplidos."),
    ],
)
def test_a_wrong_age_says_what_an_age_may_be(client, kern, age, language, message):
    html = client.post(f"/{language}/find-help/", {"q": "shelter", "age": age}).content.decode()
    assert f'<ul class="errorlist" id="id_age_error"><li>{message}</li></ul>' in html


@pytest.mark.parametrize(
    ("language", "note"),
    [
        ("en", "To sort by distance, enter a ZIP code or city."),
        ("es", "Para ordenar por distancia, escriba un código postal o una ciudad."),
    ],
)
def test_nearest_first_without_a_place_says_what_it_needs(client, kern, language, note):
    sorted_nowhere = client.post(f"/{language}/find-help/", {"q": "shelter", "sort": "distance"})
    assert note in sorted_nowhere.content.decode()
    near = client.post(
        f"/{language}/find-help/", {"q": "shelter", "sort": "distance", "near": "93301"}
    )
    assert note not in near.content.decode()
