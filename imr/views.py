from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from cases.views.queue import work_queue
from imr.health import health_warnings, run_health_checks
from imr.roles import perm


def home(request: HttpRequest) -> HttpResponse:
    """Each role lands where its work is: the queue, the reviewer portal or the reports."""
    user = request.user
    if user.has_perm(perm("work_cases")):
        return work_queue(request)
    if user.has_perm(perm("review_assigned_cases")):
        return redirect("reviewers:home")
    if user.has_perm(perm("view_reports")) and not user.is_staff:
        return redirect("reports:report")
    return render(request, "imr/home.html")


@login_not_required
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    results = run_health_checks()
    healthy = all(error is None for error in results.values())
    warnings = health_warnings()
    body: dict[str, object] = {"status": "ok" if healthy else "not ok"}
    if warnings:
        body["warnings"] = sorted(warnings)
    if request.user.is_authenticated and request.user.is_staff:
        body["checks"] = {name: error or "ok" for name, error in results.items()}
        if warnings:
            body["warnings"] = warnings
    return JsonResponse(body, status=200 if healthy else 503)
