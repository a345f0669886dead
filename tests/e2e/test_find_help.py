"""The public "Find help" directory in a real browser, on a phone.

Search, filters, a listing, its print view and quick exit, in every language of the site
and with JavaScript on and off; axe-core on the results and listing pages. The data is
the Kern demo directory (``plainsight.directory.demo``), loaded and indexed for each test
(live-server tests run outside a transaction and the database is emptied after each one;
loading takes a fraction of a second).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import expect

from plainsight.directory import demo
from plainsight.directory.models import Service
from plainsight.directory.search import views
from plainsight.directory.search.services import search_index_rebuild
from plainsight.testing.browser import (
    BEFORE_PAGE,
    BEFORE_TITLE,
    PHONE,
    BrowserHarness,
    assert_off_site,
    axe_violations,
    describe_violations,
    quick_exit_leaves,
    screenshot,
)

LANGUAGES = [code for code, _name in settings.LANGUAGES]
VERIFIED = dt.date(2026, 10, 15)  # given to the Alliance shelter (demo rows have none)

# Demo services by key (see plainsight/directory/demo.py).
SHELTER = "alliance-shelter"  # confidential location, free, Bakersfield
DESERT_SHELTER = "whd-shelter"  # confidential, Ridgecrest (far from 93301), not marked free
TRANSITIONAL = "alliance-transitional"  # housing, Kern County, not marked free
JUSTICE_CENTER = "fjc"  # a published street address in Bakersfield
HOTLINE = "nhth"  # national hotline: call and text

# What the pages say, in each language (English msgids, their Spanish msgstr).
TEXT: dict[str, dict[str, str]] = {
    "en": {
        "find_help": "Find help",
        "what": "What do you need?",
        "near": "Near (ZIP code or city)",
        "distance": "Distance",
        "next_page": "Next page",
        "page_2": r"^Page 2( of \d+)?$",
        "search": "Search",
        "more_filters": "More filters",
        "free": "Free",
        "kind": "Kind of help",
        "emergency_shelter": "— Emergency shelter",
        "found": r"^\d+ services? found$",
        "query": "shelter",
        "other_query": "lawyer",
        "verified": f"Last verified {VERIFIED:%b}. {VERIFIED.day}, {VERIFIED.year}",
        "call_or_text": "Call or text",
        "call": "Call {}",
        "text": "Text {}",
        "confidential": "Confidential location",
        "call_for_location": "Call for location.",
        "card_confidential": "Confidential location: call for location",
        "map": "Open in your phone's map app",
        "print_link": "Print-friendly page",
        "print_ready": "This page is ready to print. Use your browser's Print command.",
        "print": "Print",
        "back_to_listing": "Back to the listing",
        "copy": "Copy link",
        "copied": "Link copied",
        "link_to_page": "Link to this page",
        "new_search": "New search",
        "quick_exit": "Quick exit",
        "unknown_place": "We could not find this place.",
        "not_sent": "Your search was not sent.",
        SHELTER: "Alliance emergency shelter",
        DESERT_SHELTER: "Women's Center-High Desert shelter",
        TRANSITIONAL: "Alliance transitional housing",
        JUSTICE_CENTER: "Family Justice Center: walk-in help",
        HOTLINE: "National Human Trafficking Hotline",
    },
    "es": {
        "find_help": "Buscar ayuda",
        "what": "¿Qué necesita?",
        "near": "Cerca de (código postal o ciudad)",
        "distance": "Distancia",
        "next_page": "Página siguiente",
        "page_2": r"^Página 2( de \d+)?$",
        "search": "Buscar",
        "more_filters": "Más filtros",
        "free": "Gratis",
        "kind": "Tipo de ayuda",
        "emergency_shelter": "— Refugio de emergencia",
        "found": r"^Se encontr(ó|aron) \d+ servicios?$",
        "query": "refugio",
        "other_query": "abogado",
        "verified": f"Verificado por última vez el {VERIFIED.day} de octubre de {VERIFIED.year}",
        "call_or_text": "Llame o mande un texto",
        "call": "Llame al {}",
        "text": "Mandar texto al {}",
        "confidential": "Lugar confidencial",
        "call_for_location": "Llame para saber dónde es.",
        "card_confidential": "Lugar confidencial: llame para saber dónde es",
        "map": "Abrir en el mapa de su teléfono",
        "print_link": "Página para imprimir",
        "print_ready": (
            "Esta página está lista para imprimir. Use la opción Imprimir de su navegador."
        ),
        "print": "Imprimir",
        "back_to_listing": "Volver al servicio",
        "copy": "Copiar enlace",
        "copied": "Enlace copiado",
        "link_to_page": "Enlace a esta página",
        "new_search": "Nueva búsqueda",
        "quick_exit": "Salida rápida",
        "unknown_place": "No encontramos ese lugar.",
        "not_sent": "Su búsqueda no se envió.",
        SHELTER: "Refugio de emergencia de Alliance",
        DESERT_SHELTER: "Refugio del Women's Center-High Desert",
        TRANSITIONAL: "Vivienda de transición de Alliance",
        JUSTICE_CENTER: "Centro de Justicia Familiar: ayuda sin cita",
        HOTLINE: "Línea Nacional contra la Trata de Personas",
    },
}
# English texts that must not be left on a Spanish page (its own text is in TEXT["es"]).
ENGLISH_ONLY = [
    TEXT["en"][key]
    for key in ("find_help", "call_or_text", "confidential", "print_link", "quick_exit")
] + ["services found", "Last verified", "Not verified", "Where", "Hours"]


def service_id(key: str) -> str:
    return demo.uid(f"service:{key}")


@pytest.fixture
def demo_directory(transactional_db: None) -> None:
    demo.load(io.StringIO())
    assert Service.objects.filter(pk=service_id(SHELTER)).update(assured_date=VERIFIED) == 1
    search_index_rebuild()


@pytest.fixture(params=LANGUAGES)
def language(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def javascript(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


@dataclass
class Visit:
    """One phone visitor to Find help, in one language, with or without JavaScript."""

    browser: BrowserHarness
    page: Any
    language: str
    javascript: bool
    requested: list[str] = field(default_factory=list)  # every URL the page asked for

    @property
    def text(self) -> dict[str, str]:
        return TEXT[self.language]

    @property
    def name(self) -> str:
        return f"{self.language}-{'js' if self.javascript else 'no-js'}"

    def url(self, path: str = "") -> str:
        return self.browser.url(f"/{self.language}/find-help/{path}")

    @property
    def answer_url(self) -> str:
        """The address a search with words leaves in the address bar: the form's own,
        without the words. Without JavaScript the answer is a new page that opens at its
        results ("#results"); with it, the script shows the plain address."""
        return self.url() + ("" if self.javascript else "#results")

    def listing_url(self, key: str, *, print_view: bool = False) -> str:
        return self.url(f"service/{service_id(key)}/" + ("print/" if print_view else ""))

    def open(self, url: str) -> None:
        response = self.page.goto(url)
        assert response is not None and response.status == 200, url
        assert self.page.locator("html").get_attribute("lang") == self.language

    # --- The search form -----------------------------------------------------------

    @property
    def search_box(self) -> Any:
        return self.page.get_by_role("searchbox", name=self.text["what"])

    def show_filters(self) -> None:
        closed = self.page.locator("details:not([open])")
        summary = closed.get_by_text(self.text["more_filters"], exact=True)
        if summary.count():
            summary.click()

    def submit(
        self,
        words: str = "",
        *,
        near: str = "",
        free: bool = False,
        kind: str = "",
    ) -> None:
        """Fill in the form as a visitor would (every field set, so earlier choices are
        replaced) and send it; wait for the answer."""
        page, text = self.page, self.text
        self.search_box.fill(words)
        page.get_by_label(text["near"]).fill(near)
        self.show_filters()
        page.get_by_label(text["free"], exact=True).set_checked(free)
        kind_menu = page.get_by_label(text["kind"])
        if kind:
            kind_menu.select_option(label=kind)
        else:
            kind_menu.select_option(value="")
        if self.javascript:
            page.evaluate("window.stillHere = true")
        page.get_by_role("button", name=text["search"], exact=True).click()
        if self.javascript:
            # The answer replaces the page's content in place: the old form goes away…
            expect(page.locator("form.search-form[aria-busy]")).to_have_count(0)
            # …and the page itself stays (no form page is added to the history).
            assert page.evaluate("window.stillHere === true"), "the page was reloaded"
        else:
            page.wait_for_load_state()

    def search(self, words: str = "", **filters: Any) -> None:
        """Send the form and wait for the results."""
        self.submit(words, **filters)
        expect(self.results_heading).to_be_visible()
        if self.javascript:
            # Screen readers are taken to the results that appeared in place.
            expect(self.results_heading).to_be_focused()

    @property
    def results_heading(self) -> Any:
        return self.page.get_by_role("heading", level=2, name=re.compile(self.text["found"]))

    def result_names(self) -> list[str]:
        return [name.strip() for name in self.page.locator("ol.results h3").all_inner_texts()]

    def result(self, key: str) -> Any:
        return self.page.locator("ol.results > li", has=self.result_link(key))

    def result_link(self, key: str) -> Any:
        return self.page.get_by_role("link", name=self.text[key], exact=True)

    def assert_no_address_has(self, *words: str) -> None:
        addresses = [self.page.url, *self.requested, *self.browser.navigations]
        for address in addresses:
            for word in words:
                assert word.casefold() not in address.casefold(), (word, address)


@pytest.fixture
def visit(
    browser: BrowserHarness, demo_directory: None, language: str, javascript: bool
) -> Iterator[Visit]:
    page = browser.new_page(viewport=PHONE, java_script_enabled=javascript, locale=language)
    visit = Visit(browser=browser, page=page, language=language, javascript=javascript)
    page.on("request", lambda request: visit.requested.append(request.url))
    yield visit


# --- 1. Search --------------------------------------------------------------------------


def test_search_finds_services_and_the_words_never_reach_an_address(visit: Visit) -> None:
    page, text = visit.page, visit.text
    visit.open(visit.browser.url(f"/{visit.language}/"))
    page.locator("nav.site-nav").get_by_role("link", name=text["find_help"]).click()
    page.wait_for_url(visit.url())
    assert page.get_by_role("heading", level=1).inner_text() == text["find_help"]

    visit.search(text["query"])
    names = visit.result_names()
    for key in (SHELTER, DESERT_SHELTER, TRANSITIONAL):
        assert text[key] in names, (key, names)
    assert page.url == visit.answer_url, "a search with words stays at the plain address"
    screenshot(page, f"find-help-results-{visit.name}")

    # Coming back to the page does not bring the words back.
    if visit.javascript:
        # The results were never a page of their own: reload shows the empty form…
        page.reload()
        expect(visit.search_box).to_have_value("")
        expect(page.locator("[data-find-help-results]")).to_be_empty()
        # …and so do Back (to the start page) then Forward.
        page.go_back()
        page.wait_for_url(visit.browser.url(f"/{visit.language}/"))
        page.go_forward()
    else:
        page.go_back()  # the form page the search was sent from
    page.wait_for_url(visit.url())
    expect(visit.search_box).to_have_value("")
    expect(page.locator("[data-find-help-results]")).to_be_empty()

    # Another search (the next visitor on a shared phone).
    visit.search(text["other_query"])
    assert text[JUSTICE_CENTER] in visit.result_names()
    assert text[SHELTER] not in visit.result_names()
    assert page.url == visit.answer_url
    visit.assert_no_address_has(text["query"], text["other_query"])


# --- 2. Filters -------------------------------------------------------------------------


def test_filters_narrow_the_results(visit: Visit) -> None:
    page, text = visit.page, visit.text
    visit.open(visit.url())
    visit.search(text["query"])
    everything = visit.result_names()
    assert {text[SHELTER], text[DESERT_SHELTER], text[TRANSITIONAL]} <= set(everything)

    # Near downtown Bakersfield (25 miles by default) and free of charge.
    visit.search(text["query"], near="93301", free=True)
    names = visit.result_names()
    assert text[SHELTER] in names
    assert text[DESERT_SHELTER] not in names, "Ridgecrest is more than 25 miles away"
    assert text[TRANSITIONAL] not in names, "not marked free"
    assert len(names) < len(everything)
    # The form shows the filters that were applied.
    expect(page.get_by_label(text["near"])).to_have_value("93301")
    expect(page.get_by_label(text["free"], exact=True)).to_be_checked()
    assert page.url == visit.answer_url

    # A kind of help alone (no words): emergency shelters anywhere, nothing else.
    visit.search(kind=text["emergency_shelter"])
    assert sorted(visit.result_names()) == sorted([text[SHELTER], text[DESERT_SHELTER]])
    expect(page.get_by_label(text["kind"])).to_have_value(demo.uid("term:emergency-shelter"))
    # Filters alone may travel in a link that can be bookmarked or shared, with
    # JavaScript on (the results shown in place, the address replaced) or off.
    assert page.url.startswith(visit.url() + "?category="), page.url
    visit.assert_no_address_has(text["query"])


def test_a_search_by_filters_alone_has_an_address_to_share(visit: Visit) -> None:
    page, text = visit.page, visit.text
    visit.open(visit.url())
    entries = page.evaluate("history.length")
    visit.search(near="93301", kind=text["emergency_shelter"])
    shared = page.url
    assert shared.startswith(visit.url() + "?"), shared
    assert "category=" + demo.uid("term:emergency-shelter") in shared
    assert "near=93301" in shared
    names = visit.result_names()
    assert names == [text[SHELTER]], "Ridgecrest is more than 25 miles away"
    if visit.javascript:
        # The address was replaced, not added to, and the history keeps no state.
        assert page.evaluate("history.length") == entries
        assert page.evaluate("history.state") is None

    # The address gives the same results on reload and to someone it is sent to.
    page.reload()
    expect(visit.results_heading).to_be_visible()
    assert visit.result_names() == names
    other = visit.browser.new_page(
        viewport=PHONE, java_script_enabled=visit.javascript, locale=visit.language
    )
    response = other.goto(shared)
    assert response is not None and response.status == 200
    assert [n.strip() for n in other.locator("ol.results h3").all_inner_texts()] == names
    other.close()

    # Words and the same filters: the results, at the form's plain address (the filters
    # of the earlier search are not left in it) and the words nowhere.
    visit.search(text["query"], near="93301", kind=text["emergency_shelter"])
    assert visit.result_names() == names
    assert page.url == visit.answer_url, page.url
    if visit.javascript:
        assert page.evaluate("history.state") is None
        assert page.evaluate("localStorage.length + sessionStorage.length") == 0
        # Reload shows the empty form: the words were never in the address.
        page.reload()
        expect(visit.search_box).to_have_value("")
        expect(page.locator("[data-find-help-results]")).to_be_empty()
    visit.assert_no_address_has(text["query"])


def test_the_other_language_keeps_the_filters_and_never_the_words(visit: Visit) -> None:
    page, text = visit.page, visit.text
    visit.open(visit.url())
    visit.search(text["query"], near="93301", free=True)
    other = next(code for code in LANGUAGES if code != visit.language)
    switch = page.locator(f'nav.languages a[hreflang="{other}"]')
    href = switch.get_attribute("href") or ""
    assert href.startswith(f"/{other}/find-help/?"), href
    assert "near=93301" in href and "free=on" in href, href
    switch.click()
    page.wait_for_url(re.compile(f"/{other}/find-help/\\?"))
    other_text = TEXT[other]
    expect(page.get_by_label(other_text["near"])).to_have_value("93301")
    expect(page.get_by_label(other_text["free"], exact=True)).to_be_checked()
    expect(page.get_by_role("searchbox", name=other_text["what"])).to_have_value("")
    visit.assert_no_address_has(text["query"])


def test_a_search_whose_cookie_is_gone_is_kept_to_send_again(visit: Visit) -> None:
    """The cookie the form's token needs was cleared (or expired) while the page was
    open: the search is shown again, filled in, with a message; Search then works."""
    page, text = visit.page, visit.text
    visit.open(visit.url())
    page.context.clear_cookies()
    visit.submit(text["query"], near="93301", free=True)
    expect(page.locator("main [role=alert]")).to_contain_text(text["not_sent"])
    expect(visit.search_box).to_have_value(text["query"])
    expect(page.get_by_label(text["near"])).to_have_value("93301")
    expect(page.get_by_label(text["free"], exact=True)).to_be_checked()
    expect(page.get_by_role("link", name=text["quick_exit"])).to_be_visible()
    visit.search(text["query"], near="93301", free=True)
    assert text[SHELTER] in visit.result_names()
    visit.assert_no_address_has(text["query"])


def test_a_place_that_cannot_be_found_says_so(visit: Visit) -> None:
    page, text = visit.page, visit.text
    visit.open(visit.url())
    visit.submit(text["query"], near="00000")
    near = page.get_by_label(text["near"])
    expect(near).to_have_value("00000")
    expect(near).to_have_attribute("aria-invalid", "true")
    expect(page.locator("main")).to_contain_text(text["unknown_place"])
    expect(visit.results_heading).to_have_count(0)
    expect(visit.search_box).to_have_value(text["query"])  # kept, to correct the place
    assert page.url == visit.answer_url
    # The mistake is on the screen, not below the form; with JavaScript the field takes
    # the focus, so a screen reader reads its error (focus on the page's heading said
    # nothing of a mistake).
    expect(page.locator("#id_near_error")).to_be_in_viewport()
    if visit.javascript:
        expect(near).to_be_focused()
    visit.assert_no_address_has(text["query"])


def test_the_answer_opens_at_the_results_on_a_phone(
    visit: Visit, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a phone the form fills the first two or three screens. Without JavaScript the
    answer (a new page) opened at its top, and it looked as if Search had done nothing:
    it now opens at its results, as the page's script shows them; so do the next page of
    results and a search by filters alone."""
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    page, text = visit.page, visit.text
    visit.open(visit.url())
    visit.search(text["query"])
    expect(visit.results_heading).to_be_in_viewport()
    expect(visit.result(SHELTER)).to_be_in_viewport()

    page.get_by_role("button", name=text["next_page"]).click()
    expect(page.locator(".pager span")).to_have_text(re.compile(text["page_2"]))
    expect(visit.results_heading).to_be_in_viewport()
    assert page.url == visit.answer_url

    # Near a place the count may be an estimate ("More than 16 services found…").
    heading = page.locator("#results-heading")
    visit.submit(near="93301")
    expect(heading).to_be_in_viewport()
    page.get_by_role("link", name=text["next_page"]).click()
    expect(page.locator(".pager span")).to_have_text(re.compile(text["page_2"]))
    expect(heading).to_be_in_viewport()
    visit.assert_no_address_has(text["query"])


def test_the_distance_stays_as_it_was_after_a_search_by_filters(visit: Visit) -> None:
    """A filter address leaves the default distance (25 miles) out, and the menu then
    showed its first option, "5 miles": the visitor's next search quietly looked only 5
    miles around (the Family Justice Center, 10 miles from Lamont, was not found)."""
    page, text = visit.page, visit.text
    visit.open(visit.url())
    visit.search(near="Lamont")
    distance = page.get_by_label(text["distance"])
    expect(distance).to_have_value("25")
    visit.search(text["other_query"], near="Lamont")
    expect(distance).to_have_value("25")
    assert text[JUSTICE_CENTER] in visit.result_names()

    # The other language's page, reached with these filters, says the same.
    visit.search(near="Lamont")
    other = next(code for code in LANGUAGES if code != visit.language)
    page.locator(f'nav.languages a[hreflang="{other}"]').click()
    page.wait_for_url(re.compile(f"/{other}/find-help/\\?"))
    expect(page.get_by_label(TEXT[other]["distance"])).to_have_value("25")


# --- 3. A listing -----------------------------------------------------------------------


def test_open_a_confidential_shelter_from_the_results(visit: Visit) -> None:
    page, text = visit.page, visit.text
    visit.open(visit.url())
    visit.search(text["query"])
    card = visit.result(SHELTER)
    expect(card).to_contain_text(text["card_confidential"])
    expect(card).to_contain_text(text["verified"])
    expect(card.locator('a[href="tel:+16613271091"]')).to_have_text(
        text["call"].format("(661) 327-1091")
    )

    visit.result_link(SHELTER).click()
    page.wait_for_url(visit.listing_url(SHELTER))
    assert page.get_by_role("heading", level=1).inner_text() == text[SHELTER]
    expect(page.locator("main .verified").first).to_have_text(text["verified"])
    expect(page.get_by_role("heading", name=text["call_or_text"])).to_be_visible()
    call = page.locator('main a[href="tel:+16613271091"]')
    expect(call.first).to_be_visible()
    expect(call.first).to_have_text(text["call"].format("(661) 327-1091"))
    # The place is never published: "call for location", no street, no directions.
    expect(page.get_by_role("heading", name=text["confidential"])).to_be_visible()
    expect(page.get_by_text(text["call_for_location"], exact=True)).to_be_visible()
    expect(page.locator("main address")).to_have_count(0)
    expect(page.locator('main a[href^="geo:"]')).to_have_count(0)
    expect(page.get_by_role("link", name=text["map"])).to_have_count(0)
    # Copy link needs JavaScript; the link itself is always there to select.
    expect(page.get_by_label(text["link_to_page"])).to_have_value(visit.listing_url(SHELTER))
    copy = page.get_by_role("button", name=text["copy"])
    if visit.javascript:
        page.context.grant_permissions(
            ["clipboard-read", "clipboard-write"], origin=visit.browser.server_url
        )
        copy.click()
        expect(page.get_by_role("status")).to_have_text(text["copied"])
        assert page.evaluate("navigator.clipboard.readText()") == visit.listing_url(SHELTER)
    else:
        expect(copy).to_be_hidden()
    visit.assert_no_address_has(text["query"])
    screenshot(page, f"find-help-listing-{visit.name}")


def test_a_listing_with_an_address_and_a_hotline(visit: Visit) -> None:
    page, text = visit.page, visit.text
    visit.open(visit.listing_url(JUSTICE_CENTER))
    assert page.get_by_role("heading", level=1).inner_text() == text[JUSTICE_CENTER]
    expect(page.locator("main address")).to_contain_text("18th Street and L Street")
    expect(page.get_by_role("link", name=text["map"])).to_have_attribute(
        "href", re.compile(r"^geo:35\.377\d*,-119\.023\d*$")
    )

    visit.open(visit.listing_url(HOTLINE))
    expect(page.get_by_role("link", name=text["call"].format("1-888-373-7888"))).to_have_attribute(
        "href", "tel:+18883737888"
    )
    expect(page.get_by_role("link", name=text["text"].format("233733"))).to_have_attribute(
        "href", "sms:233733"
    )


def test_a_result_opens_its_listing_at_the_top(visit: Visit) -> None:
    """A result linked to its place on the listing: the listing opened halfway down, at
    an address, its name and its Call button above the screen."""
    page, text = visit.page, visit.text
    visit.open(visit.url())
    visit.search(text["other_query"], near="93301")
    visit.result_link(JUSTICE_CENTER).click()
    page.wait_for_url(visit.listing_url(JUSTICE_CENTER))
    expect(page.get_by_role("heading", level=1)).to_be_in_viewport()
    assert page.evaluate("window.scrollY") == 0


# --- 4. Print view ----------------------------------------------------------------------


def test_print_view(visit: Visit) -> None:
    page, text = visit.page, visit.text
    visit.open(visit.listing_url(SHELTER))
    page.get_by_role("link", name=text["print_link"]).click()
    page.wait_for_url(visit.listing_url(SHELTER, print_view=True))
    assert page.get_by_role("heading", level=1).inner_text() == text[SHELTER]
    expect(page.get_by_text(text["print_ready"])).to_be_visible()
    expect(page.get_by_role("link", name=text["back_to_listing"])).to_have_attribute(
        "href", f"/{visit.language}/find-help/service/{service_id(SHELTER)}/"
    )
    print_button = page.get_by_role("button", name=text["print"], exact=True)
    if visit.javascript:
        expect(print_button).to_be_visible()
    else:
        expect(print_button).to_be_hidden()

    # On paper: the listing only (style sheets, no script needed).
    page.emulate_media(media="print")
    for chrome in (
        "[data-quick-exit]",
        ".site-header",
        "nav.site-nav",
        ".site-footer",
        ".print-tools",
        ".skip-link",
    ):
        expect(page.locator(chrome)).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_have_text(text[SHELTER])
    expect(page.locator('a[href="tel:+16613271091"]').first).to_be_visible()
    expect(page.get_by_text(text["call_for_location"], exact=True)).to_be_visible()
    expect(page.locator("main address")).to_have_count(0)
    expect(page.get_by_text(visit.listing_url(SHELTER), exact=False)).to_be_visible()
    screenshot(page, f"find-help-print-{visit.name}")

    # A published address is printed; the phone's map link is not.
    visit.open(visit.listing_url(JUSTICE_CENTER, print_view=True))
    expect(page.locator("main address")).to_contain_text("18th Street and L Street")
    expect(page.get_by_role("link", name=text["map"])).to_have_count(0)


# --- 5. Quick exit ----------------------------------------------------------------------


def test_quick_exit_from_the_results(visit: Visit) -> None:
    page, text = visit.page, visit.text
    page.goto(BEFORE_PAGE)
    visit.open(visit.url())
    visit.search(text["query"])
    quick_exit = page.get_by_role("link", name=text["quick_exit"])
    # Still at the top of the screen at the end of a long list.
    page.locator("footer.site-footer").scroll_into_view_if_needed()
    expect(quick_exit).to_be_in_viewport()
    box = quick_exit.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 100, box

    quick_exit_leaves(page, visit.browser, javascript=visit.javascript)
    if visit.javascript:
        # The results were shown in place of the form page, which quick exit replaced.
        page.go_back()
        assert_off_site(page, visit.browser)
        assert page.title() == BEFORE_TITLE
    visit.assert_no_address_has(text["query"])


def test_quick_exit_from_a_listing(visit: Visit) -> None:
    page = visit.page
    page.goto(BEFORE_PAGE)
    visit.open(visit.listing_url(SHELTER))
    page.locator("footer.site-footer").scroll_into_view_if_needed()
    expect(page.get_by_role("link", name=visit.text["quick_exit"])).to_be_in_viewport()
    quick_exit_leaves(page, visit.browser, javascript=visit.javascript)
    if visit.javascript:
        page.go_back()
        assert_off_site(page, visit.browser)
        assert page.title() == BEFORE_TITLE


# --- 6. Accessibility -------------------------------------------------------------------


def _assert_accessible(page: Any, what: str) -> None:
    # From the top, as test_public_site does: axe-core counts a target scrolled under the
    # sticky header (quick exit) as too small, wherever the page happens to be scrolled.
    page.evaluate("window.scrollTo(0, 0)")
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the {what} is wider than the screen: {widths}"
    violations = axe_violations(page)
    assert not violations, f"accessibility problems on the {what} ({page.url}):\n" + (
        describe_violations(violations)
    )


@pytest.mark.parametrize("javascript", [True], ids=["js"])  # axe-core runs in the page
def test_results_and_listings_are_accessible(visit: Visit) -> None:
    visit.open(visit.url())
    visit.submit(visit.text["query"], near="00000")
    _assert_accessible(visit.page, "form with an error")
    visit.search(visit.text["query"])
    _assert_accessible(visit.page, "results page")
    for what, url in (
        ("confidential listing", visit.listing_url(SHELTER)),
        ("listing with an address", visit.listing_url(JUSTICE_CENTER)),
        ("print view", visit.listing_url(SHELTER, print_view=True)),
    ):
        visit.open(url)
        _assert_accessible(visit.page, what)


# --- 7. Spanish -------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["es"])
def test_spanish_pages_are_in_spanish(visit: Visit) -> None:
    page, text = visit.page, visit.text
    visit.open(visit.url())
    expect(page.get_by_role("button", name=text["search"], exact=True)).to_be_visible()
    visit.search(text["query"])
    expect(page.locator("main")).to_contain_text(text["card_confidential"])
    for url in (
        None,
        visit.listing_url(SHELTER),
        visit.listing_url(JUSTICE_CENTER),
        visit.listing_url(SHELTER, print_view=True),
    ):
        if url:
            visit.open(url)
        body = page.locator("body").inner_text()
        for english in ENGLISH_ONLY:
            assert english not in body, f"English {english!r} on {page.url}"
    visit.open(visit.listing_url(SHELTER))
    main = page.locator("main")
    for spanish in ("call_or_text", "confidential", "print_link", "new_search"):
        expect(main).to_contain_text(text[spanish])
    expect(page.get_by_role("link", name=text["quick_exit"])).to_be_visible()
    # Languages are named in Spanish, as in the search form's language menu.
    languages = main.locator("ul.facts li", has_text="Idiomas:")
    expect(languages).to_contain_text("Español")
    expect(languages).to_contain_text("Inglés")
    for english in ("English", "Spanish"):
        expect(languages).not_to_contain_text(english)
