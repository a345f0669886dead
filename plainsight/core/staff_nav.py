"""The staff app's areas (architecture.md), in the order the navigation shows them.

An area whose URL does not exist yet is shown as not yet available rather than as a
broken link, so the map of the work is visible from the first release.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Area:
    key: str
    label: Promise
    description: Promise
    url_name: str


AREAS = (
    Area("desk", _("Desk"), _("Tips, hotline contacts and text conversations."), "desk:home"),
    Area(
        "cases",
        _("Cases"),
        _("Survivors, screenings, service plans, notes, referrals and consents."),
        "cases:home",
    ),
    Area(
        "directory",
        _("Directory"),
        _("Resource records, the verification queue and suggestions from the public."),
        "directory_staff:home",
    ),
    Area(
        "outreach",
        _("Outreach"),
        _("Schools, sessions, surveys, events and business notices."),
        "outreach:home",
    ),
    Area(
        "insights",
        _("Insights"),
        _("Dashboards, grant reports and public statistics."),
        "insights:home",
    ),
    Area(
        "admin",
        _("Admin"),
        _("Organizations, people, roles, keys, retention and the audit log."),
        "partners_staff:home",
    ),
)


def areas_with_links() -> list[tuple[Area, str | None]]:
    links: list[tuple[Area, str | None]] = []
    for area in AREAS:
        try:
            links.append((area, reverse(area.url_name)))
        except NoReverseMatch:
            links.append((area, None))
    return links
