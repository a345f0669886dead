from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    """Deployment facts every template may show."""
    return {
        "SITE_NAME": settings.PLAINSIGHT_SITE_NAME,
        "COALITION_NAME": settings.PLAINSIGHT_COALITION_NAME,
        "QUICK_EXIT_URL": settings.QUICK_EXIT_URL,
    }
