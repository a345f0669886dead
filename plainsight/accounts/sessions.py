"""Staff sessions in the database, and what a busy database may skip.

``SESSION_SAVE_EVERY_REQUEST`` writes the session row on every request, to push its
expiry (the 15-minute idle timeout) forward, even when nothing in the session changed.
On the embedded tier (SQLite) one writer holds the database at a time, and a directory
import holds it for all of its checks and writes — minutes for a large file. Django
turns a failed session save into "400 Bad Request" (``SessionInterrupted``), so every
staff page, the import's own progress page included, failed while an import ran.

Here a save that would only push the expiry forward, refused because the database is
busy (``OperationalError``: locked, or unreachable), is skipped: the page is shown, and
the session keeps its previous expiry — it ends no later than it would have at that
earlier request, never later. A save that carries a change (login, a second factor, a
reauthentication, a message) still fails as before, and so does the save of a session
that was deleted meanwhile (a logout in another tab, a revocation): Django's own check.
"""

from __future__ import annotations

import logging

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import OperationalError

logger = logging.getLogger("plainsight.accounts")


class SessionStore(DatabaseSessionStore):
    def save(self, must_create: bool = False) -> None:
        if must_create or self.modified or self.session_key is None:
            super().save(must_create=must_create)
            return
        try:
            super().save(must_create=False)
        except UpdateError as error:
            if not isinstance(error.__context__, OperationalError):
                raise  # the session is gone (DatabaseError "did not affect any rows")
            logger.warning(
                "The database was busy: a session's expiry was not extended at this "
                "request (its data had not changed)."
            )
