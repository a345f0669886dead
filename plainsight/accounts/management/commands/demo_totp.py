"""Print the current second-factor code of a demo person (never in production)."""

from __future__ import annotations

import time
from typing import Any

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from plainsight.accounts.models import User


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo person, to pass the second step of login."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="email address of a demo person")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("demo_totp is refused under production settings.")
        user = User.objects.filter(email__iexact=options["email"].strip(), is_demo=True).first()
        if user is None:
            raise CommandError("No demo person has this email address.")
        authenticator = Authenticator.objects.filter(
            user=user, type=Authenticator.Type.TOTP
        ).first()
        if authenticator is None:
            raise CommandError("This demo person has no authenticator; run `manage.py demo_load`.")
        secret = decrypt(authenticator.data["secret"])
        now = time.time()
        period = mfa_settings.TOTP_PERIOD
        code = format_hotp_value(hotp_value(secret, int(now) // period))
        remaining = period - int(now) % period
        self.stdout.write(code)
        self.stderr.write(f"(valid for about {remaining} more seconds; each code works once)")
