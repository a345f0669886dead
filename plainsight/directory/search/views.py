"""Public "Find help" pages: search, a listing, and its print view.

Words typed into the search never travel in a URL: the form is sent by POST (with
CSRF protection) and the results come back in that same response, which, like every
dynamic page, is ``Cache-Control: no-store``. Only filters (place, category, "open
now"…) may appear in a link, so a search by filters alone is redirected to a plain
GET address that can be shared or bookmarked. Going to another page of word results
is again a POST. A GET that carries ``q`` (someone built such a link) is redirected
to the same address without it.

With JavaScript on, ``static/js/find-help.js`` sends the same POST with ``fetch`` and
shows the answer in place; it then puts in the address bar what this view would have
left there (the redirect's filter address, or the form's plain address after a search
with words), replacing the history entry and storing no state.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from plainsight.directory.search import presentation
from plainsight.directory.search.engine import SearchHit, SearchResults, search
from plainsight.directory.search.forms import FLAG_FIELDS, FindHelpForm
from plainsight.directory.search.models import Flag
from plainsight.directory.search.selectors import public_service

PAGE_SIZE = 20


@dataclass(frozen=True)
class Card:
    """One result as the page shows it, every text already in the page's language.

    A page has twenty cards, and every condition or tag in a template costs more than
    the same decision here, so the template only writes these out.
    """

    url: str
    name: str
    organization: str  # "" when it is the service's own name
    where: str  # the place (or how to reach it) and the distance
    badges: tuple[tuple[str, str], ...]  # (CSS class, text)
    summary: str
    call_href: str  # "" without a number to call
    call: str  # "Call (661) 555-0100"
    outcome: str  # what calling does
    makes_report: bool
    verified: str


def _badges(hit: SearchHit) -> tuple[tuple[str, str], ...]:
    badges = []
    if hit.has(Flag.TEMPORARILY_CLOSED):
        badges.append(("badge closed", _("Temporarily closed")))
    elif hit.has(Flag.OPEN_24_7):
        badges.append(("badge open", _("Open 24 hours")))
    elif hit.open_now:
        badges.append(("badge open", _("Open now")))
    elif hit.open_now is False:
        badges.append(("badge", _("Closed now")))
    if hit.has(Flag.FREE):
        badges.append(("badge", _("Free")))
    if hit.has(Flag.NO_POLICE_REPORT):
        badges.append(("badge", _("No police report needed")))
    if hit.has(Flag.ANY_IMMIGRATION_STATUS):
        badges.append(("badge", _("Any immigration status")))
    if hit.has(Flag.MINORS_ON_THEIR_OWN):
        badges.append(("badge", _("Under 18 on their own")))
    if hit.has(Flag.DEMO):
        badges.append(("badge demo", _("Demo: verify before use")))
    return tuple(badges)


def _where(hit: SearchHit) -> str:
    if hit.confidential:
        where = _("Confidential location: call for location")
    elif hit.place:
        where = hit.place
    elif hit.has(Flag.ONLINE) or hit.has(Flag.BY_PHONE):
        where = _("By phone or online")
    else:
        where = ""
    distance = presentation.distance_text(hit.distance_miles)
    return f"{where} · {distance}" if distance else where


def _call_text(phone: presentation.PhoneLink) -> str:
    """The card's Call words, with the extension as the listing's phone list gives it
    ("Call (661) 555-0100 ext. 12"): the link dials the extension after a pause, but not
    every phone does that by itself."""
    call = _("Call %(number)s") % {"number": phone.number}
    if phone.extension:
        call += " " + _("ext. %(extension)s") % {"extension": phone.extension}
    return call


def _card(hit: SearchHit, language: str, service_url: str) -> Card:
    spanish = language == "es"
    phone = None
    if hit.phone:
        phone = presentation.phone_link(
            number=hit.phone,
            extension=hit.phone_extension,
            kind="voice",
            description="",
            outcome=hit.phone_outcome,
        )
    name = hit.name_es if spanish and hit.name_es else hit.name
    organization = (
        hit.organization_name_es if spanish and hit.organization_name_es else hit.organization_name
    )
    call_href = phone.call_href if phone else ""
    return Card(
        # The listing from its top (name, then Call): not at this place's address halfway
        # down, with the name and the Call button above the screen.
        url=service_url.replace(_ANY_SERVICE, str(hit.service_id)),
        name=name,
        organization="" if organization == name else organization,
        where=_where(hit),
        badges=_badges(hit),
        summary=(hit.summary_es if spanish and hit.summary_es else hit.summary),
        call_href=call_href,
        call=_call_text(phone) if phone and call_href else "",
        outcome=phone.outcome if phone and call_href else "",
        makes_report=bool(phone and phone.makes_report),
        verified=presentation.verified_text(hit.assured_date),
    )


# Cards' addresses: one reverse() a page, this id replaced by each listing's.
_ANY_SERVICE = str(uuid.UUID(int=0))


def _language() -> str:
    return (get_language() or "en").split("-")[0]


def _render(
    request: HttpRequest, form: FindHelpForm, results: SearchResults | None, *, posted: bool
) -> HttpResponse:
    language = _language()
    service_url = reverse("find_help:service", args=[_ANY_SERVICE])
    context: dict[str, Any] = {
        "form": form,
        "results": results,
        "cards": [_card(hit, language, service_url) for hit in results.hits] if results else [],
        "posted": posted,
        "page_links": None,
    }
    if results is not None:
        context["implied"] = [
            str(form.fields[name].label) for name in sorted(results.implied_filters)
        ]
        if not posted:
            base = reverse("find_help:search")

            def link(page: int) -> str:
                # At the results, as the form's own answer opens (find_help.html).
                return base + "?" + urlencode(form.filter_query(page=page)) + "#results"

            context["page_links"] = {
                "previous": link(results.request.page - 1) if results.has_previous else "",
                "next": link(results.request.page + 1) if results.has_next else "",
            }
        else:
            context["carried"] = form.carried_fields()
    if posted:
        # The other language's link: this search's filters, never its words (nor what
        # the address the form was sent to may carry).
        query = urlencode(form.filter_query())
        context["language_path"] = reverse("find_help:search") + (f"?{query}" if query else "")
    return render(request, "directory_search/find_help.html", context)


def _with_implied(form: FindHelpForm, results: SearchResults) -> FindHelpForm:
    """The form again, with the filters the words asked for ("no police") ticked."""
    if not results.implied_filters:
        return form
    data = QueryDict(mutable=True)
    data.update(form.data)
    for name in results.implied_filters:
        if name in FLAG_FIELDS:
            data[name] = "on"
    shown = FindHelpForm(data, language=_language())
    shown.is_valid()
    return shown


@require_http_methods(["GET", "HEAD", "POST"])
def find_help(request: HttpRequest) -> HttpResponse:
    language = _language()
    if request.method == "POST":
        form = FindHelpForm(request.POST, language=language)
        if not form.is_valid():
            return _render(request, form, None, posted=True)
        if not form.cleaned_data.get("q"):
            # Filters only: a shareable address, and no "resubmit the form?" on reload.
            query = urlencode(form.filter_query())
            return HttpResponseRedirect(
                reverse("find_help:search") + (f"?{query}" if query else ""), status=303
            )
        results = search(form.to_request(page_size=PAGE_SIZE))
        return _render(request, _with_implied(form, results), results, posted=True)

    if "q" in request.GET:
        # Words never stay in an address: drop them and keep the filters.
        kept = request.GET.copy()
        kept.pop("q")
        query = kept.urlencode()
        return HttpResponseRedirect(
            reverse("find_help:search") + (f"?{query}" if query else ""), status=303
        )
    if not request.GET:
        return _render(request, FindHelpForm(language=language), None, posted=False)
    form = FindHelpForm(request.GET, language=language)
    if not form.is_valid():
        return _render(request, form, None, posted=False)
    results = search(form.to_request(page_size=PAGE_SIZE))
    return _render(request, form, results, posted=False)


def _search_refused(request: HttpRequest) -> HttpResponse:
    """The search again after the forgery check refused it (core.views.csrf_failure),
    most often because its cookie expired or was cleared: nothing is searched, and what
    was typed stays in the form, now with a fresh token, so Search works again."""
    form = FindHelpForm(request.POST, language=_language())
    form.is_valid()
    form.add_error(
        None,
        forms.ValidationError(
            _(
                "Your search was not sent. What you entered is still here: press Search "
                "again. If this happens every time, allow cookies for this site: this form "
                "needs one."
            ),
            code="not_sent",
        ),
    )
    response = _render(request, form, None, posted=True)
    response.status_code = 403
    return response


find_help.csrf_failure = _search_refused  # type: ignore[attr-defined]


def _service_or_404(service_id: uuid.UUID) -> Any:
    view = public_service(service_id, language=_language(), moment=timezone.now())
    if view is None:
        raise Http404(_("This listing does not exist or is no longer offered."))
    return view


@require_safe
def service_detail(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    service = _service_or_404(service_id)
    return render(
        request,
        "directory_search/service.html",
        {
            "service": service,
            "share_url": request.build_absolute_uri(
                reverse("find_help:service", args=[service.id])
            ),
        },
    )


@require_safe
def service_print(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    service = _service_or_404(service_id)
    return render(
        request,
        "directory_search/print.html",
        {
            "service": service,
            "share_url": request.build_absolute_uri(
                reverse("find_help:service", args=[service.id])
            ),
            "printed_at": timezone.now(),
        },
    )
