"""Content-Security-Policy header (Django 5.2 has no built-in CSP).

Every page's scripts and styles come from our own static files: no inline <script>, no
style="" attributes, no event-handler attributes. A policy that forbids them turns an
injected <script> (a stored XSS in a case note, say) into a blocked resource, not a
session stolen with member PHI on screen.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
)


class ContentSecurityPolicyMiddleware:
    """Set the policy on every response that does not already carry one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


class NoStoreMiddleware:
    """`Cache-Control: no-store, private` on every response the app makes (R-SEC-7).

    Pages and API answers carry member PHI, and a shared proxy or the browser's disk
    cache must keep none of it; the few public answers (the sign-in page, /healthz, the
    practitioner's secure link) are not worth caching either, so there is no exception
    to forget. Listed after WhiteNoise, which answers static files itself (those keep
    their long-lived caching).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response
