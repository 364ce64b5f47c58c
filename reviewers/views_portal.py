"""The reviewer portal (/portal/): only cases assigned to the user, de-identified only.

Every view reaches a case through _get_assignment_for_reviewer (404 for anyone else's
case) and renders PortalCase values, never the Case, so no member name, CIN, date of
birth or address can reach a portal page. Views and downloads are access-logged.
"""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from cases.access import access_log, require_capability
from cases.models import AccessLog
from cases.packet import packet_render
from reviewers import services
from reviewers.access import _get_assignment_for_reviewer
from reviewers.forms import AttestationForm, QuestionForm, ReviewForm, form_errors
from reviewers.models import Assignment, ReceivedVia
from reviewers.selectors import portal_case, portal_case_list


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    require_capability(request, "review_assigned_cases")
    return render(request, "reviewers/portal_home.html", {"items": portal_case_list(request.user)})


@require_GET
def case(request: HttpRequest, case_pk: int) -> HttpResponse:
    assignment = _get_assignment_for_reviewer(request, case_pk)
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
    assignment = _get_assignment_for_reviewer(request, case_pk)
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


def _run(request: HttpRequest, form: forms.Form, action, done: str) -> bool:
    if not form.is_valid():
        for error in form_errors(form):
            messages.error(request, error)
        return False
    try:
        action(form.cleaned_data)
    except services.ReviewerRefused as refused:
        for problem in refused.problems:
            messages.error(request, problem)
        return False
    messages.success(request, done)
    return True


@require_POST
def attest(request: HttpRequest, case_pk: int) -> HttpResponse:
    assignment = _get_assignment_for_reviewer(request, case_pk)
    form = AttestationForm(request.POST)
    _run(
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
        "Thank you: your attestation is recorded.",
    )
    assignment.refresh_from_db(fields=["ended_at"])
    if assignment.ended_at is not None:
        # A declared conflict ends the assignment: the case leaves this reviewer's portal.
        return HttpResponseRedirect(reverse("reviewers:home"))
    return _back(assignment)


@require_POST
def ask(request: HttpRequest, case_pk: int) -> HttpResponse:
    assignment = _get_assignment_for_reviewer(request, case_pk)
    _run(
        request,
        QuestionForm(request.POST),
        lambda data: services.information_request_ask(
            case=assignment.case, actor=request.user, question=data["question"]
        ),
        "Your question is sent to the plan's UM staff.",
    )
    return _back(assignment)


@require_POST
def determination(request: HttpRequest, case_pk: int) -> HttpResponse:
    assignment = _get_assignment_for_reviewer(request, case_pk)
    _run(
        request,
        ReviewForm(request.POST, request.FILES),
        lambda data: services.review_record(
            case=assignment.case,
            actor=request.user,
            uploaded_file=data["file"],
            recommendation=data["recommendation"],
            rationale=data["rationale"],
            documents_reviewed=data["documents_reviewed"],
            reviewer_qualifications=data["reviewer_qualifications"],
            received_via=ReceivedVia.PORTAL,
        ),
        "Your determination is received. Thank you.",
    )
    return _back(assignment)
