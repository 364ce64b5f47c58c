"""Recent re-authentication for the acts that carry a person's signature (R-SEC-2).

Signing a determination (or its amendment), granting an extension and changing an
audited date are done by a named person who must be at the keyboard: only through their
own browser session, never an API token, and only when they typed their password within
REAUTH_WINDOW_MINUTES. A signed-in page left open on a shared desk is not enough.

The password sign-in (imr.accounts.views.SignInView) and the re-enter-password page
(imr.accounts.views.reauthenticate) record the moment in the session; the pages use
`reauthentication_required`, the API calls `require_recent_reauthentication`.
"""

import time
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from imr.roles import perm

SESSION_KEY = "imr_reauthenticated_at"


class ReauthenticationRequired(PermissionDenied):
    """A signature act without the signer's own, recently re-authenticated session: 403."""


def reauthentication_mark(request: HttpRequest) -> None:
    """The user has just typed their password in this session."""
    request.session[SESSION_KEY] = time.time()


def reauthentication_is_recent(request: HttpRequest) -> bool:
    at = request.session.get(SESSION_KEY)
    window = settings.REAUTH_WINDOW_MINUTES * 60
    return isinstance(at, int | float) and 0 <= time.time() - at <= window


def require_recent_reauthentication(request: HttpRequest, *, act: str) -> None:
    """Refuse `act` ("sign a determination") unless it comes from the user's own session
    re-authenticated within the window (R-SEC-2). Raises ReauthenticationRequired (403).

    A DRF request carries its token in `request.auth`; a session request has none.
    """
    if getattr(request, "auth", None) is not None:
        raise ReauthenticationRequired(
            f"An API token cannot {act}: sign in to IMR Desk in your browser and do it "
            "there yourself (R-SEC-2)."
        )
    if not reauthentication_is_recent(request):
        raise ReauthenticationRequired(
            f"To {act}, enter your password again: sign in to IMR Desk in your browser "
            f"(the password must be entered within {settings.REAUTH_WINDOW_MINUTES} minutes)."
        )


def reauthentication_required(
    *, act: str, capability: str, back: Callable[..., str]
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorate a page that does `act`: a stale session goes to the re-enter-password page,
    which then returns to the action (the page itself for a GET; for a POST the page the
    form was on, else `back(**view_kwargs)`), where the person confirms the act again.

    Someone without `capability` is not asked for a password: the view refuses them (403).
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            if reauthentication_is_recent(request) or not request.user.has_perm(perm(capability)):
                return view(request, *args, **kwargs)
            if request.method == "GET":
                target = request.get_full_path()
            else:
                target = _same_site(request, request.headers.get("Referer", "")) or back(**kwargs)
            messages.info(request, f"To {act}, enter your password again.")
            return redirect(f"{reverse('account:reauthenticate')}?{urlencode({'next': target})}")

        return wrapped

    return decorate


def _same_site(request: HttpRequest, url: str) -> str:
    """`url` if it is one of our own pages, else ""."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""
