"""Template helpers shared by public and staff layouts."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

from plainsight.core.staff_nav import areas_with_links

register = template.Library()


@register.simple_tag(takes_context=True)
def other_languages(context: template.Context) -> list[dict[str, str]]:
    """Links to the current page in every other language (plain links, no JavaScript).

    A page shown in answer to a form (a POST) names the address its links should keep
    in ``language_path``: what the form posted is not in the request's own address.
    """
    request = context.get("request")
    path = context.get("language_path") or (request.get_full_path() if request else "/")
    current = get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        if code == current:
            continue
        info = get_language_info(code)
        links.append({"code": code, "name": info["name_local"], "url": translate_url(path, code)})
    return links


@register.simple_tag(takes_context=True)
def staff_areas(context: template.Context) -> list[tuple[object, str | None, bool]]:
    """(area, url or None, is_current) for the staff navigation."""
    request = context.get("request")
    path = request.path if request else ""
    return [
        (area, url, bool(url) and url != "/staff/" and path.startswith(url or "-"))
        for area, url in areas_with_links()
    ]
