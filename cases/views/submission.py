"""Submitting the referral file to the reviewer, from the case page's reviewer panel
(policy VI.F.2, R-TRK-1). The gates are the service's (cases.services.submission)."""

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from cases.services import case_submit
from imr.web import form_run, redirect_back
from reviewers.access import get_case_for_staff
from reviewers.forms import SubmitForm


@require_POST
def submit(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = get_case_for_staff(request, case_pk, capability="work_cases")
    form_run(
        request,
        SubmitForm(request.POST),
        lambda data: case_submit(case=case, actor=request.user, delivery=data["delivery"]),
        done="Submitted to the reviewer; the IMRO clock is running.",
    )
    return redirect_back(request, reverse("cases:detail", args=[case.pk]), anchor="reviewer")
