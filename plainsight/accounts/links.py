"""The one-time access link: its shape, and the access code it carries.

A one-time link (invitation or access reset) is::

    https://<site>/staff/account/welcome/#<access code>

The access code is the account token (256 bits; the server keeps only its SHA-256
digest) and, when the person's organization has keys, a ``.`` and the key-custody link
secret (``plainsight.keys``: a lookup id and a 256-bit secret under which the
organization's keys wait for the person). Everything secret sits after ``#``: browsers
never send the fragment to the server, so it reaches no access log, proxy log or
``Referer`` header. On the page, ``static/js/access-link.js`` moves the code from the
address bar into the form (and removes it from the browser history); with JavaScript
off, the person pastes the code, which admins are shown separately for that reason.
The code then travels only in POST bodies. See docs/decisions/one-time-access-links.md.
"""

from __future__ import annotations

import re

from django.urls import reverse

SEPARATOR = "."
MAX_CODE_LENGTH = 300
_CODE_CHARACTERS = re.compile(r"^[A-Za-z0-9_\-.]*$")


def access_code(*, token: str, keys_secret: str = "") -> str:
    """The code a person needs: the account token, then the keys' link secret if any."""
    return f"{token}{SEPARATOR}{keys_secret}" if keys_secret else token


def access_code_split(code: str) -> tuple[str, str]:
    """(account token, keys link secret) of a code; empty strings when garbled.

    Whitespace is dropped, so a code pasted across a line break still works.
    """
    code = "".join(code.split())
    if len(code) > MAX_CODE_LENGTH or not _CODE_CHARACTERS.match(code):
        return "", ""
    token, _separator, keys_secret = code.partition(SEPARATOR)
    return token, keys_secret


def access_link_path(code: str) -> str:
    """The link's path and fragment: ``/staff/account/welcome/#<code>``."""
    return f"{reverse('accounts:set_password')}#{code}"


def access_link(*, base_url: str, code: str) -> str:
    """The full link, for ``base_url`` such as ``https://help.example.org``."""
    return base_url.rstrip("/") + access_link_path(code)
