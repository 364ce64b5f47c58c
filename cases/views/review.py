"""The reviewer's written determination received (R-TRK-4, R-REV-3): uploaded by the
reviewer in the portal, or recorded by UM staff when it arrived another way."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from cases.services import review_record
from imr.web import form_run, redirect_back
from reviewers.access import get_assignment_for_reviewer, get_case_for_staff
from reviewers.forms import ReviewForm, StaffReviewForm
from reviewers.models import ReceivedVia


def _written_determination(data: dict) -> dict:
    """The reviewer's document and structured answers, as both forms give them."""
    return {
        "uploaded_file": data["file"],
        "recommendation": data["recommendation"],
        "rationale": data["rationale"],
        "documents_reviewed": data["documents_reviewed"],
        "reviewer_qualifications": data["reviewer_qualifications"],
    }


@require_POST
def review_add(request: HttpRequest, case_pk: int) -> HttpResponse:
    """UM staff record a determination that came by fax, mail or e-mail, with its time."""
    case = get_case_for_staff(request, case_pk, capability="work_cases")
    form_run(
        request,
        StaffReviewForm(request.POST, request.FILES),
        lambda data: review_record(
            case=case,
            actor=request.user,
            received_via=ReceivedVia.STAFF,
            received_at=data["received_at"],
            **_written_determination(data),
        ),
        done="Reviewer's determination recorded; the CMO is notified.",
    )
    return redirect_back(request, reverse("cases:detail", args=[case.pk]), anchor="reviewer")


@require_POST
def determination(request: HttpRequest, case_pk: int) -> HttpResponse:
    """The reviewer uploads their determination in the portal (received now)."""
    assignment = get_assignment_for_reviewer(request, case_pk)
    form_run(
        request,
        ReviewForm(request.POST, request.FILES),
        lambda data: review_record(
            case=assignment.case,
            actor=request.user,
            received_via=ReceivedVia.PORTAL,
            **_written_determination(data),
        ),
        done="Your determination is received. Thank you.",
    )
    return HttpResponseRedirect(reverse("reviewers:case", args=[assignment.case_id]))
