"""Which organizations have keys, and who holds them (counts only; nothing secret)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from plainsight.keys.selectors import organization_keys_status
from plainsight.partners.models import Organization


class Command(BaseCommand):
    help = "List organizations with their key status: provisioned, holders, pending links."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("organization  provisioned  version  holders  pending  without-keys\n")
        for organization in Organization.objects.order_by("slug"):
            status = organization_keys_status(organization=organization)
            self.stdout.write(
                f"{organization.slug}  {'yes' if status.provisioned else 'NO'}  "
                f"{status.key_version or '-'}  {len(status.holder_ids)}  "
                f"{len(status.pending)}  {len(status.members_without_keys)}\n"
            )
