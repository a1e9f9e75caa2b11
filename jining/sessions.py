"""Staff sessions that end after ``SESSION_COOKIE_AGE`` seconds idle, without a write on every page.

Django's way to an idle timeout is ``SESSION_SAVE_EVERY_REQUEST``: every request that reads the
session writes it back (an ``UPDATE`` of its row, one more query on every admin page).
``IdleSessionMiddleware`` replaces ``SessionMiddleware`` and moves the session's expiry forward at
most once per ``SESSION_REFRESH_SECONDS`` (60 by default): the session is saved, and its expiry set
to ``SESSION_COOKIE_AGE`` from then, when its last refresh is older than that. A session thus ends
between ``SESSION_COOKIE_AGE - SESSION_REFRESH_SECONDS`` and ``SESSION_COOKIE_AGE`` after the last
request (29 to 30 minutes idle by default). A session that a request changes is saved as always.
"""

import time

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware

#: The session key holding when (Unix time, seconds) the session's expiry was last moved forward.
REFRESHED = "_refreshed_at"


def now() -> int:
    return int(time.time())


class IdleSessionMiddleware(SessionMiddleware):
    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if session is not None and session.accessed and not session.is_empty():
            moment = now()
            if moment - session.get(REFRESHED, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[REFRESHED] = moment  # modified: saved below, with a new expiry
        return super().process_response(request, response)
