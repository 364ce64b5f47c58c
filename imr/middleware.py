"""Automatic log-off of idle sessions (HIPAA 164.312(a)(2)(iii))."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse

SESSION_KEY = "imr_last_activity"
# Requests a page makes by itself (a queue refreshing its clocks) carry this header and
# must not count as the user being active.
BACKGROUND_HEADER = "X-IMR-Background"
# The activity stamp is rewritten at most this often: each rewrite saves the session (a
# transaction and an UPDATE on every page, issue 20). The session then ends at most this
# much earlier than the idle timeout, never later.
STAMP_EVERY_SECONDS = 30


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and SESSION_KEY in request.session:
            idle_seconds = time.time() - request.session[SESSION_KEY]
            if idle_seconds > settings.IDLE_TIMEOUT_MINUTES * 60:
                logout(request)
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": "Session expired after inactivity."}, status=401)
                messages.info(request, "You were signed out after a period of inactivity.")
                return redirect_to_login(request.get_full_path())
        if request.user.is_authenticated and not request.headers.get(BACKGROUND_HEADER):
            now = time.time()
            if now - request.session.get(SESSION_KEY, 0) >= STAMP_EVERY_SECONDS:
                request.session[SESSION_KEY] = now
        response = self.get_response(request)
        # The login request itself starts the clock: it was anonymous on the way in.
        if request.user.is_authenticated and SESSION_KEY not in request.session:
            request.session[SESSION_KEY] = time.time()
        return response
