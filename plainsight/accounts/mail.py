"""The mail backend of a deployment without a mail server.

PlainSight works without outgoing mail: admins hand one-time links over themselves.
Django's dummy backend would do the same but counts as "development only" in
``check --deploy``; this one says what it is, and logs (without any address) that a
message was dropped, so a missing configuration is noticed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend

logger = logging.getLogger(__name__)


class MailDisabledBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[Any]) -> int:
        if email_messages:
            logger.warning(
                "mail is not configured (EMAIL_HOST): %d message(s) not sent", len(email_messages)
            )
        return 0
