"""Without a mail server, nothing is sent and nothing about the recipient is logged."""

from __future__ import annotations

import logging

from django.core.mail import EmailMessage

from plainsight.accounts.mail import MailDisabledBackend


def test_messages_are_dropped_with_an_anonymous_warning(caplog) -> None:
    message = EmailMessage("Subject", "Body with a link", to=["person@example.org"])
    with caplog.at_level(logging.WARNING):
        assert MailDisabledBackend().send_messages([message]) == 0
    assert "not sent" in caplog.text
    assert "person@example.org" not in caplog.text
