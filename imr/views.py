from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from imr.health import run_health_checks


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "imr/home.html")


@login_not_required
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    results = run_health_checks()
    healthy = all(error is None for error in results.values())
    body: dict[str, object] = {"status": "ok" if healthy else "not ok"}
    if request.user.is_authenticated and request.user.is_staff:
        body["checks"] = {name: error or "ok" for name, error in results.items()}
    return JsonResponse(body, status=200 if healthy else 503)
