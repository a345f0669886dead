"""Sample objects for the authorization matrix: system alerts."""

from __future__ import annotations

from typing import Any

from plainsight.scheduler.tests.factories import SystemAlertFactory
from plainsight.testing.authz import World, sample


@sample("system_alerts:resolve")
def open_alert(world: World) -> dict[str, Any]:
    return {"alert_id": SystemAlertFactory.create().pk}
