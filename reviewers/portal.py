"""The reviewer portal (/portal/): only cases assigned to the user, de-identified only.

Every view reaches a case through get_assignment_for_reviewer (404 for anyone else's
case) and renders PortalCase values, never the Case, so no member name, CIN, date of
birth or address can reach a portal page. Views and downloads are access-logged.
"""

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from cases.access import access_log, require_capability
from cases.models import AccessLog
from cases.packet import packet_render
from imr.web import form_run
from reviewers import services
from reviewers.access import get_assignment_for_reviewer
from reviewers.forms import AttestationForm, QuestionForm, ReviewForm
from reviewers.models import Assignment
from reviewers.selectors import portal_case, portal_case_list


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    require_capability(request, "review_assigned_cases")
    return render(request, "reviewers/portal_home.html", {"items": portal_case_list(request.user)})


@require_GET
def case(request: HttpRequest, case_pk: int) -> HttpResponse:
    assignment = get_assignment_for_reviewer(request, case_pk)
    access_log(request, action=AccessLog.Action.VIEW_PORTAL, case=assignment.case)
    context = {
        "portal": portal_case(assignment),
        "attestation_form": AttestationForm(),
        "question_form": QuestionForm(),
        "review_form": ReviewForm(
            initial={"reviewer_qualifications": assignment.specialist.qualifications}
        ),
    }
    return render(request, "reviewers/portal_case.html", context)


@require_GET
def packet(request: HttpRequest, case_pk: int) -> HttpResponse:
    assignment = get_assignment_for_reviewer(request, case_pk)
    if not portal_case(assignment).submitted:
        raise Http404("The file has not been sent to you yet.")
    pdf = packet_render(case=assignment.case)
    access_log(request, action=AccessLog.Action.DOWNLOAD_PACKET, case=assignment.case)
    response = HttpResponse(pdf, content_type="application/pdf")
    internal_id = assignment.case.member.internal_id
    response["Content-Disposition"] = f'attachment; filename="IMR packet {internal_id}.pdf"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _back(assignment: Assignment) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("reviewers:case", args=[assignment.case_id]))


@require_POST
def attest(request: HttpRequest, case_pk: int) -> HttpResponse:
    assignment = get_assignment_for_reviewer(request, case_pk)
    form = AttestationForm(request.POST)
    form_run(
        request,
        form,
        lambda data: services.attestation_record(
            case=assignment.case,
            specialist=assignment.specialist,
            actor=request.user,
            answers=form.answers(),
            notes=data["notes"],
            via_portal=True,
        ),
        done="Thank you: your attestation is recorded.",
    )
    assignment.refresh_from_db(fields=["ended_at"])
    if assignment.ended_at is not None:
        # A declared conflict ends the assignment: the case leaves this reviewer's portal.
        return HttpResponseRedirect(reverse("reviewers:home"))
    return _back(assignment)


@require_POST
def ask(request: HttpRequest, case_pk: int) -> HttpResponse:
    assignment = get_assignment_for_reviewer(request, case_pk)
    form_run(
        request,
        QuestionForm(request.POST),
        lambda data: services.information_request_ask(
            case=assignment.case, actor=request.user, question=data["question"]
        ),
        done="Your question is sent to the plan's UM staff.",
    )
    return _back(assignment)
