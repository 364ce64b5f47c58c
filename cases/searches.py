"""Case-search terms kept in the session, so a member's name never reaches a URL (issue 11).

The search form is POSTed; the term is stored here under a short random key and the list
page is addressed by that key (`/cases/?search=<key>`). Proxy logs, access logs and
browser history then hold the key, which means nothing outside this user's session.
"""

import secrets

from django.contrib.sessions.backends.base import SessionBase

# Longer than any TAR number, identifier or name; a bound on what a session keeps.
SEARCH_TERM_MAX = 100
SESSION_KEY = "case_searches"
# Enough for the back button over a working session's searches; the oldest go first.
KEPT = 20


def search_remember(session: SessionBase, term: str) -> str:
    """Keep `term` in the session and return its key (the same key for a repeated term)."""
    searches: dict[str, str] = dict(session.get(SESSION_KEY, {}))
    key = next((key for key, kept in searches.items() if kept == term), None)
    if key is None:
        key = secrets.token_urlsafe(9)
    else:
        del searches[key]  # re-added below as the newest
    searches[key] = term
    session[SESSION_KEY] = dict(list(searches.items())[-KEPT:])
    return key


def search_recall(session: SessionBase, key: str) -> str | None:
    """The term kept under `key`; None if this session has no such search (or it expired)."""
    return session.get(SESSION_KEY, {}).get(key)
