from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cases.access import require_capability
from cases.models import ReviewType, Status
from cases.selectors.queue import BUCKETS, QueueFilters, cmo_todo, queue_page
from reviewers.models import Imro
from timelines.selectors import BADGES


def work_queue(request: HttpRequest) -> HttpResponse:
    """The home page of UM staff and the CMO; ?partial=1 returns the table alone (refresh)."""
    require_capability(request, "work_cases")
    params = request.GET
    window = params.get("window", "")
    filters = QueueFilters(
        window=window if window in BUCKETS[:3] else "",
        status=params.get("status", ""),
        review_type=params.get("review_type", ""),
        imro=params.get("imro", ""),
        owner=params.get("owner", ""),
        mine=params.get("mine") == "1",
    )
    try:
        page = max(int(params.get("page", "1")), 1)
    except ValueError:
        page = 1
    context = queue_page(user=request.user, filters=filters, page=page)
    without_page = params.copy()
    for key in ("page", "partial"):
        without_page.pop(key, None)
    context.update(
        filters=filters,
        query=params.urlencode(),
        filter_query=without_page.urlencode(),
        buckets=[(b, BADGES[b]) for b in BUCKETS],
        statuses=Status.choices,
        review_types=ReviewType.choices,
        imros=Imro.objects.order_by("name").values_list("name", flat=True),
    )
    template = "cases/_queue_table.html" if params.get("partial") else "cases/queue.html"
    return render(request, template, context)


def cmo_view(request: HttpRequest) -> HttpResponse:
    require_capability(request, "decide_cases")
    return render(request, "cases/cmo.html", {"todo": cmo_todo()})
